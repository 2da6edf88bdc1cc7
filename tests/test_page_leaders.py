"""The Leaders page as a user meets it: the leaders' buy-in, benefits, the adviser review."""

from __future__ import annotations

import datetime as dt

import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QStyleOptionViewItem,
    QTableView,
    QWidget,
)

from mentor_desk import app, services
from mentor_desk.domain import model as m
from mentor_desk.domain.findings import Target
from mentor_desk.ui.forms import NullableDateEdit
from mentor_desk.ui.pages.leaders import LeadersPage

HOSTILE = ["<b>bold</b>", "<img src=x>", "&amp;"]
NON_ASCII = "Zoë Ἀθηνᾶ Жанна 王芳 زينب"


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


def replace_text(widget: QWidget, text: str) -> None:
    widget.setFocus()
    widget.selectAll()
    if isinstance(widget, QLineEdit):
        widget.del_()
    else:
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


def today_is_fixed(window) -> None:
    window.session.today = lambda: dt.date(2027, 3, 1)
    window.session.reload()


@pytest.fixture
def window(db_path, open_window):
    with services.open_file(db_path) as pf:
        services.load_demo(pf)
    window = open_window(db_path)
    today_is_fixed(window)
    window.show_step(m.Step.LEADERS)
    return window


def page_of(window) -> LeadersPage:
    page = window.pages[m.Step.LEADERS]
    assert isinstance(page, LeadersPage)
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


def column_texts(table, field: str) -> list[str]:
    model = table.model
    column = model.column_of(field)
    return [model.index(row, column).data() for row in range(model.rowCount())]


def test_fields_are_found_by_their_labels(window):
    page = page_of(window)
    assert find(page, "Leaders", QTableView) is page.leaders.view
    assert find(page, "Benefits", QTableView) is page.benefits.view
    assert isinstance(find(page, "Benefit text", QPlainTextEdit), QPlainTextEdit)
    assert find(page, "Adviser", QLineEdit).text() == "Grace Osei"
    assert find(page, "Review date", NullableDateEdit).value() == dt.date(2027, 1, 20)
    assert not find(page, "Confirmed", QCheckBox).isChecked()
    notes = find(page, "Adviser's notes", QPlainTextEdit)
    assert notes.toPlainText() == "Tom's emotional buy-in is not there yet."
    assert isinstance(find(page, "Add personal benefit", QPushButton), QPushButton)
    buddies = [lb for lb in page.content.findChildren(QLabel) if lb.buddy() is not None]
    letters = []
    for label in buddies:
        text = label.text()
        assert label.buddy().accessibleName() == text.replace("&", ""), text
        if "&" in text:
            letters.append(text[text.index("&") + 1].lower())
    assert len(letters) == len(set(letters)), letters


def test_the_leaders_are_the_stakeholders_with_the_leader_role(window, db_path, settle):
    page = page_of(window)
    assert column_texts(page.leaders, "name") == ["Priya Raman", "Tom Becker"]
    assert column_texts(page.leaders, "personal_benefit") == ["Missing", "Written"]
    assert page.lacking.text() == "Still without a personal benefit: Priya Raman."
    session = window.session
    mei = person(session.program, "Mei Lin")
    assert session.edit_item("stakeholders", mei.id, "role", "leader")  # e.g. on Buy-in
    assert column_texts(page.leaders, "name") == ["Mei Lin", "Priya Raman", "Tom Becker"]
    settle(session)
    assert page.lacking.text() == "Still without a personal benefit: Mei Lin, Priya Raman."
    session.undo()
    assert column_texts(page.leaders, "name") == ["Priya Raman", "Tom Becker"]

    # a leader added here is a stakeholder with the leader role
    new_id = page.leaders.add()
    QTest.keyClick(page.leaders.view.focusWidget() or page.leaders.view, Qt.Key.Key_Escape)
    added = person(stored(db_path), "New leader")
    assert added.id == new_id and added.role == "leader"
    assert "New leader" in column_texts(page.leaders, "name")
    buy_in = window.pages[m.Step.BUY_IN]
    assert buy_in.stakeholders.model.row_of(new_id) is not None


