"""The session keeps the loaded program in step with the file without reloading it.

After every kind of edit (and its Undo and Redo) ``session.program`` must be
what loading the program from the file gives: the same values of the same
types, the same items in the same order, references by name renamed where the
named item was; the rules run once the event loop turns, once per burst.
"""

from __future__ import annotations

import dataclasses
import datetime as dt

import pytest

from mentor_desk import services
from mentor_desk.domain import model as m
from mentor_desk.ui import dialogs
from mentor_desk.ui import session as session_module
from mentor_desk.ui.dashboard import Dashboard
from mentor_desk.ui.session import ITEMS_OF, ProgramSession
from mentor_desk.ui.table_models import CollectionTableModel, Column

TODAY = dt.date(2027, 3, 1)
LOAD = services.load_program  # the file's program, for comparing (not counted as a reload)


@pytest.fixture(autouse=True)
def _no_dialogs(monkeypatch):
    """A refused edit in these tests is a failure, not a message box."""

    def unexpected(parent, message, *args, **kwargs):
        raise AssertionError(f"unexpected message: {message}")

    monkeypatch.setattr(dialogs, "show_error", unexpected)


@pytest.fixture
def session(qtbot, program_file, northwind):
    s = ProgramSession(program_file)
    s.today = lambda: TODAY
    s.open_program(northwind.id)
    return s


@pytest.fixture
def reloads(monkeypatch):
    """How often the session read a whole program from the file."""
    calls: list[int] = []
    real = services.load_program

    def counting(pf, ref):
        calls.append(ref)
        return real(pf, ref)

    monkeypatch.setattr(services, "load_program", counting)
    return calls


def same(a, b, where: str = "program") -> None:
    """``a`` and ``b`` hold the same values of the same types (``==`` takes 5.0 for 5)."""
    assert type(a) is type(b), f"{where}: {type(a).__name__} != {type(b).__name__}"
    if dataclasses.is_dataclass(a):
        for spec in dataclasses.fields(a):
            same(getattr(a, spec.name), getattr(b, spec.name), f"{where}.{spec.name}")
    elif isinstance(a, list):
        assert len(a) == len(b), f"{where}: {len(a)} items != {len(b)}"
        for i, (x, y) in enumerate(zip(a, b, strict=True)):
            same(x, y, f"{where}[{i}]")
    else:
        assert a == b, f"{where}: {a!r} != {b!r}"


def in_step(session: ProgramSession) -> None:
    """The loaded program is the file's, and the id index finds every item it holds."""
    fresh = LOAD(session.pf, session.program_id)
    same(session.program, fresh)
    assert session.program == fresh
    for collection in ITEMS_OF:
        for item in session.items(collection):
            assert session.item(collection, item.id) is item, (collection, item.id)
    assert session.item("participants", 10**9) is None


def by_name(items, name):
    return next(it for it in items if it.name == name)


# ----- each kind of edit -----------------------------------------------------------------


def test_program_fields_plain_and_dotted(session, reloads):
    assert session.edit_field("focus", "operations")
    assert session.edit_field("design.launch_on", dt.date(2027, 4, 1))
    assert session.edit_field("design.launch_on", None)
    assert session.edit_field("manager.title", "Chief Information Officer")
    assert session.edit_field("adviser_review.confirmed", True)
    assert session.edit_field("business_case.summary", "Line one\nLine two")
    assert session.value("design.launch_on") is None
    assert reloads == []
    in_step(session)


def test_values_are_kept_as_the_file_stores_them(session, reloads):
    """A whole float in an integer column is an int, a number in a text column a text."""
    assert session.edit_field("design.cycle_months", 6.0)
    assert type(session.value("design.cycle_months")) is int
    goal = session.items("goals")[0]
    assert session.edit_item("goals", goal.id, "value", 250000.0)
    assert type(goal.value) is int
    cost = session.items("costs")[0]
    assert session.edit_item("costs", cost.id, "category", 123)
    assert cost.category == "123"
    assert reloads == []
    in_step(session)


