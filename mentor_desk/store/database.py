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
PAGE_CACHE_KIB = 256
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
        conn.execute(f"PRAGMA cache_size = -{PAGE_CACHE_KIB}")
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


# Why a backup was taken (the end of its file name), as the window says it.
REASON_TEXTS = {
    "daily": "daily, on opening",
    "before-import": "before importing a program",
    "before-csv-import": "before importing participants (CSV)",
    "before-restore": "before restoring another backup",
}


def reason_text(reason: str) -> str:
    """ "before-migration-v1" -> "before updating the file from version 1"."""
    if reason.startswith("before-migration-v"):
        return f"before updating the file from version {reason.rsplit('-v', 1)[1]}"
    return REASON_TEXTS.get(reason, reason.replace("-", " "))


def backup(
    conn: sqlite3.Connection, db_path: Path, reason: str, *, protect: tuple[Path, ...] = ()
) -> Path:
    """Copy the open database with the SQLite backup API, then thin the old copies.

    The copy is written to a temporary name, checked with ``integrity_check``
    and renamed when whole, so a backup cut short by a full disk or a crash
    never looks like a good one. A copy is one self-contained file (rollback
    journal, not WAL): it can be copied elsewhere and read without side files.
    ``protect`` names backups the thinning must keep (the one being restored).
    """
    folder = backup_dir(db_path)
    stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S-%f")
    target = folder / f"{db_path.stem}-{stamp}-{reason}.db"
    partial = target.with_suffix(".partial")
    why = reason_text(reason)
    try:
        folder.mkdir(exist_ok=True)
        for stale in folder.glob(f"{db_path.stem}-*.partial*"):  # left by a killed backup
            with contextlib.suppress(OSError):
                stale.unlink()
        dest = sqlite3.connect(partial, isolation_level=None)
        try:
            conn.backup(dest)
            dest.execute("PRAGMA journal_mode = DELETE")
            problem = _integrity_problem(dest)
        finally:
            dest.close()
        if problem is not None:
            raise DatabaseFileError(
                f"cannot back up {db_path.name} ({why}): the copy fails the integrity check "
                f"({problem}); {db_path.name} may be damaged"
            )
        os.replace(partial, target)
    except (OSError, sqlite3.Error) as exc:
        raise DatabaseFileError(f"cannot back up {db_path.name} ({why}): {exc}") from exc
    finally:
        _remove_with_side_files(partial)
    thin_backups(db_path, protect=protect)
    return target


def thin_backups(db_path: Path, *, protect: tuple[Path, ...] = ()) -> list[Path]:
    """Delete the backups ``backups_to_keep`` does not keep; returns those deleted."""
    backups = list_backups(db_path)
    keep = {p.name for p in backups_to_keep(backups, dt.datetime.now())}
    keep.update(p.name for p in protect)
    gone = [p for p in backups if p.name not in keep]
    for old in gone:
        _remove_with_side_files(old)
    return gone


def _remove_with_side_files(path: Path) -> None:
    for name in (path.name, path.name + "-wal", path.name + "-shm", path.name + "-journal"):
        with contextlib.suppress(OSError):
            path.with_name(name).unlink()


def _integrity_problem(conn: sqlite3.Connection) -> str | None:
    """None when ``PRAGMA integrity_check`` says ok, else its first complaint."""
    rows = conn.execute("PRAGMA integrity_check").fetchall()
    return None if rows == [("ok",)] else str(rows[0][0])


def backup_time(path: Path) -> dt.datetime:
    """When a backup was taken, from its name (``<stem>-YYYYmmdd-HHMMSS-ffffff-<why>.db``)."""
    when, _reason = _parse_backup_name(path)
    return when if when is not None else dt.datetime.fromtimestamp(path.stat().st_mtime)


def backup_reason(path: Path) -> str:
    """Why a backup was taken, from its name: "daily", "before-import", ..."""
    return _parse_backup_name(path)[1]


def _parse_backup_name(path: Path) -> tuple[dt.datetime | None, str]:
    parts = path.name.removesuffix(".db").split("-")
    for i in range(len(parts) - 2):
        try:
            when = dt.datetime.strptime("-".join(parts[i : i + 3]), "%Y%m%d-%H%M%S-%f")
        except ValueError:
            continue
        return when, "-".join(parts[i + 3 :])
    return None, ""


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


