"""The window's framework: session edits and undo, bound fields, collection tables, findings."""

from __future__ import annotations

import ast
import datetime as dt
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QLineEdit, QWidget

from mentor_desk import services
from mentor_desk.domain import model as m
from mentor_desk.ui import dialogs
from mentor_desk.ui.collection_table import CollectionTable
from mentor_desk.ui.findings_panel import FindingsPanel
from mentor_desk.ui.forms import Form
from mentor_desk.ui.session import ProgramSession
from mentor_desk.ui.table_models import ROW_ID_ROLE, CollectionTableModel, Column

HOSTILE = ["<b>bold</b>", "<img src=x>", "&amp;"]


pytestmark = pytest.mark.usefixtures("no_unexpected_dialogs")


def type_text(widget: QWidget, text: str) -> None:
    """Type any text, non-ASCII included (keyClicks aborts on non-ASCII)."""
    for ch in text:
        QTest.sendKeyEvent(
            QTest.KeyAction.Click, widget, Qt.Key.Key_unknown, ch, Qt.KeyboardModifier.NoModifier
        )


@pytest.fixture
def session(qtbot, program_file, northwind):
    s = ProgramSession(program_file)
    s.today = lambda: dt.date(2027, 3, 1)
    s.open_program(northwind.id)
    return s


@pytest.fixture
def no_dialogs(monkeypatch):
    shown: list[str] = []
    monkeypatch.setattr(
        dialogs, "show_error", lambda parent, message, title="": shown.append(message)
    )
    return shown


def stored(pf, program_id):
    return services.load_program(pf, program_id)


def test_edit_field_undo_redo_reach_the_file(session, program_file, northwind):
    changes = []
    session.changed.connect(changes.append)
    assert session.edit_field("focus", "manufacturing")
    assert stored(program_file, northwind.id).focus == "manufacturing"
    assert changes[-1].field == "focus"
    session.undo()
    assert stored(program_file, northwind.id).focus == "leadership development"
    assert session.program.focus == "leadership development"
    session.redo()
    assert stored(program_file, northwind.id).focus == "manufacturing"


def test_refused_edit_changes_nothing_and_leaves_no_command(session, program_file, no_dialogs):
    first, second = session.items("stakeholders")[:2]
    count = session.undo_stack.count()
    assert not session.edit_item("stakeholders", second.id, "name", first.name)
    assert no_dialogs and "already used" in no_dialogs[0]
    assert session.undo_stack.count() == count
    assert session.item("stakeholders", second.id).name == second.name
    messages = []
    assert not session.edit_field("manager.email", "x" * 400, on_error=messages.append)
    assert "at most 320" in messages[0]
    assert session.undo_stack.count() == count


def test_remove_and_add_undo_keep_ids(session, program_file, northwind):
    goal = session.items("goals")[0]
    assert session.remove_item("goals", goal.id)
    assert all(g.id != goal.id for g in stored(program_file, northwind.id).business_case.goals)
    session.undo()
    back = {g.id: g for g in stored(program_file, northwind.id).business_case.goals}[goal.id]
    assert back.metric is not None and back.metric.name == goal.metric.name
    new_id = session.add_item("costs", m.Cost("Coaching", "external", 500))
    assert new_id in {c.id for c in session.items("costs")}
    session.undo()
    assert new_id not in {c.id for c in stored(program_file, northwind.id).business_case.costs}
    session.redo()
    assert new_id in {c.id for c in stored(program_file, northwind.id).business_case.costs}


def test_undo_follows_program_after_switching(session, program_file, northwind, northwind_doc):
    northwind_doc["program"]["name"] = "Second"
    other = services.import_document(program_file, document=northwind_doc, source="x")
    session.edit_field("focus", "sales")
    session.open_program(other)
    session.undo()
    assert session.program_id == northwind.id
    assert stored(program_file, northwind.id).focus == "leadership development"


def test_delete_program_and_undo(session, program_file, northwind):
    assert session.delete_program(northwind.id)
    assert session.program is None
    assert services.list_programs(program_file) == []
    session.undo()
    assert [p.id for p in services.list_programs(program_file)] == [northwind.id]
    assert session.program_id == northwind.id
    assert len(session.items("participants")) == len(northwind.participants)


