"""Breaking it on purpose: killed processes, full disks, read-only and damaged files, backups."""

from __future__ import annotations

import datetime as dt
import errno
import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest
from helpers import damage_file, integrity, names_in, three_programs

from mentor_desk import services
from mentor_desk.cli import main
from mentor_desk.errors import (
    DatabaseFileError,
    DatabaseInUseError,
    DatabaseReadOnlyError,
    DiskFullError,
)
from mentor_desk.store import database


def big_document(northwind_doc: dict, participants: int) -> dict:
    doc = json.loads(json.dumps(northwind_doc))
    people = doc["program"]["participants"]
    for i in range(participants):
        people.append(
            {
                "name": f"Person {i:05d}",
                "role": "mentee" if i % 3 else "mentor",
                "department": f"Dept {i % 17}",
                "email": f"p{i}@example.org",
                "skills": ["planning", f"skill {i % 23}"],
            }
        )
    return doc


KILLED_IMPORTER = """
import sys
from mentor_desk import services
pf = services.open_file(sys.argv[1])
doc = __import__("json").load(open(sys.argv[2]))
print("ready", flush=True)
for i in range(1000):
    services.import_document(pf, document=doc, source="big", rename=f"Copy {i}")
    print(i, flush=True)
"""


def test_killed_during_imports_keeps_each_import_whole(tmp_path, db_path, northwind_doc):
    doc_path = tmp_path / "big.json"
    doc_path.write_text(json.dumps(big_document(northwind_doc, 3000)), "utf-8")
    proc = subprocess.Popen(
        [sys.executable, "-c", KILLED_IMPORTER, str(db_path), str(doc_path)],
        stdout=subprocess.PIPE,
        text=True,
    )
    assert proc.stdout.readline().strip() == "ready"
    assert proc.stdout.readline().strip() == "0"  # one import is whole for sure
    time.sleep(0.15)  # then kill it in the middle of a later one
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait(timeout=10)

    assert integrity(db_path) == "ok"
    with services.open_file(db_path) as pf:
        programs = services.list_programs(pf)
        assert programs, "the first import must have survived"
        for summary in programs:
            program = services.load_program(pf, summary.id)
            assert len(program.participants) == 3004, summary.name
            assert len(program.pairs) == 2
        # The file is usable after the crash.
        services.edit_program_field(pf, program_id=programs[0].id, path="focus", value="after")


def test_disk_full_during_import_loses_nothing_and_the_app_keeps_working(db_path, northwind_doc):
    with services.open_file(db_path) as pf:
        first = services.import_document(pf, document=northwind_doc, source="n")
        pages = pf.conn.execute("PRAGMA page_count").fetchone()[0]
        pf.conn.execute(f"PRAGMA max_page_count = {pages + 3}")
        with pytest.raises(DiskFullError) as info:
            services.import_document(
                pf, document=big_document(northwind_doc, 2000), source="big", rename="Big"
            )
        assert "disk is full" in str(info.value)
        assert [p.name for p in services.list_programs(pf)] == ["IT Management Mentoring 2027"]
        # The open program is still fully editable once space is back.
        pf.conn.execute("PRAGMA max_page_count = 1073741823")
        services.edit_program_field(pf, program_id=first, path="focus", value="still works")
    assert integrity(db_path) == "ok"
    with services.open_file(db_path) as pf:
        assert services.load_program(pf, first).focus == "still works"


def test_disk_full_while_writing_an_output_file_keeps_the_earlier_one(tmp_path, monkeypatch):
    target = tmp_path / "packet.pdf"
    target.write_bytes(b"earlier")
    real_fdopen = os.fdopen

    class FullFile:
        def __init__(self, handle):
            self.handle = real_fdopen(handle, "wb")

        def __enter__(self):
            return self

        def __exit__(self, *exc):
            self.handle.close()

        def write(self, data):
            raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(os, "fdopen", lambda handle, mode: FullFile(handle))
    with pytest.raises(DiskFullError) as info:
        services.write_atomically(target, b"%PDF new")
    assert str(info.value).startswith(f"the disk is full: {target} was not written")
    assert "any earlier file is unchanged" in str(info.value)
    assert target.read_bytes() == b"earlier"
    assert not [p.name for p in tmp_path.iterdir() if p.name.endswith(".tmp")]


