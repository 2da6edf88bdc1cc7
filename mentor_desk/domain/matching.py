"""Mentor-mentee proposals: the best total score under the method's hard constraints, explained.

Pure: a function of the program and ``today``; no Qt, no SQL.

Who is matched: every mentee without an open pair (status proposed, active,
paused, or none given, and not ended by ``today``) who has not left, with the
mentors who have not left and have a free place.

Hard constraints (a pair that breaks one is never proposed):
- a mentor is never the mentee's own line manager (who appraises the
  mentee): the mentee's ``manager`` is not the mentor's name (trimmed, any case);
- a mentee who reports to the program manager and is a high performer gets
  an external mentor only (the program manager writes their appraisals);
- a mentor takes at most ``design.max_mentees_per_mentor`` open pairs, or
  ``DEFAULT_CAPACITY`` (one) when the design does not say;
- no more than ``design.max_pairs`` open pairs in all.

Score (shown with its reasons): ``SKILL_POINTS`` per skill the mentee wants
that the mentor offers (compared trimmed and in any case), plus
``DEPARTMENT_POINTS`` when both name a department and they differ (a mentor
outside the mentee's reporting line and silo sees more). The assignment
maximises first the number of mentees matched and then the total score,
solved exactly with ``scipy.optimize.linear_sum_assignment`` on a matrix with
each mentor repeated once per free place -- not a greedy pass.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

import numpy as np

from mentor_desk.domain import model as m

SKILL_POINTS = 10
DEPARTMENT_POINTS = 3
DEFAULT_CAPACITY = 1  # mentees per mentor when the design gives no limit: one-to-one
OPEN_STATUSES = frozenset({"proposed", "active", "paused"})


@dataclass(frozen=True, slots=True)
class Proposal:
    """A proposed pair, its score and why.

    Attributes:
        mentor, mentee: participant names.
        mentor_id, mentee_id: their stored row ids (None for unstored participants).
        score: the pair's points (see the module's docstring).
        reasons: one short phrase per reason, in plain words.
    """

    mentor: str
    mentee: str
    score: int
    reasons: tuple[str, ...]
    mentor_id: int | None = None
    mentee_id: int | None = None

    @property
    def reason_text(self) -> str:
        return "; ".join(self.reasons)


@dataclass(frozen=True, slots=True)
class Unmatched:
    """A mentee left without a proposal, and why."""

    mentee: str
    reason: str
    mentee_id: int | None = None


@dataclass(slots=True)
class MatchResult:
    """Proposals (best first) and the mentees left unmatched, with the total score."""

    proposals: list[Proposal] = field(default_factory=list)
    unmatched: list[Unmatched] = field(default_factory=list)

    @property
    def total_score(self) -> int:
        return sum(p.score for p in self.proposals)


def _key(text: str | None) -> str:
    return " ".join(text.split()).casefold() if text else ""


def is_open(pair: m.Pair, today: dt.date | None = None) -> bool:
    """A pair that takes a mentor's place: proposed, active or paused (no status = active),
    and not ended on or before ``today`` (as the rules count it)."""
    if today is not None and pair.ended_on is not None and pair.ended_on <= today:
        return False
    return (pair.status or "active") in OPEN_STATUSES


def needs_external(mentee: m.Participant) -> bool:
    """A high performer who reports to the program manager: only an external mentor will do."""
    return bool(mentee.reports_to_manager and mentee.high_performer)


def capacity(program: m.Program) -> int:
    """Mentees per mentor: the design's limit, else ``DEFAULT_CAPACITY``."""
    limit = program.design.max_mentees_per_mentor
    return limit if limit is not None else DEFAULT_CAPACITY


def _has_left(p: m.Participant, today: dt.date) -> bool:
    return p.left_on is not None and p.left_on <= today


