"""Use cases: each validates, writes in one transaction, and says what changed.

The command line and the window call these; neither touches the store's
tables. Every function takes keyword arguments after the program file so that
a call reads as a sentence, and returns what Undo and the views need.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import errno
import os
import stat
import tempfile
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

from mentor_desk import interchange
from mentor_desk.domain import model as m
from mentor_desk.errors import ConflictError, DiskFullError, DocumentError, KnownError
from mentor_desk.store import database
from mentor_desk.store.database import BackupInfo, ProgramFile, open_program_file
from mentor_desk.store.repository import COLLECTIONS, PROGRAM_FIELDS, Repository, Snapshot

DEMO_RESOURCE = "northwind.json"


@dataclass(frozen=True, slots=True)
class Change:
    """One committed edit: enough to redraw what shows it and to reverse it.

    ``collection`` is "program" for a program-level field (``field`` then is a
    dotted document path such as "design.launch_on"), else a collection name
    of ``repository.COLLECTIONS``; ``item_id`` is the row concerned.
    """

    program_id: int
    collection: str
    item_id: int | None
    field: str | None
    old: Any = None
    new: Any = None


def open_file(path: Path, *, readonly: bool = False) -> ProgramFile:
    """Open a program file (see ``store.database.open_program_file``)."""
    return open_program_file(path, readonly=readonly)


def repo(pf: ProgramFile) -> Repository:
    return Repository(pf.conn)


# ----- programs whole ---------------------------------------------------------


def list_programs(pf: ProgramFile, *, query: str = "") -> list[m.ProgramSummary]:
    return repo(pf).list_programs(query)


def find_program(pf: ProgramFile, ref: str | int) -> m.ProgramSummary:
    return repo(pf).find_program(ref)


def load_program(pf: ProgramFile, ref: str | int) -> m.Program:
    r = repo(pf)
    return r.load_program(r.find_program(ref).id)


def add_program(pf: ProgramFile, *, program: m.Program) -> int:
    """Store a new program, refusing a name already in the file."""
    problems = interchange.reference_problems(program)
    if problems:
        raise DocumentError("the program has references that do not resolve:", problems)
    with pf.transaction():
        return repo(pf).insert_program(program)


def import_document(
    pf: ProgramFile, *, document: Any, source: str, rename: str | None = None
) -> int:
    """Validate and store a program document; one transaction, all or nothing."""
    program = interchange.read_document(document, source)
    if rename is not None:
        validate_value("program", "name", rename)
        program.name = rename
    if repo(pf).program_name_exists(program.name):
        raise ConflictError(
            f"a program named {program.name!r} is already in this file; "
            "import it under another name with --rename NEW-NAME"
        )
    pf.backup("before-import")
    with pf.transaction():
        return repo(pf).insert_program(program)


def import_file(pf: ProgramFile, *, path: Path, rename: str | None = None) -> int:
    """Import a program document from a JSON file."""
    try:
        data = Path(path).read_bytes()
    except OSError as exc:
        raise KnownError(f"cannot read {path}: {exc.strerror}") from exc
    document = interchange.parse_json(data, str(path))
    return import_document(pf, document=document, source=str(path), rename=rename)


def dump_program(pf: ProgramFile, *, ref: str | int) -> str:
    """The program document of one program, as JSON text."""
    return interchange.document_text(load_program(pf, ref))


def demo_document() -> Any:
    text = resources.files("mentor_desk").joinpath(DEMO_RESOURCE).read_text("utf-8")
    return interchange.parse_json(text, DEMO_RESOURCE)


def load_demo(pf: ProgramFile) -> int:
    """Add the Northwind example program; refused if it is already in the file."""
    document = demo_document()
    name = document["program"]["name"]
    if repo(pf).program_name_exists(name):
        existing = repo(pf).find_program(name)
        raise ConflictError(
            f"the example program {name!r} is already in this file (id {existing.id})"
        )
    return import_document(pf, document=document, source="the example program")


def rename_program(pf: ProgramFile, *, program_id: int, name: str) -> Change:
    return edit_program_field(pf, program_id=program_id, path="name", value=name)


def duplicate_program(pf: ProgramFile, *, program_id: int, name: str) -> int:
    """Copy a program under a new name (a template for the next client)."""
    validate_value("program", "name", name)
    program = repo(pf).load_program(program_id)
    program.name = name
    with pf.transaction():
        return repo(pf).insert_program(program)


def delete_program(pf: ProgramFile, *, program_id: int) -> Snapshot:
    """Delete a program and all it holds; returns what ``restore`` puts back."""
    with pf.transaction():
        return repo(pf).delete_program(program_id)


def restore(pf: ProgramFile, *, snapshot: Snapshot) -> None:
    """Undo a delete: put the rows back with their ids."""
    with pf.transaction():
        repo(pf).restore(snapshot)


def set_current_step(pf: ProgramFile, *, program_id: int, step: m.Step) -> None:
    with pf.transaction():
        repo(pf).set_current_step(program_id, step.value)


def current_step(pf: ProgramFile, *, program_id: int) -> m.Step:
    value = repo(pf).program_state(program_id)["current_step"]
    return m.Step(value) if value in m.Step._value2member_map_ else m.Step.BUSINESS_CASE


# ----- one edit at a time -----------------------------------------------------


def edit_program_field(pf: ProgramFile, *, program_id: int, path: str, value: Any) -> Change:
    """Set a program-level field such as "focus" or "design.launch_on".

    The Change's ``new`` is the value as stored (as loading the program gives it back).
    """
    validate_value("program", path, value)
    r = repo(pf)
    with pf.transaction():
        old = r.update_program_field(program_id, path, value)
        new = r.program_field(program_id, path)
    return Change(program_id, "program", program_id, path, old, new)


def edit_item_field(
    pf: ProgramFile, *, collection: str, item_id: int, field: str, value: Any
) -> Change:
    """Set one field of one item, e.g. a stakeholder's views (``new``: the value as stored)."""
    validate_value(collection, field, value)
    r = repo(pf)
    with pf.transaction():
        program_id = r.program_of(collection, item_id)
        old = r.update_item_field(collection, item_id, field, value)
        new = r.item_field(collection, item_id, field)
    return Change(program_id, collection, item_id, field, old, new)


