"""Breaking it on purpose in the window: backups restored, damaged, read-only, full and killed."""

from __future__ import annotations

import errno
import os
import signal
import socket
import sqlite3
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest
from helpers import damage_file, held_by_another_process, integrity, names_in, three_programs
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QLabel, QLineEdit, QPlainTextEdit, QWidget

from mentor_desk import app, services
from mentor_desk.domain import model as m
from mentor_desk.store import database
from mentor_desk.ui import dialogs, export
from mentor_desk.ui.backups_dialog import BackupsDialog, BackupsModel
from mentor_desk.ui.opening import OPEN_READONLY, RESTORE

START_CHOICES = ["Open another file…", "Quit"]
REAL_CHOOSE_BACKUP = dialogs.choose_backup  # the real dialog, driven through exec_dialog


pytestmark = pytest.mark.usefixtures("no_unexpected_dialogs")


@pytest.fixture
def shown(qtbot):
    """Show a window and close it after the test."""
    windows = []

    def show(window):
        assert window is not None
        qtbot.addWidget(window)
        window.show()
        windows.append(window)
        return window

    yield show
    for window in windows:
        window.close()


@pytest.fixture
def errors(monkeypatch) -> list[str]:
    seen: list[str] = []
    monkeypatch.setattr(dialogs, "show_error", lambda parent, message, *a: seen.append(message))
    return seen


def answer_choices(monkeypatch, *answers: int) -> list[tuple[str, list[str]]]:
    """ask_choice answers these indexes in turn; returns what was asked."""
    asked: list[tuple[str, list[str]]] = []
    queue = list(answers)

    def ask(parent, question, choices, title=""):
        asked.append((question, list(choices)))
        return queue.pop(0)

    monkeypatch.setattr(dialogs, "ask_choice", ask)
    return asked


def find(parent: QWidget, name: str, kind: type = QWidget) -> QWidget:
    found = [w for w in parent.findChildren(kind) if w.accessibleName() == name]
    assert len(found) == 1, f"{len(found)} widgets named {name!r}"
    return found[0]


def not_saved(parent: QWidget) -> list[str]:
    return [w.text() for w in parent.findChildren(QLabel) if w.text().startswith("Not saved")]


def type_into(widget: QWidget, text: str) -> None:
    """Replace a field's text as typing would, then leave it (which commits)."""
    if isinstance(widget, QLineEdit):
        widget.setText(text)
        widget.editingFinished.emit()
    else:
        widget.setPlainText(text)
        widget.focusLost.emit()


def file_menu_texts(window) -> list[str]:
    menu = window.menuBar().actions()[0].menu()
    return [a.text() for a in menu.actions() if not a.isSeparator()]


# ----- File > Restore from backup ------------------------------------------------