def propose(
    program: m.Program,
    today: dt.date,
    *,
    excluded: Iterable[tuple[str, str]] = (),
) -> MatchResult:
    """The optimal proposals for the program's unpaired mentees, with reasons.

    ``excluded`` holds (mentor, mentee) name pairs a person has rejected:
    they are never proposed again.
    """
    open_pairs = [p for p in program.pairs if is_open(p, today)]
    paired = {p.mentee for p in open_pairs}
    load: dict[str, int] = {}
    for pair in open_pairs:
        load[pair.mentor] = load.get(pair.mentor, 0) + 1
    cap = capacity(program)
    result = MatchResult()

    mentees: list[m.Participant] = []
    for p in program.participants:
        if p.role != "mentee" or p.name in paired:
            continue
        if _has_left(p, today):
            result.unmatched.append(
                Unmatched(p.name, f"left on {p.left_on.isoformat()}", p.id)  # type: ignore[union-attr]
            )
            continue
        mentees.append(p)
    all_mentors = [
        p for p in program.participants if p.role == "mentor" and not _has_left(p, today)
    ]
    free = np.array([max(0, cap - load.get(p.name, 0)) for p in all_mentors], dtype=np.int64)
    if not mentees:
        return result

    room = None
    if program.design.max_pairs is not None:
        room = max(0, program.design.max_pairs - len(open_pairs))

    k = len(all_mentors)
    allowed, points, shared = _score(mentees, all_mentors)
    rejected = np.zeros_like(allowed)
    if excluded:
        row_of: dict[str, list[int]] = {}
        col_of: dict[str, list[int]] = {}
        for row, p in enumerate(mentees):
            row_of.setdefault(p.name, []).append(row)
        for col, p in enumerate(all_mentors):
            col_of.setdefault(p.name, []).append(col)
        for mentor_name, mentee_name in excluded:
            for row in row_of.get(mentee_name, ()):
                for col in col_of.get(mentor_name, ()):
                    rejected[row, col] = allowed[row, col]
        allowed = allowed & ~rejected

    # Columns: each mentor once per free place.
    slot_mentor = np.repeat(np.arange(k), free)
    assigned: dict[int, int] = {}
    if slot_mentor.size and (room is None or room > 0):
        assigned = _solve(allowed, points, slot_mentor, room)

    new_load: dict[int, int] = {}
    for row in sorted(assigned, key=lambda r: (-points[r, assigned[r]], mentees[r].name)):
        col = assigned[row]
        mentee, mentor = mentees[row], all_mentors[col]
        new_load[col] = new_load.get(col, 0) + 1
        taken = load.get(mentor.name, 0) + new_load[col]
        reasons = _reasons(mentee, mentor, shared(row, col), taken, cap)
        result.proposals.append(
            Proposal(mentor.name, mentee.name, int(points[row, col]), reasons, mentor.id, mentee.id)
        )
    for row, mentee in enumerate(mentees):
        if row not in assigned:
            full = room is not None and len(assigned) >= room
            reason = _why_unmatched(mentee, row, all_mentors, allowed, free, full, cap)
            if rejected[row].any() and not allowed[row].any():
                reason = "every suitable mentor was rejected for this mentee"
            result.unmatched.append(Unmatched(mentee.name, reason, mentee.id))
    result.proposals.sort(key=lambda p: (-p.score, p.mentee.casefold(), p.mentor.casefold()))
    return result


def _score(
    mentees: list[m.Participant], mentors: list[m.Participant]
) -> tuple[np.ndarray, np.ndarray, Callable[[int, int], list[str]]]:
    """The allowed matrix (hard constraints), the points matrix, and a shared-skills lookup.

    Skills become columns of 0/1 matrices so that the shared counts of every
    mentee-mentor pair are one matrix product.
    """
    vocab: dict[str, int] = {}
    wants = [{vocab.setdefault(_key(s), len(vocab)) for s in p.skills if _key(s)} for p in mentees]
    offers = [{vocab.setdefault(_key(s), len(vocab)) for s in p.skills if _key(s)} for p in mentors]
    size = max(1, len(vocab))
    want_m = np.zeros((len(mentees), size), dtype=np.float32)
    offer_m = np.zeros((len(mentors), size), dtype=np.float32)
    for row, skills in enumerate(wants):
        want_m[row, list(skills)] = 1
    for row, skills in enumerate(offers):
        offer_m[row, list(skills)] = 1
    shared_count = (want_m @ offer_m.T).round().astype(np.int64)

    codes: dict[str, int] = {}

    def code(text: str | None) -> int:
        key = _key(text)
        return codes.setdefault(key, len(codes)) if key else -1

    dept_e = np.array([code(p.department) for p in mentees], dtype=np.int64)
    dept_m = np.array([code(p.department) for p in mentors], dtype=np.int64)
    other_dept = (
        (dept_e[:, None] != dept_m[None, :]) & (dept_e[:, None] >= 0) & (dept_m[None, :] >= 0)
    )
    points = shared_count * SKILL_POINTS + other_dept.astype(np.int64) * DEPARTMENT_POINTS

    names: dict[str, int] = {}
    mentor_code = np.array(
        [names.setdefault(_key(p.name), len(names)) for p in mentors], dtype=np.int64
    )
    manager_code = np.array(
        [names.get(_key(p.manager), -2) if _key(p.manager) else -2 for p in mentees],
        dtype=np.int64,
    )
    own_manager = manager_code[:, None] == mentor_code[None, :]
    need_ext = np.array([needs_external(p) for p in mentees], dtype=bool)
    external = np.array([bool(p.external) for p in mentors], dtype=bool)
    allowed = ~own_manager & ~(need_ext[:, None] & ~external[None, :])

    def shared(row: int, col: int) -> list[str]:
        common = wants[row] & offers[col]
        # In the mentee's own words and order.
        return [s for s in mentees[row].skills if vocab.get(_key(s)) in common]

    return allowed, points, shared


