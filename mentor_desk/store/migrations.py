"""The schema of the program file, as named, append-only sqlite-utils migrations.

Never edit or reorder a migration that has shipped: add a new one at the end.
``SCHEMA_VERSION`` is the number of migrations and is written to
``PRAGMA user_version`` so that any SQLite tool can tell a file's version.

The migrations run through sqlite-utils' ``Migrations`` (``migrations``, built
the first time it is used). Telling whether any are pending is a read of the
table sqlite-utils records them in (``pending_names``), so that opening a file
that is up to date does not import sqlite-utils at all.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from sqlite_utils import Database
    from sqlite_utils.migrations import Migrations

MIGRATION_SET = "mentor-desk"
# The table sqlite-utils' Migrations records applied migrations in.
MIGRATIONS_TABLE = "_sqlite_migrations"

# "MnDk": identifies a Mentor Desk file to `PRAGMA application_id` and file(1).
APPLICATION_ID = 0x4D6E446B

# (name, function) of each migration, in order; registered with sqlite-utils when first used.
_REGISTERED: list[tuple[str, Callable[[Database], None]]] = []


def _migration(name: str) -> Callable[[Callable[[Database], None]], Callable[[Database], None]]:
    """Register a migration that also stamps the file's identity and version.

    The stamps are written in the migration's own transaction, so a file is
    never left with new tables and an old version number, or the other way round.
    """

    def register(func: Callable[[Database], None]) -> Callable[[Database], None]:
        version = len(_REGISTERED) + 1

        def apply(db: Database) -> None:
            func(db)
            db.execute(f"PRAGMA application_id = {APPLICATION_ID}")
            db.execute(f"PRAGMA user_version = {version}")

        apply.__name__ = func.__name__
        _REGISTERED.append((name, apply))
        return func

    return register


def _build_migrations() -> Migrations:
    from mentor_desk.store.database import import_sqlite_utils

    import_sqlite_utils()
    from sqlite_utils.migrations import Migrations

    built = Migrations(MIGRATION_SET)
    for name, apply in _REGISTERED:
        built(name=name)(apply)
    return built


def __getattr__(name: str) -> Any:
    """``migrations``: the sqlite-utils ``Migrations`` of the program file (built once)."""
    if name == "migrations":
        built = _build_migrations()
        globals()["migrations"] = built
        return built
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def pending_names(conn: sqlite3.Connection) -> list[str]:
    """The migrations not applied to the file yet, in order; a read, no sqlite-utils needed.

    The same answer as ``migrations.pending(db)``: every registered name that
    the file's migrations table does not record for this migration set.
    """
    has_table = conn.execute(
        "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?", [MIGRATIONS_TABLE]
    ).fetchone()
    applied: set[str] = set()
    if has_table:
        applied = {
            row[0]
            for row in conn.execute(
                f"SELECT name FROM {MIGRATIONS_TABLE} WHERE migration_set = ?", [MIGRATION_SET]
            )
        }
    return [name for name in MIGRATION_NAMES if name not in applied]


_INITIAL_SCHEMA = """
CREATE TABLE programs (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL UNIQUE,
    organization TEXT NOT NULL,
    org_size TEXT NOT NULL CHECK (org_size IN ('small', 'large')),
    focus TEXT,
    currency TEXT,
    manager_name TEXT,
    manager_title TEXT,
    manager_email TEXT,
    summary TEXT,
    has_adviser_review INTEGER NOT NULL DEFAULT 0,
    adviser_name TEXT,
    adviser_date TEXT,
    adviser_confirmed INTEGER,
    adviser_notes TEXT,
    leaders_enrolled_on TEXT,
    design_started_on TEXT,
    design_completed_on TEXT,
    launch_on TEXT,
    cycle_months INTEGER,
    meeting_cadence TEXT,
    max_pairs INTEGER,
    max_mentees_per_mentor INTEGER,
    scaling_plan TEXT
);

