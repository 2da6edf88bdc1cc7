"""The Buy-in page as a user meets it: stakeholders, the room, the checklist, meetings."""

from __future__ import annotations

import datetime as dt

import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QLabel, QListView, QPlainTextEdit, QTableView, QWidget

from mentor_desk import app, services
from mentor_desk.domain import model as m
from mentor_desk.ui.pages.buy_in import ITEM_ROLE, AttendeesModel, BuyInPage, ChecklistModel

HOSTILE = ["<b>bold</b>", "<img src=x>", "&amp;"]
NON_ASCII = "Zoë Ἀθηνᾶ Жанна 王芳 زينب"


pytestmark = pytest.mark.usefixtures("no_unexpected_dialogs")


def type_text(widget: QWidget, text: str) -> None:
    """Type any text, non-ASCII included (keyClicks aborts on non-ASCII)."""
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


def replace_text(widget: QPlainTextEdit, text: str) -> None:
    widget.setFocus()
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
def window(db_path, open_window):
    with services.open_file(db_path) as pf:
        services.load_demo(pf)
    window = open_window(db_path)
    window.session.today = lambda: dt.date(2027, 3, 1)
    window.session.reload()
    window.show_step(m.Step.BUY_IN)
    return window


def page_of(window) -> BuyInPage:
    page = window.pages[m.Step.BUY_IN]
    assert isinstance(page, BuyInPage)
    return page


def stored(db_path) -> m.Program:
    with services.open_file(db_path, readonly=True) as pf:
        return services.load_program(pf, services.list_programs(pf)[0].id)


def person(program: m.Program, name: str) -> m.Stakeholder:
    return next(s for s in program.stakeholders if s.name == name)


def rules_of(page) -> list[tuple[str, str | None]]:
    model = page.findings_panel.model
    return [(model.finding(i).rule, model.finding(i).subject) for i in range(model.rowCount())]


def to_view(table, index):
    """A model index as the table's view sees it (through a sorting proxy, if there is one)."""
    shown = table.view.model()
    return index if shown is table.model else shown.mapFromSource(index)


def from_view(table, index):
    """A view index as the table's model sees it."""
    shown = table.view.model()
    return index if shown is table.model else shown.mapToSource(index)


def cell(table, item_id: int, field: str):
    model = table.model
    return model.index(model.row_of(item_id), model.column_of(field))


def test_fields_are_found_by_their_labels(window):
    page = page_of(window)
    assert find(page, "Stakeholders", QTableView) is page.stakeholders.view
    for name in ("Views", "Potential issues", "Notes", "Outcome"):
        assert isinstance(find(page, name, QPlainTextEdit), QPlainTextEdit)
    assert find(page, "Pitch checklist", QListView) is page.checklist
    assert find(page, "Attendees", QListView) is page.attendees
    headers = [c.header.replace("\n", " ") for c in page.stakeholders.model.columns]
    for header in (
        "Name",
        "Title",
        "Department",
        "Role",
        "Influence",
        "Stance",
        "Status",
        "In the room",
        "Intellectual buy-in",
        "Emotional buy-in",
        "Last contact",
        "Must be in the room",
    ):
        assert header in headers
    # every label with a buddy names its input the same way, and mnemonics do not collide
    buddies = [lb for lb in page.content.findChildren(QLabel) if lb.buddy() is not None]
    letters = []
    for label in buddies:
        text = label.text()
        assert label.buddy().accessibleName() == text.replace("&", ""), text
        if "&" in text:
            letters.append(text[text.index("&") + 1].lower())
    assert len(letters) == len(set(letters)), letters


def test_views_typed_survive_closing_and_reopening(window, db_path, open_window):
    page = page_of(window)
    samuel = person(window.session.program, "Samuel Ortiz")
    assert ("peer-views", "Samuel Ortiz") in rules_of(page)
    page.stakeholders.select_item(samuel.id)
    views = find(page, "Views", QPlainTextEdit)
    replace_text(views, f"Wants {NON_ASCII}\nand a budget line")
    views.focusLost.emit()
    issues = find(page, "Potential issues", QPlainTextEdit)
    replace_text(issues, "Finance staff time")
    window.close()  # the issues are committed as the window closes
    program = stored(db_path)
    assert person(program, "Samuel Ortiz").views == f"Wants {NON_ASCII}\nand a budget line"
    assert person(program, "Samuel Ortiz").issues == "Finance staff time"

    again = open_window(db_path)
    again.session.today = lambda: dt.date(2027, 3, 1)
    again.session.reload()
    page = page_of(again)
    page.stakeholders.select_item(samuel.id)
    assert (
        find(page, "Views", QPlainTextEdit).toPlainText() == f"Wants {NON_ASCII}\nand a budget line"
    )
    assert ("peer-views", "Samuel Ortiz") not in rules_of(page)


