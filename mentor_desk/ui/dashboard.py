"""The dashboard of one program: timeline, metric trends, satisfaction, pair health, findings.

Charts are drawn with QPainter (no QtCharts import at start-up). Each chart
also says what it shows in words (its accessible description and tooltip),
so the figures reach a screen reader, and colour is never the only carrier:
every mark has a label.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QPersistentModelIndex,
    QPointF,
    QRectF,
    QSize,
    Qt,
)
from PySide6.QtGui import QColor, QFont, QPainter, QPainterPath, QPalette, QPen
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFrame,
    QGridLayout,
    QGroupBox,
    QHeaderView,
    QLabel,
    QScrollArea,
    QSizePolicy,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from mentor_desk.domain import analysis
from mentor_desk.domain import model as m
from mentor_desk.domain.findings import Severity, step_status
from mentor_desk.ui.display import format_date, format_number, plain_label, plain_tooltip
from mentor_desk.ui.findings_panel import status_icon
from mentor_desk.ui.session import ProgramSession

ACCENT = QColor("#1565c0")
GREEN = QColor("#2e7d32")
AMBER = QColor("#b26a00")
RED = QColor("#c62828")
GREY = QColor("#757575")
HEALTH_ORDER = ("active", "stalled", "paused", "proposed", "closed")
HEALTH_COLOURS = {
    "active": GREEN,
    "stalled": AMBER,
    "paused": GREY,
    "proposed": ACCENT,
    "closed": QColor("#9e9e9e"),
}


def _days(a: dt.date, b: dt.date) -> int:
    return (b - a).days


class Chart(QWidget):
    """A titled chart area; subclasses draw in ``draw(painter, rect)`` and describe it."""

    title = ""

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self.setAccessibleName(self.title)
        self.setFocusPolicy(Qt.FocusPolicy.TabFocus)

    def sizeHint(self) -> QSize:
        return QSize(420, self.fontMetrics().height() * 13)

    def minimumSizeHint(self) -> QSize:
        return QSize(240, self.fontMetrics().height() * 13)

    def describe(self) -> str:
        return ""

    def refresh(self) -> None:
        text = self.describe()
        self.setAccessibleDescription(text)
        self.setToolTip(plain_tooltip(text))
        self.update()

    def text_colour(self) -> QColor:
        return self.palette().color(QPalette.ColorRole.WindowText)

    def paintEvent(self, _event: Any) -> None:
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.fillRect(self.rect(), self.palette().color(QPalette.ColorRole.Base))
        painter.setPen(QPen(self.palette().color(QPalette.ColorRole.Mid), 1))
        painter.drawRect(QRectF(self.rect()).adjusted(0.5, 0.5, -0.5, -0.5))
        fm = self.fontMetrics()
        bold = QFont(self.font())
        bold.setBold(True)
        painter.setFont(bold)
        painter.setPen(self.text_colour())
        painter.drawText(QRectF(8, 4, self.width() - 16, fm.height() + 4), self.title)
        painter.setFont(self.font())
        area = QRectF(8, fm.height() + 12, self.width() - 16, self.height() - fm.height() - 20)
        self.draw(painter, area)
        painter.end()

    def draw(self, painter: QPainter, rect: QRectF) -> None:  # pragma: no cover - abstract
        raise NotImplementedError

    def empty(self, painter: QPainter, rect: QRectF, text: str) -> None:
        painter.setPen(GREY)
        painter.drawText(rect, Qt.AlignmentFlag.AlignCenter | Qt.TextFlag.TextWordWrap, text)


class TimelineChart(Chart):
    """The program's dates on one line, today marked."""

    title = "Timeline"

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.events: list[tuple[str, dt.date | None]] = []
        self.today = dt.date.today()

    def set_program(self, program: m.Program | None, today: dt.date) -> None:
        self.today = today
        self.events = []
        if program is not None:
            d = program.design
            due = (
                d.design_started_on + dt.timedelta(days=analysis.DESIGN_DAYS)
                if d.design_started_on
                else None
            )
            announcements = [
                c.date
                for c in d.communications
                if c.kind == "preliminary announcement" and c.date is not None
            ]
            self.events = [
                ("Leaders enrolled", d.leaders_enrolled_on),
                ("Design start", d.design_started_on),
                ("Design due", due),
                ("Design completed", d.design_completed_on),
                ("Announcement", min(announcements) if announcements else None),
                ("Launch", d.launch_on),
                ("Next survey due", analysis.next_survey_due(program, today)),
            ]
        self.refresh()

    def describe(self) -> str:
        parts = [f"{name}: {format_date(day) if day else 'not set'}" for name, day in self.events]
        return "; ".join(parts + [f"today: {format_date(self.today)}"])

    def sizeHint(self) -> QSize:
        return QSize(800, int((self.fontMetrics().height() + 4) * 11))

    def minimumSizeHint(self) -> QSize:
        return QSize(300, self.sizeHint().height())

    def draw(self, painter: QPainter, rect: QRectF) -> None:
        dated = sorted(((d, n) for n, d in self.events if d is not None), key=lambda e: e[0])
        missing = [n for n, d in self.events if d is None]
        fm = self.fontMetrics()
        if not dated:
            self.empty(painter, rect, "No dates set yet: the Design step holds them.")
            return
        first = min(dated[0][0], self.today)
        last = max(dated[-1][0], self.today)
        span = max(_days(first, last), 1)
        left, right = rect.left() + 60, rect.right() - 60
        y = rect.top() + fm.height() * 2.5

        def x_of(day: dt.date) -> float:
            return left + (right - left) * _days(first, day) / span

        painter.setPen(QPen(self.text_colour(), 2))
        painter.drawLine(QPointF(left, y), QPointF(right, y))
        # today
        tx = x_of(self.today)
        painter.setPen(QPen(RED, 1.5, Qt.PenStyle.DashLine))
        painter.drawLine(QPointF(tx, rect.top() + fm.height()), QPointF(tx, y + 8))
        painter.setPen(RED)
        today_text = f"Today {format_date(self.today)}"
        tl = min(
            max(tx - fm.horizontalAdvance(today_text) / 2, rect.left()),
            rect.right() - fm.horizontalAdvance(today_text),
        )
        painter.drawText(QPointF(tl, rect.top() + fm.ascent()), today_text)
        # each label on the first row below the line where it does not overlap another
        row_ends: list[float] = []
        line_h = fm.height() + 4
        placed: list[tuple[float, float, float, str]] = []  # x, label x, label y, text
        for day, name in dated:
            x = x_of(day)
            label = f"{name}: {format_date(day)}"
            width = fm.horizontalAdvance(label)
            lx = min(max(x - width / 2, rect.left()), rect.right() - width)
            row = next((i for i, end in enumerate(row_ends) if end + 12 < lx), len(row_ends))
            if row == len(row_ends):
                row_ends.append(0.0)
            row_ends[row] = lx + width
            placed.append((x, lx, y + 12 + row * line_h, label))
        painter.setPen(QPen(GREY, 1))
        for x, _lx, ly, _label in placed:
            painter.drawLine(QPointF(x, y + 6), QPointF(x, ly + 2))
        base = self.palette().color(QPalette.ColorRole.Base)
        for (x, lx, ly, label), (day, _name) in zip(placed, dated, strict=True):
            painter.fillRect(
                QRectF(lx - 3, ly + 1, fm.horizontalAdvance(label) + 6, line_h - 2), base
            )
            painter.setPen(self.text_colour())
            painter.drawText(QPointF(lx, ly + fm.ascent() + 2), label)
            painter.setPen(Qt.PenStyle.NoPen)
            painter.setBrush(GREEN if day <= self.today else ACCENT)
            painter.drawEllipse(QPointF(x, y), 5, 5)
        if missing:
            painter.setPen(GREY)
            painter.drawText(
                QRectF(rect.left(), rect.bottom() - fm.height(), rect.width(), fm.height()),
                Qt.AlignmentFlag.AlignLeft,
                "Not set yet: " + ", ".join(missing),
            )


