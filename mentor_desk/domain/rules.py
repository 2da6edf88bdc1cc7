"""The method's rules: pure functions of a program and ``today`` that return findings.

Each rule of DESIGN.md's "Rule ids" table is one function below, listed in
``RULES`` with its stable id, step and severity. ``check`` runs them all and
sorts the findings (step order, errors first). Nothing here reads the clock,
a file or a database: ``today`` is always a parameter.

Decisions the design leaves open, made here once:

- The launch rules that measure time since the launch (``metric-stale``,
  ``metric-off-track``, ``survey-due``) apply only once ``launch_on <= today``;
  before that there is nothing to measure or survey. ``pair-stalled`` and
  ``idea-not-cascaded`` apply whenever the pair or idea carries the dates
  that make it late, launched or not (a pilot pair can stall too).
- "As of today": measurements and surveys dated after ``today`` have not
  happened yet and are ignored; an idea cascaded after ``today`` is not
  cascaded yet. A pair counts while it is not closed and has not ended; a
  participant counts until the day they leave.
- The pitch's "tied to strategy" item needs a strategy link on *every*
  goal: each objective is presented with how it serves the strategy, and the
  one goal without a link is the one the boss will question. "Reporting"
  needs one metric with a reporting plan, as the design says.
- Who must be in the room: see ``ROOM_BY_FOCUS``; "leadership development"
  means every boss, every leader, and every peer of influence 4 or 5. Any
  other focus is functional: the department leaders (boss, peer or leader
  role) of every department the focus text names, matched case-insensitively
  as whole words. With no focus, nobody is required.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, timedelta

from mentor_desk.domain import analysis as an
from mentor_desk.domain.findings import Finding, Severity, Target, sort_findings
from mentor_desk.domain.model import (
    DevelopmentGoal,
    Goal,
    Measurement,
    Pair,
    Participant,
    Program,
    Stakeholder,
    Step,
)

ERROR, WARNING = Severity.ERROR, Severity.WARNING

SUPPORTIVE_STANCES = ("supportive", "champion")
SIGNED_OFF = "signed off"
BENEFIT_LEVEL_NAMES = {
    "organization": "organization-level",
    "personal": "personal",
    "staff": "broader-staff",
}


# --------------------------------------------------------------------------- helpers


def _blank(text: str | None) -> bool:
    return text is None or not str(text).strip()


def _key(name: str | None) -> str:
    """A name as compared: trimmed and case-folded."""
    return (name or "").strip().casefold()


def _short(text: str, limit: int = 80) -> str:
    """Long user text cut down for a message (the subject keeps it whole)."""
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def _days(n: int) -> str:
    return f"{n} day" if n == 1 else f"{n} days"


def _and(items: list[str]) -> str:
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + " and " + items[-1]


def _goal_label(goal: Goal, index: int) -> str:
    """A goal's name for messages and subjects: its objective, else its position."""
    return goal.objective.strip() if not _blank(goal.objective) else f"Goal {index + 1}"


def _pair_label(pair: Pair) -> str:
    return f"{pair.mentor} & {pair.mentee}"


def _current_pairs(program: Program, today: date) -> list[Pair]:
    """Pairs that still count: not closed and not ended on or before ``today``."""
    return [
        p
        for p in program.pairs
        if p.status != "closed" and (p.ended_on is None or p.ended_on > today)
    ]


def _current_participants(program: Program, today: date) -> dict[str, Participant]:
    """Participants who have not left by ``today``, by compared name."""
    return {_key(p.name): p for p in program.participants if p.left_on is None or p.left_on > today}


def _manager_key(program: Program) -> str:
    return _key(program.manager.name) if program.manager else ""


def _reports_to_manager(program: Program, person: Participant) -> bool:
    """Whether the program manager writes this person's appraisals."""
    manager = _manager_key(program)
    return bool(person.reports_to_manager) or (bool(manager) and _key(person.manager) == manager)


def _launch_date(program: Program, today: date) -> date | None:
    """The launch date when the program has launched by ``today``, else None."""
    launch = program.design.launch_on
    return launch if launch is not None and launch <= today else None


# --------------------------------------------------------------------------- the pitch


@dataclass(frozen=True, slots=True)
class ChecklistItem:
    """One thing the pitch must cover, and whether the program's data covers it.

    ``key`` is stable (objectives, strategy, metrics, reporting, role_profiles,
    assessments, mentor_training, scale); ``detail`` says what covers it or
    what is missing; ``target`` is where to fill it in.
    """

    key: str
    label: str
    covered: bool
    detail: str
    target: Target | None = None


def _first_id(items: Iterable[object]) -> int | None:
    for item in items:
        return getattr(item, "id", None)
    return None