def test_line_field_commits_non_ascii_and_follows_undo(qtbot, session, program_file, northwind):
    form = Form(session)
    qtbot.addWidget(form)
    form.add_program_field("manager.name", "&Manager name")
    form.show()
    edit = next(w for w in form.findChildren(QLineEdit) if w.accessibleName() == "Manager name")
    edit.setFocus()
    edit.selectAll()
    type_text(edit, "Zoë Ἀθηνᾶ Жанна 王芳 زينب")
    edit.editingFinished.emit()
    assert stored(program_file, northwind.id).manager.name == "Zoë Ἀθηνᾶ Жанна 王芳 زينب"
    session.undo()
    assert edit.text() == "Dana Whitfield"


def test_too_long_and_duplicate_are_refused_beside_the_field(
    qtbot, session, program_file, northwind, northwind_doc
):
    northwind_doc["program"]["name"] = "Taken"
    services.import_document(program_file, document=northwind_doc, source="x")
    form = Form(session)
    qtbot.addWidget(form)
    name = form.add_program_field("name", "&Name")
    email = form.add_program_field("manager.email", "&Email")
    long_text = "a" * 40_000  # beyond QLineEdit's default 32,767: not cut
    email.editor.setText(long_text)
    assert not email.commit()
    assert email.editor.text() == long_text
    assert "at most 320" in email.error_label.text()
    assert stored(program_file, northwind.id).manager.email == northwind.manager.email
    name.editor.setText("Taken")
    assert not name.commit()
    assert "already exists" in name.error_label.text()
    assert not name.error_label.isHidden()
    assert stored(program_file, northwind.id).name == northwind.name
    name.editor.setText("Fresh name")
    assert name.commit()
    assert name.error_label.isHidden()


def test_refresh_keeps_the_field_being_typed(qtbot, session):
    form = Form(session)
    qtbot.addWidget(form)
    focus = form.add_program_field("focus", "&Focus", long=False)
    other = form.add_program_field("organization", "&Organization")
    form.show()
    form.activateWindow()
    qtbot.waitActive(form)
    focus.editor.setFocus()
    focus.editor.setText("half typ")
    focus.editor.setCursorPosition(4)
    qtbot.waitUntil(focus.editor.hasFocus)
    session.edit_field("organization", "Elsewhere Ltd")
    assert focus.editor.text() == "half typ"
    assert focus.editor.cursorPosition() == 4
    assert focus.editor.hasFocus()
    assert other.editor.text() == "Elsewhere Ltd"
    session.flush()  # what the window does before closing
    assert session.program.focus == "half typ"


def test_date_and_number_fields(qtbot, session, program_file, northwind):
    form = Form(session)
    qtbot.addWidget(form)
    launch = form.add_program_field("design.launch_on", "&Launch")
    pairs = form.add_program_field("design.max_pairs", "Max &pairs")
    assert launch.editor.value() == northwind.design.launch_on
    launch.clear_button.click()
    assert stored(program_file, northwind.id).design.launch_on is None
    assert launch.editor.text() == "not set"
    launch.editor.set_value(dt.date(2027, 5, 3))
    launch.commit()
    assert stored(program_file, northwind.id).design.launch_on == dt.date(2027, 5, 3)
    pairs.editor.setValue(9)
    assert stored(program_file, northwind.id).design.max_pairs == 9
    pairs.clear_button.click()
    assert stored(program_file, northwind.id).design.max_pairs is None


STAKEHOLDER_COLUMNS = (
    Column("name", "Name"),
    Column("role", "Role"),
    Column("influence", "Influence"),
    Column("in_room", "In the room"),
    Column("last_contact", "Last contact"),
    Column("views", "Views"),
)


@pytest.mark.parametrize(
    "collection, columns",
    [
        ("stakeholders", STAKEHOLDER_COLUMNS),
        ("costs", (Column("item", "Item"), Column("kind", "Kind"), Column("amount", "Amount"))),
        ("participants", (Column("name", "Name"), Column("skills", "Skills", kind="list"))),
        (
            "pairs",
            (Column("mentor", "Mentor"), Column("mentee", "Mentee"), Column("status", "Status")),
        ),
        ("metrics", (Column("name", "Name"), Column("due", "Due"))),
    ],
)
def test_table_models_pass_the_model_tester(qtmodeltester, session, collection, columns):
    model = CollectionTableModel(session, collection, columns)
    assert model.rowCount() == len(session.items(collection)) > 0
    qtmodeltester.check(model)