class LineChart(Chart):
    """Values over time with optional reference lines (baseline, target) and a due date."""

    def __init__(self, title: str, parent: QWidget | None = None):
        self.title = title
        super().__init__(parent)
        self.points: list[tuple[dt.date, float]] = []
        self.references: list[tuple[str, float, QColor]] = []
        self.due: dt.date | None = None
        self.unit = ""
        self.y_range: tuple[float, float] | None = None
        self.empty_text = "No measurements yet."
        self.projection: float | None = None

    def describe(self) -> str:
        parts = [f"{format_date(d)}: {format_number(v)}" for d, v in self.points]
        refs = [f"{name} {format_number(v)}" for name, v, _ in self.references]
        text = f"{self.title}. " + ("; ".join(parts) if parts else self.empty_text)
        if refs:
            text += ". " + ", ".join(refs)
        if self.due:
            text += f", due {format_date(self.due)}"
        if self.projection is not None:
            text += f", projected {format_number(round(self.projection, 2))} at the due date"
        return text

    def draw(self, painter: QPainter, rect: QRectF) -> None:
        fm = self.fontMetrics()
        if not self.points:
            ref_text = ", ".join(f"{n} {format_number(v)}" for n, v, _ in self.references)
            self.empty(painter, rect, self.empty_text + (f"\n{ref_text}" if ref_text else ""))
            return
        days = [d for d, _ in self.points] + ([self.due] if self.due else [])
        first, last = min(days), max(days)
        if first == last:  # one point: centre it in a two-month window
            first, last = first - dt.timedelta(days=30), last + dt.timedelta(days=30)
        span = max(_days(first, last), 1)
        values = [v for _, v in self.points] + [v for _, v, _ in self.references]
        if self.projection is not None:
            values.append(self.projection)
        low, high = self.y_range or (min(values), max(values))
        if high == low:
            high, low = high + 1, low - 1
        pad = (high - low) * 0.08
        low, high = low - pad, high + pad
        label_w = max(fm.horizontalAdvance(format_number(round(v, 1))) for v in (low, high)) + 8
        plot = QRectF(
            rect.left() + label_w,
            rect.top() + 4,
            rect.width() - label_w - 8,
            rect.height() - fm.height() - 10,
        )

        def pt(day: dt.date, value: float) -> QPointF:
            x = plot.left() + plot.width() * _days(first, day) / span
            y = plot.bottom() - plot.height() * (value - low) / (high - low)
            return QPointF(x, y)

        # axes with labels
        painter.setPen(QPen(GREY, 1))
        painter.drawLine(plot.bottomLeft(), plot.bottomRight())
        painter.drawLine(plot.bottomLeft(), plot.topLeft())
        painter.setPen(self.text_colour())
        for value in (low + pad, high - pad):
            y = pt(first, value).y()
            painter.drawText(
                QRectF(rect.left(), y - fm.height() / 2, label_w - 4, fm.height()),
                Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter,
                format_number(round(value, 1)),
            )
        painter.drawText(QPointF(plot.left(), plot.bottom() + fm.height() + 2), format_date(first))
        end_text = format_date(last) + (f" ({self.unit})" if self.unit else "")
        painter.drawText(
            QPointF(plot.right() - fm.horizontalAdvance(end_text), plot.bottom() + fm.height() + 2),
            end_text,
        )
        # reference lines
        for name, value, colour in self.references:
            y = pt(first, value).y()
            painter.setPen(QPen(colour, 1.2, Qt.PenStyle.DashLine))
            painter.drawLine(QPointF(plot.left(), y), QPointF(plot.right(), y))
            painter.setPen(colour)
            text = f"{name} {format_number(value)}"
            painter.drawText(QPointF(plot.right() - fm.horizontalAdvance(text) - 2, y - 3), text)
        if self.due:
            x = pt(self.due, low).x()
            painter.setPen(QPen(GREY, 1, Qt.PenStyle.DotLine))
            painter.drawLine(QPointF(x, plot.top()), QPointF(x, plot.bottom()))
        # the values
        path = QPainterPath()
        for i, (day, value) in enumerate(self.points):
            p = pt(day, value)
            if i == 0:
                path.moveTo(p)
            else:
                path.lineTo(p)
        painter.setPen(QPen(ACCENT, 2))
        painter.setBrush(Qt.BrushStyle.NoBrush)
        painter.drawPath(path)
        painter.setBrush(ACCENT)
        for day, value in self.points:
            painter.drawEllipse(pt(day, value), 3.5, 3.5)
        if self.projection is not None and self.due:
            painter.setPen(QPen(ACCENT, 1.2, Qt.PenStyle.DotLine))
            painter.drawLine(pt(*self.points[-1]), pt(self.due, self.projection))


