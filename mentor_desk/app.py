"""Start-up wiring for the window: the QApplication, the program file, the main window.

``create_window(db_path)`` is the public factory tests use; ``run_gui`` is
what ``mentor-desk`` without a verb runs: it resolves the file, shows a
file that cannot be opened (damaged, not ours, newer, in use) as a message
with the path and offers to open another or quit, and turns any unexpected
exception into a crash dialog with the details instead of a silent exit.
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

from PySide6.QtWidgets import QApplication

import mentor_desk.ui  # noqa: F401 - first: its guard keeps None/True alive under PySide6 6.12

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
    assert isinstance(app, QApplication)
    return app


def import_store_lean() -> None:
    """Import sqlite-utils now, without numpy (see ``store.database.import_sqlite_utils``).

    Start-up does not need it: a file that is up to date is opened and read
    with ``sqlite3``; the window imports sqlite-utils on an idle timer once it
    is shown, and the first write imports it if that has not happened yet.
    """
    from mentor_desk.store.database import import_sqlite_utils

    import_sqlite_utils()


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
    from mentor_desk import services
    from mentor_desk.errors import KnownError
    from mentor_desk.paths import resolve_db_path
    from mentor_desk.ui import dialogs
    from mentor_desk.ui.main_window import MainWindow

    path = resolve_db_path(db_arg)
    while True:
        try:
            pf = services.open_file(path)
            break
        except KnownError as exc:
            choice = dialogs.ask_choice(
                None,
                f"Mentor Desk cannot open the file\n{path}\n\n{exc}\n\n"
                "The file was left as it was. Open another file, or quit?",
                ["Open another file…", "Quit"],
                "Cannot open the program file",
            )
            if choice != 0:
                return 2
            name = dialogs.open_file_name(
                None, "Open a Mentor Desk file", "Mentor Desk files (*.db *.sqlite);;All files (*)"
            )
            if not name:
                return 2
            path = Path(name)
    window = MainWindow(pf)
    window.show()
    return app.exec()
