"""The findings of one step beside the work: icon and word for severity, click to go there.

``FindingsPanel(session, step)`` lists ``session.findings_for(step)`` (a
``FindingsModel`` in a ``QListView``) and follows ``session.findingsChanged``.
Each row reads "Error: <message>" or "Warning: <message>" with an icon — the
colour never carries the meaning alone. Clicking a row (or Return on it)
emits ``navigate(Target)``; ``StepPage`` connects it to ``focus_target``.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import (
    QAbstractListModel,
    QModelIndex,
    QPersistentModelIndex,
    Qt,
    QTimer,
    Signal,
)
from PySide6.QtGui import QColor, QIcon, QPainter, QPixmap
from PySide6.QtWidgets import QAbstractItemView, QListView, QSizePolicy, QVBoxLayout, QWidget

from mentor_desk.domain import model as m
from mentor_desk.domain.findings import Finding, Severity
from mentor_desk.ui.display import plain_label, plain_tooltip
from mentor_desk.ui.session import ProgramSession

FINDING_ROLE = int(Qt.ItemDataRole.UserRole) + 10
MAX_ROWS_SHOWN = 4

COLOURS = {"error": "#c62828", "warning": "#b26a00", "done": "#2e7d32"}
WORDS = {Severity.ERROR: "Error", Severity.WARNING: "Warning"}

_icons: dict[str, QIcon] = {}


def status_icon(kind: str) -> QIcon:
    """A small round icon with a glyph: "error" (!), "warning" (!), "done" (✓)."""
    if kind in _icons:
        return _icons[kind]
    size = 32
    pixmap = QPixmap(size, size)
    pixmap.fill(Qt.GlobalColor.transparent)
    painter = QPainter(pixmap)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.setPen(Qt.PenStyle.NoPen)
    painter.setBrush(QColor(COLOURS[kind]))
    if kind == "warning":
        from PySide6.QtCore import QPointF
        from PySide6.QtGui import QPolygonF

        painter.drawPolygon(QPolygonF([QPointF(16, 2), QPointF(30, 29), QPointF(2, 29)]))
    else:
        painter.drawEllipse(2, 2, 28, 28)
    painter.setPen(QColor("white"))
    font = painter.font()
    font.setBold(True)
    font.setPixelSize(20)
    painter.setFont(font)
    glyph = "✓" if kind == "done" else "!"
    rect = pixmap.rect().adjusted(0, 4 if kind == "warning" else 0, 0, 0)
    painter.drawText(rect, Qt.AlignmentFlag.AlignCenter, glyph)
    painter.end()
    icon = QIcon(pixmap)
    _icons[kind] = icon
    return icon


def finding_text(finding: Finding) -> str:
    return f"{WORDS[finding.severity]}: {finding.message}"


class FindingsModel(QAbstractListModel):
    """The findings of one step (all steps when ``step`` is None) as rows."""

    def __init__(self, session: ProgramSession, step: m.Step | None, parent: Any = None):
        super().__init__(parent)
        self.session = session
        self.step = step
        self._findings = self._current()
        session.findingsChanged.connect(self.refresh)

    def _current(self) -> list[Finding]:
        if self.step is None:
            return list(self.session.findings)
        return self.session.findings_for(self.step)

    def refresh(self) -> None:
        self.beginResetModel()
        self._findings = self._current()
        self.endResetModel()

    def finding(self, row: int) -> Finding:
        return self._findings[row]

    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._findings)

    def data(
        self, index: QModelIndex | QPersistentModelIndex, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if not index.isValid() or index.row() >= len(self._findings):
            return None
        finding = self._findings[index.row()]
        if role == Qt.ItemDataRole.DisplayRole:
            return finding_text(finding)
        if role == Qt.ItemDataRole.DecorationRole:
            return status_icon(finding.severity.value)
        if role == Qt.ItemDataRole.ToolTipRole:
            return plain_tooltip(finding_text(finding) + "\nClick to go to it.")
        if role == FINDING_ROLE:
            return finding
        return None


class FindingsPanel(QWidget):
    """A heading, the list of the step's findings, or "No findings" when there are none.

    Signals:
        navigate(object): the ``Target`` of the finding clicked (None if it has none).
    """

    navigate = Signal(object)

    def __init__(self, session: ProgramSession, step: m.Step | None, parent: QWidget | None = None):
        super().__init__(parent)
        self.session = session
        self.model = FindingsModel(session, step, self)
        self.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Maximum)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.heading = plain_label("Findings", self)
        font = self.heading.font()
        font.setBold(True)
        self.heading.setFont(font)
        layout.addWidget(self.heading)
        self.view = QListView(self)
        self.view.setModel(self.model)
        self.view.setAccessibleName("Findings")
        self.view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.view.setWordWrap(True)
        self.view.setUniformItemSizes(False)
        self.view.clicked.connect(self._go)
        self.view.activated.connect(self._go)
        layout.addWidget(self.view)
        self.empty = plain_label("No findings: this step meets the method's rules.", self)
        layout.addWidget(self.empty)
        self.heading.setBuddy(self.view)
        self.model.modelReset.connect(self._update)
        self._update()

    def _update(self) -> None:
        count = self.model.rowCount()
        errors = sum(1 for i in range(count) if self.model.finding(i).severity is Severity.ERROR)
        warnings = count - errors
        if count:
            parts = []
            if errors:
                parts.append(f"{errors} error{'s' if errors != 1 else ''}")
            if warnings:
                parts.append(f"{warnings} warning{'s' if warnings != 1 else ''}")
            self.heading.setText("Findings: " + ", ".join(parts))
        else:
            self.heading.setText("Findings")
        self.view.setVisible(count > 0)
        self.empty.setVisible(count == 0 and self.session.program is not None)
        self._fit_height()

    def _fit_height(self) -> None:
        """Tall enough for up to four findings as wrapped at the current width."""
        count = self.model.rowCount()
        if not count:
            self.view.setFixedHeight(0)
            return
        fm = self.view.fontMetrics()
        if not self.isVisible():  # no width yet: a line a finding until it is shown
            rows = min(count, MAX_ROWS_SHOWN)
            self.view.setFixedHeight(rows * (fm.height() + 8) + 2 * self.view.frameWidth())
            return
        style_icon = self.view.style().pixelMetric(self.view.style().PixelMetric.PM_SmallIconSize)
        icon = self.view.iconSize().height() if self.view.iconSize().isValid() else style_icon
        # the list spans the panel: its width is known here before the view is laid out
        width = max(self.width() - 2 * self.view.frameWidth() - icon - 24, 80)
        total = 0
        for row in range(min(count, MAX_ROWS_SHOWN)):
            text = finding_text(self.model.finding(row))
            bound = fm.boundingRect(0, 0, width, 10_000, int(Qt.TextFlag.TextWordWrap), text)
            total += max(bound.height(), icon) + 10
        if count > MAX_ROWS_SHOWN:  # a hint that the list scrolls
            total += fm.height() // 2
        self.view.setFixedHeight(total + 2 * self.view.frameWidth())

    def resizeEvent(self, event: Any) -> None:
        super().resizeEvent(event)
        QTimer.singleShot(0, self._fit_height)  # once the layout has settled

    def showEvent(self, event: Any) -> None:
        super().showEvent(event)
        QTimer.singleShot(0, self._fit_height)

    def _go(self, index: QModelIndex) -> None:
        finding = index.data(FINDING_ROLE)
        if finding is not None:
            self.navigate.emit(finding.target)
