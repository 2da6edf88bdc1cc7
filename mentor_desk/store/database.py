"""Opening the program file: checks, pragmas, the writer's lock, backups, migrations.

A file is looked at read-only before anything writes to it, so that a file
that is not ours, is damaged or comes from a newer Mentor Desk is refused
with one clear line and left byte-for-byte as it was.

Opening a file that is up to date needs only ``sqlite3``; sqlite-utils (the
transactions every write goes through, and the migrations) is imported the
first time ``ProgramFile.db`` is used, or earlier by ``import_sqlite_utils``
(the window does that on an idle timer once it is shown).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import importlib
import os
import sqlite3
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from mentor_desk.errors import (
    DatabaseFileError,
    DatabaseInUseError,
    DatabaseReadOnlyError,
    DiskFullError,
)
from mentor_desk.store import migrations as schema

if TYPE_CHECKING:
    from sqlite_utils import Database

APPLICATION_ID = schema.APPLICATION_ID
SQLITE_HEADER = b"SQLite format 3\x00"
BACKUP_DIR_SUFFIX = ".backups"
BACKUP_EVERY = dt.timedelta(days=1)


def import_sqlite_utils() -> None:
    """Import sqlite-utils without numpy (about 0.2 s and 10 MB it does not need).

    sqlite-utils imports numpy, if installed, only to map numpy column types,
    which Mentor Desk never writes; numpy stays importable afterwards (scipy
    loads it when matching needs it).
    """
    if "sqlite_utils" in sys.modules or "numpy" in sys.modules:
        return
    sys.modules["numpy"] = None  # type: ignore[assignment]
    try:
        import sqlite_utils  # noqa: F401
    finally:
        del sys.modules["numpy"]


# What importing sqlite-utils and loading its plugins bring in, one module at a time
# (see ``ProgramFile.warm_up_steps``).
SQLITE_UTILS_DEPENDENCIES = (
    "decimal",
    "uuid",
    "secrets",
    "pluggy",
    "click",
    "dateutil.parser",
    "sqlite_fts4",
    "importlib.metadata",
)


def _import_quietly(name: str) -> None:
    """Import a module ahead of need; one that is missing is left to its real import."""
    with contextlib.suppress(ImportError):
        importlib.import_module(name)


def sqlite_utils_database(conn: sqlite3.Connection) -> Database:
    """The sqlite-utils ``Database`` over an open connection (importing sqlite-utils if needed)."""
    import_sqlite_utils()
    from sqlite_utils import Database

    return Database(conn)


@dataclass(frozen=True, slots=True)
class FileState:
    """What a read-only look at a file found."""

    exists: bool
    empty: bool  # a new, blank or zero-length file that we may initialise
    version: int  # our schema version recorded in the file, 0 if new


def inspect_file(path: Path) -> FileState:
    """Look at ``path`` without changing it; raise DatabaseFileError if unusable."""
    if not path.exists():
        return FileState(exists=False, empty=True, version=0)
    if path.is_dir():
        raise DatabaseFileError(f"{path} is a folder, not a Mentor Desk file")
    try:
        with path.open("rb") as handle:
            header = handle.read(100)
    except OSError as exc:
        raise DatabaseFileError(f"cannot read {path}: {exc.strerror}") from exc
    if not header:
        return FileState(exists=True, empty=True, version=0)
    if not header.startswith(SQLITE_HEADER):
        raise DatabaseFileError(
            f"{path} is not a Mentor Desk file (it is not an SQLite database at all)"
        )
    if len(header) < 100:
        raise DatabaseFileError(f"{path} is damaged: the file is truncated")
    try:
        conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
    except sqlite3.Error as exc:
        raise DatabaseFileError(f"cannot open {path}: {exc}") from exc
    try:
        app_id = conn.execute("PRAGMA application_id").fetchone()[0]
        tables = [
            row[0] for row in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")
        ]
        if app_id == 0 and not tables:
            return FileState(exists=True, empty=True, version=0)
        if app_id != APPLICATION_ID:
            raise DatabaseFileError(
                f"{path} is another application's SQLite database, not a Mentor Desk file"
            )
        version = conn.execute("PRAGMA user_version").fetchone()[0]
        if version > schema.SCHEMA_VERSION:
            raise DatabaseFileError(
                f"{path} was written by a newer Mentor Desk (file version {version}, "
                f"this version reads up to {schema.SCHEMA_VERSION}); update Mentor Desk to open it"
            )
        # The check reads every page once: a small page cache is enough (and keeps
        # the whole file out of memory at start-up).
        conn.execute("PRAGMA cache_size = -256")
        check = conn.execute("PRAGMA quick_check").fetchall()
        if check != [("ok",)]:
            raise DatabaseFileError(f"{path} is damaged ({check[0][0]})")
        return FileState(exists=True, empty=False, version=version)
    except sqlite3.DatabaseError as exc:
        raise DatabaseFileError(f"{path} is damaged or not a Mentor Desk file ({exc})") from exc
    finally:
        conn.close()


class WriterLock:
    """An exclusive advisory lock that says who holds a program file for writing.

    The lock lives on ``<file>.lock`` beside the database, holding the host name
    and process id of its owner; the operating system releases it when the
    process ends, however it ends.
    """

    def __init__(self, db_path: Path):
        self.path = db_path.with_name(db_path.name + ".lock")
        self._handle: int | None = None

    def acquire(self) -> None:
        try:
            fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
        except OSError as exc:
            raise DatabaseFileError(
                f"cannot lock {self.path.with_suffix('')}: {exc.strerror}"
            ) from exc
        if not _try_lock(fd):
            owner = _read_owner(fd)
            os.close(fd)
            raise DatabaseInUseError(
                f"{self.path.name[: -len('.lock')]} is in use by another Mentor Desk "
                f"({owner}); close it there first"
            )
        os.ftruncate(fd, 0)
        os.write(fd, f"{_host_name()} {os.getpid()}\n".encode())
        self._handle = fd

    def release(self) -> None:
        if self._handle is not None:
            with contextlib.suppress(OSError):
                os.ftruncate(self._handle, 0)
            _unlock(self._handle)
            os.close(self._handle)
            self._handle = None


def _host_name() -> str:
    """This computer's name (what ``socket.gethostname()`` gives, without importing socket)."""
    if hasattr(os, "uname"):
        return os.uname().nodename
    import socket  # pragma: no cover - Windows

    return socket.gethostname()  # pragma: no cover


