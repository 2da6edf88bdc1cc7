"""The two kinds of error: the user's or the environment's, versus a bug.

A ``KnownError`` is shown to the user as one clear message (``error: ...`` on
the command line, a message box in the window) and leaves everything as it
was. Anything else that escapes is a bug and is reported with its details.
"""

from __future__ import annotations


class KnownError(Exception):
    """A problem the user can understand and act on; ``str()`` is the message."""


class DatabaseFileError(KnownError):
    """The program file cannot be used: not ours, damaged, newer, or unwritable."""


class DatabaseInUseError(DatabaseFileError):
    """Another process holds the program file open for writing."""


class DatabaseReadOnlyError(DatabaseFileError):
    """The program file is marked read-only: it can be opened to read, not changed."""


class DiskFullError(KnownError):
    """The disk (or the database's size limit) is full; nothing was written."""


class NotFoundError(KnownError):
    """A program, stakeholder or other item named by the user does not exist."""


class ConflictError(KnownError):
    """A change would break a uniqueness or reference rule (a duplicate name, say)."""


class DocumentError(KnownError):
    """A program document (or CSV file) with problems; ``problems`` lists each one."""

    def __init__(self, summary: str, problems: list[str]):
        super().__init__(summary)
        self.summary = summary
        self.problems = problems

    def __str__(self) -> str:
        return "\n".join([self.summary, *self.problems])