def test_item_fields(session, reloads):
    samuel = by_name(session.items("stakeholders"), "Samuel Ortiz")
    assert session.edit_item("stakeholders", samuel.id, "views", "Wants <b>numbers</b>")
    assert session.edit_item("stakeholders", samuel.id, "influence", 2)
    assert session.edit_item("stakeholders", samuel.id, "last_contact", dt.date(2027, 2, 2))
    assert session.edit_item("stakeholders", samuel.id, "in_room", True)
    pair = session.items("pairs")[0]
    assert session.edit_item("pairs", pair.id, "mentor", "Sam Patel")  # a reference by name
    evaluation = session.items("evaluations")[0]
    assert session.edit_item("evaluations", evaluation.id, "rating", 5)
    assert reloads == []
    in_step(session)


def test_a_participant_renamed_is_renamed_in_its_pairs_and_goals(session, reloads):
    jo = by_name(session.items("participants"), "Jo Park")
    alex = by_name(session.items("participants"), "Alex Moreno")
    assert session.edit_item("participants", jo.id, "name", "Joanna Park")
    assert session.edit_item("participants", alex.id, "name", "Alexandra Moreno")
    assert [(p.mentor, p.mentee) for p in session.items("pairs")][0] == (
        "Joanna Park",
        "Alexandra Moreno",
    )
    assert session.items("development_goals")[0].participant == "Alexandra Moreno"
    assert session.touched(session._scope[0]) == {"participants", "pairs", "development_goals"}
    assert reloads == []
    in_step(session)
    session.undo()
    in_step(session)
    assert session.items("development_goals")[0].participant == "Alex Moreno"


def test_a_rename_of_a_name_two_participants_share_reloads(session, reloads):
    """Pairs name participants by name: which of two namesakes a pair means is in the file."""
    jo = by_name(session.items("participants"), "Jo Park")
    twin = session.add_item(
        "participants", m.Participant("Jo Park", "mentor", email="jo.two@example.com")
    )
    assert twin is not None
    assert reloads == []
    assert session.edit_item("participants", jo.id, "name", "Joanna Park")
    assert len(reloads) == 1
    in_step(session)
    assert session.items("pairs")[0].mentor == "Joanna Park"


def test_a_metric_renamed_is_renamed_in_its_measurements(session, reloads):
    metric = session.items("metrics")[0]
    old = metric.name
    assert {x.metric for x in session.items("measurements")} == {old}
    assert session.edit_item("metrics", metric.id, "name", "Downtime hours")
    assert {x.metric for x in session.items("measurements")} == {"Downtime hours"}
    assert reloads == []
    in_step(session)


def test_a_stakeholder_renamed_is_renamed_in_benefits_and_attendees(session, reloads):
    tom = by_name(session.items("stakeholders"), "Tom Becker")
    robert = by_name(session.items("stakeholders"), "Robert Kline")
    assert session.edit_item("stakeholders", tom.id, "name", "Thomas Becker")
    assert session.edit_item("stakeholders", robert.id, "name", "Bob Kline")
    assert session.items("benefits")[1].stakeholder == "Thomas Becker"
    assert session.items("pitch_meetings")[0].attendees == ["Bob Kline"]
    assert reloads == []
    in_step(session)


def test_skills_and_attendees(session, reloads):
    priya = by_name(session.items("participants"), "Priya Raman")
    assert session.edit_item("participants", priya.id, "skills", ["SQL", "Führung", "王芳"])
    meeting = session.items("pitch_meetings")[0]
    assert session.edit_item("pitch_meetings", meeting.id, "attendees", ["Mei Lin", "Tom Becker"])
    assert session.edit_item("pitch_meetings", meeting.id, "attendees", [])
    assert reloads == []
    in_step(session)
    session.undo()
    assert meeting.attendees == ["Mei Lin", "Tom Becker"]
    session.undo()
    session.undo()
    in_step(session)
    session.redo()
    in_step(session)