@dataclass(frozen=True, slots=True)
class BackupInfo:
    """One backup as the Restore command shows it.

    Attributes:
        path: the backup file.
        taken: when it was taken (local time).
        reason: why, as in its name ("daily", "before-import", ...); ``why`` says it in words.
        programs: the names of the programs it holds.
        problem: None when it passes ``PRAGMA integrity_check`` and is ours, else what is wrong.
    """

    path: Path
    taken: dt.datetime
    reason: str
    programs: tuple[str, ...]
    problem: str | None

    @property
    def ok(self) -> bool:
        return self.problem is None

    @property
    def why(self) -> str:
        return reason_text(self.reason)


def describe_backup(path: Path) -> BackupInfo:
    """Read a backup without changing it: passes integrity_check? which programs?"""
    path = Path(path)
    programs: tuple[str, ...] = ()
    problem: str | None = None
    try:
        conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro&immutable=1", uri=True)
    except sqlite3.Error as exc:
        conn, problem = None, f"cannot be read ({exc})"
    if conn is not None:
        try:
            problem = _integrity_problem(conn)
            if problem is not None:
                problem = f"damaged ({problem})"
            elif conn.execute("PRAGMA application_id").fetchone()[0] != APPLICATION_ID:
                problem = "not a Mentor Desk file"
            elif conn.execute("PRAGMA user_version").fetchone()[0] > schema.SCHEMA_VERSION:
                problem = "written by a newer Mentor Desk"
            else:
                rows = conn.execute("SELECT name FROM programs ORDER BY name COLLATE NOCASE")
                programs = tuple(row[0] for row in rows)
        except sqlite3.Error as exc:
            problem = f"damaged or not a Mentor Desk file ({exc})"
        finally:
            conn.close()
    return BackupInfo(path, backup_time(path), backup_reason(path), programs, problem)


def newest_good_backup(db_path: Path) -> BackupInfo | None:
    """The newest backup of a program file that passes integrity_check, or None."""
    for path in list_backups(db_path):
        info = describe_backup(path)
        if info.ok:
            return info
    return None


def damage(path: Path) -> str | None:
    """What is wrong with a program file that is damaged, or None when it is not damaged.

    Missing, empty, another application's and newer files are not damaged (they
    are refused for what they are); an SQLite file that fails integrity_check
    or cannot be read as one is, and so is a file that no longer looks like
    SQLite at all when it has backups (it was a Mentor Desk file).
    """
    path = Path(path)
    try:
        with path.open("rb") as handle:
            header = handle.read(100)
    except OSError:
        return None
    if not header:
        return None
    if not header.startswith(SQLITE_HEADER):
        return "it is no longer an SQLite database" if list_backups(path) else None
    if len(header) < 100:
        return "the file is truncated"
    try:
        conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
    except sqlite3.Error:
        return None
    try:
        app_id = conn.execute("PRAGMA application_id").fetchone()[0]
        if app_id not in (0, APPLICATION_ID):
            return None
        if conn.execute("PRAGMA user_version").fetchone()[0] > schema.SCHEMA_VERSION:
            return None
        return _integrity_problem(conn)
    except sqlite3.OperationalError:  # locked, cannot open: a condition, not damage
        return None
    except sqlite3.DatabaseError as exc:  # malformed, not a database
        return str(exc)
    finally:
        conn.close()


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


def restore_backup(path: Path, backup_path: Path) -> Path | None:
    """Put a backup in place of the program file (which must be closed).

    The backup must pass integrity_check. The current file, when it holds
    programs, is itself backed up first (returned; None when there was
    nothing to keep): if that backup cannot be taken, nothing is restored. A
    damaged or foreign file is never overwritten (move it aside first). The
    copy is written beside the file and renamed over it, so an interrupted
    restore leaves the current file as it was.
    """
    path, backup_path = Path(path), Path(backup_path)
    info = describe_backup(backup_path)
    if not info.ok:
        raise DatabaseFileError(f"{backup_path.name} cannot be restored: it is {info.problem}")
    if path.exists() and not _writable(path):
        raise DatabaseReadOnlyError(f"{path} is read-only; nothing was restored")
    try:
        state = inspect_file(path)
    except DatabaseFileError as exc:
        raise DatabaseFileError(
            f"{exc}; it was not overwritten (move it aside before restoring a backup)"
        ) from exc
    lock = WriterLock(path)
    lock.acquire()
    partial = path.with_name(f".{path.name}.restoring")
    kept: Path | None = None
    try:
        _remove_with_side_files(partial)  # left by an interrupted restore
        source = sqlite3.connect(f"{backup_path.resolve().as_uri()}?mode=ro&immutable=1", uri=True)
        try:
            dest = sqlite3.connect(partial, isolation_level=None)
            try:
                source.backup(dest)
                dest.execute("PRAGMA journal_mode = DELETE")
            finally:
                dest.close()
        finally:
            source.close()
        if not state.empty:
            current = sqlite3.connect(path, isolation_level=None)
            try:
                if current.execute("SELECT 1 FROM programs LIMIT 1").fetchone():
                    kept = backup(current, path, "before-restore", protect=(backup_path,))
            finally:
                current.close()
        for suffix in ("-wal", "-shm"):
            with contextlib.suppress(FileNotFoundError):
                path.with_name(path.name + suffix).unlink()
        os.replace(partial, path)
        _sync_folder(path.parent)
    except (OSError, sqlite3.Error) as exc:
        raise DatabaseFileError(
            f"cannot restore {path.name} from {backup_path.name}: {exc}; "
            f"{path.name} was left as it was"
        ) from exc
    except DatabaseFileError as exc:
        raise DatabaseFileError(f"{exc}; nothing was restored") from exc
    finally:
        _remove_with_side_files(partial)
        lock.release()
    return kept


