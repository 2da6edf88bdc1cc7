"""A table model for one list of the shown program, edited in place through the session.

How a page uses it::

    COLUMNS = (
        Column("name", "Name", width=180),
        Column("role", "Role"),                      # kind from the store + schema: enum
        Column("influence", "Influence"),            # int, range 1-5 from the schema
        Column("in_room", "In the room"),            # bool: a check box
        Column("last_contact", "Last contact"),      # date: a date picker
        Column("views", "Views"),                    # long text: first line shown
        Column("skills", "Skills", kind="list"),     # participants only: comma-separated
        Column("health", "Health", editable=False, value=lambda item: ...),  # computed
    )
    model = CollectionTableModel(session, "stakeholders", COLUMNS)
    table = CollectionTable(session, model, "Stakeholders")   # see collection_table.py

The model reads the items of ``session.program`` (no query per cell), keeps
them in the stored order and follows the session changes that concern it
(``session.affects``): an edit of one item's field redraws that row, an item
added or removed (also by Undo) inserts or removes just that row, so
selections and scroll positions stay put. A model whose rows come from
``items_of`` or that has computed columns names with ``depends`` the other
collections it reads (without ``depends`` it follows every change).
``setData`` calls ``session.edit_item`` (undo-able); a refused value is
shown through ``dialogs.show_error`` once the editor has closed.

Roles: ``Qt.DisplayRole`` plain text in the user's locale; ``Qt.EditRole``
the stored value (a ``datetime.date``, a number, a name); ``Qt.CheckStateRole``
for booleans; ``ROW_ID_ROLE`` the item's row id; ``SORT_ROLE`` a value that
sorts right. The model sorts itself (``sort``, what a QTableView with sorting
enabled calls), so the view talks to it without a proxy: a proxy in between
triples the Python calls per repaint of a 2,000-row table. ``CollectionDelegate``
gives the editors: combo boxes for choices and references, date pickers,
spin boxes with the schema's ranges, line edits that never cut text.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Callable, Sequence
from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    QSortFilterProxyModel,
    Qt,
    QTimer,
)
from PySide6.QtWidgets import (
    QComboBox,
    QDoubleSpinBox,
    QLineEdit,
    QSpinBox,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QWidget,
)

from mentor_desk.ui import dialogs
from mentor_desk.ui.display import (
    format_date,
    format_number,
    one_line,
    plain_tooltip,
    store_number,
)
from mentor_desk.ui.forms import (
    LINE_EDIT_MAX,
    NOT_SET_CHOICE,
    NUM_RANGE,
    FieldInfo,
    NullableDateEdit,
    field_info,
)
from mentor_desk.ui.session import ProgramSession

ROW_ID_ROLE = int(Qt.ItemDataRole.UserRole) + 1
SORT_ROLE = int(Qt.ItemDataRole.UserRole) + 2

_DISPLAY = int(Qt.ItemDataRole.DisplayRole)
_EDIT = int(Qt.ItemDataRole.EditRole)
_TOOLTIP = int(Qt.ItemDataRole.ToolTipRole)
_CHECK = int(Qt.ItemDataRole.CheckStateRole)
_ALIGN = int(Qt.ItemDataRole.TextAlignmentRole)
_ACCESSIBLE = int(Qt.ItemDataRole.AccessibleTextRole)
_HANDLED_ROLES = frozenset(
    {_DISPLAY, _EDIT, _TOOLTIP, _CHECK, _ALIGN, _ACCESSIBLE, ROW_ID_ROLE, SORT_ROLE}
)
_RIGHT = int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)

AnyIndex = QModelIndex | QPersistentModelIndex
_NO_PARENT = QModelIndex()


@dataclasses.dataclass(frozen=True, slots=True)
class Column:
    """One column of a collection table.

    ``kind`` (text, enum, int, num, bool, date, ref, list) is found from the
    store and the schema when not given. ``value`` computes a read-only
    column from the item; ``width`` is the initial width in pixels.
    """

    field: str
    header: str
    kind: str | None = None
    editable: bool = True
    width: int | None = None
    value: Callable[[Any], Any] | None = None
    decimals: int = 2


ColumnSpec = Column  # the name the issue uses


def default_new_item(session: ProgramSession, collection: str, noun: str) -> Any:
    """A new item with its required fields filled: a unique "New <noun>" name, the first choice."""
    from mentor_desk.store.repository import COLLECTIONS

    cls = COLLECTIONS[collection].cls
    values: dict[str, Any] = {}
    existing = session.items(collection)
    for spec in dataclasses.fields(cls):
        required = (
            spec.default is dataclasses.MISSING and spec.default_factory is dataclasses.MISSING
        )
        if not required:
            continue
        info = field_info(collection, spec.name)
        if info.kind == "enum":
            values[spec.name] = info.choices[0]
        elif info.kind == "date":
            values[spec.name] = session.today()
        elif info.kind in ("int", "num"):
            values[spec.name] = int(info.minimum or 0)
        elif info.kind == "ref":
            names = [it.name for it in session.items(info.ref or "")]
            if not names:
                from mentor_desk.errors import KnownError

                raise KnownError(f"add one of the program's {info.ref} first")
            values[spec.name] = names[0]
        else:
            taken = {getattr(it, spec.name) for it in existing}
            base = f"New {noun}"
            name, n = base, 2
            while name in taken:
                name, n = f"{base} {n}", n + 1
            values[spec.name] = name
    return cls(**values)


class CollectionTableModel(QAbstractTableModel):
    """The items of one collection of ``session.program`` as rows.

    Attributes:
        session: the ProgramSession.
        collection: the collection name ("stakeholders", "costs", ...).
        columns: the Column specs.
        items_of: gives the rows from the session (default: every item of the
            collection; e.g. the evaluations of one development goal).
        depends: the other collections ("program" for the program-level fields)
            that ``items_of`` or the computed columns read; None (the default
            when there are any) follows every change.
    """

    def __init__(
        self,
        session: ProgramSession,
        collection: str,
        columns: Sequence[Column],
        parent: QObject | None = None,
        *,
        items_of: Callable[[ProgramSession], list[Any]] | None = None,
        depends: Sequence[str] | None = None,
    ):
        super().__init__(parent)
        self.session = session
        self.collection = collection
        self.items_of = items_of or (lambda s: s.items(collection))
        self.columns = list(columns)
        computed = items_of is not None or any(c.value is not None for c in self.columns)
        # Only the edited row changes when nothing is computed from other items.
        self._rows_independent = not computed
        self._depends: frozenset[str] | None = (
            None if depends is None and computed else frozenset({collection, *(depends or ())})
        )
        self.infos: list[FieldInfo | None] = []
        for col in self.columns:
            info = None
            if col.value is None:
                info = field_info(collection, col.field)
                if col.kind is not None and col.kind != info.kind:
                    info = dataclasses.replace(info, kind=col.kind)
            self.infos.append(info)
        self._ncolumns = len(self.columns)
        self._kinds = [self.kind(i) for i in range(len(self.columns))]
        self._flags = [self._column_flags(i) for i in range(len(self.columns))]
        self._display: dict[tuple[int, int], str] = {}
        self._sort: tuple[int, Qt.SortOrder] = (-1, Qt.SortOrder.AscendingOrder)
        self._items: list[Any] = self._ordered(self.items_of(session))
        session.changed.connect(self.sync)
        session.programChanged.connect(self.reset)

    # ----- following the session -------------------------------------------------

    def _column_flags(self, column: int) -> Qt.ItemFlag:
        flags = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
        col = self.columns[column]
        if col.editable and col.value is None:
            if self.kind(column) == "bool":
                flags |= Qt.ItemFlag.ItemIsUserCheckable
            else:
                flags |= Qt.ItemFlag.ItemIsEditable
        return flags

    def _ordered(self, items: list[Any]) -> list[Any]:
        """The items in the view's sort order (the stored order when not sorted)."""
        column, order = self._sort
        if column < 0 or column >= self._ncolumns:
            return list(items)
        kind = self._kinds[column]
        col = self.columns[column]

        def key(item: Any) -> Any:
            value = col.value(item) if col.value is not None else getattr(item, col.field)
            return self.sort_key(value, kind)

        return sorted(items, key=key, reverse=order == Qt.SortOrder.DescendingOrder)

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        """Sort the rows (column -1: the stored order); selections follow their items."""
        self.layoutAboutToBeChanged.emit()
        old_rows = {it.id: row for row, it in enumerate(self._items)}
        self._sort = (column, Qt.SortOrder(order))
        self._items = self._ordered(self.items_of(self.session))
        new_rows = {it.id: row for row, it in enumerate(self._items)}
        by_old = {row: item_id for item_id, row in old_rows.items()}
        persistent = self.persistentIndexList()
        moved = []
        for index in persistent:
            item_id = by_old.get(index.row())
            row = new_rows.get(item_id, -1)
            moved.append(self.index(row, index.column()) if row >= 0 else QModelIndex())
        self.changePersistentIndexList(persistent, moved)
        self._display = {}
        self.layoutChanged.emit()

    def reset(self) -> None:
        self.beginResetModel()
        self._items = self._ordered(self.items_of(self.session))
        self._display = {}
        self.endResetModel()

    def sync(self, change: Any = None) -> None:
        """Follow a change of the session: redraw, insert or remove only the rows it concerns."""
        session = self.session
        if change is not None:
            if self._depends is not None and not session.affects(change, *self._depends):
                return
            if self._one_row(change):
                row = self.row_of(change.item_id)
                if row is not None:
                    for column in range(self._ncolumns):
                        self._display.pop((row, column), None)
                    self.dataChanged.emit(self.index(row, 0), self.index(row, self._ncolumns - 1))
                return
        new = self._ordered(self.items_of(session))
        self._display = {}
        old_ids = [it.id for it in self._items]
        new_ids = [it.id for it in new]
        if old_ids == new_ids:
            self._items = new
            if new:
                self.dataChanged.emit(
                    self.index(0, 0), self.index(len(new) - 1, len(self.columns) - 1)
                )
            return
        if len(new_ids) == len(old_ids) + 1:
            pos = _first_difference(old_ids, new_ids, len(old_ids))
            if new_ids[:pos] + new_ids[pos + 1 :] == old_ids:
                self.beginInsertRows(QModelIndex(), pos, pos)
                self._items = new
                self.endInsertRows()
                self._refresh_all()
                return
        if len(old_ids) == len(new_ids) + 1:
            pos = _first_difference(old_ids, new_ids, len(new_ids))
            if old_ids[:pos] + old_ids[pos + 1 :] == new_ids:
                self.beginRemoveRows(QModelIndex(), pos, pos)
                self._items = new
                self.endRemoveRows()
                self._refresh_all()
                return
        self.beginResetModel()
        self._items = new
        self.endResetModel()

    def _one_row(self, change: Any) -> bool:
        """Whether ``change`` is an edit of one field of one of these items, changed in place."""
        if not self._rows_independent or change.field is None:
            return False
        if change.collection != self.collection or self.session.touched(change) is None:
            return False
        column, _order = self._sort  # a sorted column edited may move the row
        return column < 0 or column >= self._ncolumns or self.columns[column].field != change.field

    def _refresh_all(self) -> None:
        if self._items:
            self.dataChanged.emit(
                self.index(0, 0), self.index(len(self._items) - 1, len(self.columns) - 1)
            )

    # ----- reading ---------------------------------------------------------------

    def item_at(self, row: int) -> Any:
        return self._items[row]

    def row_of(self, item_id: int | None) -> int | None:
        for row, it in enumerate(self._items):
            if it.id == item_id:
                return row
        return None

    def column_of(self, field: str | None) -> int | None:
        for i, col in enumerate(self.columns):
            if col.field == field:
                return i
        return None

    def index(self, row: int, column: int, parent: AnyIndex = _NO_PARENT) -> QModelIndex:
        # One call from C++ instead of three (the default asks rowCount and columnCount
        # each time, and proxies and views make indexes for every cell they touch).
        if 0 <= row < len(self._items) and 0 <= column < self._ncolumns and not parent.isValid():
            return self.createIndex(row, column)
        return QModelIndex()

    def rowCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._items)

    def columnCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.columns)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation == Qt.Orientation.Horizontal and 0 <= section < len(self.columns):
            if role == Qt.ItemDataRole.DisplayRole:
                return self.columns[section].header
            if role == Qt.ItemDataRole.ToolTipRole:
                return plain_tooltip(self.columns[section].header)
        vertical = orientation == Qt.Orientation.Vertical
        if vertical and role == Qt.ItemDataRole.DisplayRole and 0 <= section < len(self._items):
            return str(section + 1)
        return None

    def raw(self, row: int, column: int) -> Any:
        col = self.columns[column]
        item = self._items[row]
        if col.value is not None:
            return col.value(item)
        return getattr(item, col.field)

    def kind(self, column: int) -> str:
        info = self.infos[column]
        return self.columns[column].kind or (info.kind if info else "text")

    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        # Views ask for a dozen roles per cell on every repaint: answer the ones not
        # handled first and cheaply, and keep the display strings once made.
        if role not in _HANDLED_ROLES:
            return None
        row = index.row()
        if row < 0 or row >= len(self._items):
            return None
        column = index.column()
        if role == _DISPLAY:
            key = (row, column)
            text = self._display.get(key)
            if text is None:
                kind = self._kinds[column]
                value = None if kind == "bool" else self.raw(row, column)
                text = "" if kind == "bool" else self.display(value, kind)
                self._display[key] = text
            return text or None
        if role == ROW_ID_ROLE:
            return self._items[row].id
        kind = self._kinds[column]
        if role == _ALIGN:
            return _RIGHT if kind in ("int", "num") else None
        value = self.raw(row, column)
        if role == _EDIT:
            if kind == "list":
                return ", ".join(value or [])
            return value
        if role == _CHECK:
            if kind != "bool":
                return None
            return Qt.CheckState.Checked if value else Qt.CheckState.Unchecked
        if role == _TOOLTIP:
            if kind == "text" and value and (len(value) > 40 or "\n" in value):
                return plain_tooltip(value[:2000])
            return None
        if role == _ACCESSIBLE:
            return ("yes" if value else "no") if kind == "bool" else None
        if role == SORT_ROLE:
            return self.sort_key(value, kind)
        return None

    @staticmethod
    def display(value: Any, kind: str, decimals: int = 2) -> str:
        if value is None:
            return ""
        if kind == "date" or isinstance(value, dt.date):
            return format_date(value)
        if kind in ("int", "num") or isinstance(value, (int, float)):
            return format_number(value)
        if kind == "list":
            return ", ".join(value)
        if kind == "text":
            return one_line(str(value))
        return str(value)

    @staticmethod
    def sort_key(value: Any, kind: str) -> Any:
        if kind in ("int", "num"):
            return float("-inf") if value is None else float(value)
        if kind == "bool":
            return 1 if value else 0
        if kind == "date":
            return "" if value is None else value.isoformat()
        if kind == "list":
            return ", ".join(value or []).casefold()
        return "" if value is None else str(value).casefold()

    # ----- editing ---------------------------------------------------------------

    def flags(self, index: AnyIndex) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return self._flags[index.column()]

    def setData(self, index: AnyIndex, value: Any, role: int = Qt.ItemDataRole.EditRole) -> bool:
        if not index.isValid() or not (self.flags(index) & ~Qt.ItemFlag.ItemIsSelectable):
            return False
        col = self.columns[index.column()]
        if not col.editable or col.value is not None:
            return False
        kind = self.kind(index.column())
        if role == Qt.ItemDataRole.CheckStateRole and kind == "bool":
            value = Qt.CheckState(value) == Qt.CheckState.Checked
        elif role != Qt.ItemDataRole.EditRole:
            return False
        value = self.convert(value, kind)
        item = self._items[index.row()]
        return self.session.edit_item(
            self.collection, item.id, col.field, value, on_error=self._report_later
        )

    @staticmethod
    def convert(value: Any, kind: str) -> Any:
        """A value from an editor to what the program stores."""
        if kind == "list":
            if isinstance(value, str):
                return [part.strip() for part in value.split(",") if part.strip()]
            return list(value or [])
        if isinstance(value, str) and value == "":
            return None
        if kind == "num" and isinstance(value, float):
            return store_number(value)
        return value

    def _report_later(self, message: str) -> None:
        # The editor is still closing; a modal box now would re-enter the view.
        QTimer.singleShot(0, lambda: dialogs.show_error(self.session.dialog_parent, message))

    # ----- adding and removing ---------------------------------------------------

    def add_item(self, item: Any, *, parent_id: int | None = None) -> int | None:
        """Add ``item`` through the session (undo-able); returns its id or None."""
        return self.session.add_item(self.collection, item, parent_id=parent_id)

    def remove_item(self, item_id: int) -> bool:
        return self.session.remove_item(self.collection, item_id)


