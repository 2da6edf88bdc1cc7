"""The progress report: findings, metric trends, satisfaction, pairs, 360s, ideas.

What the program manager hands the boss twice a year. Everything is as of
``today`` (a parameter, never the clock): the rules' findings grouped by step,
each metric against its baseline and target with the projected value at its
due date, survey scores over time and the next survey due, the pairs and
their health, the 360-degree evaluations and the ideas cascaded.
"""

from __future__ import annotations

from collections import Counter
from datetime import date
from typing import BinaryIO

from reportlab.platypus import Flowable, Paragraph

from mentor_desk.domain import analysis
from mentor_desk.domain import model as m
from mentor_desk.domain.findings import Finding, Severity, StepStatus, step_status
from mentor_desk.reports import base, charts
from mentor_desk.reports.base import Column, esc, gap, heading, para, subheading

TITLE = "Progress report"
HEALTH_ORDER = ("active", "stalled", "paused", "proposed", "closed")
FINDINGS_PER_RULE = 12  # more of one rule (666 stalled pairs, say) are counted, not listed


def build(
    program: m.Program,
    out: BinaryIO,
    *,
    paper: str = "a4",
    today: date,
    progress: base.ProgressFn | None = None,
    cancelled: base.CancelledFn | None = None,
) -> None:
    """Write the progress report of ``program`` as of ``today`` as a PDF to ``out``."""
    from mentor_desk.domain import rules

    doc = base.DocumentBuilder(
        out,
        program,
        title=TITLE,
        paper=paper,
        today=today,
        progress=progress,
        cancelled=cancelled,
    )
    findings = rules.check(program, today)
    parts = (_findings, _metrics, _satisfaction, _pairs, _evaluations, _ideas)
    story: list[Flowable] = _title(program, doc, findings)
    for i, part in enumerate(parts):
        doc.step(i + 1, len(parts) + 1)
        story.extend(part(program, doc, findings))
    doc.build(story)


def _title(program: m.Program, doc: base.DocumentBuilder, findings: list[Finding]) -> list:
    st = doc.styles
    out: list[Flowable] = [Paragraph(esc(TITLE, True), st.label), gap(2)]
    out.append(para(program.name, st.title, st))
    out.append(para(program.organization, st.subtitle, st))
    by = f" · prepared by {base.clean(program.manager.name)}" if program.manager else ""
    out.append(para(f"As of {base.day(doc.today)}{by}", st.small, st))
    status = step_status(findings)
    counts = Counter((f.step, f.severity) for f in findings)
    cols = [
        Column("Step", 1.4),
        Column("State", 0.7),
        Column("Errors", 0.6, right=True),
        Column("Warnings", 0.75, right=True),
    ]
    rows = []
    for step in m.Step:
        state = "done" if status[step] is StepStatus.DONE else "open"
        rows.append(
            [
                f"{step.number}. {step.title}",
                state,
                str(counts[(step, Severity.ERROR)]),
                str(counts[(step, Severity.WARNING)]),
            ]
        )
    t = base.table(cols, rows, doc.width * 0.6, st)
    for i, step in enumerate(m.Step, 1):
        colour = base.GREEN if status[step] is StepStatus.DONE else base.RED
        t.setStyle(
            [("TEXTCOLOR", (1, i), (1, i), colour), ("FONTNAME", (1, i), (1, i), base.SANS_BOLD)]
        )
    out += [gap(8), t]
    return out


def _findings(program: m.Program, doc: base.DocumentBuilder, findings: list[Finding]) -> list:
    st = doc.styles
    out: list[Flowable] = [heading("Findings", st)]
    if not findings:
        out.append(Paragraph(esc("No findings: every rule of the method is met."), st.body))
        return out
    cols = [Column("Severity", 0.55), Column("Finding", 3.0), Column("About", 1.0)]
    for step in m.Step:
        mine = [f for f in findings if f.step is step]
        if not mine:
            continue
        out.append(subheading(f"{step.number}. {step.title}", st))
        shown, more = _first_of_each_rule(mine)
        rows = [[f.severity.value, f.message, f.subject or ""] for f in shown]
        for f, count in more:
            rows.append([f.severity.value, f"… and {count} more like this ({f.rule})", ""])
        t = base.table(cols, rows, doc.width, st)
        severities = [f.severity for f in shown] + [f.severity for f, _ in more]
        t.setStyle(
            [
                ("TEXTCOLOR", (0, i), (0, i), base.RED if sev is Severity.ERROR else base.AMBER)
                for i, sev in enumerate(severities, 1)
            ]
        )
        out.append(t)
    return out


