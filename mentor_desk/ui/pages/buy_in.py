"""Step 2, buy-in: the stakeholders, who must be in the room, pitch meetings, the pitch checklist.

The stakeholders table holds every field of a stakeholder (views, potential
issues and notes as long texts below it) and a read-only "Must be in the
room" column from ``rules.room_reasons``; a line under the table says who
must be there and why. Pitch meetings are a table (date, outcome) with the
selected meeting's attendees as a checkable list of the stakeholders
(``AttendeesModel``, stored through ``session.edit_item(..., "attendees")``).
The pitch checklist (``ChecklistModel`` over ``rules.pitch_checklist``) is
recomputed after every change; clicking an item takes the user to where it
is filled in, on this page or another.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import (
    QAbstractListModel,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Qt,
)
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QListView,
    QVBoxLayout,
    QWidget,
)

from mentor_desk.domain import model as m
from mentor_desk.domain import rules
from mentor_desk.ui.display import plain_label, plain_tooltip
from mentor_desk.ui.findings_panel import status_icon
from mentor_desk.ui.pages.base import StepPage
from mentor_desk.ui.session import ProgramSession
from mentor_desk.ui.table_models import CollectionTableModel, Column

AnyIndex = QModelIndex | QPersistentModelIndex
ITEM_ROLE = int(Qt.ItemDataRole.UserRole) + 20  # the ChecklistItem / the stakeholder's name
ROOM_LINES = 12  # the line under the stakeholders names at most this many people


class RoomIndex:
    """Who must be in the room, by stakeholder id, computed once per state of the program."""

    def __init__(self, session: ProgramSession):
        self.session = session
        self._program: m.Program | None = None
        self._revision = -1
        self._reasons: dict[int | None, str] = {}

    def reasons(self) -> dict[int | None, str]:
        program = self.session.program
        revision = self.session.revision  # the program changes in place: by revision too
        if program is not self._program or revision != self._revision:
            self._program, self._revision = program, revision
            self._reasons = (
                {} if program is None else {s.id: why for s, why in rules.room_reasons(program)}
            )
        return self._reasons

    def cell(self, stakeholder: m.Stakeholder) -> str:
        """The "Must be in the room" cell: Yes / Yes, not marked / No."""
        if stakeholder.id not in self.reasons():
            return "No"
        return "Yes" if stakeholder.in_room else "Yes, not marked"


def stakeholder_columns(room: RoomIndex) -> tuple[Column, ...]:
    """The stakeholders' columns: what decides the pitch first, title and department last."""
    return (
        Column("name", "Name", width=130),
        Column("role", "Role", width=62),
        Column("influence", "Influence", width=68),
        Column("stance", "Stance", width=84),
        Column("status", "Status", width=96),
        Column("in_room", "In the\nroom", width=62),
        Column(
            "must_be_in_room", "Must be in\nthe room", editable=False, value=room.cell, width=110
        ),
        Column("intellectual_buy_in", "Intellectual\nbuy-in", width=82),
        Column("emotional_buy_in", "Emotional\nbuy-in", width=78),
        Column("last_contact", "Last contact", width=96),
        Column("title", "Title", width=140),
        Column("department", "Department", width=120),
    )


MEETING_COLUMNS = (
    Column("date", "Date", width=110),
    Column("outcome", "Outcome", width=280),
    Column("attendees", "Attendees", editable=False),
)


def new_stakeholder(session: ProgramSession) -> m.Stakeholder:
    """A stakeholder with a unique "New stakeholder" name and the neutral role "other".

    (The first role, boss, would raise a sign-off finding for someone not yet described.)
    """
    taken = {s.name for s in session.items("stakeholders")}
    name, n = "New stakeholder", 2
    while name in taken:
        name, n = f"New stakeholder {n}", n + 1
    return m.Stakeholder(name, "other")


