"""Labelled inputs bound to one field of the program, saved as the user types.

How a page uses it::

    form = Form(session, mnemonics=page.mnemonics)          # a QWidget (QFormLayout)
    form.add_program_field("name", "Program &name")         # program-level, dotted path
    form.add_program_field("design.launch_on", "&Launch")   # date: picker + Clear
    form.add_program_field("focus", "&Focus", long=False)   # force one line
    metric = Form(session, mnemonics=page.mnemonics)
    metric.add_item_field("metrics", "baseline", "&Baseline")
    metric.set_item("metrics", metric_id)                  # which item (None: disabled)

Each ``add_*`` returns a ``FieldBinding`` (``.label``, ``.editor`` = the
focusable input, ``.widget`` = the input with its Clear button and inline
error label, ``.commit()``, ``.refresh()``). The input is chosen from the
store's column kind and the JSON schema (``services.field_schema``):

    text        QLineEdit (one line) or QPlainTextEdit (texts of up to 100,000
                characters, Tab moves on), committed on Return / focus out
    enum        QComboBox (with "(not set)" when the field is optional), on choice
    int / num   QSpinBox / QDoubleSpinBox, range from the schema; optional ones
                show "not set" at the bottom of the range and have a Clear button
    date        NullableDateEdit (calendar popup, "not set", Clear button)
    bool        QCheckBox, on click
    ref         QComboBox of the referenced items' names

Every input has a visible QLabel with a mnemonic, ``setBuddy`` and an
accessible name equal to the label without "&". A refused value (too long, a
duplicate name, empty where required) is not stored and not cut: the message
appears in plain text next to the field and the typed text stays. Escape in
a line edit puts back the stored value. Fields follow the session (Undo,
Redo, another program; of the changes, those of their collection and of the
one a reference names) without taking focus and without moving the cursor of
the field being typed in; text still being typed is committed when the
session asks (``session.flush()``: before Undo, a switch, the window closing).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from typing import Any

from PySide6.QtCore import QDate, QEvent, QObject, Qt, Signal
from PySide6.QtGui import QColor, QKeyEvent, QPalette
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDateEdit,
    QDoubleSpinBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QSpinBox,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from mentor_desk import services
from mentor_desk.domain import model as m
from mentor_desk.store.repository import COLLECTIONS, PROGRAM_FIELDS
from mentor_desk.ui.display import (
    NOT_SET,
    date_format,
    from_qdate,
    store_number,
    strip_mnemonic,
    to_qdate,
)
from mentor_desk.ui.session import ProgramSession

LINE_EDIT_MAX = 16_777_215  # far above any schema limit: we refuse with a message, never cut
LONG_TEXT = 1000  # a text field allowing more than this gets a QPlainTextEdit
NUM_RANGE = 1e12
NOT_SET_CHOICE = "(not set)"
ERROR_PREFIX = "Not saved: "
ERROR_COLOUR = QColor("#b00020")

PROGRAM_REQUIRED = {"name", "organization", "org_size", "manager.name"}
# Fields the schema lets run long that are one line in practice (a QLineEdit still holds
# the whole text and refuses more than the schema allows, never cutting it).
ONE_LINE_FIELDS = {"focus", "title", "department", "audience", "objective"}


@dataclasses.dataclass(frozen=True, slots=True)
class FieldInfo:
    """What an input needs to know about one field."""

    kind: str  # text, enum, int, num, bool, date, ref, list
    required: bool
    choices: tuple[str, ...] = ()
    max_length: int | None = None
    minimum: float | None = None
    maximum: float | None = None
    ref: str | None = None  # for ref: the collection whose names it holds


def field_info(collection: str, field: str) -> FieldInfo:
    """The kind, limits and choices of one field, from the store's columns and the schema."""
    if collection == "participants" and field == "skills":
        return FieldInfo("list", False, max_length=m.MAX_SKILL)
    if collection == "pitch_meetings" and field == "attendees":
        return FieldInfo("list", False, ref="stakeholders")
    if collection == "program":
        column = PROGRAM_FIELDS[field]
        required = field in PROGRAM_REQUIRED
    else:
        column = COLLECTIONS[collection].column(field)
        cls = COLLECTIONS[collection].cls
        spec = {f.name: f for f in dataclasses.fields(cls)}[field]
        required = (
            spec.default is dataclasses.MISSING and spec.default_factory is dataclasses.MISSING
        )
    schema = services.field_schema(collection, field)
    kind = column.kind
    if "enum" in schema:
        kind = "enum"
    return FieldInfo(
        kind=kind,
        required=required,
        choices=tuple(schema.get("enum", ())),
        max_length=schema.get("maxLength"),
        minimum=schema.get("minimum"),
        maximum=schema.get("maximum"),
        ref=column.ref,
    )


