"""The plan's dates as iCalendar: parsed back with icalendar; UIDs stable across exports."""

from __future__ import annotations

import datetime as dt

import icalendar

from mentor_desk import cli, services
from mentor_desk.domain import analysis


def _events(path):
    cal = icalendar.Calendar.from_ical(path.read_bytes())
    return cal, {str(e["UID"]): e for e in cal.walk("VEVENT")}


def _day(event, name="DTSTART"):
    return event.decoded(name)


def test_every_plan_date_is_an_all_day_event(northwind, program_file, tmp_path):
    # A two-year cycle: the next survey and three more, six months apart.
    services.edit_program_field(
        program_file, program_id=northwind.id, path="design.cycle_months", value=24
    )
    northwind = services.load_program(program_file, northwind.id)
    path = tmp_path / "plan.ics"
    count = services.export_calendar(program_file, program_id=northwind.id, path=path)
    cal, events = _events(path)

    assert len(events) == count
    assert str(cal["PRODID"]).startswith("-//Mentor Desk//")
    assert str(cal["VERSION"]) == "2.0"
    pid = northwind.id
    d = northwind.design

    def event(kind, key):
        return events[f"mentor-desk-{pid}-{kind}-{key}@mentor-desk"]

    start = event("design-start", 1)
    assert _day(start) == d.design_started_on
    assert start["DTSTART"].params["VALUE"] == "DATE"
    assert _day(start, "DTEND") == d.design_started_on + dt.timedelta(days=1)
    assert _day(event("design-deadline", 1)) == d.design_started_on + dt.timedelta(days=30)
    assert _day(event("launch", 1)) == d.launch_on
    for training in d.trainings:
        if training.date:
            ev = event("training", training.id)
            assert _day(ev) == training.date
            assert training.name in str(ev["SUMMARY"])
    announcements = [c for c in d.communications if c.kind == "preliminary announcement"]
    assert announcements
    for comm in announcements:
        ev = event("communication", comm.id)
        assert str(ev["SUMMARY"]).startswith("Preliminary announcement: ")
        assert _day(ev) == comm.date
    for meeting in northwind.pitch_meetings:
        ev = event("pitch", meeting.id)
        assert _day(ev) == meeting.date
        assert all(name in str(ev["DESCRIPTION"]) for name in meeting.attendees)
    surveys = analysis.survey_dates(northwind)
    assert len(surveys) >= 3
    for number, day in enumerate(surveys, start=1):
        assert _day(event("survey-due", number)) == day
        if number > 1:
            assert day - surveys[number - 2] == dt.timedelta(days=analysis.SURVEY_GAP_DAYS)
    assert f"mentor-desk-{pid}-survey-due-{len(surveys) + 1}@mentor-desk" not in events
    for metric in northwind.metrics:
        if metric.due:
            assert _day(event("metric-due", metric.id)) == metric.due
    for ev in events.values():
        assert isinstance(_day(ev), dt.date) and not isinstance(_day(ev), dt.datetime)
        assert ev.decoded("DTSTAMP").tzinfo is not None


def test_uids_are_stable_and_an_edit_updates_in_place(northwind, program_file, tmp_path):
    first, second, third = (tmp_path / f"{n}.ics" for n in ("first", "second", "third"))
    services.export_calendar(program_file, program_id=northwind.id, path=first)
    services.export_calendar(
        program_file,
        program_id=northwind.id,
        path=second,
        stamp=dt.datetime(2030, 1, 1, tzinfo=dt.UTC),
    )
    _, a = _events(first)
    _, b = _events(second)
    assert set(a) == set(b)
    assert {u: _day(e) for u, e in a.items()} == {u: _day(e) for u, e in b.items()}

    training = next(t for t in northwind.design.trainings if t.date)
    moved = training.date + dt.timedelta(days=9)
    services.edit_item_field(
        program_file, collection="trainings", item_id=training.id, field="date", value=moved
    )
    services.edit_item_field(
        program_file,
        collection="trainings",
        item_id=training.id,
        field="name",
        value="Mentoring basics; <b>& more</b>, part 2",
    )
    services.export_calendar(program_file, program_id=northwind.id, path=third)
    _, c = _events(third)
    assert set(c) == set(a)
    uid = f"mentor-desk-{northwind.id}-training-{training.id}@mentor-desk"
    assert _day(c[uid]) == moved
    assert str(c[uid]["SUMMARY"]) == "Training: Mentoring basics; <b>& more</b>, part 2"


def test_a_program_without_dates_gives_an_empty_calendar(program_file, tmp_path):
    from mentor_desk.domain import model as m

    program_id = services.add_program(
        program_file, program=m.Program(name="Bare", organization="Org", org_size="small")
    )
    path = tmp_path / "bare.ics"
    assert services.export_calendar(program_file, program_id=program_id, path=path) == 0
    cal, events = _events(path)
    assert events == {}
    assert cal.name == "VCALENDAR"


def test_calendar_verb_writes_the_file(northwind, program_file, db_path, tmp_path, capsys):
    program_file.close()
    path = tmp_path / "out.ics"
    assert cli.main(["--db", str(db_path), "calendar", northwind.name, "-o", str(path)]) == 0
    _, events = _events(path)
    assert events
    assert cli.main(["--db", str(db_path), "calendar", "nope", "-o", str(path)]) == 2
    assert capsys.readouterr().err.startswith("error:")
