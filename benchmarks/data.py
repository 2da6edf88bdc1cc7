"""Synthetic program documents for the benchmark: any number of participants, valid, repeatable."""

from __future__ import annotations

import datetime as dt
import random
from typing import Any

DEPARTMENTS = (
    "Finance", "Operations", "IT", "Sales", "Marketing", "Legal", "Human Resources",
    "Procurement", "Logistics", "Research", "Quality", "Customer Service",
)  # fmt: skip
SKILLS = (
    "negotiation", "delegation", "budgeting", "public speaking", "coaching", "hiring",
    "strategy", "conflict resolution", "change management", "stakeholder management",
    "feedback", "time management", "project planning", "data literacy", "vendor management",
    "cross-cultural teams", "remote teams", "presenting to the board", "risk", "innovation",
    "customer focus", "process improvement", "writing", "decision making", "influence",
    "succession planning", "performance reviews", "mentoring others", "resilience",
    "finance basics",
)  # fmt: skip
FIRST = (
    "Ana", "Ben", "Chloé", "Dmitri", "Elif", "Farah", "Göran", "Hana", "Ivan", "Jun",
    "Kofi", "Lena", "Marta", "Nikos", "Olu", "Priya", "Quinn", "Rahel", "Sven", "Tomás",
    "Ursula", "Viktor", "Wen", "Xenia", "Yusuf", "Zoë", "Αλέξης", "Мария", "李伟", "فاطمة",
)  # fmt: skip
LAST = (
    "Adams", "Brandt", "Costa", "Dubois", "Eriksen", "Fischer", "García", "Horvat",
    "Ito", "Jansen", "Kowalski", "Lindqvist", "Moreau", "Novak", "Okafor", "Petrov",
    "Quist", "Rossi", "Schmidt", "Tanaka", "Umar", "Varga", "Weber", "Yilmaz", "Zhou",
)  # fmt: skip
LOREM = (
    "The team leads run the weekly review and agree on the follow-up with the plant.",
    "Fewer escalations to the director; decisions are taken where the work is done.",
    "Mentees bring one real problem to each session and report back on what they tried.",
    "Quarterly figures go to the leadership team with a short note on what changed & why.",
    "Budget <approved> for the first cycle; the second depends on the mid-term survey.",
)

KINDS = ("preliminary announcement", "formal", "update", "update")
START = dt.date(2025, 7, 1)  # measurements run monthly for two years from here
LAUNCH = dt.date(2026, 1, 15)
TODAY = dt.date(2027, 6, 30)  # the "today" of check, matching and the progress report


def _text(rng: random.Random, sentences: int = 2) -> str:
    return " ".join(rng.choice(LOREM) for _ in range(sentences))


def _day(base: dt.date, rng: random.Random, spread: int) -> str:
    return (base + dt.timedelta(days=rng.randrange(spread))).isoformat()


def _months(start: dt.date, count: int) -> list[dt.date]:
    out = []
    for i in range(count):
        y, mo = divmod(start.month - 1 + i, 12)
        out.append(dt.date(start.year + y, mo + 1, min(start.day, 28)))
    return out


