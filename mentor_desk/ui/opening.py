"""Opening a program file for the window, and what to do with the user when it cannot be.

``open_for_window(parent, path, alternatives)`` is used at start-up (the
alternatives are "Open another file…" and "Quit") and by File > Open
database (no alternatives: Cancel keeps the current file):

* a writable file is opened;
* a file marked read-only is opened read-only (the window then shows its
  read-only notice and refuses every change);
* a file another Mentor Desk writes to: Open read-only, or an alternative;
* a damaged file with a backup that passes the integrity check: one message
  naming the damage and that backup, with the offer to move the damaged file
  aside (kept, renamed, only when the user chooses so) and restore the
  backup in its place, or an alternative;
* anything else (not ours, from a newer version, no backup to restore): the
  message, the file left as it was, and the alternatives.

Every question goes through the replaceable ``dialogs`` functions.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from PySide6.QtWidgets import QWidget

from mentor_desk import services
from mentor_desk.errors import DatabaseInUseError, DatabaseReadOnlyError, KnownError
from mentor_desk.store.database import ProgramFile
from mentor_desk.ui import dialogs
from mentor_desk.ui.backups_dialog import programs_text, taken_text

TITLE = "Cannot open the program file"
RESTORE = "Move it aside and restore the backup"
OPEN_READONLY = "Open read-only"
CANCEL = "Cancel"

Outcome = ProgramFile | int | None


def open_for_window(
    parent: QWidget | None, path: Path, alternatives: Sequence[str] = ()
) -> Outcome:
    """Open ``path`` for the window, explaining any fault and offering what can be done.

    Returns the open ProgramFile (``readonly`` when it can only be read), or
    the index in ``alternatives`` the user chose, or None (cancelled, closed,
    or refused when there are no alternatives).
    """
    path = Path(path)
    try:
        return services.open_file(path)
    except DatabaseReadOnlyError:
        return _open_readonly(parent, path, alternatives)
    except DatabaseInUseError as exc:
        choice = _ask(
            parent,
            f"{_cannot(path, exc)}\n\nYou can open it read-only here meanwhile: you see "
            "the programs as saved there and can export documents, but not change them.",
            [OPEN_READONLY],
            alternatives,
        )
        if choice == 0:
            return _open_readonly(parent, path, alternatives)
        return _alternative(choice, alternatives)
    except KnownError as exc:
        problem = services.damage(path)
        if problem is None:
            return _refused(parent, path, exc, alternatives)
        return _offer_recovery(parent, path, exc, alternatives)


def _cannot(path: Path, exc: Exception) -> str:
    return f"Mentor Desk cannot open the file\n{path}\n\n{exc}."


def _ask(
    parent: QWidget | None, text: str, offers: list[str], alternatives: Sequence[str]
) -> int | None:
    """Ask with ``offers`` then the alternatives (or Cancel); the index chosen, None if closed."""
    choices = [*offers, *(alternatives or [CANCEL])]
    return dialogs.ask_choice(parent, text, choices, TITLE)


def _alternative(choice: int | None, alternatives: Sequence[str], offers: int = 1) -> int | None:
    """An index of ``_ask`` as an index into ``alternatives`` (None for Cancel or closed)."""
    if choice is None or not alternatives:
        return None
    index = choice - offers
    return index if 0 <= index < len(alternatives) else None


def _refused(
    parent: QWidget | None, path: Path, exc: Exception, alternatives: Sequence[str], note: str = ""
) -> int | None:
    text = f"{_cannot(path, exc)}{note}\n\nThe file was left as it was."
    if not alternatives:
        dialogs.show_error(parent, text, TITLE)
        return None
    question = " or ".join(a.rstrip("…").lower() for a in alternatives)
    choice = _ask(parent, f"{text} {question[:1].upper()}{question[1:]}?", [], alternatives)
    return _alternative(choice, alternatives, offers=0)


def _open_readonly(parent: QWidget | None, path: Path, alternatives: Sequence[str]) -> Outcome:
    try:
        return services.open_file(path, readonly=True)
    except KnownError as exc:
        return _refused(parent, path, exc, alternatives)


def _offer_recovery(
    parent: QWidget | None, path: Path, exc: Exception, alternatives: Sequence[str]
) -> Outcome:
    good = services.newest_good_backup(path)
    if good is None:
        note = (
            "\n\nNo backup of it passes the integrity check, so there is none to restore."
            if services.list_backups(path)
            else "\n\nThere is no backup of it to restore."
        )
        return _refused(parent, path, exc, alternatives, note)
    text = (
        f"{_cannot(path, exc)}\n\n"
        f"The newest backup that passes the integrity check was taken {taken_text(good.taken)} "
        f"({good.why}) and holds: {programs_text(good)}. Changes made after it are not in it.\n\n"
        f"Mentor Desk can move the damaged file aside (it is kept, renamed "
        f"{path.name}.damaged-…, for whoever may repair it) and put that backup in its place. "
        "Nothing is moved unless you choose so."
    )
    choice = _ask(parent, text, [RESTORE], alternatives)
    if choice != 0:
        return _alternative(choice, alternatives)
    try:
        aside = services.recover_damaged(path, backup=good.path)
    except KnownError as error:
        return _refused(parent, path, error, alternatives)
    outcome = open_for_window(parent, path, alternatives)
    if isinstance(outcome, ProgramFile):
        dialogs.show_info(
            parent,
            f"{path.name} was restored from the backup taken {taken_text(good.taken)}.\n\n"
            f"The damaged file was kept as\n{aside}",
            "Backup restored",
        )
    return outcome