def _read_owner(fd: int) -> str:
    try:
        os.lseek(fd, 0, os.SEEK_SET)
        text = os.read(fd, 400).decode("utf-8", "replace").split()
    except OSError:
        text = []
    if len(text) >= 2:
        return f"process {text[1]} on host {text[0]}"
    return "another process"


if os.name == "nt":  # pragma: no cover - exercised on Windows only
    import msvcrt

    def _try_lock(fd: int) -> bool:
        try:
            os.lseek(fd, 1 << 20, os.SEEK_SET)
            msvcrt.locking(fd, msvcrt.LK_NBLCK, 1)
            return True
        except OSError:
            return False

    def _unlock(fd: int) -> None:
        with contextlib.suppress(OSError):
            os.lseek(fd, 1 << 20, os.SEEK_SET)
            msvcrt.locking(fd, msvcrt.LK_UNLCK, 1)

else:
    import fcntl

    def _try_lock(fd: int) -> bool:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            return True
        except OSError:
            return False

    def _unlock(fd: int) -> None:
        with contextlib.suppress(OSError):
            fcntl.flock(fd, fcntl.LOCK_UN)


def backup_dir(db_path: Path) -> Path:
    """Where the automatic backups of a program file are kept."""
    return db_path.with_name(db_path.name + BACKUP_DIR_SUFFIX)


def backup(conn: sqlite3.Connection, db_path: Path, reason: str) -> Path:
    """Copy the open database with the SQLite backup API, then thin the old copies.

    The copy is written to a temporary name and renamed when whole, so a
    backup cut short by a full disk or a crash never looks like a good one.
    """
    folder = backup_dir(db_path)
    stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S-%f")
    target = folder / f"{db_path.stem}-{stamp}-{reason}.db"
    partial = target.with_suffix(".partial")
    try:
        folder.mkdir(exist_ok=True)
        dest = sqlite3.connect(partial)
        try:
            conn.backup(dest)
        finally:
            dest.close()
        os.replace(partial, target)
    except (OSError, sqlite3.Error) as exc:
        with contextlib.suppress(OSError):
            partial.unlink()
        raise DatabaseFileError(f"cannot back up {db_path.name} before {reason}: {exc}") from exc
    keep = set(backups_to_keep(list_backups(db_path), dt.datetime.now()))
    for old in list_backups(db_path):
        if old not in keep:
            with contextlib.suppress(OSError):
                old.unlink()
    return target


def backup_time(path: Path) -> dt.datetime:
    """When a backup was taken, from its name (``<stem>-YYYYmmdd-HHMMSS-ffffff-<why>.db``)."""
    parts = path.name[: -len(".db")].split("-")
    for i in range(len(parts) - 2):
        try:
            return dt.datetime.strptime("-".join(parts[i : i + 3]), "%Y%m%d-%H%M%S-%f")
        except ValueError:
            continue
    return dt.datetime.fromtimestamp(path.stat().st_mtime)


