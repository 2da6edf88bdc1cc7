"""The Launch page as a user meets it: tabs of participants, pairs, 360 goals, measurements..."""

from __future__ import annotations

import datetime as dt

import pytest
import shiboken6
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QTableView,
    QWidget,
)

from mentor_desk import app, services
from mentor_desk.domain import analysis
from mentor_desk.domain import model as m
from mentor_desk.domain.findings import Target
from mentor_desk.ui import dialogs
from mentor_desk.ui.csv_import_dialog import CsvImportDialog
from mentor_desk.ui.forms import NullableDateEdit
from mentor_desk.ui.matching_view import MatchingView
from mentor_desk.ui.pages.launch import LaunchPage, split_skills, survey_due_text

HOSTILE = ["<b>bold</b>", "<img src=x>", "&amp;"]
NON_ASCII = "Zoë Ἀθηνᾶ Жанна 王芳 زينب"
TODAY = dt.date(2027, 7, 15)


pytestmark = pytest.mark.usefixtures("no_unexpected_dialogs")


def type_text(widget: QWidget, text: str) -> None:
    """Type any text, non-ASCII included (keyClicks aborts on non-ASCII)."""
    for ch in text:
        QTest.sendKeyEvent(
            QTest.KeyAction.Click, widget, Qt.Key.Key_unknown, ch, Qt.KeyboardModifier.NoModifier
        )


def find(parent: QWidget, name: str, kind: type = QWidget) -> QWidget:
    """The one widget of ``kind`` under ``parent`` whose accessible name is ``name``."""
    found = [w for w in parent.findChildren(kind) if w.accessibleName() == name]
    assert len(found) == 1, f"{len(found)} widgets named {name!r}"
    return found[0]


@pytest.fixture
def open_window(qtbot):
    windows = []

    def opener(path, today=TODAY):
        window = app.create_window(path)
        qtbot.addWidget(window)
        window.show()
        window.session.today = lambda: today
        window.session.reload()
        windows.append(window)
        return window

    yield opener
    for window in windows:
        window.close()


@pytest.fixture
def window(db_path, open_window):
    with services.open_file(db_path) as pf:
        services.load_demo(pf)
    window = open_window(db_path)
    window.show_step(m.Step.LAUNCH)
    return window


def page_of(window) -> LaunchPage:
    page = window.pages[m.Step.LAUNCH]
    assert isinstance(page, LaunchPage)
    page.refresh()  # the session's fixed "today" is taken
    return page


def stored(db_path) -> m.Program:
    with services.open_file(db_path, readonly=True) as pf:
        return services.load_program(pf, services.list_programs(pf)[0].id)


def rules_of(page) -> list[str]:
    model = page.findings_panel.model
    return [model.finding(i).rule for i in range(model.rowCount())]


def edit_cell(qtbot, table, row: int, field: str, text: str) -> None:
    """Open the cell's line editor, type ``text`` over it and press Return."""
    model = table.model
    table.view.edit(model.index(row, model.column_of(field)))
    editor = next(e for e in table.view.findChildren(QLineEdit) if e.isVisible())
    editor.selectAll()
    editor.del_()
    type_text(editor, text)
    QTest.keyClick(editor, Qt.Key.Key_Return)  # the view commits on its next turn
    # closed: hidden, or already deleted (the model may reset before the next check)
    qtbot.waitUntil(lambda: not shiboken6.isValid(editor) or not editor.isVisible())


def test_tabs_have_mnemonics_and_counts(window):
    page = page_of(window)
    program = window.session.program
    texts = [page.tabs.tabText(i) for i in range(page.tabs.count())]
    assert [t.split(" (")[0].replace("&", "") for t in texts] == [
        "Participants",
        "Pairs",
        "Development goals",
        "Measurements",
        "Surveys",
        "Ideas",
        "Journal",
    ]
    letters = [t[t.index("&") + 1].lower() for t in texts]
    assert len(set(letters)) == len(letters) == 7
    assert f"({len(program.participants)})" in texts[0]
    assert f"({len(program.pairs)})" in texts[1]
    for name in (
        "Participants",
        "Pairs",
        "Development goals",
        "Evaluations of the selected goal",
        "Measurements",
        "Surveys",
        "Ideas",
        "Journal entries",
    ):
        find(page, name, QTableView)
    for name, kind in (
        ("Practices", QPlainTextEdit),
        ("Behaviours", QPlainTextEdit),
        ("Business result", QPlainTextEdit),
        ("Behaviour change", QPlainTextEdit),
        ("Comments", QPlainTextEdit),
        ("Entry", QPlainTextEdit),
    ):
        editor = find(page, name, kind)
        labels = [lab for lab in page.findChildren(QLabel) if lab.buddy() is editor]
        assert [lab.text().replace("&", "") for lab in labels] == [name]

    count = len(program.participants)
    page.participants.add_button.click()  # adds a row and counts it
    assert f"({count + 1})" in page.tabs.tabText(0)