def set_skills(pf: ProgramFile, *, participant_id: int, skills: list[str]) -> Change:
    for skill in skills:
        _check_length("skill", skill, 1, m.MAX_SKILL)
    r = repo(pf)
    with pf.transaction():
        program_id = r.program_of("participants", participant_id)
        old = r.set_skills(participant_id, skills)
        r.touch(program_id)
    return Change(program_id, "participants", participant_id, "skills", old, list(skills))


def set_attendees(pf: ProgramFile, *, meeting_id: int, names: list[str]) -> Change:
    r = repo(pf)
    with pf.transaction():
        program_id = r.program_of("pitch_meetings", meeting_id)
        old = r.set_attendees(meeting_id, names)
        r.touch(program_id)
    return Change(program_id, "pitch_meetings", meeting_id, "attendees", old, list(names))


def add_item(
    pf: ProgramFile,
    *,
    program_id: int,
    collection: str,
    item: Any,
    parent_id: int | None = None,
    position: int | None = None,
) -> Change:
    """Add one item (a stakeholder, a cost line...) to a program's list.

    The Change's ``new`` is the item as stored, read back with its id (a new object).
    """
    for col in COLLECTIONS[collection].columns:
        validate_value(collection, col.field, getattr(item, col.field))
    r = repo(pf)
    with pf.transaction():
        new_id = r.insert_item(program_id, collection, item, parent_id=parent_id, position=position)
        stored = r.load_item(collection, new_id)
    return Change(program_id, collection, new_id, None, None, stored)


def remove_item(pf: ProgramFile, *, collection: str, item_id: int) -> tuple[Change, Snapshot]:
    """Delete one item and what depends on it; the snapshot undoes it."""
    r = repo(pf)
    with pf.transaction():
        program_id = r.program_of(collection, item_id)
        snapshot = r.delete_item(collection, item_id)
    return Change(program_id, collection, item_id, None), snapshot


# ----- values checked where they are typed -----------------------------------