def test_readonly_file_is_opened_to_read_and_never_silently_changed(
    db_path, northwind_doc, tmp_path, capsys
):
    with services.open_file(db_path) as pf:
        services.import_document(pf, document=northwind_doc, source="n")
    db_path.chmod(0o444)
    before = db_path.read_bytes()
    try:
        with pytest.raises(DatabaseReadOnlyError):
            services.open_file(db_path)
        assert main(["--db", str(db_path), "list"]) == 0
        assert "IT Management Mentoring 2027" in capsys.readouterr().out
        doc = tmp_path / "n.json"
        doc.write_text(json.dumps(northwind_doc), "utf-8")
        assert main(["--db", str(db_path), "import", str(doc), "--rename", "X"]) == 2
        assert "read-only" in capsys.readouterr().err
        with services.open_file(db_path, readonly=True) as pf, pytest.raises(DatabaseFileError):
            services.edit_program_field(pf, program_id=1, path="focus", value="lost?")
    finally:
        db_path.chmod(0o644)
    assert db_path.read_bytes() == before


def test_damaged_file_moved_aside_and_newest_backup_restored(db_path, northwind_doc):
    with services.open_file(db_path) as pf:
        services.import_document(pf, document=northwind_doc, source="n")
        services.import_document(pf, document=northwind_doc, source="n", rename="Second")
    backups = database.list_backups(db_path)
    assert backups and "before-import" in backups[0].name
    data = bytearray(db_path.read_bytes())
    data[4096 : 4096 * 3] = os.urandom(4096 * 2)
    db_path.write_bytes(bytes(data))
    with pytest.raises(DatabaseFileError):
        services.open_file(db_path)
    aside = database.move_aside(db_path)
    assert aside.exists() and not db_path.exists()
    database.restore_backup(db_path, database.list_backups(db_path)[0])
    with services.open_file(db_path) as pf:
        assert [p.name for p in services.list_programs(pf)] == ["IT Management Mentoring 2027"]


def test_every_backup_passes_integrity_check_and_a_daily_one_is_taken(db_path, northwind_doc):
    with services.open_file(db_path) as pf:
        services.import_document(pf, document=northwind_doc, source="n")
        services.import_document(pf, document=northwind_doc, source="n", rename="Two")
    (only,) = database.list_backups(db_path)
    old = only.with_name(only.name.replace(only.name.split("-")[1], "20200101"))
    only.rename(old)  # pretend the last backup is years old
    services.open_file(db_path).close()
    backups = database.list_backups(db_path)
    assert "daily" in backups[0].name
    for path in backups:
        assert integrity(path) == "ok"
    # Opening again the same day takes no new copy.
    services.open_file(db_path).close()
    assert len(database.list_backups(db_path)) == len(backups)


def test_backup_thinning_keeps_recent_and_spaced_copies(tmp_path):
    now = dt.datetime(2027, 6, 30, 12, 0)
    paths = []
    for hours in range(0, 24 * 400, 6):  # a copy every six hours for 400 days
        when = now - dt.timedelta(hours=hours)
        paths.append(tmp_path / f"programs-{when:%Y%m%d-%H%M%S-%f}-daily.db")
    kept = database.backups_to_keep(paths, now)
    assert paths[:5] == kept[:5]  # the newest five
    assert len(kept) < 40
    days = {database.backup_time(p).date() for p in kept}
    for back in range(7):
        assert (now - dt.timedelta(days=back)).date() in days
    assert min(database.backup_time(p) for p in kept) > now - dt.timedelta(days=367)


def programs_in(path: Path) -> list[str]:
    with services.open_file(path, readonly=True) as pf:
        return sorted(p.name for p in services.list_programs(pf))


