"""The bar across the top of the window when the program file is open read-only.

It says so and why (the file is marked read-only, another Mentor Desk has it
open for writing...), that edits are refused, and offers to open the file
for editing again once the cause is gone. The window refuses every change
with a message while it is shown; the bar only explains.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QHBoxLayout,
    QPushButton,
    QSizePolicy,
    QStyle,
    QToolBar,
    QWidget,
)

from mentor_desk.ui.display import plain_label, plain_tooltip


def readonly_text(file_name: str, reason: str) -> str:
    return (
        f"Read-only: {file_name} cannot be changed here because {reason}. You can look at "
        "the programs and export documents; every change is refused."
    )


class ReadOnlyBar(QToolBar):
    """The read-only notice: its text (``label``) and Open for editing (``retry_button``).

    Signals: ``retryRequested()`` when the user asks to open the file for editing.
    """

    retryRequested = Signal()

    def __init__(self, parent: QWidget | None = None):
        super().__init__("Read-only notice", parent)
        self.setObjectName("readOnlyBar")
        self.setAccessibleName("Read-only notice")
        self.setMovable(False)
        self.setFloatable(False)
        self.setContextMenuPolicy(Qt.ContextMenuPolicy.PreventContextMenu)
        self.toggleViewAction().setVisible(False)
        box = QWidget(self)
        row = QHBoxLayout(box)
        row.setContentsMargins(8, 4, 8, 4)
        icon = plain_label("", box)
        style = self.style()
        size = style.pixelMetric(QStyle.PixelMetric.PM_SmallIconSize)
        icon.setPixmap(
            style.standardIcon(QStyle.StandardPixmap.SP_MessageBoxWarning).pixmap(size, size)
        )
        row.addWidget(icon)
        # one line (a wrapped label makes a toolbar far too tall); cut short in a narrow
        # window, where the tooltip holds the whole text
        self.label = plain_label("", box)
        self.label.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        self.label.setMinimumWidth(120)
        self.label.setAccessibleName("Read-only notice")
        self.label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        row.addWidget(self.label, 1)
        self.retry_button = QPushButton("Open for editing", box)
        self.retry_button.setAccessibleName("Open for editing")
        self.retry_button.clicked.connect(self.retryRequested)
        row.addWidget(self.retry_button)
        self.addWidget(box)

    def set_reason(self, file_name: str, reason: str) -> None:
        text = readonly_text(file_name, reason)
        self.label.setText(text)
        self.label.setToolTip(plain_tooltip(text))
        self.label.setAccessibleDescription(text)
