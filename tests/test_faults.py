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

from mentor_desk import services
from mentor_desk.cli import main
from mentor_desk.errors import DatabaseFileError, DatabaseReadOnlyError, DiskFullError, KnownError
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


def integrity(path: Path) -> str:
    conn = sqlite3.connect(path)
    try:
        return conn.execute("PRAGMA integrity_check").fetchone()[0]
    finally:
        conn.close()


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
    with pytest.raises(KnownError) as info:
        services.write_atomically(target, b"%PDF new")
    assert "No space left on device" in str(info.value)
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
