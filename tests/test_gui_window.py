"""The main window as a user meets it: wizard, typing, reopening, undo, findings, programs."""

from __future__ import annotations

import datetime as dt

import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import (
    QDialog,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QWidget,
    QWizard,
)

from mentor_desk import app, services
from mentor_desk.domain import model as m
from mentor_desk.ui import dialogs
from mentor_desk.ui.dashboard import StepFindingsModel
from mentor_desk.ui.findings_panel import FindingsModel
from mentor_desk.ui.main_window import NavigatorModel
from mentor_desk.ui.program_list import ProgramListModel

HOSTILE = ["<b>bold</b>", "<img src=x>", "&amp;"]
NON_ASCII = "Zoë Ἀθηνᾶ Жанна 王芳 زينب"


pytestmark = pytest.mark.usefixtures("no_unexpected_dialogs")


def type_text(widget: QWidget, text: str) -> None:
    for ch in text:
        if ch == "\n":
            QTest.keyClick(widget, Qt.Key.Key_Return)
            continue
        QTest.sendKeyEvent(
            QTest.KeyAction.Click, widget, Qt.Key.Key_unknown, ch, Qt.KeyboardModifier.NoModifier
        )


def find(parent: QWidget, name: str, kind: type = QWidget) -> QWidget:
    """The one widget of ``kind`` under ``parent`` whose accessible name is ``name``."""
    found = [w for w in parent.findChildren(kind) if w.accessibleName() == name]
    assert len(found) == 1, f"{len(found)} widgets named {name!r}"
    return found[0]


def replace_text(widget: QWidget, text: str) -> None:
    if isinstance(widget, QLineEdit):
        widget.selectAll()
        widget.del_()
    else:
        widget.selectAll()
        widget.textCursor().removeSelectedText()
    type_text(widget, text)


@pytest.fixture
def open_window(qtbot):
    windows = []

    def opener(path):
        window = app.create_window(path)
        qtbot.addWidget(window)
        window.show()
        windows.append(window)
        return window

    yield opener
    for window in windows:
        window.close()


@pytest.fixture
def demo_window(db_path, open_window):
    with services.open_file(db_path) as pf:
        services.load_demo(pf)
    window = open_window(db_path)
    window.session.today = lambda: dt.date(2027, 3, 1)
    window.session.reload()
    return window


def stored(db_path) -> m.Program:
    with services.open_file(db_path, readonly=True) as pf:
        return services.load_program(pf, services.list_programs(pf)[0].id)


def fill_wizard(monkeypatch, values: dict[str, str], pages: int = 3):
    """Replace exec_dialog with a user who fills the wizard's fields and presses Finish."""
    seen: dict[str, object] = {}

    def user(dialog: QDialog) -> int:
        assert isinstance(dialog, QWizard)
        seen["wizard"] = dialog
        dialog.show()  # what exec() does first
        for _ in range(pages):
            page = dialog.currentPage()
            for name, value in values.items():
                matches = [w for w in page.findChildren(QLineEdit) if w.accessibleName() == name]
                for edit in matches:
                    edit.clear()
                    type_text(edit, value)
            if dialog.currentId() == max(dialog.pageIds()):
                dialog.button(QWizard.WizardButton.FinishButton).click()
                break
            before = dialog.currentId()
            dialog.next()
            if dialog.currentId() == before:  # refused: the page says why
                seen["refused_on"] = before
                seen["message"] = [
                    lb.text() for lb in page.findChildren(QLabel) if lb.isVisibleTo(page)
                ]
                return QDialog.DialogCode.Rejected
        return dialog.result()

    monkeypatch.setattr(dialogs, "exec_dialog", user)
    return seen


def test_first_run_offers_a_program_or_the_demo(db_path, open_window):
    window = open_window(db_path)
    assert window.outer.currentWidget() is window.welcome
    assert "no programs yet" in window.welcome_text.text()
    window.welcome_demo.click()
    assert window.session.program.name == "IT Management Mentoring 2027"
    assert window.outer.currentWidget() is window.work


