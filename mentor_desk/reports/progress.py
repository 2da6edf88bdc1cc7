"""The progress report: findings, metric trends, satisfaction, pairs, 360s, ideas.

What the program manager hands the boss twice a year. Everything is as of
``today`` (a parameter, never the clock): the rules' findings grouped by step,
each metric against its baseline and target with the projected value at its
due date, survey scores over time and the next survey due, the pairs and
their health, the 360-degree evaluations and the ideas cascaded.

A small program (at most ``LIST_ALL_UP_TO`` pairs, or goals) lists every pair
and every goal's latest evaluation. A larger one is summarised, so that the
report grows with what needs attention rather than with the head count: pairs
are counted per health and only the stalled, paused and proposed ones (and
those a rule flags) are listed; the 360s are given as figures (latest ratings,
how ratings moved, each perspective's average) and only the goals whose rating
fell are listed.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
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
ATTENTION = ("stalled", "paused", "proposed")  # pair healths listed in full in a large program
FINDINGS_PER_RULE = 12  # more of one rule (666 stalled pairs, say) are counted, not listed
LIST_ALL_UP_TO = 40  # a program with at most this many pairs (or goals) lists each one
DATE_SAMPLE = "30 Sep 2027"  # the widest date a column holds on one line


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
        Column("Date", 0.8, sample=DATE_SAMPLE),
        Column("Group", 0.8),
        Column("Responses", 0.9, right=True, sample="1,000 of 1,000"),
        Column("Satisfaction", 0.85, right=True),
        Column("NPS", 0.5, right=True),
        Column("Comments", 2.2),
    ]
    rows = []
    for s in surveys:
        answered = base.number(s.responses)
        if s.invited:
            answered += f" of {base.number(s.invited)}"
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
    """The pairs' health: counts for all, and the pairs that need attention in full.

    A program of at most ``LIST_ALL_UP_TO`` pairs lists every pair (about a
    page). A larger one counts the pairs per health and lists in full only
    those that need attention: stalled (longest without a meeting first),
    paused and proposed. The reader of a report on 1,086 pairs wants to know
    how many are healthy and which ones to act on, not 600 lines of active
    pairs. Either way, the pairs a rule flags (a mentor who is the mentee's
    manager, say) are listed first with what the rule says.
    """
    st = doc.styles
    out: list[Flowable] = []
    pairs = program.pairs
    if not pairs:
        return [heading("Pairs and their health", st), Paragraph(esc("No pairs yet."), st.body)]
    health = [analysis.pair_health(p, doc.today) for p in pairs]
    counts = Counter(health)
    summary = " · ".join(f"{counts[h]:,} {h}" for h in HEALTH_ORDER if counts[h])
    intro: list[Flowable] = [
        heading("Pairs and their health", st),
        para(f"{_plural(len(pairs), 'pair')}: {summary}", st.strong, st),
        Paragraph(
            esc(
                f"A pair is stalled when it is active and has not met for more than "
                f"{analysis.STALLED_DAYS} days. Days: since the pair last met (or started)."
            ),
            st.small,
        ),
    ]
    large = len(pairs) > LIST_ALL_UP_TO
    if large:
        cols = [
            Column("Health", 1.0),
            Column("Pairs", 0.7, right=True),
            Column("Share", 0.7, right=True),
        ]
        rows = [
            [h, f"{counts[h]:,}", _share(counts[h], len(pairs))] for h in HEALTH_ORDER if counts[h]
        ]
        intro += [gap(4), base.table(cols, rows, doc.width * 0.45, st)]
    out.append(base.keep(*intro))

    flags = _pair_flags(findings)
    flagged = []
    for p, h in zip(pairs, health, strict=True):
        notes = flags.get(("id", p.id), []) if p.id is not None else []
        notes = notes or flags.get(("label", f"{p.mentor} & {p.mentee}"), [])
        if notes:
            flagged.append([p.mentor, p.mentee, h, "; ".join(dict.fromkeys(notes))])
    if flagged:
        cols = [
            Column("Mentor", 1.3),
            Column("Mentee", 1.3),
            Column("Health", 0.55, sample="proposed"),
            Column("What the rules say", 2.1),
        ]
        out.append(subheading(f"Flagged by the rules ({len(flagged):,})", st))
        t = base.table(cols, flagged, doc.width, st, clip_at=200)
        t.setStyle(
            [
                ("TEXTCOLOR", (2, i), (2, i), base.AMBER)
                for i, row in enumerate(flagged, 1)
                if row[2] == "stalled"
            ]
        )
        out.append(t)

    rows = [(p, h, analysis.pair_last_contact(p)) for p, h in zip(pairs, health, strict=True)]
    if large:
        rows = [r for r in rows if r[1] in ATTENTION]
        need = " · ".join(f"{counts[h]:,} {h}" for h in ATTENTION if counts[h])
        rest = len(pairs) - len(rows)
        out.append(subheading(f"Pairs that need attention ({len(rows):,})", st))
        out.append(
            para(
                f"Every stalled, paused and proposed pair ({need or 'none'}), the longest "
                f"without a meeting first. The other {rest:,} pairs are active or closed.",
                st.small,
                st,
            )
        )
        if not rows:
            return out
    order = {h: i for i, h in enumerate(("stalled", "active", "paused", "proposed", "closed"))}
    rows.sort(key=lambda r: (order.get(r[1], 9), r[2] or date.max, r[0].mentee))
    cols = [
        Column("Mentor", 1.4),
        Column("Mentee", 1.4),
        Column("Started", 0.7, sample=DATE_SAMPLE),
        Column("Last met", 0.7, sample=DATE_SAMPLE),
        Column("Health", 0.55, sample="proposed"),
        Column("Days", 0.4, right=True, sample="1,000"),
    ]
    table_rows = []
    for p, h, since in rows:
        days = "—"
        if since is not None and since <= doc.today and h != "closed":
            days = f"{(doc.today - since).days:,}"
        table_rows.append(
            [p.mentor, p.mentee, base.day(p.started_on), base.day(p.last_met_on), h, days]
        )
    t = base.table(cols, table_rows, doc.width, st, clip_at=200)
    stalled = sum(1 for r in rows if r[1] == "stalled")  # (sorted first: one range of rows)
    if stalled:
        t.setStyle([("TEXTCOLOR", (4, 1), (4, stalled), base.AMBER)])
    out.append(t)
    return out


# What a rule that flags a pair says about it, in the pairs' table.
PAIR_FLAGS = {
    "mentor-appraises-mentee": "the mentor is the mentee's manager",
    "external-mentor": "needs an external mentor",
}


def _pair_flags(findings: list[Finding]) -> dict[tuple[str, object], list[str]]:
    """What the rules (other than "stalled", shown as the health) say about each pair.

    Keyed by ("id", pair id) for findings that point at a stored pair, and by
    ("label", "mentor & mentee") for those that name it (a program not stored yet).
    """
    flags: dict[tuple[str, object], list[str]] = {}
    for f in findings:
        if f.rule == "pair-stalled":
            continue
        note = PAIR_FLAGS.get(f.rule, f.rule)
        if f.target is not None and f.target.collection == "pairs" and f.target.item_id:
            flags.setdefault(("id", f.target.item_id), []).append(note)
        elif f.subject and " & " in f.subject:
            flags.setdefault(("label", f.subject), []).append(note)
    return flags


def _share(part: int, whole: int) -> str:
    return f"{100 * part / whole:.0f}%" if whole else "—"


def _evaluations(program: m.Program, doc: base.DocumentBuilder, findings: list[Finding]) -> list:
    """The 360-degree evaluations: every goal in a small program, figures in a large one.

    A program of at most ``LIST_ALL_UP_TO`` development goals lists each goal
    with its latest evaluation. A larger one gives what the boss reads the
    360s for: how many goals were evaluated, the latest ratings, how the
    rating moved between the first and the latest evaluation, each
    perspective (self, mentor, manager, peer, direct report) with its average,
    and lists in full only the goals whose rating fell.
    """
    st = doc.styles
    out: list[Flowable] = [heading("360-degree evaluations", st)]
    goals = program.development_goals
    if not goals:
        out.append(Paragraph(esc("No development goals set yet."), st.body))
        return out
    summaries = [_goal_summary(g) for g in goals]
    evaluated = sum(1 for s in summaries if s.count)
    again = sum(1 for s in summaries if s.count > 1)
    headline = (
        f"{_plural(len(goals), 'development goal')}, {evaluated:,} evaluated"
        + (f" ({again:,} more than once)" if again else "")
        + (f", {len(goals) - evaluated:,} not evaluated yet." if evaluated < len(goals) else ".")
    )
    out.append(para(headline, st.strong, st))
    if len(goals) <= LIST_ALL_UP_TO:
        out.extend(_goals_table(goals, summaries, doc))
        return out
    out.extend(_evaluation_figures(goals, summaries, doc))
    fell = [(g, s) for g, s in zip(goals, summaries, strict=True) if s.fell]
    out.append(subheading("Goals whose rating fell", st))
    if not fell:
        out.append(Paragraph(esc("No goal's latest rating is below its first one."), st.body))
        return out
    out.append(
        para(
            f"The {len(fell):,} goals whose latest rating is below the first one, largest fall "
            "first: worth a word with the pair.",
            st.body,
            st,
        )
    )
    fell.sort(key=lambda x: (x[1].latest_rating - x[1].first_rating, x[0].participant))
    out.extend(_fell_table([g for g, _ in fell], [s for _, s in fell], doc))
    return out


@dataclass(slots=True)
class _GoalSummary:
    count: int  # evaluations
    first_rating: int | None  # of the first rated evaluation, when there are two or more
    latest_rating: int | None
    latest: m.Evaluation | None
    by: str  # every evaluation's perspective: "mentor ×2, self"
    rated_by: tuple[str, str] | None  # the first and the latest rated evaluation's perspective

    @property
    def fell(self) -> bool:
        return (
            self.first_rating is not None
            and self.latest_rating is not None
            and self.latest_rating < self.first_rating
        )


def _goal_summary(goal: m.DevelopmentGoal) -> _GoalSummary:
    evals = sorted(goal.evaluations, key=lambda e: e.date)
    rated = [e for e in evals if e.rating is not None]
    by = Counter(e.by for e in evals)
    return _GoalSummary(
        count=len(evals),
        first_rating=rated[0].rating if len(rated) > 1 else None,
        latest_rating=rated[-1].rating if rated else None,
        latest=evals[-1] if evals else None,
        by=", ".join(f"{who} ×{n}" if n > 1 else who for who, n in by.items()) or "—",
        rated_by=(rated[0].by, rated[-1].by) if len(rated) > 1 else None,
    )


def _goals_table(
    goals: list[m.DevelopmentGoal], summaries: list[_GoalSummary], doc: base.DocumentBuilder
) -> list[Flowable]:
    """One row per goal: its latest rating (and the first, when it differs), and by whom."""
    cols = [
        Column("Participant", 1.0),
        Column("Goal", 1.8),
        Column("Latest rating", 0.85, right=True, sample="2 of 5 (first 5)"),
        Column("Count", 0.45, right=True),
        Column("By", 1.0),
        Column("Latest", 0.7, sample=DATE_SAMPLE),
    ]
    rows = []
    for g, s in zip(goals, summaries, strict=True):
        rating = "—"
        if s.latest_rating is not None:
            rating = f"{s.latest_rating} of 5"
            if s.first_rating is not None and s.first_rating != s.latest_rating:
                rating += f" (first {s.first_rating})"
        rows.append(
            [
                g.participant,
                g.goal,
                rating,
                str(s.count),
                s.by,
                base.day(s.latest.date) if s.latest else "—",
            ]
        )
    return _goal_rows_table(cols, rows, goals, doc)


def _goal_rows_table(
    cols: list[Column],
    rows: list[list[str]],
    goals: list[m.DevelopmentGoal],
    doc: base.DocumentBuilder,
) -> list[Flowable]:
    """A table of one row per development goal; a goal text too long is printed in full below."""
    overflow: list[tuple[str, str]] = []
    t = base.table(
        cols,
        rows,
        doc.width,
        doc.styles,
        clip_at=300,
        overflow=overflow,
        overflow_label=lambda r, c: f"{goals[r].participant}: goal",
    )
    return [t, *base.overflow_section(overflow, doc.styles, "Goals in full")]


def _fell_table(
    goals: list[m.DevelopmentGoal], summaries: list[_GoalSummary], doc: base.DocumentBuilder
) -> list[Flowable]:
    """One row per goal whose rating fell: first and latest rating, and whose they were."""
    cols = [
        Column("Participant", 1.05),
        Column("Goal", 2.3),
        Column("Rating", 0.5, sample="5 → 1"),
        Column("Rated by", 1.15, sample="direct report → manager"),
        Column("Latest", 0.7, sample=DATE_SAMPLE),
    ]
    rows = []
    for g, s in zip(goals, summaries, strict=True):
        first_by, latest_by = s.rated_by or ("—", "—")
        rows.append(
            [
                g.participant,
                g.goal,
                f"{s.first_rating} → {s.latest_rating}",
                f"{first_by} → {latest_by}",
                base.day(s.latest.date) if s.latest else "—",
            ]
        )
    return _goal_rows_table(cols, rows, goals, doc)


def _evaluation_figures(
    goals: list[m.DevelopmentGoal], summaries: list[_GoalSummary], doc: base.DocumentBuilder
) -> list[Flowable]:
    """Latest ratings, their change since the first evaluation, and each perspective's average."""
    st = doc.styles
    out: list[Flowable] = []
    latest = Counter(s.latest_rating for s in summaries if s.count)
    evaluated = sum(latest.values())
    cols = [
        Column("Latest rating", 1.0),
        Column("Goals", 0.6, right=True),
        Column("Share", 0.6, right=True),
    ]
    rows = [[f"{r} of 5", f"{latest[r]:,}", _share(latest[r], evaluated)] for r in (5, 4, 3, 2, 1)]
    if latest[None]:
        rows.append(["not rated", f"{latest[None]:,}", _share(latest[None], evaluated)])
    out += [
        subheading("Latest rating of each evaluated goal", st),
        base.table(cols, rows, doc.width * 0.5, st),
    ]
    moved = [s for s in summaries if s.first_rating is not None and s.latest_rating is not None]
    if moved:
        up = sum(1 for s in moved if s.latest_rating > s.first_rating)  # type: ignore[operator]
        down = sum(1 for s in moved if s.fell)
        first = sum(s.first_rating for s in moved) / len(moved)  # type: ignore[misc]
        last = sum(s.latest_rating for s in moved) / len(moved)  # type: ignore[misc]
        out.append(gap(4))
        out.append(
            para(
                f"Rated more than once: {len(moved):,} goals. The rating rose for {up:,}, "
                f"stayed for {len(moved) - up - down:,} and fell for {down:,}; on average "
                f"from {first:.1f} at the first evaluation to {last:.1f} at the latest.",
                st.body,
                st,
            )
        )
    per: dict[str, list[int | None]] = {}
    for g in goals:
        for e in g.evaluations:
            per.setdefault(e.by, []).append(e.rating)
    cols = [
        Column("Perspective", 1.0),
        Column("Evaluations", 0.75, right=True),
        Column("Rated", 0.6, right=True),
        Column("Average rating", 0.9, right=True),
    ]
    rows = []
    for who, ratings in sorted(per.items(), key=lambda x: (-len(x[1]), x[0])):
        given = [r for r in ratings if r is not None]
        average = f"{sum(given) / len(given):.1f} of 5" if given else "—"
        rows.append([who, f"{len(ratings):,}", f"{len(given):,}", average])
    if rows:
        out += [
            subheading("Every evaluation by perspective", st),
            base.table(cols, rows, doc.width * 0.6, st),
        ]
    return out