def test_buy_in_edited_here_is_the_stakeholder_and_undoes(window, db_path, settle):
    page = page_of(window)
    tom = person(window.session.program, "Tom Becker")
    assert ("leader-buy-in", "Tom Becker") in rules_of(page)
    emotional = cell(page.leaders, tom.id, "emotional_buy_in")
    assert emotional.data(Qt.ItemDataRole.CheckStateRole) == Qt.CheckState.Unchecked
    assert page.leaders.model.setData(
        emotional, Qt.CheckState.Checked.value, Qt.ItemDataRole.CheckStateRole
    )
    assert person(stored(db_path), "Tom Becker").emotional_buy_in is True
    settle(window.session)
    assert ("leader-buy-in", "Tom Becker") not in rules_of(page)
    buy_in = window.pages[m.Step.BUY_IN]
    shown = cell(buy_in.stakeholders, tom.id, "emotional_buy_in")
    assert shown.data(Qt.ItemDataRole.CheckStateRole) == Qt.CheckState.Checked
    window.undo_action.trigger()
    assert person(stored(db_path), "Tom Becker").emotional_buy_in is False
    assert cell(page.leaders, tom.id, "emotional_buy_in").data(Qt.ItemDataRole.CheckStateRole) == (
        Qt.CheckState.Unchecked
    )
    settle(window.session)
    assert ("leader-buy-in", "Tom Becker") in rules_of(page)
    window.redo_action.trigger()
    assert person(stored(db_path), "Tom Becker").emotional_buy_in is True
    settle(window.session)
    assert ("leader-buy-in", "Tom Becker") not in rules_of(page)


def test_a_personal_benefit_for_the_leader_who_lacks_one(window, db_path, open_window, settle):
    page = page_of(window)
    priya = person(window.session.program, "Priya Raman")
    assert ("benefit-level", "Priya Raman") in rules_of(page)
    # the finding leads to the leader and the button that adds the benefit
    panel = page.findings_panel
    row = rules_of(page).index(("benefit-level", "Priya Raman"))
    panel.navigate.emit(panel.model.finding(row).target)
    assert page.leaders.current_item_id() == priya.id
    assert window.focusWidget() is page.add_personal_button
    QTest.keyClick(page.add_personal_button, Qt.Key.Key_Space)
    new_id = page.benefits.current_item_id()
    benefit = window.session.item("benefits", new_id)
    assert (benefit.level, benefit.stakeholder, benefit.text) == ("personal", "Priya Raman", "")
    text = find(page, "Benefit text", QPlainTextEdit)
    assert window.focusWidget() is text
    # an empty text is not a benefit written: the finding stays until it is
    settle(window.session)
    assert ("benefit-level", "Priya Raman") in rules_of(page)
    assert cell(page.leaders, priya.id, "personal_benefit").data() == "Missing"
    type_text(text, f"A deputy for {NON_ASCII}")
    text.focusLost.emit()
    settle(window.session)
    assert ("benefit-level", "Priya Raman") not in rules_of(page)
    assert cell(page.leaders, priya.id, "personal_benefit").data() == "Written"
    assert page.lacking.text() == "Every leader has a personal benefit written."
    window.close()
    saved = {b.id: b for b in stored(db_path).benefits}[new_id]
    assert saved.text == f"A deputy for {NON_ASCII}"
    assert saved.stakeholder == "Priya Raman"

    again = open_window(db_path)
    today_is_fixed(again)
    page = page_of(again)
    page.benefits.select_item(new_id)
    assert find(page, "Benefit text", QPlainTextEdit).toPlainText() == f"A deputy for {NON_ASCII}"
    assert ("benefit-level", "Priya Raman") not in rules_of(page)


def test_benefit_level_and_stakeholder_are_chosen_from_combos(window, db_path, settle):
    page = page_of(window)
    view = page.benefits.view
    benefit = window.session.items("benefits")[2]  # staff
    for field, expected in (
        ("level", ["organization", "personal", "staff"]),
        ("stakeholder", ["(not set)"] + [s.name for s in window.session.items("stakeholders")]),
    ):
        index = to_view(page.benefits, cell(page.benefits, benefit.id, field))
        editor = view.itemDelegate().createEditor(view.viewport(), QStyleOptionViewItem(), index)
        assert isinstance(editor, QComboBox)
        assert [editor.itemText(i) for i in range(editor.count())] == expected
        editor.deleteLater()
    level = cell(page.benefits, benefit.id, "level")
    assert page.benefits.model.setData(level, "personal")
    assert page.benefits.model.setData(cell(page.benefits, benefit.id, "stakeholder"), "Tom Becker")
    saved = {b.id: b for b in stored(db_path).benefits}[benefit.id]
    assert (saved.level, saved.stakeholder) == ("personal", "Tom Becker")
    # no staff benefit is left: the finding says so
    settle(window.session)
    assert ("benefit-level", "staff") in rules_of(page)