def _first_of_each_rule(
    findings: list[Finding], limit: int = FINDINGS_PER_RULE
) -> tuple[list[Finding], list[tuple[Finding, int]]]:
    """The first ``limit`` findings of each rule, and for each rule cut short how many more."""
    seen: Counter[str] = Counter()
    shown: list[Finding] = []
    for f in findings:
        seen[f.rule] += 1
        if seen[f.rule] <= limit:
            shown.append(f)
    firsts = {f.rule: f for f in reversed(shown)}
    more = [(firsts[rule], n - limit) for rule, n in seen.items() if n > limit]
    return shown, more


def _metrics(program: m.Program, doc: base.DocumentBuilder, findings: list[Finding]) -> list:
    st = doc.styles
    out: list[Flowable] = [heading("Metrics against baseline and target", st)]
    metrics = program.metrics
    if not metrics:
        out.append(Paragraph(esc("No metrics defined yet."), st.body))
        return out
    by_metric = analysis.measurements_by_metric(program)
    for metric in metrics:
        items = by_metric.get(metric.name, [])
        projection = analysis.metric_projection(metric, items)
        on_track = analysis.metric_on_track(metric, items)
        latest = items[-1] if items else None
        verdict = {True: "on track", False: "off track", None: "trend not known yet"}[on_track]
        facts = [
            f"baseline {base.number(metric.baseline)}",
            f"target {base.number(metric.target)} by {base.day(metric.due)}",
            f"latest {base.number(latest.value)} on {base.day(latest.date)}"
            if latest
            else "not measured yet",
            f"projected {base.number(round(projection, 2))}" if projection is not None else "",
            verdict,
        ]
        title = base.clean(metric.name) + (f" ({base.clean(metric.unit)})" if metric.unit else "")
        out.append(
            base.keep(
                para(title, st.h2, st),
                para(" · ".join(f for f in facts if f), st.small, st),
                charts.metric_chart(
                    metric, items, projection, doc.width, start=program.design.launch_on
                ),
            )
        )
    return out


def _satisfaction(program: m.Program, doc: base.DocumentBuilder, findings: list[Finding]) -> list:
    st = doc.styles
    out: list[Flowable] = [heading("Constituent satisfaction", st)]
    due = analysis.next_survey_due(program, doc.today)
    when = base.day(due) if due else "not known (no launch date)"
    overdue = " — overdue" if due and due < doc.today else ""
    out.append(para(f"Next survey due: {when}{overdue}", st.strong, st))
    surveys = sorted(program.surveys, key=lambda s: s.date)
    if not surveys:
        out.append(Paragraph(esc("No satisfaction survey recorded yet."), st.body))
        return out
    out.append(charts.satisfaction_chart(surveys, doc.width))
    cols = [
        Column("Date", 0.8),
        Column("Group", 0.8),
        Column("Responses", 0.8, right=True),
        Column("Satisfaction", 0.85, right=True),
        Column("NPS", 0.5, right=True),
        Column("Comments", 2.2),
    ]
    rows = []
    for s in surveys:
        answered = base.number(s.responses)
        if s.invited:
            answered += f" of {s.invited}"
        rows.append(
            [
                base.day(s.date),
                s.group,
                answered,
                base.number(s.satisfaction),
                base.number(s.nps),
                s.comments or "",
            ]
        )
    overflow: list[tuple[str, str]] = []
    out.append(
        base.table(
            cols,
            rows,
            doc.width,
            st,
            overflow=overflow,
            overflow_label=lambda r, c: f"Survey of {base.day(surveys[r].date)}",
        )
    )
    out.extend(base.overflow_section(overflow, st, "Comments in full"))
    return out


