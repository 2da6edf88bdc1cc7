"""The base of every step page: a title, the step's findings, scrollable sections.

How a step page is written (see ``business_case.py``, the exemplar)::

    class BuyInPage(StepPage):
        step = Step.BUY_IN
        intro = "Sell your boss, enroll your peers."

        def build(self) -> None:                        # called once by __init__
            section = self.add_section("Stakeholders")  # a QGroupBox's QVBoxLayout
            model = CollectionTableModel(self.session, "stakeholders", COLUMNS)
            self.add_table(section, model, "&Stakeholders",
                           detail_fields=[("views", "&Views")])
            form = self.add_form(self.add_section("Adviser review"))
            form.add_program_field("adviser_review.adviser", "&Adviser")

        def focus_target(self, target) -> bool:         # optional: for targets the
            ...                                         # registered forms/tables miss
            return super().focus_target(target)

``add_form`` and ``add_table`` register what they hold, so the base
``focus_target`` finds, for a finding's ``Target(collection, item_id,
field)``, the program-level input (collections "program", "design",
"adviser_review", "business_case" with ``field``) or the table of the
collection (selects ``item_id``'s row and the field's cell or detail
editor), scrolls it into view and gives it focus. Pages never write to the
file themselves: every input goes through the session (``forms``,
``table_models``). ``refresh()`` is called once after ``build()`` and on
``session.programChanged`` (another program shown) for anything a page draws
by hand; what is computed from the program (a checklist, totals) should also
follow ``session.findingsChanged``, which fires once the event loop turns
after a change (Undo and Redo included; once for a burst of changes), or
``session.changed`` with ``session.affects(change, ...)`` for what must
follow at once and is cheap.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QFrame,
    QGroupBox,
    QLabel,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from mentor_desk.domain import model as m
from mentor_desk.domain.findings import Target
from mentor_desk.ui.collection_table import CollectionTable
from mentor_desk.ui.display import plain_label
from mentor_desk.ui.findings_panel import FindingsPanel
from mentor_desk.ui.forms import FieldBinding, Form, MnemonicPool
from mentor_desk.ui.session import ProgramSession
from mentor_desk.ui.table_models import CollectionTableModel

# A finding's Target collection -> the prefix of the program field path.
PROGRAM_PARTS = {
    "program": "",
    "design": "design.",
    "adviser_review": "adviser_review.",
    "business_case": "business_case.",
    "manager": "manager.",
}


class StepPage(QWidget):
    """One step of the method as a page.

    Attributes:
        step: the ``Step`` this page edits (a class attribute).
        intro: one line under the title saying what the step is for.
        session: the ProgramSession.
        mnemonics: the page's MnemonicPool (pass it to forms and tables).
        findings_panel: the FindingsPanel of the step.

    Signals:
        targetElsewhere(object): a clicked finding's Target that ``focus_target``
            could not show here (the window then tries the other pages).
        body: the QVBoxLayout inside the scroll area that sections go into.
        forms, tables: what ``add_form``/``add_table`` registered.
    """

    targetElsewhere = Signal(object)  # a finding's Target this page does not show

    step: m.Step = m.Step.BUSINESS_CASE
    intro: str = ""

    def __init__(self, session: ProgramSession, parent: QWidget | None = None):
        super().__init__(parent)
        self.session = session
        self.mnemonics = MnemonicPool()
        self.forms: list[Form] = []
        self.tables: dict[str, CollectionTable] = {}

        outer = QVBoxLayout(self)
        outer.setContentsMargins(8, 8, 8, 8)
        self.title = QLabel(f"Step {self.step.number}: {self.step.title}", self)
        self.title.setTextFormat(Qt.TextFormat.PlainText)
        self.title.setAccessibleName(self.step.title)
        font = self.title.font()
        font.setPointSizeF(font.pointSizeF() * 1.4)
        font.setBold(True)
        self.title.setFont(font)
        outer.addWidget(self.title)
        if self.intro:
            outer.addWidget(plain_label(self.intro, self, wrap=True))
        self.findings_panel = FindingsPanel(session, self.step, self)
        self.findings_panel.navigate.connect(self._navigate)
        outer.addWidget(self.findings_panel)

        self.scroll = QScrollArea(self)
        self.scroll.setWidgetResizable(True)
        self.scroll.setFrameShape(QFrame.Shape.NoFrame)
        self.content = QWidget(self.scroll)
        self.body = QVBoxLayout(self.content)
        self.body.setContentsMargins(0, 0, 8, 0)
        self.scroll.setWidget(self.content)
        outer.addWidget(self.scroll, 1)

        self.build()
        self.body.addStretch(1)
        session.programChanged.connect(self.refresh)
        self.refresh()

    # ----- building --------------------------------------------------------------

    def build(self) -> None:
        """Subclasses add their sections here."""

    def refresh(self) -> None:
        """Another program is shown: redraw what the page draws by hand."""

    def add_section(self, title: str, intro: str = "") -> QVBoxLayout:
        """A titled group in the scrolling body; returns its layout."""
        box = QGroupBox(title, self.content)
        box.setAccessibleName(title)
        layout = QVBoxLayout(box)
        if intro:
            layout.addWidget(plain_label(intro, box, wrap=True))
        self.body.addWidget(box)
        return layout

    def add_form(self, layout: QVBoxLayout | None = None) -> Form:
        """A Form (bound fields) added to ``layout`` and registered for focus_target."""
        form = Form(self.session, self.content, mnemonics=self.mnemonics)
        if layout is not None:
            layout.addWidget(form)
        self.forms.append(form)
        return form

    def add_table(
        self, layout: QVBoxLayout | None, model: CollectionTableModel, caption: str, **options: Any
    ) -> CollectionTable:
        """A CollectionTable added to ``layout`` and registered under its collection."""
        table = CollectionTable(
            self.session, model, caption, mnemonics=self.mnemonics, parent=self.content, **options
        )
        if layout is not None:
            layout.addWidget(table)
        self.tables.setdefault(model.collection, table)
        if table.detail is not None:
            self.forms.append(table.detail)
        return table

    # ----- going to a finding ----------------------------------------------------

    def _navigate(self, target: Target | None) -> None:
        if target is not None and not self.focus_target(target):
            self.targetElsewhere.emit(target)

    def program_binding(self, path: str) -> FieldBinding | None:
        for form in self.forms:
            binding = form.binding(path, "program")
            if binding is not None:
                return binding
        return None

    def focus_binding(self, binding: FieldBinding) -> bool:
        self.scroll.ensureWidgetVisible(binding.widget)
        binding.editor.setFocus(Qt.FocusReason.OtherFocusReason)
        return True

    def focus_table(self, table: CollectionTable, item_id: int | None, field: str | None) -> bool:
        if item_id is not None and table.select_item(item_id, field):
            binding = table.detail_binding(field) if field else None
            if binding is not None and table.model.column_of(field) is None:
                self.scroll.ensureWidgetVisible(binding.widget)
            else:
                self.scroll.ensureWidgetVisible(table.view)
            return True
        self.scroll.ensureWidgetVisible(table)
        table.view.setFocus(Qt.FocusReason.OtherFocusReason)
        return True

    def focus_target(self, target: Target | None) -> bool:
        """Take the user to what a finding is about; False when this page does not show it."""
        if target is None:
            return False
        if target.collection in PROGRAM_PARTS:
            if target.field is None:
                return False
            binding = self.program_binding(PROGRAM_PARTS[target.collection] + target.field)
            return self.focus_binding(binding) if binding is not None else False
        table = self.tables.get(target.collection)
        if table is not None:
            return self.focus_table(table, target.item_id, target.field)
        return False
