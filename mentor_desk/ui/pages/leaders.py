"""Step 3, enroll your leaders: their buy-in, benefits at three levels, the adviser's review.

The leaders are the stakeholders whose role is "leader": the same rows as on
the Buy-in page, shown through a filtered ``CollectionTableModel`` (an edit
here is an edit of the stakeholder, undo-able alike). A "Personal benefit"
column and a line under the table say which leader still lacks a personal
benefit; "Add personal benefit" writes one for the selected leader. The
benefits table has the level and the stakeholder as combos, the text in full
below it. The adviser review is four program-level fields.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QHBoxLayout, QPushButton, QVBoxLayout

from mentor_desk.domain import model as m
from mentor_desk.domain.findings import Target
from mentor_desk.ui.collection_table import CollectionTable
from mentor_desk.ui.display import plain_label
from mentor_desk.ui.pages.base import StepPage
from mentor_desk.ui.session import ProgramSession
from mentor_desk.ui.table_models import CollectionTableModel, Column

LEADER = "leader"
PERSONAL = "personal"


def _key(name: str | None) -> str:
    return (name or "").strip().casefold()


def leaders_of(session: ProgramSession) -> list[m.Stakeholder]:
    """The stakeholders with the leader role, in stakeholder order."""
    return [s for s in session.items("stakeholders") if s.role == LEADER]


def personal_benefits(session: ProgramSession, leader: m.Stakeholder) -> list[m.Benefit]:
    """The written personal benefits for ``leader`` (as the rules count them)."""
    return [
        b
        for b in session.items("benefits")
        if b.level == PERSONAL
        and _key(b.stakeholder) == _key(leader.name)
        and (b.text or "").strip()
    ]


def fit_rows(table: CollectionTable, low: int = 3, high: int = 10) -> None:
    """Size a table to its rows (between ``low`` and ``high``) so a few leaders leave no gap."""
    view = table.view
    rows = min(max(table.model.rowCount(), low), high)
    height = (
        view.horizontalHeader().sizeHint().height()
        + view.verticalHeader().defaultSectionSize() * rows
        + view.horizontalScrollBar().sizeHint().height()
        + 2 * view.frameWidth()
    )
    view.setMinimumHeight(height)
    view.setMaximumHeight(height)


def new_leader(session: ProgramSession) -> m.Stakeholder:
    """A stakeholder with the leader role and a unique "New leader" name."""
    taken = {s.name for s in session.items("stakeholders")}
    name, n = "New leader", 2
    while name in taken:
        name, n = f"New leader {n}", n + 1
    return m.Stakeholder(name, LEADER)


class LeadersPage(StepPage):
    """The leaders' buy-in, the benefits at three levels, the trusted adviser's review."""

    step = m.Step.LEADERS
    intro = (
        "Enroll your leaders: win the intellectual and the emotional buy-in of every leader, "
        "and write what the program gives the organization, each leader personally and the "
        "broader staff."
    )

    def build(self) -> None:
        s = self.session
        leaders = self.add_section(
            "Leaders",
            "The stakeholders whose role is leader (the same people as on the Buy-in page). "
            "Tick each kind of buy-in once you have it.",
        )
        self.leaders = self.add_table(
            leaders,
            CollectionTableModel(
                s,
                "stakeholders",
                self._leader_columns(),
                items_of=leaders_of,
                depends=("benefits",),  # the personal benefit column
            ),
            "&Leaders",
            new_item=new_leader,
            add_text="Add leader",
            remove_text="Remove leader",
            visible_rows=4,
        )
        self.leaders.add_button.setAccessibleName("Add leader")
        self.leaders.remove_button.setAccessibleName("Remove leader")
        self.lacking = plain_label("", self.content, wrap=True)
        self.lacking.setAccessibleName("Leaders without a personal benefit")
        self.lacking.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.add_personal_button = QPushButton(
            self.mnemonics.label("Add personal benefit"), self.content
        )
        self.add_personal_button.setAccessibleName("Add personal benefit")
        self.add_personal_button.setToolTip(
            "Add a personal benefit for the selected leader and write its text"
        )
        self.add_personal_button.clicked.connect(self.add_personal_benefit)
        row = QHBoxLayout()
        row.addWidget(self.lacking, 1)
        row.addWidget(self.add_personal_button, 0, Qt.AlignmentFlag.AlignTop)
        table_layout = self.leaders.layout()
        assert isinstance(table_layout, QVBoxLayout)
        table_layout.addLayout(row)

        benefits = self.add_section(
            "Benefits",
            "What the program gives at three levels: the organization, each leader personally "
            "(choose the leader), the broader staff. Select a benefit to write its text in full.",
        )
        self.benefits = self.add_table(
            benefits,
            CollectionTableModel(s, "benefits", self._benefit_columns()),
            "&Benefits",
            detail_fields=[("text", "Benefit &text")],
            visible_rows=4,
        )

        review = self.add_section(
            "Adviser review",
            "Optionally, a trusted adviser confirms the leaders' buy-in.",
        )
        self.review = self.add_form(review)
        self.review.add_program_field("adviser_review.adviser", "A&dviser")
        self.review.add_program_field("adviser_review.date", "Review d&ate")
        self.review.add_program_field("adviser_review.confirmed", "&Confirmed")
        self.review.add_program_field("adviser_review.notes", "Adviser's n&otes")

        s.findingsChanged.connect(self._on_changed)
        self.leaders.currentItemChanged.connect(lambda _id: self._update_button())

    def _leader_columns(self) -> tuple[Column, ...]:
        """What this step decides first (buy-in, a personal benefit), who they are last."""
        return (
            Column("name", "Name", width=150),
            Column("intellectual_buy_in", "Intellectual buy-in", width=128),
            Column("emotional_buy_in", "Emotional buy-in", width=118),
            Column(
                "personal_benefit",
                "Personal benefit",
                editable=False,
                value=self._benefit_cell,
                width=118,
            ),
            Column("stance", "Stance", width=90),
            Column("status", "Status", width=100),
            Column("title", "Title", width=150),
            Column("department", "Department", width=120),
        )

    @staticmethod
    def _benefit_columns() -> tuple[Column, ...]:
        return (
            Column("level", "Level", width=110),
            Column("stakeholder", "Stakeholder", width=170),
            Column("text", "Text"),
        )

    def _benefit_cell(self, leader: m.Stakeholder) -> str:
        count = len(personal_benefits(self.session, leader))
        if count == 0:
            return "Missing"
        return "Written" if count == 1 else f"Written ({count})"

    # ----- following the session -------------------------------------------------

    def refresh(self) -> None:
        leaders = leaders_of(self.session)
        if self.leaders.current_item_id() is None and leaders:
            self.leaders.select_item(leaders[0].id, focus=False)
        benefits = self.session.items("benefits")
        if self.benefits.current_item_id() is None and benefits:
            self.benefits.select_item(benefits[0].id, focus=False)  # its text shows at once
        self._on_changed()

    def _on_changed(self, *_args: Any) -> None:
        fit_rows(self.leaders)
        fit_rows(self.benefits)
        self._show_lacking()
        self._update_button()

    def lacking_leaders(self) -> list[m.Stakeholder]:
        """The leaders without a written personal benefit."""
        return [ld for ld in leaders_of(self.session) if not personal_benefits(self.session, ld)]

    def _show_lacking(self) -> None:
        if self.session.program is None:
            self.lacking.setText("")
            return
        leaders = leaders_of(self.session)
        lacking = self.lacking_leaders()
        if not leaders:
            text = "No stakeholder has the leader role yet: add the leaders here or on Buy-in."
        elif not lacking:
            text = "Every leader has a personal benefit written."
        else:
            names = ", ".join(ld.name for ld in lacking)
            text = f"Still without a personal benefit: {names}."
        self.lacking.setText(text)

    def _update_button(self) -> None:
        leader = self.session.item("stakeholders", self.leaders.current_item_id())
        self.add_personal_button.setEnabled(leader is not None)
        if leader is not None:
            self.add_personal_button.setToolTip(
                "Add a personal benefit for the selected leader and write its text"
            )

    # ----- actions ---------------------------------------------------------------

    def add_personal_benefit(self) -> int | None:
        """Add an empty personal benefit for the selected leader; focus its text."""
        leader = self.session.item("stakeholders", self.leaders.current_item_id())
        if leader is None:
            return None
        self.session.flush()
        new_id = self.benefits.model.add_item(m.Benefit(PERSONAL, "", stakeholder=leader.name))
        if new_id is not None:
            self.benefits.select_item(new_id, "text")
            binding = self.benefits.detail_binding("text")
            if binding is not None:
                self.focus_binding(binding)
        return new_id

    # ----- going to a finding ----------------------------------------------------

    def focus_target(self, target: Target | None) -> bool:
        if target is not None and target.collection == "stakeholders":
            # only the leaders are here; the other stakeholders are on the Buy-in page
            person = self.session.item("stakeholders", target.item_id)
            if person is None or person.role != LEADER:
                return False
            return self.focus_table(self.leaders, target.item_id, target.field)
        if target is not None and target.collection == "benefits" and target.item_id is None:
            if target.field == "stakeholder":
                lacking = self.lacking_leaders()
                if lacking:  # a leader without a personal benefit: select them, offer to add
                    self.leaders.select_item(lacking[0].id, focus=False)
                    self.scroll.ensureWidgetVisible(self.add_personal_button)
                    self.add_personal_button.setFocus(Qt.FocusReason.OtherFocusReason)
                    return True
            return self.focus_table(self.benefits, None, None)
        return super().focus_target(target)
