"""The main window: programs on the left, the step navigator, the pages, menus and settings.

The window owns the open ``ProgramFile`` and a ``ProgramSession`` over it;
everything it shows is built from the session and every change goes through
it (so Undo covers it). The five step pages come from
``mentor_desk/ui/pages/<step>.py`` (``BusinessCasePage``, ``BuyInPage``,
``LeadersPage``, ``DesignPage``, ``LaunchPage``). Window geometry, the last
file and program are kept in an INI file under the user's config directory;
the current step is kept per program in the program file itself.
"""

from __future__ import annotations

import importlib
import linecache
import re
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

import shiboken6
from PySide6.QtCore import (
    QAbstractListModel,
    QItemSelectionModel,
    QModelIndex,
    QPersistentModelIndex,
    QSettings,
    Qt,
    QTimer,
)
from PySide6.QtGui import QAction, QCloseEvent, QKeySequence, QShowEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QHBoxLayout,
    QLabel,
    QListView,
    QMainWindow,
    QPushButton,
    QSplitter,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from mentor_desk import services
from mentor_desk.domain import model as m
from mentor_desk.domain.findings import Severity, Target
from mentor_desk.errors import ConflictError, KnownError
from mentor_desk.store.database import ProgramFile
from mentor_desk.ui import dialogs
from mentor_desk.ui.display import plain_label
from mentor_desk.ui.findings_panel import status_icon
from mentor_desk.ui.pages.base import StepPage
from mentor_desk.ui.program_list import ProgramList
from mentor_desk.ui.session import ProgramSession

if TYPE_CHECKING:
    from mentor_desk.ui.dashboard import Dashboard

APP_TITLE = "Mentor Desk"
PAGE_MODULES = {
    m.Step.BUSINESS_CASE: ("business_case", "BusinessCasePage"),
    m.Step.BUY_IN: ("buy_in", "BuyInPage"),
    m.Step.LEADERS: ("leaders", "LeadersPage"),
    m.Step.DESIGN: ("design", "DesignPage"),
    m.Step.LAUNCH: ("launch", "LaunchPage"),
}
STEP_ROLE = int(Qt.ItemDataRole.UserRole) + 1
DASHBOARD_ROW = 0
# How long after the window is first shown it starts getting the first write ready.
WARM_UP_DELAY_MS = 100


def settings_path() -> Path:
    import platformdirs

    return Path(platformdirs.user_config_dir("mentor-desk", appauthor=False)) / "mentor-desk.ini"


def app_settings() -> QSettings:
    """Window settings in an INI file under the user's config directory."""
    return QSettings(str(settings_path()), QSettings.Format.IniFormat)


def page_class(step: m.Step) -> type[StepPage]:
    """The page class of a step, from ``mentor_desk.ui.pages.<module>``."""
    module_name, class_name = PAGE_MODULES[step]
    full = f"mentor_desk.ui.pages.{module_name}"
    try:
        module = importlib.import_module(full)
    except ModuleNotFoundError as exc:
        if exc.name != full:
            raise
        # the page is not written yet: its findings are still shown
        return type(class_name, (StepPage,), {"step": step, "intro": "Findings of this step."})
    return getattr(module, class_name)


def status_text(errors: int, warnings: int) -> str:
    if not errors and not warnings:
        return "Done"
    parts = []
    if errors:
        parts.append(f"{errors} error{'s' if errors != 1 else ''}")
    if warnings:
        parts.append(f"{warnings} warning{'s' if warnings != 1 else ''}")
    text = ", ".join(parts)
    return text if errors else f"Done, {text}"


