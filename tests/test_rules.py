"""The method's rules: each one fires on a program that breaks it and stays silent otherwise.

Every test starts from ``_clean()``, a small program that satisfies every rule
on ``TODAY``, and changes the one thing the rule is about.
"""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from mentor_desk.domain import model as m
from mentor_desk.domain import rules
from mentor_desk.domain.findings import Severity, StepStatus, step_status

TODAY = date(2027, 7, 15)
LAUNCH = date(2027, 3, 1)

# DESIGN.md's Rule ids table: id -> (step, severity).
DESIGN_TABLE = {
    "goal-missing": ("business_case", "error"),
    "goal-incomplete": ("business_case", "error"),
    "cost-missing": ("business_case", "error"),
    "external-mentor": ("business_case", "warning"),
    "boss-sign-off": ("buy_in", "error"),
    "peer-views": ("buy_in", "warning"),
    "pitch-incomplete": ("buy_in", "error"),
    "not-in-room": ("buy_in", "warning"),
    "leader-buy-in": ("leaders", "error"),
    "benefit-level": ("leaders", "error"),
    "adviser-unconfirmed": ("leaders", "warning"),
    "design-start-late": ("design", "warning"),
    "design-overdue": ("design", "warning"),
    "announcement-missing": ("design", "error"),
    "roles-missing": ("design", "error"),
    "mentor-appraises-mentee": ("design", "error"),
    "capacity-exceeded": ("design", "error"),
    "goal-360-missing": ("design", "warning"),
    "metric-stale": ("launch", "warning"),
    "metric-off-track": ("launch", "warning"),
    "survey-due": ("launch", "warning"),
    "pair-stalled": ("launch", "warning"),
    "idea-not-cascaded": ("launch", "warning"),
}


def _clean() -> m.Program:
    """A small leadership-development program that breaks no rule on TODAY."""
    metric = m.Metric(
        name="Downtime",
        unit="hours",
        baseline=40,
        target=20,
        due=date(2027, 12, 31),
        verification="Monitoring reports",
        reporting="Quarterly to the COO",
        id=11,
    )
    goal = m.Goal(
        objective="Cut downtime",
        strategy_link="Plant reliability strategy",
        performance_change="Fewer repeat incidents",
        behavior_change="Leads own the reviews",
        metric=metric,
        value=50000,
        id=1,
    )
    return m.Program(
        name="Clean",
        organization="Acme",
        org_size="small",
        focus="leadership development",
        manager=m.Person("Dana Whitfield"),
        business_case=m.BusinessCase(
            goals=[goal], costs=[m.Cost("Training", "external", 4000, id=2)]
        ),
        stakeholders=[
            m.Stakeholder(
                "Rob Boss",
                "boss",
                influence=5,
                stance="supportive",
                status="signed off",
                in_room=True,
                id=21,
            ),
            m.Stakeholder(
                "Mei Peer",
                "peer",
                department="Manufacturing",
                influence=4,
                in_room=True,
                views="Open to it",
                issues="Shift cover",
                id=22,
            ),
            m.Stakeholder(
                "Lee Leader",
                "leader",
                department="IT",
                influence=3,
                in_room=True,
                intellectual_buy_in=True,
                emotional_buy_in=True,
                id=23,
            ),
        ],
        benefits=[
            m.Benefit("organization", "Fewer outages"),
            m.Benefit("personal", "A deputy", stakeholder="Lee Leader"),
            m.Benefit("staff", "A path to lead"),
        ],
        design=m.Design(
            leaders_enrolled_on=date(2027, 1, 10),
            design_started_on=date(2027, 1, 12),
            design_completed_on=date(2027, 2, 1),
            launch_on=LAUNCH,
            roles=[m.Role("Mentor", profile="Senior leader", id=31)],
            competencies=[m.Competency("Coaching", assessment="360 review")],
            trainings=[m.Training("Basics", audience="mentors")],
            cycle_months=12,
            max_pairs=5,
            max_mentees_per_mentor=2,
        ),
        participants=[
            m.Participant("Mo Mentor", "mentor", department="Ops"),
            m.Participant("Ann Mentee", "mentee", department="IT", manager="Lee Leader", id=41),
        ],
        pairs=[
            m.Pair(
                "Mo Mentor",
                "Ann Mentee",
                started_on=LAUNCH,
                status="active",
                last_met_on=date(2027, 7, 1),
                id=51,
            )
        ],
        development_goals=[
            m.DevelopmentGoal("Ann Mentee", "Run reviews", practices="Prepare", behaviors="Speak")
        ],
        measurements=[
            m.Measurement("Downtime", date(2027, 4, 1), 38),
            m.Measurement("Downtime", date(2027, 7, 1), 30),
        ],
        surveys=[m.Survey(date(2027, 6, 15), "all", satisfaction=4.2)],
        ideas=[
            m.Idea("Shadow a meeting", found_on=date(2027, 5, 1), cascaded_on=date(2027, 5, 20))
        ],
    )