class PairHealthChart(Chart):
    """How many pairs are active, stalled, paused, proposed, closed."""

    title = "Pair health"

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.counts: dict[str, int] = {}

    def set_program(self, program: m.Program | None, today: dt.date) -> None:
        self.counts = {key: 0 for key in HEALTH_ORDER}
        if program is not None:
            for pair in program.pairs:
                health = analysis.pair_health(pair, today)
                self.counts[health] = self.counts.get(health, 0) + 1
        self.refresh()

    def describe(self) -> str:
        return ", ".join(f"{key}: {count}" for key, count in self.counts.items())

    def draw(self, painter: QPainter, rect: QRectF) -> None:
        fm = self.fontMetrics()
        total = sum(self.counts.values())
        if not total:
            self.empty(painter, rect, "No pairs yet.")
            return
        label_w = max(fm.horizontalAdvance(k) for k in self.counts) + 12
        top = rect.top()
        bar_h = min(fm.height() + 6, rect.height() / max(len(self.counts), 1) - 4)
        biggest = max(self.counts.values()) or 1
        width = rect.width() - label_w - fm.horizontalAdvance("0000") - 8
        for key, count in self.counts.items():
            painter.setPen(self.text_colour())
            painter.drawText(
                QRectF(rect.left(), top, label_w - 6, bar_h),
                Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter,
                key,
            )
            w = width * count / biggest
            painter.setPen(Qt.PenStyle.NoPen)
            painter.setBrush(HEALTH_COLOURS.get(key, GREY))
            painter.drawRect(QRectF(rect.left() + label_w, top + 2, max(w, 1), bar_h - 4))
            painter.setPen(self.text_colour())
            painter.drawText(
                QRectF(rect.left() + label_w + w + 4, top, 60, bar_h),
                Qt.AlignmentFlag.AlignVCenter,
                str(count),
            )
            top += bar_h + 4