_COLLECTION_DEFS = {
    "goals": "goal",
    "metrics": "metric",
    "costs": "cost",
    "target_groups": "target_group",
    "stakeholders": "stakeholder",
    "benefits": "benefit",
    "pitch_meetings": "pitch_meeting",
    "roles": "role",
    "procedures": "procedure",
    "competencies": "competency",
    "trainings": "training",
    "communications": "communication",
    "participants": "participant",
    "pairs": "pair",
    "development_goals": "development_goal",
    "measurements": "measurement",
    "surveys": "survey",
    "ideas": "idea",
    "journal": "journal_entry",
}


def field_schema(collection: str, field: str) -> dict[str, Any]:
    """The schema of one field (``$ref`` resolved), for validation and input widgets."""
    defs = interchange.schema()["$defs"]
    if collection == "program":
        head, _, rest = field.rpartition(".")
        owner = {
            "": "program",
            "manager": "person",
            "business_case": "business_case",
            "adviser_review": "adviser_review",
            "design": "design",
        }[head]
        prop = defs[owner]["properties"][rest]
    elif collection == "evaluations":
        prop = defs["development_goal"]["properties"]["evaluations"]["items"]["properties"][field]
    else:
        prop = defs[_COLLECTION_DEFS[collection]]["properties"][field]
    while "$ref" in prop:
        prop = {
            **defs[prop["$ref"].rsplit("/", 1)[1]],
            **{k: v for k, v in prop.items() if k != "$ref"},
        }
    return prop


def _check_length(label: str, value: str, low: int, high: int) -> None:
    if len(value) < low:
        raise ConflictError(f"{label} cannot be empty")
    if len(value) > high:
        raise ConflictError(
            f"{label} is {len(value):,} characters long; at most {high:,} are allowed"
        )


def validate_value(collection: str, field: str, value: Any) -> None:
    """Refuse a value its field cannot hold, with a message naming the field."""
    if collection == "program" and field not in PROGRAM_FIELDS:
        raise KeyError(field)
    prop = field_schema(collection, field)
    label = field.rsplit(".", 1)[-1].replace("_", " ")
    if value is None:
        required = _required(collection, field)
        if required:
            raise ConflictError(f"{label} cannot be empty")
        return
    if isinstance(value, dt.date):
        return
    if "enum" in prop and value not in prop["enum"]:
        raise ConflictError(
            f"{value!r} is not a valid {label}: choose one of {', '.join(prop['enum'])}"
        )
    if isinstance(value, str):
        if "pattern" in prop and "date" not in prop.get("format", ""):
            import re

            if not re.fullmatch(prop["pattern"].strip("^$"), value):
                raise ConflictError(f"{value!r} is not a valid {label}")
        _check_length(label, value, prop.get("minLength", 0), prop.get("maxLength", 10**9))
    elif isinstance(value, (int, float)) and not isinstance(value, bool):
        if "minimum" in prop and value < prop["minimum"]:
            raise ConflictError(f"{label} must be at least {prop['minimum']}")
        if "maximum" in prop and value > prop["maximum"]:
            raise ConflictError(f"{label} must be at most {prop['maximum']}")


def _required(collection: str, field: str) -> bool:
    defs = interchange.schema()["$defs"]
    if collection == "program":
        return field in ("name", "organization", "org_size", "manager.name")
    if collection == "evaluations":
        owner = defs["development_goal"]["properties"]["evaluations"]["items"]
    else:
        owner = defs[_COLLECTION_DEFS[collection]]
    return field in owner.get("required", ())


# ----- backups and recovery ---------------------------------------------------


def list_backups(path: Path) -> list[BackupInfo]:
    """The automatic backups of a program file, newest first, each read and checked."""
    return [database.describe_backup(p) for p in database.list_backups(Path(path))]


def newest_good_backup(path: Path) -> BackupInfo | None:
    """The newest backup of a program file that passes integrity_check, or None."""
    return database.newest_good_backup(Path(path))


def restore_backup(path: Path, *, backup: Path) -> Path | None:
    """Put a backup in place of the (closed) program file, having backed the file up first.

    Returns the backup of the state replaced (None when the file held no
    programs). Refused, with nothing changed, when the backup fails its
    integrity check, the file is read-only, in use, damaged, or the backup of
    the current state cannot be taken (a full disk, say).
    """
    return database.restore_backup(Path(path), Path(backup))


