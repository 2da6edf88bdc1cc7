"""Programs in and out of the tables: the only code that knows table and column names.

Each list of the program document is a *collection* described once in
``COLLECTIONS`` (its table, dataclass and columns); loading, inserting,
editing one field, deleting with everything that hangs off a row, and
restoring what was deleted are written once for all of them.

Methods here do not open transactions: the caller (``services``) wraps each
use case in ``ProgramFile.transaction()`` so that it is whole or not at all.
"""

from __future__ import annotations

import datetime as dt
import functools
import operator
import sqlite3
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from mentor_desk.domain import model as m
from mentor_desk.errors import ConflictError, NotFoundError

if TYPE_CHECKING:
    from sqlite_utils import Database

TEXT, NUM, INT, BOOL, DATE, REF = "text", "num", "int", "bool", "date", "ref"


@dataclass(frozen=True, slots=True)
class Column:
    """One stored field: ``field`` in the dataclass, ``column`` in the table."""

    field: str
    kind: str = TEXT
    column: str = ""
    ref: str | None = None  # for REF: the collection whose name it holds

    @property
    def sql(self) -> str:
        return self.column or self.field


@dataclass(frozen=True, slots=True)
class Collection:
    """A list of the program document kept as rows of one table."""

    name: str
    table: str
    cls: type
    columns: tuple[Column, ...]
    parent: str = "program_id"  # the column that ties a row to its owner

    def column(self, field_name: str) -> Column:
        for col in self.columns:
            if col.field == field_name:
                return col
        raise KeyError(f"{self.name} has no field {field_name!r}")


def _cols(*specs: str | tuple[str, ...]) -> tuple[Column, ...]:
    out = []
    for spec in specs:
        if isinstance(spec, str):
            out.append(Column(spec))
        else:
            out.append(Column(*spec))
    return tuple(out)


COLLECTIONS: dict[str, Collection] = {
    c.name: c
    for c in (
        Collection(
            "goals",
            "goals",
            m.Goal,
            _cols(
                "objective",
                "strategy_link",
                "performance_change",
                "behavior_change",
                ("value", NUM),
                "value_basis",
            ),
        ),
        Collection(
            "metrics",
            "metrics",
            m.Metric,
            _cols(
                "name",
                "unit",
                ("baseline", NUM),
                ("target", NUM),
                ("due", DATE),
                "verification",
                "reporting",
            ),
            parent="goal_id",
        ),
        Collection(
            "costs",
            "costs",
            m.Cost,
            _cols("item", "kind", ("amount", NUM), "category", ("hours", NUM), "notes"),
        ),
        Collection(
            "target_groups",
            "target_groups",
            m.TargetGroup,
            _cols("name", ("size", INT), ("external_mentors", BOOL), "reason"),
        ),
        Collection(
            "stakeholders",
            "stakeholders",
            m.Stakeholder,
            _cols(
                "name",
                "role",
                "title",
                "department",
                ("influence", INT),
                "stance",
                "status",
                ("in_room", BOOL),
                ("intellectual_buy_in", BOOL),
                ("emotional_buy_in", BOOL),
                "views",
                "issues",
                ("last_contact", DATE),
                "notes",
            ),
        ),
        Collection(
            "benefits",
            "benefits",
            m.Benefit,
            _cols("level", "text", ("stakeholder", REF, "stakeholder_id", "stakeholders")),
        ),
        Collection(
            "pitch_meetings", "pitch_meetings", m.PitchMeeting, _cols(("date", DATE), "outcome")
        ),
        Collection(
            "roles",
            "roles",
            m.Role,
            _cols("name", "profile", "responsibilities", "time_commitment"),
        ),
        Collection("procedures", "procedures", m.Procedure, _cols("name", "description", "owner")),
        Collection(
            "competencies", "competencies", m.Competency, _cols("name", "description", "assessment")
        ),
        Collection(
            "trainings",
            "trainings",
            m.Training,
            _cols("name", "audience", ("date", DATE), ("hours", NUM)),
        ),
        Collection(
            "communications",
            "communications",
            m.Communication,
            _cols("title", "kind", "audience", "channel", ("date", DATE), "status", "body"),
        ),
        Collection(
            "participants",
            "participants",
            m.Participant,
            _cols(
                "name",
                "role",
                "email",
                "department",
                "title",
                ("external", BOOL),
                ("reports_to_manager", BOOL),
                ("high_performer", BOOL),
                ("joined_on", DATE),
                ("left_on", DATE),
                "manager",
            ),
        ),
        Collection(
            "pairs",
            "pairs",
            m.Pair,
            _cols(
                ("mentor", REF, "mentor_id", "participants"),
                ("mentee", REF, "mentee_id", "participants"),
                ("started_on", DATE),
                ("ended_on", DATE),
                "status",
                ("last_met_on", DATE),
            ),
        ),
        Collection(
            "development_goals",
            "development_goals",
            m.DevelopmentGoal,
            _cols(
                ("participant", REF, "participant_id", "participants"),
                "goal",
                "practices",
                "behaviors",
                ("set_on", DATE),
            ),
        ),
        Collection(
            "evaluations",
            "evaluations",
            m.Evaluation,
            _cols(
                ("date", DATE),
                ("by", TEXT, "evaluator"),
                ("rating", INT),
                "business_result",
                "behavior_change",
            ),
            parent="development_goal_id",
        ),
        Collection(
            "measurements",
            "measurements",
            m.Measurement,
            _cols(("metric", REF, "metric_id", "metrics"), ("date", DATE), ("value", NUM), "note"),
        ),
        Collection(
            "surveys",
            "surveys",
            m.Survey,
            _cols(
                ("date", DATE),
                "group",
                ("responses", INT),
                ("invited", INT),
                ("satisfaction", NUM),
                ("nps", NUM),
                "comments",
            ),
        ),
        Collection(
            "ideas",
            "ideas",
            m.Idea,
            _cols("idea", "source", ("found_on", DATE), ("cascaded_on", DATE)),
        ),
        Collection("journal", "journal", m.JournalEntry, _cols(("date", DATE), "text")),
    )
}