def test_restore_from_backup_lists_the_backups_and_restores_the_chosen_one(
    db_path, northwind_doc, shown, monkeypatch
):
    three_programs(db_path, northwind_doc)
    newest, older = database.list_backups(db_path)
    damage_file(newest)  # (One, Two): fails its check, cannot be chosen
    window = shown(app.create_window(db_path))
    assert "Restore from &backup…" in file_menu_texts(window)
    three = next(p.id for p in services.list_programs(window.pf) if p.name == "Three")
    window.open_program(three)
    assert window.session.edit_field("focus", "typed just before the restore")
    seen = {}

    def user(dialog):
        assert isinstance(dialog, BackupsDialog)
        dialog.show()
        model = dialog.model
        seen["rows"] = [
            [model.index(r, c).data() for c in range(model.columnCount())]
            for r in range(model.rowCount())
        ]
        assert dialog.chosen().path == older  # the newest that passes is preselected
        dialog.select(0)
        assert not dialog.restore_button.isEnabled()
        dialog.select(1)
        assert dialog.restore_button.isEnabled()
        dialog.restore_button.click()
        return dialog.result()

    monkeypatch.setattr(dialogs, "choose_backup", REAL_CHOOSE_BACKUP)
    monkeypatch.setattr(dialogs, "exec_dialog", user)
    confirm = []
    monkeypatch.setattr(
        dialogs, "ask_yes_no", lambda parent, q, title="", yes_text="": confirm.append(q) or True
    )
    window.restore_action.trigger()

    (fails, passes) = seen["rows"]
    assert fails[BackupsModel.PROGRAMS] == "no programs"
    assert fails[BackupsModel.CHECK].startswith("fails: damaged")
    assert passes[1:] == ["before importing a program", "One", "passes"]
    assert passes[0].endswith(f"{database.backup_time(older):%H:%M:%S}")
    assert "It holds: One." in confirm[0] and "backed up first" in confirm[0]
    # The window shows the restored file, with a fresh undo history.
    assert [p.name for p in services.list_programs(window.pf)] == ["One"]
    assert window.session.program.name == "One"
    assert window.program_list.model.rowCount() == 1
    assert window.session.undo_stack.count() == 0
    assert "Restored the backup" in window.statusBar().currentMessage()
    assert not window.pf.readonly
    # The state replaced was backed up first, the last edit included; the chosen one is kept.
    kept = database.list_backups(db_path)[0]
    assert kept.name.endswith("-before-restore.db") and older.exists()
    assert names_in(kept) == ["One", "Three", "Two"]
    conn = sqlite3.connect(kept)
    assert conn.execute("SELECT focus FROM programs WHERE name = 'Three'").fetchone() == (
        "typed just before the restore",
    )
    conn.close()
    assert integrity(db_path) == "ok"
    # The reopened file takes edits.
    assert window.session.edit_field("focus", "after the restore")
    window.close()
    assert services.load_program(services.open_file(db_path, readonly=True), "One").focus == (
        "after the restore"
    )


def test_restore_declined_changes_nothing(db_path, northwind_doc, shown, monkeypatch):
    three_programs(db_path, northwind_doc)
    window = shown(app.create_window(db_path))
    before = database.list_backups(db_path)
    monkeypatch.setattr(
        dialogs, "choose_backup", lambda parent, path, backups: backups[-1] if backups else None
    )
    monkeypatch.setattr(dialogs, "ask_yes_no", lambda *a, **k: False)
    assert window.restore_from_backup() is False
    assert len(services.list_programs(window.pf)) == 3
    assert database.list_backups(db_path) == before


def test_a_refused_restore_says_why_and_the_window_keeps_working(
    db_path, northwind_doc, shown, monkeypatch, errors
):
    three_programs(db_path, northwind_doc)
    window = shown(app.create_window(db_path))

    def choose(parent, path, backups):
        damage_file(backups[0].path)  # the disk goes bad between listing and restoring
        return backups[0]

    monkeypatch.setattr(dialogs, "choose_backup", choose)
    monkeypatch.setattr(dialogs, "ask_yes_no", lambda *a, **k: True)
    assert window.restore_from_backup() is False
    assert len(errors) == 1 and "cannot be restored" in errors[0]
    assert "nothing was restored" in errors[0] or "damaged" in errors[0]
    assert sorted(p.name for p in services.list_programs(window.pf)) == ["One", "Three", "Two"]
    assert window.session.edit_field("focus", "still works")
    assert window.session.program.focus == "still works"


def test_restore_with_no_backups_says_when_they_are_taken(db_path, shown, monkeypatch):
    window = shown(app.create_window(db_path))
    info = []
    monkeypatch.setattr(dialogs, "show_info", lambda parent, message, *a: info.append(message))
    assert window.restore_from_backup() is False
    assert "no backups of" in info[0] and "before imports" in info[0]


# ----- a damaged file ------------------------------------------------------------


