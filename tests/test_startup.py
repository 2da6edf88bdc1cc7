"""Start-up: what the first shown window needs, and what it leaves for later.

The window opens with the last program in view without importing sqlite-utils
(or ReportLab, QtCharts, jsonschema, scipy, numpy, the dashboard); it imports
sqlite-utils on an idle timer once shown, and a write made before that still
goes through sqlite-utils. These run in a fresh interpreter, since the test
process itself has imported everything long ago. Nothing here is timed.
"""

from __future__ import annotations

import json
import sqlite3
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from sqlite_utils import Database

from mentor_desk import services
from mentor_desk.store import database, migrations

# Modules the first shown window must not need.
NOT_AT_START = (
    "sqlite_utils",
    "pluggy",
    "click",
    "dateutil",
    "reportlab",
    "PySide6.QtCharts",
    "jsonschema",
    "scipy",
    "numpy",
    "mentor_desk.ui.dashboard",
    "mentor_desk.reports",
)


def run_child(script: str, *args: str) -> dict:
    """Run ``script`` in a fresh interpreter; it prints one JSON line starting RESULT."""
    proc = subprocess.run(
        [sys.executable, "-c", textwrap.dedent(script), *args],
        capture_output=True,
        text=True,
        timeout=120,
    )
    for line in proc.stdout.splitlines():
        if line.startswith("RESULT "):
            return json.loads(line[len("RESULT ") :])
    raise AssertionError(f"the child failed (exit {proc.returncode}):\n{proc.stderr[-3000:]}")


@pytest.fixture
def demo_file(db_path: Path) -> Path:
    with services.open_file(db_path) as pf:
        services.load_demo(pf)
    return db_path


def test_first_window_shows_the_program_without_the_heavy_modules(demo_file):
    result = run_child(
        """
        import json, sys
        from pathlib import Path
        from PySide6.QtCore import QTimer
        from mentor_desk import app

        NOT_AT_START = json.loads(sys.argv[2])
        window = app.create_window(Path(sys.argv[1]))
        result = {}

        def loaded():
            return sorted(m for m in NOT_AT_START if m in sys.modules)

        def first_turn():
            program = window.session.program
            result["program"] = program.name if program is not None else None
            result["visible"] = window.isVisible()
            result["at_first_frame"] = loaded()
            QTimer.singleShot(0, wait_for_warm_up)

        waited = [0]

        def wait_for_warm_up():
            if "sqlite_utils" in sys.modules or waited[0] > 200:
                result["after_warm_up"] = loaded()
                app.ensure_app().quit()
                return
            waited[0] += 1
            QTimer.singleShot(50, wait_for_warm_up)

        window.show()
        QTimer.singleShot(0, first_turn)
        app.ensure_app().exec()
        print("RESULT " + json.dumps(result), flush=True)
        """,
        str(demo_file),
        json.dumps(NOT_AT_START),
    )
    with services.open_file(demo_file, readonly=True) as pf:
        assert result["program"] == services.list_programs(pf)[0].name
    assert result["visible"]
    assert result["at_first_frame"] == []
    # Soon after the first frame the window gets the first write ready.
    assert "sqlite_utils" in result["after_warm_up"]
    assert "reportlab" not in result["after_warm_up"]


def test_an_edit_before_sqlite_utils_is_imported_is_stored(demo_file):
    """The window's first edit, made before the idle timer ran, still commits."""
    result = run_child(
        """
        import json, sys
        from pathlib import Path
        from mentor_desk import app

        window = app.create_window(Path(sys.argv[1]))  # not shown: no warm-up yet
        before = "sqlite_utils" in sys.modules
        stored = window.session.edit_field("organization", "Northwind Traders (edited)")
        after = "sqlite_utils" in sys.modules
        window.close()
        print("RESULT " + json.dumps({"before": before, "stored": stored, "after": after}))
        """,
        str(demo_file),
    )
    assert result == {"before": False, "stored": True, "after": True}
    with services.open_file(demo_file, readonly=True) as pf:
        program = services.load_program(pf, services.list_programs(pf)[0].id)
    assert program.organization == "Northwind Traders (edited)"


def test_a_command_line_write_on_an_up_to_date_file_imports_sqlite_utils_itself(demo_file):
    result = run_child(
        """
        import json, sys
        from pathlib import Path
        from mentor_desk import services

        with services.open_file(Path(sys.argv[1])) as pf:
            opened_without = "sqlite_utils" not in sys.modules
            pid = services.list_programs(pf)[0].id
            services.edit_program_field(pf, program_id=pid, path="focus", value="Sales leaders")
        print("RESULT " + json.dumps({"opened_without": opened_without,
                                      "imported": "sqlite_utils" in sys.modules}))
        """,
        str(demo_file),
    )
    assert result == {"opened_without": True, "imported": True}
    with services.open_file(demo_file, readonly=True) as pf:
        assert services.load_program(pf, services.list_programs(pf)[0].id).focus == "Sales leaders"


def test_pending_migrations_read_without_sqlite_utils_agree_with_it(tmp_path):
    path = tmp_path / "steps.db"
    conn = sqlite3.connect(path, isolation_level=None)
    db = Database(conn)
    names = list(migrations.MIGRATION_NAMES)

    def both() -> tuple[list[str], list[str]]:
        ours = migrations.pending_names(conn)
        theirs = [mig.name for mig in migrations.migrations.pending(db)]
        return ours, theirs

    assert both() == (names, names)  # a blank file: every migration pending
    database.migrate_to(db, names[0])
    assert both() == (names[1:], names[1:])
    migrations.migrations.apply(db)
    assert both() == ([], [])
    conn.close()


def test_a_file_that_needs_a_migration_is_still_migrated_on_open(tmp_path):
    """Opening an old file takes the sqlite-utils path (a backup, then the migrations)."""
    path = tmp_path / "old.db"
    conn = sqlite3.connect(path, isolation_level=None)
    database.migrate_to(Database(conn), migrations.MIGRATION_NAMES[0])
    conn.execute(
        "INSERT INTO programs (name, organization, org_size) VALUES ('Old', 'Acme', 'small')"
    )
    conn.close()
    with services.open_file(path) as pf:
        assert migrations.pending_names(pf.conn) == []
        version = pf.conn.execute("PRAGMA user_version").fetchone()[0]
        assert version == migrations.SCHEMA_VERSION
    assert any("before-migration-v1" in b.name for b in database.list_backups(path))
