"""File > Export: a document as PDF, made off the GUI thread with progress and Cancel.

``export_pdf(parent, db_path, program_id, kind)`` asks where to save (through
``ask_save_path``), makes the document in a worker thread that opens its own
read-only connection to the program file (SQLite connections belong to one
thread), shows a progress dialog whose Cancel stops it with nothing written,
then offers to open the PDF (``ask_open`` and ``open_pdf``). Every dialog is
a module attribute that tests replace. ``preview_pdf`` shows a PDF in the
window with QtPdf (imported only then).
"""

from __future__ import annotations

import re
import threading
import traceback
from datetime import date
from pathlib import Path

from PySide6.QtCore import QEventLoop, QObject, QStandardPaths, Qt, QThread, QUrl, Signal, Slot
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QLabel,
    QProgressDialog,
    QVBoxLayout,
    QWidget,
)

from mentor_desk.errors import KnownError
from mentor_desk.ui import dialogs

# kind -> (menu wording, the document's name in a file name)
KINDS = {
    "pitch": ("pitch packet", "pitch packet"),
    "stakeholders": ("stakeholder map", "stakeholder map"),
    "report": ("progress report", "progress report"),
}
PDF_FILTER = "PDF documents (*.pdf)"


def _ask_save_path(parent: QWidget | None, caption: str, suggested: str) -> str | None:
    name, _ = QFileDialog.getSaveFileName(parent, caption, suggested, PDF_FILTER)
    return name or None


def _ask_open(parent: QWidget | None, path: Path) -> str | None:
    choice = dialogs.ask_choice(
        parent,
        f"The document was saved as\n{path}",
        ["Open in PDF viewer", "Preview here", "Close"],
    )
    return {0: "open", 1: "preview"}.get(choice) if choice is not None else None


def _open_pdf(path: Path) -> bool:
    return QDesktopServices.openUrl(QUrl.fromLocalFile(str(path)))


# The dialogs, replaceable by tests: (parent, caption, suggested path) -> path or None;
# (parent, path) -> "open", "preview" or None; (path) -> opened?; (parent, message) -> None.
ask_save_path = _ask_save_path
ask_open = _ask_open
open_pdf = _open_pdf
show_error = dialogs.show_error
show_crash = dialogs.show_crash


def suggested_file_name(program_name: str, kind: str) -> str:
    """ "Program - pitch packet.pdf", with characters no file system accepts replaced."""
    safe = re.sub(r'[\x00-\x1f\x7f/\\:*?"<>|]+', "_", program_name).strip(" .") or "program"
    return f"{safe[:80].rstrip()} - {KINDS[kind][1]}.pdf"


