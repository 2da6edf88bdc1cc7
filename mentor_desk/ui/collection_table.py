"""A collection's table with Add and Remove, and the long texts of the selected row below it.

How a page uses it::

    model = CollectionTableModel(session, "stakeholders", COLUMNS)
    table = CollectionTable(
        session, model, "&Stakeholders",
        detail_fields=[("views", "&Views"), ("issues", "Potential &issues")],
        mnemonics=page.mnemonics,
    )
    layout.addWidget(table)
    table.currentItemChanged.connect(...)      # the selected item's id, or None
    table.select_item(item_id, field="views")  # used by StepPage.focus_target

The view is a sortable ``QTableView`` (Tab leaves it; the caption above is
its label and accessible name). Insert adds a row (``new_item(session)``
builds it; by default required fields get "New <noun>" or the first choice),
selects it and opens the first cell for editing; Delete removes the selected
rows. Both go through the session, so Ctrl+Z undoes them. Detail fields are
``forms.FieldBinding`` inputs bound to the selected row (QPlainTextEdit for
long texts).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from PySide6.QtCore import QItemSelectionModel, QModelIndex, Qt, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from mentor_desk.errors import KnownError
from mentor_desk.ui import dialogs
from mentor_desk.ui.display import strip_mnemonic
from mentor_desk.ui.forms import FieldBinding, Form, MnemonicPool
from mentor_desk.ui.session import ProgramSession
from mentor_desk.ui.table_models import (
    NEW_NOUNS,
    ROW_ID_ROLE,
    CollectionDelegate,
    CollectionTableModel,
    default_new_item,
)

NewItem = Callable[[ProgramSession], Any]


class CollectionTable(QWidget):
    """Caption, table, Add / Remove buttons, and optional detail editors.

    Attributes:
        model: the CollectionTableModel (the view shows it directly; it sorts itself).
        view: the QTableView.
        detail: the Form of detail fields (None without detail fields).
        add_button, remove_button: the buttons (Insert / Delete on the view).

    Signals:
        currentItemChanged(object): the id of the selected item, or None.
    """

    currentItemChanged = Signal(object)

    def __init__(
        self,
        session: ProgramSession,
        model: CollectionTableModel,
        caption: str,
        *,
        new_item: NewItem | None = None,
        parent_id: Callable[[], int | None] | None = None,
        detail_fields: Sequence[tuple[str, str]] = (),
        mnemonics: MnemonicPool | None = None,
        add_text: str = "Add",
        remove_text: str = "Remove",
        visible_rows: int = 6,
        parent: QWidget | None = None,
    ):
        super().__init__(parent)
        self.session = session
        self.model = model
        self.collection = model.collection
        self.name = strip_mnemonic(caption)
        self.new_item = new_item
        self.parent_id = parent_id
        pool = mnemonics or MnemonicPool()
        self._current: int | None = None

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.caption = QLabel(pool.label(caption), self)
        self.caption.setTextFormat(Qt.TextFormat.PlainText)
        layout.addWidget(self.caption)

        self.view = QTableView(self)
        self.view.setModel(model)  # the model sorts itself: no proxy between view and rows
        self.view.setItemDelegate(CollectionDelegate(self.view))
        self.view.setSortingEnabled(True)
        self.view.sortByColumn(-1, Qt.SortOrder.AscendingOrder)
        self.view.setTabKeyNavigation(False)
        self.view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.view.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.view.setEditTriggers(
            QAbstractItemView.EditTrigger.DoubleClicked
            | QAbstractItemView.EditTrigger.EditKeyPressed
            | QAbstractItemView.EditTrigger.AnyKeyPressed
        )
        self.view.setAccessibleName(self.name)
        self.view.setWordWrap(False)
        self.view.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        self.view.verticalHeader().setDefaultSectionSize(self.view.fontMetrics().height() + 10)
        self.view.horizontalHeader().setStretchLastSection(True)
        for i, col in enumerate(model.columns):
            if col.width:
                self.view.setColumnWidth(i, col.width)
        row_height = self.view.verticalHeader().defaultSectionSize()
        self.view.setMinimumHeight(row_height * (visible_rows + 1) + 8)
        self.caption.setBuddy(self.view)
        layout.addWidget(self.view, 1)

        buttons = QHBoxLayout()
        self.add_button = QPushButton(add_text, self)
        self.add_button.setAccessibleName(f"{strip_mnemonic(add_text)} {self._noun()}")
        self.add_button.setToolTip("Add a row (Insert)")
        self.remove_button = QPushButton(remove_text, self)
        self.remove_button.setAccessibleName(f"{strip_mnemonic(remove_text)} {self._noun()}")
        self.remove_button.setToolTip("Remove the selected rows (Delete); Ctrl+Z undoes it")
        self.add_button.clicked.connect(self.add)
        self.remove_button.clicked.connect(self.remove_selected)
        buttons.addWidget(self.add_button)
        buttons.addWidget(self.remove_button)
        buttons.addStretch(1)
        layout.addLayout(buttons)
        QShortcut(
            QKeySequence(Qt.Key.Key_Insert),
            self.view,
            self.add,
            context=Qt.ShortcutContext.WidgetShortcut,
        )
        QShortcut(
            QKeySequence(QKeySequence.StandardKey.Delete),
            self.view,
            self.remove_selected,
            context=Qt.ShortcutContext.WidgetShortcut,
        )

        self.detail: Form | None = None
        if detail_fields:
            self.detail = Form(session, self, mnemonics=pool)
            for field, label in detail_fields:
                self.detail.add_item_field(self.collection, field, label)
            layout.addWidget(self.detail)

        self.view.selectionModel().currentRowChanged.connect(self._on_current)
        model.modelReset.connect(self._after_reset)
        model.rowsRemoved.connect(lambda *_: self._on_current(self.view.currentIndex()))
        self._update_buttons()

    def _noun(self) -> str:
        return NEW_NOUNS.get(self.collection, self.collection.replace("_", " ").rstrip("s"))

    # ----- selection -------------------------------------------------------------

    def current_item_id(self) -> int | None:
        index = self.view.currentIndex()
        if not index.isValid():
            return None
        return index.data(ROW_ID_ROLE)

    def selected_item_ids(self) -> list[int]:
        rows = self.view.selectionModel().selectedRows()
        ids = [index.data(ROW_ID_ROLE) for index in rows]
        if not ids and self.current_item_id() is not None:
            ids = [self.current_item_id()]
        return ids

    def _on_current(self, current: QModelIndex, _previous: QModelIndex | None = None) -> None:
        item_id = current.data(ROW_ID_ROLE) if current.isValid() else None
        if self.detail is not None:
            self.detail.set_item(self.collection, item_id)
        self._update_buttons()
        if item_id != self._current:
            self._current = item_id
            self.currentItemChanged.emit(item_id)

    def _after_reset(self) -> None:
        if self._current is not None and self.model.row_of(self._current) is not None:
            self.select_item(self._current)
        else:
            self._on_current(self.view.currentIndex())

    def _update_buttons(self) -> None:
        has_program = self.session.program is not None
        self.add_button.setEnabled(has_program)
        self.remove_button.setEnabled(has_program and self.view.currentIndex().isValid())

    def select_item(
        self,
        item_id: int | None,
        field: str | None = None,
        *,
        edit: bool = False,
        focus: bool = True,
    ) -> bool:
        """Select the item's row (and the field's cell, or its detail editor); focus it."""
        row = self.model.row_of(item_id)
        if row is None:
            return False
        column = self.model.column_of(field)
        index = self.model.index(row, column if column is not None else 0)
        self.view.selectionModel().setCurrentIndex(
            index,
            QItemSelectionModel.SelectionFlag.ClearAndSelect
            | QItemSelectionModel.SelectionFlag.Rows,
        )
        self.view.scrollTo(index)
        if not focus:
            return True
        binding = self.detail.binding(field, self.collection) if self.detail and field else None
        if binding is not None and column is None:
            binding.editor.setFocus(Qt.FocusReason.OtherFocusReason)
        else:
            self.view.setFocus(Qt.FocusReason.OtherFocusReason)
            if edit:
                self.view.edit(index)
        return True

    def detail_binding(self, field: str) -> FieldBinding | None:
        return self.detail.binding(field, self.collection) if self.detail else None

    # ----- adding and removing ---------------------------------------------------

    def add(self) -> int | None:
        """Add a new row through the session, select it and start editing it."""
        if self.session.program is None:
            return None
        self.session.flush()
        try:
            if self.new_item is not None:
                item = self.new_item(self.session)
            else:
                item = default_new_item(self.session, self.collection, self._noun())
        except KnownError as exc:
            dialogs.show_error(self.session.dialog_parent, str(exc))
            return None
        if item is None:
            return None
        parent_id = self.parent_id() if self.parent_id else None
        new_id = self.model.add_item(item, parent_id=parent_id)
        if new_id is not None:
            first = next(
                (c.field for c in self.model.columns if c.editable and c.value is None), None
            )
            self.select_item(new_id, first, edit=first is not None)
        return new_id

    def remove_selected(self) -> None:
        """Remove the selected rows (Ctrl+Z puts them back)."""
        ids = self.selected_item_ids()
        if not ids:
            return
        row = self.view.currentIndex().row()
        if len(ids) > 1:
            self.session.undo_stack.beginMacro(f"remove {len(ids)} {self.collection}")
        try:
            for item_id in ids:
                if not self.model.remove_item(item_id):
                    break
        finally:
            if len(ids) > 1:
                self.session.undo_stack.endMacro()
        count = self.model.rowCount()
        if count:
            index = self.model.index(min(max(row, 0), count - 1), 0)
            self.view.selectionModel().setCurrentIndex(
                index,
                QItemSelectionModel.SelectionFlag.ClearAndSelect
                | QItemSelectionModel.SelectionFlag.Rows,
            )
        self._on_current(self.view.currentIndex())
