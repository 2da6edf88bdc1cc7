"""Shared fixtures: every test gets its own program file and settings, offscreen."""

from __future__ import annotations

import copy
import json
import os
from pathlib import Path

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

SHARED = Path(__file__).resolve().parent.parent / "mentor_desk"
NORTHWIND_PATH = SHARED / "northwind.json"


@pytest.fixture(autouse=True)
def _isolated(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """No test reads or writes the user's real data, settings or database."""
    home = tmp_path / "home"
    home.mkdir()
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("XDG_DATA_HOME", str(home / "data"))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(home / "config"))
    monkeypatch.delenv("MENTOR_DESK_DB", raising=False)


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    """A program file path of the test's own (not created yet)."""
    return tmp_path / "programs.db"


@pytest.fixture
def northwind_doc() -> dict:
    """A fresh copy of the Northwind example document."""
    return copy.deepcopy(json.loads(NORTHWIND_PATH.read_text("utf-8")))


@pytest.fixture
def program_file(db_path: Path):
    """An open, writable program file; closed after the test."""
    from mentor_desk import services

    pf = services.open_file(db_path)
    yield pf
    pf.close()


@pytest.fixture
def northwind(program_file, northwind_doc):
    """The Northwind example stored in the test's file; yields the loaded Program."""
    from mentor_desk import services

    program_id = services.import_document(program_file, document=northwind_doc, source="northwind")
    return services.load_program(program_file, program_id)


@pytest.fixture
def settle(qtbot):
    """``settle(session)``: let the event loop turn until the findings follow the last edits.

    An edit re-runs the rules on a zero-delay timer once the edit has returned
    (a burst of edits runs them once); what follows ``findingsChanged`` (the
    findings panels, the navigator, the checklist, the step pages' summaries)
    is up to date after it.
    """

    def wait(session) -> None:
        if session.findings_pending:
            with qtbot.waitSignal(session.findingsChanged, timeout=5000):
                pass
        assert not session.findings_pending

    return wait


@pytest.fixture
def no_unexpected_dialogs(monkeypatch: pytest.MonkeyPatch) -> None:
    """A modal dialog nobody expected fails the test instead of hanging it.

    Every function of ``mentor_desk.ui.dialogs`` that shows one raises; a test
    that expects a dialog replaces that function again with its own answer.
    """
    from mentor_desk.ui import dialogs

    def unexpected(*args: object, **kwargs: object) -> None:
        raise AssertionError(f"unexpected dialog: {args[1:]!r}")

    for name in dialogs.MODAL_FUNCTIONS:
        monkeypatch.setattr(dialogs, name, unexpected)