def pitch_checklist(program: Program) -> list[ChecklistItem]:
    """The pitch's eight items, each computed from the data (never ticked by hand)."""
    goals = program.business_case.goals
    design = program.design
    labels = [_goal_label(g, i) for i, g in enumerate(goals)]
    items: list[ChecklistItem] = []

    def add(key: str, label: str, covered: bool, detail: str, target: Target) -> None:
        items.append(ChecklistItem(key, label, covered, detail, target))

    # objectives: at least one goal, and every goal states its objective
    no_objective = [i for i, g in enumerate(goals) if _blank(g.objective)]
    if not goals:
        add("objectives", "Objectives", False, "no business goal yet", Target("goals"))
    elif no_objective:
        add(
            "objectives",
            "Objectives",
            False,
            f"{len(no_objective)} of {len(goals)} goals have no objective",
            Target("goals", goals[no_objective[0]].id, "objective"),
        )
    else:
        add(
            "objectives", "Objectives", True, f"{len(goals)} goals with objectives", Target("goals")
        )

    # strategy: every goal says how it ties to the strategy
    label = "Tie to the program's strategy"
    unlinked = [i for i, g in enumerate(goals) if _blank(g.strategy_link)]
    if not goals:
        add("strategy", label, False, "no business goal yet", Target("goals"))
    elif unlinked:
        names = _and([f"'{_short(labels[i], 50)}'" for i in unlinked])
        add(
            "strategy",
            label,
            False,
            f"no strategy link for {names}",
            Target("goals", goals[unlinked[0]].id, "strategy_link"),
        )
    else:
        add("strategy", label, True, "every goal has a strategy link", Target("goals"))

    # metrics: every goal has a metric with baseline, target and verification
    label = "Success metrics and how they are measured"
    short: list[tuple[int, list[str]]] = []
    for i, g in enumerate(goals):
        m = g.metric
        missing = (
            ["metric"]
            if m is None
            else [
                what
                for what, absent in (
                    ("baseline", m.baseline is None),
                    ("target", m.target is None),
                    ("verification", _blank(m.verification)),
                )
                if absent
            ]
        )
        if missing:
            short.append((i, missing))
    if not goals:
        add("metrics", label, False, "no business goal yet", Target("goals"))
    elif short:
        i, missing = short[0]
        metric = goals[i].metric
        target = (
            Target("goals", goals[i].id, "metric")
            if metric is None
            else Target("metrics", metric.id, missing[0])
        )
        detail = "; ".join(f"'{_short(labels[j], 50)}' lacks {_and(miss)}" for j, miss in short)
        add("metrics", label, False, detail, target)
    else:
        add(
            "metrics",
            label,
            True,
            "every goal has a metric with baseline, target and verification",
            Target("metrics"),
        )

    # reporting: a metric with a reporting plan
    label = "How results are reported"
    metrics = program.metrics
    reported = [m for m in metrics if not _blank(m.reporting)]
    if reported:
        names = _and([m.name for m in reported])
        add("reporting", label, True, f"reporting plan for {names}", Target("metrics"))
    else:
        add(
            "reporting",
            label,
            False,
            "no metric has a reporting plan" if metrics else "no metric yet",
            Target("metrics", _first_id(metrics), "reporting"),
        )

    # role profiles: a role with a profile
    label = "Role profiles"
    profiled = [r for r in design.roles if not _blank(r.profile)]
    if profiled:
        add("role_profiles", label, True, _and([r.name for r in profiled]), Target("roles"))
    else:
        add(
            "role_profiles",
            label,
            False,
            "no role has a profile" if design.roles else "no role yet",
            Target("roles", _first_id(design.roles), "profile"),
        )

    # assessments: a competency with an assessment
    label = "Skill and competency assessments"
    assessed = [c for c in design.competencies if not _blank(c.assessment)]
    if assessed:
        add("assessments", label, True, _and([c.name for c in assessed]), Target("competencies"))
    else:
        add(
            "assessments",
            label,
            False,
            "no competency has an assessment" if design.competencies else "no competency yet",
            Target("competencies", _first_id(design.competencies), "assessment"),
        )

    # mentor training: a training for mentors (or for all)
    label = "Mentor training"
    for_mentors = [t for t in design.trainings if t.audience in ("mentors", "all")]
    if for_mentors:
        add(
            "mentor_training", label, True, _and([t.name for t in for_mentors]), Target("trainings")
        )
    else:
        add(
            "mentor_training",
            label,
            False,
            "no training for mentors" if design.trainings else "no training yet",
            Target("trainings", _first_id(design.trainings), "audience"),
        )

    # scale: a capacity or a scaling plan
    label = "Scale and scalability"
    scale = []
    if design.max_pairs is not None:
        scale.append(f"up to {design.max_pairs} pairs")
    if not _blank(design.scaling_plan):
        scale.append("a scaling plan")
    if scale:
        add("scale", label, True, _and(scale), Target("design", None, "max_pairs"))
    else:
        add(
            "scale",
            label,
            False,
            "neither a maximum number of pairs nor a scaling plan",
            Target("design", None, "max_pairs"),
        )
    return items