def people(
    mentors: int, mentees: int, rng: random.Random, *, manager_name: str
) -> list[dict[str, Any]]:
    """Participants: mentors first, then mentees; each name unique, managers among the mentors."""
    out: list[dict[str, Any]] = []
    mentor_names: dict[str, list[str]] = {d: [] for d in DEPARTMENTS}
    for i in range(mentors + mentees):
        role = "mentor" if i < mentors else "mentee"
        dept = DEPARTMENTS[rng.randrange(len(DEPARTMENTS))]
        name = f"{rng.choice(FIRST)} {rng.choice(LAST)} {i:05d}"
        p: dict[str, Any] = {
            "name": name,
            "email": f"person{i:05d}@example.org",
            "department": dept,
            "title": "Senior manager" if role == "mentor" else "Team lead",
            "role": role,
            "joined_on": _day(START, rng, 120),
            "skills": rng.sample(SKILLS, rng.randint(*((3, 6) if role == "mentor" else (2, 4)))),
        }
        if role == "mentor":
            if rng.random() < 0.1:
                p["external"] = True
                p["department"] = "External"
            else:
                mentor_names[dept].append(name)
        else:
            if rng.random() < 0.05:
                p["reports_to_manager"] = True
                p["manager"] = manager_name
                p["high_performer"] = rng.random() < 0.5
            elif mentor_names[dept]:
                # Line managers are mentors of the same department: matching must avoid them.
                p["manager"] = rng.choice(mentor_names[dept])
            if rng.random() < 0.02:
                p["left_on"] = _day(LAUNCH, rng, 400)
        out.append(p)
    return out


def matching_document(mentees: int = 1000, mentors: int = 500, seed: int = 7) -> dict[str, Any]:
    """A program with only participants and no pairs: what matching is measured on."""
    rng = random.Random(seed)
    manager = "Dana Whitfield"
    return {
        "format": "mentor-desk/program",
        "version": 1,
        "program": {
            "name": f"Matching {mentees}x{mentors}",
            "organization": "Benchmark Corp",
            "org_size": "large",
            "manager": {"name": manager},
            "design": {"max_mentees_per_mentor": 2},
            "participants": people(mentors, mentees, rng, manager_name=manager),
        },
    }


