"""The program document as plain dataclasses: no Qt, no SQL, no JSON.

Field names follow ``program.schema.json``. ``None`` means "not given" and is
left out when the program is written back as a document; dates are
``datetime.date``; money and measured values keep the ``int`` or ``float``
they were given as. Items that the store keeps as rows carry the row's ``id``
(``None`` for an item not stored yet); references between items (a pair's
mentor, a measurement's metric) are by name, as in the document.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from datetime import date

Number = int | float


class Step(enum.StrEnum):
    """The five steps of the method, in order; the values are the stable ids."""

    BUSINESS_CASE = "business_case"
    BUY_IN = "buy_in"
    LEADERS = "leaders"
    DESIGN = "design"
    LAUNCH = "launch"

    @property
    def title(self) -> str:
        return STEP_TITLES[self]

    @property
    def number(self) -> int:
        return list(Step).index(self) + 1


STEP_TITLES = {
    Step.BUSINESS_CASE: "Business case",
    Step.BUY_IN: "Buy-in",
    Step.LEADERS: "Leaders",
    Step.DESIGN: "Design",
    Step.LAUNCH: "Launch",
}

# The closed vocabularies of the schema, in the order a user is shown them.
ORG_SIZES = ("small", "large")
COST_KINDS = ("internal", "external")
STAKEHOLDER_ROLES = ("boss", "peer", "leader", "adviser", "other")
STANCES = ("unknown", "opposed", "skeptical", "neutral", "supportive", "champion")
STAKEHOLDER_STATUSES = ("not contacted", "briefed", "pitched", "signed off", "declined")
BENEFIT_LEVELS = ("organization", "personal", "staff")
TRAINING_AUDIENCES = ("mentors", "mentees", "all")
COMMUNICATION_KINDS = ("preliminary announcement", "formal", "update")
COMMUNICATION_STATUSES = ("planned", "drafted", "sent")
PARTICIPANT_ROLES = ("mentor", "mentee")
PAIR_STATUSES = ("proposed", "active", "paused", "closed")
EVALUATORS = ("self", "mentor", "manager", "peer", "direct report")
SURVEY_GROUPS = ("mentors", "mentees", "sponsors", "managers", "all")

DEFAULT_CURRENCY = "USD"

# Length limits of the schema, shared by the importers and the input widgets.
MAX_NAME = 200
MAX_TEXT = 100_000
MAX_EMAIL = 320
MAX_UNIT = 40
MAX_CATEGORY = 80
MAX_SKILL = 80
MAX_TIME_COMMITMENT = 120
MAX_CADENCE = 80
MAX_CHANNEL = 80


@dataclass(slots=True)
class Person:
    """The program manager: the app's user, who presents the pitch."""

    name: str
    title: str | None = None
    email: str | None = None


@dataclass(slots=True)
class Metric:
    """How a goal's attainment is measured; ``name`` is unique in the program."""

    name: str
    unit: str | None = None
    baseline: Number | None = None
    target: Number | None = None
    due: date | None = None
    verification: str | None = None
    reporting: str | None = None
    id: int | None = None


@dataclass(slots=True)
class Goal:
    """A business goal tied to an organizational objective."""

    objective: str
    strategy_link: str | None = None
    performance_change: str | None = None
    behavior_change: str | None = None
    metric: Metric | None = None
    value: Number | None = None
    value_basis: str | None = None
    id: int | None = None


@dataclass(slots=True)
class Cost:
    """One cost line, internal or external."""

    item: str
    kind: str
    amount: Number
    category: str | None = None
    hours: Number | None = None
    notes: str | None = None
    id: int | None = None


@dataclass(slots=True)
class TargetGroup:
    """A group the program targets; ``external_mentors`` where it reports to the manager."""

    name: str
    size: int | None = None
    external_mentors: bool | None = None
    reason: str | None = None
    id: int | None = None


@dataclass(slots=True)
class BusinessCase:
    """Step 1: goals, costs and target groups."""

    summary: str | None = None
    goals: list[Goal] = field(default_factory=list)
    costs: list[Cost] = field(default_factory=list)
    target_groups: list[TargetGroup] = field(default_factory=list)


@dataclass(slots=True)
class Stakeholder:
    """A boss, peer, leader or adviser whose support the program needs."""

    name: str
    role: str
    title: str | None = None
    department: str | None = None
    influence: int | None = None
    stance: str | None = None
    status: str | None = None
    in_room: bool | None = None
    intellectual_buy_in: bool | None = None
    emotional_buy_in: bool | None = None
    views: str | None = None
    issues: str | None = None
    last_contact: date | None = None
    notes: str | None = None
    id: int | None = None


@dataclass(slots=True)
class Benefit:
    """A benefit at one of three levels; a personal one names its stakeholder."""

    level: str
    text: str
    stakeholder: str | None = None
    id: int | None = None


@dataclass(slots=True)
class PitchMeeting:
    """A pitch given on a date to stakeholders named in ``attendees``."""

    date: date
    attendees: list[str] = field(default_factory=list)
    outcome: str | None = None
    id: int | None = None


@dataclass(slots=True)
class AdviserReview:
    """A trusted adviser's confirmation of the leaders' buy-in."""

    adviser: str | None = None
    date: date | None = None
    confirmed: bool | None = None
    notes: str | None = None


