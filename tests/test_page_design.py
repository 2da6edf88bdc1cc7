"""The Design page as a user meets it: dates and deadlines, capacity, the design's elements."""

from __future__ import annotations

import datetime as dt

import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import (
    QComboBox,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QSpinBox,
    QTableView,
    QWidget,
)

from mentor_desk import app, services
from mentor_desk.domain import model as m
from mentor_desk.domain.findings import Target
from mentor_desk.ui.display import format_date
from mentor_desk.ui.forms import NullableDateEdit
from mentor_desk.ui.pages.design import DesignPage

HOSTILE = ["<b>bold</b>", "<img src=x>", "&amp;"]
NON_ASCII = "Zoë Ἀθηνᾶ Жанна 王芳 زينب"
TODAY = dt.date(2027, 3, 1)


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

    def opener(path):
        window = app.create_window(path)
        qtbot.addWidget(window)
        window.show()
        window.session.today = lambda: TODAY
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
    window.show_step(m.Step.DESIGN)
    return window


def page_of(window) -> DesignPage:
    page = window.pages[m.Step.DESIGN]
    assert isinstance(page, DesignPage)
    page.refresh()  # the session's fixed "today" is taken
    return page


def stored(db_path) -> m.Program:
    with services.open_file(db_path, readonly=True) as pf:
        return services.load_program(pf, services.list_programs(pf)[0].id)


def rules_of(page) -> list[str]:
    model = page.findings_panel.model
    return [model.finding(i).rule for i in range(model.rowCount())]


LABELS = {
    "Leaders enrolled": NullableDateEdit,
    "Design started": NullableDateEdit,
    "Design completed": NullableDateEdit,
    "Launch": NullableDateEdit,
    "Cycle (months)": QSpinBox,
    "Meeting cadence": QLineEdit,
    "Max pairs": QSpinBox,
    "Max mentees per mentor": QSpinBox,
    "Scaling plan": QPlainTextEdit,
    "Profile": QPlainTextEdit,
    "Responsibilities": QPlainTextEdit,
    "Description": QPlainTextEdit,
    "Competency description": QPlainTextEdit,
    "Assessment": QPlainTextEdit,
    "Body": QPlainTextEdit,
}


def test_every_field_is_found_by_its_label(window):
    page = page_of(window)
    for name, kind in LABELS.items():
        editor = find(page, name, kind)
        labels = [lab for lab in page.findChildren(QLabel) if lab.buddy() is editor]
        assert len(labels) == 1, name
        assert labels[0].text().replace("&", "") == name
    for name in ("Roles", "Procedures", "Competencies", "Trainings", "Communications"):
        view = find(page, name, QTableView)
        assert view.model().rowCount() > 0
    # every date is optional: each has a Clear button
    for name in ("Leaders enrolled", "Design started", "Design completed", "Launch"):
        find(page, f"Clear {name}")
    # the mnemonics of the page do not collide
    letters = [
        lab.text()[lab.text().index("&") + 1].lower()
        for lab in page.findChildren(QLabel)
        if "&" in lab.text() and lab.isVisibleTo(page)
    ]
    assert len(letters) == len(set(letters))


def test_typed_cadence_is_stored_and_shown_after_reopening(window, db_path, open_window):
    page = page_of(window)
    cadence = find(page, "Meeting cadence", QLineEdit)
    cadence.setFocus()
    cadence.selectAll()
    cadence.del_()
    type_text(cadence, NON_ASCII)
    QTest.keyClick(cadence, Qt.Key.Key_Return)
    window.close()
    assert stored(db_path).design.meeting_cadence == NON_ASCII

    again = open_window(db_path)
    again.show_step(m.Step.DESIGN)
    assert find(page_of(again), "Meeting cadence", QLineEdit).text() == NON_ASCII


def test_completing_the_design_clears_the_overdue_finding_and_shows_the_deadline(
    window, db_path, settle
):
    page = page_of(window)
    program = window.session.program
    started = program.design.design_started_on
    assert started is not None and program.design.design_completed_on is None
    assert "design-overdue" in rules_of(page)
    due = started + dt.timedelta(days=30)
    label = find(page, "Design due", QLabel)
    assert format_date(due) in label.text()
    assert "not completed" in label.text()

    completed = find(page, "Design completed", NullableDateEdit)
    completed.setFocus()
    completed.set_value(started + dt.timedelta(days=20))
    completed.editingFinished.emit()  # what leaving the field does

    assert stored(db_path).design.design_completed_on == started + dt.timedelta(days=20)
    settle(window.session)
    assert "design-overdue" not in rules_of(page)
    assert "kept" in label.text()

    find(page, "Clear Design completed").click()
    assert stored(db_path).design.design_completed_on is None
    settle(window.session)
    assert "design-overdue" in rules_of(page)
    assert completed.text() == "not set"


def test_start_deadline_follows_the_organization_size(window, settle):
    page = page_of(window)
    session = window.session
    assert session.program.org_size == "small"
    enrolled = dt.date(2027, 1, 4)
    session.edit_field("design.leaders_enrolled_on", enrolled)
    session.edit_field("design.design_started_on", dt.date(2027, 1, 20))
    label = find(page, "Design start due", QLabel)
    assert format_date(enrolled + dt.timedelta(days=7)) in label.text()
    assert "started 9 days late" in label.text()
    settle(session)
    assert "design-start-late" in rules_of(page)

    session.edit_field("design.design_started_on", dt.date(2027, 1, 10))
    assert "kept" in label.text()
    settle(session)
    assert "design-start-late" not in rules_of(page)

    session.edit_field("org_size", "large")
    assert "large organization" in label.text()
    session.edit_field("design.leaders_enrolled_on", None)
    session.edit_field("org_size", "small")
    assert "enter that date" in label.text()