def test_a_damaged_file_at_start_up_is_moved_aside_only_with_consent(
    db_path, northwind_doc, shown, monkeypatch
):
    three_programs(db_path, northwind_doc)
    data = damage_file(db_path)
    asked = answer_choices(monkeypatch, 2)  # Quit
    assert app.open_start_window(str(db_path)) is None
    question, choices = asked[0]
    assert choices == [RESTORE, *START_CHOICES]
    assert str(db_path) in question and "damaged" in question
    assert "holds: One, Two" in question and "Nothing is moved unless you choose so" in question
    assert db_path.read_bytes() == data
    assert not list(db_path.parent.glob("programs.db.damaged-*"))

    asked = answer_choices(monkeypatch, 0)  # move it aside and restore
    info = []
    monkeypatch.setattr(dialogs, "show_info", lambda parent, message, *a: info.append(message))
    window = shown(app.open_start_window(str(db_path)))
    assert sorted(p.name for p in services.list_programs(window.pf)) == ["One", "Two"]
    assert not window.pf.readonly
    (aside,) = db_path.parent.glob("programs.db.damaged-*[0-9]")
    assert aside.read_bytes() == data
    assert str(aside) in info[0]


def test_a_damaged_file_chosen_with_open_database(
    db_path, northwind_doc, tmp_path, shown, monkeypatch
):
    with services.open_file(db_path) as pf:
        services.load_demo(pf)
    window = shown(app.create_window(db_path))
    other = tmp_path / "other.db"
    three_programs(other, northwind_doc)
    data = damage_file(other)
    monkeypatch.setattr(dialogs, "open_file_name", lambda *a, **k: str(other))
    asked = answer_choices(monkeypatch, 1)  # Cancel
    window.open_action.trigger()
    assert asked[0][1] == [RESTORE, "Cancel"]
    assert window.session.program.name == "IT Management Mentoring 2027"
    assert other.read_bytes() == data

    answer_choices(monkeypatch, 0)
    monkeypatch.setattr(dialogs, "show_info", lambda *a, **k: None)
    window.open_action.trigger()
    assert sorted(p.name for p in services.list_programs(window.pf)) == ["One", "Two"]
    services.open_file(db_path).close()  # the first file was let go


def test_a_damaged_file_without_a_good_backup_is_explained_and_left(
    db_path, northwind_doc, monkeypatch
):
    three_programs(db_path, northwind_doc)
    for backup in database.list_backups(db_path):
        damage_file(backup)
    data = damage_file(db_path)
    asked = answer_choices(monkeypatch, 1)
    assert app.open_start_window(str(db_path)) is None
    question, choices = asked[0]
    assert choices == START_CHOICES
    assert "No backup of it passes the integrity check" in question
    assert db_path.read_bytes() == data


# ----- a read-only file ----------------------------------------------------------


def test_a_read_only_file_opens_read_only_and_refuses_every_change(
    db_path, shown, monkeypatch, errors, tmp_path
):
    with services.open_file(db_path) as pf:
        services.load_demo(pf)
    db_path.chmod(0o444)
    before = db_path.read_bytes()
    try:
        window = shown(app.open_start_window(str(db_path)))  # no question asked
        assert window.pf.readonly
        bar = window.readonly_bar
        assert bar.isVisible() and not bar.isHidden()
        notice = find(window, "Read-only notice", QLabel).text()
        assert "Read-only: programs.db" in notice and "the file is marked read-only" in notice

        page = window.pages[m.Step.BUSINESS_CASE]
        focus = find(page, "Focus", QLineEdit)
        type_into(focus, "lost?")
        assert not_saved(page) == ["Not saved: programs.db is open read-only; nothing was changed"]
        assert window.session.program.focus == "leadership development"

        costs = page.costs.model
        amount = costs.column_of("amount")
        shown_before = costs.index(0, amount).data()
        assert not costs.setData(costs.index(0, amount), 99999)
        QTest.qWait(10)  # the table reports a refused cell once its editor has closed
        assert costs.index(0, amount).data() == shown_before
        rows = costs.rowCount()
        assert page.costs.add() is None and costs.rowCount() == rows

        monkeypatch.setattr(dialogs, "ask_text", lambda *a, **k: "Renamed")
        for act in (
            window.new_action,
            window.import_action,
            window.csv_action,
            window.match_action,
            window.demo_action,
            window.restore_action,
            window.rename_action,
        ):
            count = len(errors)
            act.trigger()
            assert len(errors) == count + 1, act.text()
            assert "read-only" in errors[-1], act.text()
        assert len(errors) == 9 and all("read-only" in e for e in errors)
        window.show_step(m.Step.DESIGN)  # moving around writes nothing and says nothing
        assert window.statusBar().currentMessage() == "" and len(errors) == 9

        # Reading still works: a document is exported.
        target = tmp_path / "pitch.pdf"
        monkeypatch.setattr(export, "ask_save_path", lambda *a: str(target))
        monkeypatch.setattr(export, "ask_open", lambda *a: None)
        window.pitch_action.trigger()
        assert target.read_bytes().startswith(b"%PDF")
        window.close()
    finally:
        db_path.chmod(0o644)
    assert db_path.read_bytes() == before
    assert not [p for p in database.list_backups(db_path)]