def found(program: m.Program, rule: str | None = None, today: date = TODAY) -> list:
    """(rule, subject) of the findings, of one rule when given."""
    return [(f.rule, f.subject) for f in rules.check(program, today) if rule in (None, f.rule)]


def only(program: m.Program, rule: str, today: date = TODAY):
    """The one finding of ``rule``."""
    hits = [f for f in rules.check(program, today) if f.rule == rule]
    assert len(hits) == 1, hits
    return hits[0]


# --------------------------------------------------------------------------- the whole


def test_clean_program_has_no_findings():
    assert found(_clean()) == []
    assert all(s is StepStatus.DONE for s in step_status(rules.check(_clean(), TODAY)).values())


def test_rules_table_matches_design():
    assert {r.id: (r.step.value, r.severity.value) for r in rules.RULES} == DESIGN_TABLE


def test_every_finding_carries_its_rules_step_and_severity_and_a_target():
    table = {r.id: r for r in rules.RULES}
    program = m.Program("Empty", "Org", "large")
    program.design.launch_on = date(2026, 1, 1)
    program.business_case.goals = [m.Goal("G")]
    program.stakeholders = [m.Stakeholder("P", "peer"), m.Stakeholder("L", "leader")]
    program.adviser_review = m.AdviserReview(adviser="A")
    findings = rules.check(program, TODAY)
    assert findings
    for f in findings:
        assert (f.step, f.severity) == (table[f.rule].step, table[f.rule].severity)
        assert f.target is not None and f.message.strip()


def test_findings_sorted_by_step_then_errors_first():
    program = _clean()
    program.business_case.costs = []  # business case error
    program.stakeholders[1].views = None  # buy-in warning
    program.stakeholders[0].status = "pitched"  # buy-in error
    program.pairs[0].last_met_on = date(2027, 1, 1)  # launch warning
    assert found(program) == [
        ("cost-missing", None),
        ("boss-sign-off", "Rob Boss"),
        ("peer-views", "Mei Peer"),
        ("pair-stalled", "Mo Mentor & Ann Mentee"),
    ]
    status = step_status(rules.check(program, TODAY))
    assert status[m.Step.BUSINESS_CASE] is StepStatus.OPEN
    assert status[m.Step.BUY_IN] is StepStatus.OPEN
    assert status[m.Step.LAUNCH] is StepStatus.DONE  # warnings only


def test_empty_program_gives_findings_not_exceptions():
    small = m.Program("Empty", "Org", "small")
    assert found(small) == [
        ("goal-missing", None),
        ("cost-missing", None),
        ("boss-sign-off", None),
        *[
            ("pitch-incomplete", key)
            for key in (
                "objectives",
                "strategy",
                "metrics",
                "reporting",
                "role_profiles",
                "assessments",
                "mentor_training",
                "scale",
            )
        ],
        ("benefit-level", "organization"),
        ("benefit-level", "personal"),
        ("benefit-level", "staff"),
        ("roles-missing", "role profile"),
    ]
    large = m.Program("Empty", "Org", "large")
    assert found(large, "announcement-missing") == [("announcement-missing", None)]
    assert [s for _, s in found(large, "roles-missing")] == [
        "role profile",
        "procedure",
        "formal communication",
    ]