class ChecklistModel(QAbstractListModel):
    """The pitch checklist of the shown program, one row per item, recomputed on every change.

    Each row reads "Covered: <label> — <detail>" or "Missing: <label> — <detail>"
    with a done or error icon; ``ITEM_ROLE`` gives the ``rules.ChecklistItem``.
    """

    def __init__(self, session: ProgramSession, parent: QObject | None = None):
        super().__init__(parent)
        self.session = session
        self._items = self._current()
        session.findingsChanged.connect(self.refresh)

    def _current(self) -> list[rules.ChecklistItem]:
        program = self.session.program
        return [] if program is None else rules.pitch_checklist(program)

    def refresh(self) -> None:
        new = self._current()
        if [i.key for i in new] == [i.key for i in self._items]:
            self._items = new
            if new:
                self.dataChanged.emit(self.index(0), self.index(len(new) - 1))
            return
        self.beginResetModel()
        self._items = new
        self.endResetModel()

    def item(self, row: int) -> rules.ChecklistItem:
        return self._items[row]

    def row_of(self, key: str) -> int | None:
        for row, item in enumerate(self._items):
            if item.key == key:
                return row
        return None

    def missing(self) -> list[rules.ChecklistItem]:
        return [i for i in self._items if not i.covered]

    @staticmethod
    def text(item: rules.ChecklistItem) -> str:
        word = "Covered" if item.covered else "Missing"
        return f"{word}: {item.label} — {item.detail}"

    def rowCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._items)

    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or index.row() >= len(self._items):
            return None
        item = self._items[index.row()]
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.AccessibleTextRole):
            return self.text(item)
        if role == Qt.ItemDataRole.DecorationRole:
            return status_icon("done" if item.covered else "error")
        if role == Qt.ItemDataRole.ToolTipRole:
            where = "Click to see where it is covered." if item.covered else "Click to fill it in."
            return plain_tooltip(f"{self.text(item)}\n{where}")
        if role == ITEM_ROLE:
            return item
        return None


class AttendeesModel(QAbstractListModel):
    """The stakeholders as a checkable list: who attended the meeting ``meeting_id``.

    Checking or unchecking a row stores the meeting's attendees through the
    session (undo-able). Without a meeting the rows are shown disabled.
    """

    def __init__(self, session: ProgramSession, parent: QObject | None = None):
        super().__init__(parent)
        self.session = session
        self.meeting_id: int | None = None
        self._people: list[m.Stakeholder] = list(session.items("stakeholders"))
        session.changed.connect(self.sync)
        session.programChanged.connect(self.sync)

    def set_meeting(self, meeting_id: int | None) -> None:
        self.meeting_id = meeting_id
        self.sync()

    def meeting(self) -> m.PitchMeeting | None:
        return self.session.item("pitch_meetings", self.meeting_id)

    def sync(self, change: Any = None) -> None:
        if change is not None and not self.session.affects(
            change, "stakeholders", "pitch_meetings"
        ):
            return
        new = list(self.session.items("stakeholders"))
        if [s.id for s in new] == [s.id for s in self._people]:
            self._people = new
            if new:
                self.dataChanged.emit(self.index(0), self.index(len(new) - 1))
            return
        self.beginResetModel()
        self._people = new
        self.endResetModel()

    def attendees(self) -> list[str]:
        meeting = self.meeting()
        return [] if meeting is None else list(meeting.attendees)

    def rowCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._people)

    def flags(self, index: AnyIndex) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        if self.meeting() is None:
            return Qt.ItemFlag.NoItemFlags
        return (
            Qt.ItemFlag.ItemIsEnabled
            | Qt.ItemFlag.ItemIsSelectable
            | (Qt.ItemFlag.ItemIsUserCheckable)
        )

    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or index.row() >= len(self._people):
            return None
        person = self._people[index.row()]
        if role == Qt.ItemDataRole.DisplayRole:
            return f"{person.name} ({person.role})"
        if role == Qt.ItemDataRole.CheckStateRole:
            attended = person.name in self.attendees()
            return Qt.CheckState.Checked if attended else Qt.CheckState.Unchecked
        if role == Qt.ItemDataRole.ToolTipRole:
            return plain_tooltip(person.name)
        if role == ITEM_ROLE:
            return person.name
        return None

    def setData(self, index: AnyIndex, value: Any, role: int = Qt.ItemDataRole.EditRole) -> bool:
        if not index.isValid() or role != Qt.ItemDataRole.CheckStateRole:
            return False
        meeting = self.meeting()
        if meeting is None:
            return False
        name = self._people[index.row()].name
        names = [n for n in meeting.attendees if n != name]
        if Qt.CheckState(value) == Qt.CheckState.Checked:
            names.append(name)
        return self.session.edit_item("pitch_meetings", meeting.id, "attendees", names)


