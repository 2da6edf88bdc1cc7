"""Start-up wiring for the window: the QApplication, the program file, the main window.

``create_window(db_path)`` is the public factory tests use; ``run_gui`` is
what ``mentor-desk`` without a verb runs: it resolves the file and opens it
through ``ui/opening.py`` (a read-only file opens read-only with a notice; a
damaged one can be moved aside and its newest good backup restored, with the
user's consent; a file in use can be opened read-only; otherwise a message
with the path and the offer to open another or quit), and turns any
unexpected exception into a crash dialog with the details instead of a
silent exit. ``open_start_window`` is that start-up without the event loop.
ReportLab, QtCharts, scipy and jsonschema are imported only when a feature
needs them.
"""

from __future__ import annotations

import contextlib
import os
import sys
import traceback
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QSize
from PySide6.QtGui import QIcon
from PySide6.QtWidgets import QApplication

import mentor_desk.ui  # noqa: F401 - first: its guard keeps None/True alive under PySide6 6.12
from mentor_desk import paths

if TYPE_CHECKING:
    from mentor_desk.ui.main_window import MainWindow


def ensure_app() -> QApplication:
    """The QApplication (created once, named for settings and window titles)."""
    app = QApplication.instance()
    if app is None:
        app = QApplication(sys.argv[:1])
        app.setApplicationName("Mentor Desk")
        app.setOrganizationName("mentor-desk")
        app.setApplicationDisplayName("Mentor Desk")
        app.setDesktopFileName(paths.APP_NAME)  # resources/mentor-desk.desktop
        app.setWindowIcon(window_icon())
    assert isinstance(app, QApplication)
    from mentor_desk.ui.fonts import register_shipped_fonts

    register_shipped_fonts()
    return app


def window_icon() -> QIcon:
    """The application's icon in every size a desktop asks for (title bar, task switcher)."""
    icon = QIcon()
    for size in paths.ICON_SIZES:
        icon.addFile(str(paths.icon_file(size)), QSize(size, size))
    return icon


def create_window(db_path: str | os.PathLike[str]) -> MainWindow:
    """Open the program file at ``db_path`` and build the main window on it (not shown)."""
    ensure_app()
    from mentor_desk import services
    from mentor_desk.ui.main_window import MainWindow

    pf = services.open_file(Path(db_path))
    try:
        return MainWindow(pf)
    except BaseException:
        pf.close()
        raise


def _install_crash_handler() -> None:
    from mentor_desk.ui import dialogs

    def handler(kind: type[BaseException], value: BaseException, tb: Any) -> None:
        details = "".join(traceback.format_exception(kind, value, tb))
        print(details, file=sys.stderr)
        if issubclass(kind, KeyboardInterrupt):
            QApplication.quit()
            return
        with contextlib.suppress(Exception):  # the crash dialog itself must never crash
            dialogs.show_crash(QApplication.activeWindow(), details)

    sys.excepthook = handler


def run_gui(db_arg: str | None) -> int:
    """Show the window on the file ``--db`` / ``$MENTOR_DESK_DB`` / the default names."""
    app = ensure_app()
    _install_crash_handler()
    window = open_start_window(db_arg)
    if window is None:
        return 2
    window.show()
    return app.exec()


def open_start_window(db_arg: str | None) -> MainWindow | None:
    """The start-up window (not shown), or None when the user chose to quit.

    A file that cannot be opened is explained (``ui/opening.py``): a read-only
    one opens read-only with a notice, a damaged one can be moved aside and
    its newest good backup restored, else the user opens another file or quits.
    """
    ensure_app()
    from mentor_desk.paths import resolve_db_path
    from mentor_desk.store.database import ProgramFile
    from mentor_desk.ui import dialogs
    from mentor_desk.ui.main_window import MainWindow
    from mentor_desk.ui.opening import open_for_window

    path = resolve_db_path(db_arg)
    while True:
        outcome = open_for_window(None, path, ["Open another file…", "Quit"])
        if isinstance(outcome, ProgramFile):
            break
        if outcome != 0:
            return None
        name = dialogs.open_file_name(
            None, "Open a Mentor Desk file", "Mentor Desk files (*.db *.sqlite);;All files (*)"
        )
        if not name:
            return None
        path = Path(name)
    try:
        return MainWindow(outcome)
    except BaseException:
        outcome.close()
        raise