def _sync_folder(folder: Path) -> None:
    """Make a rename in ``folder`` durable (best effort; not on Windows)."""
    if os.name == "nt":  # pragma: no cover
        return
    with contextlib.suppress(OSError):
        fd = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


def readonly_reason(path: Path) -> str:
    """Why a program file can only be read right now, in words for the read-only notice."""
    path = Path(path)
    if not _writable(path):
        return "the file is marked read-only"
    try:
        fd = os.open(path.with_name(path.name + ".lock"), os.O_RDWR | os.O_CREAT, 0o644)
    except OSError:
        return "its folder cannot be written"
    try:
        if not _try_lock(fd):
            return f"another Mentor Desk has it open for writing ({_read_owner(fd)})"
        _unlock(fd)
    finally:
        os.close(fd)
    return "it was opened read-only"


def _connect(path: Path, *, readonly: bool) -> sqlite3.Connection:
    if readonly:
        conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True, isolation_level=None)
    else:
        conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("PRAGMA foreign_keys = ON")
    conn.execute("PRAGMA busy_timeout = 5000")
    # Once loaded, the program lives in memory as objects; SQLite's default page cache
    # (2 MiB) would only keep a second copy of the pages read to load it. 256 KiB holds
    # the b-tree pages a write walks. Measured at 8,000 participants: import and load
    # take the same time; start-up peaks 1.3 MB lower at 2,000.
    conn.execute(f"PRAGMA cache_size = -{PAGE_CACHE_KIB}")
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
        backup_problem: why the daily backup on opening could not be taken (None: no problem);
            the file is open all the same, and the window and command line say so.
    """

    backup_problem: str | None = None

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
        """Take a backup now (a file with no programs yet, or open read-only, needs none)."""
        if self.readonly or not self.conn.execute("SELECT 1 FROM programs LIMIT 1").fetchone():
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
        db, backup_problem = _prepare(conn, path, state)
    except DatabaseFileError:
        lock.release()
        raise
    except sqlite3.Error as exc:
        lock.release()
        raise DatabaseFileError(f"cannot open {path}: {exc}") from exc
    pf = ProgramFile(path, conn, lock, readonly=False, db=db)
    pf.backup_problem = backup_problem
    return pf


def _writable(path: Path) -> bool:
    """False for a file marked read-only (even for a user who could override it)."""
    try:
        mode = path.stat().st_mode
    except OSError:
        return False
    return bool(mode & 0o222) and os.access(path, os.W_OK)


def _prepare(
    conn: sqlite3.Connection, path: Path, state: FileState
) -> tuple[Database | None, str | None]:
    """Set the file up: WAL, identity, and any pending migrations (after a backup).

    Returns the sqlite-utils Database the migrations ran through (None when
    none were pending: the file is then opened without importing sqlite-utils),
    and why the daily backup failed, if it did: a full disk must not keep the
    user from a file that needs no change to be opened.
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
            try:
                backup(conn, path, "daily")
            except DatabaseFileError as exc:
                return None, str(exc)
        return None, None
    if not state.empty:
        backup(conn, path, f"before-migration-v{state.version}")
    db = sqlite_utils_database(conn)
    try:
        schema.migrations.apply(db)
    except sqlite3.OperationalError as exc:
        raise DatabaseFileError(f"cannot update {path} to this version: {exc}") from exc
    return db, None


def migrate_to(db: Database, last: str) -> None:
    """Apply migrations up to and including ``last`` (for tests of old files)."""
    names = list(schema.MIGRATION_NAMES)
    later = names[names.index(last) + 1 :]
    schema.migrations.apply(db, stop_before=later[0] if later else None)