class BuyInPage(StepPage):
    """Stakeholders and who must be in the room, the pitch checklist, pitch meetings."""

    step = m.Step.BUY_IN
    intro = (
        "Sell your boss, enroll your peers: the boss signs off and supports the program; peer "
        "department leaders are customers, so record their views and the issues it may cause."
    )

    def build(self) -> None:
        s = self.session
        self.room = RoomIndex(s)

        people = self.add_section(
            "Stakeholders",
            "Select a stakeholder to edit their views, potential issues and notes below the table.",
        )
        self.stakeholders = self.add_table(
            people,
            CollectionTableModel(
                s, "stakeholders", stakeholder_columns(self.room), depends=("program",)
            ),  # who must be in the room follows the focus
            "&Stakeholders",
            new_item=new_stakeholder,
            detail_fields=[
                ("views", "&Views"),
                ("issues", "Potential &issues"),
                ("notes", "No&tes"),
            ],
            visible_rows=7,  # six rows under the two-line header
        )
        self.room_label = plain_label("", self.content, wrap=True)
        self.room_label.setAccessibleName("Who must be in the room")
        self.room_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        # under the table, above the long texts of the selected stakeholder
        table_layout = self.stakeholders.layout()
        assert isinstance(table_layout, QVBoxLayout)
        table_layout.insertWidget(table_layout.indexOf(self.stakeholders.view) + 2, self.room_label)

        checklist = self.add_section(
            "Pitch checklist",
            "What the pitch must cover, computed from the program's data. Click an item to go "
            "to where it is filled in.",
        )
        self.checklist_model = ChecklistModel(s, self)
        self.checklist = QListView(self.content)
        self.checklist.setModel(self.checklist_model)
        self.checklist.setAccessibleName("Pitch checklist")
        self.checklist.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.checklist.setWordWrap(True)
        self.checklist.clicked.connect(self._checklist_go)
        self.checklist.activated.connect(self._checklist_go)
        checklist_caption = plain_label(self.mnemonics.label("Pitch &checklist"), self.content)
        checklist_caption.setBuddy(self.checklist)
        self.checklist_summary = plain_label("", self.content, wrap=True)
        self.checklist_summary.setAccessibleName("Pitch checklist summary")
        checklist.addWidget(checklist_caption)
        checklist.addWidget(self.checklist)
        checklist.addWidget(self.checklist_summary)

        meetings = self.add_section(
            "Pitch meetings",
            "Each pitch given: when, who attended (tick them in the list) and what came of it.",
        )
        row = QHBoxLayout()
        meetings.addLayout(row)
        self.meetings = self.add_table(
            None,
            CollectionTableModel(s, "pitch_meetings", MEETING_COLUMNS),
            "Pitch &meetings",
            detail_fields=[("outcome", "&Outcome")],
            visible_rows=4,
        )
        row.addWidget(self.meetings, 3)
        attendees_box = QWidget(self.content)
        attendees_layout = QVBoxLayout(attendees_box)
        attendees_layout.setContentsMargins(0, 0, 0, 0)
        self.attendees_model = AttendeesModel(s, self)
        self.attendees = QListView(attendees_box)
        self.attendees.setModel(self.attendees_model)
        self.attendees.setAccessibleName("Attendees")
        self.attendees.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.attendees_caption = plain_label(self.mnemonics.label("&Attendees"), attendees_box)
        self.attendees_caption.setBuddy(self.attendees)
        self.attendees_hint = plain_label("", attendees_box, wrap=True)
        attendees_layout.addWidget(self.attendees_caption)
        attendees_layout.addWidget(self.attendees, 1)
        attendees_layout.addWidget(self.attendees_hint)
        row.addWidget(attendees_box, 2)
        self.meetings.currentItemChanged.connect(self._show_attendees)

        # tab order: meetings table, its buttons, the attendees, then the outcome below
        detail = self.meetings.detail
        if detail is not None:
            first = detail.bindings[0].editor
            QWidget.setTabOrder(self.meetings.remove_button, self.attendees)
            QWidget.setTabOrder(self.attendees, first)

        s.findingsChanged.connect(self._on_changed)

    # ----- following the session -------------------------------------------------

    def refresh(self) -> None:
        people = self.session.items("stakeholders")
        if self.stakeholders.current_item_id() is None and people:
            self.stakeholders.select_item(people[0].id, focus=False)  # its texts show at once
        meetings = self.session.items("pitch_meetings")
        if self.meetings.current_item_id() is None and meetings:
            self.meetings.select_item(meetings[0].id, focus=False)
        self._on_changed()

    def _on_changed(self, *_args: Any) -> None:
        self._show_room()
        self._show_checklist_summary()
        self._show_attendees(self.meetings.current_item_id())

    def _show_room(self) -> None:
        program = self.session.program
        if program is None:
            self.room_label.setText("")
            return
        focus = (program.focus or "").strip()
        if not focus:
            self.room_label.setText(
                "Who must be in the room follows from the program's focus; the focus is not "
                "given yet (Business case step)."
            )
            return
        reasons = rules.room_reasons(program)
        if not reasons:
            self.room_label.setText(
                f"For the focus “{focus}” no stakeholder must be in the room yet: for a "
                "functional focus, the leaders of the departments it names."
            )
            return
        lines = [f"Must be in the room for the pitch (focus “{focus}”):"]
        for person, why in reasons[:ROOM_LINES]:
            mark = "in the room" if person.in_room else "NOT marked in the room"
            lines.append(f"• {person.name}: {why} — {mark}")
        if len(reasons) > ROOM_LINES:
            lines.append(f"… and {len(reasons) - ROOM_LINES} more (see the last column).")
        self.room_label.setText("\n".join(lines))

    def _show_checklist_summary(self) -> None:
        model = self.checklist_model
        count = model.rowCount()
        if self.session.program is None or not count:
            self.checklist_summary.setText("")
        elif missing := model.missing():
            names = ", ".join(i.label for i in missing)
            self.checklist_summary.setText(
                f"{count - len(missing)} of {count} items covered. Missing: {names}."
            )
        else:
            self.checklist_summary.setText(f"All {count} items covered: the pitch is complete.")
        rows = max(count, 1)
        self.checklist.setFixedHeight(self.checklist.sizeHintForRow(0) * rows + 8)

    def _show_attendees(self, meeting_id: int | None) -> None:
        self.attendees_model.set_meeting(meeting_id)
        meeting = self.attendees_model.meeting()
        if meeting is None:
            self.attendees_hint.setText("Select a meeting to tick who attended.")
        elif not self.session.items("stakeholders"):
            self.attendees_hint.setText("Add the stakeholders first.")
        else:
            n = len(meeting.attendees)
            self.attendees_hint.setText(f"{n} attendee{'s' if n != 1 else ''}.")

    # ----- the checklist -----------------------------------------------------------

    def _checklist_go(self, index: QModelIndex) -> None:
        item = index.data(ITEM_ROLE)
        if item is not None and item.target is not None:
            self._navigate(item.target)

    def go_to_checklist_item(self, key: str) -> bool:
        """Take the user to where the checklist item ``key`` is filled in."""
        row = self.checklist_model.row_of(key)
        if row is None:
            return False
        self._checklist_go(self.checklist_model.index(row))
        return True

    # ----- going to a finding ----------------------------------------------------

    def focus_target(self, target: Any) -> bool:
        attendees = (
            target is not None
            and target.collection == "pitch_meetings"
            and target.field == "attendees"
        )
        if attendees:
            if target.item_id is not None:
                self.meetings.select_item(target.item_id, focus=False)
            self.scroll.ensureWidgetVisible(self.attendees)
            self.attendees.setFocus(Qt.FocusReason.OtherFocusReason)
            return True
        return super().focus_target(target)
