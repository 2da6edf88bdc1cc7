"""Every modal dialog of the window, behind small module-level functions tests replace.

Code under test never calls ``exec()`` itself: it calls one of these, and a
test swaps it with ``monkeypatch.setattr(dialogs, "ask_text", fake)``. Every
message shows user text as plain text (a program named ``<img src=x>`` is
shown literally, never loaded as markup).

Functions:
    show_error(parent, message, title="Mentor Desk") -> None
    show_info(parent, message, title="Mentor Desk") -> None
    ask_yes_no(parent, question, title="Mentor Desk", yes_text="Yes") -> bool
    ask_choice(parent, question, choices, title=...) -> int | None   (index of the button)
    ask_text(parent, prompt, text="", title="Mentor Desk") -> str | None
    ask_item(parent, prompt, items, title="Mentor Desk") -> str | None   (one of a list)
    open_file_name(parent, caption, filter, directory="") -> str | None
    save_file_name(parent, caption, filter, directory="") -> str | None
    show_crash(parent, details) -> None
    exec_dialog(dialog) -> int   (any QDialog or QWizard the window runs: tests drive it)
    choose_backup(parent, path, backups) -> BackupInfo | None   (File > Restore from backup)
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QInputDialog,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPlainTextEdit,
    QVBoxLayout,
    QWidget,
)

if TYPE_CHECKING:
    from mentor_desk.store.database import BackupInfo

APP_TITLE = "Mentor Desk"

# Every function here that shows a modal dialog (tests replace them all at once).
MODAL_FUNCTIONS = (
    "show_error",
    "show_info",
    "ask_yes_no",
    "ask_choice",
    "ask_text",
    "ask_item",
    "open_file_name",
    "save_file_name",
    "exec_dialog",
    "choose_backup",
    "show_crash",
)


def _box(parent: QWidget | None, icon: QMessageBox.Icon, title: str, text: str) -> QMessageBox:
    box = QMessageBox(parent)
    box.setIcon(icon)
    box.setWindowTitle(title)
    box.setTextFormat(Qt.TextFormat.PlainText)
    box.setText(text)
    return box


def sentence(message: str) -> str:
    """ "a program named ..." (as the command line says it) -> "A program named ..."."""
    return message[:1].upper() + message[1:]


def show_error(parent: QWidget | None, message: str, title: str = APP_TITLE) -> None:
    """Tell the user why something was refused; nothing was changed."""
    _box(parent, QMessageBox.Icon.Warning, title, sentence(message)).exec()


def show_info(parent: QWidget | None, message: str, title: str = APP_TITLE) -> None:
    _box(parent, QMessageBox.Icon.Information, title, message).exec()


def ask_yes_no(
    parent: QWidget | None, question: str, title: str = APP_TITLE, yes_text: str = "Yes"
) -> bool:
    """A question with a default of No; ``yes_text`` names the action (e.g. "Delete")."""
    box = _box(parent, QMessageBox.Icon.Question, title, question)
    yes = box.addButton(yes_text, QMessageBox.ButtonRole.AcceptRole)
    no = box.addButton(QMessageBox.StandardButton.Cancel)
    box.setDefaultButton(no)
    box.exec()
    return box.clickedButton() is yes


def ask_choice(
    parent: QWidget | None, question: str, choices: list[str], title: str = APP_TITLE
) -> int | None:
    """Buttons, one per choice; returns the index chosen, or None when closed."""
    box = _box(parent, QMessageBox.Icon.Question, title, question)
    buttons = [box.addButton(text, QMessageBox.ButtonRole.AcceptRole) for text in choices]
    box.exec()
    clicked = box.clickedButton()
    for i, button in enumerate(buttons):
        if clicked is button:
            return i
    return None


def ask_text(
    parent: QWidget | None, prompt: str, text: str = "", title: str = APP_TITLE
) -> str | None:
    """A line of text, or None when cancelled."""
    dialog = QInputDialog(parent)
    dialog.setWindowTitle(title)
    dialog.setLabelText(prompt)
    dialog.setTextValue(text)
    dialog.setInputMode(QInputDialog.InputMode.TextInput)
    for label in dialog.findChildren(QLabel):
        label.setTextFormat(Qt.TextFormat.PlainText)
    for edit in dialog.findChildren(QLineEdit):
        edit.setMaxLength(16_777_215)
        edit.setAccessibleName(prompt.replace("&", ""))
    if dialog.exec() != QDialog.DialogCode.Accepted:
        return None
    return dialog.textValue()


def ask_item(
    parent: QWidget | None, prompt: str, items: list[str], title: str = APP_TITLE
) -> str | None:
    """One of ``items`` chosen from a list, or None when cancelled."""
    dialog = QInputDialog(parent)
    dialog.setWindowTitle(title)
    dialog.setLabelText(prompt)
    dialog.setComboBoxItems(items)
    dialog.setComboBoxEditable(False)
    for label in dialog.findChildren(QLabel):
        label.setTextFormat(Qt.TextFormat.PlainText)
    if dialog.exec() != QDialog.DialogCode.Accepted:
        return None
    return dialog.textValue()


def open_file_name(
    parent: QWidget | None, caption: str, filter: str, directory: str = ""
) -> str | None:
    name, _ = QFileDialog.getOpenFileName(parent, caption, directory, filter)
    return name or None


def save_file_name(
    parent: QWidget | None, caption: str, filter: str, directory: str = ""
) -> str | None:
    name, _ = QFileDialog.getSaveFileName(parent, caption, directory, filter)
    return name or None


def exec_dialog(dialog: QDialog) -> int:
    """Run a dialog (the New-program wizard, the CSV import...) modally; its result code."""
    return dialog.exec()


def choose_backup(
    parent: QWidget | None, path: Path, backups: list[BackupInfo]
) -> BackupInfo | None:
    """The backup of ``path`` to restore, chosen from ``backups`` (newest first), or None."""
    from mentor_desk.ui.backups_dialog import BackupsDialog

    dialog = BackupsDialog(path, backups, parent)
    try:
        if exec_dialog(dialog) != QDialog.DialogCode.Accepted:
            return None
        return dialog.chosen()
    finally:
        dialog.deleteLater()


def show_crash(parent: QWidget | None, details: str) -> None:
    """A bug: say so plainly and show the details to copy into a report."""
    dialog = QDialog(parent)
    dialog.setWindowTitle(f"{APP_TITLE}: unexpected error")
    layout = QVBoxLayout(dialog)
    intro = QLabel(
        "Something went wrong inside Mentor Desk. Your edits up to this point are saved.\n"
        "Please copy the details below into a bug report."
    )
    intro.setTextFormat(Qt.TextFormat.PlainText)
    intro.setWordWrap(True)
    layout.addWidget(intro)
    text = QPlainTextEdit(details)
    text.setReadOnly(True)
    text.setAccessibleName("Error details")
    text.setTabChangesFocus(True)
    layout.addWidget(text)
    buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
    buttons.rejected.connect(dialog.reject)
    layout.addWidget(buttons)
    dialog.resize(640, 400)
    dialog.exec()