def test_open_for_editing_once_the_file_is_writable(db_path, shown, errors):
    with services.open_file(db_path) as pf:
        services.load_demo(pf)
    db_path.chmod(0o444)
    try:
        window = shown(app.open_start_window(str(db_path)))
        window.readonly_bar.retry_button.click()
        assert len(errors) == 1 and "still cannot be opened for editing" in errors[0]
        assert window.pf.readonly and window.readonly_bar.isVisible()
    finally:
        db_path.chmod(0o644)
    window.readonly_bar.retry_button.click()
    assert not window.pf.readonly and window.readonly_bar.isHidden()
    assert window.session.program.name == "IT Management Mentoring 2027"
    assert window.session.edit_field("focus", "editable again")
    window.close()
    assert services.load_program(services.open_file(db_path, readonly=True), 1).focus == (
        "editable again"
    )


def test_a_file_in_use_can_be_opened_read_only(db_path, shown, monkeypatch):
    with services.open_file(db_path) as pf:
        services.load_demo(pf)
    with held_by_another_process(db_path) as holder:
        asked = answer_choices(monkeypatch, 0)
        window = shown(app.open_start_window(str(db_path)))
        question, choices = asked[0]
        assert choices == [OPEN_READONLY, *START_CHOICES]
        assert "in use by another Mentor Desk" in question
        assert window.pf.readonly
        notice = window.readonly_bar.label.text()
        assert f"another Mentor Desk has it open for writing (process {holder.pid}" in notice
        assert socket.gethostname() in notice
    window.readonly_bar.retry_button.click()
    assert not window.pf.readonly


# ----- a full disk ---------------------------------------------------------------


def test_disk_full_during_an_edit_shows_it_applies_nothing_and_keeps_working(
    db_path, shown, errors, qtbot
):
    with services.open_file(db_path) as pf:
        services.load_demo(pf)
    window = shown(app.create_window(db_path))
    session = window.session
    conn = window.pf.conn
    conn.execute(f"PRAGMA max_page_count = {conn.execute('PRAGMA page_count').fetchone()[0]}")
    page = window.pages[m.Step.BUSINESS_CASE]
    summary = find(page, "Summary", QPlainTextEdit)
    old_summary = session.program.business_case.summary
    undo_count = session.undo_stack.count()
    long_text = "A summary that needs new pages. " * 600
    type_into(summary, long_text)
    (message,) = not_saved(page)
    assert message.startswith("Not saved: the disk is full: programs.db was not changed")
    assert session.program.business_case.summary == old_summary
    assert session.undo_stack.count() == undo_count

    costs = page.costs.model
    notes = costs.column_of("notes")
    shown_before = costs.index(0, notes).data()
    stored_before = session.items("costs")[0].notes
    assert not costs.setData(costs.index(0, notes), "A note on this cost line. " * 900)
    qtbot.waitUntil(lambda: bool(errors))
    assert errors == ["the disk is full: programs.db was not changed (database or disk is full)"]
    assert costs.index(0, notes).data() == shown_before
    assert session.items("costs")[0].notes == stored_before

    conn.execute("PRAGMA max_page_count = 1073741823")  # space is freed
    type_into(summary, long_text)
    assert not_saved(page) == []
    assert session.program.business_case.summary == long_text
    window.undo_action.trigger()
    assert session.program.business_case.summary == old_summary
    window.close()
    assert integrity(db_path) == "ok"


