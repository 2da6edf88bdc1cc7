"""The plan's dates as an iCalendar (RFC 5545) file, with UIDs stable across exports.

Every event is all-day (``VALUE=DATE``). Its UID is made of the program's id,
what the event is and the row it comes from, for example
``mentor-desk-3-training-12@mentor-desk``, so that importing a newer export
into a calendar application updates the events instead of adding copies.
No Qt, no SQL: a function of the program.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from mentor_desk import __version__
from mentor_desk.domain import analysis
from mentor_desk.domain import model as m

PRODID = f"-//Mentor Desk//Mentor Desk {__version__}//EN"
UID_DOMAIN = "mentor-desk"


@dataclass(frozen=True, slots=True)
class PlanDate:
    """One dated event of the plan: what it is (``kind``), its key, the day, and words."""

    kind: str
    key: str
    day: dt.date
    summary: str
    description: str = ""


def plan_dates(program: m.Program) -> list[PlanDate]:
    """The plan's dates, in date order (see the module docstring)."""
    d = program.design
    out: list[PlanDate] = []
    if d.design_started_on:
        out.append(PlanDate("design-start", "1", d.design_started_on, "Design starts"))
        out.append(
            PlanDate(
                "design-deadline",
                "1",
                d.design_started_on + dt.timedelta(days=analysis.DESIGN_DAYS),
                "Initial design due",
                f"The initial design is to be complete within {analysis.DESIGN_DAYS} days "
                "of its start.",
            )
        )
    if d.design_completed_on:
        out.append(PlanDate("design-completed", "1", d.design_completed_on, "Design completed"))
    for comm in d.communications:
        if comm.date is None:
            continue
        kind = comm.kind.capitalize() if comm.kind else "Communication"
        details = [
            f"Audience: {comm.audience}" if comm.audience else "",
            f"Channel: {comm.channel}" if comm.channel else "",
            f"Status: {comm.status}" if comm.status else "",
        ]
        out.append(
            PlanDate(
                "communication",
                str(comm.id),
                comm.date,
                f"{kind}: {comm.title}",
                "\n".join(x for x in details if x),
            )
        )
    for training in d.trainings:
        if training.date is None:
            continue
        details = []
        if training.audience:
            details.append(f"For {training.audience}")
        if training.hours is not None:
            details.append(f"{training.hours:g} hours")
        out.append(
            PlanDate(
                "training",
                str(training.id),
                training.date,
                f"Training: {training.name}",
                "\n".join(details),
            )
        )
    if d.launch_on:
        out.append(PlanDate("launch", "1", d.launch_on, f"Launch: {program.name}"))
    for meeting in program.pitch_meetings:
        description = ""
        if meeting.attendees:
            description = "Attendees: " + ", ".join(meeting.attendees)
        out.append(PlanDate("pitch", str(meeting.id), meeting.date, "Pitch meeting", description))
    for number, day in enumerate(analysis.survey_dates(program), start=1):
        out.append(
            PlanDate(
                "survey-due",
                str(number),
                day,
                "Satisfaction survey due" if number == 1 else "Satisfaction survey",
                f"Constituent satisfaction is surveyed at least every "
                f"{analysis.SURVEY_GAP_DAYS} days.",
            )
        )
    for metric in program.metrics:
        if metric.due is None:
            continue
        details = []
        if metric.target is not None:
            details.append(f"Target: {metric.target:g}{' ' + metric.unit if metric.unit else ''}")
        if metric.reporting:
            details.append(f"Reporting: {metric.reporting}")
        out.append(
            PlanDate(
                "metric-due",
                str(metric.id),
                metric.due,
                f"Metric due: {metric.name}",
                "\n".join(details),
            )
        )
    out.sort(key=lambda e: (e.day, e.kind, e.key))
    return out


def uid(program: m.Program, event: PlanDate) -> str:
    """The event's stable UID: program id, what it is, the row it comes from."""
    return f"mentor-desk-{program.id}-{event.kind}-{event.key}@{UID_DOMAIN}"


def calendar_bytes(program: m.Program, *, stamp: dt.datetime | None = None) -> tuple[bytes, int]:
    """The iCalendar file's bytes and its number of events.

    ``stamp`` is the DTSTAMP of every event (now, in UTC, when not given).
    """
    import icalendar

    stamp = stamp or dt.datetime.now(dt.UTC)
    if stamp.tzinfo is None:
        stamp = stamp.replace(tzinfo=dt.UTC)
    stamp = stamp.astimezone(dt.UTC).replace(microsecond=0)
    cal = icalendar.Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("method", "PUBLISH")
    cal.add("x-wr-calname", f"{program.name} ({program.organization})")
    events = plan_dates(program)
    for item in events:
        event = icalendar.Event()
        event.add("uid", uid(program, item))
        event.add("dtstamp", stamp)
        event.add("dtstart", item.day)
        event.add("dtend", item.day + dt.timedelta(days=1))
        event.add("summary", item.summary)
        if item.description:
            event.add("description", item.description)
        event.add("categories", ["Mentor Desk"])
        event.add("transp", "TRANSPARENT")
        cal.add_component(event)
    return cal.to_ical(), len(events)
