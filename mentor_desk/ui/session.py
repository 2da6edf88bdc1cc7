"""The open program file and program, as the window sees them: one object every page shares.

A page gets the ``ProgramSession`` and:

* reads ``session.program`` (the loaded ``Program``; ``None`` when no
  program is open), ``session.value("manager.name")``,
  ``session.items("stakeholders")``, ``session.item("goals", goal_id)`` and
  ``session.findings`` / ``session.findings_for(Step.BUY_IN)``;
* changes anything only through ``session.edit_field(path, value)``,
  ``session.edit_item(collection, item_id, field, value)``,
  ``session.add_item(collection, item, parent_id=None)`` and
  ``session.remove_item(collection, item_id)``. Each calls the service in one
  transaction, then pushes an undo command (``ui/undo.py``) onto
  ``session.undo_stack``. A refused change (``KnownError``: a duplicate name,
  a text too long, a full disk) changes nothing, pushes nothing, and is
  reported through ``on_error(message)`` if given, else the replaceable
  ``dialogs.show_error``;
* redraws on the signals:

  - ``programChanged()`` — another program was opened (or none): rebuild
    from ``session.program``;
  - ``changed(Change)`` — one edit was applied (by the user, Undo or Redo);
    ``session.program`` is already reloaded, refresh what shows it;
  - ``findingsChanged()`` — ``session.findings`` was recomputed;
  - ``programsChanged()`` — the list of programs (names, additions,
    deletions) changed;
  - ``flushRequested()`` — an editor holding typed text that is not
    committed yet must commit it now (before Undo, a program switch, the
    window closing).

After every change the whole program is reloaded from the file (about 35 ms
for 2,000 participants) and the rules re-run, so every view reads one
consistent ``Program``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, Signal
from PySide6.QtGui import QUndoStack
from PySide6.QtWidgets import QWidget

from mentor_desk import services
from mentor_desk.domain import model as m
from mentor_desk.domain.findings import Finding
from mentor_desk.errors import KnownError, NotFoundError
from mentor_desk.services import Change
from mentor_desk.store.database import ProgramFile
from mentor_desk.ui import dialogs
from mentor_desk.ui import undo as cmd

ErrorHandler = Callable[[str], None]

# Where each collection's items are in a loaded Program.
ITEMS_OF: dict[str, Callable[[m.Program], list[Any]]] = {
    "goals": lambda p: p.business_case.goals,
    "metrics": lambda p: p.metrics,
    "costs": lambda p: p.business_case.costs,
    "target_groups": lambda p: p.business_case.target_groups,
    "stakeholders": lambda p: p.stakeholders,
    "benefits": lambda p: p.benefits,
    "pitch_meetings": lambda p: p.pitch_meetings,
    "roles": lambda p: p.design.roles,
    "procedures": lambda p: p.design.procedures,
    "competencies": lambda p: p.design.competencies,
    "trainings": lambda p: p.design.trainings,
    "communications": lambda p: p.design.communications,
    "participants": lambda p: p.participants,
    "pairs": lambda p: p.pairs,
    "development_goals": lambda p: p.development_goals,
    "evaluations": lambda p: [e for g in p.development_goals for e in g.evaluations],
    "measurements": lambda p: p.measurements,
    "surveys": lambda p: p.surveys,
    "ideas": lambda p: p.ideas,
    "journal": lambda p: p.journal,
}


def check_rules(program: m.Program, today: dt.date) -> list[Finding]:
    """The method's findings for ``program`` (none while the rules module is missing)."""
    try:
        from mentor_desk.domain import rules
    except ImportError:  # the rules land in issue #3
        return []
    return list(rules.check(program, today))


def field_label(name: str) -> str:
    """ "design.launch_on" -> "launch on" (for undo texts)."""
    return name.rsplit(".", 1)[-1].replace("_", " ")