def test_disk_full_during_a_pdf_export_keeps_the_earlier_file(
    db_path, shown, monkeypatch, tmp_path
):
    with services.open_file(db_path) as pf:
        services.load_demo(pf)
    window = shown(app.create_window(db_path))
    target = tmp_path / "pitch.pdf"
    target.write_bytes(b"an earlier packet")
    monkeypatch.setattr(export, "ask_save_path", lambda *a: str(target))
    monkeypatch.setattr(export, "ask_open", lambda *a: None)
    shown_errors: list[str] = []
    monkeypatch.setattr(export, "show_error", lambda parent, message: shown_errors.append(message))
    real_fdopen = os.fdopen
    full = [True]

    class FullFile:
        def __init__(self, handle, mode):
            self.handle = real_fdopen(handle, mode)

        def __enter__(self):
            return self

        def __exit__(self, *exc):
            self.handle.close()

        def write(self, data):
            if full[0]:
                raise OSError(errno.ENOSPC, "No space left on device")
            return self.handle.write(data)

        def flush(self):
            self.handle.flush()

        def fileno(self):
            return self.handle.fileno()

    monkeypatch.setattr(os, "fdopen", FullFile)
    window.pitch_action.trigger()
    assert len(shown_errors) == 1
    assert shown_errors[0].startswith(f"the disk is full: {target} was not written")
    assert "any earlier file is unchanged" in shown_errors[0]
    assert target.read_bytes() == b"an earlier packet"
    assert [p.name for p in tmp_path.iterdir() if p.name.endswith(".tmp")] == []
    full[0] = False  # space is freed: the same export works
    window.pitch_action.trigger()
    assert len(shown_errors) == 1
    assert target.read_bytes().startswith(b"%PDF")


# ----- killed in the middle of a burst of edits ---------------------------------

BURST = textwrap.dedent(
    """
    import os, sys
    os.environ["QT_QPA_PLATFORM"] = "offscreen"
    from PySide6.QtWidgets import QApplication, QLineEdit
    from mentor_desk import app
    from mentor_desk.domain import model as m
    from mentor_desk.ui import dialogs

    def refuse(parent, message, *args):
        print("dialog:", message, file=sys.stderr, flush=True)
        os._exit(3)

    for name in ("show_error", "show_info", "ask_yes_no", "ask_choice", "exec_dialog"):
        setattr(dialogs, name, refuse)
    window = app.create_window(sys.argv[1])
    window.show()
    window.show_step(m.Step.LAUNCH)
    session = window.session
    page = window.pages[m.Step.BUSINESS_CASE]
    focus = [w for w in page.findChildren(QLineEdit) if w.accessibleName() == "Focus"][0]
    mentor = next(p.id for p in session.items("participants") if p.name == "Jo Park")
    print("ready", flush=True)
    for i in range(100000):
        focus.setText(f"burst {i}")  # typed in the window, committed on Return
        focus.editingFinished.emit()
        session.edit_item("participants", mentor, "skills", [f"s{i} a", f"s{i} b", f"s{i} c"])
        mentee = next(p.id for p in session.items("participants") if p.name == "Alex Moreno")
        session.remove_item("participants", mentee)  # with the pair and skills
        session.undo()  # all put back
        QApplication.processEvents()
        print(i, flush=True)
    """
)