def test_create_a_program_through_the_wizard(db_path, open_window, monkeypatch):
    window = open_window(db_path)
    fill_wizard(
        monkeypatch,
        {
            "Program name": f"Mentoring {NON_ASCII}",
            "Organization": "Ἀκμή Ltd",
            "Focus": "manufacturing",
            "Name": "Жанна Petrova",
            "Email": "zh@example.org",
        },
    )
    window.welcome_new.click()
    program = stored(db_path)
    assert program.name == f"Mentoring {NON_ASCII}"
    assert program.organization == "Ἀκμή Ltd"
    assert program.focus == "manufacturing"
    assert program.manager.name == "Жанна Petrova"
    assert program.manager.email == "zh@example.org"
    page = window.pages[m.Step.BUSINESS_CASE]
    assert window.pages_stack.currentWidget() is page
    assert find(page, "Program name", QLineEdit).text() == f"Mentoring {NON_ASCII}"


def test_the_wizard_refuses_a_duplicate_name(demo_window, monkeypatch, db_path):
    seen = fill_wizard(
        monkeypatch,
        {"Program name": "IT Management Mentoring 2027", "Organization": "Other"},
    )
    assert demo_window.new_program() is None
    assert seen["refused_on"] == 0
    assert any("already in this file" in text for text in seen["message"])
    with services.open_file(db_path, readonly=True) as pf:
        assert len(services.list_programs(pf)) == 1


def test_typed_values_survive_closing_and_reopening(demo_window, db_path, open_window):
    page = demo_window.pages[m.Step.BUSINESS_CASE]
    focus = find(page, "Focus", QLineEdit)
    replace_text(focus, NON_ASCII)
    summary = find(page, "Summary", QPlainTextEdit)
    replace_text(summary, "Line one\nLine <b>two</b>")
    demo_window.show_step(m.Step.LEADERS)
    # the summary was committed when the step changed; type once more and close at once
    replace_text(focus, f"{NON_ASCII} 2")
    demo_window.close()
    program = stored(db_path)
    assert program.focus == f"{NON_ASCII} 2"
    assert program.business_case.summary == "Line one\nLine <b>two</b>"

    again = open_window(db_path)
    assert again.session.program.name == "IT Management Mentoring 2027"
    assert again.current_step() == m.Step.LEADERS
    page = again.pages[m.Step.BUSINESS_CASE]
    assert find(page, "Focus", QLineEdit).text() == f"{NON_ASCII} 2"
    assert find(page, "Summary", QPlainTextEdit).toPlainText() == "Line one\nLine <b>two</b>"


def test_undo_and_redo_an_edit_from_the_menu(demo_window, db_path):
    page = demo_window.pages[m.Step.BUSINESS_CASE]
    organization = find(page, "Organization", QLineEdit)
    replace_text(organization, "Southwind")
    organization.editingFinished.emit()
    assert stored(db_path).organization == "Southwind"
    assert demo_window.undo_action.isEnabled()
    demo_window.undo_action.trigger()
    assert stored(db_path).organization == "Northwind Components"
    assert organization.text() == "Northwind Components"
    demo_window.redo_action.trigger()
    assert stored(db_path).organization == "Southwind"
    assert organization.text() == "Southwind"


def rules_of(model: FindingsModel) -> list[str]:
    return [model.finding(i).rule for i in range(model.rowCount())]


def test_a_finding_disappears_when_the_field_is_filled(demo_window, db_path, settle):
    page = demo_window.pages[m.Step.BUSINESS_CASE]
    findings = page.findings_panel.model
    assert "goal-incomplete" not in rules_of(findings)
    goal = demo_window.session.items("goals")[0]
    page.goals.select_item(goal.id)
    verification = find(page, "Verification", QPlainTextEdit)
    replace_text(verification, "")
    verification.focusLost.emit()
    assert stored(db_path).business_case.goals[0].metric.verification is None
    settle(demo_window.session)
    assert "goal-incomplete" in rules_of(findings)
    row = rules_of(findings).index("goal-incomplete")
    assert findings.index(row).data().startswith("Error: ")
    nav = demo_window.navigator_model
    assert "error" in nav.index(1).data()
    # the finding takes the user to the field
    page.findings_panel.navigate.emit(findings.finding(row).target)
    replace_text(verification, "Plant controller's monthly report")
    verification.focusLost.emit()
    settle(demo_window.session)
    assert "goal-incomplete" not in rules_of(findings)
    assert nav.index(1).data().endswith("Done")