def backups_to_keep(backups: list[Path], now: dt.datetime) -> list[Path]:
    """Thinning: the newest 5, the newest of each of the last 7 days, of each of the
    last 8 weeks and of each of the last 12 months; older copies go."""
    keep: list[Path] = []
    seen: set[tuple[str, object]] = set()
    for i, path in enumerate(sorted(backups, key=backup_time, reverse=True)):
        when = backup_time(path)
        age = now - when
        buckets = []
        if i < 5:
            buckets.append(("newest", i))
        if age <= dt.timedelta(days=7):
            buckets.append(("day", when.date()))
        if age <= dt.timedelta(weeks=8):
            buckets.append(("week", when.isocalendar()[:2]))
        if age <= dt.timedelta(days=366):
            buckets.append(("month", (when.year, when.month)))
        fresh = [b for b in buckets if b not in seen]
        if fresh:
            keep.append(path)
            seen.update(fresh)
    return keep


def list_backups(db_path: Path) -> list[Path]:
    """The automatic backups of a program file, newest first."""
    folder = backup_dir(db_path)
    if not folder.is_dir():
        return []
    return sorted(folder.glob(f"{db_path.stem}-*.db"), key=backup_time, reverse=True)


def move_aside(path: Path) -> Path:
    """Rename a damaged program file (and its WAL files) out of the way; returns the new name."""
    stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S")
    target = path.with_name(f"{path.name}.damaged-{stamp}")
    try:
        os.replace(path, target)
        for suffix in ("-wal", "-shm"):
            side = path.with_name(path.name + suffix)
            if side.exists():
                os.replace(side, target.with_name(target.name + suffix))
    except OSError as exc:
        raise DatabaseFileError(f"cannot move {path} aside: {exc.strerror}") from exc
    return target


def restore_backup(path: Path, backup_path: Path) -> None:
    """Put a backup in place of the program file (which must be closed).

    The backup is checked first; the current file, if it can still be read,
    is itself backed up; the copy is written beside the file and renamed over
    it, so an interrupted restore leaves the current file as it was.
    """
    state = inspect_file(backup_path)
    if state.empty:
        raise DatabaseFileError(f"{backup_path.name} holds no programs")
    lock = WriterLock(path)
    lock.acquire()
    try:
        if path.exists():
            with contextlib.suppress(DatabaseFileError):
                inspect_file(path)
                current = sqlite3.connect(path)
                try:
                    backup(current, path, "before-restore")
                finally:
                    current.close()
        partial = path.with_name(f".{path.name}.restoring")
        source = sqlite3.connect(f"{backup_path.resolve().as_uri()}?mode=ro", uri=True)
        try:
            dest = sqlite3.connect(partial)
            try:
                source.backup(dest)
            finally:
                dest.close()
        finally:
            source.close()
        for suffix in ("-wal", "-shm"):
            with contextlib.suppress(FileNotFoundError):
                path.with_name(path.name + suffix).unlink()
        os.replace(partial, path)
    except (OSError, sqlite3.Error) as exc:
        with contextlib.suppress(OSError, UnboundLocalError):
            partial.unlink()
        raise DatabaseFileError(
            f"cannot restore {path.name} from {backup_path.name}: {exc}"
        ) from exc
    finally:
        lock.release()


def _connect(path: Path, *, readonly: bool) -> sqlite3.Connection:
    if readonly:
        conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True, isolation_level=None)
    else:
        conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("PRAGMA foreign_keys = ON")
    conn.execute("PRAGMA busy_timeout = 5000")
    # What sqlite-utils' Database sets on the connection it wraps; set here too, so
    # the connection behaves the same before and after sqlite-utils is first used.
    conn.execute("PRAGMA recursive_triggers = ON")
    return conn