def test_in_the_room_finding_and_indicator_follow_the_check_box(window, db_path, settle):
    page = page_of(window)
    samuel = person(window.session.program, "Samuel Ortiz")
    must = cell(page.stakeholders, samuel.id, "must_be_in_room")
    assert must.data() == "Yes, not marked"
    assert "Samuel Ortiz: a peer of influence 4" in page.room_label.text()
    assert "Samuel Ortiz: a peer of influence 4, for a leadership development program — NOT" in (
        page.room_label.text()
    )
    assert ("not-in-room", "Samuel Ortiz") in rules_of(page)
    grace = person(window.session.program, "Grace Osei")
    assert cell(page.stakeholders, grace.id, "must_be_in_room").data() == "No"
    assert "Grace Osei" not in page.room_label.text()

    in_room = cell(page.stakeholders, samuel.id, "in_room")
    assert page.stakeholders.model.setData(
        in_room, Qt.CheckState.Checked.value, Qt.ItemDataRole.CheckStateRole
    )
    assert person(stored(db_path), "Samuel Ortiz").in_room is True
    settle(window.session)
    assert ("not-in-room", "Samuel Ortiz") not in rules_of(page)
    assert cell(page.stakeholders, samuel.id, "must_be_in_room").data() == "Yes"
    assert "Samuel Ortiz" in page.room_label.text()
    assert "NOT marked" not in page.room_label.text()

    # the focus decides who must be there: a functional focus names departments
    window.session.edit_field("focus", "finance")
    settle(window.session)
    assert cell(page.stakeholders, samuel.id, "must_be_in_room").data() == "Yes"
    robert = person(window.session.program, "Robert Kline")
    assert cell(page.stakeholders, robert.id, "must_be_in_room").data() == "No"
    assert "a leader of Finance" in page.room_label.text()


def test_undo_and_redo_an_edit_on_the_page(window, db_path, settle):
    page = page_of(window)
    robert = person(window.session.program, "Robert Kline")
    status = cell(page.stakeholders, robert.id, "status")
    assert page.stakeholders.model.setData(status, "signed off")
    assert person(stored(db_path), "Robert Kline").status == "signed off"
    settle(window.session)
    assert ("boss-sign-off", "Robert Kline") not in rules_of(page)
    window.undo_action.trigger()
    assert person(stored(db_path), "Robert Kline").status == "pitched"
    assert cell(page.stakeholders, robert.id, "status").data() == "pitched"
    settle(window.session)
    assert ("boss-sign-off", "Robert Kline") in rules_of(page)
    window.redo_action.trigger()
    assert person(stored(db_path), "Robert Kline").status == "signed off"
    assert cell(page.stakeholders, robert.id, "status").data() == "signed off"