def test_a_backup_is_one_self_contained_file_that_passes_integrity_check(db_path, northwind_doc):
    three_programs(db_path, northwind_doc)
    newest = database.list_backups(db_path)[0]
    copy = newest.parent.parent / "elsewhere.db"
    copy.write_bytes(newest.read_bytes())  # copied alone, as a user would
    conn = sqlite3.connect(f"file:{copy}?mode=ro", uri=True)
    try:
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "delete"
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert [r[0] for r in conn.execute("SELECT name FROM programs ORDER BY name")] == [
            "One",
            "Two",
        ]
    finally:
        conn.close()
    services.list_backups(db_path)  # reading the backups leaves nothing beside them
    assert not [p.name for p in newest.parent.iterdir() if not p.name.endswith(".db")]


def test_a_csv_import_takes_a_backup_first(db_path, northwind_doc, tmp_path):
    csv = tmp_path / "hr.csv"
    csv.write_text("name,role,email\nNadia Haddad,mentee,nadia@example.org\n", "utf-8")
    with services.open_file(db_path) as pf:
        pid = services.import_document(pf, document=northwind_doc, source="n")
        before = set(database.list_backups(db_path))
        services.import_participants_csv(pf, program_id=pid, path=csv)
    (taken,) = set(database.list_backups(db_path)) - before
    info = database.describe_backup(taken)
    assert info.ok and info.reason == "before-csv-import"
    conn = sqlite3.connect(taken)
    try:
        names = {r[0] for r in conn.execute("SELECT name FROM participants")}
    finally:
        conn.close()
    assert "Nadia Haddad" not in names and "Alex Moreno" in names


def test_backups_before_migration_import_csv_and_restore_each_pass_integrity_check(
    tmp_path, northwind_doc
):
    from sqlite_utils import Database

    path = tmp_path / "old.db"
    conn = sqlite3.connect(path, isolation_level=None)
    database.migrate_to(Database(conn), "0001_initial")
    conn.execute(
        "INSERT INTO programs (name, organization, org_size) VALUES ('Old', 'Acme', 'small')"
    )
    conn.close()
    with services.open_file(path) as pf:  # migrates, after a backup
        pid = services.import_document(pf, document=northwind_doc, source="n")
        csv = tmp_path / "hr.csv"
        csv.write_text("name,role\nNadia Haddad,mentee\n", "utf-8")
        services.import_participants_csv(pf, program_id=pid, path=csv)
    oldest = database.list_backups(path)[-1]
    services.restore_backup(path, backup=oldest)
    infos = services.list_backups(path)
    assert {i.reason for i in infos} == {
        "before-migration-v1",
        "before-import",
        "before-csv-import",
        "before-restore",
    }
    for info in infos:
        assert info.ok, info
        assert integrity(info.path) == "ok"
    services.open_file(path).close()  # the restored file is migrated on opening
    assert programs_in(path) == ["Old"]


def test_restoring_an_older_backup_keeps_it_and_backs_up_the_current_state(db_path, northwind_doc):
    with services.open_file(db_path) as pf:
        for i in range(7):
            services.import_document(pf, document=northwind_doc, source="n", rename=f"P{i}")
    backups = database.list_backups(db_path)
    oldest = backups[-1]  # the fifth newest: the thinning of a new backup would drop it
    assert len(backups) == 5 and names_in(oldest) == ["P0", "P1"]
    database.restore_backup(db_path, oldest)
    assert programs_in(db_path) == ["P0", "P1"]
    assert oldest.exists(), "the backup just restored must not be thinned away"
    kept = database.list_backups(db_path)[0]
    assert kept.name.endswith("-before-restore.db")
    assert names_in(kept) == [f"P{i}" for i in range(7)]
    assert integrity(db_path) == "ok"


def test_a_restore_that_cannot_back_up_the_current_state_changes_nothing(
    db_path, northwind_doc, tmp_path
):
    three_programs(db_path, northwind_doc)
    chosen = tmp_path / "chosen.db"
    chosen.write_bytes(database.list_backups(db_path)[-1].read_bytes())
    folder = database.backup_dir(db_path)
    for old in folder.iterdir():
        old.unlink()
    folder.rmdir()
    folder.write_text("not a folder: no backup can be written here")
    before = db_path.read_bytes()
    with pytest.raises(DatabaseFileError) as info:
        database.restore_backup(db_path, chosen)
    assert "cannot back up programs.db" in str(info.value)
    assert "nothing was restored" in str(info.value)
    assert db_path.read_bytes() == before
    assert programs_in(db_path) == ["One", "Three", "Two"]