def burst_and_kill(db_path: Path, rounds: int, delay: float) -> None:
    """Run the window's burst of edits, kill it ``delay`` s after ``rounds`` were committed,
    and check the file: intact, every edit whole, none reported committed lost."""
    with services.open_file(db_path) as pf:
        if not services.list_programs(pf):
            services.load_demo(pf)
    proc = subprocess.Popen(
        [sys.executable, "-c", BURST, str(db_path)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "QT_QPA_PLATFORM": "offscreen"},
    )
    try:
        assert proc.stdout.readline().strip() == "ready", proc.stderr.read()
        committed = []
        for _ in range(rounds):
            line = proc.stdout.readline()
            assert line, f"the window stopped by itself: {proc.stderr.read()}"
            committed.append(int(line))
        time.sleep(delay)  # then kill it in the middle of a later edit
        os.kill(proc.pid, signal.SIGKILL)
        rest, err = proc.communicate(timeout=10)
    finally:
        if proc.poll() is None:
            proc.kill()
    assert proc.returncode == -signal.SIGKILL, err
    last = max(committed + [int(line) for line in rest.split()])

    assert integrity(db_path) == "ok"
    conn = sqlite3.connect(db_path)
    try:
        assert conn.execute("PRAGMA foreign_key_check").fetchall() == []
    finally:
        conn.close()
    with services.open_file(db_path) as pf:
        program = services.load_program(pf, 1)
        focus = int(program.focus.removeprefix("burst "))
        people = {p.name: p for p in program.participants}
        skills = people["Jo Park"].skills
        rounds_seen = {s.split()[0] for s in skills}
        assert len(skills) == 3 and len(rounds_seen) == 1, skills  # never half a list
        skill_round = int(rounds_seen.pop()[1:])
        # edits land in order, none lost once reported, at most the one after it begun
        assert last <= skill_round <= focus <= last + 1, (last, skill_round, focus)
        mentee_pairs = [p for p in program.pairs if p.mentee == "Alex Moreno"]
        if "Alex Moreno" in people:  # removed and put back whole, or removed whole
            assert len(mentee_pairs) == 1 and people["Alex Moreno"].skills
        else:
            assert mentee_pairs == []
        assert len(program.pairs) == len(mentee_pairs) + 1
        # the file is usable after the crash: the next burst starts from it
        services.edit_program_field(pf, program_id=program.id, path="focus", value="burst 0")
        if "Alex Moreno" not in people:
            services.add_item(
                pf,
                program_id=program.id,
                collection="participants",
                item=m.Participant("Alex Moreno", "mentee", skills=["presenting"]),
            )
            services.add_item(
                pf,
                program_id=program.id,
                collection="pairs",
                item=m.Pair("Jo Park", "Alex Moreno", status="active"),
            )


def test_killed_during_a_burst_of_window_edits_keeps_each_edit_whole(db_path):
    burst_and_kill(db_path, rounds=8, delay=0.137)


@pytest.mark.slow
@pytest.mark.parametrize("delay", [0.0, 0.013, 0.029, 0.051, 0.077, 0.101, 0.173, 0.251])
def test_killed_again_and_again_at_other_moments(db_path, delay):
    for rounds in (1, 3):  # the same file, killed twice
        burst_and_kill(db_path, rounds=rounds, delay=delay)


def test_a_failed_daily_backup_is_shown_and_the_window_works(db_path, northwind_doc, shown):
    with services.open_file(db_path) as pf:
        services.import_document(pf, document=northwind_doc, source="n")
    database.backup_dir(db_path).write_text("a file where the backups folder should be")
    window = shown(app.open_start_window(str(db_path)))  # no question asked
    message = window.statusBar().currentMessage()
    assert message.startswith("Warning: cannot back up programs.db (daily, on opening)")
    assert not window.pf.readonly
    assert window.session.edit_field("focus", "still editable")


def test_open_database_on_a_read_only_file_and_back(db_path, tmp_path, shown, monkeypatch):
    with services.open_file(db_path) as pf:
        services.load_demo(pf)
    other = tmp_path / "archive.db"
    with services.open_file(other) as pf:
        services.add_program(
            pf, program=m.Program("Archived", "Fabrikam", "large", manager=m.Person("Ann"))
        )
    other.chmod(0o444)
    try:
        window = shown(app.create_window(db_path))
        monkeypatch.setattr(dialogs, "open_file_name", lambda *a, **k: str(other))
        window.open_action.trigger()  # no question: it opens read-only
        assert window.pf.readonly and window.session.program.name == "Archived"
        assert "archive.db cannot be changed" in window.readonly_bar.label.text()
        monkeypatch.setattr(dialogs, "open_file_name", lambda *a, **k: str(db_path))
        window.open_action.trigger()
        assert not window.pf.readonly and window.readonly_bar.isHidden()
        assert window.session.edit_field("focus", "writable again")
    finally:
        other.chmod(0o644)
