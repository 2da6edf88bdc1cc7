"""The CSV import dialog and the Matching view, driven offscreen as a user would."""

from __future__ import annotations

import datetime as dt

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QComboBox, QLabel

from mentor_desk import services
from mentor_desk.domain import model as m
from mentor_desk.ui import csv_import_dialog, dialogs
from mentor_desk.ui.csv_import_dialog import CsvImportDialog
from mentor_desk.ui.matching_view import MatchingView, ProposalModel

TODAY = dt.date(2027, 6, 1)


@pytest.fixture
def messages(monkeypatch):
    shown = []
    monkeypatch.setattr(dialogs, "show_info", lambda parent, text, title="": shown.append(text))
    monkeypatch.setattr(dialogs, "show_error", lambda parent, text, title="": shown.append(text))
    return shown


def _names(pf, program_id):
    return {p.name: p for p in services.load_program(pf, program_id).participants}


def _dialog(qtbot, pf, program_id):
    dialog = CsvImportDialog(pf, program_id)
    qtbot.addWidget(dialog)
    return dialog


def test_preview_shows_encoding_delimiter_and_the_guessed_mapping(
    qtbot, qtmodeltester, program_file, northwind, tmp_path, monkeypatch, messages
):
    path = tmp_path / "hr.csv"
    path.write_bytes(
        "Full name;Mail;Dept;Kostenstelle;Role\n"
        'Zoë Müller;zoe@example.com;"Vertrieb\nNord";4711;mentee\n'
        "<b>Bold</b>;bold@example.com;IT;1;mentor\n".encode("cp1252")
    )
    monkeypatch.setattr(csv_import_dialog, "choose_file", lambda parent: str(path))
    dialog = _dialog(qtbot, program_file, northwind.id)

    qtbot.mouseClick(dialog.choose_button, Qt.MouseButton.LeftButton)

    assert "Windows-1252" in dialog.info.text()
    assert "semicolon" in dialog.info.text()
    assert dialog.info.textFormat() == Qt.TextFormat.PlainText
    assert dialog.mapping() == {0: "name", 1: "email", 2: "department", 3: None, 4: "role"}
    combo = dialog.findChild(QComboBox, None)
    assert combo is not None
    names = [c.accessibleName() for c in dialog.combos]
    assert names == ["Column Full name", "Column Mail", "Column Dept", "Column Kostenstelle",
                     "Column Role"]  # fmt: skip
    assert all(
        label.textFormat() == Qt.TextFormat.PlainText for label in dialog.findChildren(QLabel)
    )
    model = dialog.preview_model
    qtmodeltester.check(model)
    assert model.rowCount() == 2
    assert model.index(0, 0).data() == "Zoë Müller"
    assert model.index(0, 2).data(Qt.ItemDataRole.ToolTipRole) == "Vertrieb\nNord"
    assert model.headerData(0, Qt.Orientation.Vertical) == "2"
    assert model.headerData(1, Qt.Orientation.Vertical) == "4"  # after a quoted line break
    assert model.headerData(3, Qt.Orientation.Horizontal).endswith("(not imported)")
    assert dialog.import_button.isEnabled()


def test_import_with_a_changed_mapping_stores_the_rows(
    qtbot, program_file, northwind, db_path, tmp_path, messages
):
    path = tmp_path / "hr.csv"
    path.write_text(
        "Mitarbeiter,Funktion,Kenntnisse\nZoë Müller,mentee,presenting|planning\n", "utf-8"
    )
    dialog = _dialog(qtbot, program_file, northwind.id)
    assert dialog.load_file(path)
    assert not dialog.import_button.isEnabled()
    assert "no column gives the participant's name" in dialog.problems_model.stringList()

    dialog.set_field(0, "name")
    dialog.set_field(1, "role")
    dialog.combos[2].setCurrentIndex(dialog.combos[2].findText("Skills"))
    assert dialog.problems_model.stringList() == []
    assert dialog.import_button.isEnabled()
    assert (
        dialog.preview_model.headerData(2, Qt.Orientation.Horizontal) == "Kenntnisse \u2192 Skills"
    )

    qtbot.mouseClick(dialog.import_button, Qt.MouseButton.LeftButton)

    assert dialog.result() == dialog.DialogCode.Accepted
    assert (dialog.result_info.added, dialog.result_info.updated) == (1, 0)
    assert dialog.progress.value() == services.IMPORT_STEPS
    assert messages and "Added 1" in messages[0]
    program_file.close()
    pf = services.open_file(db_path, readonly=True)
    try:
        assert _names(pf, northwind.id)["Zoë Müller"].skills == ["presenting", "planning"]
    finally:
        pf.close()


def test_bad_rows_are_listed_with_their_lines_and_nothing_is_imported(
    qtbot, program_file, northwind, tmp_path, messages
):
    before = set(_names(program_file, northwind.id))
    path = tmp_path / "hr.csv"
    path.write_text("Name,Role\nAnn,mentor\nBo,boss\n,mentee\nCy,mentee\n", "utf-8")
    dialog = _dialog(qtbot, program_file, northwind.id)
    dialog.load_file(path)

    qtbot.mouseClick(dialog.import_button, Qt.MouseButton.LeftButton)

    problems = dialog.problems_model.stringList()
    assert problems[1:] == [
        "line 3: unknown role 'boss': use mentor or mentee",
        "line 4: the name is missing",
    ]
    assert dialog.result() != dialog.DialogCode.Accepted
    assert dialog.isEnabled() and dialog.import_button.isEnabled()
    assert set(_names(program_file, northwind.id)) == before


