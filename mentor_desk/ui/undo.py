"""Undo commands: each edit of the window as a QUndoCommand that calls the services.

Pages never build these themselves: ``ProgramSession.edit_field``,
``edit_item``, ``add_item``, ``remove_item`` (and the program-level
operations) apply the change first, and only when the service accepted it
push a command whose first ``redo()`` does nothing. Later ``undo()`` /
``redo()`` call the services again with the old value or the ``Snapshot``
taken by the delete, so a command never holds a widget and keeps working
after the page that made it was rebuilt. A step that deletes hands the
delete's snapshot to ``session.after_command`` (``removed``), which takes out
of the loaded program what the delete took along.

A ``KnownError`` during a later undo or redo (the old name is taken by now,
the disk is full) is shown to the user; the command is then marked obsolete so
that ``QUndoStack`` drops it instead of leaving a step that cannot be taken.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from PySide6.QtGui import QUndoCommand

from mentor_desk import services
from mentor_desk.errors import KnownError
from mentor_desk.services import Change

if TYPE_CHECKING:
    from mentor_desk.store.repository import Snapshot
    from mentor_desk.ui.session import ProgramSession

MERGE_ID = 4711  # field edits flagged "merge" fold into the previous edit of the same field


class SessionCommand(QUndoCommand):
    """A change already applied when pushed; ``undo``/``redo`` re-apply it via services."""

    def __init__(self, session: ProgramSession, program_id: int, text: str):
        super().__init__(text)
        self.session = session
        self.program_id = program_id
        self._first = True
        self.removed: Snapshot | None = None  # what the step being taken deleted, if it deletes

    def redo(self) -> None:
        if self._first:  # applied by the session before the push
            self._first = False
            return
        self._run(self.apply)

    def undo(self) -> None:
        self._run(self.revert)

    def _run(self, step: Any) -> None:
        self.removed = None
        try:
            change = step()
        except KnownError as exc:
            self.setObsolete(True)
            self.session.report_error(str(exc))
            return
        self.session.after_command(self.program_id, change, removed=self.removed)

    def apply(self) -> Change | None:  # pragma: no cover - abstract
        raise NotImplementedError

    def revert(self) -> Change | None:  # pragma: no cover - abstract
        raise NotImplementedError


class EditFieldCommand(SessionCommand):
    """A program-level field (dotted path) set from ``old`` to ``new``."""

    def __init__(self, session: ProgramSession, change: Change, text: str, *, merge: bool = False):
        super().__init__(session, change.program_id, text)
        self.path = change.field or ""
        self.old = change.old
        self.new = change.new
        self.merge = merge

    def _set(self, value: Any) -> Change:
        return services.edit_program_field(
            self.session.pf, program_id=self.program_id, path=self.path, value=value
        )

    def apply(self) -> Change:
        return self._set(self.new)

    def revert(self) -> Change:
        return self._set(self.old)

    def id(self) -> int:
        return MERGE_ID if self.merge else -1

    def mergeWith(self, other: QUndoCommand) -> bool:
        if (
            isinstance(other, EditFieldCommand)
            and other.merge
            and other.program_id == self.program_id
            and other.path == self.path
        ):
            self.new = other.new
            if self.new == self.old:
                self.setObsolete(True)
            return True
        return False


class EditItemCommand(SessionCommand):
    """One field of one item set from ``old`` to ``new`` (skills and attendees included)."""

    def __init__(self, session: ProgramSession, change: Change, text: str, *, merge: bool = False):
        super().__init__(session, change.program_id, text)
        self.collection = change.collection
        self.item_id = change.item_id
        self.field = change.field
        self.old = change.old
        self.new = change.new
        self.merge = merge

    def _set(self, value: Any) -> Change:
        pf = self.session.pf
        if self.collection == "participants" and self.field == "skills":
            return services.set_skills(pf, participant_id=self.item_id, skills=list(value or []))
        if self.collection == "pitch_meetings" and self.field == "attendees":
            return services.set_attendees(pf, meeting_id=self.item_id, names=list(value or []))
        return services.edit_item_field(
            pf, collection=self.collection, item_id=self.item_id, field=self.field, value=value
        )

    def apply(self) -> Change:
        return self._set(self.new)

    def revert(self) -> Change:
        return self._set(self.old)

    def id(self) -> int:
        return MERGE_ID if self.merge else -1

    def mergeWith(self, other: QUndoCommand) -> bool:
        if (
            isinstance(other, EditItemCommand)
            and other.merge
            and (other.collection, other.item_id, other.field)
            == (self.collection, self.item_id, self.field)
        ):
            self.new = other.new
            if self.new == self.old:
                self.setObsolete(True)
            return True
        return False


class AddItemCommand(SessionCommand):
    """An item added; undo deletes it (keeping a snapshot), redo restores it with its id."""

    def __init__(self, session: ProgramSession, change: Change, text: str):
        super().__init__(session, change.program_id, text)
        self.collection = change.collection
        self.item_id = change.item_id
        self.snapshot: Snapshot | None = None

    def apply(self) -> Change:
        assert self.snapshot is not None
        services.restore(self.session.pf, snapshot=self.snapshot)
        return Change(self.program_id, self.collection, self.item_id, None)

    def revert(self) -> Change:
        change, self.snapshot = services.remove_item(
            self.session.pf, collection=self.collection, item_id=self.item_id
        )
        self.removed = self.snapshot
        return change


class RemoveItemCommand(SessionCommand):
    """An item removed with what hung off it; undo restores the snapshot."""

    def __init__(self, session: ProgramSession, change: Change, snapshot: Snapshot, text: str):
        super().__init__(session, change.program_id, text)
        self.collection = change.collection
        self.item_id = change.item_id
        self.snapshot = snapshot

    def apply(self) -> Change:
        change, self.snapshot = services.remove_item(
            self.session.pf, collection=self.collection, item_id=self.item_id
        )
        self.removed = self.snapshot
        return change

    def revert(self) -> Change:
        services.restore(self.session.pf, snapshot=self.snapshot)
        return Change(self.program_id, self.collection, self.item_id, None)


class AddProgramCommand(SessionCommand):
    """A program created (wizard, duplicate, import, demo); undo deletes it."""

    def __init__(self, session: ProgramSession, program_id: int, text: str):
        super().__init__(session, program_id, text)
        self.snapshot: Snapshot | None = None

    def apply(self) -> Change:
        assert self.snapshot is not None
        services.restore(self.session.pf, snapshot=self.snapshot)
        return Change(self.program_id, "programs", self.program_id, None)

    def revert(self) -> Change:
        self.snapshot = services.delete_program(self.session.pf, program_id=self.program_id)
        return Change(self.program_id, "programs", self.program_id, None)


class DeleteProgramCommand(SessionCommand):
    """A program deleted whole; undo puts every row back with its id."""

    def __init__(self, session: ProgramSession, program_id: int, snapshot: Snapshot, text: str):
        super().__init__(session, program_id, text)
        self.snapshot = snapshot

    def apply(self) -> Change:
        self.snapshot = services.delete_program(self.session.pf, program_id=self.program_id)
        return Change(self.program_id, "programs", self.program_id, None)

    def revert(self) -> Change:
        services.restore(self.session.pf, snapshot=self.snapshot)
        return Change(self.program_id, "programs", self.program_id, None)