class ProgramFile:
    """An open program file: its connection, the sqlite-utils ``Database``, the lock.

    Attributes:
        path: the file's path.
        conn: the sqlite3 connection (reads use it directly).
        db: the sqlite-utils Database over ``conn``, made the first time it is
            used; every write goes through it (``transaction``).
        readonly: True when opened only to read (no lock taken).
    """

    def __init__(
        self,
        path: Path,
        conn: sqlite3.Connection,
        lock: WriterLock | None,
        readonly: bool,
        db: Database | None = None,
    ):
        self.path = path
        self.conn = conn
        self._db = db
        self._lock = lock
        self.readonly = readonly
        self._closed = False

    @property
    def db(self) -> Database:
        if self._db is None:
            self._db = sqlite_utils_database(self.conn)
        return self._db

    def warm_up_steps(self) -> list[Callable[[], object]]:
        """Small steps that together make ``db`` ready, so the first write does not wait.

        Importing sqlite-utils and loading its plugins takes about 0.15 s; the
        window runs these steps one per turn of its event loop once it is
        shown, so that no single step holds the window up. Each is harmless
        to run twice or after ``db`` is ready; none is needed for correctness:
        ``db`` does everything that is left the first time it is used. A file
        opened read-only is never written: it needs none.
        """
        if self._db is not None or self.readonly:
            return []
        steps: list[Callable[[], object]] = [
            lambda name=name: _import_quietly(name) for name in SQLITE_UTILS_DEPENDENCIES
        ]
        steps.append(import_sqlite_utils)
        steps.append(lambda: None if self._closed else self.db)
        return steps

    def close(self) -> None:
        self._closed = True
        with contextlib.suppress(sqlite3.Error):
            self.conn.close()
        if self._lock:
            self._lock.release()
            self._lock = None

    def __enter__(self) -> ProgramFile:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def backup(self, reason: str) -> Path | None:
        """Take a backup now (a file with no programs yet needs none)."""
        if not self.conn.execute("SELECT 1 FROM programs LIMIT 1").fetchone():
            return None
        return backup(self.conn, self.path, reason)

    @contextlib.contextmanager
    def transaction(self) -> Iterator[Database]:
        """One atomic change; a full disk becomes a DiskFullError, nothing written."""
        if self.readonly:
            raise DatabaseFileError(f"{self.path.name} is open read-only; nothing was changed")
        try:
            with self.db.atomic():
                yield self.db
        except sqlite3.OperationalError as exc:
            message = str(exc)
            if "full" in message:
                raise DiskFullError(
                    f"the disk is full: {self.path.name} was not changed ({message})"
                ) from exc
            if "readonly" in message:
                raise DatabaseFileError(
                    f"{self.path.name} cannot be written ({message}); nothing was changed"
                ) from exc
            raise


def open_program_file(path: Path, *, readonly: bool = False) -> ProgramFile:
    """Open (creating or migrating if needed) a program file.

    Raises DatabaseFileError (or DatabaseInUseError) with one clear line when
    the file cannot be used; such a file is left exactly as it was.
    """
    path = Path(path)
    state = inspect_file(path)
    if readonly:
        if not state.exists or state.empty:
            raise DatabaseFileError(f"{path} holds no programs yet")
        if state.version < schema.SCHEMA_VERSION:
            raise DatabaseFileError(
                f"{path} is from an older Mentor Desk; open it for writing once to update it"
            )
        conn = _connect(path, readonly=True)
        return ProgramFile(path, conn, None, readonly=True)

    if not path.parent.is_dir():
        raise DatabaseFileError(f"the folder {path.parent} does not exist")
    if state.exists and not _writable(path):
        raise DatabaseReadOnlyError(
            f"{path} is read-only; it can be opened to look at, but not changed"
        )
    lock = WriterLock(path)
    lock.acquire()
    try:
        conn = _connect(path, readonly=False)
        db = _prepare(conn, path, state)
    except DatabaseFileError:
        lock.release()
        raise
    except sqlite3.Error as exc:
        lock.release()
        raise DatabaseFileError(f"cannot open {path}: {exc}") from exc
    return ProgramFile(path, conn, lock, readonly=False, db=db)


def _writable(path: Path) -> bool:
    """False for a file marked read-only (even for a user who could override it)."""
    try:
        mode = path.stat().st_mode
    except OSError:
        return False
    return bool(mode & 0o222) and os.access(path, os.W_OK)


def _prepare(conn: sqlite3.Connection, path: Path, state: FileState) -> Database | None:
    """Set the file up: WAL, identity, and any pending migrations (after a backup).

    Returns the sqlite-utils Database the migrations ran through, or None when
    none were pending (the file is then opened without importing sqlite-utils).
    """
    if conn.execute("PRAGMA journal_mode").fetchone()[0] != "wal":
        try:
            conn.execute("PRAGMA journal_mode = WAL")
        except sqlite3.OperationalError as exc:
            raise DatabaseFileError(f"cannot write {path}: {exc}") from exc
    if not schema.pending_names(conn):
        newest = list_backups(path)[:1]
        due = not newest or dt.datetime.now() - backup_time(newest[0]) > BACKUP_EVERY
        if due and conn.execute("SELECT 1 FROM programs LIMIT 1").fetchone():
            backup(conn, path, "daily")
        return None
    if not state.empty:
        backup(conn, path, f"before-migration-v{state.version}")
    db = sqlite_utils_database(conn)
    try:
        schema.migrations.apply(db)
    except sqlite3.OperationalError as exc:
        raise DatabaseFileError(f"cannot update {path} to this version: {exc}") from exc
    return db


def migrate_to(db: Database, last: str) -> None:
    """Apply migrations up to and including ``last`` (for tests of old files)."""
    names = list(schema.MIGRATION_NAMES)
    later = names[names.index(last) + 1 :]
    schema.migrations.apply(db, stop_before=later[0] if later else None)