def test_adds_of_every_shape(session, reloads):
    assert session.add_item("costs", m.Cost("Coaching", "external", 500.0)) is not None
    assert (
        session.items("costs")[-1].amount == 500 and type(session.items("costs")[-1].amount) is int
    )
    assert session.add_item(
        "participants", m.Participant("Wen Li", "mentee", skills=["budgets", "SQL"])
    )
    assert session.add_item(
        "pitch_meetings", m.PitchMeeting(dt.date(2027, 2, 1), attendees=["Tom Becker"])
    )
    assert session.add_item("pairs", m.Pair("Jo Park", "Wen Li", status="proposed"))
    goal_id = session.add_item("goals", m.Goal("Shorter outages"))
    assert session.add_item("metrics", m.Metric("Outage minutes", unit="min"), parent_id=goal_id)
    assert session.item("goals", goal_id).metric.name == "Outage minutes"
    assert session.add_item("measurements", m.Measurement("Outage minutes", TODAY, 12.5))
    dgoal = session.items("development_goals")[0]
    count = len(dgoal.evaluations)
    new_eval = session.add_item(
        "evaluations", m.Evaluation(TODAY, "peer", rating=4), parent_id=dgoal.id
    )
    assert len(dgoal.evaluations) == count + 1 and dgoal.evaluations[-1].id == new_eval
    goal = m.Goal("With its metric", metric=m.Metric("Bundled metric"))
    assert session.add_item("goals", goal) is not None
    dev = m.DevelopmentGoal("Jo Park", "Delegate", evaluations=[m.Evaluation(TODAY, "self")])
    assert session.add_item("development_goals", dev) is not None
    assert reloads == []
    in_step(session)


def test_an_add_at_a_position_reloads(session, reloads):
    assert session.add_item("costs", m.Cost("First", "internal", 1), position=0) is not None
    assert len(reloads) == 1
    assert session.items("costs")[0].item == "First"
    in_step(session)


def test_removes_take_what_the_delete_took(session, reloads):
    jo = by_name(session.items("participants"), "Jo Park")  # a mentor: one of the pairs goes
    assert session.remove_item("participants", jo.id)
    alex = by_name(session.items("participants"), "Alex Moreno")  # with a development goal
    assert session.remove_item("participants", alex.id)
    assert session.items("development_goals") == []
    assert session.items("evaluations") == []
    tom = by_name(session.items("stakeholders"), "Tom Becker")  # named by a benefit: cleared
    assert session.remove_item("stakeholders", tom.id)
    assert session.items("benefits")[1].stakeholder is None
    robert = by_name(session.items("stakeholders"), "Robert Kline")  # an attendee
    assert session.remove_item("stakeholders", robert.id)
    assert session.items("pitch_meetings")[0].attendees == []
    goal = session.items("goals")[0]  # with its metric and that metric's measurements
    assert session.remove_item("goals", goal.id)
    metric = session.items("metrics")[0]
    assert session.remove_item("metrics", metric.id)
    assert session.items("goals")[0].metric is None
    assert reloads == []
    in_step(session)


def test_removing_an_evaluation_and_a_metric_alone(session, reloads):
    evaluation = session.items("evaluations")[0]
    assert session.remove_item("evaluations", evaluation.id)
    goal = next(g for g in session.items("goals") if g.metric is not None)
    assert session.remove_item("metrics", goal.metric.id)
    assert goal.metric is None
    assert reloads == []
    in_step(session)


def test_undo_and_redo_of_adds_and_removes(session, reloads):
    new_id = session.add_item("participants", m.Participant("Wen Li", "mentee", skills=["SQL"]))
    session.undo()  # a remove: applied in memory
    assert session.item("participants", new_id) is None
    assert reloads == []
    in_step(session)
    session.redo()  # a restore: the program is read again
    assert session.item("participants", new_id) is not None
    in_step(session)
    priya = by_name(session.items("participants"), "Priya Raman")
    assert session.remove_item("participants", priya.id)
    in_step(session)
    session.undo()
    in_step(session)
    assert len([p for p in session.items("pairs") if p.mentor == "Priya Raman"]) == 1
    count = len(reloads)
    session.redo()  # the remove again: in memory
    assert len(reloads) == count
    in_step(session)


def test_undo_and_redo_of_field_edits(session, reloads):
    goal = session.items("goals")[0]
    assert session.edit_item("goals", goal.id, "objective", "Fewer outages")
    assert session.edit_field("design.max_pairs", 12)
    metric = session.items("metrics")[0]
    assert session.edit_item("metrics", metric.id, "name", "Renamed metric")
    for _ in range(3):
        session.undo()
        in_step(session)
    for _ in range(3):
        session.redo()
        in_step(session)
    assert reloads == []