CREATE TABLE goals (
    id INTEGER PRIMARY KEY,
    program_id INTEGER NOT NULL REFERENCES programs(id) ON DELETE CASCADE,
    position INTEGER NOT NULL,
    objective TEXT NOT NULL,
    strategy_link TEXT,
    performance_change TEXT,
    behavior_change TEXT,
    value NUMERIC,
    value_basis TEXT
);
CREATE INDEX goals_program ON goals(program_id, position);

CREATE TABLE metrics (
    id INTEGER PRIMARY KEY,
    program_id INTEGER NOT NULL REFERENCES programs(id) ON DELETE CASCADE,
    goal_id INTEGER NOT NULL UNIQUE REFERENCES goals(id) ON DELETE CASCADE,
    name TEXT NOT NULL,
    unit TEXT,
    baseline NUMERIC,
    target NUMERIC,
    due TEXT,
    verification TEXT,
    reporting TEXT,
    UNIQUE (program_id, name)
);

CREATE TABLE costs (
    id INTEGER PRIMARY KEY,
    program_id INTEGER NOT NULL REFERENCES programs(id) ON DELETE CASCADE,
    position INTEGER NOT NULL,
    item TEXT NOT NULL,
    kind TEXT NOT NULL CHECK (kind IN ('internal', 'external')),
    category TEXT,
    amount NUMERIC NOT NULL,
    hours NUMERIC,
    notes TEXT
);
CREATE INDEX costs_program ON costs(program_id, position);

CREATE TABLE target_groups (
    id INTEGER PRIMARY KEY,
    program_id INTEGER NOT NULL REFERENCES programs(id) ON DELETE CASCADE,
    position INTEGER NOT NULL,
    name TEXT NOT NULL,
    size INTEGER,
    external_mentors INTEGER,
    reason TEXT
);
CREATE INDEX target_groups_program ON target_groups(program_id, position);

CREATE TABLE stakeholders (
    id INTEGER PRIMARY KEY,
    program_id INTEGER NOT NULL REFERENCES programs(id) ON DELETE CASCADE,
    position INTEGER NOT NULL,
    name TEXT NOT NULL,
    role TEXT NOT NULL CHECK (role IN ('boss', 'peer', 'leader', 'adviser', 'other')),
    title TEXT,
    department TEXT,
    influence INTEGER CHECK (influence BETWEEN 1 AND 5),
    stance TEXT CHECK (stance IN
        ('unknown', 'opposed', 'skeptical', 'neutral', 'supportive', 'champion')),
    status TEXT CHECK (status IN
        ('not contacted', 'briefed', 'pitched', 'signed off', 'declined')),
    in_room INTEGER,
    intellectual_buy_in INTEGER,
    emotional_buy_in INTEGER,
    views TEXT,
    issues TEXT,
    last_contact TEXT,
    notes TEXT,
    UNIQUE (program_id, name)
);
CREATE INDEX stakeholders_program ON stakeholders(program_id, position);

CREATE TABLE benefits (
    id INTEGER PRIMARY KEY,
    program_id INTEGER NOT NULL REFERENCES programs(id) ON DELETE CASCADE,
    position INTEGER NOT NULL,
    level TEXT NOT NULL CHECK (level IN ('organization', 'personal', 'staff')),
    text TEXT NOT NULL,
    stakeholder_id INTEGER REFERENCES stakeholders(id) ON DELETE SET NULL
);
CREATE INDEX benefits_program ON benefits(program_id, position);
CREATE INDEX benefits_stakeholder ON benefits(stakeholder_id);

CREATE TABLE pitch_meetings (
    id INTEGER PRIMARY KEY,
    program_id INTEGER NOT NULL REFERENCES programs(id) ON DELETE CASCADE,
    position INTEGER NOT NULL,
    date TEXT NOT NULL,
    outcome TEXT
);
CREATE INDEX pitch_meetings_program ON pitch_meetings(program_id, position);

CREATE TABLE pitch_attendees (
    meeting_id INTEGER NOT NULL REFERENCES pitch_meetings(id) ON DELETE CASCADE,
    stakeholder_id INTEGER NOT NULL REFERENCES stakeholders(id) ON DELETE CASCADE,
    position INTEGER NOT NULL,
    PRIMARY KEY (meeting_id, stakeholder_id)
);
CREATE INDEX pitch_attendees_stakeholder ON pitch_attendees(stakeholder_id);