def damage(path: Path) -> str | None:
    """What is wrong with a damaged program file; None when it is not damaged."""
    return database.damage(Path(path))


def recover_damaged(path: Path, *, backup: Path) -> Path:
    """Move a damaged program file aside and restore a backup in its place.

    Returns where the damaged file now is (kept for whoever may repair it).
    If the backup cannot be restored, the damaged file is put back where it
    was and the error is raised.
    """
    path = Path(path)
    aside = database.move_aside(path)
    try:
        database.restore_backup(path, Path(backup))
    except KnownError:
        if not path.exists():
            with contextlib.suppress(OSError):
                os.replace(aside, path)
                for suffix in ("-wal", "-shm"):
                    side = aside.with_name(aside.name + suffix)
                    if side.exists():
                        os.replace(side, path.with_name(path.name + suffix))
        raise
    return aside


def readonly_reason(path: Path) -> str:
    """Why the program file can only be read right now (for the window's notice)."""
    return database.readonly_reason(Path(path))


# ----- writing files ----------------------------------------------------------


def write_atomically(path: Path, data: bytes) -> None:
    """Write ``data`` to a temporary file beside ``path``, then rename it over ``path``.

    A full disk (``DiskFullError``) or a read-only folder leaves any earlier file as it was.
    """
    path = Path(path)
    folder = path.parent if str(path.parent) else Path(".")
    try:
        handle, tmp_name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=folder)
    except OSError as exc:
        raise _write_error(path, exc) from exc
    tmp = Path(tmp_name)
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(data)
            out.flush()
            # mkstemp makes the file private (0600); give it what a plain write would.
            os.fchmod(out.fileno(), _file_mode(path))
            os.fsync(out.fileno())
        os.replace(tmp, path)
    except OSError as exc:
        with contextlib.suppress(OSError):
            tmp.unlink()
        raise _write_error(path, exc) from exc


def _file_mode(path: Path) -> int:
    """The permissions for a file written at ``path``: those of the file it replaces, or
    what ``open()`` would give a new one (0666 less the umask)."""
    with contextlib.suppress(OSError):
        return stat.S_IMODE(path.stat().st_mode)
    return 0o666 & ~_umask()


def _umask() -> int:
    # Read, not set: os.umask() changes the whole process's mask, and exports run in a thread.
    with contextlib.suppress(OSError, ValueError, StopIteration):
        status = Path("/proc/self/status").read_text().splitlines()
        return int(next(line for line in status if line.startswith("Umask:")).split()[1], 8)
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


DISK_FULL_ERRNOS = {errno.ENOSPC, getattr(errno, "EDQUOT", errno.ENOSPC)}


def _write_error(path: Path, exc: OSError) -> KnownError:
    if exc.errno in DISK_FULL_ERRNOS:
        return DiskFullError(
            f"the disk is full: {path} was not written ({exc.strerror}); any earlier file "
            "is unchanged. Free some space and try again"
        )
    return KnownError(f"cannot write {path}: {exc.strerror}; any earlier file is unchanged")


# ----- participants: CSV import and export, matching, calendar ---------------


class ImportCancelled(KnownError):
    """The user cancelled a CSV import; nothing was imported."""


@dataclass(frozen=True, slots=True)
class ImportResult:
    """What a CSV import did, and how it read the file."""

    added: int
    updated: int
    encoding: str
    delimiter: str

    @property
    def delimiter_name(self) -> str:
        from mentor_desk.participants_csv import DELIMITER_NAMES

        return DELIMITER_NAMES.get(self.delimiter, repr(self.delimiter))


# Progress of an import, out of this: reading 0-200, checking -500, writing -1000.
IMPORT_STEPS = 1000