def test_dates_in_the_future_give_no_exceptions_and_no_launch_findings():
    program = _clean()
    future = date(2030, 1, 1)
    program.design.launch_on = future
    program.design.leaders_enrolled_on = future
    program.design.design_started_on = future
    program.design.design_completed_on = None
    program.pairs[0].started_on = future
    program.pairs[0].last_met_on = None
    program.ideas[0].found_on = future
    program.ideas[0].cascaded_on = None
    program.measurements = []
    program.surveys = []
    assert found(program) == []


# --------------------------------------------------------------------------- business case


def test_goal_missing():
    program = _clean()
    program.business_case.goals = []
    assert found(program, "goal-missing") == [("goal-missing", None)]
    assert found(_clean(), "goal-missing") == []


@pytest.mark.parametrize(
    ("change", "words"),
    [
        (lambda g: setattr(g, "performance_change", None), "a performance change"),
        (lambda g: setattr(g, "behavior_change", "   "), "a behaviour change"),
        (lambda g: setattr(g, "metric", None), "a metric"),
        (lambda g: setattr(g.metric, "verification", None), "a verification method"),
        (lambda g: setattr(g.metric, "baseline", None), "a baseline"),
        (lambda g: setattr(g.metric, "target", None), "a target"),
    ],
)
def test_goal_incomplete_fires_for_each_missing_part(change, words):
    program = _clean()
    change(program.business_case.goals[0])
    finding = only(program, "goal-incomplete")
    assert finding.subject == "Cut downtime"
    assert f"lacks {words}" in finding.message
    assert "Cut downtime" in finding.message


def test_goal_incomplete_silent_for_complete_goal_and_zero_baseline():
    program = _clean()
    program.business_case.goals[0].metric.baseline = 0  # zero is a value, not a gap
    assert found(program, "goal-incomplete") == []


def test_cost_missing():
    program = _clean()
    program.business_case.costs = []
    assert found(program, "cost-missing") == [("cost-missing", None)]
    assert found(_clean(), "cost-missing") == []


def _high_performer(program: m.Program, **kwargs) -> m.Participant:
    ann = program.participants[1]
    ann.high_performer = True
    for key, value in kwargs.items():
        setattr(ann, key, value)
    return ann


def test_external_mentor_fires_when_paired_with_an_internal_mentor():
    program = _clean()
    _high_performer(program, reports_to_manager=True)
    finding = only(program, "external-mentor")
    assert finding.subject == "Ann Mentee"
    assert "Mo Mentor" in finding.message and "Dana Whitfield" in finding.message
    assert finding.target.collection == "pairs"


def test_external_mentor_fires_when_unpaired_and_no_group_plans_one():
    program = _clean()
    # reports to the program manager by name
    _high_performer(program, manager="dana whitfield")
    program.pairs = []
    assert found(program, "external-mentor") == [("external-mentor", "Ann Mentee")]


def test_external_mentor_silent_with_an_external_mentor_or_a_planned_group():
    program = _clean()
    _high_performer(program, reports_to_manager=True)
    program.participants[0].external = True
    assert found(program, "external-mentor") == []
    program = _clean()
    _high_performer(program, reports_to_manager=True)
    program.pairs = []
    program.business_case.target_groups = [m.TargetGroup("HPs", external_mentors=True)]
    assert found(program, "external-mentor") == []
    program = _clean()
    _high_performer(program)  # reports to someone else
    assert found(program, "external-mentor") == []


# --------------------------------------------------------------------------- buy-in


def test_boss_sign_off_fires_without_a_boss():
    program = _clean()
    program.stakeholders = program.stakeholders[1:]
    assert found(program, "boss-sign-off") == [("boss-sign-off", None)]


@pytest.mark.parametrize(
    ("field", "value", "words"),
    [("status", "pitched", "has not signed off"), ("stance", "skeptical", "not supportive")],
)
def test_boss_sign_off_fires_without_sign_off_or_support(field, value, words):
    program = _clean()
    setattr(program.stakeholders[0], field, value)
    finding = only(program, "boss-sign-off")
    assert finding.subject == "Rob Boss" and words in finding.message


def test_boss_sign_off_silent_for_a_champion_who_signed_off():
    program = _clean()
    program.stakeholders[0].stance = "champion"
    assert found(program, "boss-sign-off") == []