def program_document(participants: int = 2000, seed: int = 1) -> dict[str, Any]:
    """A whole program document with ``participants`` people (a third of them mentors).

    Fixed parts: 150 stakeholders, 120 cost lines, 12 goals each with a metric
    measured monthly over two years. Parts that grow with the people: pairs for
    about 85% of the mentees, a development goal with evaluations per pair,
    surveys, ideas and journal entries.
    """
    rng = random.Random(seed)
    manager = "Dana Whitfield"
    n_mentors = participants // 3
    n_mentees = participants - n_mentors
    folks = people(n_mentors, n_mentees, rng, manager_name=manager)
    mentors = [p for p in folks if p["role"] == "mentor"]
    mentees = [p for p in folks if p["role"] == "mentee"]

    goals = []
    for g in range(12):
        goals.append(
            {
                "objective": f"Objective {g + 1}: {rng.choice(LOREM)}",
                "strategy_link": _text(rng),
                "performance_change": _text(rng, 1),
                "behavior_change": _text(rng, 1),
                "metric": {
                    "name": f"Metric {g + 1}",
                    "unit": rng.choice(["%", "hours/quarter", "days", "score"]),
                    "baseline": 40 + g,
                    "target": 20 + g,
                    "due": "2027-12-31",
                    "verification": _text(rng, 1),
                    "reporting": "Quarterly to the leadership team",
                },
                "value": 10000 + 5000 * g,
                "value_basis": _text(rng),
            }
        )
    costs = []
    for c in range(120):
        internal = c % 3 != 0
        cost: dict[str, Any] = {
            "item": f"Cost line {c + 1}: " + rng.choice(["mentor time", "training", "materials"]),
            "kind": "internal" if internal else "external",
            "category": rng.choice(["mentor time", "training", "external mentors", "software"]),
            "amount": rng.randrange(200, 9000),
        }
        if internal:
            cost["hours"] = rng.randrange(4, 120)
        if c % 10 == 0:
            cost["notes"] = _text(rng, 1)
        costs.append(cost)

    roles = ("boss", "peer", "leader", "adviser", "other")
    stances = ("unknown", "opposed", "skeptical", "neutral", "supportive", "champion")
    statuses = ("not contacted", "briefed", "pitched", "signed off", "declined")
    stakeholders = []
    for s in range(150):
        stakeholders.append(
            {
                "name": f"{rng.choice(FIRST)} {rng.choice(LAST)} (stakeholder {s + 1})",
                "title": rng.choice(["Director", "Vice president", "Head of unit", "Manager"]),
                "department": rng.choice(DEPARTMENTS),
                "role": roles[s % len(roles)],
                "influence": rng.randint(1, 5),
                "stance": rng.choice(stances),
                "status": rng.choice(statuses),
                "in_room": s % 7 == 0,
                "intellectual_buy_in": rng.random() < 0.6,
                "emotional_buy_in": rng.random() < 0.4,
                "views": _text(rng),
                "issues": _text(rng, 1),
                "last_contact": _day(dt.date(2025, 9, 1), rng, 500),
                "notes": _text(rng, 1),
            }
        )
    benefits = [
        {"level": lvl, "text": _text(rng, 1)} for lvl in ("organization", "staff") for _ in range(6)
    ] + [
        {"level": "personal", "text": _text(rng, 1), "stakeholder": stakeholders[i]["name"]}
        for i in range(0, 40, 5)
    ]
    meetings = [
        {
            "date": _day(dt.date(2025, 10, 1), rng, 60),
            "attendees": [s["name"] for s in rng.sample(stakeholders, 6)],
            "outcome": _text(rng, 1),
        }
        for _ in range(4)
    ]

    pairs = []
    dev_goals = []
    load: dict[str, int] = {}
    active_mentors = [p for p in mentors]
    for mentee in mentees:
        if rng.random() > 0.85 or "left_on" in mentee:
            continue
        for _ in range(8):
            mentor = rng.choice(active_mentors)
            if mentor["name"] != mentee.get("manager") and load.get(mentor["name"], 0) < 2:
                break
        else:
            continue
        load[mentor["name"]] = load.get(mentor["name"], 0) + 1
        started = LAUNCH + dt.timedelta(days=rng.randrange(60))
        status = rng.choices(["active", "paused", "closed", "proposed"], [80, 5, 10, 5])[0]
        pair: dict[str, Any] = {
            "mentor": mentor["name"],
            "mentee": mentee["name"],
            "started_on": started.isoformat(),
            "status": status,
            "last_met_on": _day(TODAY - dt.timedelta(days=150), rng, 150),
        }
        if status == "closed":
            pair["ended_on"] = _day(dt.date(2027, 1, 1), rng, 150)
        pairs.append(pair)
        evaluations = [
            {
                "date": _day(dt.date(2026, 6, 1) + dt.timedelta(days=180 * k), rng, 30),
                "by": rng.choice(["self", "mentor", "manager", "peer", "direct report"]),
                "rating": rng.randint(2, 5),
                "business_result": _text(rng, 1),
                "behavior_change": _text(rng, 1),
            }
            for k in range(rng.randint(0, 2))
        ]
        dev_goal: dict[str, Any] = {
            "participant": mentee["name"],
            "goal": _text(rng, 1),
            "practices": _text(rng, 1),
            "behaviors": _text(rng, 1),
            "set_on": started.isoformat(),
        }
        if evaluations:
            dev_goal["evaluations"] = evaluations
        dev_goals.append(dev_goal)

    measurements = []
    for g, goal in enumerate(goals):
        for k, day in enumerate(_months(START, 24)):
            value = 40 + g - k * 0.7 + rng.uniform(-2, 2)
            measurements.append(
                {
                    "metric": goal["metric"]["name"],
                    "date": day.isoformat(),
                    "value": round(value, 2),
                }
            )
    surveys = []
    for day in _months(dt.date(2026, 4, 15), 15)[::3]:
        for group in ("mentors", "mentees"):
            invited = n_mentors if group == "mentors" else n_mentees
            surveys.append(
                {
                    "date": day.isoformat(),
                    "group": group,
                    "invited": invited,
                    "responses": int(invited * rng.uniform(0.4, 0.9)),
                    "satisfaction": round(rng.uniform(3.2, 4.6), 2),
                    "nps": rng.randint(-10, 60),
                    "comments": _text(rng, 1),
                }
            )
    ideas = [
        {
            "idea": _text(rng, 1),
            "source": rng.choice(mentees)["name"],
            "found_on": _day(LAUNCH, rng, 500),
            **({"cascaded_on": _day(dt.date(2027, 1, 1), rng, 150)} if i % 2 else {}),
        }
        for i in range(max(10, participants // 50))
    ]
    journal = [
        {"date": _day(START, rng, 700), "text": _text(rng, 3)}
        for _ in range(max(10, participants // 40))
    ]

    return {
        "format": "mentor-desk/program",
        "version": 1,
        "program": {
            "name": f"Benchmark program {participants}",
            "organization": "Benchmark Corp",
            "org_size": "large",
            "focus": "leadership development",
            "currency": "EUR",
            "manager": {
                "name": manager,
                "title": "Director of People",
                "email": "dana@example.org",
            },
            "business_case": {
                "summary": _text(rng, 3),
                "goals": goals,
                "costs": costs,
                "target_groups": [
                    {"name": "New team leads", "size": n_mentees, "reason": _text(rng, 1)},
                    {"name": "Senior managers", "size": n_mentors, "external_mentors": True},
                ],
            },
            "stakeholders": stakeholders,
            "benefits": benefits,
            "pitch_meetings": meetings,
            "adviser_review": {
                "adviser": stakeholders[3]["name"],
                "date": "2025-11-20",
                "confirmed": True,
                "notes": _text(rng, 1),
            },
            "design": {
                "leaders_enrolled_on": "2025-11-25",
                "design_started_on": "2025-11-28",
                "design_completed_on": "2025-12-20",
                "launch_on": LAUNCH.isoformat(),
                "roles": [
                    {
                        "name": r,
                        "profile": _text(rng, 1),
                        "responsibilities": _text(rng, 1),
                        "time_commitment": "2 hours a month",
                    }
                    for r in ("Mentor", "Mentee", "Program manager", "Sponsor")
                ],  # fmt: skip
                "procedures": [
                    {"name": f"Procedure {i + 1}", "description": _text(rng, 1), "owner": manager}
                    for i in range(6)
                ],
                "competencies": [
                    {"name": s, "description": _text(rng, 1), "assessment": "360 review"}
                    for s in SKILLS[:8]
                ],
                "trainings": [
                    {
                        "name": f"Mentor training {i + 1}",
                        "audience": "mentors",
                        "date": _day(dt.date(2025, 12, 1), rng, 40),
                        "hours": 4,
                    }
                    for i in range(3)
                ],  # fmt: skip
                "communications": [
                    {
                        "title": f"Announcement {i + 1}",
                        "kind": KINDS[i],
                        "audience": "all staff",
                        "channel": "intranet",
                        "date": _day(dt.date(2025, 12, 1), rng, 60),
                        "status": "sent",
                        "body": _text(rng, 2),
                    }
                    for i in range(4)
                ],  # fmt: skip
                "cycle_months": 24,
                "meeting_cadence": "every two weeks",
                "max_pairs": n_mentees,
                "max_mentees_per_mentor": 2,
                "scaling_plan": _text(rng, 2),
            },
            "participants": folks,
            "pairs": pairs,
            "development_goals": dev_goals,
            "measurements": measurements,
            "surveys": surveys,
            "ideas": ideas,
            "journal": journal,
        },
    }


def count_items(document: dict[str, Any]) -> int:
    """How many list items (rows) a document holds, nested lists included."""

    def walk(value: Any) -> int:
        if isinstance(value, list):
            return sum(1 + walk(v) for v in value if isinstance(v, dict)) + sum(
                walk(v) for v in value if not isinstance(v, dict)
            )
        if isinstance(value, dict):
            return sum(walk(v) for v in value.values())
        return 0

    return walk(document["program"])
