"""The program file: refusing bad files untouched, migrations, the writer's lock, keys."""

from __future__ import annotations

import hashlib
import os
import socket
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from helpers import held_by_another_process
from sqlite_utils import Database

from mentor_desk import services
from mentor_desk.cli import main
from mentor_desk.errors import DatabaseFileError, DatabaseInUseError
from mentor_desk.store import database, migrations
from mentor_desk.store.repository import Repository


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def make_real_file(path: Path, northwind_doc: dict) -> None:
    with services.open_file(path) as pf:
        services.import_document(pf, document=northwind_doc, source="northwind")
        pf.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        pf.conn.execute("PRAGMA journal_mode = DELETE")


def refused(path: Path, capsys: pytest.CaptureFixture[str]) -> str:
    """Open the file through the CLI; assert one `error:` line and exit 2; return it."""
    before = digest(path)
    code = main(["--db", str(path), "list"])
    err = capsys.readouterr().err
    assert code == 2
    assert err.startswith("error: ") and err.count("\n") == 1
    assert digest(path) == before, "a refused file must be left byte-for-byte as it was"
    return err


def test_new_file_is_identified_and_versioned(db_path):
    with services.open_file(db_path) as pf:
        conn = pf.conn
        assert conn.execute("PRAGMA application_id").fetchone()[0] == database.APPLICATION_ID
        assert conn.execute("PRAGMA user_version").fetchone()[0] == migrations.SCHEMA_VERSION
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        assert conn.execute("PRAGMA foreign_keys").fetchone()[0] == 1
        tables = set(pf.db.table_names())
    assert {
        "programs",
        "goals",
        "metrics",
        "costs",
        "target_groups",
        "stakeholders",
        "benefits",
        "pitch_meetings",
        "pitch_attendees",
        "roles",
        "procedures",
        "competencies",
        "trainings",
        "communications",
        "participants",
        "participant_skills",
        "pairs",
        "development_goals",
        "evaluations",
        "measurements",
        "surveys",
        "ideas",
        "journal",
    } <= tables


def test_text_file_renamed_db_refused(tmp_path, capsys):
    path = tmp_path / "notes.db"
    path.write_text("Meeting notes, not a database\n" * 10, "utf-8")
    assert "not an SQLite database" in refused(path, capsys)


def test_other_applications_sqlite_file_refused(tmp_path, capsys):
    path = tmp_path / "other.db"
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE invoices (id INTEGER PRIMARY KEY, total REAL)")
    conn.commit()
    conn.close()
    assert "another application's SQLite database" in refused(path, capsys)


def test_newer_version_refused(tmp_path, capsys, northwind_doc):
    path = tmp_path / "newer.db"
    make_real_file(path, northwind_doc)
    conn = sqlite3.connect(path)
    conn.execute(f"PRAGMA user_version = {migrations.SCHEMA_VERSION + 5}")
    conn.commit()
    conn.close()
    assert "newer Mentor Desk" in refused(path, capsys)


def test_truncated_file_refused(tmp_path, capsys, northwind_doc):
    path = tmp_path / "cut.db"
    make_real_file(path, northwind_doc)
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2])
    assert "damaged" in refused(path, capsys)


def test_damaged_file_refused(tmp_path, capsys, northwind_doc):
    path = tmp_path / "damaged.db"
    make_real_file(path, northwind_doc)
    data = bytearray(path.read_bytes())
    page = 4096
    for offset in range(2 * page, len(data) - page, page):
        data[offset : offset + 64] = os.urandom(64)
    path.write_bytes(bytes(data))
    err = refused(path, capsys)
    assert "damaged" in err or "not a Mentor Desk file" in err


def test_tiny_header_only_file_refused(tmp_path, capsys):
    path = tmp_path / "header.db"
    path.write_bytes(b"SQLite format 3\x00" + b"\x00" * 20)
    assert "truncated" in refused(path, capsys)


def test_migration_from_first_version_takes_a_backup(tmp_path, northwind_doc):
    path = tmp_path / "old.db"
    conn = sqlite3.connect(path, isolation_level=None)
    old = Database(conn)
    database.migrate_to(old, "0001_initial")
    conn.execute(
        "INSERT INTO programs (name, organization, org_size) "
        "VALUES ('Old program', 'Acme', 'small')"
    )
    conn.close()
    assert sqlite3.connect(path).execute("PRAGMA user_version").fetchone()[0] == 1

    with services.open_file(path) as pf:
        assert pf.conn.execute("PRAGMA user_version").fetchone()[0] == migrations.SCHEMA_VERSION
        assert "current_step" in pf.db["programs"].columns_dict
        assert [p.name for p in services.list_programs(pf)] == ["Old program"]

    backups = database.list_backups(path)
    assert len(backups) == 1 and "before-migration-v1" in backups[0].name
    copy = sqlite3.connect(backups[0])
    assert copy.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    assert copy.execute("PRAGMA user_version").fetchone()[0] == 1
    assert copy.execute("SELECT name FROM programs").fetchall() == [("Old program",)]
    assert "current_step" not in [r[1] for r in copy.execute("PRAGMA table_info(programs)")]
    # Opening again migrates nothing and takes no further backup.
    services.open_file(path).close()
    assert len(database.list_backups(path)) == 1


