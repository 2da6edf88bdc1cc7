"""File > Export from the window: the PDF is written off the GUI thread, Cancel writes nothing."""

from __future__ import annotations

import shutil
import time
from datetime import date
from pathlib import Path

import pytest
from helpers import pdf_text
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QProgressDialog, QPushButton, QWidget

from mentor_desk import services
from mentor_desk.ui import export

pytestmark = pytest.mark.skipif(shutil.which("pdftotext") is None, reason="needs pdftotext")


@pytest.fixture
def stored(program_file, northwind_doc, db_path: Path) -> tuple[Path, int]:
    program_id = services.import_document(program_file, document=northwind_doc, source="nw")
    program_file.close()
    return db_path, program_id


@pytest.fixture
def window(qtbot) -> QWidget:
    w = QWidget()
    qtbot.addWidget(w)
    return w


@pytest.fixture
def fakes(monkeypatch: pytest.MonkeyPatch) -> dict[str, list]:
    """Every dialog replaced; what each was asked is recorded."""
    calls: dict[str, list] = {
        "save": [],
        "open": [],
        "opened": [],
        "error": [],
        "crash": [],
        "preview": [],
    }

    def ask_open(parent, path):  # noqa: ANN001, ANN202
        calls["open"].append(path)
        return "open"

    monkeypatch.setattr(export, "ask_open", ask_open)
    monkeypatch.setattr(export, "open_pdf", lambda path: calls["opened"].append(path) or True)
    monkeypatch.setattr(export, "show_error", lambda parent, msg: calls["error"].append(msg))
    monkeypatch.setattr(export, "show_crash", lambda parent, msg: calls["crash"].append(msg))
    return calls


def save_to(monkeypatch: pytest.MonkeyPatch, calls: dict[str, list], path: Path | None) -> None:
    def ask(parent, caption, suggested):  # noqa: ANN001, ANN202
        calls["save"].append((caption, suggested))
        return str(path) if path else None

    monkeypatch.setattr(export, "ask_save_path", ask)


def test_export_writes_the_pdf_and_offers_to_open_it(
    stored, window, fakes, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    db_path, program_id = stored
    out = tmp_path / "packet"  # the .pdf is added
    save_to(monkeypatch, fakes, out)
    export.export_pdf(window, db_path, program_id, "pitch", prepared_for="Mei Lin", paper="letter")
    written = tmp_path / "packet.pdf"
    assert written.exists()
    text = pdf_text(written)
    assert "Prepared for Mei Lin, Director of Manufacturing" in text
    assert "IT Management Mentoring 2027" in text
    caption, suggested = fakes["save"][0]
    assert caption == "Export pitch packet"
    assert suggested.endswith("IT Management Mentoring 2027 - pitch packet.pdf")
    assert fakes["open"] == [written] and fakes["opened"] == [written]
    assert fakes["error"] == [] and fakes["crash"] == []


def test_report_as_of_a_date(stored, window, fakes, tmp_path, monkeypatch) -> None:
    db_path, program_id = stored
    save_to(monkeypatch, fakes, tmp_path / "report.pdf")
    export.export_pdf(window, db_path, program_id, "report", today=date(2027, 7, 15))
    assert "Next survey due: 15 Dec 2027" in pdf_text(tmp_path / "report.pdf")


def test_no_file_chosen_does_nothing(stored, window, fakes, tmp_path, monkeypatch) -> None:
    db_path, program_id = stored
    save_to(monkeypatch, fakes, None)
    export.export_pdf(window, db_path, program_id, "stakeholders")
    assert fakes["open"] == [] and fakes["error"] == [] and list(tmp_path.glob("*.pdf")) == []


def test_a_problem_is_shown_and_nothing_written(
    stored, window, fakes, tmp_path, monkeypatch
) -> None:
    db_path, program_id = stored
    save_to(monkeypatch, fakes, tmp_path / "missing-folder" / "map.pdf")
    export.export_pdf(window, db_path, program_id, "stakeholders")
    assert len(fakes["error"]) == 1 and "cannot write" in fakes["error"][0]
    save_to(monkeypatch, fakes, tmp_path / "pitch.pdf")
    export.export_pdf(window, db_path, program_id, "pitch", prepared_for="Nobody")
    assert "not a stakeholder" in fakes["error"][1]
    assert not (tmp_path / "pitch.pdf").exists()
    assert fakes["open"] == [] and fakes["crash"] == []


def test_cancel_in_the_progress_dialog_stops_the_build(
    stored, window, fakes, tmp_path, monkeypatch
) -> None:
    from mentor_desk.reports.base import ExportCancelled

    db_path, program_id = stored
    out = tmp_path / "report.pdf"
    save_to(monkeypatch, fakes, out)
    seen = {}

    def slow_build(program, *, progress, cancelled, **kwargs):  # noqa: ANN001, ANN202
        # stands in for a long document: reports progress until Cancel is pressed
        seen["program"] = program.name
        deadline = time.monotonic() + 10
        while not cancelled() and time.monotonic() < deadline:
            progress(10, 100)
            time.sleep(0.01)
        if cancelled():
            raise ExportCancelled()
        services.write_atomically(kwargs["path"], b"%PDF-not-cancelled")

    monkeypatch.setattr(services, "write_document", slow_build)

    def press_cancel() -> None:
        dialogs = window.findChildren(QProgressDialog)
        if dialogs:
            dialogs[0].findChild(QPushButton).click()  # what the user presses
        else:
            QTimer.singleShot(20, press_cancel)

    QTimer.singleShot(50, press_cancel)
    export.export_pdf(window, db_path, program_id, "report")
    assert seen["program"] == "IT Management Mentoring 2027"  # loaded in the worker's thread
    assert not out.exists()
    assert fakes["open"] == [] and fakes["error"] == [] and fakes["crash"] == []


def test_suggested_file_name_is_safe() -> None:
    assert export.suggested_file_name('a/b:c*<img src=x>"', "report") == (
        "a_b_c_img src=x_ - progress report.pdf"
    )
    assert export.suggested_file_name("...", "pitch") == "program - pitch packet.pdf"


def test_preview_chosen_after_export(stored, window, fakes, tmp_path, monkeypatch) -> None:
    db_path, program_id = stored
    save_to(monkeypatch, fakes, tmp_path / "report.pdf")
    monkeypatch.setattr(export, "ask_open", lambda parent, path: "preview")
    monkeypatch.setattr(export, "preview_pdf", lambda parent, path: fakes["preview"].append(path))
    export.export_pdf(window, db_path, program_id, "report")
    assert fakes["preview"] == [tmp_path / "report.pdf"] and fakes["opened"] == []


def test_preview_shows_the_pages(stored, qtbot, tmp_path, monkeypatch) -> None:
    db_path, program_id = stored
    out = tmp_path / "map.pdf"
    with services.open_file(db_path, readonly=True) as pf:
        services.write_document(
            services.load_program(pf, program_id), kind="stakeholders", path=out, today=date.today()
        )
    shown = {}

    def run(dialog):  # noqa: ANN001, ANN202
        shown["pages"] = dialog.document.pageCount()
        shown["name"] = dialog.view.accessibleName()
        return 0

    monkeypatch.setattr(export.dialogs, "exec_dialog", run)
    export.preview_pdf(None, out)
    assert shown == {"pages": 2, "name": "Document preview"}


def test_preview_of_a_broken_file_says_so(qtbot, fakes, tmp_path) -> None:
    bad = tmp_path / "bad.pdf"
    bad.write_bytes(b"not a pdf")
    export.preview_pdf(None, bad)
    assert len(fakes["error"]) == 1 and "could not be read" in fakes["error"][0]