@dataclass(slots=True)
class Role:
    name: str
    profile: str | None = None
    responsibilities: str | None = None
    time_commitment: str | None = None
    id: int | None = None


@dataclass(slots=True)
class Procedure:
    name: str
    description: str | None = None
    owner: str | None = None
    id: int | None = None


@dataclass(slots=True)
class Competency:
    name: str
    description: str | None = None
    assessment: str | None = None
    id: int | None = None


@dataclass(slots=True)
class Training:
    name: str
    audience: str | None = None
    date: date | None = None
    hours: Number | None = None
    id: int | None = None


@dataclass(slots=True)
class Communication:
    title: str
    kind: str
    audience: str | None = None
    channel: str | None = None
    date: date | None = None
    status: str | None = None
    body: str | None = None
    id: int | None = None


@dataclass(slots=True)
class Design:
    """Step 4: the dates, elements and capacity of the program's design."""

    leaders_enrolled_on: date | None = None
    design_started_on: date | None = None
    design_completed_on: date | None = None
    launch_on: date | None = None
    roles: list[Role] = field(default_factory=list)
    procedures: list[Procedure] = field(default_factory=list)
    competencies: list[Competency] = field(default_factory=list)
    trainings: list[Training] = field(default_factory=list)
    communications: list[Communication] = field(default_factory=list)
    cycle_months: int | None = None
    meeting_cadence: str | None = None
    max_pairs: int | None = None
    max_mentees_per_mentor: int | None = None
    scaling_plan: str | None = None


@dataclass(slots=True)
class Participant:
    """A mentor or mentee; ``manager`` is the line manager's name."""

    name: str
    role: str
    email: str | None = None
    department: str | None = None
    title: str | None = None
    external: bool | None = None
    reports_to_manager: bool | None = None
    high_performer: bool | None = None
    joined_on: date | None = None
    left_on: date | None = None
    manager: str | None = None
    skills: list[str] = field(default_factory=list)
    id: int | None = None


@dataclass(slots=True)
class Pair:
    """A mentor and a mentee, by participant name."""

    mentor: str
    mentee: str
    started_on: date | None = None
    ended_on: date | None = None
    status: str | None = None
    last_met_on: date | None = None
    id: int | None = None


@dataclass(slots=True)
class Evaluation:
    """One 360-degree evaluation of a development goal."""

    date: date
    by: str
    rating: int | None = None
    business_result: str | None = None
    behavior_change: str | None = None
    id: int | None = None


@dataclass(slots=True)
class DevelopmentGoal:
    """A participant's 360-degree goal: practices and behaviours to adopt."""

    participant: str
    goal: str
    practices: str | None = None
    behaviors: str | None = None
    set_on: date | None = None
    evaluations: list[Evaluation] = field(default_factory=list)
    id: int | None = None


@dataclass(slots=True)
class Measurement:
    """A value of a goal metric, named by ``metric``, on a date."""

    metric: str
    date: date
    value: Number
    note: str | None = None
    id: int | None = None


@dataclass(slots=True)
class Survey:
    """A constituent-satisfaction survey."""

    date: date
    group: str
    responses: int | None = None
    invited: int | None = None
    satisfaction: Number | None = None
    nps: Number | None = None
    comments: str | None = None
    id: int | None = None


@dataclass(slots=True)
class Idea:
    """An effective idea from one pair, to cascade across all participants."""

    idea: str
    source: str | None = None
    found_on: date | None = None
    cascaded_on: date | None = None
    id: int | None = None


@dataclass(slots=True)
class JournalEntry:
    date: date
    text: str
    id: int | None = None


@dataclass(slots=True)
class Program:
    """One management mentoring program, whole."""

    name: str
    organization: str
    org_size: str
    focus: str | None = None
    currency: str | None = None
    manager: Person | None = None
    business_case: BusinessCase = field(default_factory=BusinessCase)
    stakeholders: list[Stakeholder] = field(default_factory=list)
    benefits: list[Benefit] = field(default_factory=list)
    pitch_meetings: list[PitchMeeting] = field(default_factory=list)
    adviser_review: AdviserReview | None = None
    design: Design = field(default_factory=Design)
    participants: list[Participant] = field(default_factory=list)
    pairs: list[Pair] = field(default_factory=list)
    development_goals: list[DevelopmentGoal] = field(default_factory=list)
    measurements: list[Measurement] = field(default_factory=list)
    surveys: list[Survey] = field(default_factory=list)
    ideas: list[Idea] = field(default_factory=list)
    journal: list[JournalEntry] = field(default_factory=list)
    id: int | None = None

    @property
    def currency_code(self) -> str:
        """The currency money is in: the program's, or the schema's default."""
        return self.currency or DEFAULT_CURRENCY

    @property
    def metrics(self) -> list[Metric]:
        """The goals' metrics, in goal order."""
        return [goal.metric for goal in self.business_case.goals if goal.metric]


@dataclass(slots=True, frozen=True)
class ProgramSummary:
    """One line of the program list."""

    id: int
    name: str
    organization: str
    org_size: str
    focus: str | None = None