def test_a_damaged_file_is_never_restored_over(db_path, northwind_doc):
    three_programs(db_path, northwind_doc)
    data = damage_file(db_path)
    with pytest.raises(DatabaseFileError) as refused:
        database.restore_backup(db_path, database.list_backups(db_path)[0])
    assert "move it aside" in str(refused.value)
    assert db_path.read_bytes() == data  # kept for whoever may repair it


def test_a_damaged_backup_is_never_restored(db_path, northwind_doc):
    three_programs(db_path, northwind_doc)
    newest, older = database.list_backups(db_path)[:2]
    damage_file(newest)
    info = database.describe_backup(newest)
    assert not info.ok and "damaged" in info.problem
    assert database.newest_good_backup(db_path).path == older
    before = db_path.read_bytes()
    with pytest.raises(DatabaseFileError) as refused:
        services.restore_backup(db_path, backup=newest)
    assert "cannot be restored" in str(refused.value)
    assert db_path.read_bytes() == before


def test_a_damaged_file_is_moved_aside_only_when_recovered(db_path, northwind_doc):
    three_programs(db_path, northwind_doc)
    data = damage_file(db_path)
    assert services.damage(db_path) is not None
    with pytest.raises(DatabaseFileError):
        services.open_file(db_path)
    assert db_path.read_bytes() == data  # refusing it moved nothing
    good = services.newest_good_backup(db_path)
    aside = services.recover_damaged(db_path, backup=good.path)
    assert aside.read_bytes() == data and aside.name.startswith("programs.db.damaged-")
    assert programs_in(db_path) == ["One", "Two"]
    assert services.damage(db_path) is None


def test_a_failed_recovery_puts_the_damaged_file_back(db_path, northwind_doc):
    three_programs(db_path, northwind_doc)
    good = database.list_backups(db_path)[0]
    damage_file(good)  # the chosen backup turns out bad
    data = damage_file(db_path)
    with pytest.raises(DatabaseFileError):
        services.recover_damaged(db_path, backup=good)
    assert db_path.read_bytes() == data
    assert not list(db_path.parent.glob("programs.db.damaged-*"))


def test_files_that_are_not_damaged_are_not_called_damaged(db_path, tmp_path, northwind_doc):
    other = tmp_path / "other.db"
    conn = sqlite3.connect(other)
    conn.execute("CREATE TABLE t (x)")
    conn.commit()
    conn.close()
    text = tmp_path / "notes.db"
    text.write_text("just some notes, no backups beside me" * 10)
    assert services.damage(other) is None  # another application's file
    assert services.damage(text) is None  # not ours and never was
    assert services.damage(tmp_path / "missing.db") is None
    three_programs(db_path, northwind_doc)
    assert services.damage(db_path) is None
    db_path.write_bytes(b"\0" * 8192)  # overwritten, but it has backups: it was ours
    assert services.damage(db_path) is not None


def test_a_refused_import_on_a_readonly_file_writes_nothing_not_even_a_backup(
    db_path, northwind_doc
):
    three_programs(db_path, northwind_doc)
    before = sorted(database.list_backups(db_path))
    with services.open_file(db_path, readonly=True) as pf, pytest.raises(DatabaseFileError):
        services.import_document(pf, document=northwind_doc, source="n", rename="Four")
    assert sorted(database.list_backups(db_path)) == before