class MnemonicPool:
    """Hands out Alt+letter mnemonics so that labels of one page do not collide."""

    # the menus (File, Edit, Program, Help), Back, Next and the program list
    def __init__(self, reserved: str = "ferhbnp"):
        self.used = set(reserved)

    def label(self, text: str) -> str:
        """``text`` with a mnemonic: its own if that letter is free, else the first free one."""
        if "&" in text.replace("&&", ""):
            index = text.replace("&&", "\x00\x00").index("&")
            letter = text[index + 1].lower()
            if letter not in self.used:
                self.used.add(letter)
                return text
            text = text[:index] + text[index + 1 :]
        for i, ch in enumerate(text):
            if ch.isalnum() and ch.isascii() and ch.lower() not in self.used:
                self.used.add(ch.lower())
                return text[:i] + "&" + text[i:]
        return text


class _NoWheelUnlessFocused(QObject):
    """Scrolling the page over a spin box or combo box must not change its value."""

    def eventFilter(self, obj: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Wheel and isinstance(obj, QWidget) and not obj.hasFocus():
            event.ignore()
            return True
        return False


_no_wheel = _NoWheelUnlessFocused()


def guard_wheel(widget: QWidget) -> None:
    widget.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
    widget.installEventFilter(_no_wheel)


class NullableDateEdit(QDateEdit):
    """A date edit that can be empty: "not set" until a date is picked or typed.

    Up, Down, Page Up/Down or a digit on an empty field start at today; the
    calendar popup opens on the current month when empty.
    """

    NULL_DATE = QDate(1752, 9, 14)

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setCalendarPopup(True)
        self.setMinimumDate(self.NULL_DATE)
        self.setMaximumDate(QDate(9999, 12, 31))
        self.setSpecialValueText(NOT_SET)
        self.setDisplayFormat(date_format())
        self.setDate(self.NULL_DATE)
        self.calendarWidget().installEventFilter(self)
        guard_wheel(self)

    def is_null(self) -> bool:
        return self.date() == self.NULL_DATE

    def value(self) -> dt.date | None:
        return None if self.is_null() else from_qdate(self.date())

    def set_value(self, value: dt.date | None) -> None:
        self.setDate(self.NULL_DATE if value is None else to_qdate(value))

    def eventFilter(self, obj: QObject, event: QEvent) -> bool:
        if obj is self.calendarWidget() and event.type() == QEvent.Type.Show and self.is_null():
            today = QDate.currentDate()
            self.calendarWidget().setCurrentPage(today.year(), today.month())
        return False

    def keyPressEvent(self, event: QKeyEvent) -> None:
        starts = (Qt.Key.Key_Up, Qt.Key.Key_Down, Qt.Key.Key_PageUp, Qt.Key.Key_PageDown)
        if self.is_null() and (event.key() in starts or event.text().isdigit()):
            self.setDate(QDate.currentDate())
            return
        super().keyPressEvent(event)


class PlainTextField(QPlainTextEdit):
    """A long-text input: Tab leaves it; focus out is reported."""

    focusLost = Signal()

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setTabChangesFocus(True)
        self.setMinimumHeight(60)

    def focusOutEvent(self, event: Any) -> None:
        super().focusOutEvent(event)
        self.focusLost.emit()

    def sizeHint(self) -> Any:
        hint = super().sizeHint()
        hint.setHeight(self.fontMetrics().lineSpacing() * 5 + 12)
        return hint


class EscapeLineEdit(QLineEdit):
    """A line edit whose Escape puts back the stored value."""

    escaped = Signal()

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() == Qt.Key.Key_Escape and self.isModified():
            self.escaped.emit()
            return
        super().keyPressEvent(event)


class FieldBinding(QObject):
    """One input bound to one field of the shown program or of one of its items.

    Attributes:
        collection: "program" or a collection name ("metrics", "stakeholders"...).
        field: the dotted path (program) or the item's field name.
        item_id: for an item field, the item shown (None: the input is disabled).
        label: the QLabel (buddy of ``editor``).
        editor: the focusable input widget.
        widget: what goes into a layout (editor, Clear button, error label).
        error_label: the inline message shown when a value is refused.
    """

    committed = Signal()

    def __init__(
        self,
        session: ProgramSession,
        collection: str,
        field: str,
        label: str,
        *,
        long: bool | None = None,
        decimals: int = 2,
        parent: QWidget | None = None,
    ):
        super().__init__(parent)
        self.session = session
        self.collection = collection
        self.field = field
        self.item_id: int | None = None
        self.info = field_info(collection, field)
        self.name = strip_mnemonic(label)
        self._setting = False
        self._shown: Any = object()  # the value last put into the input

        self.widget = QWidget(parent)
        outer = QVBoxLayout(self.widget)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.setSpacing(2)
        row = QHBoxLayout()
        row.setContentsMargins(0, 0, 0, 0)
        outer.addLayout(row)
        self.editor = self._make_editor(long, decimals)
        self.editor.setAccessibleName(self.name)
        row.addWidget(self.editor, 1)
        self.clear_button: QToolButton | None = None
        if not self.info.required and self.info.kind in ("date", "int", "num"):
            self.clear_button = QToolButton(self.widget)
            self.clear_button.setText("Clear")
            self.clear_button.setAccessibleName(f"Clear {self.name}")
            self.clear_button.setToolTip(f"Clear {self.name}")
            self.clear_button.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
            self.clear_button.clicked.connect(self._clear)
            row.addWidget(self.clear_button)
        self.error_label = QLabel(self.widget)
        self.error_label.setTextFormat(Qt.TextFormat.PlainText)
        self.error_label.setWordWrap(True)
        self.error_label.setAccessibleName(f"{self.name} problem")
        palette = self.error_label.palette()  # a palette, not a style sheet per label
        palette.setColor(QPalette.ColorRole.WindowText, ERROR_COLOUR)
        self.error_label.setPalette(palette)
        self.error_label.hide()
        outer.addWidget(self.error_label)

        self.label = QLabel(label, parent)
        self.label.setTextFormat(Qt.TextFormat.PlainText)
        self.label.setBuddy(self.editor)
        if self.info.required:
            self.editor.setToolTip(f"{self.name} is required")

        session.changed.connect(self._on_changed)
        session.programChanged.connect(self._on_program_changed)
        session.flushRequested.connect(self.commit_if_dirty)
        self.refresh(force=True)

    # ----- the input ------------------------------------------------------------

    def _make_editor(self, long: bool | None, decimals: int) -> QWidget:
        info = self.info
        kind = info.kind
        if kind == "text" or kind == "list":
            if long is None:
                short = self.field.rsplit(".", 1)[-1] in ONE_LINE_FIELDS
                long = kind == "text" and (info.max_length or 0) > LONG_TEXT and not short
            if long:
                edit = PlainTextField()
                edit.focusLost.connect(self.commit)
                edit.textChanged.connect(self._check_length_live)
                return edit
            line = EscapeLineEdit()
            line.setMaxLength(LINE_EDIT_MAX)
            line.editingFinished.connect(self.commit)
            line.textEdited.connect(self._check_length_live)
            line.escaped.connect(self._revert)
            return line
        if kind in ("enum", "ref"):
            combo = QComboBox()
            guard_wheel(combo)
            combo.activated.connect(self.commit)
            return combo
        if kind == "bool":
            box = QCheckBox()
            box.clicked.connect(self.commit)
            return box
        if kind == "date":
            date = NullableDateEdit()
            date.editingFinished.connect(self.commit)
            date.calendarWidget().clicked.connect(lambda _d: self.commit())
            date.calendarWidget().activated.connect(lambda _d: self.commit())
            return date
        if kind == "int":
            spin: QSpinBox | QDoubleSpinBox = QSpinBox()
            low = int(info.minimum) if info.minimum is not None else -(2**31) + 2
            high = int(info.maximum) if info.maximum is not None else 2**31 - 1
        else:
            spin = QDoubleSpinBox()
            spin.setDecimals(decimals)
            low = info.minimum if info.minimum is not None else -NUM_RANGE
            high = info.maximum if info.maximum is not None else NUM_RANGE
        if not info.required:
            low -= 1 if kind == "int" else 10 ** (-decimals)
            spin.setSpecialValueText(NOT_SET)
        spin.setRange(low, high)
        spin.setKeyboardTracking(False)
        spin.setGroupSeparatorShown(True)
        guard_wheel(spin)
        spin.valueChanged.connect(lambda _v: self.commit(merge=True))
        spin.editingFinished.connect(self.commit)
        return spin

    def _fill_choices(self, combo: QComboBox) -> None:
        if self.info.kind == "enum":
            choices = list(self.info.choices)
        else:
            choices = [it.name for it in self.session.items(self.info.ref or "")]
        wanted = ([] if self.info.required else [NOT_SET_CHOICE]) + choices
        current = [combo.itemText(i) for i in range(combo.count())]
        if current != wanted:
            combo.clear()
            if not self.info.required:
                combo.addItem(NOT_SET_CHOICE, None)
            for choice in choices:
                combo.addItem(choice, choice)

    def input_value(self) -> Any:
        """What the input holds now, as the program would store it."""
        e = self.editor
        kind = self.info.kind
        if isinstance(e, (QLineEdit, QPlainTextEdit)):
            text = e.text() if isinstance(e, QLineEdit) else e.toPlainText()
            if kind == "list":
                return [part.strip() for part in text.split(",") if part.strip()]
            return text if text != "" else None
        if isinstance(e, QComboBox):
            return e.currentData()
        if isinstance(e, QCheckBox):
            return e.isChecked()
        if isinstance(e, NullableDateEdit):
            return e.value()
        if isinstance(e, (QSpinBox, QDoubleSpinBox)):
            if not self.info.required and e.value() == e.minimum():
                return None
            return e.value() if kind == "int" else store_number(e.value())
        raise TypeError(e)

    def _show_value(self, value: Any) -> None:
        e = self.editor
        self._setting = True
        try:
            if isinstance(e, (QLineEdit, QPlainTextEdit)):
                if self.info.kind == "list":
                    text = ", ".join(value or [])
                else:
                    text = "" if value is None else str(value)
                if isinstance(e, QLineEdit):
                    if e.text() != text:
                        pos = e.cursorPosition()
                        e.setText(text)
                        if e.hasFocus():
                            e.setCursorPosition(min(pos, len(text)))
                    e.setModified(False)
                elif e.toPlainText() != text:
                    cursor = e.textCursor()
                    pos = cursor.position()
                    e.setPlainText(text)
                    if e.hasFocus():
                        cursor = e.textCursor()
                        cursor.setPosition(min(pos, len(text)))
                        e.setTextCursor(cursor)
            elif isinstance(e, QComboBox):
                self._fill_choices(e)
                index = e.findData(value)
                if index < 0 and value is not None:
                    e.addItem(str(value), value)  # a stored value outside the choices
                    index = e.count() - 1
                e.setCurrentIndex(max(index, 0))
            elif isinstance(e, QCheckBox):
                e.setChecked(bool(value))
            elif isinstance(e, NullableDateEdit):
                e.set_value(value)
            elif isinstance(e, (QSpinBox, QDoubleSpinBox)):
                e.setValue(e.minimum() if value is None else value)
        finally:
            self._setting = False
        self._shown = value

    # ----- the stored value -----------------------------------------------------

    def stored_value(self) -> Any:
        if self.collection == "program":
            return self.session.value(self.field)
        item = self.session.item(self.collection, self.item_id)
        return None if item is None else getattr(item, self.field)

    def _available(self) -> bool:
        if self.session.program is None:
            return False
        if self.collection == "program":
            return True
        return self.session.item(self.collection, self.item_id) is not None

    def set_item(self, item_id: int | None) -> None:
        """Bind to another item (an item field); commits the one being typed first."""
        if item_id == self.item_id:
            return
        self.commit_if_dirty()
        self.item_id = item_id
        self.clear_error()
        self.refresh(force=True)

    def is_dirty(self) -> bool:
        if isinstance(self.editor, QCheckBox) and self._available():
            # an unset flag (None) shows unchecked: that is not an edit to flush
            return self.input_value() != bool(self._shown)
        return self._available() and self.input_value() != self._shown

    def refresh(self, force: bool = False) -> None:
        """Show the stored value, unless the user is typing into this field."""
        available = self._available()
        self.widget.setEnabled(available)
        self.label.setEnabled(available)
        if not available:
            self._show_value(None)
            return
        if self.info.kind in ("enum", "ref") and isinstance(self.editor, QComboBox):
            self._fill_choices(self.editor)
        if not force and self.is_dirty():
            return  # the user's typing (or a refused text beside its message) stays
        self._show_value(self.stored_value())

    def _on_changed(self, change: Any) -> None:
        """Show a change (Undo, Redo, an edit elsewhere) if it concerns this field."""
        touched = self.session.touched(change)
        if touched is None or (self.info.ref is not None and self.info.ref in touched):
            self.refresh()  # reloaded, or the names to choose from may have changed
            return
        if self.collection not in touched:
            return
        if change.field is not None and change.collection == self.collection:
            # one field of one item (of the program) changed in place: is it this one?
            mine = self.collection == "program" or change.item_id == self.item_id
            if not mine or change.field != self.field:
                return
        self.refresh()

    def _on_program_changed(self) -> None:
        self.clear_error()
        self.refresh(force=True)

    def commit_if_dirty(self) -> None:
        if self.is_dirty():
            self.commit()

    def commit(self, merge: bool = False) -> bool:
        """Store what the input holds; False (and a message beside it) when refused."""
        if self._setting or not self._available():
            return False
        value = self.input_value()
        if value == self.stored_value():
            self._shown = value
            self.clear_error()
            return True
        if isinstance(value, str) and self.info.max_length and len(value) > self.info.max_length:
            self.show_error(self._too_long(len(value)))
            return False
        if self.collection == "program":
            ok = self.session.edit_field(self.field, value, on_error=self.show_error, merge=merge)
        else:
            assert self.item_id is not None
            ok = self.session.edit_item(
                self.collection,
                self.item_id,
                self.field,
                value,
                on_error=self.show_error,
                merge=merge,
            )
        if ok:
            self._shown = value
            self.clear_error()
            self.committed.emit()
        return ok

    def _too_long(self, length: int) -> str:
        return (
            f"{self.name} is {length:,} characters long; at most "
            f"{self.info.max_length:,} are allowed"
        )

    def _check_length_live(self, *_args: Any) -> None:
        if self._setting or self.info.kind != "text":
            return
        value = self.input_value()
        if self.info.max_length and value and len(value) > self.info.max_length:
            self.show_error(self._too_long(len(value)))
        elif self.error_label.isVisible():
            self.clear_error()

    def _clear(self) -> None:
        e = self.editor
        if isinstance(e, NullableDateEdit):
            e.set_value(None)
        elif isinstance(e, (QSpinBox, QDoubleSpinBox)):
            self._setting = True
            e.setValue(e.minimum())
            self._setting = False
        self.commit()

    def _revert(self) -> None:
        self.clear_error()
        self.refresh(force=True)

    def show_error(self, message: str) -> None:
        self.error_label.setText(ERROR_PREFIX + message)
        self.error_label.show()

    def clear_error(self) -> None:
        self.error_label.clear()
        self.error_label.hide()


class Form(QWidget):
    """Bound fields in a QFormLayout, labels with mnemonics, in tab order.

    Attributes:
        bindings: every FieldBinding added, in order.
    """

    def __init__(
        self,
        session: ProgramSession,
        parent: QWidget | None = None,
        *,
        mnemonics: MnemonicPool | None = None,
    ):
        super().__init__(parent)
        self.session = session
        self.mnemonics = mnemonics or MnemonicPool()
        self.layout_ = QFormLayout(self)
        self.layout_.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.ExpandingFieldsGrow)
        self.layout_.setRowWrapPolicy(QFormLayout.RowWrapPolicy.WrapLongRows)
        self.bindings: list[FieldBinding] = []

    def _add(self, collection: str, field: str, label: str, **options: Any) -> FieldBinding:
        binding = FieldBinding(
            self.session, collection, field, self.mnemonics.label(label), parent=self, **options
        )
        self.layout_.addRow(binding.label, binding.widget)
        self.bindings.append(binding)
        return binding

    def add_program_field(self, path: str, label: str, **options: Any) -> FieldBinding:
        """An input for a program-level field ("focus", "manager.name", "design.launch_on")."""
        return self._add("program", path, label, **options)

    def add_item_field(
        self, collection: str, field: str, label: str, **options: Any
    ) -> FieldBinding:
        """An input for a field of one item; choose the item with ``set_item``."""
        return self._add(collection, field, label, **options)

    def add_row(self, label: str | QWidget, widget: QWidget) -> None:
        """Any other widget as a row (a button, a computed value)."""
        if isinstance(label, str):
            text = label
            label = QLabel(self.mnemonics.label(text) if text else "", self)
            label.setTextFormat(Qt.TextFormat.PlainText)
            label.setBuddy(widget)
        self.layout_.addRow(label, widget)

    def set_item(self, collection: str, item_id: int | None) -> None:
        """Point every field of ``collection`` in this form at another item."""
        for binding in self.bindings:
            if binding.collection == collection:
                binding.set_item(item_id)

    def binding(self, field: str, collection: str | None = None) -> FieldBinding | None:
        for b in self.bindings:
            if b.field == field and (collection is None or b.collection == collection):
                return b
        return None