def test_cancel_during_an_import_writes_nothing(qtbot, program_file, northwind, tmp_path, messages):
    before = set(_names(program_file, northwind.id))
    path = tmp_path / "big.csv"
    path.write_text("Name,Role\n" + "".join(f"P{i},mentee\n" for i in range(20000)), "utf-8")
    dialog = _dialog(qtbot, program_file, northwind.id)
    dialog.load_file(path)

    def press_cancel(value):
        if value > 0 and dialog.cancel_button.isEnabled():
            dialog.cancel_button.click()

    dialog.progress.valueChanged.connect(press_cancel)
    assert dialog.run_import() is False

    assert "cancelled" in dialog.problems_model.stringList()[0]
    assert set(_names(program_file, northwind.id)) == before
    assert dialog.isVisible() is False or dialog.result() != dialog.DialogCode.Accepted


def test_an_unreadable_file_is_said_plainly(qtbot, program_file, northwind, tmp_path, messages):
    dialog = _dialog(qtbot, program_file, northwind.id)
    assert dialog.load_file(tmp_path / "missing.csv") is False
    assert dialog.info.text().startswith("Cannot read")
    assert not dialog.import_button.isEnabled()


# ----- the Matching view --------------------------------------------------------


@pytest.fixture
def with_mentees(program_file, northwind):
    for person in (
        m.Participant("Lee Chan", "mentee", department="Sales", skills=["planning"]),
        m.Participant(
            "Star", "mentee", reports_to_manager=True, high_performer=True, skills=["presenting"]
        ),
        m.Participant("<i>Ivy</i>", "mentee", department="IT", manager="Jo Park"),
    ):
        services.add_item(
            program_file, program_id=northwind.id, collection="participants", item=person
        )
    return northwind


def _view(qtbot, pf, program_id):
    view = MatchingView(pf, program_id, None, today=lambda: TODAY)
    qtbot.addWidget(view)
    return view


def test_matching_view_lists_proposals_and_unmatched(
    qtbot, qtmodeltester, program_file, with_mentees, messages
):
    view = _view(qtbot, program_file, with_mentees.id)
    qtmodeltester.check(view.proposals)
    qtmodeltester.check(view.unmatched)
    rows = {
        (
            view.proposals.index(r, ProposalModel.MENTOR).data(),
            view.proposals.index(r, ProposalModel.MENTEE).data(),
        )
        for r in range(view.proposals.rowCount())
    }
    assert rows == {("Jo Park", "Star"), ("Priya Raman", "Lee Chan")}
    reasons = view.proposals.index(0, ProposalModel.REASONS).data()
    assert reasons and "shares" in reasons
    assert view.unmatched.rowCount() == 1
    assert view.unmatched.index(0, 0).data() == "<i>Ivy</i>"
    assert view.summary.textFormat() == Qt.TextFormat.PlainText
    assert "2 proposed pairs" in view.summary.text()
    assert not view.accept_button.isEnabled()


def test_accepting_checked_proposals_stores_pairs_and_signals(
    qtbot, program_file, with_mentees, messages
):
    view = _view(qtbot, program_file, with_mentees.id)
    star_row = next(r for r, p in enumerate(view.proposals.proposals) if p.mentee == "Star")
    index = view.proposals.index(star_row, ProposalModel.ACCEPT)
    assert view.proposals.setData(index, Qt.CheckState.Checked, Qt.ItemDataRole.CheckStateRole)
    assert view.accept_button.isEnabled()

    with qtbot.waitSignal(view.changed, timeout=2000):
        qtbot.mouseClick(view.accept_button, Qt.MouseButton.LeftButton)

    pairs = services.load_program(program_file, with_mentees.id).pairs
    assert [(p.mentor, p.mentee, p.status) for p in pairs if p.mentee == "Star"] == [
        ("Jo Park", "Star", "proposed")
    ]
    # Star has a mentor now: only Lee Chan is still proposed.
    assert [p.mentee for p in view.proposals.proposals] == ["Lee Chan"]


def test_rejecting_proposes_again_without_the_pair(qtbot, program_file, with_mentees, messages):
    view = _view(qtbot, program_file, with_mentees.id)
    lee = next(r for r, p in enumerate(view.proposals.proposals) if p.mentee == "Lee Chan")
    view.proposals.setData(
        view.proposals.index(lee, ProposalModel.ACCEPT),
        Qt.CheckState.Checked,
        Qt.ItemDataRole.CheckStateRole,
    )
    changed = []
    view.changed.connect(lambda: changed.append(True))

    qtbot.mouseClick(view.reject_button, Qt.MouseButton.LeftButton)

    assert ("Priya Raman", "Lee Chan") in view.rejected
    assert all(
        (p.mentor, p.mentee) != ("Priya Raman", "Lee Chan") for p in view.proposals.proposals
    )
    assert "Lee Chan" in {u.mentee for u in view.unmatched.items}
    assert changed == []
    assert all(
        p.status != "proposed" for p in services.load_program(program_file, with_mentees.id).pairs
    )


def test_check_all_then_accept_all(qtbot, program_file, with_mentees, messages):
    view = _view(qtbot, program_file, with_mentees.id)
    qtbot.mouseClick(view.check_all_button, Qt.MouseButton.LeftButton)
    assert view.accept_checked() == 2
    assert view.proposals.rowCount() == 0
    assert "Every mentee has a mentor" not in view.summary.text()  # Ivy is still unmatched