def test_peer_views():
    program = _clean()
    program.stakeholders[1].issues = ""
    finding = only(program, "peer-views")
    assert finding.subject == "Mei Peer" and "potential issues" in finding.message
    assert found(_clean(), "peer-views") == []


@pytest.mark.parametrize(
    ("change", "key"),
    [
        (lambda p: setattr(p.business_case.goals[0], "objective", " "), "objectives"),
        (lambda p: setattr(p.business_case.goals[0], "strategy_link", None), "strategy"),
        (lambda p: setattr(p.business_case.goals[0].metric, "verification", None), "metrics"),
        (lambda p: setattr(p.business_case.goals[0].metric, "reporting", None), "reporting"),
        (lambda p: setattr(p.design.roles[0], "profile", None), "role_profiles"),
        (lambda p: setattr(p.design.competencies[0], "assessment", ""), "assessments"),
        (lambda p: setattr(p.design.trainings[0], "audience", "mentees"), "mentor_training"),
        (lambda p: setattr(p.design, "max_pairs", None), "scale"),
    ],
)
def test_pitch_incomplete_names_the_item(change, key):
    program = _clean()
    change(program)
    assert found(program, "pitch-incomplete") == [("pitch-incomplete", key)]
    assert [i.key for i in rules.pitch_checklist(program) if not i.covered] == [key]


def test_pitch_checklist_covered_from_data():
    program = _clean()
    items = rules.pitch_checklist(program)
    assert [i.key for i in items] == [
        "objectives",
        "strategy",
        "metrics",
        "reporting",
        "role_profiles",
        "assessments",
        "mentor_training",
        "scale",
    ]
    assert all(i.covered for i in items)
    # a training for all counts as mentor training; a scaling plan counts as scale
    program.design.trainings[0].audience = "all"
    program.design.max_pairs = None
    program.design.scaling_plan = "Plants in 2028"
    assert all(i.covered for i in rules.pitch_checklist(program))
    assert found(program, "pitch-incomplete") == []


def test_pitch_strategy_needs_every_goal_linked():
    program = _clean()
    second = m.Goal("Keep staff", performance_change="x", behavior_change="y")
    program.business_case.goals.append(second)
    strategy = next(i for i in rules.pitch_checklist(program) if i.key == "strategy")
    assert not strategy.covered and "Keep staff" in strategy.detail


def test_not_in_room_leadership_development():
    program = _clean()
    program.stakeholders[1].in_room = False  # peer of influence 4
    program.stakeholders[2].in_room = None  # every leader must be there
    program.stakeholders.append(m.Stakeholder("Low Peer", "peer", influence=3, in_room=False))
    program.stakeholders.append(m.Stakeholder("Coach", "adviser", influence=5, in_room=False))
    assert found(program, "not-in-room") == [
        ("not-in-room", "Mei Peer"),
        ("not-in-room", "Lee Leader"),
    ]
    assert [s.name for s in rules.must_be_in_room(program)] == [
        "Rob Boss",
        "Mei Peer",
        "Lee Leader",
    ]
    assert found(_clean(), "not-in-room") == []


def test_must_be_in_room_functional_focus_names_departments_in_any_case():
    program = _clean()
    program.focus = "MANUFACTURING and Logistics quality"
    program.stakeholders += [
        m.Stakeholder("Lo Gist", "peer", department="logistics", influence=1),
        m.Stakeholder("Fin Ance", "peer", department="Finance", influence=5),
        m.Stakeholder("Man Coach", "adviser", department="Manufacturing"),
    ]
    assert [s.name for s in rules.must_be_in_room(program)] == ["Mei Peer", "Lo Gist"]
    assert found(program, "not-in-room") == [("not-in-room", "Lo Gist")]
    finding = only(program, "not-in-room")
    assert "logistics" in finding.message


def test_must_be_in_room_needs_a_focus_and_whole_words():
    program = _clean()
    program.focus = None
    assert rules.must_be_in_room(program) == []
    program.focus = "ITIL rollout"  # "IT" is not named as a word
    assert rules.must_be_in_room(program) == []
    program.focus = "IT service management"
    assert [s.name for s in rules.must_be_in_room(program)] == ["Lee Leader"]