def test_skills_typed_with_semicolons_are_stored_and_shown_after_reopening(
    window, db_path, open_window, qtbot
):
    page = page_of(window)
    table = page.participants
    row = table.model.row_of(window.session.items("participants")[0].id)
    edit_cell(qtbot, table, row, "skills", "SQL;  Führung, Planung ; 王芳;;SQL")
    first = stored(db_path).participants[0]
    assert first.skills == ["SQL", "Führung, Planung", "王芳"]  # a comma stays inside a skill
    assert table.model.index(row, table.model.column_of("skills")).data() == (
        "SQL; Führung, Planung; 王芳"
    )
    edit_cell(qtbot, table, row, "name", NON_ASCII)
    window.close()
    assert stored(db_path).participants[0].name == NON_ASCII

    again = page_of(open_window(db_path))
    model = again.participants.model
    row = model.row_of(stored(db_path).participants[0].id)
    assert model.index(row, model.column_of("name")).data() == NON_ASCII
    assert model.index(row, model.column_of("skills")).data(Qt.ItemDataRole.EditRole) == (
        "SQL; Führung, Planung; 王芳"
    )


def test_split_skills():
    assert split_skills(" a ; b;; a ;") == ["a", "b"]
    assert split_skills("") == []


def test_participant_edit_undo_and_redo(window, db_path, qtbot):
    page = page_of(window)
    table = page.participants
    person = window.session.items("participants")[1]
    row = table.model.row_of(person.id)
    edit_cell(qtbot, table, row, "department", "Finance")
    assert stored(db_path).participants[1].department == "Finance"
    window.undo_action.trigger()
    assert stored(db_path).participants[1].department == person.department
    assert table.model.index(row, table.model.column_of("department")).data() == (person.department)
    window.redo_action.trigger()
    assert stored(db_path).participants[1].department == "Finance"

    checkbox = table.model.index(row, table.model.column_of("high_performer"))
    table.model.setData(checkbox, Qt.CheckState.Checked.value, Qt.ItemDataRole.CheckStateRole)
    assert stored(db_path).participants[1].high_performer is True


def test_meeting_a_stalled_pair_clears_its_finding(db_path, open_window, settle):
    with services.open_file(db_path) as pf:
        services.load_demo(pf)
    window = open_window(db_path, today=dt.date(2027, 10, 1))  # 103 days after 20 June
    page = page_of(window)
    model = page.pairs.model
    health = model.column_of("health")
    stalled = rules_of(page).count("pair-stalled")
    assert stalled == len(window.session.items("pairs")) > 0
    assert model.index(0, health).data() == "stalled"
    assert not model.flags(model.index(0, health)) & Qt.ItemFlag.ItemIsEditable
    assert "stalled" in find(page, "Pair health", QLabel).text()

    page.pairs.view.edit(model.index(0, model.column_of("last_met_on")))
    date_edit = page.pairs.view.findChild(NullableDateEdit)
    date_edit.set_value(dt.date(2027, 9, 20))
    page.pairs.view.commitData(date_edit)
    page.pairs.view.itemDelegate().closeEditor.emit(date_edit)

    pair_id = model.item_at(0).id
    met = next(p.last_met_on for p in stored(db_path).pairs if p.id == pair_id)
    assert met == dt.date(2027, 9, 20)
    assert model.index(0, health).data() == "active"
    settle(window.session)
    assert rules_of(page).count("pair-stalled") == stalled - 1


def test_pair_people_are_chosen_from_the_participants(window, db_path):
    page = page_of(window)
    model = page.pairs.model
    view = page.pairs.view
    view.edit(model.index(0, model.column_of("mentor")))
    combo = view.findChild(QComboBox)
    names = [p.name for p in window.session.items("participants")]
    assert [combo.itemText(i) for i in range(combo.count())] == names
    combo.setCurrentIndex(combo.findText("Priya Raman"))
    combo.activated.emit(combo.currentIndex())
    pair_id = model.item_at(0).id
    assert next(p.mentor for p in stored(db_path).pairs if p.id == pair_id) == "Priya Raman"