def test_the_adviser_review_is_saved_and_its_finding_follows(window, db_path, open_window, settle):
    page = page_of(window)
    assert ("adviser-unconfirmed", "Grace Osei") in rules_of(page)
    panel = page.findings_panel
    row = rules_of(page).index(("adviser-unconfirmed", "Grace Osei"))
    panel.navigate.emit(panel.model.finding(row).target)
    confirmed = find(page, "Confirmed", QCheckBox)
    assert window.focusWidget() is confirmed
    QTest.keyClick(confirmed, Qt.Key.Key_Space)
    assert stored(db_path).adviser_review.confirmed is True
    settle(window.session)
    assert ("adviser-unconfirmed", "Grace Osei") not in rules_of(page)
    adviser = find(page, "Adviser", QLineEdit)
    replace_text(adviser, NON_ASCII)
    adviser.editingFinished.emit()
    notes = find(page, "Adviser's notes", QPlainTextEdit)
    replace_text(notes, "Confirmed after the second talk.")
    window.close()
    review = stored(db_path).adviser_review
    assert (review.adviser, review.notes) == (NON_ASCII, "Confirmed after the second talk.")

    again = open_window(db_path)
    page = page_of(again)
    assert find(page, "Adviser", QLineEdit).text() == NON_ASCII
    assert find(page, "Confirmed", QCheckBox).isChecked()


def test_a_program_without_a_review_gets_one_when_a_field_is_filled(window, db_path, settle):
    session = window.session
    for path in ("adviser", "date", "confirmed", "notes"):
        session.edit_field(f"adviser_review.{path}", None)
    page = page_of(window)
    settle(session)
    assert not any(rule == "adviser-unconfirmed" for rule, _ in rules_of(page))
    date = find(page, "Review date", NullableDateEdit)
    date.set_value(dt.date(2027, 2, 2))
    date.editingFinished.emit()
    review = stored(db_path).adviser_review
    assert review is not None and review.date == dt.date(2027, 2, 2)
    settle(session)
    assert any(rule == "adviser-unconfirmed" for rule, _ in rules_of(page))
    window.undo_action.trigger()
    assert stored(db_path).adviser_review.date is None
    # the unset Confirmed box is not written as "no" when the window flushes its fields
    assert stored(db_path).adviser_review.confirmed is None
    window.show_step(m.Step.BUY_IN)
    assert stored(db_path).adviser_review.confirmed is None


def test_findings_about_other_stakeholders_are_left_to_the_buy_in_page(window):
    page = page_of(window)
    samuel = person(window.session.program, "Samuel Ortiz")
    assert not page.focus_target(Target("stakeholders", samuel.id, "in_room"))
    assert not page.focus_target(Target("stakeholders", None, "role"))
    tom = person(window.session.program, "Tom Becker")
    assert page.focus_target(Target("stakeholders", tom.id, "emotional_buy_in"))
    index = page.leaders.view.currentIndex()
    source = from_view(page.leaders, index)
    assert page.leaders.model.item_at(source.row()).id == tom.id
    assert source.column() == page.leaders.model.column_of("emotional_buy_in")
    # the window takes a finding of the Buy-in page there
    assert window.go_to_target(m.Step.LEADERS, Target("stakeholders", samuel.id, "in_room"))
    assert window.pages_stack.currentWidget() is window.pages[m.Step.BUY_IN]


def test_hostile_text_is_shown_literally(window, settle):
    session = window.session
    page = page_of(window)
    priya = person(session.program, "Priya Raman")
    assert session.edit_item("stakeholders", priya.id, "name", HOSTILE[0])
    benefit = session.items("benefits")[0]
    assert session.edit_item("benefits", benefit.id, "text", HOSTILE[1])
    session.edit_field("adviser_review.adviser", HOSTILE[2])
    settle(session)
    assert cell(page.leaders, priya.id, "name").data() == HOSTILE[0]
    assert page.lacking.text() == f"Still without a personal benefit: {HOSTILE[0]}."
    assert page.lacking.textFormat() == Qt.TextFormat.PlainText
    assert cell(page.benefits, benefit.id, "text").data() == HOSTILE[1]
    assert find(page, "Adviser", QLineEdit).text() == HOSTILE[2]
    for label in page.findChildren(QLabel):
        if any(h in label.text() for h in HOSTILE):
            assert label.textFormat() == Qt.TextFormat.PlainText, label.text()


def test_page_models_pass_the_model_tester(window, qtmodeltester):
    page = page_of(window)
    for table in (page.leaders, page.benefits):
        qtmodeltester.check(table.model)
        if table.view.model() is not table.model:
            qtmodeltester.check(table.view.model())


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
    order = tab_order(page, page.leaders.view)
    expected = [
        "Leaders",
        "Add leader",
        "Remove leader",
        "Add personal benefit",
        "Benefits",
        "Add benefit",
        "Remove benefit",
        "Benefit text",
        "Adviser",
        "Review date",
        "Clear Review date",
        "Confirmed",
        "Adviser's notes",
    ]
    assert [name for name in order if name in expected] == expected, order
