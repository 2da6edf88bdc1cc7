"""File > Restore from backup…: the open file's backups, newest first, to choose one from.

``BackupsModel`` holds the ``services.list_backups`` of a file (when taken,
why, the programs each holds, whether it passes the integrity check);
``BackupsDialog`` shows it with a Restore button that is enabled only for a
backup that passes. The window runs the dialog through ``dialogs.choose_backup``
(tests replace it, or drive this dialog through ``dialogs.exec_dialog``),
asks for confirmation, and does the restoring itself.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QItemSelectionModel,
    QModelIndex,
    QPersistentModelIndex,
    Qt,
)
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from mentor_desk.store.database import BackupInfo
from mentor_desk.ui.display import format_date, plain_label, plain_tooltip

AnyIndex = QModelIndex | QPersistentModelIndex
_NO_PARENT = QModelIndex()


def taken_text(when: dt.datetime) -> str:
    """ "14/07/2027 10:32:05" in the user's date format."""
    return f"{format_date(when.date())} {when:%H:%M:%S}"


def programs_text(info: BackupInfo) -> str:
    if not info.programs:
        return "no programs"
    return ", ".join(info.programs)


def check_text(info: BackupInfo) -> str:
    return "passes" if info.ok else f"fails: {info.problem}"


class BackupsModel(QAbstractTableModel):
    """One row per backup, newest first: taken, why, programs, integrity check."""

    TAKEN, WHY, PROGRAMS, CHECK = range(4)
    HEADERS = ("Taken", "Why", "Programs it holds", "Integrity check")

    def __init__(self, backups: list[BackupInfo], parent: Any = None):
        super().__init__(parent)
        self._rows = list(backups)

    def backup(self, row: int) -> BackupInfo:
        return self._rows[row]

    def rowCount(self, parent: AnyIndex = _NO_PARENT) -> int:
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: AnyIndex = _NO_PARENT) -> int:
        return 0 if parent.isValid() else len(self.HEADERS)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        horizontal = orientation == Qt.Orientation.Horizontal
        if horizontal and role == Qt.ItemDataRole.DisplayRole and 0 <= section < len(self.HEADERS):
            return self.HEADERS[section]
        return None

    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        info = self._rows[index.row()]
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.AccessibleTextRole):
            return (
                taken_text(info.taken),
                info.why,
                programs_text(info),
                check_text(info),
            )[index.column()]
        if role == Qt.ItemDataRole.ToolTipRole:
            if index.column() == self.PROGRAMS:
                return plain_tooltip("\n".join(info.programs) or "no programs")
            return plain_tooltip(str(info.path))
        return None

    def flags(self, index: AnyIndex) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable


class BackupsDialog(QDialog):
    """The backups of one program file; Restore takes the selected one (if it passes).

    Attributes:
        model: the BackupsModel.
        table: the QTableView ("Backups").
        restore_button: Restore, enabled for a backup that passes the integrity check.
    """

    def __init__(self, path: Path, backups: list[BackupInfo], parent: QWidget | None = None):
        super().__init__(parent)
        self.setWindowTitle("Restore from backup")
        layout = QVBoxLayout(self)
        intro = plain_label(
            f"Backups of {path}, newest first. Mentor Desk takes one when it opens the file "
            "(once a day), before imports and updates of the file, and before a restore; it "
            "keeps the newest five and one a day, a week and a month further back.\n"
            "Restoring puts the chosen backup in place of the file. The programs as they "
            "are now are backed up first, so you can come back to them the same way.",
            self,
            wrap=True,
        )
        layout.addWidget(intro)
        caption = QLabel("&Backups", self)
        layout.addWidget(caption)
        self.model = BackupsModel(backups, self)
        self.table = QTableView(self)
        self.table.setModel(self.model)
        self.table.setAccessibleName("Backups")
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setTabKeyNavigation(False)
        self.table.setWordWrap(False)
        self.table.verticalHeader().hide()
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(BackupsModel.PROGRAMS, QHeaderView.ResizeMode.Stretch)
        caption.setBuddy(self.table)
        layout.addWidget(self.table, 1)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel, self)
        self.restore_button: QPushButton = buttons.addButton(
            "&Restore…", QDialogButtonBox.ButtonRole.AcceptRole
        )
        self.restore_button.setAccessibleName("Restore")
        buttons.accepted.connect(self._accept_if_ok)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self.table.selectionModel().currentRowChanged.connect(self._update)
        self.table.doubleClicked.connect(lambda _index: self._accept_if_ok())
        self.resize(820, 420)
        first_ok = next((i for i, b in enumerate(backups) if b.ok), None)
        if first_ok is not None:
            self.select(first_ok)
        self._update()

    def select(self, row: int) -> None:
        self.table.selectionModel().setCurrentIndex(
            self.model.index(row, 0),
            QItemSelectionModel.SelectionFlag.ClearAndSelect
            | QItemSelectionModel.SelectionFlag.Rows,
        )

    def chosen(self) -> BackupInfo | None:
        """The selected backup, or None."""
        row = self.table.currentIndex().row()
        return self.model.backup(row) if 0 <= row < self.model.rowCount() else None

    def _update(self, *_args: Any) -> None:
        chosen = self.chosen()
        self.restore_button.setEnabled(chosen is not None and chosen.ok)

    def _accept_if_ok(self) -> None:
        chosen = self.chosen()
        if chosen is not None and chosen.ok:
            self.accept()