def test_cost_totals_follow_the_costs_table(demo_window, settle):
    page = demo_window.pages[m.Step.BUSINESS_CASE]
    model = page.costs.model
    before = page.totals.text()
    row = model.row_of(demo_window.session.items("costs")[0].id)
    amount = model.column_of("amount")
    assert model.setData(model.index(row, amount), 123456)
    assert page.totals.text() != before
    assert "Total:" in page.totals.text() and "ROI:" in page.totals.text()
    while demo_window.session.items("costs"):
        demo_window.session.remove_item("costs", demo_window.session.items("costs")[0].id)
    settle(demo_window.session)
    assert "cost-missing" in rules_of(page.findings_panel.model)
    demo_window.session.undo()
    settle(demo_window.session)
    assert "cost-missing" not in rules_of(page.findings_panel.model)


def test_a_goal_without_a_metric_gets_one(demo_window, db_path):
    page = demo_window.pages[m.Step.BUSINESS_CASE]
    page.goals.add()
    goal_id = page.goals.current_item_id()
    assert demo_window.session.item("goals", goal_id).metric is None
    assert page.add_metric_button.isVisibleTo(page)
    page.add_metric_button.click()
    goal = demo_window.session.item("goals", goal_id)
    assert goal.metric is not None and goal.metric.name == "New metric"
    unit = find(page, "Unit", QLineEdit)
    type_text(unit, "%")
    unit.editingFinished.emit()
    assert {g.id: g for g in stored(db_path).business_case.goals}[goal_id].metric.unit == "%"


def test_hostile_strings_are_shown_literally(demo_window, db_path, settle):
    session = demo_window.session
    session.edit_field("name", HOSTILE[0])
    session.edit_field("organization", HOSTILE[1])
    goal = session.items("goals")[0]
    session.edit_item("goals", goal.id, "objective", HOSTILE[2])
    session.edit_item("goals", goal.id, "performance_change", None)
    listed = demo_window.program_list.model.index(0).data()
    assert listed == f"{HOSTILE[0]}\n{HOSTILE[1]}"
    assert demo_window.windowTitle().startswith(HOSTILE[0])
    page = demo_window.pages[m.Step.BUSINESS_CASE]
    goals = page.goals.model
    assert goals.index(goals.row_of(goal.id), 0).data() == HOSTILE[2]
    assert find(page, "Program name", QLineEdit).text() == HOSTILE[0]
    settle(session)
    demo_window.show_step(None)  # the dashboard is built and drawn when first shown
    shown = [lb for lb in demo_window.findChildren(QLabel) if any(h in lb.text() for h in HOSTILE)]
    assert shown, "the program's name should appear in a label (the dashboard)"
    for label in shown:
        assert label.textFormat() == Qt.TextFormat.PlainText, label.text()
    messages = rules_of(page.findings_panel.model)
    assert "goal-incomplete" in messages


def test_window_models_pass_the_model_tester(demo_window, qtmodeltester):
    session = demo_window.session
    qtmodeltester.check(ProgramListModel(session))
    qtmodeltester.check(NavigatorModel(session))
    qtmodeltester.check(StepFindingsModel(session))
    qtmodeltester.check(FindingsModel(session, None))
    page = demo_window.pages[m.Step.BUSINESS_CASE]
    for table in (page.goals, page.costs, page.target_groups):
        table.view.sortByColumn(0, Qt.SortOrder.DescendingOrder)
        qtmodeltester.check(table.model)


def test_delete_a_program_and_undo(demo_window, db_path, monkeypatch):
    asked = []
    monkeypatch.setattr(
        dialogs, "ask_yes_no", lambda parent, question, *a, **k: asked.append(question) or True
    )
    assert demo_window.program_list.delete()
    assert "IT Management Mentoring 2027" in asked[0]
    with services.open_file(db_path, readonly=True) as pf:
        assert services.list_programs(pf) == []
    assert demo_window.outer.currentWidget() is demo_window.welcome
    assert demo_window.undo_note.isVisibleTo(demo_window)
    demo_window.undo_note.click()
    assert stored(db_path).name == "IT Management Mentoring 2027"
    assert len(stored(db_path).participants) > 0
    assert demo_window.session.program.name == "IT Management Mentoring 2027"
    assert demo_window.program_list.model.rowCount() == 1