def _solve(
    allowed: np.ndarray, points: np.ndarray, slot_mentor: np.ndarray, room: int | None
) -> dict[int, int]:
    """Row (mentee) -> mentor column of the best assignment; see the module docstring."""
    from scipy.optimize import linear_sum_assignment

    n = allowed.shape[0]
    top = float(points.max(initial=0)) + 1.0
    # One more mentee matched is worth more than any total of scores: base > n * top.
    base = top * (min(n, slot_mentor.size) + 1)
    # Costs to minimise: an allowed place -(base + points); a forbidden one 0 (as good as none).
    cost = np.where(allowed[:, slot_mentor], -(base + points[:, slot_mentor]), 0.0)
    if room is not None and room < n:
        # n - room columns "not matched", each cheaper than any real place, so that the
        # solver fills them all and at most ``room`` mentees get a real place.
        filler = np.full((n, n - room), -2.0 * (base + top), dtype=cost.dtype)
        cost = np.hstack([cost, filler])
    rows, cols = linear_sum_assignment(cost)
    assigned = {}
    slots = slot_mentor.size
    for row, col in zip(rows.tolist(), cols.tolist(), strict=True):
        if col < slots and allowed[row, slot_mentor[col]]:
            assigned[row] = int(slot_mentor[col])
    return assigned


def _reasons(
    mentee: m.Participant, mentor: m.Participant, shared: list[str], taken: int, cap: int
) -> tuple[str, ...]:
    reasons = []
    if shared:
        reasons.append("shares " + ", ".join(shared))
    else:
        reasons.append("no shared skills")
    if (
        mentee.department
        and mentor.department
        and _key(mentee.department) != _key(mentor.department)
    ):
        reasons.append(f"from another department ({mentor.department})")
    if needs_external(mentee):
        reasons.append("external mentor for a high performer who reports to the program manager")
    reasons.append(f"mentee {taken} of {cap} for this mentor")
    return tuple(reasons)


def _why_unmatched(
    mentee: m.Participant,
    row: int,
    mentors: list[m.Participant],
    allowed: np.ndarray,
    free: np.ndarray,
    full: bool,
    cap: int,
) -> str:
    if not mentors:
        return "no mentor available"
    suitable = allowed[row]
    if not suitable.any():
        if needs_external(mentee) and not any(p.external for p in mentors):
            return (
                "reports to the program manager and is a high performer: needs an external "
                "mentor, and there is none"
            )
        if needs_external(mentee):
            return (
                "reports to the program manager and is a high performer: the only external "
                "mentors are the mentee's manager"
            )
        return "the only mentor available is the mentee's own manager"
    if not (suitable & (free > 0)).any():
        if needs_external(mentee):
            return "no external mentor with a free place"
        return f"every suitable mentor already has {cap} mentee(s) (max mentees per mentor)"
    if full:
        return "the design's maximum number of pairs is reached"
    names = [mentors[i].name for i in np.flatnonzero(suitable & (free > 0))]
    shown = ", ".join(names[:3]) + (f" and {len(names) - 3} more" if len(names) > 3 else "")
    return f"the free places of {shown} went to other mentees (the best total score)"


def proposals_total(proposals: Iterable[Proposal]) -> int:
    """The total score of some proposals."""
    return sum(p.score for p in proposals)