def test_the_checklist_is_recomputed_and_leads_to_the_missing_item(window, db_path, settle):
    page = page_of(window)
    model = page.checklist_model
    assert model.rowCount() == 8
    assert all(model.item(i).covered for i in range(8))
    assert model.index(0).data().startswith("Covered: Objectives")
    assert "All 8 items covered" in page.checklist_summary.text()

    session = window.session
    for metric in session.items("metrics"):
        session.edit_item("metrics", metric.id, "reporting", None)
    settle(session)
    row = model.row_of("reporting")
    assert model.index(row).data() == (
        "Missing: How results are reported — no metric has a reporting plan"
    )
    assert model.index(row).data(Qt.ItemDataRole.DecorationRole) is not None
    assert (
        page.checklist_summary.text()
    ) == "7 of 8 items covered. Missing: How results are reported."
    assert ("pitch-incomplete", "reporting") in rules_of(page)

    # clicking the missing item shows the Business case page with the field to fill in
    rect = page.checklist.visualRect(model.index(row))
    QTest.mouseClick(page.checklist.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    business = window.pages[m.Step.BUSINESS_CASE]
    assert window.pages_stack.currentWidget() is business
    reporting = business.metric_form.binding("reporting", "metrics")
    assert window.focusWidget() is reporting.editor
    replace_text(reporting.editor, "Monthly to the COO")
    reporting.editor.focusLost.emit()
    settle(session)
    assert model.item(row).covered
    assert model.index(row).data().startswith("Covered: How results are reported")

    # a goal without a strategy link: the click selects that goal and its field
    goal = session.items("goals")[1]
    session.edit_item("goals", goal.id, "strategy_link", None)
    settle(session)
    row = model.row_of("strategy")
    assert model.index(row).data().startswith("Missing: Tie to the program's strategy")
    window.show_step(m.Step.BUY_IN)
    assert page.go_to_checklist_item("strategy")
    assert window.pages_stack.currentWidget() is business
    assert business.goals.current_item_id() == goal.id
    assert window.focusWidget() is business.goals.detail_binding("strategy_link").editor

    # an item filled in on the Design page is reached the same way
    session.edit_field("design.max_pairs", None)
    session.edit_field("design.scaling_plan", None)
    settle(session)
    row = model.row_of("scale")
    assert model.index(row).data() == (
        "Missing: Scale and scalability — neither a maximum number of pairs nor a scaling plan"
    )
    window.show_step(m.Step.BUY_IN)
    assert page.go_to_checklist_item("scale")
    design = window.pages[m.Step.DESIGN]
    assert window.pages_stack.currentWidget() is design
    assert window.focusWidget().accessibleName() == "Max pairs"


def test_attendees_are_ticked_from_the_stakeholders(window, db_path, settle):
    page = page_of(window)
    meeting = window.session.items("pitch_meetings")[0]
    assert page.meetings.current_item_id() == meeting.id
    model = page.attendees_model
    names = [model.index(i).data(ITEM_ROLE) for i in range(model.rowCount())]
    assert names == [s.name for s in window.session.items("stakeholders")]
    checked = [
        model.index(i).data(ITEM_ROLE)
        for i in range(model.rowCount())
        if model.index(i).data(Qt.ItemDataRole.CheckStateRole) == Qt.CheckState.Checked
    ]
    assert checked == ["Robert Kline"]
    mei = model.index(names.index("Mei Lin"))
    assert model.setData(mei, Qt.CheckState.Checked.value, Qt.ItemDataRole.CheckStateRole)
    assert stored(db_path).pitch_meetings[0].attendees == ["Robert Kline", "Mei Lin"]
    column = page.meetings.model.column_of("attendees")
    shown = page.meetings.model.index(0, column).data()
    assert shown == "Robert Kline, Mei Lin"
    settle(window.session)
    assert page.attendees_hint.text() == "2 attendees."
    robert = model.index(names.index("Robert Kline"))
    assert model.setData(robert, Qt.CheckState.Unchecked.value, Qt.ItemDataRole.CheckStateRole)
    assert stored(db_path).pitch_meetings[0].attendees == ["Mei Lin"]
    window.undo_action.trigger()
    assert stored(db_path).pitch_meetings[0].attendees == ["Robert Kline", "Mei Lin"]
    assert model.index(names.index("Robert Kline")).data(Qt.ItemDataRole.CheckStateRole) == (
        Qt.CheckState.Checked
    )

    # a new meeting starts with nobody; ticking by keyboard stores it
    new_id = page.meetings.add()
    QTest.keyClick(QApplication.focusWidget(), Qt.Key.Key_Escape)  # close the date editor
    assert window.session.item("pitch_meetings", new_id).attendees == []
    assert page.attendees_model.meeting_id == new_id
    page.attendees.setFocus()
    page.attendees.setCurrentIndex(model.index(names.index("Tom Becker")))
    QTest.keyClick(page.attendees, Qt.Key.Key_Space)
    meetings = {mt.id: mt for mt in stored(db_path).pitch_meetings}
    assert meetings[new_id].attendees == ["Tom Becker"]

    # without a meeting the list cannot be ticked
    page.meetings.remove_selected()
    page.meetings.remove_selected()
    assert window.session.items("pitch_meetings") == []
    assert page.attendees_model.meeting_id is None
    assert not (model.flags(model.index(0)) & Qt.ItemFlag.ItemIsUserCheckable)
    assert not model.setData(
        model.index(0), Qt.CheckState.Checked.value, Qt.ItemDataRole.CheckStateRole
    )
    settle(window.session)
    assert page.attendees_hint.text() == "Select a meeting to tick who attended."


def test_findings_take_the_user_to_the_row_and_field(window):
    page = page_of(window)
    panel = page.findings_panel
    row = rules_of(page).index(("peer-views", "Samuel Ortiz"))
    panel.navigate.emit(panel.model.finding(row).target)
    samuel = person(window.session.program, "Samuel Ortiz")
    assert page.stakeholders.current_item_id() == samuel.id
    assert window.focusWidget() is find(page, "Views", QPlainTextEdit)
    row = rules_of(page).index(("not-in-room", "Samuel Ortiz"))
    panel.navigate.emit(panel.model.finding(row).target)
    index = page.stakeholders.view.currentIndex()
    assert from_view(page.stakeholders, index).column() == (
        page.stakeholders.model.column_of("in_room")
    )
    assert window.focusWidget() is page.stakeholders.view


def test_hostile_text_is_shown_literally(window, settle):
    session = window.session
    page = page_of(window)
    samuel = person(session.program, "Samuel Ortiz")
    assert session.edit_item("stakeholders", samuel.id, "name", HOSTILE[0])
    goal = session.items("goals")[0]
    assert session.edit_item("goals", goal.id, "strategy_link", None)
    assert session.edit_item("goals", goal.id, "objective", HOSTILE[1])
    meeting = session.items("pitch_meetings")[0]
    assert session.edit_item("pitch_meetings", meeting.id, "outcome", HOSTILE[2])
    settle(session)

    name = cell(page.stakeholders, samuel.id, "name")
    assert name.data() == HOSTILE[0]
    assert f"• {HOSTILE[0]}: a peer" in page.room_label.text()
    assert page.room_label.textFormat() == Qt.TextFormat.PlainText
    model = page.checklist_model
    strategy = model.index(model.row_of("strategy")).data()
    assert (
        strategy == f"Missing: Tie to the program's strategy — no strategy link for '{HOSTILE[1]}'"
    )
    attendees = page.attendees_model
    shown = [attendees.index(i).data() for i in range(attendees.rowCount())]
    assert f"{HOSTILE[0]} (peer)" in shown
    assert (
        page.meetings.model.index(0, page.meetings.model.column_of("outcome")).data()
        == (HOSTILE[2])
    )
    assert find(page, "Outcome", QPlainTextEdit).toPlainText() == HOSTILE[2]
    for label in page.findChildren(QLabel):
        if any(h in label.text() for h in HOSTILE):
            assert label.textFormat() == Qt.TextFormat.PlainText, label.text()


def test_page_models_pass_the_model_tester(window, qtmodeltester):
    page = page_of(window)
    for table in (page.stakeholders, page.meetings):
        qtmodeltester.check(table.model)
        if table.view.model() is not table.model:
            qtmodeltester.check(table.view.model())
    qtmodeltester.check(page.checklist_model)
    qtmodeltester.check(page.attendees_model)
    qtmodeltester.check(ChecklistModel(window.session))
    lone = AttendeesModel(window.session)
    qtmodeltester.check(lone)  # no meeting chosen
    lone.set_meeting(window.session.items("pitch_meetings")[0].id)
    qtmodeltester.check(lone)


def tab_order(page, start: QWidget) -> list[str]:
    """The accessible names met pressing Tab from ``start`` round the page."""
    order, widget = [], start
    for _ in range(1000):
        tabbable = widget.focusPolicy() & Qt.FocusPolicy.TabFocus and widget.isVisibleTo(page)
        if tabbable and widget.accessibleName():
            order.append(widget.accessibleName())
        widget = widget.nextInFocusChain()
        if widget is start:
            break
    return order


def test_tab_order_follows_the_page(window):
    page = page_of(window)
    order = tab_order(page, page.stakeholders.view)
    expected = [
        "Stakeholders",
        "Add stakeholder",
        "Remove stakeholder",
        "Views",
        "Potential issues",
        "Notes",
        "Pitch checklist",
        "Pitch meetings",
        "Add pitch meeting",
        "Remove pitch meeting",
        "Attendees",
        "Outcome",
    ]
    assert [name for name in order if name in expected] == expected, order


def test_a_new_stakeholder_is_added_undone_and_redone(window, db_path):
    page = page_of(window)
    findings = rules_of(page)
    new_id = page.stakeholders.add()
    QTest.keyClick(QApplication.focusWidget(), Qt.Key.Key_Escape)  # close the name editor
    added = person(stored(db_path), "New stakeholder")
    assert (added.id, added.role) == (new_id, "other")
    assert rules_of(page) == findings  # a neutral role raises no finding of its own
    assert cell(page.stakeholders, new_id, "must_be_in_room").data() == "No"
    attendees = page.attendees_model
    assert attendees.index(attendees.rowCount() - 1).data() == "New stakeholder (other)"
    window.undo_action.trigger()
    assert all(s.name != "New stakeholder" for s in stored(db_path).stakeholders)
    assert page.stakeholders.model.row_of(new_id) is None
    window.redo_action.trigger()
    assert person(stored(db_path), "New stakeholder").id == new_id