def test_rename_duplicate_and_search(demo_window, db_path, monkeypatch):
    answers = iter(["Acme mentoring", "IT Management Mentoring 2027"])
    monkeypatch.setattr(dialogs, "ask_text", lambda *a, **k: next(answers))
    errors = []
    monkeypatch.setattr(dialogs, "show_error", lambda parent, message, *a: errors.append(message))
    demo_window.program_list.duplicate()
    assert demo_window.session.program.name == "Acme mentoring"
    demo_window.program_list.rename()  # the same name again: refused, said why
    assert errors and "already exists" in errors[0]
    demo_window.find_action.trigger()
    type_text(demo_window.program_list.search, "northwind")
    assert demo_window.program_list.model.rowCount() == 2  # both are Northwind's
    demo_window.program_list.search.clear()
    type_text(demo_window.program_list.search, "acme")
    assert demo_window.program_list.model.rowCount() == 1


def test_steps_back_next_and_remembered(demo_window, db_path, open_window):
    demo_window.show_step(m.Step.BUSINESS_CASE)
    demo_window.next_button.click()
    assert demo_window.current_step() == m.Step.BUY_IN
    demo_window.next_button.click()
    demo_window.back_button.click()
    assert demo_window.current_step() == m.Step.BUY_IN
    with services.open_file(db_path, readonly=True) as pf:
        pid = services.list_programs(pf)[0].id
        assert services.current_step(pf, program_id=pid) == m.Step.BUY_IN
    demo_window.show_step(None)
    assert demo_window.pages_stack.currentWidget() is demo_window.dashboard


def test_a_file_that_cannot_be_opened_is_explained(tmp_path, monkeypatch, qapp):
    bad = tmp_path / "not-ours.db"
    bad.write_bytes(b"this is not a database at all, just text" * 10)
    asked = []
    monkeypatch.setattr(
        dialogs, "ask_choice", lambda parent, question, choices, title="": asked.append(question)
    )
    assert app.run_gui(str(bad)) == 2
    assert str(bad) in asked[0] and "not a Mentor Desk file" in asked[0]
    assert bad.read_bytes().startswith(b"this is not")


def test_export_and_import_a_program_document(demo_window, tmp_path, monkeypatch):
    target = tmp_path / "out.json"
    monkeypatch.setattr(dialogs, "save_file_name", lambda *a, **k: str(target))
    demo_window.export_action.trigger()
    assert '"IT Management Mentoring 2027"' in target.read_text("utf-8")
    # importing it again: the name is taken, so the user is asked for another
    monkeypatch.setattr(dialogs, "open_file_name", lambda *a, **k: str(target))
    monkeypatch.setattr(dialogs, "ask_text", lambda *a, **k: "Copy for Contoso")
    demo_window.import_action.trigger()
    assert demo_window.session.program.name == "Copy for Contoso"
    assert demo_window.program_list.model.rowCount() == 2
    demo_window.undo_action.trigger()  # undoing the import removes it again
    assert demo_window.program_list.model.rowCount() == 1


def test_csv_import_and_matching_reload_the_program(demo_window, monkeypatch):
    from mentor_desk.ui.csv_import_dialog import CsvImportDialog
    from mentor_desk.ui.matching_view import MatchingView

    session = demo_window.session
    count = len(session.items("participants"))

    def user(dialog):
        assert isinstance(dialog, CsvImportDialog)
        assert dialog.program_id == session.program_id
        services.add_item(  # what the dialog's import does, through services
            session.pf,
            program_id=session.program_id,
            collection="participants",
            item=m.Participant("Nadia Haddad", "mentee"),
        )
        return QDialog.DialogCode.Accepted

    monkeypatch.setattr(dialogs, "exec_dialog", user)
    demo_window.csv_action.trigger()
    assert len(session.items("participants")) == count + 1

    def matcher(dialog):
        views = dialog.findChildren(MatchingView)
        assert len(views) == 1 and views[0].program_id == session.program_id
        views[0].changed.emit()
        return QDialog.DialogCode.Rejected

    monkeypatch.setattr(dialogs, "exec_dialog", matcher)
    demo_window.match_action.trigger()


