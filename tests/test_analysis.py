"""Derived numbers: cost totals and ROI, metric trends, survey dates, pair health."""

from __future__ import annotations

from datetime import date

import pytest

from mentor_desk.domain import analysis as a
from mentor_desk.domain import model as m


def _program(**kwargs) -> m.Program:
    return m.Program(name="P", organization="O", org_size="small", **kwargs)


def _metric(**kwargs) -> m.Metric:
    fields = {"name": "Downtime", "baseline": 40, "target": 20, "due": date(2027, 12, 31)}
    fields.update(kwargs)
    return m.Metric(**fields)


def _meas(day: date, value: float, metric: str = "Downtime") -> m.Measurement:
    return m.Measurement(metric=metric, date=day, value=value)


def test_constants_match_the_method():
    assert (a.STALLED_DAYS, a.SURVEY_GAP_DAYS, a.STALE_DAYS) == (90, 183, 92)
    assert (a.IDEA_DAYS, a.DESIGN_START_DAYS, a.DESIGN_DAYS) == (30, 7, 30)


def test_cost_totals_by_kind_with_value_and_roi():
    bc = m.BusinessCase(
        goals=[m.Goal("a", value=60000), m.Goal("b", value=45000), m.Goal("c")],
        costs=[
            m.Cost("x", "external", 18000),
            m.Cost("y", "external", 4500),
            m.Cost("z", "internal", 10800),
            m.Cost("w", "internal", 3600.5),
        ],
    )
    totals = a.cost_totals(_program(business_case=bc))
    assert totals.internal == pytest.approx(14400.5)
    assert totals.external == 22500
    assert totals.total == pytest.approx(36900.5)
    assert totals.value == 105000
    assert totals.roi == pytest.approx((105000 - 36900.5) / 36900.5)


def test_cost_totals_without_values_or_costs():
    empty = a.cost_totals(_program())
    assert (empty.internal, empty.external, empty.total, empty.value, empty.roi) == (
        0,
        0,
        0,
        None,
        None,
    )
    no_cost = a.cost_totals(_program(business_case=m.BusinessCase(goals=[m.Goal("a", value=10)])))
    assert no_cost.value == 10 and no_cost.roi is None


def test_northwind_cost_totals(northwind):
    totals = a.cost_totals(northwind)
    assert (totals.internal, totals.external, totals.total, totals.value) == (
        14400,
        22500,
        36900,
        105000,
    )
    assert totals.roi == pytest.approx(68100 / 36900)


def test_measurements_of_sorted_by_date_and_filtered_by_metric():
    program = _program(
        measurements=[
            _meas(date(2027, 6, 30), 33),
            _meas(date(2027, 1, 1), 9, metric="Other"),
            _meas(date(2027, 3, 31), 40),
        ]
    )
    assert [x.value for x in a.measurements_of(program, "Downtime")] == [40, 33]
    assert a.measurements_of(program, "Missing") == []
    grouped = a.measurements_by_metric(program)
    assert [x.value for x in grouped["Downtime"]] == [40, 33]


def test_projection_is_the_least_squares_line_at_the_due_date():
    metric = _metric(due=date(2027, 12, 31))
    two = [_meas(date(2027, 3, 31), 40), _meas(date(2027, 6, 30), 33)]
    # slope -7 per 91 days; 184 days from the last point to the due date
    assert a.metric_projection(metric, two) == pytest.approx(33 - 7 * 184 / 91)
    # three points not on a line: fitted, not the last segment
    d0 = date(2027, 1, 1)
    three = [_meas(d0, 10), _meas(date(2027, 1, 11), 30), _meas(date(2027, 1, 21), 20)]
    # x = 0, 10, 20; y = 10, 30, 20 -> slope 0.5, intercept 15
    assert a.metric_projection(_metric(due=date(2027, 1, 31)), three) == pytest.approx(30.0)


def test_projection_needs_two_dated_points_and_a_due_date():
    assert a.metric_projection(_metric(), []) is None
    assert a.metric_projection(_metric(), [_meas(date(2027, 3, 1), 30)]) is None
    same_day = [_meas(date(2027, 3, 1), 30), _meas(date(2027, 3, 1), 35)]
    assert a.metric_projection(_metric(), same_day) is None
    two = [_meas(date(2027, 3, 31), 40), _meas(date(2027, 6, 30), 33)]
    assert a.metric_projection(_metric(due=None), two) is None