def test_capacity_edit_undo_and_redo(window, db_path):
    page = page_of(window)
    before = window.session.program.design.max_pairs
    spin = find(page, "Max pairs", QSpinBox)
    spin.setFocus()
    spin.setValue(before + 5)
    spin.editingFinished.emit()
    assert stored(db_path).design.max_pairs == before + 5

    window.undo_action.trigger()
    assert stored(db_path).design.max_pairs == before
    assert spin.value() == before
    window.redo_action.trigger()
    assert stored(db_path).design.max_pairs == before + 5
    assert spin.value() == before + 5


def test_add_a_role_with_a_profile_then_undo(window, db_path, qtbot):
    page = page_of(window)
    session = window.session
    roles = page.roles
    count = len(session.items("roles"))
    roles.add_button.click()
    editor = roles.view.focusWidget()
    assert isinstance(editor, QLineEdit)  # the new row's name is being edited
    editor.selectAll()
    editor.del_()
    type_text(editor, "Sponsor Жанна")
    QTest.keyClick(editor, Qt.Key.Key_Return)  # the view commits it on its next turn
    qtbot.waitUntil(lambda: session.items("roles")[-1].name == "Sponsor Жанна")
    names = [r.name for r in stored(db_path).design.roles]
    assert names[-1] == "Sponsor Жанна" and len(names) == count + 1

    profile = find(page, "Profile", QPlainTextEdit)
    assert profile.isEnabled()
    profile.setFocus()
    type_text(profile, "Sits on the executive team")
    profile.clearFocus()  # leaving the field commits it
    assert stored(db_path).design.roles[-1].profile == "Sits on the executive team"

    window.undo_action.trigger()  # the profile
    window.undo_action.trigger()  # the name
    window.undo_action.trigger()  # the new row
    assert len(stored(db_path).design.roles) == count


def test_communication_kind_and_status_are_chosen_from_the_vocabulary(window, db_path):
    page = page_of(window)
    table = page.communications
    model = table.model
    view = table.view
    view.edit(model.index(0, model.column_of("kind")))
    combo = view.findChild(QComboBox)
    assert [combo.itemText(i) for i in range(combo.count())] == list(m.COMMUNICATION_KINDS)
    combo.setCurrentIndex(combo.findText("formal"))
    combo.activated.emit(combo.currentIndex())
    assert stored(db_path).design.communications[0].kind == "formal"

    trainings = page.trainings.model
    page.trainings.view.edit(trainings.index(0, trainings.column_of("audience")))
    combo = [c for c in page.trainings.view.findChildren(QComboBox) if c.isVisible()][0]
    choices = [combo.itemText(i) for i in range(combo.count())]
    assert choices[1:] == list(m.TRAINING_AUDIENCES) and choices[0] == "(not set)"


def test_a_finding_takes_the_user_to_the_role_profile(window):
    window.show_step(m.Step.DESIGN)
    page = page_of(window)
    role = window.session.items("roles")[1]
    assert page.focus_target(Target("roles", role.id, "profile"))
    assert page.roles.current_item_id() == role.id
    profile = find(page, "Profile", QPlainTextEdit)
    assert window.focusWidget() is profile
    assert profile.toPlainText() == (role.profile or "")
    assert page.focus_target(Target("design", None, "max_mentees_per_mentor"))
    assert window.focusWidget() is find(page, "Max mentees per mentor", QSpinBox)
    assert not page.focus_target(Target("pairs", None, "mentor"))  # on the Launch page


def test_hostile_text_is_shown_literally(window):
    page = page_of(window)
    session = window.session
    for text in HOSTILE:
        role_id = session.items("roles")[0].id
        session.edit_item("roles", role_id, "name", text)
        session.edit_item("roles", role_id, "profile", text + "\nsecond line")
        session.edit_field("design.meeting_cadence", text)
        model = page.roles.model
        assert model.index(0, 0).data() == text
        page.roles.select_item(role_id, focus=False)
        assert find(page, "Profile", QPlainTextEdit).toPlainText() == text + "\nsecond line"
        assert find(page, "Meeting cadence", QLineEdit).text() == text
    for label in page.findChildren(QLabel):
        assert label.textFormat() == Qt.TextFormat.PlainText, label.text()


@pytest.mark.parametrize(
    "name", ["roles", "procedures", "competencies", "trainings", "communications"]
)
def test_table_models_pass_the_model_tester(window, qtmodeltester, name):
    page = page_of(window)
    model = getattr(page, name).model
    assert model.rowCount() > 0
    qtmodeltester.check(model)


def test_no_program_shows_nothing_to_edit(db_path, open_window):
    with services.open_file(db_path):
        pass
    window = open_window(db_path)
    page = window.pages[m.Step.DESIGN]
    assert find(page, "Design due", QLabel).text() == ""
    assert not find(page, "Max pairs", QSpinBox).isEnabled()
    assert not page.roles.add_button.isEnabled()