# ---------------------------------------------------------------- who must be in the room


@dataclass(frozen=True, slots=True)
class RoomRule:
    """Who must be in the room for one focus.

    ``roles``: every stakeholder with one of these roles; ``influential_roles``:
    these roles when their influence is at least ``min_influence``;
    ``department_leaders``: the leaders (``DEPARTMENT_LEADER_ROLES``) of every
    department the focus text names.
    """

    roles: tuple[str, ...] = ()
    influential_roles: tuple[str, ...] = ()
    min_influence: int = 4
    department_leaders: bool = False


DEPARTMENT_LEADER_ROLES = ("boss", "peer", "leader")

# One entry per focus: a phrase found in the focus text (whole words, any case).
ROOM_BY_FOCUS: dict[str, RoomRule] = {
    "leadership development": RoomRule(roles=("boss", "leader"), influential_roles=("peer",)),
}
# Any other focus is functional: the leaders of the departments it names.
FUNCTIONAL_ROOM = RoomRule(department_leaders=True)


def _phrase_in(phrase: str, text: str) -> bool:
    """Whether ``phrase`` occurs in ``text`` as whole words, ignoring case."""
    phrase = _key(phrase)
    if not phrase:
        return False
    return re.search(rf"(?<!\w){re.escape(phrase)}(?!\w)", text.casefold()) is not None


def room_rule(focus: str | None) -> RoomRule | None:
    """The room rule for a focus: its entry in ``ROOM_BY_FOCUS``, else functional."""
    if focus is None or _blank(focus):
        return None
    for phrase, rule in ROOM_BY_FOCUS.items():
        if _phrase_in(phrase, focus):
            return rule
    return FUNCTIONAL_ROOM


def named_departments(program: Program) -> set[str]:
    """The stakeholders' departments (compared form) that the focus text names."""
    focus = program.focus or ""
    departments = {_key(s.department) for s in program.stakeholders if not _blank(s.department)}
    return {d for d in departments if _phrase_in(d, focus)}


def room_reasons(program: Program) -> list[tuple[Stakeholder, str]]:
    """Who must be in the room for the pitch, each with why, in stakeholder order."""
    rule = room_rule(program.focus)
    if rule is None:
        return []
    focus = (program.focus or "").strip()
    departments = named_departments(program) if rule.department_leaders else set()
    chosen = []
    for s in program.stakeholders:
        if s.role in rule.roles:
            why = f"every {s.role} is there for a {focus} program"
        elif (
            s.role in rule.influential_roles
            and s.influence is not None
            and s.influence >= rule.min_influence
        ):
            why = f"a {s.role} of influence {s.influence}, for a {focus} program"
        elif s.role in DEPARTMENT_LEADER_ROLES and _key(s.department) in departments:
            why = f"a leader of {s.department}, which the focus '{_short(focus, 60)}' names"
        else:
            continue
        chosen.append((s, why))
    return chosen


def must_be_in_room(program: Program) -> list[Stakeholder]:
    """The stakeholders who must be in the room for the pitch, following the focus."""
    return [s for s, _ in room_reasons(program)]


# --------------------------------------------------------------------------- step 1: business case


def rule_goal_missing(program: Program, today: date) -> list[Finding]:
    if program.business_case.goals:
        return []
    return [
        Finding(
            "goal-missing",
            ERROR,
            Step.BUSINESS_CASE,
            "No business goal yet: add at least one goal tied to an organizational objective.",
            None,
            Target("goals"),
        )
    ]


def _goal_gaps(goal: Goal) -> list[tuple[str, Target]]:
    """What a goal lacks, each with where to fill it in."""
    gaps: list[tuple[str, Target]] = []
    if _blank(goal.objective):
        gaps.append(("an objective", Target("goals", goal.id, "objective")))
    if _blank(goal.performance_change):
        gaps.append(("a performance change", Target("goals", goal.id, "performance_change")))
    if _blank(goal.behavior_change):
        gaps.append(("a behaviour change", Target("goals", goal.id, "behavior_change")))
    metric = goal.metric
    if metric is None:
        gaps.append(("a metric", Target("goals", goal.id, "metric")))
        return gaps
    if _blank(metric.verification):
        gaps.append(("a verification method", Target("metrics", metric.id, "verification")))
    if metric.baseline is None:
        gaps.append(("a baseline", Target("metrics", metric.id, "baseline")))
    if metric.target is None:
        gaps.append(("a target", Target("metrics", metric.id, "target")))
    return gaps