def test_on_track_lower_is_better():
    metric = _metric(baseline=42, target=25)
    falling_fast = [_meas(date(2027, 3, 31), 40), _meas(date(2027, 6, 30), 33)]
    falling_slowly = [_meas(date(2027, 3, 31), 41), _meas(date(2027, 6, 30), 40)]
    assert a.metric_on_track(metric, falling_fast) is True
    assert a.metric_on_track(metric, falling_slowly) is False


def test_on_track_higher_is_better_and_unknown_cases():
    metric = _metric(baseline=50, target=80)
    rising = [_meas(date(2027, 1, 1), 55), _meas(date(2027, 4, 1), 65)]
    flat = [_meas(date(2027, 1, 1), 55), _meas(date(2027, 4, 1), 55)]
    assert a.metric_on_track(metric, rising) is True
    assert a.metric_on_track(metric, flat) is False
    assert a.metric_on_track(_metric(target=None), rising) is None
    assert a.metric_on_track(metric, rising[:1]) is None
    # no baseline: the first measurement tells the direction
    assert a.metric_on_track(_metric(baseline=None, target=80), rising) is True
    assert a.metric_on_track(_metric(baseline=80, target=80), rising) is None


def test_add_months_clamps_to_month_end():
    assert a.add_months(date(2027, 3, 1), 12) == date(2028, 3, 1)
    assert a.add_months(date(2027, 1, 31), 1) == date(2027, 2, 28)
    assert a.add_months(date(2027, 11, 15), 3) == date(2028, 2, 15)


def test_next_survey_due_from_last_survey_else_launch():
    launch = date(2027, 3, 1)
    program = _program(design=m.Design(launch_on=launch))
    assert a.next_survey_due(program, date(2027, 4, 1)) == date(2027, 8, 31)  # launch + 183
    program.surveys = [m.Survey(date(2027, 6, 15), "all"), m.Survey(date(2027, 5, 1), "mentors")]
    assert a.next_survey_due(program, date(2027, 7, 15)) == date(2027, 12, 15)
    # a survey dated after today has not happened yet as of today
    assert a.next_survey_due(program, date(2027, 5, 20)) == date(2027, 10, 31)
    assert a.next_survey_due(_program(), date(2027, 5, 20)) is None


def test_survey_dates_every_183_days_to_the_cycle_end():
    program = _program(design=m.Design(launch_on=date(2027, 3, 1), cycle_months=12))
    # the cycle ends 2028-03-01, exactly 183 days after the first due date
    assert a.survey_dates(program) == [date(2027, 8, 31), date(2028, 3, 1)]
    program.design.cycle_months = 24
    assert a.survey_dates(program) == [date(2027, 8, 31), date(2028, 3, 1), date(2028, 8, 31)]
    program.surveys = [m.Survey(date(2027, 6, 15), "all")]
    program.design.cycle_months = 12
    assert a.survey_dates(program) == [date(2027, 12, 15)]
    program.design.cycle_months = None
    assert a.survey_dates(program) == [date(2027, 12, 15)]
    assert a.survey_dates(_program()) == []


def test_pair_health():
    today = date(2027, 7, 15)
    active = m.Pair(
        "A", "B", started_on=date(2027, 3, 1), status="active", last_met_on=date(2027, 6, 20)
    )
    assert a.pair_health(active, today) == "active"
    assert a.pair_health(active, date(2027, 9, 18)) == "active"  # exactly 90 days
    assert a.pair_health(active, date(2027, 9, 19)) == "stalled"  # 91 days
    never_met = m.Pair("A", "B", started_on=date(2027, 3, 1))
    assert a.pair_health(never_met, today) == "stalled"  # status None counts as active
    assert a.pair_health(m.Pair("A", "B"), today) == "active"
    paused = m.Pair("A", "B", started_on=date(2027, 1, 1), status="paused")
    assert a.pair_health(paused, today) == "paused"
    assert a.pair_health(m.Pair("A", "B", status="proposed"), today) == "proposed"
    ended = m.Pair("A", "B", started_on=date(2027, 1, 1), ended_on=date(2027, 7, 15))
    assert a.pair_health(ended, today) == "closed"
    assert a.pair_health(ended, date(2027, 4, 1)) == "active"
    future = m.Pair("A", "B", started_on=date(2028, 1, 1), status="active")
    assert a.pair_health(future, today) == "active"