def test_table_edit_add_remove_undo(qtbot, session, program_file, northwind):
    model = CollectionTableModel(session, "stakeholders", STAKEHOLDER_COLUMNS)
    table = CollectionTable(session, model, "&Stakeholders", detail_fields=[("views", "&Views")])
    qtbot.addWidget(table)
    first = model.item_at(0)
    assert model.setData(model.index(0, 2), 2)
    assert session.item("stakeholders", first.id).influence == 2
    index = model.index(0, 3)
    model.setData(index, Qt.CheckState.Checked.value, Qt.ItemDataRole.CheckStateRole)
    assert stored(program_file, northwind.id).stakeholders[0].in_room is True
    rows = model.rowCount()
    new_id = table.add()
    assert model.rowCount() == rows + 1
    assert session.item("stakeholders", new_id).name == "New stakeholder"
    assert table.current_item_id() == new_id
    table.remove_selected()
    assert model.rowCount() == rows
    session.undo()
    assert model.rowCount() == rows + 1
    assert table.select_item(first.id, "views")
    views = table.detail_binding("views")
    assert views.editor.toPlainText() == (first.views or "")


def test_hostile_strings_are_plain_in_tables_and_fields(qtbot, session):
    model = CollectionTableModel(session, "stakeholders", STAKEHOLDER_COLUMNS)
    ids = [s.id for s in session.items("stakeholders")[:3]]
    for item_id, text in zip(ids, HOSTILE, strict=True):
        assert session.edit_item("stakeholders", item_id, "name", text)
    shown = [model.index(model.row_of(i), 0).data() for i in ids]
    assert shown == HOSTILE
    form = Form(session)
    qtbot.addWidget(form)
    binding = form.add_program_field("name", "&Name")
    session.edit_field("name", "<b>bold</b> &amp;")
    assert binding.editor.text() == "<b>bold</b> &amp;"
    assert binding.label.textFormat() == Qt.TextFormat.PlainText


def test_findings_panel_navigates(qtbot, session, settle):
    session.edit_field("design.leaders_enrolled_on", None)
    panel = FindingsPanel(session, m.Step.BUSINESS_CASE)
    qtbot.addWidget(panel)
    session.remove_item("costs", session.items("costs")[0].id)
    while session.items("costs"):
        session.remove_item("costs", session.items("costs")[0].id)
    settle(session)
    rules = [panel.model.finding(i).rule for i in range(panel.model.rowCount())]
    assert "cost-missing" in rules
    row = rules.index("cost-missing")
    assert panel.model.index(row).data().startswith("Error: ")
    with qtbot.waitSignal(panel.navigate) as blocker:
        panel.view.clicked.emit(panel.model.index(row))
    assert blocker.args[0].collection == "costs"
    session.add_item("costs", m.Cost("Training", "internal", 100))
    settle(session)
    rules = [panel.model.finding(i).rule for i in range(panel.model.rowCount())]
    assert "cost-missing" not in rules


def test_row_id_role(session):
    model = CollectionTableModel(session, "costs", (Column("item", "Item"),))
    assert model.index(0, 0).data(ROW_ID_ROLE) == session.items("costs")[0].id


def test_cells_are_edited_with_the_right_editors(
    qtbot, session, program_file, northwind, monkeypatch
):
    from PySide6.QtWidgets import QComboBox

    from mentor_desk.ui.forms import NullableDateEdit

    model = CollectionTableModel(session, "stakeholders", STAKEHOLDER_COLUMNS)
    table = CollectionTable(session, model, "&Stakeholders")
    qtbot.addWidget(table)
    table.show()
    view = table.view
    first = model.item_at(0)

    view.edit(model.index(0, model.column_of("role")))
    combo = view.findChild(QComboBox)
    assert [combo.itemText(i) for i in range(combo.count())] == list(m.STAKEHOLDER_ROLES)
    combo.setCurrentIndex(combo.findText("adviser"))
    combo.activated.emit(combo.currentIndex())
    assert session.item("stakeholders", first.id).role == "adviser"

    view.edit(model.index(0, model.column_of("last_contact")))
    date_edit = view.findChild(NullableDateEdit)
    date_edit.set_value(dt.date(2027, 2, 14))
    view.commitData(date_edit)
    view.itemDelegate().closeEditor.emit(date_edit)
    assert stored(program_file, northwind.id).stakeholders[0].last_contact == dt.date(2027, 2, 14)

    view.edit(model.index(0, model.column_of("name")))
    line = view.findChild(QLineEdit)
    line.setText("x" * 40_000)  # over the limit and over QLineEdit's default: refused
    errors = []
    monkeypatch.setattr(dialogs, "show_error", lambda parent, message, *a: errors.append(message))
    view.commitData(line)
    view.itemDelegate().closeEditor.emit(line)
    qtbot.waitUntil(lambda: bool(errors))
    assert "at most 200" in errors[0]
    assert session.item("stakeholders", first.id).name == first.name


