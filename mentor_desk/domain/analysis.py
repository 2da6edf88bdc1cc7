"""Numbers derived from a program: cost totals, metric trends, survey dates, pair health.

Pure functions of the program (and ``today`` where time matters); the rules,
the window's dashboard, the documents and the calendar all use these, so a
date or a total is computed in one place only.
"""

from __future__ import annotations

import calendar
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta

from mentor_desk.domain.model import Measurement, Metric, Number, Pair, Program

# The method's time limits, in days.
STALLED_DAYS = 90  # an active pair that has not met for longer is stalled
SURVEY_GAP_DAYS = 183  # satisfaction is surveyed at least twice a year
STALE_DAYS = 92  # every metric is measured at least once a quarter
IDEA_DAYS = 30  # an effective idea is cascaded within a month
DESIGN_START_DAYS = 7  # small org: design starts within a week of enrolling the leaders
DESIGN_DAYS = 30  # the initial design is complete in under a month


@dataclass(frozen=True, slots=True)
class CostTotals:
    """The program's costs by kind, the goals' total value, and the ROI.

    ``value`` is the sum of the goals' values (None when no goal carries one);
    ``roi`` is ``(value - total) / total`` (None without a value or a cost).
    """

    internal: Number
    external: Number
    total: Number
    value: Number | None
    roi: float | None


def cost_totals(program: Program) -> CostTotals:
    """Internal, external and total cost, the goals' value and the return on it."""
    internal: Number = 0
    external: Number = 0
    for cost in program.business_case.costs:
        if cost.kind == "internal":
            internal += cost.amount
        elif cost.kind == "external":
            external += cost.amount
    total = internal + external
    values = [g.value for g in program.business_case.goals if g.value is not None]
    value: Number | None = sum(values) if values else None
    roi = (value - total) / total if value is not None and total else None
    return CostTotals(internal=internal, external=external, total=total, value=value, roi=roi)


def measurements_of(program: Program, metric_name: str) -> list[Measurement]:
    """The measurements of one metric, oldest first."""
    return sorted(
        (m for m in program.measurements if m.metric == metric_name), key=lambda m: m.date
    )


def measurements_by_metric(program: Program) -> dict[str, list[Measurement]]:
    """Every metric's measurements, oldest first, in one pass (for many metrics at once)."""
    by_metric: dict[str, list[Measurement]] = {}
    for m in program.measurements:
        by_metric.setdefault(m.metric, []).append(m)
    for items in by_metric.values():
        items.sort(key=lambda m: m.date)
    return by_metric


def trend_line(measurements: Iterable[Measurement]) -> tuple[float, float] | None:
    """Least-squares line ``value = slope * day + intercept`` (day = date ordinal).

    None with fewer than two measurements or when all are on the same day (no
    trend can be drawn through a single date).
    """
    points = [(m.date.toordinal(), float(m.value)) for m in measurements]
    n = len(points)
    if n < 2:
        return None
    mean_x = sum(x for x, _ in points) / n
    mean_y = sum(y for _, y in points) / n
    sxx = sum((x - mean_x) ** 2 for x, _ in points)
    if sxx == 0:
        return None
    sxy = sum((x - mean_x) * (y - mean_y) for x, y in points)
    slope = sxy / sxx
    return slope, mean_y - slope * mean_x


def metric_projection(metric: Metric, measurements: Iterable[Measurement]) -> float | None:
    """The least-squares trend of the measurements, read at the metric's due date.

    None with fewer than two measurements (on different days) or no due date.
    """
    if metric.due is None:
        return None
    line = trend_line(measurements)
    if line is None:
        return None
    slope, intercept = line
    return slope * metric.due.toordinal() + intercept


def metric_direction(metric: Metric, measurements: Iterable[Measurement] = ()) -> int | None:
    """+1 when the target is above the starting point (higher is better), -1 when below.

    The starting point is the baseline, else the first measurement. None
    without a target, or when the target equals the starting point.
    """
    if metric.target is None:
        return None
    start = metric.baseline
    if start is None:
        first = min(measurements, key=lambda m: m.date, default=None)
        start = first.value if first is not None else None
    if start is None or start == metric.target:
        return None
    return 1 if metric.target > start else -1


def metric_on_track(metric: Metric, measurements: Iterable[Measurement]) -> bool | None:
    """Whether the trend reaches the target by the due date (None: cannot tell).

    Cannot tell without a target, a due date, two measurements on different
    days, or a direction (baseline, else first measurement, equal to the target).
    """
    items = list(measurements)
    projection = metric_projection(metric, items)
    direction = metric_direction(metric, items)
    if projection is None or direction is None or metric.target is None:
        return None
    if direction > 0:
        return projection >= metric.target
    return projection <= metric.target


def add_months(day: date, months: int) -> date:
    """The same day ``months`` calendar months later (clamped to the month's end)."""
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def cycle_end(program: Program) -> date | None:
    """The end of the program's cycle: launch + ``cycle_months`` (None if either is missing)."""
    design = program.design
    if design.launch_on is None or design.cycle_months is None:
        return None
    return add_months(design.launch_on, design.cycle_months)


def last_survey_on(program: Program, today: date | None = None) -> date | None:
    """The date of the latest survey (on or before ``today`` when given)."""
    dates = [s.date for s in program.surveys if today is None or s.date <= today]
    return max(dates, default=None)


def next_survey_due(program: Program, today: date) -> date | None:
    """When the next satisfaction survey is due, as of ``today``.

    The last survey held on or before ``today`` + 183 days; with no survey, the
    launch date + 183 days; None with neither.
    """
    start = last_survey_on(program, today) or program.design.launch_on
    return start + timedelta(days=SURVEY_GAP_DAYS) if start is not None else None


def survey_dates(program: Program) -> list[date]:
    """The surveys still to plan: the next due one, then every 183 days to the cycle's end.

    Counted from the latest recorded survey (else the launch). With no cycle
    end known, only the next due one; with no survey and no launch, none.
    """
    start = last_survey_on(program) or program.design.launch_on
    if start is None:
        return []
    step = timedelta(days=SURVEY_GAP_DAYS)
    due = start + step
    dates = [due]
    end = cycle_end(program)
    if end is not None:
        due += step
        while due <= end:
            dates.append(due)
            due += step
    return dates


def pair_last_contact(pair: Pair) -> date | None:
    """When the pair last met, else when it started (None if neither is known)."""
    return pair.last_met_on or pair.started_on


def pair_health(pair: Pair, today: date) -> str:
    """The pair's health: "stalled" for an active pair that has not met for 90 days.

    Otherwise its status: "proposed", "active", "paused" or "closed" (None
    counts as "active"; an active pair whose ``ended_on`` is on or before
    ``today`` is "closed"). A pair with no meeting or start date is never
    stalled.
    """
    status = pair.status or "active"
    if status != "active":
        return status
    if pair.ended_on is not None and pair.ended_on <= today:
        return "closed"
    since = pair_last_contact(pair)
    if since is not None and (today - since).days > STALLED_DAYS:
        return "stalled"
    return status