# Program-level fields, by their dotted path in the document.
PROGRAM_FIELDS: dict[str, Column] = {
    col.field: col
    for col in _cols(
        "name",
        "organization",
        "org_size",
        "focus",
        "currency",
        ("manager.name", TEXT, "manager_name"),
        ("manager.title", TEXT, "manager_title"),
        ("manager.email", TEXT, "manager_email"),
        ("business_case.summary", TEXT, "summary"),
        ("adviser_review.adviser", TEXT, "adviser_name"),
        ("adviser_review.date", DATE, "adviser_date"),
        ("adviser_review.confirmed", BOOL, "adviser_confirmed"),
        ("adviser_review.notes", TEXT, "adviser_notes"),
        ("design.leaders_enrolled_on", DATE, "leaders_enrolled_on"),
        ("design.design_started_on", DATE, "design_started_on"),
        ("design.design_completed_on", DATE, "design_completed_on"),
        ("design.launch_on", DATE, "launch_on"),
        ("design.cycle_months", INT, "cycle_months"),
        ("design.meeting_cadence", TEXT, "meeting_cadence"),
        ("design.max_pairs", INT, "max_pairs"),
        ("design.max_mentees_per_mentor", INT, "max_mentees_per_mentor"),
        ("design.scaling_plan", TEXT, "scaling_plan"),
    )
}

# Every table in an order where a row's parents come before it (for restores).
TABLE_ORDER = (
    "programs",
    "goals",
    "metrics",
    "costs",
    "target_groups",
    "stakeholders",
    "benefits",
    "pitch_meetings",
    "pitch_attendees",
    "roles",
    "procedures",
    "competencies",
    "trainings",
    "communications",
    "participants",
    "participant_skills",
    "pairs",
    "development_goals",
    "evaluations",
    "measurements",
    "surveys",
    "ideas",
    "journal",
)


def _to_db(kind: str, value: Any) -> Any:
    if value is None:
        return None
    if kind == DATE:
        return value.isoformat()
    if kind == BOOL:
        return 1 if value else 0
    return value


# Text fields whose values repeat across a program's rows (a department, a status, an
# evaluator's role): loading keeps one string object per distinct value.
SHARED_TEXT_FIELDS = frozenset(
    {
        "audience",
        "by",
        "category",
        "channel",
        "department",
        "group",
        "kind",
        "level",
        "manager",
        "owner",
        "role",
        "source",
        "stance",
        "status",
        "title",
        "unit",
    }
)


class _Interned(dict[str, str]):
    """One string object per distinct value: ``texts[value]``."""

    def __missing__(self, value: str) -> str:
        self[value] = value
        return value


class _Dates(dict[str, dt.date]):
    """Each stored date parsed once: ``dates["2026-03-01"]``."""

    def __missing__(self, value: str) -> dt.date:
        day = self[value] = dt.date.fromisoformat(value)
        return day


class _Bools(dict[Any, bool]):
    """A stored flag as a bool: ``BOOLS[1]`` is True (any other value as ``bool()`` says)."""

    def __missing__(self, value: Any) -> bool:
        return bool(value)


BOOLS = _Bools({0: False, 1: True})


class _Shared:
    """One object per distinct value while one program loads (its strings and dates).

    A program of 2,000 participants holds tens of thousands of dates and
    departments, skills and statuses, most of them repeats; sharing them keeps
    the loaded program smaller and parses each date once.
    """

    def __init__(self) -> None:
        self.texts = _Interned()
        self.dates = _Dates()


def _lookups(coll: Collection, names: dict[str, dict[int, str]], shared: _Shared) -> list[Any]:
    """Per column, the mapping a stored non-null value is looked up in (None: as stored).

    A reference looks the row id up among the names; a date, a repeating
    text and a boolean go through ``_Dates``, ``_Interned`` and ``BOOLS``.
    """
    lookups: list[Any] = []
    for col in coll.columns:
        if col.kind == REF:
            lookups.append(names[col.ref])  # type: ignore[index]
        elif col.kind == DATE:
            lookups.append(shared.dates)
        elif col.kind == BOOL:
            lookups.append(BOOLS)
        elif col.kind == TEXT and col.field in SHARED_TEXT_FIELDS:
            lookups.append(shared.texts)
        else:
            lookups.append(None)
    return lookups


@functools.cache
def _row_factory(coll_name: str, looked_up: tuple[bool, ...]) -> Callable[..., Any]:
    """A function that, given a collection's class and lookups, makes its row-to-item function.

    ``make(row)`` is ``cls(id=row[0], field=row[2], other=lookup[row[3]], ...)``
    written out once per collection (as dataclasses writes ``__init__``), so
    loading 2,000 participants does not build a dict of keyword arguments per
    row. Field names come from ``COLLECTIONS``, never from the file.
    """
    coll = COLLECTIONS[coll_name]
    params, args = [], []
    for i, (col, lookup) in enumerate(zip(coll.columns, looked_up, strict=True)):
        assert col.field.isidentifier()
        value = f"row[{i + 2}]"
        if lookup:
            params.append(f"l{i}")
            args.append(f"{col.field}=None if {value} is None else l{i}[{value}]")
        else:
            args.append(f"{col.field}={value}")
    source = (
        f"def factory(cls, {', '.join(params)}):\n"
        f"    return lambda row: cls(id=row[0], {', '.join(args)})\n"
    )
    namespace: dict[str, Any] = {}
    exec(source, namespace)  # noqa: S102 - generated from our own column names
    return namespace["factory"]


def _row_maker(
    coll: Collection, names: dict[str, dict[int, str]], shared: _Shared
) -> Callable[[Sequence[Any]], Any]:
    """``make(row)``: the item of a row ``(id, parent id, *columns)`` of ``coll``."""
    lookups = _lookups(coll, names, shared)
    factory = _row_factory(coll.name, tuple(lookup is not None for lookup in lookups))
    return factory(coll.cls, *(lookup for lookup in lookups if lookup is not None))


def _from_db(kind: str, value: Any) -> Any:
    if value is None:
        return None
    if kind == DATE:
        return dt.date.fromisoformat(value)
    if kind == BOOL:
        return bool(value)
    return value


@dataclass(slots=True)
class Snapshot:
    """Rows removed by a delete, with the references it cleared, for Undo."""

    rows: dict[str, list[dict[str, Any]]]
    cleared: list[tuple[str, str, Any, Any]]  # (table, column, row id, old value)

    def removed_items(self) -> dict[str, set[int]]:
        """The ids of the items the delete removed, by collection (cascades included)."""
        out: dict[str, set[int]] = {}
        for name, coll in COLLECTIONS.items():
            rows = self.rows.get(coll.table)
            if rows:
                out[name] = {row["id"] for row in rows}
        return out

    def cleared_fields(self) -> list[tuple[str, int, str]]:
        """(collection, item id, field) of each reference the delete set to none."""
        out = []
        for table, column, row_id, _old in self.cleared:
            for name, coll in COLLECTIONS.items():
                if coll.table == table:
                    out.extend((name, row_id, c.field) for c in coll.columns if c.sql == column)
        return out