def test_insert_and_delete_keys_add_and_remove_rows(qtbot, session):
    model = CollectionTableModel(session, "costs", (Column("item", "Item"), Column("kind", "Kind")))
    table = CollectionTable(session, model, "&Costs")
    qtbot.addWidget(table)
    table.show()
    table.activateWindow()
    qtbot.waitActive(table)
    rows = model.rowCount()
    table.view.setFocus()
    qtbot.waitUntil(table.view.hasFocus)
    QTest.keyClick(table.view, Qt.Key.Key_Insert)
    assert model.rowCount() == rows + 1
    # the new row's first cell is being edited: leave the editor, then delete the row
    QTest.keyClick(table.view.focusWidget(), Qt.Key.Key_Escape)
    table.view.setFocus()
    QTest.keyClick(table.view, Qt.Key.Key_Delete)
    assert model.rowCount() == rows
    session.undo()
    assert model.rowCount() == rows + 1


def test_crash_handler_shows_the_details(monkeypatch, qapp):
    import sys

    from mentor_desk import app

    shown = []
    monkeypatch.setattr(dialogs, "show_crash", lambda parent, details: shown.append(details))
    monkeypatch.setattr(sys, "excepthook", sys.excepthook)
    app._install_crash_handler()
    try:
        raise ValueError("a bug")
    except ValueError:
        sys.excepthook(*sys.exc_info())
    assert "ValueError: a bug" in shown[0] and "Traceback" in shown[0]


def test_signals_and_models_do_not_exhaust_singletons(qapp):
    """PySide6 6.12 on Python 3.11 drops a reference to True per emit() and to None per
    data() answered None; ``mentor_desk.ui`` makes them immortal so a long session lives."""
    import sys

    from PySide6.QtCore import QAbstractListModel, QModelIndex, QObject, Signal

    import mentor_desk.ui  # noqa: F401 - the guard runs on import

    class Emitter(QObject):
        fired = Signal(object)

    class Empty(QAbstractListModel):
        def rowCount(self, parent=QModelIndex()):  # noqa: B008
            return 1

        def data(self, index, role=Qt.ItemDataRole.DisplayRole):
            return None

    emitter = Emitter()
    emitter.fired.connect(lambda *_: None)
    model = Empty()
    index = model.index(0, 0)
    for _ in range(200_000):  # enough to reach zero without the guard (on Python 3.11)
        emitter.fired.emit(None)
        index.data(Qt.ItemDataRole.ToolTipRole)
    assert sys.getrefcount(True) > 1_000 and sys.getrefcount(None) > 1_000


def test_sorting_keeps_items_and_selection(qtbot, qtmodeltester, session, program_file):
    model = CollectionTableModel(
        session, "costs", (Column("item", "Item"), Column("amount", "Amount"))
    )
    table = CollectionTable(session, model, "&Costs")
    qtbot.addWidget(table)
    stored_order = [c.id for c in session.items("costs")]
    biggest = max(session.items("costs"), key=lambda c: c.amount)
    table.select_item(biggest.id)
    table.view.sortByColumn(1, Qt.SortOrder.DescendingOrder)
    assert model.item_at(0).id == biggest.id
    amounts = [model.item_at(r).amount for r in range(model.rowCount())]
    assert amounts == sorted(amounts, reverse=True)  # numbers sort as numbers
    assert table.current_item_id() == biggest.id
    qtmodeltester.check(model)
    # an edit that changes the order keeps the sort; a new row lands in its place
    session.edit_item("costs", biggest.id, "amount", 1)
    assert model.item_at(model.rowCount() - 1).id == biggest.id
    new_id = session.add_item("costs", m.Cost("Huge", "external", 10**7))
    assert model.item_at(0).id == new_id
    table.view.sortByColumn(-1, Qt.SortOrder.AscendingOrder)
    assert [model.item_at(r).id for r in range(model.rowCount())] == [*stored_order, new_id]


def test_every_dialog_function_is_listed_for_tests_to_replace():
    source = ast.parse(Path(dialogs.__file__).read_text("utf-8"))
    public = {
        node.name
        for node in source.body
        if isinstance(node, ast.FunctionDef) and not node.name.startswith("_")
    }
    assert public - {"sentence"} == set(dialogs.MODAL_FUNCTIONS)
