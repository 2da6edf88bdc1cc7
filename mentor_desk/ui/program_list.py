"""The list of programs in the file: search by name or organization, new, rename, duplicate, delete.

``ProgramListModel`` holds ``services.list_programs`` (one row per program,
"name" over "organization"); ``ProgramList`` adds the search box and the
buttons. The actions themselves go through the session (undo-able) and the
replaceable ``dialogs`` functions; the window connects ``newRequested`` to
its New-program wizard.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import (
    QAbstractListModel,
    QItemSelectionModel,
    QModelIndex,
    QPersistentModelIndex,
    Qt,
    Signal,
)
from PySide6.QtWidgets import (
    QAbstractItemView,
    QGridLayout,
    QLabel,
    QLineEdit,
    QListView,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from mentor_desk import services
from mentor_desk.domain import model as m
from mentor_desk.ui import dialogs
from mentor_desk.ui.display import plain_tooltip
from mentor_desk.ui.session import ProgramSession

PROGRAM_ID_ROLE = int(Qt.ItemDataRole.UserRole) + 1


class ProgramListModel(QAbstractListModel):
    """Programs whose name or organization contains ``query``, by name."""

    def __init__(self, session: ProgramSession, parent: Any = None):
        super().__init__(parent)
        self.session = session
        self.query = ""
        self._rows: list[m.ProgramSummary] = services.list_programs(session.pf)

    def refresh(self) -> None:
        self.beginResetModel()
        self._rows = services.list_programs(self.session.pf, query=self.query)
        self.endResetModel()

    def set_query(self, query: str) -> None:
        self.query = query.strip()
        self.refresh()

    def summary(self, row: int) -> m.ProgramSummary:
        return self._rows[row]

    def row_of(self, program_id: int | None) -> int | None:
        for row, summary in enumerate(self._rows):
            if summary.id == program_id:
                return row
        return None

    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._rows)

    def data(
        self, index: QModelIndex | QPersistentModelIndex, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if not index.isValid() or index.row() >= len(self._rows):
            return None
        summary = self._rows[index.row()]
        if role == Qt.ItemDataRole.DisplayRole:
            return f"{summary.name}\n{summary.organization}"
        if role == Qt.ItemDataRole.AccessibleTextRole:
            return f"{summary.name}, {summary.organization}"
        if role == Qt.ItemDataRole.ToolTipRole:
            focus = f"\nFocus: {summary.focus}" if summary.focus else ""
            return plain_tooltip(
                f"{summary.name}\n{summary.organization} ({summary.org_size}){focus}"
            )
        if role == PROGRAM_ID_ROLE:
            return summary.id
        return None


class ProgramList(QWidget):
    """Search box, list, and New / Rename / Duplicate / Delete.

    Signals:
        programActivated(int): the user chose a program.
        newRequested(): the user asked for a new program.
        deleted(str): a program was deleted (its name), for an "Undo" message.
    """

    programActivated = Signal(int)
    newRequested = Signal()
    deleted = Signal(str)  # the name of the program just deleted

    def __init__(self, session: ProgramSession, parent: QWidget | None = None):
        super().__init__(parent)
        self.session = session
        self.model = ProgramListModel(session, self)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        caption = QLabel("&Programs", self)
        font = caption.font()
        font.setBold(True)
        caption.setFont(font)
        layout.addWidget(caption)
        self.search = QLineEdit(self)
        self.search.setPlaceholderText("Search by name or organization")
        self.search.setAccessibleName("Search programs")
        self.search.setClearButtonEnabled(True)
        self.search.textChanged.connect(self._search)
        layout.addWidget(self.search)
        self.view = QListView(self)
        self.view.setModel(self.model)
        self.view.setAccessibleName("Programs")
        self.view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.view.setAlternatingRowColors(True)
        self.view.setSpacing(1)
        caption.setBuddy(self.view)
        layout.addWidget(self.view, 1)
        grid = QGridLayout()
        self.new_button = QPushButton("New…", self)
        self.rename_button = QPushButton("Rename…", self)
        self.duplicate_button = QPushButton("Duplicate…", self)
        self.delete_button = QPushButton("Delete…", self)
        for i, button in enumerate(
            (self.new_button, self.rename_button, self.duplicate_button, self.delete_button)
        ):
            button.setAccessibleName(button.text().rstrip("…") + " program")
            grid.addWidget(button, i // 2, i % 2)
        layout.addLayout(grid)
        self.new_button.clicked.connect(self.newRequested)
        self.rename_button.clicked.connect(self.rename)
        self.duplicate_button.clicked.connect(self.duplicate)
        self.delete_button.clicked.connect(self.delete)
        self.view.selectionModel().currentChanged.connect(self._on_current)
        session.programsChanged.connect(self._reload)
        session.programChanged.connect(self.show_current)
        self.show_current()

    # ----- list and selection ----------------------------------------------------

    def _search(self, text: str) -> None:
        self.model.set_query(text)
        self.show_current()

    def _reload(self) -> None:
        self.model.refresh()
        self.show_current()

    def show_current(self) -> None:
        """Select the session's program in the list (without emitting programActivated)."""
        row = self.model.row_of(self.session.program_id)
        selection = self.view.selectionModel()
        selection.blockSignals(True)
        if row is None:
            selection.clearSelection()
            selection.setCurrentIndex(QModelIndex(), QItemSelectionModel.SelectionFlag.Clear)
        else:
            index = self.model.index(row)
            selection.setCurrentIndex(index, QItemSelectionModel.SelectionFlag.ClearAndSelect)
            self.view.scrollTo(index)
        selection.blockSignals(False)
        self.view.viewport().update()
        self._update_buttons()

    def _on_current(self, current: QModelIndex, _previous: QModelIndex) -> None:
        self._update_buttons()
        if current.isValid():
            program_id = current.data(PROGRAM_ID_ROLE)
            if program_id != self.session.program_id:
                self.programActivated.emit(program_id)

    def selected_id(self) -> int | None:
        index = self.view.currentIndex()
        return index.data(PROGRAM_ID_ROLE) if index.isValid() else self.session.program_id

    def _update_buttons(self) -> None:
        has = self.selected_id() is not None
        for button in (self.rename_button, self.duplicate_button, self.delete_button):
            button.setEnabled(has)

    # ----- actions ---------------------------------------------------------------

    def _name_of(self, program_id: int) -> str:
        return services.find_program(self.session.pf, program_id).name

    def rename(self) -> None:
        program_id = self.selected_id()
        if program_id is None:
            return
        old = self._name_of(program_id)
        name = dialogs.ask_text(self, "New name of the program:", old, "Rename program")
        if name is None or name == old:
            return
        self.session.rename_program(program_id, name)

    def duplicate(self) -> None:
        """Copy the program as a template for the next client, under a new name."""
        program_id = self.selected_id()
        if program_id is None:
            return
        old = self._name_of(program_id)
        name = dialogs.ask_text(self, "Name of the copy:", f"{old} (copy)", "Duplicate program")
        if name is None:
            return
        self.session.duplicate_program(program_id, name)

    def delete(self) -> bool:
        program_id = self.selected_id()
        if program_id is None:
            return False
        name = self._name_of(program_id)
        question = (
            f"Delete the program {name!r} and everything in it?\n"
            "You can undo this with Edit > Undo (Ctrl+Z)."
        )
        if not dialogs.ask_yes_no(self, question, "Delete program", yes_text="Delete"):
            return False
        if not self.session.delete_program(program_id):
            return False
        self.deleted.emit(name)
        return True