class ExportWorker(QObject):
    """Makes one document in its own thread.

    Signals: ``progressed(int)`` percent done; ``finished(str, str)`` with
    (outcome, message), outcome "done", "cancelled", "error" (a KnownError's
    message) or "bug" (a traceback).
    """

    progressed = Signal(int)
    finished = Signal(str, str)

    def __init__(
        self,
        db_path: Path,
        program_id: int,
        kind: str,
        path: Path,
        *,
        today: date,
        prepared_for: str | None,
        paper: str,
    ) -> None:
        super().__init__()
        self.db_path = Path(db_path)
        self.program_id = program_id
        self.kind = kind
        self.path = Path(path)
        self.today = today
        self.prepared_for = prepared_for
        self.paper = paper
        self._cancel = threading.Event()

    def cancel(self) -> None:
        """Ask the build to stop at its next step (safe from any thread)."""
        self._cancel.set()

    @Slot()
    def run(self) -> None:
        from mentor_desk import services
        from mentor_desk.reports.base import ExportCancelled

        try:
            with services.open_file(self.db_path, readonly=True) as pf:
                program = services.load_program(pf, self.program_id)
            services.write_document(
                program,
                kind=self.kind,
                path=self.path,
                today=self.today,
                paper=self.paper,
                prepared_for=self.prepared_for,
                progress=lambda done, total: self.progressed.emit(done * 100 // max(total, 1)),
                cancelled=self._cancel.is_set,
            )
        except ExportCancelled:
            self.finished.emit("cancelled", "")
        except KnownError as exc:
            self.finished.emit("error", str(exc))
        except Exception:  # a bug: reported with its details, never silently lost
            self.finished.emit("bug", traceback.format_exc())
        else:
            self.finished.emit("done", "")


def _program_name(db_path: Path, program_id: int) -> str:
    from mentor_desk import services

    with services.open_file(db_path, readonly=True) as pf:
        return services.find_program(pf, program_id).name


def export_pdf(
    parent: QWidget | None,
    db_path: Path,
    program_id: int,
    kind: str,
    *,
    today: date | None = None,
    prepared_for: str | None = None,
    paper: str = "a4",
) -> None:
    """Ask for a file name, make the document with progress and Cancel, offer to open it.

    ``kind`` is "pitch", "stakeholders" or "report". Returns when the export
    is done, cancelled or refused (each told to the user); the window stays
    responsive meanwhile.
    """
    if kind not in KINDS:
        raise ValueError(f"unknown document kind {kind!r}")
    title = KINDS[kind][0]
    try:
        name = _program_name(Path(db_path), program_id)
    except KnownError as exc:
        show_error(parent, str(exc))
        return
    folder = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.DocumentsLocation)
    suggested = str(Path(folder or Path.home()) / suggested_file_name(name, kind))
    chosen = ask_save_path(parent, f"Export {title}", suggested)
    if not chosen:
        return
    path = Path(chosen)
    if path.suffix.lower() != ".pdf":
        path = path.with_name(path.name + ".pdf")

    worker = ExportWorker(
        Path(db_path), program_id, kind, path,
        today=today or date.today(), prepared_for=prepared_for, paper=paper,
    )  # fmt: skip
    thread = QThread()
    worker.moveToThread(thread)

    progress = QProgressDialog(parent)
    progress.setWindowTitle(f"Export {title}")
    label = QLabel(f"Making the {title}…")
    label.setTextFormat(Qt.TextFormat.PlainText)
    progress.setLabel(label)
    progress.setCancelButtonText("Cancel")
    progress.setRange(0, 100)
    progress.setWindowModality(Qt.WindowModality.WindowModal)
    progress.setMinimumDuration(400)
    progress.setAutoClose(False)
    progress.setAutoReset(False)
    progress.setAccessibleName(f"Exporting the {title}")

    outcome: list[tuple[str, str]] = []
    loop = QEventLoop()

    def on_finished(result: str, message: str) -> None:
        outcome.append((result, message))
        thread.quit()

    worker.progressed.connect(progress.setValue)
    worker.finished.connect(on_finished)
    # direct: the worker's thread is busy building, so a queued call would come too late
    progress.canceled.connect(worker.cancel, Qt.ConnectionType.DirectConnection)
    thread.started.connect(worker.run)
    thread.finished.connect(loop.quit)
    thread.start()
    loop.exec()  # the window keeps repainting; the progress dialog takes Cancel
    thread.wait()
    progress.close()
    progress.deleteLater()

    result, message = outcome[0] if outcome else ("bug", "the export stopped without a result")
    if result == "done":
        choice = ask_open(parent, path)
        if choice == "open":
            open_pdf(path)
        elif choice == "preview":
            preview_pdf(parent, path)
    elif result == "error":
        show_error(parent, message)
    elif result == "bug":
        show_crash(parent, message)
    # cancelled: the user asked for it; nothing was written, nothing to say


class PdfPreview(QDialog):
    """A PDF shown in the window (QtPdf): pages one under another, fit to width.

    Attributes: ``document`` (QPdfDocument), ``view`` (QPdfView).
    """

    def __init__(self, path: Path, parent: QWidget | None = None) -> None:
        from PySide6.QtPdf import QPdfDocument
        from PySide6.QtPdfWidgets import QPdfView

        super().__init__(parent)
        self.setWindowTitle(f"Preview: {Path(path).name}")
        self.document = QPdfDocument(self)
        error = self.document.load(str(path))
        if error != QPdfDocument.Error.None_:
            raise KnownError(f"cannot show {path}: the PDF could not be read ({error.name})")
        self.view = QPdfView(self)
        self.view.setAccessibleName("Document preview")
        self.view.setDocument(self.document)
        self.view.setPageMode(QPdfView.PageMode.MultiPage)
        self.view.setZoomMode(QPdfView.ZoomMode.FitToWidth)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        open_button = buttons.addButton(
            "Open in PDF viewer", QDialogButtonBox.ButtonRole.ActionRole
        )
        open_button.clicked.connect(lambda: open_pdf(Path(path)))
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.view)
        layout.addWidget(buttons)
        self.resize(760, 900)


def preview_pdf(parent: QWidget | None, path: Path) -> None:
    """Show a PDF in the window (e.g. the document just exported)."""
    try:
        dialog = PdfPreview(Path(path), parent)
    except KnownError as exc:
        show_error(parent, str(exc))
        return
    try:
        dialogs.exec_dialog(dialog)
    finally:
        dialog.deleteLater()