def test_a_program_without_an_adviser_review_gets_one(program_file, northwind_doc, qtbot):
    del northwind_doc["program"]["adviser_review"]
    del northwind_doc["program"]["manager"]["title"]
    pid = services.import_document(program_file, document=northwind_doc, source="x")
    s = ProgramSession(program_file)
    s.open_program(pid)
    assert s.program.adviser_review is None
    assert s.edit_field("adviser_review.notes", "Talk to Grace")  # reloaded: a new review
    assert s.program.adviser_review is not None
    in_step(s)
    s.undo()
    in_step(s)
    assert s.edit_field("manager.title", "CIO")
    in_step(s)


def test_several_programs(session, program_file, northwind, northwind_doc):
    northwind_doc["program"]["name"] = "Second"
    other = services.import_document(program_file, document=northwind_doc, source="x")
    assert session.rename_program(other, "Second program")  # shown in the list; it opens it
    assert session.program_id == other
    in_step(session)
    assert session.edit_field("focus", "sales")
    session.open_program(northwind.id)
    session.undo()  # the focus of the other program: shown again
    assert session.program_id == other
    in_step(session)
    jo = by_name(session.items("participants"), "Jo Park")
    assert session.edit_item("participants", jo.id, "name", "Jo Second")
    in_step(session)
    first = services.load_program(program_file, northwind.id)
    assert by_name(first.participants, "Jo Park")  # the first program kept its own


def test_a_long_mixed_sequence_stays_in_step(session, reloads):
    """Edits, adds, removes, undos and redos in turn, compared after each."""
    steps = [
        lambda: session.edit_field("organization", "Southwind"),
        lambda: session.add_item("participants", m.Participant("Ana Ruiz", "mentor")),
        lambda: session.edit_item(
            "participants", session.items("participants")[-1].id, "name", "Ana Ruiz-Lopez"
        ),
        lambda: session.add_item("pairs", m.Pair("Ana Ruiz-Lopez", "Sam Patel")),
        lambda: session.edit_item(
            "participants", session.items("participants")[-1].id, "name", "Ana R."
        ),
        lambda: session.remove_item("pairs", session.items("pairs")[0].id),
        session.undo,
        session.undo,
        session.redo,
        lambda: session.add_item("benefits", m.Benefit("personal", "Time", stakeholder="Mei Lin")),
        lambda: session.edit_item(
            "stakeholders", by_name(session.items("stakeholders"), "Mei Lin").id, "name", "Mei"
        ),
        lambda: session.remove_item(
            "stakeholders", by_name(session.items("stakeholders"), "Mei").id
        ),
        session.undo,
        session.undo,
        session.undo,
        session.redo,
    ]
    for step in steps:
        step()
        in_step(session)


# ----- the rules, once the event loop turns --------------------------------------------------


def test_findings_follow_once_the_event_loop_turns(qtbot, session):
    assert "cost-missing" not in [f.rule for f in session.findings]
    with qtbot.waitSignal(session.findingsChanged, timeout=5000):
        while session.items("costs"):
            session.remove_item("costs", session.items("costs")[0].id)
        assert session.findings_pending  # the edit returned before the rules ran
    assert not session.findings_pending
    assert "cost-missing" in [f.rule for f in session.findings]
    fresh = services.load_program(session.pf, session.program_id)
    assert session.findings == session_module.check_rules(fresh, TODAY)
    with qtbot.waitSignal(session.findingsChanged, timeout=5000):
        session.undo()
    assert session.findings == session_module.check_rules(
        services.load_program(session.pf, session.program_id), TODAY
    )


def test_a_burst_of_edits_runs_the_rules_once(qtbot, session, monkeypatch):
    runs = []
    real = session_module.check_rules

    def counting(program, today):
        runs.append(today)
        return real(program, today)

    monkeypatch.setattr(session_module, "check_rules", counting)
    signals = []
    session.findingsChanged.connect(lambda: signals.append(1))
    samuel = by_name(session.items("stakeholders"), "Samuel Ortiz")
    with qtbot.waitSignal(session.findingsChanged, timeout=5000):
        for i in range(25):
            assert session.edit_item("stakeholders", samuel.id, "views", f"take {i}")
        assert session.edit_field("focus", "finance")
        session.undo()
        assert runs == []
    qtbot.wait(20)  # nothing else is due
    assert len(runs) == 1 and len(signals) == 1