class NavigatorModel(QAbstractListModel):
    """Dashboard, then the five steps with their status from the findings."""

    def __init__(self, session: ProgramSession, parent: Any = None):
        super().__init__(parent)
        self.session = session
        session.findingsChanged.connect(self.refresh)
        session.programChanged.connect(self.refresh)

    def refresh(self) -> None:
        self.dataChanged.emit(self.index(0), self.index(len(m.Step)))

    def step(self, row: int) -> m.Step | None:
        return None if row == DASHBOARD_ROW else list(m.Step)[row - 1]

    def row_of(self, step: m.Step | None) -> int:
        return DASHBOARD_ROW if step is None else list(m.Step).index(step) + 1

    def counts(self, step: m.Step) -> tuple[int, int]:
        findings = self.session.findings_for(step)
        errors = sum(1 for f in findings if f.severity is Severity.ERROR)
        return errors, len(findings) - errors

    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(m.Step) + 1

    def data(
        self, index: QModelIndex | QPersistentModelIndex, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if not index.isValid():
            return None
        step = self.step(index.row())
        if step is None:
            if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.AccessibleTextRole):
                return "Dashboard"
            return None
        errors, warnings = self.counts(step)
        has_program = self.session.program is not None
        status = status_text(errors, warnings) if has_program else ""
        if role == Qt.ItemDataRole.DisplayRole:
            return f"{step.number}. {step.title}" + (f"\n{status}" if status else "")
        if role == Qt.ItemDataRole.AccessibleTextRole:
            return f"Step {step.number}, {step.title}" + (f": {status}" if status else "")
        if role == Qt.ItemDataRole.DecorationRole and has_program:
            if errors:
                return status_icon("error")
            return status_icon("warning" if warnings else "done")
        if role == STEP_ROLE:
            return step.value
        return None


class StepPages(Mapping[m.Step, StepPage]):
    """The window's step pages by step, each built the first time it is asked for."""

    def __init__(self, window: MainWindow):
        self._window = window
        self._built: dict[m.Step, StepPage] = {}

    def __getitem__(self, step: m.Step) -> StepPage:
        page = self._built.get(step)
        if page is None:
            page = self._window._build_page(step)
            self._built[step] = page
        return page

    def __iter__(self) -> Iterator[m.Step]:
        return iter(m.Step)

    def __len__(self) -> int:
        return len(m.Step)

    def built(self) -> dict[m.Step, StepPage]:
        """The pages built so far (without building the others)."""
        return dict(self._built)


