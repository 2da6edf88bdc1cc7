"""The New-program wizard: name and organization, size and focus, the program manager.

Follows the Qt wizard pattern: ``PageId`` IntEnum ids, ``registerField`` with
"*" for the required fields, ``validatePage`` refusing a name already in the
file with a message on the page. ``NewProgramWizard.program()`` gives the
``Program`` to store (the window stores it through the session, undo-able).
"""

from __future__ import annotations

import enum

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QWidget,
    QWizard,
    QWizardPage,
)

from mentor_desk import services
from mentor_desk.domain import model as m
from mentor_desk.errors import KnownError
from mentor_desk.store.database import ProgramFile
from mentor_desk.ui.dialogs import sentence
from mentor_desk.ui.display import plain_label, strip_mnemonic
from mentor_desk.ui.forms import LINE_EDIT_MAX

SIZE_TEXTS = {
    "small": "Small: the design takes about a day",
    "large": "Large: several weeks, with a preliminary announcement",
}


class PageId(enum.IntEnum):
    NAMES = 0
    ORGANIZATION = 1
    MANAGER = 2


def _line(page: QWizardPage, form: QFormLayout, label: str, max_length: int) -> QLineEdit:
    edit = QLineEdit(page)
    edit.setMaxLength(LINE_EDIT_MAX)
    edit.setAccessibleName(strip_mnemonic(label))
    edit.setProperty("max_length", max_length)
    caption = QLabel(label, page)
    caption.setTextFormat(Qt.TextFormat.PlainText)
    caption.setBuddy(edit)
    form.addRow(caption, edit)
    return edit


def _error_label(page: QWizardPage) -> QLabel:
    label = plain_label("", page, wrap=True)
    label.setStyleSheet("color: #b00020;")
    label.hide()
    return label


def _too_long(edits: list[QLineEdit]) -> str | None:
    for edit in edits:
        limit = edit.property("max_length")
        if limit and len(edit.text()) > limit:
            return (
                f"{edit.accessibleName()} is {len(edit.text()):,} characters long; "
                f"at most {limit:,} are allowed"
            )
    return None


class NamesPage(QWizardPage):
    def __init__(self, pf: ProgramFile, parent: QWidget | None = None):
        super().__init__(parent)
        self.pf = pf
        self.setTitle("A new mentoring program")
        self.setSubTitle("What is the program called, and which organization is it for?")
        form = QFormLayout(self)
        self.name = _line(self, form, "Program &name", m.MAX_NAME)
        self.organization = _line(self, form, "&Organization", m.MAX_NAME)
        self.error = _error_label(self)
        form.addRow(self.error)
        self.registerField("name*", self.name)
        self.registerField("organization*", self.organization)
        self.name.textEdited.connect(lambda _t: self.error.hide())

    def validatePage(self) -> bool:
        problem = _too_long([self.name, self.organization])
        if problem is None and not self.name.text().strip():
            problem = "the program needs a name"
        if problem is None:
            try:
                services.find_program(self.pf, self.name.text())
            except KnownError:
                pass
            else:
                problem = f"a program named {self.name.text()!r} is already in this file"
        if problem:
            self.error.setText(sentence(problem))
            self.error.show()
            self.name.setFocus()
            return False
        return True


class OrganizationPage(QWizardPage):
    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setTitle("The organization")
        self.setSubTitle(
            "Its size decides how the design is run; the focus decides who must be in the room "
            "for the pitch."
        )
        form = QFormLayout(self)
        self.size = QComboBox(self)
        for value in m.ORG_SIZES:
            self.size.addItem(SIZE_TEXTS[value], value)
        self.size.setAccessibleName("Organization size")
        caption = QLabel("Organization si&ze", self)
        caption.setBuddy(self.size)
        form.addRow(caption, self.size)
        self.focus = _line(self, form, "&Focus", m.MAX_TEXT)
        self.focus.setPlaceholderText("e.g. leadership development, manufacturing")
        self.error = _error_label(self)
        form.addRow(self.error)
        self.registerField("org_size", self.size, "currentIndex")
        self.registerField("focus", self.focus)

    def validatePage(self) -> bool:
        problem = _too_long([self.focus])
        if problem:
            self.error.setText(sentence(problem))
            self.error.show()
            return False
        return True


class ManagerPage(QWizardPage):
    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setTitle("The program manager")
        self.setSubTitle("Who builds the program and presents the pitch (usually you).")
        form = QFormLayout(self)
        self.manager = _line(self, form, "&Name", m.MAX_NAME)
        self.title_edit = _line(self, form, "&Title", m.MAX_NAME)
        self.email = _line(self, form, "&Email", m.MAX_EMAIL)
        self.error = _error_label(self)
        form.addRow(self.error)
        self.registerField("manager*", self.manager)
        self.registerField("manager_title", self.title_edit)
        self.registerField("manager_email", self.email)

    def validatePage(self) -> bool:
        problem = _too_long([self.manager, self.title_edit, self.email])
        if problem:
            self.error.setText(sentence(problem))
            self.error.show()
            return False
        return True


class NewProgramWizard(QWizard):
    """Asks for what a program cannot be stored without, and a little more."""

    def __init__(self, pf: ProgramFile, parent: QWidget | None = None):
        super().__init__(parent)
        self.setWindowTitle("New program")
        self.setOption(QWizard.WizardOption.NoBackButtonOnStartPage, True)
        self.names = NamesPage(pf, self)
        self.organization = OrganizationPage(self)
        self.manager = ManagerPage(self)
        self.setPage(PageId.NAMES, self.names)
        self.setPage(PageId.ORGANIZATION, self.organization)
        self.setPage(PageId.MANAGER, self.manager)
        self.setStartId(PageId.NAMES)

    def program(self) -> m.Program:
        """The program the answers describe."""

        def text(field: str) -> str | None:
            value = self.field(field)
            return value if value else None

        return m.Program(
            name=self.field("name"),
            organization=self.field("organization"),
            org_size=m.ORG_SIZES[int(self.field("org_size") or 0)],
            focus=text("focus"),
            manager=m.Person(self.field("manager"), text("manager_title"), text("manager_email")),
        )