class StepFindingsModel(QAbstractTableModel):
    """Per step: its status, errors and warnings."""

    HEADERS = ("Step", "Status", "Errors", "Warnings")

    def __init__(self, session: ProgramSession, parent: Any = None):
        super().__init__(parent)
        self.session = session
        session.findingsChanged.connect(self.refresh)

    # (the findings counted, their counts per step): the header sizes its columns
    # to their contents by asking every cell, even while the dashboard is hidden
    _counted: tuple[Any, dict[m.Step, tuple[bool, int, int]]] = (None, {})

    def refresh(self) -> None:
        if list(m.Step):
            self.dataChanged.emit(self.index(0, 0), self.index(len(m.Step) - 1, 3))

    def _counts(self, step: m.Step) -> tuple[bool, int, int]:
        """Whether the step is done, its errors and its warnings (counted once per run)."""
        findings = self.session.findings
        if self._counted[0] is not findings:
            counts = {}
            for each in m.Step:
                of_step = self.session.findings_for(each)
                errors = sum(1 for f in of_step if f.severity is Severity.ERROR)
                done = step_status(of_step)[each].value == "done"
                counts[each] = (done, errors, len(of_step) - errors)
            self._counted = (findings, counts)
        return self._counted[1][step]

    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(m.Step)

    def columnCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else 4

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if (
            orientation == Qt.Orientation.Horizontal
            and role == Qt.ItemDataRole.DisplayRole
            and 0 <= section < 4
        ):
            return self.HEADERS[section]
        return None

    def data(
        self, index: QModelIndex | QPersistentModelIndex, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if not index.isValid():
            return None
        step = list(m.Step)[index.row()]
        done, errors, warnings = self._counts(step)
        column = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            if column == 0:
                return f"{step.number}. {step.title}"
            if column == 1:
                if self.session.program is None:
                    return ""
                return "Done" if done else "Open"
            return str(errors if column == 2 else warnings)
        if role == Qt.ItemDataRole.DecorationRole and column == 1 and self.session.program:
            if errors:
                return status_icon("error")
            return status_icon("warning" if warnings else "done")
        if role == Qt.ItemDataRole.TextAlignmentRole and column >= 2:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None


class Dashboard(QWidget):
    """Everything at a glance for the shown program; follows the session."""

    def __init__(self, session: ProgramSession, parent: QWidget | None = None):
        super().__init__(parent)
        self.session = session
        outer = QVBoxLayout(self)
        outer.setContentsMargins(8, 8, 8, 8)
        title = QLabel("Dashboard", self)
        title.setTextFormat(Qt.TextFormat.PlainText)
        font = title.font()
        font.setPointSizeF(font.pointSizeF() * 1.4)
        font.setBold(True)
        title.setFont(font)
        outer.addWidget(title)
        self.subtitle = plain_label("", self, wrap=True)
        outer.addWidget(self.subtitle)
        scroll = QScrollArea(self)
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        content = QWidget(scroll)
        self.body = QVBoxLayout(content)
        scroll.setWidget(content)
        outer.addWidget(scroll, 1)

        self.timeline = TimelineChart(content)
        self.body.addWidget(self.timeline)

        top = QGridLayout()
        findings_box = QGroupBox("Findings per step", content)
        box_layout = QVBoxLayout(findings_box)
        self.findings_model = StepFindingsModel(session, self)
        self.findings_view = QTableView(findings_box)
        self.findings_view.setModel(self.findings_model)
        self.findings_view.setAccessibleName("Findings per step")
        self.findings_view.setTabKeyNavigation(False)
        self.findings_view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.findings_view.verticalHeader().hide()
        header = self.findings_view.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setStretchLastSection(True)
        rows_h = self.findings_view.verticalHeader().defaultSectionSize() * 6 + 6
        self.findings_view.setFixedHeight(rows_h)
        box_layout.addWidget(self.findings_view)
        self.pair_health = PairHealthChart(content)
        top.addWidget(findings_box, 0, 0)
        top.addWidget(self.pair_health, 0, 1)
        self.body.addLayout(top)

        self.metrics_box = QGroupBox("Metric trends against baseline and target", content)
        self.metrics_grid = QGridLayout(self.metrics_box)
        self.body.addWidget(self.metrics_box)
        self.metric_charts: list[LineChart] = []

        self.satisfaction = LineChart("Satisfaction over time (1–5)", content)
        self.satisfaction.empty_text = "No satisfaction surveys yet."
        self.satisfaction.y_range = (1, 5)
        self.body.addWidget(self.satisfaction)
        self.body.addStretch(1)

        session.programChanged.connect(self.refresh)
        session.findingsChanged.connect(self.refresh)  # after every change and reload
        self.refresh()

    # Redrawing reads the whole program (every pair, every measurement): it is done
    # once the event loop turns, several requests drawing once, and only while the
    # dashboard is shown; hidden, it is redrawn when it is next shown.
    _stale = False  # a redraw is owed to the next show
    _redraw_timer = 0  # the id of the zero-delay timer of a redraw due, or 0

    def refresh(self, *_args: Any) -> None:
        """Bring the dashboard up to date with the session (soon if shown, else when shown)."""
        if not self.isVisible():
            self._stale = True
            return
        if not self._redraw_timer:
            self._redraw_timer = self.startTimer(0)

    @property
    def redraw_pending(self) -> bool:
        """True while a redraw asked for has not been done (hidden, or the timer not run)."""
        return self._stale or bool(self._redraw_timer)

    def timerEvent(self, event: Any) -> None:
        if self._redraw_timer and event.timerId() == self._redraw_timer:
            self.killTimer(self._redraw_timer)
            self._redraw_timer = 0
            self.redraw()
        else:
            super().timerEvent(event)

    def showEvent(self, event: Any) -> None:
        super().showEvent(event)
        if self._stale:  # before the first paint: never shows an outdated program
            self.redraw()

    def redraw(self) -> None:
        """Draw everything from the session now."""
        self._stale = False
        if self._redraw_timer:
            self.killTimer(self._redraw_timer)
            self._redraw_timer = 0
        program = self.session.program
        today = self.session.today()
        self.subtitle.setText(
            f"{program.name} — {program.organization}, as of {format_date(today)}"
            if program
            else ""
        )
        self.timeline.set_program(program, today)
        self.pair_health.set_program(program, today)
        self._metric_charts(program)
        surveys = sorted(
            (s for s in (program.surveys if program else []) if s.satisfaction is not None),
            key=lambda s: s.date,
        )
        self.satisfaction.points = [(s.date, float(s.satisfaction)) for s in surveys]
        self.satisfaction.refresh()
        self.findings_model.refresh()

    def _metric_charts(self, program: m.Program | None) -> None:
        metrics = program.metrics if program else []
        while len(self.metric_charts) > len(metrics):
            chart = self.metric_charts.pop()
            self.metrics_grid.removeWidget(chart)
            chart.deleteLater()
        while len(self.metric_charts) < len(metrics):
            chart = LineChart("", self.metrics_box)
            self.metrics_grid.addWidget(
                chart, len(self.metric_charts) // 2, len(self.metric_charts) % 2
            )
            self.metric_charts.append(chart)
        for chart, metric in zip(self.metric_charts, metrics, strict=True):
            measurements = analysis.measurements_of(program, metric.name) if program else []
            chart.title = metric.name
            chart.setAccessibleName(f"Metric {metric.name}")
            chart.unit = metric.unit or ""
            chart.points = [(x.date, float(x.value)) for x in measurements]
            chart.references = []
            if metric.baseline is not None:
                chart.references.append(("baseline", float(metric.baseline), GREY))
            if metric.target is not None:
                chart.references.append(("target", float(metric.target), GREEN))
            chart.due = metric.due
            chart.projection = analysis.metric_projection(metric, measurements)
            chart.refresh()
        self.metrics_box.setVisible(bool(metrics))