def test_tab_order_follows_the_page(demo_window):
    page = demo_window.pages[m.Step.BUSINESS_CASE]
    page.goals.select_item(demo_window.session.items("goals")[0].id)
    start = find(page, "Program name", QLineEdit)
    order = []
    widget = start
    for _ in range(1000):
        tabbable = widget.focusPolicy() & Qt.FocusPolicy.TabFocus and widget.isVisibleTo(page)
        if tabbable and widget.accessibleName():
            order.append(widget.accessibleName())
        widget = widget.nextInFocusChain()
        if widget is start:
            break
    expected = [
        "Program name",
        "Organization",
        "Organization size",
        "Focus",
        "Currency",
        "Program manager",
        "Manager's title",
        "Manager's email",
        "Summary",
        "Goals",
    ]
    assert order[: len(expected)] == expected, order
    assert order.index("Objective") < order.index("Metric name") < order.index("Costs")
    assert order.index("Costs") < order.index("Target groups")
    # every input is named by its label, which has a mnemonic and points at it
    for label in page.findChildren(QLabel):
        buddy = label.buddy()
        if buddy is not None:
            assert buddy.accessibleName() == label.text().replace("&", "")


def test_the_document_menu_entries_write_pdfs(demo_window, tmp_path, monkeypatch):
    from mentor_desk.ui import export

    for action, kind in (
        (demo_window.pitch_action, "pitch"),
        (demo_window.map_action, "stakeholders"),
        (demo_window.report_action, "report"),
    ):
        target = tmp_path / f"{kind}.pdf"
        monkeypatch.setattr(export, "ask_save_path", lambda *a, t=target: str(t))
        monkeypatch.setattr(export, "ask_open", lambda *a: None)
        action.trigger()
        assert target.read_bytes().startswith(b"%PDF"), kind


def test_pitch_packet_for_one_stakeholder(demo_window, tmp_path, monkeypatch):
    from pypdf import PdfReader

    from mentor_desk.ui import export

    boss = next(s for s in demo_window.session.items("stakeholders") if s.role == "boss")
    offered = []
    monkeypatch.setattr(
        dialogs,
        "ask_item",
        lambda parent, prompt, items, title="": offered.extend(items) or boss.name,
    )
    target = tmp_path / "for-boss.pdf"
    monkeypatch.setattr(export, "ask_save_path", lambda *a: str(target))
    monkeypatch.setattr(export, "ask_open", lambda *a: None)
    demo_window.pitch_for_action.trigger()
    assert boss.name in offered
    text = "".join(page.extract_text() for page in PdfReader(target).pages)
    assert boss.name in text


def test_window_size_and_last_program_are_restored(db_path, open_window):
    with services.open_file(db_path) as pf:
        services.load_demo(pf)
        other = services.duplicate_program(pf, program_id=1, name="Second client")
    window = open_window(db_path)
    window.resize(760, 560)  # within the offscreen screen (800 x 600)
    window.open_program(other)
    window.close()
    again = open_window(db_path)
    assert again.session.program_id == other
    assert (again.width(), again.height()) == (760, 560)


def test_open_another_database(demo_window, db_path, tmp_path, monkeypatch):
    other = tmp_path / "other.db"
    with services.open_file(other) as pf:
        services.add_program(
            pf, program=m.Program("Fabrikam pilot", "Fabrikam", "large", manager=m.Person("Ann"))
        )
    bad = tmp_path / "bad.db"
    bad.write_text("not a database")
    errors = []
    monkeypatch.setattr(dialogs, "show_error", lambda parent, message, *a: errors.append(message))
    monkeypatch.setattr(dialogs, "open_file_name", lambda *a, **k: str(bad))
    demo_window.open_action.trigger()
    assert errors and str(bad) in errors[0]
    assert demo_window.session.program.name == "IT Management Mentoring 2027"  # still there
    monkeypatch.setattr(dialogs, "open_file_name", lambda *a, **k: str(other))
    demo_window.open_action.trigger()
    assert demo_window.session.program.name == "Fabrikam pilot"
    assert demo_window.program_list.model.rowCount() == 1
    with services.open_file(db_path) as pf:  # the first file is free again
        assert services.list_programs(pf)[0].name == "IT Management Mentoring 2027"