class ProgramSession(QObject):
    """The open program file, the program shown, its findings and the undo stack.

    Attributes:
        pf: the open ``ProgramFile``.
        program_id: the id of the program shown, or None.
        program: the loaded ``Program``, or None.
        findings: ``rules.check(program, today)``, sorted by step.
        undo_stack: the ``QUndoStack`` of every edit in this file.
        dialog_parent: the widget message boxes are parented to.
        today: a callable giving today's date (tests replace it).
    """

    programChanged = Signal()
    changed = Signal(object)  # services.Change
    findingsChanged = Signal()
    programsChanged = Signal()
    flushRequested = Signal()

    def __init__(self, pf: ProgramFile, parent: QObject | None = None):
        super().__init__(parent)
        self.pf = pf
        self.program_id: int | None = None
        self.program: m.Program | None = None
        self.findings: list[Finding] = []
        self.undo_stack = QUndoStack(self)
        self.dialog_parent: QWidget | None = None
        self.today: Callable[[], dt.date] = dt.date.today
        self._index: dict[str, dict[int, Any]] = {}

    # ----- which program ----------------------------------------------------

    def open_program(self, program_id: int | None) -> None:
        """Show another program (or none); commits any field still being typed first."""
        self.flush()
        self.program_id = program_id
        self._load()
        self.programChanged.emit()
        self.findingsChanged.emit()

    def reload(self) -> None:
        """Re-read the shown program from the file and re-run the rules."""
        self._load()
        self.findingsChanged.emit()

    def _load(self) -> None:
        self._index = {}
        if self.program_id is None:
            self.program = None
            self.findings = []
            return
        try:
            self.program = services.load_program(self.pf, self.program_id)
        except NotFoundError:
            self.program_id = None
            self.program = None
            self.findings = []
            return
        self.findings = check_rules(self.program, self.today())

    def external_change(self) -> None:
        """Reload and redraw everything after a write outside the session.

        The CSV import and the matching view write through services directly.
        The undo history stays: a step that no longer applies is refused with
        a message when taken, and dropped.
        """
        self._load()
        self.programChanged.emit()
        self.findingsChanged.emit()

    def flush(self) -> None:
        """Ask every editor to commit text typed but not yet committed."""
        self.flushRequested.emit()

    # ----- reading ------------------------------------------------------------

    def value(self, path: str) -> Any:
        """A program-level field by dotted path ("manager.name"); None if not given."""
        obj: Any = self.program
        for part in path.split("."):
            if obj is None:
                return None
            obj = getattr(obj, part)
        return obj

    def items(self, collection: str) -> list[Any]:
        if self.program is None:
            return []
        return ITEMS_OF[collection](self.program)

    def item(self, collection: str, item_id: int | None) -> Any:
        """One item of the shown program by id, or None."""
        if item_id is None or self.program is None:
            return None
        index = self._index.get(collection)
        if index is None:
            index = {it.id: it for it in self.items(collection)}
            self._index[collection] = index
        return index.get(item_id)

    def goal_of_metric(self, metric_id: int) -> m.Goal | None:
        for goal in self.items("goals"):
            if goal.metric is not None and goal.metric.id == metric_id:
                return goal
        return None

    def findings_for(self, step: m.Step) -> list[Finding]:
        return [f for f in self.findings if f.step == step]

    # ----- changing -----------------------------------------------------------

    def report_error(self, message: str, on_error: ErrorHandler | None = None) -> None:
        if on_error is not None:
            on_error(message)
        else:
            dialogs.show_error(self.dialog_parent, message)

    def _attempt(self, call: Callable[[], Any], on_error: ErrorHandler | None) -> Any:
        try:
            return call()
        except KnownError as exc:
            self.report_error(str(exc), on_error)
            return None

    def edit_field(
        self,
        path: str,
        value: Any,
        *,
        on_error: ErrorHandler | None = None,
        merge: bool = False,
        program_id: int | None = None,
    ) -> bool:
        """Set a program-level field; True when stored (or already that value)."""
        pid = program_id if program_id is not None else self.program_id
        if pid is None:
            return False
        if pid == self.program_id and self.value(path) == value:
            return True
        change = self._attempt(
            lambda: services.edit_program_field(self.pf, program_id=pid, path=path, value=value),
            on_error,
        )
        if change is None:
            return False
        if change.old == change.new:
            return True
        text = f"rename program to {value}" if path == "name" else f"edit {field_label(path)}"
        self.undo_stack.push(cmd.EditFieldCommand(self, change, text, merge=merge))
        self.after_command(pid, change)
        return True

    def edit_item(
        self,
        collection: str,
        item_id: int,
        field: str,
        value: Any,
        *,
        on_error: ErrorHandler | None = None,
        merge: bool = False,
    ) -> bool:
        """Set one field of one item (``skills`` and ``attendees`` take lists)."""
        current = self.item(collection, item_id)
        if current is not None and getattr(current, field) == value:
            return True
        if collection == "participants" and field == "skills":
            call = lambda: services.set_skills(self.pf, participant_id=item_id, skills=value)  # noqa: E731
        elif collection == "pitch_meetings" and field == "attendees":
            call = lambda: services.set_attendees(self.pf, meeting_id=item_id, names=value)  # noqa: E731
        else:

            def call() -> Change:
                return services.edit_item_field(
                    self.pf, collection=collection, item_id=item_id, field=field, value=value
                )

        change = self._attempt(call, on_error)
        if change is None:
            return False
        text = f"edit {field_label(field)}"
        self.undo_stack.push(cmd.EditItemCommand(self, change, text, merge=merge))
        self.after_command(change.program_id, change)
        return True

    def add_item(
        self,
        collection: str,
        item: Any,
        *,
        parent_id: int | None = None,
        position: int | None = None,
        on_error: ErrorHandler | None = None,
    ) -> int | None:
        """Add an item (``parent_id``: the goal of a metric, the goal of an evaluation)."""
        if self.program_id is None:
            return None
        pid = self.program_id
        change = self._attempt(
            lambda: services.add_item(
                self.pf,
                program_id=pid,
                collection=collection,
                item=item,
                parent_id=parent_id,
                position=position,
            ),
            on_error,
        )
        if change is None:
            return None
        self.undo_stack.push(cmd.AddItemCommand(self, change, f"add {field_label(collection)}"))
        self.after_command(pid, change)
        return change.item_id

    def remove_item(
        self, collection: str, item_id: int, *, on_error: ErrorHandler | None = None
    ) -> bool:
        """Remove an item and what hangs off it; Undo puts it all back."""
        result = self._attempt(
            lambda: services.remove_item(self.pf, collection=collection, item_id=item_id),
            on_error,
        )
        if result is None:
            return False
        change, snapshot = result
        text = f"remove {field_label(collection)}"
        self.undo_stack.push(cmd.RemoveItemCommand(self, change, snapshot, text))
        self.after_command(change.program_id, change)
        return True

    # ----- whole programs -------------------------------------------------------

    def _push_new_program(self, program_id: int, text: str) -> int:
        self.undo_stack.push(cmd.AddProgramCommand(self, program_id, text))
        self.programsChanged.emit()
        self.open_program(program_id)
        return program_id

    def create_program(
        self, program: m.Program, *, on_error: ErrorHandler | None = None
    ) -> int | None:
        """Store a new program (from the wizard) and show it."""
        pid = self._attempt(lambda: services.add_program(self.pf, program=program), on_error)
        return None if pid is None else self._push_new_program(pid, f"new program {program.name}")

    def duplicate_program(
        self, program_id: int, name: str, *, on_error: ErrorHandler | None = None
    ) -> int | None:
        pid = self._attempt(
            lambda: services.duplicate_program(self.pf, program_id=program_id, name=name),
            on_error,
        )
        return None if pid is None else self._push_new_program(pid, f"duplicate as {name}")

    def import_program(
        self, path: Any, *, rename: str | None = None, on_error: ErrorHandler | None = None
    ) -> int | None:
        pid = self._attempt(
            lambda: services.import_file(self.pf, path=path, rename=rename), on_error
        )
        return None if pid is None else self._push_new_program(pid, "import program")

    def load_demo(self, *, on_error: ErrorHandler | None = None) -> int | None:
        pid = self._attempt(lambda: services.load_demo(self.pf), on_error)
        return None if pid is None else self._push_new_program(pid, "load the example program")

    def rename_program(
        self, program_id: int, name: str, *, on_error: ErrorHandler | None = None
    ) -> bool:
        return self.edit_field("name", name, on_error=on_error, program_id=program_id)

    def delete_program(self, program_id: int, *, on_error: ErrorHandler | None = None) -> bool:
        """Delete a program whole; Undo restores it."""
        self.flush()
        try:
            name = services.find_program(self.pf, program_id).name
        except KnownError as exc:
            self.report_error(str(exc), on_error)
            return False
        snapshot = self._attempt(
            lambda: services.delete_program(self.pf, program_id=program_id), on_error
        )
        if snapshot is None:
            return False
        self.undo_stack.push(
            cmd.DeleteProgramCommand(self, program_id, snapshot, f"delete program {name}")
        )
        self.after_command(program_id, Change(program_id, "programs", program_id, None))
        return True

    # ----- undo -----------------------------------------------------------------

    def undo(self) -> None:
        self.flush()
        self.undo_stack.undo()

    def redo(self) -> None:
        self.flush()
        self.undo_stack.redo()

    def after_command(self, program_id: int, change: Change | None) -> None:
        """Called once a change is in the file (first time, undo or redo): redraw."""
        if change is not None and change.collection == "programs":
            self.programsChanged.emit()
            exists = any(s.id == program_id for s in services.list_programs(self.pf))
            if exists:
                self.open_program(program_id)
            elif self.program_id == program_id:
                self.open_program(None)
            return
        renamed = (
            change is not None
            and change.collection == "program"
            and change.field in ("name", "organization")
        )
        if program_id != self.program_id:
            self.open_program(program_id)
            if renamed:
                self.programsChanged.emit()
            return
        self._load()
        if renamed:
            self.programsChanged.emit()
        if change is not None:
            self.changed.emit(change)
        self.findingsChanged.emit()
