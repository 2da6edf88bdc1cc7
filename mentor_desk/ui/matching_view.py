"""The Matching view: proposed pairs with their score and reasons, to accept or reject.

Proposals come from ``services.propose_pairs`` (optimal under the method's
hard constraints); the user checks rows and accepts them -- they become pairs
with status ``proposed`` through ``services.accept_proposals`` -- or rejects
them, and the rejected pairs are never proposed again in this view (the
matching runs again without them). Mentees that cannot be matched are listed
with the reason.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QPersistentModelIndex,
    Qt,
    Signal,
)
from PySide6.QtWidgets import (
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from mentor_desk import services
from mentor_desk.domain.matching import MatchResult, Proposal, Unmatched
from mentor_desk.errors import DocumentError, KnownError
from mentor_desk.store.database import ProgramFile
from mentor_desk.ui import dialogs

_Index = QModelIndex | QPersistentModelIndex


class ProposalModel(QAbstractTableModel):
    """Proposals, one a row: Accept (a check box), Mentor, Mentee, Score, Reasons."""

    ACCEPT, MENTOR, MENTEE, SCORE, REASONS = range(5)
    HEADERS = ("Accept", "Mentor", "Mentee", "Score", "Reasons")

    def __init__(self, parent: Any = None):
        super().__init__(parent)
        self.proposals: list[Proposal] = []
        self.checked: list[bool] = []

    def set_proposals(self, proposals: list[Proposal]) -> None:
        self.beginResetModel()
        self.proposals = list(proposals)
        self.checked = [False] * len(self.proposals)
        self.endResetModel()

    def checked_proposals(self) -> list[Proposal]:
        return [p for p, c in zip(self.proposals, self.checked, strict=True) if c]

    def set_all_checked(self, checked: bool) -> None:
        if not self.proposals:
            return
        self.checked = [checked] * len(self.proposals)
        self.dataChanged.emit(
            self.index(0, self.ACCEPT),
            self.index(len(self.proposals) - 1, self.ACCEPT),
            [Qt.ItemDataRole.CheckStateRole],
        )

    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.proposals)

    def columnCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.HEADERS)

    def flags(self, index: _Index) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        flags = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
        if index.column() == self.ACCEPT:
            flags |= Qt.ItemFlag.ItemIsUserCheckable
        return flags

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        proposal = self.proposals[index.row()]
        column = index.column()
        if role == Qt.ItemDataRole.CheckStateRole and column == self.ACCEPT:
            checked = self.checked[index.row()]
            return Qt.CheckState.Checked if checked else Qt.CheckState.Unchecked
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            if column == self.MENTOR:
                return proposal.mentor
            if column == self.MENTEE:
                return proposal.mentee
            if column == self.SCORE:
                return str(proposal.score) if role == Qt.ItemDataRole.DisplayRole else None
            if column == self.REASONS:
                return proposal.reason_text
            if column == self.ACCEPT and role == Qt.ItemDataRole.ToolTipRole:
                return "Check to accept or reject this pair"
        if role == Qt.ItemDataRole.TextAlignmentRole and column == self.SCORE:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None

    def setData(self, index: _Index, value: Any, role: int = Qt.ItemDataRole.EditRole) -> bool:
        if (
            not index.isValid()
            or index.column() != self.ACCEPT
            or role != Qt.ItemDataRole.CheckStateRole
        ):
            return False
        state = value.value if isinstance(value, Qt.CheckState) else value
        self.checked[index.row()] = state == Qt.CheckState.Checked.value
        self.dataChanged.emit(index, index, [Qt.ItemDataRole.CheckStateRole])
        return True

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if (
            role == Qt.ItemDataRole.DisplayRole
            and orientation == Qt.Orientation.Horizontal
            and 0 <= section < len(self.HEADERS)
        ):
            return self.HEADERS[section]
        return None


class UnmatchedModel(QAbstractTableModel):
    """Mentees left without a proposal: Mentee, Reason."""

    MENTEE, REASON = range(2)
    HEADERS = ("Mentee", "Why not matched")

    def __init__(self, parent: Any = None):
        super().__init__(parent)
        self.items: list[Unmatched] = []

    def set_items(self, items: list[Unmatched]) -> None:
        self.beginResetModel()
        self.items = list(items)
        self.endResetModel()

    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.items)

    def columnCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.HEADERS)

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or role not in (
            Qt.ItemDataRole.DisplayRole,
            Qt.ItemDataRole.ToolTipRole,
        ):
            return None
        item = self.items[index.row()]
        return item.mentee if index.column() == self.MENTEE else item.reason

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if (
            role == Qt.ItemDataRole.DisplayRole
            and orientation == Qt.Orientation.Horizontal
            and 0 <= section < len(self.HEADERS)
        ):
            return self.HEADERS[section]
        return None


def _table(model: QAbstractTableModel, name: str) -> QTableView:
    view = QTableView()
    view.setModel(model)
    view.setAccessibleName(name)
    view.setTabKeyNavigation(False)
    view.setSelectionBehavior(QTableView.SelectionBehavior.SelectRows)
    view.setWordWrap(True)
    view.horizontalHeader().setStretchLastSection(True)
    view.verticalHeader().setVisible(False)
    return view


class MatchingView(QWidget):
    """Proposals to accept or reject, and the mentees that cannot be matched.

    Signals:
        changed(): pairs were stored (the program changed).

    Attributes:
        proposals: the ProposalModel; unmatched: the UnmatchedModel;
        rejected: the (mentor, mentee) pairs rejected here, never proposed again;
        result: the latest ``MatchResult``.
    """

    changed = Signal()

    def __init__(
        self,
        pf: ProgramFile,
        program_id: int,
        parent: QWidget | None = None,
        *,
        today: Callable[[], dt.date] = dt.date.today,
    ):
        super().__init__(parent)
        self.pf = pf
        self.program_id = program_id
        self.today = today
        self.rejected: set[tuple[str, str]] = set()
        self.result = MatchResult()

        layout = QVBoxLayout(self)
        self.summary = QLabel()
        self.summary.setTextFormat(Qt.TextFormat.PlainText)
        self.summary.setWordWrap(True)
        self.summary.setAccessibleName("Matching summary")
        layout.addWidget(self.summary)

        proposals_label = QLabel("&Proposed pairs (best total score; check the ones to act on):")
        proposals_label.setTextFormat(Qt.TextFormat.PlainText)
        self.proposals = ProposalModel(self)
        self.proposal_table = _table(self.proposals, "Proposed pairs")
        proposals_label.setBuddy(self.proposal_table)
        header = self.proposal_table.horizontalHeader()
        header.setSectionResizeMode(ProposalModel.REASONS, QHeaderView.ResizeMode.Stretch)
        layout.addWidget(proposals_label)
        layout.addWidget(self.proposal_table, 3)

        buttons = QHBoxLayout()
        self.check_all_button = QPushButton("Check &all")
        self.check_all_button.clicked.connect(lambda: self.proposals.set_all_checked(True))
        self.check_none_button = QPushButton("Check &none")
        self.check_none_button.clicked.connect(lambda: self.proposals.set_all_checked(False))
        self.accept_button = QPushButton("A&ccept checked")
        self.accept_button.setToolTip("Store the checked pairs with status proposed")
        self.accept_button.clicked.connect(self.accept_checked)
        self.reject_button = QPushButton("&Reject checked")
        self.reject_button.setToolTip("Drop the checked pairs and propose again without them")
        self.reject_button.clicked.connect(self.reject_checked)
        self.refresh_button = QPushButton("Propose &again")
        self.refresh_button.clicked.connect(self.refresh)
        for button in (
            self.check_all_button,
            self.check_none_button,
            self.accept_button,
            self.reject_button,
        ):
            buttons.addWidget(button)
        buttons.addStretch(1)
        buttons.addWidget(self.refresh_button)
        layout.addLayout(buttons)

        unmatched_label = QLabel("&Mentees not matched:")
        unmatched_label.setTextFormat(Qt.TextFormat.PlainText)
        self.unmatched = UnmatchedModel(self)
        self.unmatched_table = _table(self.unmatched, "Mentees not matched")
        unmatched_label.setBuddy(self.unmatched_table)
        layout.addWidget(unmatched_label)
        layout.addWidget(self.unmatched_table, 1)

        self.proposals.dataChanged.connect(self._update_buttons)
        self.proposals.modelReset.connect(self._update_buttons)
        self.refresh()

    def refresh(self) -> None:
        """Run the matching again (rejected pairs left out)."""
        try:
            result = services.propose_pairs(
                self.pf,
                program_id=self.program_id,
                today=self.today(),
                excluded=frozenset(self.rejected),
            )
        except KnownError as exc:
            dialogs.show_error(self, str(exc))
            result = MatchResult()
        self.result = result
        self.proposals.set_proposals(result.proposals)
        self.unmatched.set_items(result.unmatched)
        self.proposal_table.resizeColumnsToContents()
        self.proposal_table.horizontalHeader().setStretchLastSection(True)
        count = len(result.proposals)
        text = (
            f"{count} proposed pair{'s' if count != 1 else ''}, total score "
            f"{result.total_score}; {len(result.unmatched)} mentee"
            f"{'s' if len(result.unmatched) != 1 else ''} not matched."
        )
        if not count and not result.unmatched:
            text = "Every mentee has a mentor: nothing to propose."
        self.summary.setText(text)

    def accept_checked(self) -> int:
        """Store the checked proposals as pairs with status proposed; returns how many."""
        chosen = self.proposals.checked_proposals()
        if not chosen:
            return 0
        try:
            services.accept_proposals(
                self.pf, program_id=self.program_id, proposals=chosen, today=self.today()
            )
        except DocumentError as exc:
            dialogs.show_error(self, str(exc))
            self.refresh()
            return 0
        except KnownError as exc:
            dialogs.show_error(self, str(exc))
            return 0
        self.refresh()
        self.changed.emit()
        return len(chosen)

    def reject_checked(self) -> int:
        """Drop the checked proposals and propose again without them; returns how many."""
        chosen = self.proposals.checked_proposals()
        if not chosen:
            return 0
        self.rejected.update((p.mentor, p.mentee) for p in chosen)
        self.refresh()
        return len(chosen)

    def _update_buttons(self, *args: Any) -> None:
        some = any(self.proposals.checked)
        self.accept_button.setEnabled(some)
        self.reject_button.setEnabled(some)
        has = bool(self.proposals.proposals)
        self.check_all_button.setEnabled(has)
        self.check_none_button.setEnabled(has)