def import_participants_csv(
    pf: ProgramFile,
    *,
    program_id: int,
    path: Path | None = None,
    data: bytes | None = None,
    mapping: Any = None,
    progress: Any = None,
    cancelled: Any = None,
) -> ImportResult:
    """Add or update a program's participants from a CSV file (an HR export).

    All or nothing, in one transaction: any bad row raises DocumentError
    listing every bad row with its line and why; ``cancelled()`` returning
    True raises ImportCancelled; either way nothing is written.
    ``progress(done, IMPORT_STEPS)`` reports how far it is. ``mapping``
    overrides the columns' fields (see ``participants_csv.resolve_mapping``).
    """
    from mentor_desk import participants_csv as pcsv

    source = str(path) if path is not None else "the CSV data"
    if data is None:
        if path is None:
            raise ValueError("import_participants_csv needs a path or data")
        try:
            data = Path(path).read_bytes()
        except OSError as exc:
            raise KnownError(f"cannot read {path}: {exc.strerror}") from exc
    r = repo(pf)
    r.find_program(program_id)

    def stage(low: int, high: int) -> Any:
        def report(done: int, total: int) -> None:
            if progress is not None:
                progress(low + (high - low) * done // max(1, total), IMPORT_STEPS)

        return report

    try:
        table = pcsv.read_table(data, progress=stage(0, 200), cancelled=cancelled)
        resolved = pcsv.resolve_mapping(table.headers, mapping)
        parsed = pcsv.parse_participants(
            table, resolved, progress=stage(200, 500), cancelled=cancelled
        )
    except pcsv.CsvCancelled:
        raise ImportCancelled("the import was cancelled; nothing was imported") from None
    except ValueError as exc:
        raise KnownError(f"cannot read {source}: {exc}") from None
    if parsed.errors:
        count = len(parsed.errors)
        raise DocumentError(
            f"{source}: {count} bad row{'s' if count != 1 else ''}; nothing was imported:",
            [str(e) for e in parsed.errors],
        )
    write = stage(500, IMPORT_STEPS)
    pf.backup("before-csv-import")

    def written(done: int, total: int) -> None:
        if cancelled is not None and cancelled():
            raise ImportCancelled("the import was cancelled; nothing was imported")
        write(done, total)

    with pf.transaction():
        added, updated = r.upsert_participants(
            program_id, parsed.participants, parsed.fields, lines=parsed.lines, progress=written
        )
    if progress is not None:
        progress(IMPORT_STEPS, IMPORT_STEPS)
    return ImportResult(added, updated, table.encoding, table.delimiter)


def export_participants_csv(pf: ProgramFile, *, program_id: int, path: Path) -> int:
    """Write a program's participants and their pairs as CSV (UTF-8 with BOM, cells inert).

    Written atomically; returns the number of participants written.
    """
    from mentor_desk import participants_csv as pcsv

    program = repo(pf).load_program(program_id)
    write_atomically(Path(path), pcsv.export_csv(program))
    return len(program.participants)


def propose_pairs(pf: ProgramFile, *, program_id: int, today: dt.date, excluded: Any = ()) -> Any:
    """Proposals for the unpaired mentees (``domain.matching.MatchResult``); writes nothing.

    ``excluded``: (mentor, mentee) name pairs the user rejected, never proposed again.
    """
    from mentor_desk.domain import matching

    return matching.propose(repo(pf).load_program(program_id), today, excluded=excluded)


def accept_proposals(
    pf: ProgramFile,
    *,
    program_id: int,
    proposals: list[Any],
    started_on: dt.date | None = None,
    today: dt.date | None = None,
) -> list[Change]:
    """Store accepted proposals as pairs with status ``proposed``, in one transaction.

    Refused (nothing stored) when a mentee already has an open pair, a mentee
    appears twice, or a proposal's participants are gone; returns one Change
    per new pair.
    """
    from mentor_desk.domain import matching

    if not proposals:
        return []
    r = repo(pf)
    program = r.load_program(program_id)
    today = today or dt.date.today()
    open_mentees = {p.mentee for p in program.pairs if matching.is_open(p, today)}
    ids = {p.id for p in program.participants}
    problems = []
    seen: set[int | None] = set()
    for prop in proposals:
        if prop.mentor_id not in ids or prop.mentee_id not in ids:
            problems.append(f"{prop.mentor} and {prop.mentee}: a participant no longer exists")
        elif prop.mentee in open_mentees:
            problems.append(f"{prop.mentee} already has a mentor")
        elif prop.mentee_id in seen:
            problems.append(f"{prop.mentee} is proposed twice")
        seen.add(prop.mentee_id)
    if problems:
        raise DocumentError(
            "the proposals no longer fit the program; run matching again. Nothing was stored:",
            problems,
        )
    with pf.transaction():
        new_ids = r.insert_pairs(
            program_id,
            [(p.mentor_id, p.mentee_id, "proposed", started_on) for p in proposals],
        )
    return [
        Change(
            program_id,
            "pairs",
            new_id,
            None,
            None,
            m.Pair(p.mentor, p.mentee, started_on=started_on, status="proposed", id=new_id),
        )
        for new_id, p in zip(new_ids, proposals, strict=True)
    ]


def export_calendar(
    pf: ProgramFile, *, program_id: int, path: Path, stamp: dt.datetime | None = None
) -> int:
    """Write the plan's dates as an iCalendar file, atomically; returns the number of events."""
    from mentor_desk import calendar_export

    program = repo(pf).load_program(program_id)
    data, count = calendar_export.calendar_bytes(program, stamp=stamp)
    write_atomically(Path(path), data)
    return count


# ----- documents ----------------------------------------------------------------

DOCUMENT_KINDS = ("pitch", "stakeholders", "report")


def build_document(
    program: m.Program,
    *,
    kind: str,
    today: dt.date,
    paper: str = "a4",
    prepared_for: str | None = None,
    progress: Any = None,
    cancelled: Any = None,
) -> bytes:
    """Make one PDF document of ``program`` in memory and return its bytes.

    ``kind`` is "pitch", "stakeholders" or "report"; ``prepared_for`` (pitch
    only) names a stakeholder of the program. ``progress(done, total)`` is
    called as it goes; ``cancelled()`` returning True stops it with
    ``reports.base.ExportCancelled``. ReportLab is imported here, not at start-up.
    """
    import io

    if kind not in DOCUMENT_KINDS:
        raise KnownError(f"unknown document {kind!r}; use one of {', '.join(DOCUMENT_KINDS)}")
    if prepared_for is not None and kind != "pitch":
        raise KnownError("only the pitch packet is prepared for a stakeholder")
    buffer = io.BytesIO()
    common: dict[str, Any] = dict(paper=paper, today=today, progress=progress, cancelled=cancelled)
    if kind == "pitch":
        from mentor_desk.reports import pitch

        pitch.build(program, buffer, prepared_for=prepared_for, **common)
    elif kind == "stakeholders":
        from mentor_desk.reports import stakeholder_map

        stakeholder_map.build(program, buffer, **common)
    else:
        from mentor_desk.reports import progress as progress_report

        progress_report.build(program, buffer, **common)
    return buffer.getvalue()


def write_document(
    program: m.Program,
    *,
    kind: str,
    path: Path,
    today: dt.date,
    paper: str = "a4",
    prepared_for: str | None = None,
    progress: Any = None,
    cancelled: Any = None,
) -> None:
    """Build a document in memory, then write it atomically: a failure leaves any earlier file."""
    data = build_document(
        program, kind=kind, today=today, paper=paper, prepared_for=prepared_for,
        progress=progress, cancelled=cancelled,
    )  # fmt: skip
    if cancelled is not None and cancelled():
        from mentor_desk.reports.base import ExportCancelled

        raise ExportCancelled()
    write_atomically(Path(path), data)


def export_document(
    pf: ProgramFile,
    *,
    program: str | int,
    kind: str,
    path: Path,
    today: dt.date,
    paper: str = "a4",
    prepared_for: str | None = None,
    progress: Any = None,
    cancelled: Any = None,
) -> None:
    """Write one program's pitch packet, stakeholder map or progress report as a PDF file.

    ``program`` is the program's id or exact name. A stakeholder named in
    ``prepared_for`` must belong to the program (``NotFoundError`` otherwise).
    """
    loaded = load_program(pf, program)
    write_document(
        loaded, kind=kind, path=path, today=today, paper=paper, prepared_for=prepared_for,
        progress=progress, cancelled=cancelled,
    )  # fmt: skip