def rule_goal_incomplete(program: Program, today: date) -> list[Finding]:
    findings = []
    for i, goal in enumerate(program.business_case.goals):
        gaps = _goal_gaps(goal)
        if not gaps:
            continue
        label = _goal_label(goal, i)
        findings.append(
            Finding(
                "goal-incomplete",
                ERROR,
                Step.BUSINESS_CASE,
                f"Goal '{_short(label)}' lacks {_and([g for g, _ in gaps])}: add "
                f"{'it' if len(gaps) == 1 else 'them'} so the goal can be verified and measured.",
                label,
                gaps[0][1],
            )
        )
    return findings


def rule_cost_missing(program: Program, today: date) -> list[Finding]:
    if program.business_case.costs:
        return []
    return [
        Finding(
            "cost-missing",
            ERROR,
            Step.BUSINESS_CASE,
            "No cost line yet: add the internal and external costs (mentor time, training, "
            "external mentors, administration).",
            None,
            Target("costs"),
        )
    ]


def rule_external_mentor(program: Program, today: date) -> list[Finding]:
    people = _current_participants(program, today)
    pairs_by_mentee: dict[str, list[Pair]] = {}
    for pair in _current_pairs(program, today):
        pairs_by_mentee.setdefault(_key(pair.mentee), []).append(pair)
    external = {_key(p.name) for p in program.participants if p.external}
    planned = any(g.external_mentors for g in program.business_case.target_groups)
    manager = program.manager.name if program.manager else "the program manager"
    findings = []
    for key, person in people.items():
        if person.role != "mentee" or not person.high_performer:
            continue
        if not _reports_to_manager(program, person):
            continue
        pairs = pairs_by_mentee.get(key, [])
        if pairs:
            if any(_key(p.mentor) in external for p in pairs):
                continue  # one current pair with an external mentor is enough
            mentors = _and([p.mentor for p in pairs])
            message = (
                f"{person.name} is a high performer who reports to {manager}, who writes the "
                f"appraisals, but is paired with {mentors}, not with an external mentor: "
                "pair them with an external mentor."
            )
            target = Target("pairs", pairs[0].id, "mentor")
        elif planned:
            continue  # a target group plans external mentors; not paired yet
        else:
            message = (
                f"{person.name} is a high performer who reports to {manager}, who writes the "
                "appraisals: plan an external mentor (pair them with one, or mark their target "
                "group for external mentors)."
            )
            target = Target("participants", person.id, None)
        findings.append(
            Finding("external-mentor", WARNING, Step.BUSINESS_CASE, message, person.name, target)
        )
    return findings


# --------------------------------------------------------------------------- step 2: buy-in


def rule_boss_sign_off(program: Program, today: date) -> list[Finding]:
    bosses = [s for s in program.stakeholders if s.role == "boss"]
    if not bosses:
        return [
            Finding(
                "boss-sign-off",
                ERROR,
                Step.BUY_IN,
                "No boss recorded: add the boss who must sign off on the program and support it.",
                None,
                Target("stakeholders", None, "role"),
            )
        ]
    findings = []
    for boss in bosses:
        problems, field = [], None
        if boss.status != SIGNED_OFF:
            problems.append(f"has not signed off (status: {boss.status or 'not recorded'})")
            field = "status"
        if boss.stance not in SUPPORTIVE_STANCES:
            problems.append(f"is not supportive yet (stance: {boss.stance or 'not recorded'})")
            field = field or "stance"
        if problems:
            findings.append(
                Finding(
                    "boss-sign-off",
                    ERROR,
                    Step.BUY_IN,
                    f"{boss.name} (boss) {_and(problems)}: sell the program to your boss and get "
                    "the sign-off and support before going on.",
                    boss.name,
                    Target("stakeholders", boss.id, field),
                )
            )
    return findings


def rule_peer_views(program: Program, today: date) -> list[Finding]:
    findings = []
    for peer in program.stakeholders:
        if peer.role != "peer":
            continue
        missing = [
            w for w, t in (("views", peer.views), ("potential issues", peer.issues)) if _blank(t)
        ]
        if not missing:
            continue
        findings.append(
            Finding(
                "peer-views",
                WARNING,
                Step.BUY_IN,
                f"{peer.name} (peer) has no {' or '.join(missing)} recorded: ask what they "
                "think of the program and what trouble it may cause their department, and "
                "write it down.",
                peer.name,
                Target("stakeholders", peer.id, "views" if _blank(peer.views) else "issues"),
            )
        )
    return findings