def test_adding_a_pair_proposes_an_unpaired_mentee(window, db_path):
    page = page_of(window)
    session = window.session
    session.add_item("participants", m.Participant(name="Wen Li", role="mentee"))
    count = len(session.items("pairs"))
    page.pairs.add_button.click()
    pairs = stored(db_path).pairs
    assert len(pairs) == count + 1
    assert (pairs[-1].mentee, pairs[-1].status) == ("Wen Li", "proposed")
    assert pairs[-1].mentor in {p.name for p in session.items("participants") if p.role == "mentor"}


def test_selected_goal_shows_its_evaluations_and_adds_to_them(window, db_path, qtbot):
    page = page_of(window)
    session = window.session
    goal = session.items("development_goals")[0]
    evaluations = len(goal.evaluations)  # the goal object follows the edits below
    assert page.goals.current_item_id() == goal.id
    assert page.evaluation_model.rowCount() == evaluations > 0
    change = find(page, "Behaviour change", QPlainTextEdit)
    assert change.toPlainText() == goal.evaluations[0].behavior_change

    page.evaluations.add_button.click()
    goal_after = stored(db_path).development_goals[0]
    assert len(goal_after.evaluations) == evaluations + 1
    new = goal_after.evaluations[-1]
    assert (new.date, new.by) == (TODAY, "mentor")
    model = page.evaluation_model
    row = model.row_of(new.id)
    model.setData(model.index(row, model.column_of("rating")), 5)
    assert stored(db_path).development_goals[0].evaluations[-1].rating == 5

    # a second goal has none of them
    page.goals.add_button.click()
    qtbot.waitUntil(lambda: page.goals.current_item_id() != goal.id)
    QTest.keyClick(page.goals.view.focusWidget(), Qt.Key.Key_Escape)
    assert page.evaluation_model.rowCount() == 0
    page.goals.select_item(goal.id)
    assert page.evaluation_model.rowCount() == evaluations + 1


def test_a_finding_about_an_evaluation_opens_the_goals_tab(window):
    page = page_of(window)
    goal = window.session.items("development_goals")[0]
    evaluation = goal.evaluations[0]
    page.tabs.setCurrentIndex(0)
    assert page.focus_target(Target("evaluations", evaluation.id, "business_result"))
    assert page.tabs.currentWidget() is page.tab_pages["goals"]
    assert page.evaluations.current_item_id() == evaluation.id
    assert window.focusWidget() is find(page, "Business result", QPlainTextEdit)

    idea = window.session.items("ideas")[0]
    assert page.focus_target(Target("ideas", idea.id, "cascaded_on"))
    assert page.tabs.currentWidget() is page.tab_pages["ideas"]
    assert page.ideas.current_item_id() == idea.id
    assert not page.focus_target(Target("roles", None, "profile"))  # on the Design page


def test_cascading_an_idea_clears_its_finding(window, db_path, settle):
    page = page_of(window)
    assert "idea-not-cascaded" in rules_of(page)
    model = page.ideas.model
    model.setData(model.index(0, model.column_of("cascaded_on")), dt.date(2027, 5, 20))
    assert stored(db_path).ideas[0].cascaded_on == dt.date(2027, 5, 20)
    settle(window.session)
    assert "idea-not-cascaded" not in rules_of(page)


def test_measurement_metric_is_chosen_from_the_goal_metrics(window, db_path):
    page = page_of(window)
    program = window.session.program
    page.tabs.setCurrentWidget(page.tab_pages["measurements"])
    count = len(program.measurements)
    page.measurements.add_button.click()
    assert len(stored(db_path).measurements) == count + 1
    assert len(program.measurements) == count + 1  # the loaded program has it too
    view = page.measurements.view  # the new row's metric is being chosen
    combo = next(c for c in view.findChildren(QComboBox) if c.isVisible())
    assert [combo.itemText(i) for i in range(combo.count())] == [x.name for x in program.metrics]


def test_next_survey_due_follows_the_surveys(window, db_path):
    page = page_of(window)
    session = window.session
    label = find(page, "Next survey due", QLabel)
    due = analysis.next_survey_due(session.program, TODAY)
    assert label.text() == survey_due_text(session.program, TODAY)
    assert label.text().startswith("Next survey due: ") and due is not None

    page.surveys.add_button.click()  # a survey today
    assert stored(db_path).surveys[-1].date == TODAY
    assert analysis.next_survey_due(session.program, TODAY) == TODAY + dt.timedelta(days=183)
    assert label.text() == survey_due_text(session.program, TODAY)
    model = page.surveys.model
    row = model.row_of(session.items("surveys")[-1].id)
    assert model.setData(model.index(row, model.column_of("nps")), -40)
    assert stored(db_path).surveys[-1].nps == -40

    session.edit_field("design.launch_on", None)
    for survey in list(session.items("surveys")):
        session.remove_item("surveys", survey.id)
    assert "set the launch date" in label.text()