def test_a_new_focus_is_one_table_entry(monkeypatch):
    program = _clean()
    program.focus = "Succession planning"
    program.stakeholders[0].in_room = False
    assert found(program, "not-in-room") == []
    entry = rules.RoomRule(roles=("boss",))
    monkeypatch.setitem(rules.ROOM_BY_FOCUS, "succession planning", entry)
    assert found(program, "not-in-room") == [("not-in-room", "Rob Boss")]


# --------------------------------------------------------------------------- leaders


@pytest.mark.parametrize(
    ("field", "value", "words"),
    [
        ("emotional_buy_in", False, "emotional"),
        ("intellectual_buy_in", None, "intellectual"),
    ],
)
def test_leader_buy_in(field, value, words):
    program = _clean()
    setattr(program.stakeholders[2], field, value)
    finding = only(program, "leader-buy-in")
    assert finding.subject == "Lee Leader" and f"lacks {words} buy-in" in finding.message
    assert finding.target.field == field
    assert found(_clean(), "leader-buy-in") == []


def test_benefit_level_fires_for_a_missing_level():
    program = _clean()
    program.benefits = [b for b in program.benefits if b.level != "staff"]
    assert found(program, "benefit-level") == [("benefit-level", "staff")]


def test_benefit_level_fires_for_a_leader_without_a_personal_benefit():
    program = _clean()
    program.stakeholders.append(
        m.Stakeholder("Ada New", "leader", intellectual_buy_in=True, emotional_buy_in=True)
    )
    assert found(program, "benefit-level") == [("benefit-level", "Ada New")]
    program.benefits[1].stakeholder = "Someone Else"
    assert found(program, "benefit-level") == [
        ("benefit-level", "Lee Leader"),
        ("benefit-level", "Ada New"),
    ]


def test_benefit_level_silent_and_names_compared_without_case():
    program = _clean()
    program.benefits[1].stakeholder = " lee leader "
    assert found(program, "benefit-level") == []


def test_adviser_unconfirmed():
    program = _clean()
    program.adviser_review = m.AdviserReview(adviser="Grace Osei", confirmed=False)
    assert found(program, "adviser-unconfirmed") == [("adviser-unconfirmed", "Grace Osei")]
    program.adviser_review.confirmed = True
    assert found(program, "adviser-unconfirmed") == []
    program.adviser_review = None
    assert found(program, "adviser-unconfirmed") == []


# --------------------------------------------------------------------------- design


def test_design_start_late_when_started_late():
    program = _clean()
    program.design.design_started_on = date(2027, 1, 18)  # 8 days after 1-10
    program.design.design_completed_on = date(2027, 1, 19)
    assert found(program, "design-start-late") == [("design-start-late", None)]
    program.design.design_started_on = date(2027, 1, 17)  # 7 days: in time
    assert found(program, "design-start-late") == []


def test_design_start_late_when_not_started():
    program = _clean()
    program.design.design_started_on = None
    program.design.design_completed_on = None
    assert found(program, "design-start-late", today=date(2027, 1, 18)) == [
        ("design-start-late", None)
    ]
    assert found(program, "design-start-late", today=date(2027, 1, 17)) == []


def test_design_start_late_is_for_small_organizations_only():
    program = _clean()
    program.org_size = "large"
    program.design.design_started_on = date(2027, 3, 1)
    assert found(program, "design-start-late") == []


def test_design_overdue_when_completed_late():
    program = _clean()
    program.design.design_completed_on = date(2027, 2, 12)  # 31 days after 1-12
    assert found(program, "design-overdue") == [("design-overdue", None)]
    program.design.design_completed_on = date(2027, 2, 11)  # 30 days
    assert found(program, "design-overdue") == []


def test_design_overdue_before_completion():
    program = _clean()
    program.design.design_completed_on = None
    assert found(program, "design-overdue", today=date(2027, 2, 12)) == [("design-overdue", None)]
    assert found(program, "design-overdue", today=date(2027, 2, 11)) == []