def rule_pitch_incomplete(program: Program, today: date) -> list[Finding]:
    return [
        Finding(
            "pitch-incomplete",
            ERROR,
            Step.BUY_IN,
            f"The pitch does not cover {item.label.lower()}: {item.detail}.",
            item.key,
            item.target,
        )
        for item in pitch_checklist(program)
        if not item.covered
    ]


def rule_not_in_room(program: Program, today: date) -> list[Finding]:
    return [
        Finding(
            "not-in-room",
            WARNING,
            Step.BUY_IN,
            f"{s.name} must be in the room for the pitch ({why}) but is not marked so: "
            "invite them.",
            s.name,
            Target("stakeholders", s.id, "in_room"),
        )
        for s, why in room_reasons(program)
        if not s.in_room
    ]


# --------------------------------------------------------------------------- step 3: leaders


def rule_leader_buy_in(program: Program, today: date) -> list[Finding]:
    findings = []
    for leader in program.stakeholders:
        if leader.role != "leader":
            continue
        missing = [
            (kind, field)
            for kind, field, value in (
                ("intellectual", "intellectual_buy_in", leader.intellectual_buy_in),
                ("emotional", "emotional_buy_in", leader.emotional_buy_in),
            )
            if not value
        ]
        if not missing:
            continue
        findings.append(
            Finding(
                "leader-buy-in",
                ERROR,
                Step.LEADERS,
                f"{leader.name} (leader) lacks {_and([k for k, _ in missing])} buy-in: talk "
                "through what the program asks of them and gives them until they are behind it.",
                leader.name,
                Target("stakeholders", leader.id, missing[0][1]),
            )
        )
    return findings


def rule_benefit_level(program: Program, today: date) -> list[Finding]:
    written = [b for b in program.benefits if not _blank(b.text)]
    levels = {b.level for b in written}
    findings = []
    for level, name in BENEFIT_LEVEL_NAMES.items():
        if level in levels:
            continue
        findings.append(
            Finding(
                "benefit-level",
                ERROR,
                Step.LEADERS,
                f"No {name} benefit written: write what the program gives "
                + {
                    "organization": "the organization.",
                    "personal": "each leader personally.",
                    "staff": "the broader staff.",
                }[level],
                level,
                Target("benefits", None, "level"),
            )
        )
    personal = {_key(b.stakeholder) for b in written if b.level == "personal"}
    for leader in program.stakeholders:
        if leader.role == "leader" and _key(leader.name) not in personal:
            findings.append(
                Finding(
                    "benefit-level",
                    ERROR,
                    Step.LEADERS,
                    f"{leader.name} (leader) has no personal benefit written: write what the "
                    "program gives them personally.",
                    leader.name,
                    Target("benefits", None, "stakeholder"),
                )
            )
    return findings


def rule_adviser_unconfirmed(program: Program, today: date) -> list[Finding]:
    review = program.adviser_review
    if review is None or review.confirmed:
        return []
    if all(v is None for v in (review.adviser, review.date, review.confirmed, review.notes)):
        return []  # an empty review is no review
    who = review.adviser or "The trusted adviser"
    return [
        Finding(
            "adviser-unconfirmed",
            WARNING,
            Step.LEADERS,
            f"{who}'s review of the leaders' buy-in is not confirmed: resolve what the adviser "
            "raised, then record the confirmation.",
            review.adviser,
            Target("adviser_review", None, "confirmed"),
        )
    ]


# --------------------------------------------------------------------------- step 4: design


def rule_design_start_late(program: Program, today: date) -> list[Finding]:
    design = program.design
    enrolled = design.leaders_enrolled_on
    if program.org_size != "small" or enrolled is None:
        return []
    deadline = enrolled + timedelta(days=an.DESIGN_START_DAYS)
    started = design.design_started_on
    if started is not None:
        if started <= deadline:
            return []
        message = (
            f"The design started on {started}, {_days((started - enrolled).days)} after the "
            f"leaders were enrolled on {enrolled}: in a small organization it starts within "
            f"{an.DESIGN_START_DAYS} days, while the leaders' buy-in is fresh."
        )
    elif today > deadline:
        message = (
            f"The design has not started, {_days((today - enrolled).days)} after the leaders "
            f"were enrolled on {enrolled}: in a small organization start it within "
            f"{an.DESIGN_START_DAYS} days (it takes about a day), or record its start date."
        )
    else:
        return []
    return [
        Finding(
            "design-start-late",
            WARNING,
            Step.DESIGN,
            message,
            None,
            Target("design", None, "design_started_on"),
        )
    ]