def _pairs(program: m.Program, doc: base.DocumentBuilder, findings: list[Finding]) -> list:
    st = doc.styles
    out: list[Flowable] = [heading("Pairs and their health", st)]
    pairs = program.pairs
    if not pairs:
        out.append(Paragraph(esc("No pairs yet."), st.body))
        return out
    health = [analysis.pair_health(p, doc.today) for p in pairs]
    counts = Counter(health)
    summary = " · ".join(f"{counts[h]} {h}" for h in HEALTH_ORDER if counts[h])
    out.append(para(f"{len(pairs)} pairs: {summary}", st.strong, st))
    out.append(
        Paragraph(
            esc(
                f"A pair is stalled when it is active and has not met for more than "
                f"{analysis.STALLED_DAYS} days."
            ),
            st.small,
        )
    )
    order = {h: i for i, h in enumerate(("stalled", "active", "paused", "proposed", "closed"))}
    ranked = sorted(
        zip(pairs, health, strict=True), key=lambda x: (order.get(x[1], 9), x[0].mentee)
    )
    cols = [
        Column("Mentor", 1.4),
        Column("Mentee", 1.4),
        Column("Started", 0.75),
        Column("Last met", 0.75),
        Column("Health", 0.6),
    ]
    rows = [
        [p.mentor, p.mentee, base.day(p.started_on), base.day(p.last_met_on), h] for p, h in ranked
    ]
    t = base.table(cols, rows, doc.width, st, clip_at=200)
    for i, (_, h) in enumerate(ranked, 1):
        if h == "stalled":
            t.setStyle([("TEXTCOLOR", (4, i), (4, i), base.AMBER)])
    out.append(t)
    return out


def _evaluations(program: m.Program, doc: base.DocumentBuilder, findings: list[Finding]) -> list:
    st = doc.styles
    out: list[Flowable] = [heading("360-degree evaluations", st)]
    goals = program.development_goals
    if not goals:
        out.append(Paragraph(esc("No development goals set yet."), st.body))
        return out
    evaluated = sum(1 for g in goals if g.evaluations)
    out.append(para(f"{len(goals)} development goals, {evaluated} evaluated.", st.strong, st))
    cols = [
        Column("Participant", 1.0),
        Column("Goal", 1.9),
        Column("Latest rating", 0.7, right=True),
        Column("Count", 0.55, right=True),
        Column("By", 1.0),
        Column("Latest", 0.7),
    ]
    rows = []
    for g in goals:
        evals = sorted(g.evaluations, key=lambda e: e.date)
        latest = evals[-1] if evals else None
        rated = [e for e in evals if e.rating is not None]
        by = Counter(e.by for e in evals)
        rows.append(
            [
                g.participant,
                g.goal,
                f"{rated[-1].rating} of 5" if rated else "—",
                str(len(evals)),
                ", ".join(f"{who} ×{n}" if n > 1 else who for who, n in by.items()) or "—",
                base.day(latest.date) if latest else "—",
            ]
        )
    overflow: list[tuple[str, str]] = []
    out.append(
        base.table(
            cols,
            rows,
            doc.width,
            st,
            clip_at=300,
            overflow=overflow,
            overflow_label=lambda r, c: f"{goals[r].participant}: goal",
        )
    )
    out.extend(base.overflow_section(overflow, st, "Goals in full"))
    return out


def _ideas(program: m.Program, doc: base.DocumentBuilder, findings: list[Finding]) -> list:
    st = doc.styles
    out: list[Flowable] = [heading("Ideas cascaded across participants", st)]
    ideas = program.ideas
    if not ideas:
        out.append(Paragraph(esc("No ideas recorded yet."), st.body))
        return out
    cols = [Column("Idea", 2.4), Column("From", 1.1), Column("Found", 0.7), Column("Cascaded", 1.0)]
    rows = []
    for idea in ideas:
        if idea.cascaded_on:
            state = base.day(idea.cascaded_on)
        elif idea.found_on:
            state = f"not yet ({(doc.today - idea.found_on).days} days)"
        else:
            state = "not yet"
        rows.append([idea.idea, idea.source or "—", base.day(idea.found_on), state])
    overflow: list[tuple[str, str]] = []
    out.append(
        base.table(
            cols,
            rows,
            doc.width,
            st,
            overflow=overflow,
            overflow_label=lambda r, c: f"Idea {r + 1}",
        )
    )
    out.extend(base.overflow_section(overflow, st, "Ideas in full"))
    return out