def _large(program: m.Program) -> m.Program:
    """The clean program as a large organization that meets the large-org rules."""
    program.org_size = "large"
    program.design.procedures = [m.Procedure("Pairing")]
    program.design.communications = [
        m.Communication("Coming soon", "preliminary announcement", date=date(2027, 1, 12), id=61),
        m.Communication("Launch memo", "formal"),
    ]
    return program


def test_large_clean_program_has_no_findings():
    assert found(_large(_clean())) == []


def test_announcement_missing():
    program = _large(_clean())
    program.design.communications[0].date = date(2027, 1, 13)  # after the start
    finding = only(program, "announcement-missing")
    assert finding.target.item_id == 61 and finding.target.field == "date"
    program.design.communications = program.design.communications[1:]
    assert found(program, "announcement-missing") == [("announcement-missing", None)]
    small = _clean()
    assert found(small, "announcement-missing") == []


def test_announcement_missing_before_the_design_has_a_start_date():
    program = _large(_clean())
    program.design.design_started_on = None
    program.design.communications[0].date = None
    assert found(program, "announcement-missing") == []
    program.design.communications = program.design.communications[1:]
    assert found(program, "announcement-missing") == [("announcement-missing", None)]


def test_roles_missing():
    program = _clean()
    program.design.roles = [m.Role("Mentor")]
    assert ("roles-missing", "role profile") in found(program, "roles-missing")
    large = _large(_clean())
    large.design.procedures = []
    assert found(large, "roles-missing") == [("roles-missing", "procedure")]
    large = _large(_clean())
    large.design.communications[1].kind = "update"
    assert found(large, "roles-missing") == [("roles-missing", "formal communication")]
    assert found(_clean(), "roles-missing") == []


def test_mentor_appraises_mentee():
    program = _clean()
    program.participants[1].manager = "mo mentor"
    finding = only(program, "mentor-appraises-mentee")
    assert finding.subject == "Mo Mentor & Ann Mentee"
    assert finding.target.collection == "pairs" and finding.target.item_id == 51
    program.pairs[0].status = "closed"
    assert found(program, "mentor-appraises-mentee") == []
    assert found(_clean(), "mentor-appraises-mentee") == []


def test_mentor_appraises_mentee_when_the_program_manager_mentors_a_direct_report():
    program = _clean()
    program.participants.append(m.Participant("Dana Whitfield", "mentor"))
    program.participants[1].reports_to_manager = True
    program.pairs[0].mentor = "Dana Whitfield"
    assert found(program, "mentor-appraises-mentee") == [
        ("mentor-appraises-mentee", "Dana Whitfield & Ann Mentee")
    ]


def test_capacity_exceeded_pairs_and_per_mentor():
    program = _clean()
    for name in ("Bo", "Cy"):
        program.participants.append(m.Participant(name, "mentee"))
        program.pairs.append(m.Pair("Mo Mentor", name, status="proposed"))
        program.development_goals.append(m.DevelopmentGoal(name, "g", practices="p", behaviors="b"))
    program.design.max_pairs = 2
    assert found(program, "capacity-exceeded") == [
        ("capacity-exceeded", None),
        ("capacity-exceeded", "Mo Mentor"),
    ]
    program.pairs[-1].status = "closed"
    assert found(program, "capacity-exceeded") == []


def test_goal_360_missing():
    program = _clean()
    program.development_goals = []
    assert found(program, "goal-360-missing") == [("goal-360-missing", "Ann Mentee")]
    program.development_goals = [m.DevelopmentGoal("Ann Mentee", "g", practices="p")]
    finding = only(program, "goal-360-missing")
    assert "behaviours" in finding.message
    program.pairs = []  # an unpaired mentee is not asked yet
    assert found(program, "goal-360-missing") == []
    assert found(_clean(), "goal-360-missing") == []


# --------------------------------------------------------------------------- launch


def test_metric_stale_after_last_measurement():
    program = _clean()
    last = program.measurements[-1].date  # 2027-07-01
    assert found(program, "metric-stale", today=last + timedelta(days=92)) == []
    assert found(program, "metric-stale", today=last + timedelta(days=93)) == [
        ("metric-stale", "Downtime")
    ]