def test_cli_writing_verbs_say_read_only_and_reading_verbs_work(
    db_path, northwind_doc, tmp_path, capsys
):
    with services.open_file(db_path) as pf:
        services.import_document(pf, document=northwind_doc, source="n")
    doc = tmp_path / "n.json"
    doc.write_text(json.dumps(northwind_doc), "utf-8")
    csv = tmp_path / "hr.csv"
    csv.write_text("name,role\nNadia Haddad,mentee\n", "utf-8")
    db_path.chmod(0o444)
    before = db_path.read_bytes()
    program = "IT Management Mentoring 2027"
    try:
        for verb in (
            ["import", str(doc), "--rename", "X"],
            ["demo"],
            ["participants", "import", program, str(csv)],
            ["match", program, "--apply"],
        ):
            assert main(["--db", str(db_path), *verb]) == 2, verb
            err = capsys.readouterr().err
            assert err.startswith(f"error: {db_path} is read-only, so `{verb[0]}"), err
            assert "nothing was changed" in err
        for verb in (
            ["list"],
            ["dump", program, "-o", str(tmp_path / "out.json")],
            ["pitch", program, "-o", str(tmp_path / "p.pdf")],
            ["participants", "export", program, "-o", str(tmp_path / "p.csv")],
            ["match", program],
        ):
            assert main(["--db", str(db_path), *verb]) == 0, verb
        capsys.readouterr()
    finally:
        db_path.chmod(0o644)
    assert db_path.read_bytes() == before
    assert (tmp_path / "p.pdf").read_bytes().startswith(b"%PDF")


def test_cli_names_the_newest_good_backup_of_a_damaged_file(db_path, northwind_doc, capsys):
    three_programs(db_path, northwind_doc)
    newest = database.list_backups(db_path)[0]
    damage_file(db_path)
    assert main(["--db", str(db_path), "list"]) == 2
    (err,) = capsys.readouterr().err.splitlines()  # still one line
    assert err.startswith(f"error: {db_path} is damaged")
    assert f"its newest backup that passes the integrity check is {newest}" in err


def test_the_window_cannot_take_the_lock_of_a_file_a_restore_holds(db_path, northwind_doc):
    three_programs(db_path, northwind_doc)
    with services.open_file(db_path) as pf, pytest.raises(DatabaseInUseError):
        services.restore_backup(pf.path, backup=database.list_backups(db_path)[0])
    assert programs_in(db_path) == ["One", "Three", "Two"]


def test_a_full_disk_when_opening_does_not_stop_the_reading_commands(db_path, northwind_doc):
    with services.open_file(db_path) as pf:
        services.import_document(pf, document=northwind_doc, source="n")
    assert database.list_backups(db_path) == []  # the daily backup is due on the next open
    size = db_path.stat().st_size

    def small_disk():  # no file may grow past a quarter of the program file
        import resource

        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
        resource.setrlimit(resource.RLIMIT_FSIZE, (size // 4, size // 4))

    out = subprocess.run(
        [sys.executable, "-m", "mentor_desk", "--db", str(db_path), "list"],
        capture_output=True,
        text=True,
        preexec_fn=small_disk,
    )
    assert out.returncode == 0, out.stderr
    assert "IT Management Mentoring 2027" in out.stdout
    (warning,) = out.stderr.splitlines()
    assert warning.startswith("warning: cannot back up programs.db (daily, on opening)")
    assert database.list_backups(db_path) == []  # no half-written copy passes for one
    assert not list(database.backup_dir(db_path).glob("*.partial*"))
    with services.open_file(db_path) as pf:  # space is back: the backup is taken
        assert pf.backup_problem is None
    assert "daily" in database.list_backups(db_path)[0].name


def test_a_failed_daily_backup_leaves_the_file_open_and_says_why(db_path, northwind_doc):
    with services.open_file(db_path) as pf:
        services.import_document(pf, document=northwind_doc, source="n")
    database.backup_dir(db_path).write_text("a file where the backups folder should be")
    with services.open_file(db_path) as pf:
        assert pf.backup_problem.startswith("cannot back up programs.db (daily, on opening)")
        services.edit_program_field(pf, program_id=1, path="focus", value="still editable")
        with pytest.raises(DatabaseFileError) as info:  # an import without its backup: refused
            services.import_document(pf, document=northwind_doc, source="n", rename="Two")
        assert "cannot back up programs.db (before importing a program)" in str(info.value)
    assert programs_in(db_path) == ["IT Management Mentoring 2027"]