def rule_design_overdue(program: Program, today: date) -> list[Finding]:
    design = program.design
    started = design.design_started_on
    if started is None:
        return []
    deadline = started + timedelta(days=an.DESIGN_DAYS)
    completed = design.design_completed_on
    if completed is not None:
        if completed <= deadline:
            return []
        message = (
            f"The design took {_days((completed - started).days)} ({started} to {completed}): "
            f"the initial design is complete within {an.DESIGN_DAYS} days; keep the next "
            "round shorter."
        )
    elif today > deadline:
        message = (
            f"The design started on {started} and is not complete after "
            f"{_days((today - started).days)}: finish the initial design (it takes under "
            f"{an.DESIGN_DAYS} days), or record its completion date."
        )
    else:
        return []
    return [
        Finding(
            "design-overdue",
            WARNING,
            Step.DESIGN,
            message,
            None,
            Target("design", None, "design_completed_on"),
        )
    ]


def rule_announcement_missing(program: Program, today: date) -> list[Finding]:
    if program.org_size != "large":
        return []
    start = program.design.design_started_on
    announcements = [
        c for c in program.design.communications if c.kind == "preliminary announcement"
    ]
    if start is None:
        if announcements:
            return []
        message = (
            "No preliminary announcement planned: in a large organization it goes out first, "
            "before the design starts; add it with its date."
        )
        target = Target("communications", None, "kind")
    else:
        if any(c.date is not None and c.date <= start for c in announcements):
            return []
        if announcements:
            message = (
                f"The preliminary announcement is not dated on or before the design start "
                f"({start}): in a large organization it goes out first; date it accordingly."
            )
            target = Target("communications", announcements[0].id, "date")
        else:
            message = (
                f"No preliminary announcement dated on or before the design start ({start}): in "
                "a large organization it goes out first; add it."
            )
            target = Target("communications", None, "kind")
    return [Finding("announcement-missing", ERROR, Step.DESIGN, message, None, target)]


def rule_roles_missing(program: Program, today: date) -> list[Finding]:
    design = program.design
    findings = []
    if not any(not _blank(r.profile) for r in design.roles):
        findings.append(
            Finding(
                "roles-missing",
                ERROR,
                Step.DESIGN,
                "No role has a profile: describe who makes a good mentor and mentee "
                "(role profiles).",
                "role profile",
                Target("roles", _first_id(design.roles), "profile"),
            )
        )
    if program.org_size == "large":
        if not design.procedures:
            findings.append(
                Finding(
                    "roles-missing",
                    ERROR,
                    Step.DESIGN,
                    "No procedure written: a large organization needs its procedures (pairing, "
                    "meetings, reviews) set down.",
                    "procedure",
                    Target("procedures"),
                )
            )
        if not any(c.kind == "formal" for c in design.communications):
            findings.append(
                Finding(
                    "roles-missing",
                    ERROR,
                    Step.DESIGN,
                    "No formal communication planned: a large organization announces the "
                    "program formally; add one.",
                    "formal communication",
                    Target("communications", None, "kind"),
                )
            )
    return findings


def rule_mentor_appraises_mentee(program: Program, today: date) -> list[Finding]:
    people = {_key(p.name): p for p in program.participants}
    manager = _manager_key(program)
    findings = []
    for pair in _current_pairs(program, today):
        mentee = people.get(_key(pair.mentee))
        if mentee is None:
            continue
        mentor = _key(pair.mentor)
        if mentor == _key(mentee.manager) or (
            manager and mentor == manager and _reports_to_manager(program, mentee)
        ):
            findings.append(
                Finding(
                    "mentor-appraises-mentee",
                    ERROR,
                    Step.DESIGN,
                    f"{pair.mentor} mentors {mentee.name} but is their manager and writes their "
                    "appraisals: choose a mentor outside their reporting line.",
                    _pair_label(pair),
                    Target("pairs", pair.id, "mentor"),
                )
            )
    return findings


def rule_capacity_exceeded(program: Program, today: date) -> list[Finding]:
    design = program.design
    pairs = _current_pairs(program, today)
    findings = []
    if design.max_pairs is not None and len(pairs) > design.max_pairs:
        findings.append(
            Finding(
                "capacity-exceeded",
                ERROR,
                Step.DESIGN,
                f"{len(pairs)} pairs exceed the design's capacity of {design.max_pairs}: raise "
                "the maximum or close or hold some pairs.",
                None,
                Target("design", None, "max_pairs"),
            )
        )
    limit = design.max_mentees_per_mentor
    if limit is not None:
        counts = Counter(_key(p.mentor) for p in pairs)
        names: dict[str, str] = {}
        for p in pairs:
            names.setdefault(_key(p.mentor), p.mentor)
        for key, count in counts.items():
            if count > limit:
                findings.append(
                    Finding(
                        "capacity-exceeded",
                        ERROR,
                        Step.DESIGN,
                        f"{names[key]} mentors {count} mentees, over the limit of {limit} per "
                        "mentor: move a mentee to another mentor.",
                        names[key],
                        Target("design", None, "max_mentees_per_mentor"),
                    )
                )
    return findings