def _first_difference(a: list[Any], b: list[Any], default: int) -> int:
    for i, (x, y) in enumerate(zip(a, b, strict=False)):
        if x != y:
            return i
    return default


def sort_proxy(model: CollectionTableModel, parent: QObject | None = None) -> QSortFilterProxyModel:
    """A proxy that sorts by ``SORT_ROLE`` (numbers as numbers, dates as dates)."""
    proxy = QSortFilterProxyModel(parent or model)
    proxy.setSourceModel(model)
    proxy.setSortRole(SORT_ROLE)
    proxy.setSortCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
    proxy.setDynamicSortFilter(False)
    return proxy


def _source(index: AnyIndex) -> tuple[CollectionTableModel, QModelIndex]:
    model = index.model()
    while isinstance(model, QSortFilterProxyModel):
        index = model.mapToSource(index)
        model = model.sourceModel()
    assert isinstance(model, CollectionTableModel)
    return model, index


class CollectionDelegate(QStyledItemDelegate):
    """Editors for a collection table: choices, references, dates, ranged numbers, long lines."""

    def createEditor(
        self, parent: QWidget, option: QStyleOptionViewItem, index: QModelIndex
    ) -> QWidget:
        model, source = _source(index)
        column = source.column()
        kind = model.kind(column)
        info = model.infos[column]
        header = model.columns[column].header
        editor: QWidget
        if kind in ("enum", "ref"):
            combo = QComboBox(parent)
            if info is not None and not info.required:
                combo.addItem(NOT_SET_CHOICE, None)
            if kind == "enum" and info is not None:
                choices = list(info.choices)
            else:
                choices = [it.name for it in model.session.items(info.ref if info else "")]
            for choice in choices:
                combo.addItem(choice, choice)
            combo.activated.connect(lambda _i, c=combo: self._commit_close(c))
            editor = combo
        elif kind == "date":
            editor = NullableDateEdit(parent)
        elif kind == "int":
            spin = QSpinBox(parent)
            low = int(info.minimum) if info and info.minimum is not None else -(2**31) + 2
            high = int(info.maximum) if info and info.maximum is not None else 2**31 - 1
            if info is not None and not info.required:
                low -= 1
                spin.setSpecialValueText("not set")
            spin.setRange(low, high)
            editor = spin
        elif kind == "num":
            dspin = QDoubleSpinBox(parent)
            decimals = model.columns[column].decimals
            dspin.setDecimals(decimals)
            low = info.minimum if info and info.minimum is not None else -NUM_RANGE
            high = info.maximum if info and info.maximum is not None else NUM_RANGE
            if info is not None and not info.required:
                low -= 10 ** (-decimals)
                dspin.setSpecialValueText("not set")
            dspin.setRange(low, high)
            dspin.setGroupSeparatorShown(True)
            editor = dspin
        else:
            line = QLineEdit(parent)
            line.setMaxLength(LINE_EDIT_MAX)
            editor = line
        editor.setAccessibleName(header)
        return editor

    def _commit_close(self, editor: QWidget) -> None:
        self.commitData.emit(editor)
        self.closeEditor.emit(editor, QStyledItemDelegate.EndEditHint.NoHint)

    def setEditorData(self, editor: QWidget, index: QModelIndex) -> None:
        value = index.data(Qt.ItemDataRole.EditRole)
        if isinstance(editor, QComboBox):
            pos = editor.findData(value)
            if pos < 0 and value is not None:
                editor.addItem(str(value), value)
                pos = editor.count() - 1
            editor.setCurrentIndex(max(pos, 0))
        elif isinstance(editor, NullableDateEdit):
            editor.set_value(value if isinstance(value, dt.date) else None)
        elif isinstance(editor, (QSpinBox, QDoubleSpinBox)):
            editor.setValue(editor.minimum() if value is None else value)
        elif isinstance(editor, QLineEdit):
            editor.setText("" if value is None else str(value))

    def setModelData(self, editor: QWidget, model: Any, index: QModelIndex) -> None:
        value: Any
        if isinstance(editor, QComboBox):
            value = editor.currentData()
        elif isinstance(editor, NullableDateEdit):
            value = editor.value()
        elif isinstance(editor, (QSpinBox, QDoubleSpinBox)):
            value = (
                None
                if editor.specialValueText() and editor.value() == editor.minimum()
                else (editor.value())
            )
        elif isinstance(editor, QLineEdit):
            value = editor.text()
        else:  # pragma: no cover
            return
        source_model, source = _source(index)
        info = source_model.infos[source.column()]
        if (
            isinstance(value, str)
            and info is not None
            and info.max_length
            and len(value) > info.max_length
        ):
            source_model._report_later(
                f"{source_model.columns[source.column()].header} is {len(value):,} characters "
                f"long; at most {info.max_length:,} are allowed. Nothing was changed."
            )
            return
        if value == index.data(Qt.ItemDataRole.EditRole):
            return
        model.setData(index, value, Qt.ItemDataRole.EditRole)


NEW_NOUNS = {
    "goals": "goal",
    "costs": "cost",
    "target_groups": "target group",
    "stakeholders": "stakeholder",
    "benefits": "benefit",
    "roles": "role",
    "procedures": "procedure",
    "competencies": "competency",
    "trainings": "training",
    "communications": "communication",
    "participants": "participant",
    "development_goals": "development goal",
    "ideas": "idea",
    "journal": "entry",
}

__all__ = [
    "ROW_ID_ROLE",
    "SORT_ROLE",
    "Column",
    "ColumnSpec",
    "CollectionTableModel",
    "CollectionDelegate",
    "default_new_item",
    "sort_proxy",
]