def test_opening_a_program_runs_the_rules_at_once(session, northwind):
    session.edit_field("focus", "finance")
    assert session.findings_pending
    session.open_program(northwind.id)
    assert not session.findings_pending
    assert session.findings == session_module.check_rules(session.program, TODAY)


# ----- what the views redraw ---------------------------------------------------------------


def test_a_table_redraws_only_the_row_edited(qtbot, session):
    model = CollectionTableModel(session, "participants", (Column("name", "Name"),))
    other = CollectionTableModel(session, "costs", (Column("item", "Item"),))
    rows: list[tuple[int, int]] = []
    model.dataChanged.connect(lambda a, b, *_: rows.append((a.row(), b.row())))
    redrawn: list[int] = []
    other.dataChanged.connect(lambda *_: redrawn.append(1))
    other.modelReset.connect(lambda: redrawn.append(1))
    priya = by_name(session.items("participants"), "Priya Raman")
    row = model.row_of(priya.id)
    assert session.edit_item("participants", priya.id, "department", "Finance")
    assert rows == [(row, row)]
    assert model.index(row, 0).data() == "Priya Raman"
    assert session.edit_item("participants", priya.id, "name", "Priya R.")
    assert model.index(row, 0).data() == "Priya R."
    assert redrawn == []  # the costs had nothing to do with it
    count = model.rowCount()
    session.add_item("participants", m.Participant("Wen Li", "mentee"))
    assert model.rowCount() == count + 1
    assert model.index(count, 0).data() == "Wen Li"
    session.undo()
    assert model.rowCount() == count


def test_a_table_follows_a_rename_it_shows_by_name(qtbot, session):
    pairs = CollectionTableModel(session, "pairs", (Column("mentor", "Mentor"),))
    jo = by_name(session.items("participants"), "Jo Park")
    assert session.edit_item("participants", jo.id, "name", "Joanna Park")
    assert pairs.index(0, 0).data() == "Joanna Park"


def test_the_dashboard_redraws_when_shown_and_once_per_burst(qtbot, session):
    dashboard = Dashboard(session)
    qtbot.addWidget(dashboard)
    assert dashboard.redraw_pending  # not shown yet: drawn when it is
    draws = []
    real = dashboard.redraw

    def counting():
        draws.append(1)
        real()

    dashboard.redraw = counting
    dashboard.show()
    qtbot.waitExposed(dashboard)
    assert draws == [1] and not dashboard.redraw_pending
    assert session.program.name in dashboard.subtitle.text()
    with qtbot.waitSignal(session.findingsChanged, timeout=5000):
        for name in ("One", "Two", "Three"):
            session.edit_field("name", name)
    qtbot.waitUntil(lambda: not dashboard.redraw_pending)
    assert draws == [1, 1]
    assert "Three" in dashboard.subtitle.text()

    dashboard.hide()
    with qtbot.waitSignal(session.findingsChanged, timeout=5000):
        session.edit_field("name", "Four")
    qtbot.wait(20)
    assert draws == [1, 1]  # hidden: nothing drawn
    dashboard.show()
    assert draws == [1, 1, 1]
    assert "Four" in dashboard.subtitle.text()


def test_a_program_field_binding_ignores_item_edits(qtbot, session):
    from mentor_desk.ui.forms import Form

    form = Form(session)
    qtbot.addWidget(form)
    binding = form.add_program_field("focus", "Focus")
    shown = []
    real = binding.refresh
    binding.refresh = lambda force=False: (shown.append(1), real(force))
    samuel = by_name(session.items("stakeholders"), "Samuel Ortiz")
    assert session.edit_item("stakeholders", samuel.id, "views", "x")
    assert session.edit_field("organization", "Southwind")
    assert shown == []
    assert session.edit_field("focus", "sales")
    assert shown == [1]
    assert binding.editor.text() == "sales"
    session.undo()
    assert binding.editor.text() == "leadership development"
    session.undo()  # the organization: not this field
    assert shown == [1, 1]