class Repository:
    """Reads and writes programs over one open connection (or sqlite-utils ``Database``).

    Every statement runs on the plain ``sqlite3`` connection; the writes are
    made atomic by the caller's ``ProgramFile.transaction()`` (sqlite-utils).
    """

    def __init__(self, source: sqlite3.Connection | Database):
        self.conn: sqlite3.Connection = (
            source if isinstance(source, sqlite3.Connection) else source.conn
        )
        self._children: dict[str, list[tuple[str, str, str]]] | None = None

    # ----- the program list -------------------------------------------------

    def list_programs(self, query: str = "") -> list[m.ProgramSummary]:
        """Programs whose name or organization contains ``query`` (any case)."""
        sql = "SELECT id, name, organization, org_size, focus FROM programs"
        params: list[Any] = []
        if query:
            sql += " WHERE instr(lower(name), ?) OR instr(lower(organization), ?)"
            params = [query.lower(), query.lower()]
        sql += " ORDER BY name COLLATE NOCASE, id"
        return [m.ProgramSummary(*row) for row in self.conn.execute(sql, params)]

    def find_program(self, ref: str | int) -> m.ProgramSummary:
        """A program by its id or its exact name."""
        row = None
        if isinstance(ref, int) or str(ref).isdigit():
            row = self.conn.execute(
                "SELECT id, name, organization, org_size, focus FROM programs WHERE id = ?",
                [int(ref)],
            ).fetchone()
        if row is None:
            row = self.conn.execute(
                "SELECT id, name, organization, org_size, focus FROM programs WHERE name = ?",
                [str(ref)],
            ).fetchone()
        if row is None:
            raise NotFoundError(f"no program {ref!r} in this file (see `mentor-desk list`)")
        return m.ProgramSummary(*row)

    def program_name_exists(self, name: str, *, except_id: int | None = None) -> bool:
        row = self.conn.execute(
            "SELECT 1 FROM programs WHERE name = ? AND id IS NOT ?", [name, except_id]
        ).fetchone()
        return row is not None

    def program_state(self, program_id: int) -> dict[str, Any]:
        """The bookkeeping columns of a program: created, updated, current step."""
        row = self.conn.execute(
            "SELECT created_at, updated_at, current_step FROM programs WHERE id = ?", [program_id]
        ).fetchone()
        if row is None:
            raise NotFoundError(f"program {program_id} no longer exists")
        return {"created_at": row[0], "updated_at": row[1], "current_step": row[2]}

    def set_current_step(self, program_id: int, step: str) -> None:
        self.conn.execute("UPDATE programs SET current_step = ? WHERE id = ?", [step, program_id])

    def touch(self, program_id: int) -> None:
        self.conn.execute("UPDATE programs SET updated_at = ? WHERE id = ?", [_now(), program_id])

    # ----- whole programs ---------------------------------------------------

    def load_program(self, program_id: int) -> m.Program:
        """The whole program, as dataclasses with their row ids."""
        cur = self.conn.execute("SELECT * FROM programs WHERE id = ?", [program_id])
        row = cur.fetchone()
        if row is None:
            raise NotFoundError(f"program {program_id} no longer exists")
        prog = dict(zip([d[0] for d in cur.description], row, strict=True))
        get = {path: _from_db(col.kind, prog[col.sql]) for path, col in PROGRAM_FIELDS.items()}

        manager = None
        if get["manager.name"] is not None:
            manager = m.Person(get["manager.name"], get["manager.title"], get["manager.email"])
        adviser = None
        if prog["has_adviser_review"]:
            adviser = m.AdviserReview(
                get["adviser_review.adviser"],
                get["adviser_review.date"],
                get["adviser_review.confirmed"],
                get["adviser_review.notes"],
            )
        names: dict[str, dict[int, str]] = {}
        shared = _Shared()
        loaded: dict[str, list[Any]] = {}
        parents: dict[str, list[int]] = {}
        for name in (
            "stakeholders",
            "participants",
            "goals",
            "metrics",
            "costs",
            "target_groups",
            "benefits",
            "pitch_meetings",
            "roles",
            "procedures",
            "competencies",
            "trainings",
            "communications",
            "pairs",
            "development_goals",
            "measurements",
            "surveys",
            "ideas",
            "journal",
        ):
            items, parent_ids = self._load_collection(COLLECTIONS[name], program_id, names, shared)
            loaded[name] = items
            parents[name] = parent_ids
            if name in ("stakeholders", "participants", "metrics"):
                names[name] = {item.id: item.name for item in items}

        self._attach_skills(program_id, loaded["participants"], shared)
        self._attach_attendees(program_id, loaded["pitch_meetings"], names["stakeholders"])
        self._attach_evaluations(program_id, loaded["development_goals"], shared)
        metric_by_goal = dict(zip(parents["metrics"], loaded["metrics"], strict=True))
        for goal in loaded["goals"]:
            goal.metric = metric_by_goal.get(goal.id)

        design = m.Design(
            **{
                path.split(".", 1)[1]: value
                for path, value in get.items()
                if path.startswith("design.")
            },
            roles=loaded["roles"],
            procedures=loaded["procedures"],
            competencies=loaded["competencies"],
            trainings=loaded["trainings"],
            communications=loaded["communications"],
        )
        return m.Program(
            id=program_id,
            name=get["name"],
            organization=get["organization"],
            org_size=get["org_size"],
            focus=get["focus"],
            currency=get["currency"],
            manager=manager,
            business_case=m.BusinessCase(
                summary=get["business_case.summary"],
                goals=loaded["goals"],
                costs=loaded["costs"],
                target_groups=loaded["target_groups"],
            ),
            stakeholders=loaded["stakeholders"],
            benefits=loaded["benefits"],
            pitch_meetings=loaded["pitch_meetings"],
            adviser_review=adviser,
            design=design,
            participants=loaded["participants"],
            pairs=loaded["pairs"],
            development_goals=loaded["development_goals"],
            measurements=loaded["measurements"],
            surveys=loaded["surveys"],
            ideas=loaded["ideas"],
            journal=loaded["journal"],
        )

    def _load_collection(
        self,
        coll: Collection,
        program_id: int,
        names: dict[str, dict[int, str]],
        shared: _Shared,
    ) -> tuple[list[Any], list[int]]:
        select = ", ".join(f'"{c.sql}"' for c in coll.columns)
        if coll.name == "metrics":
            sql = f"SELECT id, goal_id, {select} FROM metrics WHERE program_id = ? ORDER BY id"
        else:
            sql = (
                f"SELECT id, 0, {select} FROM {coll.table} WHERE program_id = ? "
                "ORDER BY position, id"
            )
        make = _row_maker(coll, names, shared)
        items, parent_ids = [], []
        for row in self.conn.execute(sql, [program_id]):  # row by row: no list of all rows
            items.append(make(row))
            parent_ids.append(row[1])
        return items, parent_ids

    def _attach_skills(
        self, program_id: int, participants: list[m.Participant], shared: _Shared
    ) -> None:
        by_id = {p.id: p for p in participants}
        texts = shared.texts
        for pid, skill in self.conn.execute(
            "SELECT s.participant_id, s.skill FROM participant_skills s "
            "JOIN participants p ON p.id = s.participant_id "
            "WHERE p.program_id = ? ORDER BY s.participant_id, s.position",
            [program_id],
        ):
            by_id[pid].skills.append(texts[skill])

    def _attach_attendees(
        self, program_id: int, meetings: list[m.PitchMeeting], stakeholders: dict[int, str]
    ) -> None:
        by_id = {mt.id: mt for mt in meetings}
        for mid, sid in self.conn.execute(
            "SELECT a.meeting_id, a.stakeholder_id FROM pitch_attendees a "
            "JOIN pitch_meetings mt ON mt.id = a.meeting_id "
            "WHERE mt.program_id = ? ORDER BY a.meeting_id, a.position",
            [program_id],
        ):
            by_id[mid].attendees.append(stakeholders[sid])

    def _attach_evaluations(
        self, program_id: int, goals: list[m.DevelopmentGoal], shared: _Shared
    ) -> None:
        coll = COLLECTIONS["evaluations"]
        by_id = {g.id: g for g in goals}
        select = ", ".join(f'e."{c.sql}"' for c in coll.columns)
        make = _row_maker(coll, {}, shared)
        for row in self.conn.execute(
            f"SELECT e.id, e.development_goal_id, {select} FROM evaluations e "
            "JOIN development_goals g ON g.id = e.development_goal_id "
            "WHERE g.program_id = ? ORDER BY e.development_goal_id, e.position, e.id",
            [program_id],
        ):
            by_id[row[1]].evaluations.append(make(row))

    def insert_program(self, program: m.Program) -> int:
        """Store a whole program (a new one); returns its id. Ids in it are ignored."""
        if self.program_name_exists(program.name):
            raise ConflictError(f"a program named {program.name!r} already exists in this file")
        values = {
            col.sql: _to_db(col.kind, _get_path(program, path))
            for path, col in PROGRAM_FIELDS.items()
        }
        values["has_adviser_review"] = 1 if program.adviser_review is not None else 0
        now = _now()
        values["created_at"] = values["updated_at"] = now
        values["current_step"] = None
        program_id = self._insert_row("programs", values)

        ids: dict[str, dict[str, int]] = {"stakeholders": {}, "participants": {}, "metrics": {}}
        bc = program.business_case
        for pos, goal in enumerate(bc.goals):
            goal_id = self._insert_item(COLLECTIONS["goals"], goal, program_id, pos, ids)
            if goal.metric is not None:
                metric_id = self._insert_item(
                    COLLECTIONS["metrics"], goal.metric, goal_id, None, ids, program_id=program_id
                )
                ids["metrics"][goal.metric.name] = metric_id
        self._insert_all("costs", bc.costs, program_id, ids)
        self._insert_all("target_groups", bc.target_groups, program_id, ids)
        ids["stakeholders"] = dict(
            zip(
                [s.name for s in program.stakeholders],
                self._insert_all("stakeholders", program.stakeholders, program_id, ids),
                strict=True,
            )
        )
        self._insert_all("benefits", program.benefits, program_id, ids)
        for meeting_id, meeting in zip(
            self._insert_all("pitch_meetings", program.pitch_meetings, program_id, ids),
            program.pitch_meetings,
            strict=True,
        ):
            self._write_attendees(meeting_id, meeting.attendees, ids["stakeholders"])
        d = program.design
        for name, items in (
            ("roles", d.roles),
            ("procedures", d.procedures),
            ("competencies", d.competencies),
            ("trainings", d.trainings),
            ("communications", d.communications),
        ):
            self._insert_all(name, items, program_id, ids)
        participant_ids = self._insert_all("participants", program.participants, program_id, ids)
        ids["participants"] = {}
        skills = []
        for pid, participant in zip(participant_ids, program.participants, strict=True):
            ids["participants"].setdefault(participant.name, pid)
            skills.extend((pid, pos, skill) for pos, skill in enumerate(participant.skills))
        self.conn.executemany(
            "INSERT INTO participant_skills (participant_id, position, skill) VALUES (?, ?, ?)",
            skills,
        )
        self._insert_all("pairs", program.pairs, program_id, ids)
        goal_ids = self._insert_all("development_goals", program.development_goals, program_id, ids)
        evaluations = COLLECTIONS["evaluations"]
        self._insert_many(
            evaluations.table,
            [evaluations.parent, "position", *_row_plan(evaluations).columns],
            [
                [goal_id, pos, *self._row(evaluations, evaluation, ids)]
                for goal_id, goal in zip(goal_ids, program.development_goals, strict=True)
                for pos, evaluation in enumerate(goal.evaluations)
            ],
        )
        for name in ("measurements", "surveys", "ideas", "journal"):
            self._insert_all(name, getattr(program, name), program_id, ids)
        return program_id

    def _row_values(
        self, coll: Collection, item: Any, ids: dict[str, dict[str, int]]
    ) -> dict[str, Any]:
        return dict(zip(_row_plan(coll).columns, self._row(coll, item, ids), strict=True))

    def _row(self, coll: Collection, item: Any, ids: dict[str, dict[str, int]]) -> list[Any]:
        """The item's column values in ``coll.columns`` order, references turned into ids."""
        plan = _row_plan(coll)
        row = list(plan.values(item))
        for i, col in plan.converted:
            value = row[i]
            if value is None:
                continue
            if col.kind == REF:
                try:
                    row[i] = ids[col.ref][value]  # type: ignore[index]
                except KeyError:
                    raise NotFoundError(
                        f"{coll.name}: {col.field} {value!r} is not one of the program's {col.ref}"
                    ) from None
            else:
                row[i] = _to_db(col.kind, value)
        return row

    def _insert_all(
        self, name: str, items: Sequence[Any], program_id: int, ids: dict[str, dict[str, int]]
    ) -> list[int]:
        """Insert a list in document order; returns the new ids in the same order."""
        if not items:
            return []
        coll = COLLECTIONS[name]
        row = self._row
        start = self._next_id(coll.table)
        self._insert_many(
            coll.table,
            ["id", "program_id", "position", *_row_plan(coll).columns],
            [
                [start + pos, program_id, pos, *row(coll, item, ids)]
                for pos, item in enumerate(items)
            ],
        )
        return list(range(start, start + len(items)))

    def _insert_many(self, table: str, columns: Sequence[str], rows: list[list[Any]]) -> None:
        self.conn.executemany(
            f"INSERT INTO {table} ({', '.join(_q(c) for c in columns)}) "
            f"VALUES ({', '.join('?' * len(columns))})",
            rows,
        )

    def _next_id(self, table: str) -> int:
        return self.conn.execute(f"SELECT COALESCE(MAX(id), 0) + 1 FROM {table}").fetchone()[0]

    def _insert_item(
        self,
        coll: Collection,
        item: Any,
        parent_id: int,
        position: int | None,
        ids: dict[str, dict[str, int]],
        *,
        program_id: int | None = None,
    ) -> int:
        values = {coll.parent: parent_id}
        if program_id is not None:
            values["program_id"] = program_id
        if position is not None:
            values["position"] = position
        values.update(self._row_values(coll, item, ids))
        return self._insert_row(coll.table, values)

    def _insert_row(self, table: str, values: dict[str, Any]) -> int:
        columns = ", ".join(_q(c) for c in values)
        marks = ", ".join("?" * len(values))
        cur = self.conn.execute(
            f"INSERT INTO {table} ({columns}) VALUES ({marks})", list(values.values())
        )
        return cur.lastrowid  # type: ignore[return-value]

    def _write_attendees(
        self, meeting_id: int, names: Iterable[str], stakeholder_ids: dict[str, int]
    ) -> None:
        rows = []
        for pos, name in enumerate(names):
            if name not in stakeholder_ids:
                raise NotFoundError(f"pitch meeting attendee {name!r} is not a stakeholder")
            rows.append((meeting_id, stakeholder_ids[name], pos))
        self.conn.executemany(
            "INSERT INTO pitch_attendees (meeting_id, stakeholder_id, position) VALUES (?, ?, ?)",
            rows,
        )

    def rename_program(self, program_id: int, name: str) -> str:
        return self.update_program_field(program_id, "name", name)

    # ----- editing one field or one item -----------------------------------

    def update_program_field(self, program_id: int, path: str, value: Any) -> Any:
        """Set one program-level field (by dotted path); returns the old value."""
        col = PROGRAM_FIELDS[path]
        old = self.program_field(program_id, path)
        if path == "name" and value != old and self.program_name_exists(value):
            raise ConflictError(f"a program named {value!r} already exists in this file")
        extra = ""
        if path.startswith("adviser_review."):
            extra = ", has_adviser_review = 1"
        self._execute_checked(
            f"UPDATE programs SET {_q(col.sql)} = ?{extra}, updated_at = ? WHERE id = ?",
            [_to_db(col.kind, value), _now(), program_id],
            what=path,
        )
        return old

    def update_item_field(self, collection: str, item_id: int, field_name: str, value: Any) -> Any:
        """Set one field of one stored item; returns the old value (by name for references)."""
        coll = COLLECTIONS[collection]
        col = coll.column(field_name)
        program_id = self.program_of(collection, item_id)
        old = self.get_item(collection, item_id)
        old_value = getattr(old, field_name)
        if col.kind == REF:
            db_value = None if value is None else self._ref_id(col.ref, program_id, value)  # type: ignore[arg-type]
        else:
            db_value = _to_db(col.kind, value)
        self._execute_checked(
            f"UPDATE {coll.table} SET {_q(col.sql)} = ? WHERE id = ?",
            [db_value, item_id],
            what=f"{collection}.{field_name}",
            value=value,
        )
        self.touch(program_id)
        return old_value

    def insert_item(
        self,
        program_id: int,
        collection: str,
        item: Any,
        *,
        parent_id: int | None = None,
        position: int | None = None,
    ) -> int:
        """Add one item at the end of its list (or at ``position``); returns its id.

        ``parent_id`` is the goal for a metric and the development goal for an
        evaluation; other items belong to the program directly.
        """
        coll = COLLECTIONS[collection]
        ids = {
            ref: self._name_ids(ref, program_id)
            for ref in ("stakeholders", "participants", "metrics")
        }
        owner = parent_id if coll.parent != "program_id" else program_id
        if collection == "metrics":
            new_id = self._insert_item(coll, item, owner, None, ids, program_id=program_id)
        else:
            if position is None:
                position = self.conn.execute(
                    f"SELECT COALESCE(MAX(position), -1) + 1 FROM {coll.table} "
                    f"WHERE {coll.parent} = ?",
                    [owner],
                ).fetchone()[0]
            else:
                self.conn.execute(
                    f"UPDATE {coll.table} SET position = position + 1 "
                    f"WHERE {coll.parent} = ? AND position >= ?",
                    [owner, position],
                )
            try:
                new_id = self._insert_item(coll, item, owner, position, ids)
            except sqlite3.IntegrityError as exc:
                raise _conflict(exc, collection, getattr(item, "name", None)) from exc
        if collection == "participants" and item.skills:
            self.set_skills(new_id, item.skills)
        if collection == "pitch_meetings" and item.attendees:
            self._write_attendees(new_id, item.attendees, ids["stakeholders"])
        if collection == "development_goals":
            for pos, evaluation in enumerate(item.evaluations):
                self._insert_item(COLLECTIONS["evaluations"], evaluation, new_id, pos, ids)
        if collection == "goals" and item.metric is not None:
            self._insert_item(
                COLLECTIONS["metrics"], item.metric, new_id, None, ids, program_id=program_id
            )
        self.touch(program_id)
        return new_id

    def get_item(self, collection: str, item_id: int) -> Any:
        """One stored item as its dataclass (without its sub-lists)."""
        coll = COLLECTIONS[collection]
        select = ", ".join(_q(c.sql) for c in coll.columns)
        row = self.conn.execute(
            f"SELECT {select} FROM {coll.table} WHERE id = ?", [item_id]
        ).fetchone()
        if row is None:
            raise NotFoundError(f"that {collection} item no longer exists")
        values = {}
        for col, value in zip(coll.columns, row, strict=True):
            if col.kind == REF:
                values[col.field] = self._ref_name(col.ref, value)  # type: ignore[arg-type]
            else:
                values[col.field] = _from_db(col.kind, value)
        return coll.cls(id=item_id, **values)

    def program_field(self, program_id: int, path: str) -> Any:
        """One program-level field as stored (what loading the program would give)."""
        col = PROGRAM_FIELDS[path]
        row = self.conn.execute(
            f"SELECT {_q(col.sql)} FROM programs WHERE id = ?", [program_id]
        ).fetchone()
        if row is None:
            raise NotFoundError(f"program {program_id} no longer exists")
        return _from_db(col.kind, row[0])

    def item_field(self, collection: str, item_id: int, field_name: str) -> Any:
        """One field of one item as stored (by name for references)."""
        coll = COLLECTIONS[collection]
        col = coll.column(field_name)
        row = self.conn.execute(
            f"SELECT {_q(col.sql)} FROM {coll.table} WHERE id = ?", [item_id]
        ).fetchone()
        if row is None:
            raise NotFoundError(f"that {collection} item no longer exists")
        if col.kind == REF:
            return self._ref_name(col.ref, row[0])  # type: ignore[arg-type]
        return _from_db(col.kind, row[0])

    def load_item(self, collection: str, item_id: int) -> Any:
        """One stored item as loading its program gives it: its skills, attendees,
        evaluations or metric included."""
        item = self.get_item(collection, item_id)
        if collection == "participants":
            item.skills = [
                r[0]
                for r in self.conn.execute(
                    "SELECT skill FROM participant_skills WHERE participant_id = ? "
                    "ORDER BY position",
                    [item_id],
                )
            ]
        elif collection == "pitch_meetings":
            item.attendees = [
                r[0]
                for r in self.conn.execute(
                    "SELECT s.name FROM pitch_attendees a "
                    "JOIN stakeholders s ON s.id = a.stakeholder_id "
                    "WHERE a.meeting_id = ? ORDER BY a.position",
                    [item_id],
                )
            ]
        elif collection == "development_goals":
            item.evaluations = [
                self.get_item("evaluations", r[0])
                for r in self.conn.execute(
                    "SELECT id FROM evaluations WHERE development_goal_id = ? "
                    "ORDER BY position, id",
                    [item_id],
                )
            ]
        elif collection == "goals":
            row = self.conn.execute(
                "SELECT id FROM metrics WHERE goal_id = ? ORDER BY id DESC", [item_id]
            ).fetchone()
            item.metric = None if row is None else self.get_item("metrics", row[0])
        return item

    def program_of(self, collection: str, item_id: int) -> int:
        coll = COLLECTIONS[collection]
        if coll.parent == "program_id" or collection == "metrics":
            sql = f"SELECT program_id FROM {coll.table} WHERE id = ?"
        else:
            sql = (
                "SELECT g.program_id FROM evaluations e JOIN development_goals g "
                "ON g.id = e.development_goal_id WHERE e.id = ?"
            )
        row = self.conn.execute(sql, [item_id]).fetchone()
        if row is None:
            raise NotFoundError(f"that {collection} item no longer exists")
        return row[0]

    def set_skills(self, participant_id: int, skills: Sequence[str]) -> list[str]:
        """Replace a participant's skills; returns the old list."""
        old = [
            r[0]
            for r in self.conn.execute(
                "SELECT skill FROM participant_skills WHERE participant_id = ? ORDER BY position",
                [participant_id],
            )
        ]
        self.conn.execute(
            "DELETE FROM participant_skills WHERE participant_id = ?", [participant_id]
        )
        self.conn.executemany(
            "INSERT INTO participant_skills (participant_id, position, skill) VALUES (?, ?, ?)",
            [(participant_id, pos, s) for pos, s in enumerate(skills)],
        )
        return old

    def set_attendees(self, meeting_id: int, names: Sequence[str]) -> list[str]:
        """Replace a pitch meeting's attendees (stakeholder names); returns the old list."""
        program_id = self.program_of("pitch_meetings", meeting_id)
        old = [
            r[0]
            for r in self.conn.execute(
                "SELECT s.name FROM pitch_attendees a "
                "JOIN stakeholders s ON s.id = a.stakeholder_id "
                "WHERE a.meeting_id = ? ORDER BY a.position",
                [meeting_id],
            )
        ]
        self.conn.execute("DELETE FROM pitch_attendees WHERE meeting_id = ?", [meeting_id])
        self._write_attendees(meeting_id, names, self._name_ids("stakeholders", program_id))
        return old

    def _name_ids(self, collection: str, program_id: int) -> dict[str, int]:
        table = COLLECTIONS[collection].table
        ids: dict[str, int] = {}
        for row_id, name in self.conn.execute(
            f"SELECT id, name FROM {table} WHERE program_id = ? ORDER BY id", [program_id]
        ):
            ids.setdefault(name, row_id)
        return ids

    def _ref_id(self, collection: str, program_id: int, name: str) -> int:
        table = COLLECTIONS[collection].table
        rows = self.conn.execute(
            f"SELECT id FROM {table} WHERE program_id = ? AND name = ?", [program_id, name]
        ).fetchall()
        if not rows:
            raise NotFoundError(f"{name!r} is not one of the program's {collection}")
        if len(rows) > 1:
            raise ConflictError(
                f"{len(rows)} {collection} are named {name!r}; give them distinct names"
            )
        return rows[0][0]

    def _ref_name(self, collection: str, row_id: int | None) -> str | None:
        if row_id is None:
            return None
        table = COLLECTIONS[collection].table
        return self.conn.execute(f"SELECT name FROM {table} WHERE id = ?", [row_id]).fetchone()[0]

    def _execute_checked(
        self, sql: str, params: list[Any], *, what: str, value: Any = None
    ) -> None:
        try:
            self.conn.execute(sql, params)
        except sqlite3.IntegrityError as exc:
            raise _conflict(exc, what, value) from exc

    # ----- deleting, and undoing a delete ----------------------------------

    def delete_item(self, collection: str, item_id: int) -> Snapshot:
        """Delete one item and what hangs off it; returns what Undo needs."""
        coll = COLLECTIONS[collection]
        program_id = self.program_of(collection, item_id)
        snapshot = self._snapshot(coll.table, item_id)
        self.conn.execute(f"DELETE FROM {coll.table} WHERE id = ?", [item_id])
        self.touch(program_id)
        return snapshot

    def delete_program(self, program_id: int) -> Snapshot:
        self.find_program(program_id)
        snapshot = self._snapshot("programs", program_id)
        self.conn.execute("DELETE FROM programs WHERE id = ?", [program_id])
        return snapshot

    def restore(self, snapshot: Snapshot) -> None:
        """Put back rows a delete removed, with their ids, and the references it cleared."""
        for table in TABLE_ORDER:
            rows = snapshot.rows.get(table)
            if not rows:
                continue
            columns = list(rows[0])
            self.conn.executemany(
                f"INSERT INTO {table} ({', '.join(_q(c) for c in columns)}) "
                f"VALUES ({', '.join('?' * len(columns))})",
                [[row[c] for c in columns] for row in rows],
            )
        for table, column, row_id, value in snapshot.cleared:
            self.conn.execute(f"UPDATE {table} SET {_q(column)} = ? WHERE id = ?", [value, row_id])

    def _foreign_children(self) -> dict[str, list[tuple[str, str, str]]]:
        """For each table: (child table, child column, on delete) of the keys pointing at it."""
        if self._children is None:
            children: dict[str, list[tuple[str, str, str]]] = {t: [] for t in TABLE_ORDER}
            for table in TABLE_ORDER:
                for fk in self.conn.execute(f"PRAGMA foreign_key_list({table})"):
                    children[fk[2]].append((table, fk[3], fk[6]))
            self._children = children
        return self._children

    def _snapshot(self, table: str, row_id: int) -> Snapshot:
        rows: dict[str, list[dict[str, Any]]] = {}
        cleared: list[tuple[str, str, Any, Any]] = []
        self._collect(table, "id", [row_id], rows, cleared)
        return Snapshot(rows, cleared)

    def _collect(
        self,
        table: str,
        column: str,
        keys: list[Any],
        rows: dict[str, list[dict[str, Any]]],
        cleared: list[tuple[str, str, Any, Any]],
    ) -> None:
        if not keys:
            return
        found: list[dict[str, Any]] = []
        for chunk in _chunks(keys, 500):
            cur = self.conn.execute(
                f"SELECT * FROM {table} WHERE {_q(column)} IN ({', '.join('?' * len(chunk))})",
                chunk,
            )
            names = [d[0] for d in cur.description]
            found.extend(dict(zip(names, r, strict=True)) for r in cur.fetchall())
        kept = rows.setdefault(table, [])
        seen = {_row_key(r) for r in kept}
        found = [r for r in found if _row_key(r) not in seen]
        kept.extend(found)
        if not found or "id" not in found[0]:
            return
        ids = [r["id"] for r in found]
        for child, child_col, on_delete in self._foreign_children()[table]:
            if on_delete == "CASCADE":
                self._collect(child, child_col, ids, rows, cleared)
            elif on_delete == "SET NULL":
                for chunk in _chunks(ids, 500):
                    for rid, value in self.conn.execute(
                        f"SELECT id, {_q(child_col)} FROM {child} "
                        f"WHERE {_q(child_col)} IN ({', '.join('?' * len(chunk))})",
                        chunk,
                    ):
                        cleared.append((child, child_col, rid, value))

    # ----- participants in bulk (CSV import) --------------------------------

    def upsert_participants(
        self,
        program_id: int,
        participants: Sequence[m.Participant],
        fields: Iterable[str],
        *,
        lines: Sequence[int] | None = None,
        progress: Any = None,
    ) -> tuple[int, int]:
        """Add or update many participants at once; returns (added, changed).

        Each matches an existing participant of the program with the same
        e-mail (any case), else one with the same name whose e-mail does not
        say it is someone else; matched ones get the values of ``fields``
        (skills replaced when "skills" is among them; a row whose values are
        already stored is not written, nor counted as changed), the rest are
        added at the end. A row that matches several participants, or a participant
        another row already matched, raises DocumentError naming its line
        (``lines[i]``, else its position). ``progress(done, total)`` is
        called every few thousand rows and may raise to abandon the change.
        """
        self.find_program(program_id)
        fields = set(fields)
        step = 5000
        total = 3 * len(participants) or 1

        def report(done: int) -> None:
            if progress is not None:
                progress(min(done, total), total)

        by_email: dict[str, int] = {}
        by_name: dict[str, list[tuple[int, str | None]]] = {}
        for row_id, name, email in self.conn.execute(
            "SELECT id, name, email FROM participants WHERE program_id = ? ORDER BY id",
            [program_id],
        ):
            if email:
                by_email.setdefault(email.casefold(), row_id)
            by_name.setdefault(name, []).append((row_id, email))

        def where(i: int) -> str:
            return f"line {lines[i]}" if lines is not None else f"row {i + 1}"

        targets: list[int | None] = []
        claimed: dict[int, int] = {}
        problems: list[str] = []
        report(0)
        for i, p in enumerate(participants):
            target = by_email.get(p.email.casefold()) if p.email else None
            if target is None:
                candidates = by_name.get(p.name, [])
                if p.email:
                    candidates = [c for c in candidates if not c[1]]
                if len(candidates) > 1:
                    problems.append(
                        f"{where(i)}: {p.name!r} matches {len(candidates)} participants with "
                        "different e-mails; give the e-mail to say which"
                    )
                elif candidates:
                    target = candidates[0][0]
            if target is not None:
                if target in claimed:
                    problems.append(
                        f"{where(i)}: {p.name!r} is the same participant as "
                        f"{where(claimed[target])}"
                    )
                claimed.setdefault(target, i)
            targets.append(target)
        if problems:
            from mentor_desk.errors import DocumentError

            raise DocumentError(
                f"{len(problems)} row(s) cannot be matched to one participant; "
                "nothing was imported:",
                problems,
            )

        coll = COLLECTIONS["participants"]
        set_cols = [c for c in coll.columns if c.field in fields]
        all_cols = list(coll.columns)
        with_skills = "skills" in fields
        # What the matched rows hold now, so that unchanged ones are not written again.
        current: dict[int, tuple[Any, ...]] = {}
        current_skills: dict[int, list[str]] = {}
        if claimed:
            select = ", ".join(_q(c.sql) for c in set_cols) or "NULL"
            for row in self.conn.execute(
                f"SELECT id, {select} FROM participants WHERE program_id = ?", [program_id]
            ):
                if row[0] in claimed:
                    current[row[0]] = tuple(row[1:])
            report(0)
            if with_skills:
                for pid, skill in self.conn.execute(
                    "SELECT s.participant_id, s.skill FROM participant_skills s "
                    "JOIN participants p ON p.id = s.participant_id "
                    "WHERE p.program_id = ? ORDER BY s.participant_id, s.position",
                    [program_id],
                ):
                    current_skills.setdefault(pid, []).append(skill)
        updates: list[list[Any]] = []
        inserts: list[list[Any]] = []
        skills: list[tuple[int, int, str]] = []
        reskilled: list[tuple[int]] = []
        changed = 0
        next_id = self._next_id("participants")
        position = self.conn.execute(
            "SELECT COALESCE(MAX(position), -1) + 1 FROM participants WHERE program_id = ?",
            [program_id],
        ).fetchone()[0]
        for count, (p, target) in enumerate(zip(participants, targets, strict=True)):
            if count % step == 0:
                report(count)
            if target is None:
                row_id = next_id
                next_id += 1
                inserts.append(
                    [row_id, program_id, position]
                    + [_to_db(c.kind, getattr(p, c.field)) for c in all_cols]
                )
                position += 1
                if with_skills:
                    skills.extend((row_id, pos, skill) for pos, skill in enumerate(p.skills))
                continue
            values = [_to_db(c.kind, getattr(p, c.field)) for c in set_cols]
            row_changed = tuple(values) != current.get(target)
            if row_changed:
                updates.append([*values, target])
            if with_skills and p.skills != current_skills.get(target, []):
                row_changed = True
                reskilled.append((target,))
                skills.extend((target, pos, skill) for pos, skill in enumerate(p.skills))
            changed += row_changed

        insert_sql = (
            f"INSERT INTO participants (id, program_id, position, "
            f"{', '.join(_q(c.sql) for c in all_cols)}) "
            f"VALUES ({', '.join('?' * (len(all_cols) + 3))})"
        )
        update_sql = (
            f"UPDATE participants SET {', '.join(f'{_q(c.sql)} = ?' for c in set_cols)} "
            "WHERE id = ?"
        )
        done = len(participants)
        try:
            for chunk in _chunks(inserts, step):
                self.conn.executemany(insert_sql, chunk)
                done += len(chunk)
                report(done)
            if set_cols:
                for chunk in _chunks(updates, step):
                    self.conn.executemany(update_sql, chunk)
                    done += len(chunk)
                    report(done)
        except sqlite3.IntegrityError as exc:
            raise _conflict(exc, "participant name and e-mail", None) from exc
        if with_skills:
            self.conn.executemany(
                "DELETE FROM participant_skills WHERE participant_id = ?", reskilled
            )
            done = 2 * len(participants)
            per_row = len(skills) / max(1, len(participants))
            for chunk in _chunks(skills, 3 * step):
                self.conn.executemany(
                    "INSERT INTO participant_skills (participant_id, position, skill) "
                    "VALUES (?, ?, ?)",
                    chunk,
                )
                done += int(len(chunk) / per_row) if per_row else 0
                report(done)
        report(total)
        if inserts or changed:
            self.touch(program_id)
        return len(inserts), changed

    def insert_pairs(
        self, program_id: int, pairs: Sequence[tuple[int, int, str | None, dt.date | None]]
    ) -> list[int]:
        """Add pairs (mentor id, mentee id, status, started on) at the end; returns their ids.

        Both participants must belong to the program (NotFoundError otherwise).
        """
        if not pairs:
            return []
        wanted = {pid for pair in pairs for pid in pair[:2]}
        found: set[int] = set()
        for chunk in _chunks(sorted(wanted), 500):
            found.update(
                r[0]
                for r in self.conn.execute(
                    f"SELECT id FROM participants WHERE program_id = ? "
                    f"AND id IN ({', '.join('?' * len(chunk))})",
                    [program_id, *chunk],
                )
            )
        if wanted - found:
            raise NotFoundError("a participant of these pairs no longer exists")
        start = self._next_id("pairs")
        position = self.conn.execute(
            "SELECT COALESCE(MAX(position), -1) + 1 FROM pairs WHERE program_id = ?", [program_id]
        ).fetchone()[0]
        self.conn.executemany(
            "INSERT INTO pairs (id, program_id, position, mentor_id, mentee_id, status, "
            "started_on) VALUES (?, ?, ?, ?, ?, ?, ?)",
            [
                (start + i, program_id, position + i, mentor, mentee, status, _to_db(DATE, on))
                for i, (mentor, mentee, status, on) in enumerate(pairs)
            ],
        )
        self.touch(program_id)
        return list(range(start, start + len(pairs)))