CREATE TABLE roles (
    id INTEGER PRIMARY KEY,
    program_id INTEGER NOT NULL REFERENCES programs(id) ON DELETE CASCADE,
    position INTEGER NOT NULL,
    name TEXT NOT NULL,
    profile TEXT,
    responsibilities TEXT,
    time_commitment TEXT
);
CREATE INDEX roles_program ON roles(program_id, position);

CREATE TABLE procedures (
    id INTEGER PRIMARY KEY,
    program_id INTEGER NOT NULL REFERENCES programs(id) ON DELETE CASCADE,
    position INTEGER NOT NULL,
    name TEXT NOT NULL,
    description TEXT,
    owner TEXT
);
CREATE INDEX procedures_program ON procedures(program_id, position);

CREATE TABLE competencies (
    id INTEGER PRIMARY KEY,
    program_id INTEGER NOT NULL REFERENCES programs(id) ON DELETE CASCADE,
    position INTEGER NOT NULL,
    name TEXT NOT NULL,
    description TEXT,
    assessment TEXT
);
CREATE INDEX competencies_program ON competencies(program_id, position);

CREATE TABLE trainings (
    id INTEGER PRIMARY KEY,
    program_id INTEGER NOT NULL REFERENCES programs(id) ON DELETE CASCADE,
    position INTEGER NOT NULL,
    name TEXT NOT NULL,
    audience TEXT CHECK (audience IN ('mentors', 'mentees', 'all')),
    date TEXT,
    hours NUMERIC
);
CREATE INDEX trainings_program ON trainings(program_id, position);

CREATE TABLE communications (
    id INTEGER PRIMARY KEY,
    program_id INTEGER NOT NULL REFERENCES programs(id) ON DELETE CASCADE,
    position INTEGER NOT NULL,
    title TEXT NOT NULL,
    kind TEXT NOT NULL CHECK (kind IN ('preliminary announcement', 'formal', 'update')),
    audience TEXT,
    channel TEXT,
    date TEXT,
    status TEXT CHECK (status IN ('planned', 'drafted', 'sent')),
    body TEXT
);
CREATE INDEX communications_program ON communications(program_id, position);

CREATE TABLE participants (
    id INTEGER PRIMARY KEY,
    program_id INTEGER NOT NULL REFERENCES programs(id) ON DELETE CASCADE,
    position INTEGER NOT NULL,
    name TEXT NOT NULL,
    role TEXT NOT NULL CHECK (role IN ('mentor', 'mentee')),
    email TEXT,
    department TEXT,
    title TEXT,
    external INTEGER,
    reports_to_manager INTEGER,
    high_performer INTEGER,
    joined_on TEXT,
    left_on TEXT,
    manager TEXT
);
CREATE INDEX participants_program ON participants(program_id, position);
CREATE UNIQUE INDEX participants_identity ON participants(program_id, name, COALESCE(email, ''));

CREATE TABLE participant_skills (
    participant_id INTEGER NOT NULL REFERENCES participants(id) ON DELETE CASCADE,
    position INTEGER NOT NULL,
    skill TEXT NOT NULL,
    PRIMARY KEY (participant_id, position)
);

CREATE TABLE pairs (
    id INTEGER PRIMARY KEY,
    program_id INTEGER NOT NULL REFERENCES programs(id) ON DELETE CASCADE,
    position INTEGER NOT NULL,
    mentor_id INTEGER NOT NULL REFERENCES participants(id) ON DELETE CASCADE,
    mentee_id INTEGER NOT NULL REFERENCES participants(id) ON DELETE CASCADE,
    started_on TEXT,
    ended_on TEXT,
    status TEXT CHECK (status IN ('proposed', 'active', 'paused', 'closed')),
    last_met_on TEXT
);
CREATE INDEX pairs_program ON pairs(program_id, position);
CREATE INDEX pairs_mentor ON pairs(mentor_id);
CREATE INDEX pairs_mentee ON pairs(mentee_id);