def _plural(n: int, word: str) -> str:
    return f"{n:,} {word}" + ("" if n == 1 else "s")


def _ideas(program: m.Program, doc: base.DocumentBuilder, findings: list[Finding]) -> list:
    st = doc.styles
    out: list[Flowable] = [heading("Ideas cascaded across participants", st)]
    ideas = program.ideas
    if not ideas:
        out.append(Paragraph(esc("No ideas recorded yet."), st.body))
        return out
    cascaded = sum(1 for idea in ideas if idea.cascaded_on)
    late = sum(
        1
        for idea in ideas
        if not idea.cascaded_on
        and idea.found_on
        and (doc.today - idea.found_on).days > analysis.IDEA_DAYS
    )
    summary = f"{_plural(len(ideas), 'idea')}: {cascaded:,} cascaded"
    if cascaded < len(ideas):
        summary += f", {len(ideas) - cascaded:,} not yet"
        if late:
            summary += f" ({late:,} found more than {analysis.IDEA_DAYS} days ago)"
    out.append(para(summary + ".", st.strong, st))
    cols = [
        Column("Idea", 2.4),
        Column("From", 1.1),
        Column("Found", 0.7, sample=DATE_SAMPLE),
        Column("Cascaded", 1.0, sample="not yet (100 days)"),
    ]
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