def test_second_writer_is_told_who_holds_the_file(db_path, capsys, northwind_doc, tmp_path):
    with held_by_another_process(db_path) as holder:
        with pytest.raises(DatabaseInUseError) as info:
            services.open_file(db_path)
        message = str(info.value)
        assert f"process {holder.pid}" in message and socket.gethostname() in message

        doc = tmp_path / "n.json"
        doc.write_text(__import__("json").dumps(northwind_doc), "utf-8")
        assert main(["--db", str(db_path), "import", str(doc)]) == 2
        assert "in use by another Mentor Desk" in capsys.readouterr().err
        # Reading is still possible while the other process writes.
        assert main(["--db", str(db_path), "list"]) == 0
    # Once it has closed the file, writing works again.
    assert main(["--db", str(db_path), "import", str(doc)]) == 0


def test_lock_released_when_holder_is_killed(db_path):
    with held_by_another_process(db_path) as holder:
        holder.kill()
        holder.wait(timeout=10)
        services.open_file(db_path).close()  # the lock died with its holder


def test_foreign_keys_enforced(program_file, northwind):
    conn = program_file.conn
    with pytest.raises(sqlite3.IntegrityError), program_file.transaction():
        conn.execute(
            "INSERT INTO pairs (program_id, position, mentor_id, mentee_id) "
            "VALUES (?, 9, 99999, 99998)",
            [northwind.id],
        )
    # Deleting a program removes everything it holds.
    services.delete_program(program_file, program_id=northwind.id)
    for table in ("participants", "pairs", "stakeholders", "goals", "metrics", "measurements"):
        assert conn.execute(f"SELECT COUNT(*) FROM {table}").fetchone()[0] == 0


def test_delete_program_and_restore(program_file, northwind, northwind_doc):
    from mentor_desk import interchange

    snapshot = services.delete_program(program_file, program_id=northwind.id)
    assert services.list_programs(program_file) == []
    services.restore(program_file, snapshot=snapshot)
    again = services.load_program(program_file, northwind.id)
    assert interchange.program_to_document(again) == northwind_doc


def test_delete_item_and_undo_restores_dependents(program_file, northwind, northwind_doc):
    from mentor_desk import interchange

    alex = next(p for p in northwind.participants if p.name == "Alex Moreno")
    change, snapshot = services.remove_item(
        program_file, collection="participants", item_id=alex.id
    )
    program = services.load_program(program_file, northwind.id)
    assert [p.mentee for p in program.pairs] == ["Sam Patel"]
    assert program.development_goals == []
    services.restore(program_file, snapshot=snapshot)
    restored = services.load_program(program_file, northwind.id)
    assert interchange.program_to_document(restored) == northwind_doc


def test_edit_survives_reopen_and_refuses_duplicates(db_path, northwind_doc):
    with services.open_file(db_path) as pf:
        program_id = services.import_document(pf, document=northwind_doc, source="n")
        program = services.load_program(pf, program_id)
        tom = next(s for s in program.stakeholders if s.name == "Tom Becker")
        services.edit_item_field(
            pf, collection="stakeholders", item_id=tom.id, field="views", value="Ναι <b>"
        )
        with pytest.raises(services.ConflictError):
            services.edit_item_field(
                pf, collection="stakeholders", item_id=tom.id, field="name", value="Mei Lin"
            )
        with pytest.raises(services.ConflictError):
            services.edit_program_field(
                pf, program_id=program_id, path="focus", value="z" * 100_001
            )
        with pytest.raises(services.ConflictError):
            services.edit_item_field(
                pf, collection="stakeholders", item_id=tom.id, field="stance", value="angry"
            )
    with services.open_file(db_path) as pf:
        again = Repository(pf.db).get_item("stakeholders", tom.id)
        assert again.views == "Ναι <b>"
        assert again.name == "Tom Becker"


def test_readonly_open_writes_nothing(db_path, northwind_doc):
    with services.open_file(db_path) as pf:
        services.import_document(pf, document=northwind_doc, source="n")
    with services.open_file(db_path, readonly=True) as pf:
        assert [p.name for p in services.list_programs(pf)] == ["IT Management Mentoring 2027"]
        with pytest.raises(DatabaseFileError):
            services.edit_program_field(pf, program_id=1, path="focus", value="x")


def test_db_location_from_environment_and_default(tmp_path, monkeypatch, capsys):
    target = tmp_path / "env.db"
    monkeypatch.setenv("MENTOR_DESK_DB", str(target))
    assert main(["demo"]) == 0
    assert target.exists()
    monkeypatch.delenv("MENTOR_DESK_DB")
    assert main(["demo"]) == 0
    data_home = Path(os.environ["XDG_DATA_HOME"])
    assert (data_home / "mentor-desk" / "mentor-desk.db").exists()
    capsys.readouterr()
    assert main(["demo"]) == 2
    assert "already in this file" in capsys.readouterr().err


def test_help_for_every_verb(capsys):
    for verb in (
        "list",
        "import",
        "dump",
        "demo",
        "check",
        "pitch",
        "stakeholders",
        "report",
        "calendar",
        "match",
    ):
        with pytest.raises(SystemExit) as info:
            main([verb, "--help"])
        assert info.value.code == 0
        assert f"usage: mentor-desk {verb}" in capsys.readouterr().out
    with pytest.raises(SystemExit):
        main(["--help"])
    assert "five steps" in capsys.readouterr().out


def test_usage_errors_exit_2(capsys):
    assert main(["frobnicate"]) == 2
    assert capsys.readouterr().err.startswith("error: argument COMMAND: invalid choice")
    assert main(["dump"]) == 2


def test_python_dash_m_runs(tmp_path):
    result = subprocess.run(
        [sys.executable, "-m", "mentor_desk", "--db", str(tmp_path / "x.db"), "demo"],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0 and result.stdout.strip() == "1"