class MainWindow(QMainWindow):
    """Programs, steps, pages; the File, Edit, Program and Help menus.

    Attributes:
        pf: the open ProgramFile (closed with the window).
        session: the ProgramSession every page shares.
        pages: the StepPage of each Step (a mapping; a page is built on first use).
        dashboard: the Dashboard widget (built the first time it is shown or asked for).
    """

    def __init__(self, pf: ProgramFile, settings: QSettings | None = None):
        super().__init__()
        self.settings = settings or app_settings()
        self.setWindowTitle(APP_TITLE)
        self._closing = False
        self._warm_up: list[Any] | None = None  # the steps left; None until first shown
        self._warm_up_timer = QTimer(self)
        self._warm_up_timer.setSingleShot(True)
        self._warm_up_timer.timeout.connect(self._warm_up_step)
        self._make_actions()
        self._make_menus()
        self._set_file(pf)
        # PySide6 reads the whole source of every module imported after it (to see
        # whether the module uses PySide6, for its `__feature__` switching), and
        # linecache keeps the lines: about 4 MB by now that nothing needs (a
        # traceback reads them again). Dropped before the program is loaded and
        # its page built, so that they are built in that memory instead of beside it.
        linecache.clearcache()
        self._restore_settings()

    # ----- after the first frame -------------------------------------------------------

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        if self._warm_up is None:
            self._warm_up = self.pf.warm_up_steps()
            self._warm_up_timer.start(WARM_UP_DELAY_MS)

    def _warm_up_step(self) -> None:
        """Get the first write ready (sqlite-utils), one small step per turn of the event loop.

        Start-up does not import sqlite-utils; this does, soon after the window
        is first shown, so that the first edit does not wait for it. An edit
        made before it is done still works: the write imports what is left.
        """
        if self._closing or not self._warm_up:
            return
        self._warm_up.pop(0)()
        linecache.clearcache()  # the sources PySide6 just read (see __init__)
        if self._warm_up:
            self._warm_up_timer.start(0)

    # ----- building ----------------------------------------------------------------

    def _set_file(self, pf: ProgramFile) -> None:
        self.pf = pf
        self.session = ProgramSession(pf, self)
        self.session.dialog_parent = self
        stack = self.session.undo_stack
        stack.indexChanged.connect(self._undo_state)
        stack.cleanChanged.connect(self._undo_state)
        self.undo_action.setEnabled(False)
        self.redo_action.setEnabled(False)

        old = self.centralWidget()
        self.splitter = QSplitter(Qt.Orientation.Horizontal, self)
        self.program_list = ProgramList(self.session, self.splitter)
        self.program_list.programActivated.connect(self.open_program)
        self.program_list.newRequested.connect(self.new_program)
        self.program_list.deleted.connect(self._program_deleted)
        self.splitter.addWidget(self.program_list)

        self.outer = QStackedWidget(self.splitter)
        self.welcome = self._make_welcome()
        self.outer.addWidget(self.welcome)
        self.work = QWidget(self.outer)
        work = QVBoxLayout(self.work)
        work.setContentsMargins(0, 0, 0, 0)
        body = QHBoxLayout()
        nav_box = QVBoxLayout()
        nav_caption = QLabel("S&teps", self.work)
        nav_box.addWidget(nav_caption)
        self.navigator_model = NavigatorModel(self.session, self)
        self.navigator = QListView(self.work)
        self.navigator.setModel(self.navigator_model)
        self.navigator.setAccessibleName("Steps")
        self.navigator.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.navigator.setSpacing(3)
        width = self.navigator.fontMetrics().horizontalAdvance("2 errors, 12 warnings") + 60
        self.navigator.setFixedWidth(width)
        nav_caption.setBuddy(self.navigator)
        nav_box.addWidget(self.navigator, 1)
        body.addLayout(nav_box)
        self.pages_stack = QStackedWidget(self.work)
        self._dashboard: Dashboard | None = None
        self.pages = StepPages(self)
        for _row in range(len(m.Step) + 1):  # stand-ins: the dashboard and each page
            self.pages_stack.addWidget(QWidget(self.pages_stack))  # are built when first needed
        body.addWidget(self.pages_stack, 1)
        work.addLayout(body, 1)
        buttons = QHBoxLayout()
        self.back_button = QPushButton("< &Back", self.work)
        self.back_button.setAccessibleName("Back")
        self.next_button = QPushButton("&Next >", self.work)
        self.next_button.setAccessibleName("Next")
        self.back_button.clicked.connect(lambda: self.move_step(-1))
        self.next_button.clicked.connect(lambda: self.move_step(1))
        buttons.addStretch(1)
        buttons.addWidget(self.back_button)
        buttons.addWidget(self.next_button)
        work.addLayout(buttons)
        self.outer.addWidget(self.work)
        self.splitter.addWidget(self.outer)
        self.splitter.setStretchFactor(0, 0)
        self.splitter.setStretchFactor(1, 1)
        self.splitter.setSizes([260, 1100])
        self.setCentralWidget(self.splitter)
        if old is not None:
            old.deleteLater()

        self.undo_note = QPushButton("Undo", self)
        self.undo_note.setAccessibleName("Undo delete")
        self.undo_note.clicked.connect(self.session.undo)
        self.undo_note.hide()
        self.statusBar().addPermanentWidget(self.undo_note)

        self.navigator.selectionModel().currentRowChanged.connect(self._on_nav)
        self.session.programChanged.connect(self._on_program_changed)
        self.session.programsChanged.connect(self._update_welcome)
        self.session.programsChanged.connect(self._update_title)
        self._on_program_changed()
        self._update_file_notice()

    def _make_welcome(self) -> QWidget:
        welcome = QWidget(self.outer)
        layout = QVBoxLayout(welcome)
        layout.addStretch(1)
        self.welcome_text = plain_label("", welcome, wrap=True)
        self.welcome_text.setAlignment(Qt.AlignmentFlag.AlignCenter)
        layout.addWidget(self.welcome_text)
        row = QHBoxLayout()
        row.addStretch(1)
        self.welcome_new = QPushButton("&Create a program…", welcome)
        self.welcome_new.clicked.connect(self.new_program)
        self.welcome_demo = QPushButton("Load the &example program", welcome)
        self.welcome_demo.clicked.connect(self.load_demo)
        row.addWidget(self.welcome_new)
        row.addWidget(self.welcome_demo)
        row.addStretch(1)
        layout.addLayout(row)
        layout.addStretch(2)
        return welcome

    def _make_actions(self) -> None:
        def action(text: str, slot: Any, shortcut: Any = None) -> QAction:
            act = QAction(text, self)
            act.triggered.connect(slot)
            if shortcut is not None:
                if isinstance(shortcut, list):
                    act.setShortcuts(shortcut)
                else:
                    act.setShortcut(shortcut)
            return act

        self.new_action = action("&New program…", self.new_program, QKeySequence.StandardKey.New)
        self.open_action = action(
            "&Open database…", self.open_database, QKeySequence.StandardKey.Open
        )
        self.restore_action = action("Restore from &backup…", self.restore_from_backup)
        self.import_action = action("&Import program (JSON)…", self.import_program)
        self.export_action = action("&Export program (JSON)…", self.export_program)
        self.pitch_action = action("Export &pitch packet…", lambda: self.export_pdf("pitch"))
        self.pitch_for_action = action(
            "Export pitch packet &for a stakeholder…", self.export_pitch_for
        )
        self.map_action = action(
            "Export &stakeholder map…", lambda: self.export_pdf("stakeholders")
        )
        self.report_action = action("Export progress &report…", lambda: self.export_pdf("report"))
        self.csv_action = action("Import p&articipants (CSV)…", self.import_participants)
        self.quit_action = action("&Quit", self.close, QKeySequence.StandardKey.Quit)
        self.undo_action = action("&Undo", self._undo, QKeySequence.StandardKey.Undo)
        self.redo_action = action(
            "&Redo", self._redo, [QKeySequence("Ctrl+Shift+Z"), QKeySequence("Ctrl+Y")]
        )
        self.find_action = action("&Find program", self.find, QKeySequence.StandardKey.Find)
        self.rename_action = action("&Rename…", lambda: self.program_list.rename())
        self.duplicate_action = action("&Duplicate…", lambda: self.program_list.duplicate())
        self.delete_action = action("De&lete…", lambda: self.program_list.delete())
        self.match_action = action("Propose &pairs…", self.propose_pairs)
        self.demo_action = action("Load the &example program", self.load_demo)
        self.about_action = action("&About Mentor Desk", self.about)
        self.program_actions = [
            self.export_action,
            self.pitch_action,
            self.pitch_for_action,
            self.map_action,
            self.report_action,
            self.csv_action,
            self.rename_action,
            self.duplicate_action,
            self.delete_action,
            self.match_action,
        ]

    def _make_menus(self) -> None:
        bar = self.menuBar()
        file_menu = bar.addMenu("&File")
        for act in (self.new_action, self.open_action, self.restore_action):
            file_menu.addAction(act)
        file_menu.addSeparator()
        for act in (self.import_action, self.export_action):
            file_menu.addAction(act)
        file_menu.addSeparator()
        for act in (self.pitch_action, self.pitch_for_action, self.map_action, self.report_action):
            file_menu.addAction(act)
        file_menu.addSeparator()
        file_menu.addAction(self.csv_action)
        file_menu.addSeparator()
        file_menu.addAction(self.quit_action)
        edit_menu = bar.addMenu("&Edit")
        edit_menu.addAction(self.undo_action)
        edit_menu.addAction(self.redo_action)
        edit_menu.addSeparator()
        edit_menu.addAction(self.find_action)
        program_menu = bar.addMenu("P&rogram")
        for act in (
            self.rename_action,
            self.duplicate_action,
            self.delete_action,
            self.match_action,
            self.demo_action,
        ):
            program_menu.addAction(act)
        help_menu = bar.addMenu("&Help")
        help_menu.addAction(self.about_action)

    # ----- programs and steps ---------------------------------------------------------

    def open_program(self, program_id: int | None) -> None:
        self.session.open_program(program_id)

    def _on_program_changed(self) -> None:
        program = self.session.program
        for act in self.program_actions:
            act.setEnabled(program is not None)
        self._update_welcome()
        self._update_title()
        if program is None:
            return
        step = services.current_step(self.pf, program_id=program.id)
        self.show_step(step, remember=False)

    def _update_title(self) -> None:
        program = self.session.program
        self.setWindowTitle(f"{program.name} — {APP_TITLE}" if program else APP_TITLE)

    def _update_welcome(self) -> None:
        if self.session.program is not None:
            self.outer.setCurrentWidget(self.work)
            return
        empty = not services.list_programs(self.pf)
        if empty:
            self.welcome_text.setText(
                "This file holds no programs yet.\n"
                "Create your first program, or load the example program to look around."
            )
        else:
            self.welcome_text.setText("Choose a program on the left, or create a new one.")
        self.welcome_demo.setVisible(empty)
        self.outer.setCurrentWidget(self.welcome)

    def current_step(self) -> m.Step | None:
        return self.navigator_model.step(max(self.navigator.currentIndex().row(), 0))

    def show_step(self, step: m.Step | None, *, remember: bool = True) -> None:
        """Show a step's page (None: the dashboard)."""
        row = self.navigator_model.row_of(step)
        if self.navigator.currentIndex().row() != row:
            self._remember = remember
            self.navigator.selectionModel().setCurrentIndex(
                self.navigator_model.index(row), QItemSelectionModel.SelectionFlag.ClearAndSelect
            )
            self._remember = True
        else:
            self._show_page(row)

    @property
    def dashboard(self) -> Dashboard:
        """The dashboard page, built (and its module imported) the first time it is needed."""
        if self._dashboard is None:
            from mentor_desk.ui.dashboard import Dashboard

            dashboard = Dashboard(self.session, self.pages_stack)
            self._replace_stand_in(DASHBOARD_ROW, dashboard)
            self._dashboard = dashboard
        return self._dashboard

    def _build_page(self, step: m.Step) -> StepPage:
        """Build a step's page in place of its stand-in (start-up builds only the one shown)."""
        page = page_class(step)(self.session, self.pages_stack)
        page.targetElsewhere.connect(lambda target, s=step: self._target_elsewhere(s, target))
        self._replace_stand_in(self.navigator_model.row_of(step), page)
        return page

    def _replace_stand_in(self, row: int, widget: QWidget) -> None:
        stand_in = self.pages_stack.widget(row)
        current = self.pages_stack.currentIndex()
        self.pages_stack.insertWidget(row, widget)
        self.pages_stack.removeWidget(stand_in)
        stand_in.deleteLater()
        self.pages_stack.setCurrentIndex(current)

    def _show_page(self, row: int) -> None:
        step = self.navigator_model.step(row)
        if step is None:
            self.dashboard  # noqa: B018 - built on first view
        else:
            self.pages[step]  # built on first view
        self.pages_stack.setCurrentIndex(row)
        self.back_button.setEnabled(row > 0)
        self.next_button.setEnabled(row < len(m.Step))

    def _on_nav(self, current: QModelIndex, _previous: QModelIndex) -> None:
        if not current.isValid():
            return
        self.session.flush()
        self._show_page(current.row())
        step = self.navigator_model.step(current.row())
        if (
            step is not None
            and self.session.program_id is not None
            and getattr(self, "_remember", True)
            and not self.pf.readonly
        ):
            try:
                services.set_current_step(self.pf, program_id=self.session.program_id, step=step)
            except KnownError as exc:
                self.statusBar().showMessage(f"The current step was not saved: {exc}", 8000)

    def move_step(self, delta: int) -> None:
        row = self.navigator.currentIndex().row() + delta
        if 0 <= row <= len(m.Step):
            self.show_step(self.navigator_model.step(row))

    def _target_elsewhere(self, step: m.Step, target: Target) -> None:
        for other, page in self.pages.items():
            if other != step and page.focus_target(target):
                self.show_step(other)
                page.focus_target(target)
                return

    def go_to_target(self, step: m.Step, target: Target | None) -> bool:
        """Show ``step``'s page and the field or row a finding is about."""
        self.show_step(step)
        if self.pages[step].focus_target(target):
            return True
        for other, page in self.pages.items():
            if other != step and page.focus_target(target):
                self.show_step(other)
                return True
        return False

    # ----- File menu -----------------------------------------------------------------

    def new_program(self) -> int | None:
        from mentor_desk.ui.new_program_wizard import NewProgramWizard

        if self._refuse_if_readonly("create a program"):
            return None
        self.session.flush()
        wizard = NewProgramWizard(self.pf, self)
        try:
            if dialogs.exec_dialog(wizard) != QDialog.DialogCode.Accepted:
                return None
            program = wizard.program()
        finally:
            wizard.deleteLater()
        program_id = self.session.create_program(program)
        if program_id is not None:
            self.show_step(m.Step.BUSINESS_CASE)
            self.statusBar().showMessage(f"Created the program {program.name}.", 5000)
        return program_id

    def load_demo(self) -> int | None:
        if self._refuse_if_readonly("load the example program"):
            return None
        program_id = self.session.load_demo()
        if program_id is not None:
            self.statusBar().showMessage("Loaded the example program.", 5000)
        return program_id

    def open_database(self) -> bool:
        name = dialogs.open_file_name(
            self, "Open a Mentor Desk file", "Mentor Desk files (*.db *.sqlite);;All files (*)"
        )
        if not name:
            return False
        return self.switch_file(Path(name))

    def switch_file(self, path: Path) -> bool:
        """Open another program file in this window; the current one stays open if it fails.

        A read-only file opens read-only (with the notice); for a file in use or
        damaged the user is asked (``ui/opening.py``).
        """
        from mentor_desk.ui.opening import open_for_window

        if Path(path).resolve() == Path(self.pf.path).resolve():
            return True
        self.session.flush()
        pf = open_for_window(self, Path(path))
        if not isinstance(pf, ProgramFile):
            return False
        self._swap_file(pf)
        return True

    def _swap_file(self, pf: ProgramFile, program_id: int | None = None) -> None:
        """Show ``pf`` in this window instead of the current file (which is closed)."""
        self.session.flush()
        old, old_session = self.pf, self.session
        old_session.undo_stack.blockSignals(True)
        self._set_file(pf)
        old_session.deleteLater()
        old.close()
        self._open_initial(program_id)

    # ----- read-only files and backups --------------------------------------------

    def _update_file_notice(self) -> None:
        """Show the read-only notice (and why) when the file is open read-only, else hide it;
        say so in the status bar when the daily backup could not be taken."""
        if self.pf.backup_problem:
            self.statusBar().showMessage(
                f"Warning: {self.pf.backup_problem}. The file is open; the backup is tried "
                "again the next time it is opened."
            )
        bar = getattr(self, "readonly_bar", None)
        if not self.pf.readonly:
            if bar is not None:
                bar.hide()
            return
        if bar is None:
            from mentor_desk.ui.readonly_bar import ReadOnlyBar

            bar = self.readonly_bar = ReadOnlyBar(self)
            bar.retryRequested.connect(self.reopen_for_editing)
            self.addToolBar(Qt.ToolBarArea.TopToolBarArea, bar)
        self.readonly_reason = services.readonly_reason(Path(self.pf.path))
        bar.set_reason(Path(self.pf.path).name, self.readonly_reason)
        bar.show()

    def _refuse_if_readonly(self, what: str) -> bool:
        """True (after telling the user) when the file is open read-only."""
        if not self.pf.readonly:
            return False
        reason = getattr(self, "readonly_reason", "it was opened read-only")
        dialogs.show_error(
            self,
            f"{Path(self.pf.path).name} is open read-only ({reason}), so Mentor Desk cannot "
            f"{what}. Nothing was changed.",
        )
        return True

    def reopen_for_editing(self) -> bool:
        """Open the read-only file again for writing (once it is writable or free)."""
        if not self.pf.readonly:
            return True
        path = Path(self.pf.path)
        try:
            pf = services.open_file(path)
        except KnownError as exc:
            dialogs.show_error(self, f"{path} still cannot be opened for editing: {exc}")
            self._update_file_notice()
            return False
        self._swap_file(pf, self.session.program_id)
        self.statusBar().showMessage(f"{path.name} is open for editing.", 5000)
        return True

    def restore_from_backup(self) -> bool:
        """File > Restore from backup…: choose a backup, confirm, restore it, reopen the file.

        The state replaced is backed up first; a refused restore (the backup of
        the current state cannot be taken, the file is read-only...) changes
        nothing and says why.
        """
        from mentor_desk.ui.backups_dialog import programs_text, taken_text

        title = "Restore from backup"
        if self._refuse_if_readonly("restore a backup over it"):
            return False
        self.session.flush()
        path = Path(self.pf.path)
        backups = services.list_backups(path)
        if not backups:
            dialogs.show_info(
                self,
                f"There are no backups of {path} yet.\n\nMentor Desk takes one when it "
                "opens a file that holds programs (once a day), before imports and updates "
                "of the file, and before a restore.",
                title,
            )
            return False
        chosen = dialogs.choose_backup(self, path, backups)
        if chosen is None:
            return False
        if not dialogs.ask_yes_no(
            self,
            f"Put the backup taken {taken_text(chosen.taken)} ({chosen.why}) in place of "
            f"{path.name}?\n\nIt holds: {programs_text(chosen)}.\n\nChanges made since then "
            "are replaced. The programs as they are now are backed up first, so you can come "
            "back to them with Restore from backup. Undo starts afresh.",
            title,
            yes_text="Restore",
        ):
            return False
        shown = self.session.program.name if self.session.program is not None else None
        self.pf.close()  # the restore needs the file closed; the window reopens it below
        error = kept = None
        try:
            kept = services.restore_backup(path, backup=chosen.path)
        except KnownError as exc:
            error = str(exc)
        try:
            pf = services.open_file(path)
        except KnownError:
            try:
                pf = services.open_file(path, readonly=True)
            except KnownError as exc:
                dialogs.show_error(self, f"{path} cannot be opened again: {exc}")
                self.close()
                return False
        ids = {p.name: p.id for p in services.list_programs(pf)}
        self._swap_file(pf, ids.get(shown) if shown is not None else None)
        if error is not None:
            dialogs.show_error(self, error, title)
            return False
        note = f" The state before it was kept as {kept.name}." if kept is not None else ""
        self.statusBar().showMessage(
            f"Restored the backup taken {taken_text(chosen.taken)}.{note}", 15000
        )
        return True

    def import_program(self) -> int | None:
        if self._refuse_if_readonly("import a program"):
            return None
        name = dialogs.open_file_name(
            self, "Import a program document", "Program documents (*.json);;All files (*)"
        )
        if not name:
            return None
        rename: str | None = None
        while True:
            try:
                program_id = services.import_file(self.pf, path=Path(name), rename=rename)
            except ConflictError as exc:
                rename = dialogs.ask_text(
                    self, f"{exc}\n\nImport it under this name:", rename or "", "Import program"
                )
                if rename is None:
                    return None
                continue
            except KnownError as exc:
                dialogs.show_error(self, str(exc))
                return None
            break
        self.session._push_new_program(program_id, "import program")
        self.statusBar().showMessage(f"Imported {name}.", 5000)
        return program_id

    def _suggested_name(self, suffix: str) -> str:
        program = self.session.program
        base = program.name if program else "program"
        return re.sub(r"[^\w.-]+", "-", base).strip("-") + suffix

    def export_program(self) -> bool:
        if self.session.program_id is None:
            return False
        self.session.flush()
        name = dialogs.save_file_name(
            self,
            "Export the program document",
            "Program documents (*.json)",
            self._suggested_name(".json"),
        )
        if not name:
            return False
        try:
            text = services.dump_program(self.pf, ref=self.session.program_id)
            services.write_atomically(Path(name), text.encode("utf-8"))
        except KnownError as exc:
            dialogs.show_error(self, str(exc))
            return False
        self.statusBar().showMessage(f"Exported to {name}.", 5000)
        return True

    def export_pdf(self, kind: str, prepared_for: str | None = None) -> Any:
        """A document of the shown program (pitch, stakeholders, report) as a PDF."""
        if self.session.program_id is None:
            return None
        self.session.flush()
        from mentor_desk.ui.export import export_pdf

        return export_pdf(
            self,
            self.pf.path,
            self.session.program_id,
            kind,
            today=self.session.today(),
            prepared_for=prepared_for,
        )

    def export_pitch_for(self) -> Any:
        """The pitch packet prepared for one stakeholder (the facts are the same for all)."""
        names = [s.name for s in self.session.items("stakeholders")]
        if not names:
            dialogs.show_info(self, "Add the stakeholders on the Buy-in page first.")
            return None
        name = dialogs.ask_item(self, "Prepare the pitch packet for:", names, "Export pitch packet")
        if name is None:
            return None
        return self.export_pdf("pitch", prepared_for=name)

    def import_participants(self) -> bool:
        if self.session.program_id is None or self._refuse_if_readonly("import participants"):
            return False
        self.session.flush()
        from mentor_desk.ui.csv_import_dialog import CsvImportDialog

        dialog = CsvImportDialog(self.pf, self.session.program_id, self)
        try:
            accepted = dialogs.exec_dialog(dialog) == QDialog.DialogCode.Accepted
        finally:
            dialog.deleteLater()
        if accepted:
            self.session.external_change()
        return accepted

    def propose_pairs(self) -> None:
        if self.session.program_id is None or self._refuse_if_readonly("propose pairs"):
            return
        self.session.flush()
        from PySide6.QtWidgets import QDialogButtonBox

        from mentor_desk.ui.matching_view import MatchingView

        dialog = QDialog(self)
        dialog.setWindowTitle("Propose pairs")
        layout = QVBoxLayout(dialog)
        view = MatchingView(self.pf, self.session.program_id, dialog, today=self.session.today)
        layout.addWidget(view)
        changed = []
        view.changed.connect(lambda *_: changed.append(True))
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, dialog)
        buttons.rejected.connect(dialog.reject)
        layout.addWidget(buttons)
        dialog.resize(900, 600)
        try:
            dialogs.exec_dialog(dialog)
        finally:
            dialog.deleteLater()
        if changed:
            self.session.external_change()

    # ----- Edit and Help --------------------------------------------------------------

    def _undo_state(self, *_args: Any) -> None:
        """Undo/Redo texts and states follow the stack (and the window may be closing)."""
        if self._closing or not shiboken6.isValid(self.undo_action):
            return
        stack = self.session.undo_stack
        self.undo_action.setEnabled(stack.canUndo())
        self.redo_action.setEnabled(stack.canRedo())
        self.undo_action.setText(f"&Undo {stack.undoText()}".strip())
        self.redo_action.setText(f"&Redo {stack.redoText()}".strip())
        self._hide_undo_note(stack.index())

    def _undo(self) -> None:
        self.session.undo()

    def _redo(self) -> None:
        self.session.redo()

    def find(self) -> None:
        self.program_list.search.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.program_list.search.selectAll()

    def about(self) -> None:
        from mentor_desk import __version__

        dialogs.show_info(
            self,
            f"Mentor Desk {__version__}\n\n"
            "An offline workbench for building a management mentoring program: business case, "
            "buy-in, leaders, design, launch.",
            "About Mentor Desk",
        )

    def _program_deleted(self, name: str) -> None:
        self.statusBar().showMessage(f"Deleted the program {name}.")
        self._note_index = self.session.undo_stack.index()
        self.undo_note.show()

    def _hide_undo_note(self, index: int) -> None:
        if self.undo_note.isVisible() and index != getattr(self, "_note_index", index):
            self.undo_note.hide()
            self.statusBar().clearMessage()

    # ----- settings and closing -----------------------------------------------------

    def _restore_settings(self) -> None:
        s = self.settings
        geometry = s.value("window/geometry")
        if geometry is None or not self.restoreGeometry(geometry):
            # first run: a comfortable size that fits the screen at any scale
            available = self.screen().availableGeometry()
            self.resize(
                min(1400, int(available.width() * 0.9)), min(900, int(available.height() * 0.9))
            )
        splitter = s.value("window/splitter")
        if splitter is not None:
            self.splitter.restoreState(splitter)
        last_program = None
        if s.value("last/db") == str(Path(self.pf.path).resolve()):
            value = s.value("last/program")
            last_program = int(value) if value not in (None, "") else None
        self._open_initial(last_program)

    def _open_initial(self, program_id: int | None) -> None:
        programs = services.list_programs(self.pf)
        ids = [p.id for p in programs]
        if program_id not in ids:
            program_id = ids[0] if ids else None
        self.session.open_program(program_id)

    def save_settings(self) -> None:
        s = self.settings
        s.setValue("window/geometry", self.saveGeometry())
        s.setValue("window/splitter", self.splitter.saveState())
        s.setValue("last/db", str(Path(self.pf.path).resolve()))
        s.setValue("last/program", self.session.program_id if self.session.program_id else "")
        s.sync()

    def closeEvent(self, event: QCloseEvent) -> None:
        if self._closing:
            event.accept()
            return
        focus = self.focusWidget()
        if focus is not None:
            focus.clearFocus()  # a line edit being typed in commits on focus out
        self.session.flush()
        self.save_settings()
        self._closing = True
        self.session.undo_stack.blockSignals(True)
        event.accept()
        self.pf.close()