def test_metric_stale_never_measured_counts_from_launch():
    program = _clean()
    program.measurements = []
    assert found(program, "metric-stale", today=LAUNCH + timedelta(days=92)) == []
    finding = only(program, "metric-stale", today=LAUNCH + timedelta(days=93))
    assert "since the launch" in finding.message


def test_metric_stale_ignores_future_measurements_and_unlaunched_programs():
    program = _clean()
    today = date(2027, 10, 15)  # 106 days after the last real measurement
    program.measurements.append(m.Measurement("Downtime", date(2027, 12, 1), 25))
    assert found(program, "metric-stale", today=today) == [("metric-stale", "Downtime")]
    program.design.launch_on = None
    assert found(program, "metric-stale", today=today) == []


def test_metric_off_track():
    program = _clean()
    program.measurements[1].value = 39  # 38 -> 39: rising while the target is lower
    finding = only(program, "metric-off-track")
    assert finding.subject == "Downtime"
    assert "target 20 hours" in finding.message and "2027-12-31" in finding.message
    assert found(_clean(), "metric-off-track") == []


def test_metric_off_track_needs_two_measurements_and_a_launch():
    program = _clean()
    program.measurements = [m.Measurement("Downtime", date(2027, 4, 1), 45)]
    assert found(program, "metric-off-track") == []
    program = _clean()
    program.measurements[1].value = 39
    program.design.launch_on = date(2027, 8, 1)
    assert found(program, "metric-off-track") == []


def test_survey_due_without_any_survey():
    program = _clean()
    program.surveys = []
    assert found(program, "survey-due", today=LAUNCH + timedelta(days=183)) == []
    finding = only(program, "survey-due", today=LAUNCH + timedelta(days=184))
    assert "2027-08-31" in finding.message  # when it was due


def test_survey_due_after_the_last_survey():
    program = _clean()
    last = program.surveys[0].date
    assert found(program, "survey-due", today=last + timedelta(days=183)) == []
    assert found(program, "survey-due", today=last + timedelta(days=184)) == [("survey-due", None)]


def test_survey_due_for_a_past_gap():
    program = _clean()
    program.surveys = [
        m.Survey(LAUNCH + timedelta(days=10), "all"),
        m.Survey(LAUNCH + timedelta(days=10 + 184), "all"),
    ]
    today = LAUNCH + timedelta(days=200)
    finding = only(program, "survey-due", today=today)
    assert "184 days" in finding.message
    program.surveys[1].date = LAUNCH + timedelta(days=10 + 183)
    assert found(program, "survey-due", today=today) == []


def test_survey_due_not_before_launch():
    program = _clean()
    program.surveys = []
    program.design.launch_on = None
    assert found(program, "survey-due", today=date(2030, 1, 1)) == []


def test_pair_stalled():
    program = _clean()
    met = program.pairs[0].last_met_on
    assert found(program, "pair-stalled", today=met + timedelta(days=90)) == []
    assert found(program, "pair-stalled", today=met + timedelta(days=91)) == [
        ("pair-stalled", "Mo Mentor & Ann Mentee")
    ]
    program.pairs[0].status = "paused"
    assert found(program, "pair-stalled", today=met + timedelta(days=91)) == []


def test_idea_not_cascaded():
    program = _clean()
    idea = program.ideas[0]
    idea.cascaded_on = None
    assert found(program, "idea-not-cascaded", today=idea.found_on + timedelta(days=30)) == []
    assert found(program, "idea-not-cascaded", today=idea.found_on + timedelta(days=31)) == [
        ("idea-not-cascaded", "Shadow a meeting")
    ]
    idea.cascaded_on = TODAY + timedelta(days=1)  # planned, not done as of today
    assert found(program, "idea-not-cascaded") == [("idea-not-cascaded", "Shadow a meeting")]
    idea.cascaded_on = TODAY
    assert found(program, "idea-not-cascaded") == []


def test_messages_name_the_subject_and_say_what_to_do():
    program = m.Program("Empty", "Org", "small")
    program.stakeholders = [m.Stakeholder("Zoë Λ", "peer")]
    finding = only(program, "peer-views")
    assert "Zoë Λ" in finding.message and ":" in finding.message
    assert finding.severity is Severity.WARNING
