"""The documents' charts, drawn with reportlab.graphics in the accent palette.

Each chart is a ``Chart`` flowable: a ``Drawing`` for the marks and axes, and
user text (cost lines, stakeholder names) laid over it as escaped Paragraphs
so that every script prints in its font, shaped where it needs to be.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from reportlab.graphics import renderPDF
from reportlab.graphics.shapes import Circle, Drawing, Group, Line, PolyLine, Rect, String, Wedge
from reportlab.lib.enums import TA_CENTER, TA_LEFT, TA_RIGHT
from reportlab.lib.styles import ParagraphStyle
from reportlab.platypus import Flowable, Paragraph

from mentor_desk.domain import model as m
from mentor_desk.reports import base
from mentor_desk.reports.base import ACCENT, AMBER, GREEN, INK, MUTED, RULE, SANS, SANS_BOLD

AXIS_FONT = 7.5


@dataclass(slots=True)
class Label:
    """User text over a chart: anchored at (x, y) (the baseline's left, right or centre)."""

    x: float
    y: float
    text: str
    width: float
    align: str = "left"  # left | right | center
    size: float = 7.5
    bold: bool = False


class Chart(Flowable):
    """A drawing plus user-text labels; flows like any other flowable."""

    def __init__(self, drawing: Drawing, labels: Sequence[Label] = ()) -> None:
        super().__init__()
        self.drawing = drawing
        self.labels = list(labels)
        self.width = drawing.width
        self.height = drawing.height

    def wrap(self, avail_width: float, avail_height: float) -> tuple[float, float]:
        return self.width, self.height

    def draw(self) -> None:
        renderPDF.draw(self.drawing, self.canv, 0, 0)
        aligns = {"left": TA_LEFT, "right": TA_RIGHT, "center": TA_CENTER}
        for lab in self.labels:
            text = base.clean(lab.text)
            style = ParagraphStyle(
                "chart",
                fontName=SANS_BOLD if lab.bold else SANS,
                fontSize=lab.size,
                leading=lab.size * 1.2,
                textColor=INK,
                alignment=aligns[lab.align],
                shaping=1 if base.has_arabic(text) else 0,
            )
            p = Paragraph(base.esc(text, lab.bold), style)
            _, h = p.wrap(lab.width, lab.size * 4)
            x = lab.x
            if lab.align == "right":
                x -= lab.width
            elif lab.align == "center":
                x -= lab.width / 2
            p.drawOn(self.canv, x, lab.y - h + lab.size * 1.2 - lab.size * 0.25)


def _nice_ticks(low: float, high: float, count: int = 5) -> list[float]:
    """Round tick values covering [low, high]."""
    if high <= low:
        high = low + 1
    raw = (high - low) / count
    mag = 10 ** math.floor(math.log10(raw))
    step = next(s * mag for s in (1, 2, 2.5, 5, 10) if s * mag >= raw)
    start = math.floor(low / step) * step
    ticks = []
    v = start
    while v <= high + step * 0.5:
        ticks.append(round(v, 10))
        v += step
        if len(ticks) > 20:
            break
    return ticks


def _tick_text(v: float) -> str:
    return f"{v:,.0f}" if abs(v) >= 100 or float(v).is_integer() else f"{v:,.2g}"


# ----- costs ------------------------------------------------------------------


def cost_chart(program: m.Program, width: float, *, max_lines: int = 10) -> Chart | None:
    """Cost lines as horizontal bars (internal and external), beside a pie of the two totals."""
    costs = [c for c in program.business_case.costs if c.amount is not None]
    if not costs:
        return None
    currency = program.currency_code
    costs = sorted(costs, key=lambda c: -float(c.amount))
    bars: list[tuple[str, float, str]] = [
        (c.item, float(c.amount), c.kind) for c in costs[:max_lines]
    ]
    rest = costs[max_lines:]
    if rest:
        bars.append((f"{len(rest)} other lines", sum(float(c.amount) for c in rest), "other"))
    colour = {"internal": ACCENT, "external": AMBER, "other": MUTED}
    row_h = 16
    top_pad, bottom_pad = 14, 24
    pie_w = min(150.0, width * 0.3)
    bars_w = width - pie_w - 10
    label_w = bars_w * 0.38
    plot_x = label_w + 6
    plot_w = bars_w - plot_x - 52
    height = max(top_pad + bottom_pad + row_h * len(bars), 150)
    d = Drawing(width, height, initialFontName=SANS)
    labels: list[Label] = []
    high = max(max(b[1] for b in bars), 0) or 1
    ticks = _nice_ticks(0, high, 4)
    scale = plot_w / ticks[-1]
    y_top = height - top_pad
    for t in ticks:
        x = plot_x + t * scale
        d.add(Line(x, bottom_pad, x, y_top, strokeColor=RULE, strokeWidth=0.3))
        d.add(
            String(
                x,
                bottom_pad - 10,
                _tick_text(t),
                fontName=SANS,
                fontSize=AXIS_FONT,
                fillColor=MUTED,
                textAnchor="middle",
            )
        )
    d.add(
        String(
            plot_x + plot_w / 2,
            2,
            f"amount ({currency})",
            fontName=SANS,
            fontSize=AXIS_FONT,
            fillColor=MUTED,
            textAnchor="middle",
        )
    )
    for i, (item, amount, kind) in enumerate(bars):
        y = y_top - (i + 1) * row_h + 3
        bar_w = max(amount, 0) * scale
        d.add(
            Rect(plot_x, y, bar_w, row_h - 6, fillColor=colour.get(kind, MUTED), strokeColor=None)
        )
        d.add(
            String(
                plot_x + bar_w + 3,
                y + 2,
                base.money(amount, currency),
                fontName=SANS,
                fontSize=AXIS_FONT,
                fillColor=INK,
            )
        )
        labels.append(
            Label(plot_x - 4, y + 2, base.fit(item, label_w - 8, 7.5), label_w - 4, "right")
        )
    # pie: internal vs external totals
    internal = sum(float(c.amount) for c in costs if c.kind == "internal")
    external = sum(float(c.amount) for c in costs if c.kind == "external")
    total = internal + external
    cx, cy, r = bars_w + 10 + pie_w / 2, height / 2 + 12, min(pie_w / 2 - 6, height / 2 - 30)
    if total > 0 and r > 10:
        start = 90.0
        for value, col in ((internal, ACCENT), (external, AMBER)):
            if value <= 0:
                continue
            extent = 360 * value / total
            if extent >= 359.99:
                d.add(Circle(cx, cy, r, fillColor=col, strokeColor=None))
            else:
                d.add(
                    Wedge(
                        cx, cy, r, start, start + extent, fillColor=col, strokeColor=colors_white()
                    )
                )
            start += extent
    legend_y = cy - r - 16
    for i, (name, value, col) in enumerate(
        (("internal", internal, ACCENT), ("external", external, AMBER))
    ):
        y = legend_y - i * 11
        d.add(Rect(bars_w + 14, y, 7, 7, fillColor=col, strokeColor=None))
        pct = f" ({100 * value / total:.0f}%)" if total > 0 and value >= 0 else ""
        d.add(
            String(
                bars_w + 25,
                y,
                f"{name} {base.money(value, currency)}{pct}",
                fontName=SANS,
                fontSize=AXIS_FONT,
                fillColor=INK,
            )
        )
    return Chart(d, labels)


def colors_white():  # noqa: ANN201
    from reportlab.lib import colors

    return colors.white


# ----- stakeholders -------------------------------------------------------------


def stance_map(
    stakeholders: Sequence[m.Stakeholder],
    width: float,
    *,
    per_cell: int = 8,
    max_height: float = 10_000,
) -> Chart:
    """Influence (rows, 5 at the top) against stance (columns): every stakeholder placed and named.

    Stakeholders that share a cell are stacked one under another, so no two
    labels overlap; a cell with more than ``per_cell`` names its count instead
    (fewer when the chart would be taller than ``max_height``: a page).
    """
    stances = list(m.STANCES)
    levels: list[int | None] = [5, 4, 3, 2, 1]
    if any(s.influence is None for s in stakeholders):
        levels.append(None)
    cells: dict[tuple[int | None, str], list[m.Stakeholder]] = {}
    for s in stakeholders:
        stance = s.stance if s.stance in stances else "unknown"
        level = s.influence if s.influence in (1, 2, 3, 4, 5) else None
        if level is None and None not in levels:
            levels.append(None)
        cells.setdefault((level, stance), []).append(s)
    line_h = 10.5
    left, bottom, top = 58.0, 44.0, 8.0
    col_w = (width - left) / len(stances)

    def heights(per_cell: int, least: float = 50.0) -> list[float]:
        out = []
        for level in levels:
            most = max(
                (min(len(cells.get((level, st), [])), per_cell + 1) for st in stances), default=0
            )
            out.append(max(least, most * line_h + 12))
        return out

    # rows as tall as a page allows (down to a name and a count), then fewer names a cell
    least = max(2 * line_h + 12, min(50.0, (max_height - bottom - top) / len(levels)))
    row_heights = heights(per_cell, least)
    while per_cell > 1 and bottom + sum(row_heights) + top > max_height:
        per_cell -= 1
        row_heights = heights(per_cell, least)
    height = bottom + sum(row_heights) + top
    d = Drawing(width, height, initialFontName=SANS)
    labels: list[Label] = []
    role_colour = {"boss": base.RED, "peer": AMBER, "leader": ACCENT, "adviser": GREEN}
    y = height - top
    for level, row_h in zip(levels, row_heights, strict=True):
        y -= row_h
        d.add(Line(left, y, width, y, strokeColor=RULE, strokeWidth=0.4))
        text = "not rated" if level is None else str(level)
        d.add(
            String(
                left - 8,
                y + row_h / 2 - 3,
                text,
                fontName=SANS,
                fontSize=AXIS_FONT + 0.5,
                fillColor=MUTED,
                textAnchor="end",
            )
        )
        for ci, stance in enumerate(stances):
            people = cells.get((level, stance), [])
            x0 = left + ci * col_w
            shown = people if len(people) <= per_cell + 1 else people[:per_cell]
            for k, s in enumerate(shown):
                py = y + row_h - 9 - k * line_h
                d.add(
                    Circle(
                        x0 + 7,
                        py + 2.5,
                        3,
                        fillColor=role_colour.get(s.role, MUTED),
                        strokeColor=None,
                    )
                )
                labels.append(
                    Label(x0 + 12, py, base.fit(s.name, col_w - 18, 7), col_w - 14, "left", 7)
                )
            if len(shown) < len(people):
                py = y + row_h - 9 - len(shown) * line_h
                d.add(
                    String(
                        x0 + 12,
                        py,
                        f"+{len(people) - len(shown)} more (see the table)",
                        fontName=SANS,
                        fontSize=7,
                        fillColor=MUTED,
                    )
                )
    d.add(Line(left, height - top, width, height - top, strokeColor=RULE, strokeWidth=0.4))
    for ci, stance in enumerate(stances + [""]):
        x = left + ci * col_w
        d.add(Line(x, bottom, x, height - top, strokeColor=RULE, strokeWidth=0.4))
        if stance:
            d.add(
                String(
                    x + col_w / 2,
                    bottom - 11,
                    stance,
                    fontName=SANS,
                    fontSize=AXIS_FONT + 0.5,
                    fillColor=INK,
                    textAnchor="middle",
                )
            )
    d.add(
        String(
            left + (width - left) / 2,
            bottom - 25,
            "stance  →  more supportive",
            fontName=SANS_BOLD,
            fontSize=AXIS_FONT,
            fillColor=MUTED,
            textAnchor="middle",
        )
    )
    title = Group(
        String(
            0,
            0,
            "influence",
            fontName=SANS_BOLD,
            fontSize=AXIS_FONT,
            fillColor=MUTED,
            textAnchor="middle",
        )
    )
    title.transform = (0, 1, -1, 0, 10, bottom + (height - top - bottom) / 2)
    d.add(title)
    lx = left
    for role, col in role_colour.items():
        d.add(Circle(lx + 3, 2 + 2.5, 3, fillColor=col, strokeColor=None))
        d.add(String(lx + 9, 2, role, fontName=SANS, fontSize=7, fillColor=MUTED))
        lx += 50
    return Chart(d, labels)


# ----- time series ------------------------------------------------------------


class _TimeAxes:
    """Maps dates and values to a plot area and draws its axes."""

    def __init__(
        self,
        d: Drawing,
        box: tuple[float, float, float, float],
        days: tuple[date, date],
        values: tuple[float, float],
        y_title: str,
        ticks: int = 4,
    ) -> None:
        self.x, self.y, self.w, self.h = box
        self.d0, self.d1 = days
        if self.d1 <= self.d0:
            self.d1 = self.d0 + timedelta(days=30)
        marks = _nice_ticks(*values, ticks)
        self.v0, self.v1 = marks[0], marks[-1]
        for t in marks:
            yy = self.vy(t)
            d.add(Line(self.x, yy, self.x + self.w, yy, strokeColor=RULE, strokeWidth=0.3))
            d.add(
                String(
                    self.x - 4,
                    yy - 2.5,
                    _tick_text(t),
                    fontName=SANS,
                    fontSize=AXIS_FONT,
                    fillColor=MUTED,
                    textAnchor="end",
                )
            )
        d.add(Line(self.x, self.y, self.x + self.w, self.y, strokeColor=MUTED, strokeWidth=0.6))
        span = (self.d1 - self.d0).days
        fmt = "%b %Y" if span > 150 else "%-d %b %Y"
        for k in range(5):
            when = self.d0 + timedelta(days=span * k / 4)
            xx = self.dx(when)
            d.add(Line(xx, self.y, xx, self.y - 3, strokeColor=MUTED, strokeWidth=0.5))
            d.add(
                String(
                    xx,
                    self.y - 12,
                    when.strftime(fmt),
                    fontName=SANS,
                    fontSize=AXIS_FONT,
                    fillColor=MUTED,
                    textAnchor="middle",
                )
            )
        label = String(0, 0, y_title, fontName=SANS, fontSize=AXIS_FONT, fillColor=MUTED)
        label.x, label.y = 0, self.y + self.h + 14
        d.add(label)

    def dx(self, when: date) -> float:
        return self.x + self.w * (when - self.d0).days / (self.d1 - self.d0).days

    def vy(self, value: float) -> float:
        return self.y + self.h * (value - self.v0) / ((self.v1 - self.v0) or 1)


def metric_chart(
    metric: m.Metric,
    measurements: Sequence[m.Measurement],
    projection: float | None,
    width: float,
    *,
    start: date | None = None,
    height: float = 150,
) -> Chart:
    """A metric's measurements over time, against its baseline and target, with the projection."""
    values = [float(x.value) for x in measurements]
    refs = [float(v) for v in (metric.baseline, metric.target, projection) if v is not None]
    low, high = min(values + refs, default=0.0), max(values + refs, default=1.0)
    if high == low:
        low, high = low - 1, high + 1
    dates = [x.date for x in measurements] + [x for x in (metric.due, start) if x]
    d0 = min(dates, default=date(2000, 1, 1))
    d1 = max(dates, default=d0)
    d = Drawing(width, height, initialFontName=SANS)
    ax = _TimeAxes(
        d, (40, 22, width - 130, height - 48), (d0, d1), (low, high), base.clean(metric.unit)
    )
    labels: list[Label] = []
    right = ax.x + ax.w
    label_ys: list[float] = []
    for value, name, col, dash in (
        (metric.baseline, "baseline", MUTED, (3, 2)),
        (metric.target, "target", GREEN, (5, 2)),
    ):
        if value is None:
            continue
        yy = ax.vy(float(value))
        d.add(Line(ax.x, yy, right, yy, strokeColor=col, strokeWidth=1, strokeDashArray=dash))
        if any(abs(yy - other) < 9 for other in label_ys):
            yy += 9  # baseline and target (nearly) equal: the second label goes above
        label_ys.append(yy)
        d.add(
            String(
                right + 4,
                yy - 2.5,
                f"{name} {base.number(value)}",
                fontName=SANS,
                fontSize=AXIS_FONT,
                fillColor=col,
            )
        )
    pts = [(ax.dx(x.date), ax.vy(float(x.value))) for x in measurements]
    if projection is not None and measurements and metric.due:
        px, py = ax.dx(metric.due), ax.vy(projection)
        d.add(
            Line(
                pts[-1][0],
                pts[-1][1],
                px,
                py,
                strokeColor=ACCENT,
                strokeWidth=1,
                strokeDashArray=(1, 2),
            )
        )
        d.add(Circle(px, py, 2.5, fillColor=None, strokeColor=ACCENT, strokeWidth=0.8))
        d.add(
            String(
                right + 4,
                py - 12 if abs(py - ax.vy(float(metric.target or 0))) < 9 else py - 2.5,
                f"projected {base.number(round(projection, 2))}",
                fontName=SANS,
                fontSize=AXIS_FONT,
                fillColor=ACCENT,
            )
        )
    if len(pts) > 1:
        d.add(PolyLine([c for p in pts for c in p], strokeColor=ACCENT, strokeWidth=1.6))
    for x, y in pts:
        d.add(Circle(x, y, 2.4, fillColor=ACCENT, strokeColor=None))
    if not pts:
        d.add(Rect(ax.x + ax.w / 2 - 55, ax.y + ax.h / 2 - 5, 110, 15, fillColor=colors_white(),
                   strokeColor=None))  # fmt: skip
        d.add(
            String(
                ax.x + ax.w / 2,
                ax.y + ax.h / 2,
                "no measurements yet",
                fontName=SANS,
                fontSize=9,
                fillColor=MUTED,
                textAnchor="middle",
            )
        )
    return Chart(d, labels)


def satisfaction_chart(surveys: Sequence[m.Survey], width: float, *, height: float = 150) -> Chart:
    """Satisfaction scores over time, one line per surveyed group."""
    scored = sorted((s for s in surveys if s.satisfaction is not None), key=lambda s: s.date)
    d = Drawing(width, height, initialFontName=SANS)
    if not scored:
        d.add(
            String(
                width / 2,
                height / 2,
                "no satisfaction scores yet",
                fontName=SANS,
                fontSize=9,
                fillColor=MUTED,
                textAnchor="middle",
            )
        )
        return Chart(d)
    values = [float(s.satisfaction) for s in scored]  # type: ignore[arg-type]
    high = max(5.0, max(values))
    d0, d1 = scored[0].date, scored[-1].date
    if d0 == d1:
        d0, d1 = d0 - timedelta(days=90), d1 + timedelta(days=90)
    # scores are on a 1-5 scale: one grid line per point
    ax = _TimeAxes(
        d, (40, 22, width - 130, height - 48), (d0, d1), (0.0, high), "satisfaction (1-5)", 5
    )
    labels: list[Label] = []
    groups: dict[str, list[m.Survey]] = {}
    for s in scored:
        groups.setdefault(s.group, []).append(s)
    palette = base.PALETTE
    for i, (group, items) in enumerate(groups.items()):
        col = palette[i % len(palette)]
        pts = [(ax.dx(s.date), ax.vy(float(s.satisfaction))) for s in items]  # type: ignore[arg-type]
        if len(pts) > 1:
            d.add(PolyLine([c for p in pts for c in p], strokeColor=col, strokeWidth=1.4))
        for x, y in pts:
            d.add(Circle(x, y, 2.4, fillColor=col, strokeColor=None))
        ly = ax.y + ax.h - i * 11
        d.add(Rect(ax.x + ax.w + 8, ly, 7, 7, fillColor=col, strokeColor=None))
        # the group is user text: a label, so that every script prints in its font
        room = width - (ax.x + ax.w + 18)
        labels.append(Label(ax.x + ax.w + 18, ly, base.fit(group, room, AXIS_FONT), room))
    return Chart(d, labels)