def rule_goal_360_missing(program: Program, today: date) -> list[Finding]:
    goals_by_person: dict[str, list[DevelopmentGoal]] = {}
    for g in program.development_goals:
        goals_by_person.setdefault(_key(g.participant), []).append(g)
    current = _current_participants(program, today)
    left = {_key(p.name) for p in program.participants} - current.keys()
    seen: set[str] = set()
    findings = []
    for pair in _current_pairs(program, today):
        key = _key(pair.mentee)
        if key in seen or key in left:
            continue  # reported once per mentee; nothing to ask of someone who has left
        seen.add(key)
        goals = goals_by_person.get(key, [])
        if any(not _blank(g.practices) and not _blank(g.behaviors) for g in goals):
            continue
        if goals:
            g = goals[0]
            missing = [
                w for w, t in (("practices", g.practices), ("behaviours", g.behaviors)) if _blank(t)
            ]
            message = (
                f"{pair.mentee}'s development goal names no {' or '.join(missing)}: write the "
                "practices and behaviours to adopt, so the 360-degree review can evaluate them."
            )
            target = Target(
                "development_goals", g.id, "practices" if _blank(g.practices) else "behaviors"
            )
        else:
            message = (
                f"{pair.mentee} is paired with {pair.mentor} but has no development goal: set one "
                "together naming the practices and behaviours to adopt (360-degree practice)."
            )
            target = Target("development_goals", None, "participant")
        findings.append(
            Finding("goal-360-missing", WARNING, Step.DESIGN, message, pair.mentee, target)
        )
    return findings


# --------------------------------------------------------------------------- step 5: launch


def _measurements_so_far(program: Program, today: date) -> dict[str, list[Measurement]]:
    """Each metric's measurements dated on or before ``today``, oldest first."""
    return {
        name: [m for m in items if m.date <= today]
        for name, items in an.measurements_by_metric(program).items()
    }


def rule_metric_stale(program: Program, today: date) -> list[Finding]:
    launch = _launch_date(program, today)
    if launch is None:
        return []
    measured = _measurements_so_far(program, today)
    findings = []
    for metric in program.metrics:
        items = measured.get(metric.name, [])
        last = items[-1].date if items else None
        since = max(last, launch) if last else launch
        age = (today - since).days
        if age <= an.STALE_DAYS:
            continue
        when = (
            f"was last measured on {last}, {_days((today - last).days)} ago"
            if last
            else f"has not been measured since the launch on {launch}, {_days(age)} ago"
        )
        findings.append(
            Finding(
                "metric-stale",
                WARNING,
                Step.LAUNCH,
                f"{metric.name} {when}: measure it at least once a quarter.",
                metric.name,
                Target("metrics", metric.id, None),
            )
        )
    return findings


def _number(value: float) -> str:
    return f"{value:,.1f}".rstrip("0").rstrip(".")


def rule_metric_off_track(program: Program, today: date) -> list[Finding]:
    if _launch_date(program, today) is None:
        return []
    measured = _measurements_so_far(program, today)
    findings = []
    for metric in program.metrics:
        items = measured.get(metric.name, [])
        if an.metric_on_track(metric, items) is not False:
            continue
        projection = an.metric_projection(metric, items)
        if projection is None or metric.target is None:
            continue  # cannot happen when off track; keeps the message safe
        unit = f" {metric.unit}" if not _blank(metric.unit) else ""
        findings.append(
            Finding(
                "metric-off-track",
                WARNING,
                Step.LAUNCH,
                f"{metric.name} is trending to {_number(projection)}{unit} by {metric.due}, "
                f"short of the target {_number(metric.target)}{unit}: review what the pairs "
                "work on, or the target.",
                metric.name,
                Target("metrics", metric.id, "target"),
            )
        )
    return findings


def rule_survey_due(program: Program, today: date) -> list[Finding]:
    launch = _launch_date(program, today)
    if launch is None:
        return []
    gap = an.SURVEY_GAP_DAYS
    points = sorted({s.date for s in program.surveys if launch < s.date <= today} | {launch})
    findings = []
    for before, after in zip(points, points[1:], strict=False):
        if (after - before).days > gap:
            start = f"the launch on {before}" if before == launch else f"the survey of {before}"
            findings.append(
                Finding(
                    "survey-due",
                    WARNING,
                    Step.LAUNCH,
                    f"{_days((after - before).days).capitalize()} passed between {start} and the "
                    f"survey of {after}: survey satisfaction at least every {gap} days.",
                    None,
                    Target("surveys"),
                )
            )
    due = an.next_survey_due(program, today)
    if due is not None and today > due:
        last = an.last_survey_on(program, today)
        since = f"the last survey on {last}" if last else f"the launch on {launch}"
        findings.append(
            Finding(
                "survey-due",
                WARNING,
                Step.LAUNCH,
                f"No satisfaction survey since {since}; the next was due on {due}: survey "
                "mentors, mentees and sponsors now (at least twice a year).",
                None,
                Target("surveys"),
            )
        )
    return findings


