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
    ``session.program`` already shows it. ``session.affects(change,
    "stakeholders", ...)`` says whether it may have changed those
    collections ("program" stands for the program-level fields), so a view
    redraws only what the change concerns;
  - ``findingsChanged()`` — ``session.findings`` was recomputed;
  - ``programsChanged()`` — the list of programs (names, additions,
    deletions) changed;
  - ``flushRequested()`` — an editor holding typed text that is not
    committed yet must commit it now (before Undo, a program switch, the
    window closing).

After a change the file holds, the loaded ``Program`` is updated in memory
from the returned ``services.Change`` (the value as stored; a renamed
participant, stakeholder or metric renamed in every item that names it; an
added item as read back; a removed item with everything its delete took
along, from the delete's ``Snapshot``). Where that is not clearly the same as
loading the program again (a restore by Undo, an add at a given position, a
rename of a name two items share, a sub-object not stored yet), the program
is reloaded from the file instead (about 35 ms for 2,000 participants). The
rules then run once on a zero-delay timer after the edit has returned, so a
burst of edits runs them once: ``session.findings`` and ``findingsChanged``
are up to date once the event loop has turned (``findings_pending`` says
whether a run is still due). Opening or reloading a program runs them at once.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, QTimer, Signal
from PySide6.QtGui import QUndoStack
from PySide6.QtWidgets import QWidget

from mentor_desk import services
from mentor_desk.domain import model as m
from mentor_desk.domain.findings import Finding
from mentor_desk.errors import KnownError, NotFoundError
from mentor_desk.services import Change
from mentor_desk.store.database import ProgramFile
from mentor_desk.store.repository import COLLECTIONS, REF, Snapshot
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


# For each collection named by other items: (collection, field) of the items naming it.
REFERRERS: dict[str, list[tuple[str, str]]] = {}
for _name, _coll in COLLECTIONS.items():
    for _col in _coll.columns:
        if _col.kind == REF and _col.ref is not None:
            REFERRERS.setdefault(_col.ref, []).append((_name, _col.field))
# A pitch meeting's attendees are stakeholders' names too (a list: handled on its own).


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
        findings: ``rules.check(program, today)``, sorted by step (re-run on a
            zero-delay timer after an edit; see ``findings_pending``).
        revision: a number that grows with every change of the loaded program
            (in memory or reloaded), for caches of what is computed from it.
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
        self.revision = 0
        self.undo_stack = QUndoStack(self)
        self.dialog_parent: QWidget | None = None
        self.today: Callable[[], dt.date] = dt.date.today
        self._index: dict[str, dict[int, Any]] = {}
        self._by_step: tuple[list[Finding] | None, dict[m.Step, list[Finding]]] = (None, {})
        # The change last applied and the collections it touched (None: all, reloaded).
        self._scope: tuple[Change | None, frozenset[str] | None] = (None, None)
        self._check_timer = QTimer(self)
        self._check_timer.setSingleShot(True)
        self._check_timer.setInterval(0)
        self._check_timer.timeout.connect(self._check_now)

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
        """Read the program from the file and run the rules now."""
        self._read_program()
        self._check_timer.stop()
        self.findings = [] if self.program is None else check_rules(self.program, self.today())

    def _read_program(self) -> None:
        self._index = {}
        self._scope = (None, None)
        self.revision += 1
        if self.program_id is None:
            self.program = None
            return
        try:
            self.program = services.load_program(self.pf, self.program_id)
        except NotFoundError:
            self.program_id = None
            self.program = None

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

    # ----- findings -------------------------------------------------------------

    @property
    def findings_pending(self) -> bool:
        """True between an edit and the run of the rules it asks for."""
        return self._check_timer.isActive()

    def _check_later(self) -> None:
        """Run the rules once the event loop turns (edits before then share the run)."""
        self._check_timer.start()

    def _check_now(self) -> None:
        self._check_timer.stop()
        self.findings = [] if self.program is None else check_rules(self.program, self.today())
        self.findingsChanged.emit()

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
        """The findings of one step (views ask per row and repaint: grouped once per run)."""
        if self._by_step[0] is not self.findings:
            grouped: dict[m.Step, list[Finding]] = {}
            for finding in self.findings:
                grouped.setdefault(finding.step, []).append(finding)
            self._by_step = (self.findings, grouped)
        return list(self._by_step[1].get(step, ()))

    def touched(self, change: Change | None) -> frozenset[str] | None:
        """The collections whose items ``change`` altered in the loaded program.

        Their values, which items there are, or their order; "program" stands
        for the program-level fields. None when not known: the change made the
        session reload the program (every item is a new object then), or it is
        not the change being signalled.
        """
        last, touched = self._scope
        return touched if change is not None and change is last else None

    def affects(self, change: Change | None, *collections: str) -> bool:
        """Whether ``change`` may have altered the items of any of ``collections``."""
        touched = self.touched(change)
        return touched is None or not touched.isdisjoint(collections)

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
        # An item put at a position goes among the others by their stored positions: reload.
        self.after_command(pid, change, parent_id=parent_id, reload=position is not None)
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
        self.after_command(change.program_id, change, removed=snapshot)
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

    def after_command(
        self,
        program_id: int,
        change: Change | None,
        *,
        removed: Snapshot | None = None,
        parent_id: int | None = None,
        reload: bool = False,
    ) -> None:
        """Called once a change is in the file (first time, undo or redo): update and redraw.

        ``removed``: the snapshot of a delete (what it took along); ``parent_id``:
        the goal of an added metric, the development goal of an added evaluation;
        ``reload``: read the program from the file rather than apply the change.
        """
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
        touched = None
        if change is not None and not reload and self.program is not None:
            touched = self._apply(change, removed, parent_id)
        if touched is None:
            self._read_program()
        else:
            self.revision += 1
        self._scope = (change, touched)
        if renamed:
            self.programsChanged.emit()
        if change is not None:
            self.changed.emit(change)
        self._check_later()

    # ----- applying a stored change to the loaded program -------------------------

    def _apply(
        self, change: Change, removed: Snapshot | None, parent_id: int | None
    ) -> frozenset[str] | None:
        """Update ``self.program`` as reloading it would; the collections touched.

        None when the change is not applied (the caller then reloads).
        """
        if change.collection == "program":
            touched = self._apply_program_field(change)
        elif removed is not None:
            touched = self._apply_removal(removed)
        elif change.field is None:
            touched = None if change.new is None else self._apply_addition(change, parent_id)
        else:
            touched = self._apply_item_field(change)
        return touched

    def _apply_program_field(self, change: Change) -> frozenset[str] | None:
        assert self.program is not None and change.field is not None
        head, _, name = change.field.rpartition(".")
        owner = getattr(self.program, head) if head else self.program
        if owner is None:
            return None  # manager or adviser review not given yet: loading decides what shows
        if change.field == "manager.name" and change.new is None:
            return None  # loading drops a manager without a name
        if getattr(owner, name) != change.old:
            return None  # the loaded program was not what the file held
        setattr(owner, name, change.new)
        return frozenset({"program"})

    def _apply_item_field(self, change: Change) -> frozenset[str] | None:
        assert self.program is not None and change.field is not None
        collection, field = change.collection, change.field
        if collection not in ITEMS_OF:
            return None
        item = self.item(collection, change.item_id)
        if item is None:
            return None
        old = getattr(item, field)
        if old != change.old:
            return None  # the loaded program was not what the file held
        new = list(change.new) if isinstance(change.new, list) else change.new
        touched = {collection}
        if field == "name" and old != new and collection in REFERRERS:
            if any(it.name == old and it is not item for it in self.items(collection)):
                return None  # two share the old name: which one each reference means is in the file
            for referrer, ref_field in REFERRERS[collection]:
                for it in self.items(referrer):
                    if getattr(it, ref_field) == old:
                        setattr(it, ref_field, new)
                        touched.add(referrer)
            if collection == "stakeholders":
                for meeting in self.program.pitch_meetings:
                    if old in meeting.attendees:
                        meeting.attendees = [new if n == old else n for n in meeting.attendees]
                        touched.add("pitch_meetings")
        setattr(item, field, new)
        return frozenset(touched)

    def _apply_addition(self, change: Change, parent_id: int | None) -> frozenset[str] | None:
        """Put an added item (``change.new``, as read back) last in its list, as loading does."""
        assert self.program is not None
        collection, item = change.collection, change.new
        if collection not in ITEMS_OF or getattr(item, "id", None) != change.item_id:
            return None
        touched = {collection}
        if collection == "metrics":
            goal = self.item("goals", parent_id)
            if goal is None or goal.metric is not None:
                return None
            goal.metric = item
            touched.add("goals")
        elif collection == "evaluations":
            dgoal = self.item("development_goals", parent_id)
            if dgoal is None:
                return None
            dgoal.evaluations.append(item)
            touched.add("development_goals")
        else:
            ITEMS_OF[collection](self.program).append(item)
            if collection == "goals" and item.metric is not None:
                touched.add("metrics")
            if collection == "development_goals" and item.evaluations:
                touched.add("evaluations")
        for name in touched:  # which items there are changed: index them again when asked
            self._index.pop(name, None)
        return frozenset(touched)

    def _apply_removal(self, snapshot: Snapshot) -> frozenset[str] | None:
        """Take out what a delete removed (cascades included) and clear what it set to none."""
        program = self.program
        assert program is not None
        removed = snapshot.removed_items()
        if not removed or any(c not in ITEMS_OF for c in removed):
            return None
        touched = set(removed)
        gone = removed.get("stakeholders")
        if gone:
            names = {s.name for s in program.stakeholders if s.id in gone}
            for meeting in program.pitch_meetings:
                if not names.isdisjoint(meeting.attendees):
                    meeting.attendees = [n for n in meeting.attendees if n not in names]
                    touched.add("pitch_meetings")
        for collection, ids in removed.items():
            if collection == "metrics":
                for goal in program.business_case.goals:
                    if goal.metric is not None and goal.metric.id in ids:
                        goal.metric = None
                        touched.add("goals")
            elif collection == "evaluations":
                for dgoal in program.development_goals:
                    if any(e.id in ids for e in dgoal.evaluations):
                        dgoal.evaluations[:] = [e for e in dgoal.evaluations if e.id not in ids]
                        touched.add("development_goals")
            else:
                items = ITEMS_OF[collection](program)
                items[:] = [it for it in items if it.id not in ids]
            self._index.pop(collection, None)
        for collection, item_id, field in snapshot.cleared_fields():
            item = self.item(collection, item_id)
            if item is not None:
                setattr(item, field, None)
                touched.add(collection)
        return frozenset(touched)