def test_journal_entry_text_is_typed_below_the_table(window, db_path):
    page = page_of(window)
    page.tabs.setCurrentWidget(page.tab_pages["journal"])
    page.journal.add_button.click()
    entry = find(page, "Entry", QPlainTextEdit)
    entry.setFocus()
    entry.selectAll()
    entry.textCursor().removeSelectedText()
    type_text(entry, "Kick-off went well; " + NON_ASCII)
    entry.clearFocus()
    assert stored(db_path).journal[-1].text == "Kick-off went well; " + NON_ASCII
    assert stored(db_path).journal[-1].date == TODAY


def test_import_button_runs_the_window_csv_import(window, monkeypatch):
    page = page_of(window)
    shown = []

    def user(dialog):
        shown.append(dialog)
        return QDialog.DialogCode.Rejected

    monkeypatch.setattr(dialogs, "exec_dialog", user)
    find(page, "Import participants (CSV)…").click()
    assert len(shown) == 1 and isinstance(shown[0], CsvImportDialog)


def test_propose_button_opens_the_matching_view_and_reloads(window, monkeypatch):
    page = page_of(window)
    session = window.session
    session.add_item("participants", m.Participant(name="Wen Li", role="mentee"))
    pairs = len(session.items("pairs"))

    def user(dialog):
        view = dialog.findChild(MatchingView)
        assert view is not None
        assert view.proposals.rowCount() > 0
        view.proposals.set_all_checked(True)
        view.accept_checked()
        return QDialog.DialogCode.Rejected  # closed

    monkeypatch.setattr(dialogs, "exec_dialog", user)
    find(page, "Propose pairs…").click()
    assert len(session.items("pairs")) > pairs
    assert page.pairs.model.rowCount() == len(session.items("pairs"))
    assert f"({len(session.items('pairs'))})" in page.tabs.tabText(1)


def test_hostile_text_is_shown_literally(window):
    page = page_of(window)
    session = window.session
    person = session.items("participants")[0]
    for text in HOSTILE:
        session.edit_item("participants", person.id, "name", text)
        session.edit_item("participants", person.id, "skills", [text])
        session.edit_item("journal", session.items("journal")[0].id, "text", text)
        model = page.participants.model
        row = model.row_of(person.id)
        assert model.index(row, model.column_of("name")).data() == text
        assert model.index(row, model.column_of("skills")).data() == text
        page.journal.select_item(session.items("journal")[0].id, focus=False)
        assert find(page, "Entry", QPlainTextEdit).toPlainText() == text
    for label in page.findChildren(QLabel):
        assert label.textFormat() == Qt.TextFormat.PlainText, label.text()


@pytest.mark.parametrize(
    "name",
    [
        "participants",
        "pairs",
        "goals",
        "evaluations",
        "measurements",
        "surveys",
        "ideas",
        "journal",
    ],
)
def test_table_models_pass_the_model_tester(window, qtmodeltester, name):
    page = page_of(window)
    model = getattr(page, name).model
    assert model.rowCount() > 0
    qtmodeltester.check(model)


def test_two_thousand_participants_read_from_the_loaded_program(
    db_path, northwind_doc, open_window
):
    people = northwind_doc["program"]["participants"]
    for i in range(2000 - len(people)):
        people.append(
            {
                "name": f"Person {i:04d}",
                "role": "mentor" if i % 3 == 0 else "mentee",
                "department": f"Dept {i % 17}",
                "skills": ["planning", f"skill {i % 50}"],
            }
        )
    with services.open_file(db_path) as pf:
        services.import_document(pf, document=northwind_doc, source="test")
    window = open_window(db_path)
    window.show_step(m.Step.LAUNCH)
    page = page_of(window)
    model = page.participants.model
    assert model.rowCount() == 2000
    assert "(2,000)" in page.tabs.tabText(0)

    statements = []
    window.session.pf.db.conn.set_trace_callback(statements.append)
    try:
        for row in range(model.rowCount()):
            for column in range(model.columnCount()):
                index = model.index(row, column)
                index.data()
                index.data(Qt.ItemDataRole.EditRole)
        page.participants.view.sortByColumn(model.column_of("name"), Qt.SortOrder.DescendingOrder)
    finally:
        window.session.pf.db.conn.set_trace_callback(None)
    assert statements == []  # every cell comes from the loaded Program
    names = [p["name"] for p in people]
    expected = sorted(names, key=str.casefold, reverse=True)[:5]
    assert [model.index(row, model.column_of("name")).data() for row in range(5)] == expected