def rule_pair_stalled(program: Program, today: date) -> list[Finding]:
    findings = []
    for pair in program.pairs:
        if an.pair_health(pair, today) != "stalled":
            continue
        since = an.pair_last_contact(pair)
        if since is None:
            continue  # a pair with no dates is never stalled
        what = "have not met since" if pair.last_met_on else "have not met since they started on"
        findings.append(
            Finding(
                "pair-stalled",
                WARNING,
                Step.LAUNCH,
                f"{pair.mentor} and {pair.mentee} {what} {since} ({_days((today - since).days)}): "
                "check in with the pair, and pause or close it if it has run its course.",
                _pair_label(pair),
                Target("pairs", pair.id, "last_met_on"),
            )
        )
    return findings


def rule_idea_not_cascaded(program: Program, today: date) -> list[Finding]:
    findings = []
    for idea in program.ideas:
        found = idea.found_on
        if found is None or (idea.cascaded_on is not None and idea.cascaded_on <= today):
            continue
        age = (today - found).days
        if age <= an.IDEA_DAYS:
            continue
        findings.append(
            Finding(
                "idea-not-cascaded",
                WARNING,
                Step.LAUNCH,
                f"The idea '{_short(idea.idea)}' was found on {found}, {_days(age)} ago, and is "
                "not cascaded: share it with all participants and record the date.",
                idea.idea,
                Target("ideas", idea.id, "cascaded_on"),
            )
        )
    return findings


# --------------------------------------------------------------------------- the table


@dataclass(frozen=True, slots=True)
class Rule:
    """One row of DESIGN.md's Rule ids table and the function that applies it."""

    id: str
    step: Step
    severity: Severity
    apply: Callable[[Program, date], list[Finding]]


RULES: tuple[Rule, ...] = (
    Rule("goal-missing", Step.BUSINESS_CASE, ERROR, rule_goal_missing),
    Rule("goal-incomplete", Step.BUSINESS_CASE, ERROR, rule_goal_incomplete),
    Rule("cost-missing", Step.BUSINESS_CASE, ERROR, rule_cost_missing),
    Rule("external-mentor", Step.BUSINESS_CASE, WARNING, rule_external_mentor),
    Rule("boss-sign-off", Step.BUY_IN, ERROR, rule_boss_sign_off),
    Rule("peer-views", Step.BUY_IN, WARNING, rule_peer_views),
    Rule("pitch-incomplete", Step.BUY_IN, ERROR, rule_pitch_incomplete),
    Rule("not-in-room", Step.BUY_IN, WARNING, rule_not_in_room),
    Rule("leader-buy-in", Step.LEADERS, ERROR, rule_leader_buy_in),
    Rule("benefit-level", Step.LEADERS, ERROR, rule_benefit_level),
    Rule("adviser-unconfirmed", Step.LEADERS, WARNING, rule_adviser_unconfirmed),
    Rule("design-start-late", Step.DESIGN, WARNING, rule_design_start_late),
    Rule("design-overdue", Step.DESIGN, WARNING, rule_design_overdue),
    Rule("announcement-missing", Step.DESIGN, ERROR, rule_announcement_missing),
    Rule("roles-missing", Step.DESIGN, ERROR, rule_roles_missing),
    Rule("mentor-appraises-mentee", Step.DESIGN, ERROR, rule_mentor_appraises_mentee),
    Rule("capacity-exceeded", Step.DESIGN, ERROR, rule_capacity_exceeded),
    Rule("goal-360-missing", Step.DESIGN, WARNING, rule_goal_360_missing),
    Rule("metric-stale", Step.LAUNCH, WARNING, rule_metric_stale),
    Rule("metric-off-track", Step.LAUNCH, WARNING, rule_metric_off_track),
    Rule("survey-due", Step.LAUNCH, WARNING, rule_survey_due),
    Rule("pair-stalled", Step.LAUNCH, WARNING, rule_pair_stalled),
    Rule("idea-not-cascaded", Step.LAUNCH, WARNING, rule_idea_not_cascaded),
)
RULE_IDS: tuple[str, ...] = tuple(r.id for r in RULES)


def check(program: Program, today: date) -> list[Finding]:
    """Every rule's findings on the program as of ``today``: step order, errors first."""
    findings: list[Finding] = []
    for rule in RULES:
        findings.extend(rule.apply(program, today))
    return sort_findings(findings)