@dataclass(frozen=True, slots=True)
class _RowPlan:
    """How to read one collection's row off its dataclass (see ``Repository._row``)."""

    columns: tuple[str, ...]  # the SQL column names, in ``Collection.columns`` order
    values: Callable[[Any], tuple[Any, ...]]  # the field values, in the same order
    converted: tuple[tuple[int, Column], ...]  # the columns whose value needs _to_db or an id


def _make_row_plan(coll: Collection) -> _RowPlan:
    fields = [col.field for col in coll.columns]
    get = operator.attrgetter(*fields)
    values = get if len(fields) > 1 else (lambda item: (get(item),))
    return _RowPlan(
        tuple(col.sql for col in coll.columns),
        values,
        tuple((i, col) for i, col in enumerate(coll.columns) if col.kind in (REF, DATE, BOOL)),
    )


_ROW_PLANS = {name: _make_row_plan(coll) for name, coll in COLLECTIONS.items()}


def _row_plan(coll: Collection) -> _RowPlan:
    return _ROW_PLANS[coll.name]


def _row_key(row: dict[str, Any]) -> Any:
    """A row's identity: its id, or all its values for a link table without one."""
    return row["id"] if "id" in row else tuple(row.values())


def _chunks(items: list[Any], size: int) -> Iterable[list[Any]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def _q(name: str) -> str:
    return f'"{name}"'


def _now() -> str:
    return dt.datetime.now(dt.UTC).isoformat(timespec="seconds")


def _get_path(obj: Any, path: str) -> Any:
    for part in path.split("."):
        if obj is None:
            return None
        obj = getattr(obj, part)
    return obj


def _conflict(exc: sqlite3.IntegrityError, what: str, value: Any) -> ConflictError:
    message = str(exc)
    if "UNIQUE" in message:
        return ConflictError(f"{value!r} is already used in this program; {what} must be unique")
    if "CHECK" in message:
        return ConflictError(f"{value!r} is not an allowed value for {what}")
    if "NOT NULL" in message:
        return ConflictError(f"{what} cannot be empty")
    return ConflictError(f"{what}: {message}")