CREATE TABLE development_goals (
    id INTEGER PRIMARY KEY,
    program_id INTEGER NOT NULL REFERENCES programs(id) ON DELETE CASCADE,
    position INTEGER NOT NULL,
    participant_id INTEGER NOT NULL REFERENCES participants(id) ON DELETE CASCADE,
    goal TEXT NOT NULL,
    practices TEXT,
    behaviors TEXT,
    set_on TEXT
);
CREATE INDEX development_goals_program ON development_goals(program_id, position);
CREATE INDEX development_goals_participant ON development_goals(participant_id);

CREATE TABLE evaluations (
    id INTEGER PRIMARY KEY,
    development_goal_id INTEGER NOT NULL
        REFERENCES development_goals(id) ON DELETE CASCADE,
    position INTEGER NOT NULL,
    date TEXT NOT NULL,
    evaluator TEXT NOT NULL CHECK (evaluator IN
        ('self', 'mentor', 'manager', 'peer', 'direct report')),
    rating INTEGER CHECK (rating BETWEEN 1 AND 5),
    business_result TEXT,
    behavior_change TEXT
);
CREATE INDEX evaluations_goal ON evaluations(development_goal_id, position);

CREATE TABLE measurements (
    id INTEGER PRIMARY KEY,
    program_id INTEGER NOT NULL REFERENCES programs(id) ON DELETE CASCADE,
    position INTEGER NOT NULL,
    metric_id INTEGER NOT NULL REFERENCES metrics(id) ON DELETE CASCADE,
    date TEXT NOT NULL,
    value NUMERIC NOT NULL,
    note TEXT
);
CREATE INDEX measurements_program ON measurements(program_id, position);
CREATE INDEX measurements_metric ON measurements(metric_id);

CREATE TABLE surveys (
    id INTEGER PRIMARY KEY,
    program_id INTEGER NOT NULL REFERENCES programs(id) ON DELETE CASCADE,
    position INTEGER NOT NULL,
    date TEXT NOT NULL,
    "group" TEXT NOT NULL CHECK ("group" IN
        ('mentors', 'mentees', 'sponsors', 'managers', 'all')),
    responses INTEGER,
    invited INTEGER,
    satisfaction NUMERIC,
    nps NUMERIC,
    comments TEXT
);
CREATE INDEX surveys_program ON surveys(program_id, position);

CREATE TABLE ideas (
    id INTEGER PRIMARY KEY,
    program_id INTEGER NOT NULL REFERENCES programs(id) ON DELETE CASCADE,
    position INTEGER NOT NULL,
    idea TEXT NOT NULL,
    source TEXT,
    found_on TEXT,
    cascaded_on TEXT
);
CREATE INDEX ideas_program ON ideas(program_id, position);

CREATE TABLE journal (
    id INTEGER PRIMARY KEY,
    program_id INTEGER NOT NULL REFERENCES programs(id) ON DELETE CASCADE,
    position INTEGER NOT NULL,
    date TEXT NOT NULL,
    text TEXT NOT NULL
);
CREATE INDEX journal_program ON journal(program_id, position);
"""


def _run(db: Database, script: str) -> None:
    """Run DDL statements one by one, inside the migration's transaction.

    ``executescript`` would commit first, so the statements are split here.
    """
    for statement in script.split(";"):
        if statement.strip():
            db.execute(statement)


@_migration("0001_initial")
def m0001_initial(db: Database) -> None:
    """Every part of the program document, one table each."""
    _run(db, _INITIAL_SCHEMA)


@_migration("0002_program_state")
def m0002_program_state(db: Database) -> None:
    """When each program was created and changed, and the step last worked on."""
    _run(
        db,
        """
        ALTER TABLE programs ADD COLUMN created_at TEXT;
        ALTER TABLE programs ADD COLUMN updated_at TEXT;
        ALTER TABLE programs ADD COLUMN current_step TEXT
        """,
    )


SCHEMA_VERSION = len(_REGISTERED)
MIGRATION_NAMES = tuple(name for name, _apply in _REGISTERED)
