"""The pitch packet: the document that wins the boss and the peers.

The facts are the same whoever it is prepared for; only the cover's
"Prepared for" line changes. It never prints a stakeholder's stance, views,
issues or notes, nor the adviser's notes or any finding of the rules.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import BinaryIO

from reportlab.platypus import Flowable, PageBreak, Paragraph

from mentor_desk.domain import analysis
from mentor_desk.domain import model as m
from mentor_desk.errors import NotFoundError
from mentor_desk.reports import base, charts
from mentor_desk.reports.base import Column, esc, gap, heading, para, paras, subheading

TITLE = "Pitch packet"


def find_stakeholder(program: m.Program, name: str) -> m.Stakeholder:
    """The stakeholder a packet is prepared for, by exact name (then ignoring case)."""
    for s in program.stakeholders:
        if s.name == name:
            return s
    folded = name.casefold().strip()
    for s in program.stakeholders:
        if s.name.casefold() == folded:
            return s
    names = ", ".join(s.name for s in program.stakeholders[:10]) or "none"
    if len(program.stakeholders) > 10:
        names += f" and {len(program.stakeholders) - 10} more"
    raise NotFoundError(
        f"{name!r} is not a stakeholder of {program.name!r} (stakeholders: {names})"
    )


def prepared_for_line(stakeholder: m.Stakeholder) -> str:
    """ "Prepared for NAME, TITLE" (the only line that differs between audiences)."""
    who = base.clean(stakeholder.name)
    if stakeholder.title:
        who += ", " + base.clean(stakeholder.title)
    return "Prepared for " + who


def build(
    program: m.Program,
    out: BinaryIO,
    *,
    paper: str = "a4",
    today: date,
    prepared_for: str | None = None,
    progress: base.ProgressFn | None = None,
    cancelled: base.CancelledFn | None = None,
) -> None:
    """Write the pitch packet of ``program`` as a PDF to ``out``."""
    audience = find_stakeholder(program, prepared_for) if prepared_for else None
    doc = base.DocumentBuilder(
        out,
        program,
        title=TITLE,
        paper=paper,
        today=today,
        progress=progress,
        cancelled=cancelled,
    )
    parts = (
        _cover,
        _objectives,
        _goals,
        _metrics,
        _costs,
        _elements,
        _benefits,
        _timeline,
        _coverage,
    )
    story: list[Flowable] = []
    for i, part in enumerate(parts):
        doc.step(i, len(parts))
        story.extend(part(program, doc, audience) if part is _cover else part(program, doc))
    doc.build(story)


def _cover(program: m.Program, doc: base.DocumentBuilder, audience: m.Stakeholder | None) -> list:
    st = doc.styles
    out: list[Flowable] = [gap(60)]
    out.append(Paragraph(esc(TITLE, True), st.label))
    out.append(gap(4))
    out.append(para(program.name, st.title, st))
    out.append(para(program.organization, st.subtitle, st))
    out.append(gap(24))
    rows: list[tuple[str, object]] = []
    if program.manager:
        presenter = base.clean(program.manager.name)
        if program.manager.title:
            presenter += ", " + base.clean(program.manager.title)
        rows.append(("Presented by", presenter))
    rows.append(("Date", base.day(doc.today)))
    if program.focus:
        rows.append(("Focus", program.focus))
    out.extend(base.facts(rows, doc.width, st))
    if audience is not None:
        out.append(gap(18))
        out.append(para(prepared_for_line(audience), st.h2, st))
    summary = program.business_case.summary
    if summary:
        out.append(gap(30))
        out.append(Paragraph(esc("The case in brief", True), st.label))
        out.append(gap(3))
        out.extend(paras(summary, st.body, st))
    out.append(PageBreak())
    return out


def _none_yet(doc: base.DocumentBuilder, what: str) -> Paragraph:
    return Paragraph(esc(f"{what}: to be defined."), doc.styles.small)


def _objectives(program: m.Program, doc: base.DocumentBuilder) -> list:
    st = doc.styles
    out: list[Flowable] = [heading("Objectives and how the program serves them", st)]
    goals = program.business_case.goals
    if not goals:
        return [*out, _none_yet(doc, "Organizational objectives")]
    for i, goal in enumerate(goals, 1):
        out.append(para(f"{i}. {base.clean(goal.objective)}", st.h2, st))
        if goal.strategy_link:
            out.append(Paragraph(esc("How the program serves it", True), st.label))
            out.extend(paras(goal.strategy_link, st.body, st))
    return out


def _goals(program: m.Program, doc: base.DocumentBuilder) -> list:
    st = doc.styles
    out: list[Flowable] = [heading("Goals: the changes we expect", st)]
    goals = program.business_case.goals
    if not goals:
        return [*out, _none_yet(doc, "Goals")]
    overflow: list[tuple[str, str]] = []
    cols = [
        Column("Objective", 1.0),
        Column("Performance change", 1.2),
        Column("Behaviour change", 1.2),
    ]
    rows = [[g.objective, g.performance_change or "—", g.behavior_change or "—"] for g in goals]
    out.append(
        base.table(
            cols,
            rows,
            doc.width,
            st,
            overflow=overflow,
            overflow_label=lambda r, c: f"Goal {r + 1}, {cols[c].heading}",
        )
    )
    out.extend(base.overflow_section(overflow, st, "Goals in full"))
    return out


def _metrics(program: m.Program, doc: base.DocumentBuilder) -> list:
    st = doc.styles
    out: list[Flowable] = [heading("Success metrics", st)]
    metrics = program.metrics
    if not metrics:
        return [*out, _none_yet(doc, "Success metrics")]
    out.append(
        Paragraph(
            esc(
                "How we will know the program works: each goal's measure, where it starts, "
                "where it must be and by when, how it is verified and how it is reported."
            ),
            st.body,
        )
    )
    cols = [
        Column("Metric", 1.2),
        Column("Baseline", 0.65, right=True),
        Column("Target", 0.65, right=True),
        Column("Due", 0.7),
        Column("How verified", 1.3),
        Column("How reported", 1.1),
    ]
    rows = [
        [
            mt.name + (f" ({base.clean(mt.unit)})" if mt.unit else ""),
            base.number(mt.baseline),
            base.number(mt.target),
            base.day(mt.due),
            mt.verification or "—",
            mt.reporting or "—",
        ]
        for mt in metrics
    ]
    overflow: list[tuple[str, str]] = []
    out.append(
        base.table(
            cols,
            rows,
            doc.width,
            st,
            overflow=overflow,
            overflow_label=lambda r, c: f"{metrics[r].name}: {cols[c].heading}",
        )
    )
    out.extend(base.overflow_section(overflow, st, "Metrics in full"))
    return out


def _costs(program: m.Program, doc: base.DocumentBuilder) -> list:
    st = doc.styles
    cur = program.currency_code
    out: list[Flowable] = [heading("Costs and return", st)]
    costs = program.business_case.costs
    totals = analysis.cost_totals(program)
    if not costs:
        out.append(_none_yet(doc, "Costs"))
    else:
        cols = [
            Column("Item", 2.2),
            Column("Kind", 0.7),
            Column("Category", 1.0),
            Column("Hours", 0.55, right=True),
            Column("Amount", 0.9, right=True),
        ]
        ordered = sorted(costs, key=lambda c: (c.kind != "internal", c.kind))
        rows: list[list[object]] = [
            [c.item, c.kind, c.category or "", base.number(c.hours), base.money(c.amount, cur)]
            for c in ordered
        ]
        b = st.cell_head
        br = st.cell_head_right
        for label, value in (
            ("Internal resources", totals.internal),
            ("External resources", totals.external),
            ("Total", totals.total),
        ):
            rows.append(
                [
                    Paragraph(esc(label, True), b),
                    "",
                    "",
                    "",
                    Paragraph(esc(base.money(value, cur), True), br),
                ]
            )
        overflow: list[tuple[str, str]] = []
        t = base.table(
            cols,
            rows,
            doc.width,
            st,
            overflow=overflow,
            overflow_label=lambda r, c: f"Cost line {r + 1}",
        )
        t.setStyle(
            [
                ("LINEABOVE", (0, len(ordered) + 1), (-1, len(ordered) + 1), 0.8, base.ACCENT),
                ("LINEABOVE", (0, -1), (-1, -1), 0.8, base.ACCENT),
            ]
        )
        out.append(t)
        out.extend(base.overflow_section(overflow, st, "Cost lines in full"))
        chart = charts.cost_chart(program, doc.width)
        if chart is not None:
            out.append(gap(10))
            out.append(
                base.keep(
                    Paragraph(esc("Cost by line, and internal against external", True), st.label),
                    gap(4),
                    chart,
                )
            )
    out.append(subheading("Return on investment", st))
    if totals.value is None:
        out.append(
            Paragraph(esc("No goal carries a money value yet, so no ROI is claimed."), st.body)
        )
        return out
    roi = f"{totals.roi * 100:,.0f}%" if totals.roi is not None else "—"
    out.extend(
        base.facts(
            [
                ("Value of the goals", base.money(totals.value, cur)),
                ("Total cost", base.money(totals.total, cur)),
                ("Return on investment", f"{roi}  (value − cost) ÷ cost"),
            ],
            doc.width,
            st,
        )
    )
    out.append(gap(4))
    out.append(Paragraph(esc("The basis of each value", True), st.label))
    for goal in program.business_case.goals:
        if goal.value is None:
            continue
        out.append(
            para(f"{base.clean(goal.objective)} — {base.money(goal.value, cur)}", st.strong, st)
        )
        out.extend(paras(goal.value_basis or "No basis given.", st.body, st))
    return out


def _elements(program: m.Program, doc: base.DocumentBuilder) -> list:
    st = doc.styles
    design = program.design
    out: list[Flowable] = [heading("The program's elements", st)]
    overflow: list[tuple[str, str]] = []

    out.append(subheading("Role profiles", st))
    if design.roles:
        cols = [
            Column("Role", 0.7),
            Column("Profile", 1.4),
            Column("Responsibilities", 1.4),
            Column("Time", 0.8),
        ]
        rows = [
            [r.name, r.profile or "—", r.responsibilities or "—", r.time_commitment or "—"]
            for r in design.roles
        ]
        out.append(
            base.table(
                cols,
                rows,
                doc.width,
                st,
                overflow=overflow,
                overflow_label=lambda r, c: f"Role {design.roles[r].name}",
            )
        )
    else:
        out.append(_none_yet(doc, "Role profiles"))
    if design.procedures:
        out.append(subheading("Procedures", st))
        cols = [Column("Procedure", 0.8), Column("How it works", 2.2), Column("Owner", 0.8)]
        rows = [[p.name, p.description or "—", p.owner or "—"] for p in design.procedures]
        out.append(
            base.table(
                cols,
                rows,
                doc.width,
                st,
                overflow=overflow,
                overflow_label=lambda r, c: f"Procedure {design.procedures[r].name}",
            )
        )

    out.append(subheading("Competency assessments", st))
    if design.competencies:
        cols = [
            Column("Competency", 0.9),
            Column("What it covers", 1.5),
            Column("How assessed", 1.5),
        ]
        rows = [[c.name, c.description or "—", c.assessment or "—"] for c in design.competencies]
        out.append(
            base.table(
                cols,
                rows,
                doc.width,
                st,
                overflow=overflow,
                overflow_label=lambda r, c: f"Competency {design.competencies[r].name}",
            )
        )
    else:
        out.append(_none_yet(doc, "Competency assessments"))

    out.append(subheading("Mentor training", st))
    if design.trainings:
        cols = [
            Column("Training", 1.8),
            Column("For", 0.8),
            Column("Date", 0.8),
            Column("Hours", 0.5, right=True),
        ]
        rows = [
            [t.name, t.audience or "—", base.day(t.date), base.number(t.hours)]
            for t in design.trainings
        ]
        out.append(base.table(cols, rows, doc.width, st, overflow=overflow))
    else:
        out.append(_none_yet(doc, "Mentor training"))

    out.append(subheading("Scale and scalability", st))
    scale: list[tuple[str, object]] = []
    if design.max_pairs is not None:
        scale.append(("Pairs at most", str(design.max_pairs)))
    if design.max_mentees_per_mentor is not None:
        scale.append(("Mentees per mentor at most", str(design.max_mentees_per_mentor)))
    if design.cycle_months is not None:
        scale.append(("Cycle", f"{design.cycle_months} months"))
    if design.meeting_cadence:
        scale.append(("Pairs meet", design.meeting_cadence))
    if scale:
        out.extend(base.facts(scale, doc.width, st))
    groups = program.business_case.target_groups
    if groups:
        out.append(gap(4))
        cols = [
            Column("Target group", 1.6),
            Column("Size", 0.4, right=True),
            Column("Mentors", 0.7),
            Column("Why", 1.6),
        ]
        rows = [
            [
                g.name,
                base.number(g.size),
                "external" if g.external_mentors else "internal",
                g.reason or "",
            ]
            for g in groups
        ]
        out.append(base.table(cols, rows, doc.width, st, overflow=overflow))
    if design.scaling_plan:
        out.append(gap(8))
        out.append(Paragraph(esc("How it scales", True), st.label))
        out.extend(paras(design.scaling_plan, st.body, st))
    elif not scale:
        out.append(_none_yet(doc, "Scale"))
    out.extend(base.overflow_section(overflow, st, "Elements in full"))
    return out


def _benefits(program: m.Program, doc: base.DocumentBuilder) -> list:
    st = doc.styles
    out: list[Flowable] = [heading("Benefits at three levels", st)]
    titles = {
        "organization": "For the organization",
        "personal": "For each leader",
        "staff": "For the broader staff",
    }
    for level in m.BENEFIT_LEVELS:
        items = [b for b in program.benefits if b.level == level]
        out.append(subheading(titles[level], st))
        if not items:
            out.append(_none_yet(doc, titles[level]))
        for b in items:
            text = base.clean(b.text)
            if level == "personal" and b.stakeholder:
                text = f"{base.clean(b.stakeholder)}: {text}"
            for i, piece in enumerate(base._pieces(text)):
                out.append(base.bullet(piece, st) if i == 0 else para(piece, st.bullet, st))
    return out


def timeline(program: m.Program) -> list[tuple[date, str]]:
    """The plan's dates, in order: enrolment, design, announcement, trainings, launch, survey."""
    d = program.design
    items: list[tuple[date, str]] = []
    if d.leaders_enrolled_on:
        items.append((d.leaders_enrolled_on, "Leaders enrolled"))
    if d.design_started_on:
        items.append((d.design_started_on, "Design starts"))
        due = d.design_started_on + timedelta(days=analysis.DESIGN_DAYS)
        items.append((due, "Initial design due (within a month)"))
    if d.design_completed_on:
        items.append((d.design_completed_on, "Design completed"))
    for c in d.communications:
        if c.kind == "preliminary announcement" and c.date:
            items.append((c.date, f"Preliminary announcement: {base.clean(c.title)}"))
    for t in d.trainings:
        if t.date:
            items.append((t.date, f"Training: {base.clean(t.name)}"))
    if d.launch_on:
        items.append((d.launch_on, "Launch"))
        first = d.launch_on + timedelta(days=analysis.SURVEY_GAP_DAYS)
        items.append((first, "First satisfaction survey due"))
    end = analysis.cycle_end(program)
    if end:
        items.append((end, "End of the first cycle"))
    items.sort(key=lambda x: x[0])
    return items


def _timeline(program: m.Program, doc: base.DocumentBuilder) -> list:
    st = doc.styles
    out: list[Flowable] = [heading("Timeline", st)]
    items = timeline(program)
    if not items:
        return [*out, _none_yet(doc, "Timeline")]
    cols = [Column("Date", 0.8), Column("Milestone", 3.2)]
    out.append(base.table(cols, [[base.day(when), what] for when, what in items], doc.width, st))
    return out


def _coverage(program: m.Program, doc: base.DocumentBuilder) -> list:
    """The pitch checklist's covered items (what this packet answers), nothing internal."""
    from mentor_desk.domain import rules

    st = doc.styles
    covered = [item for item in rules.pitch_checklist(program) if item.covered]
    if not covered:
        return []
    out: list[Flowable] = [heading("What this pitch covers", st)]
    for item in covered:
        out.append(base.bullet(item.label, st))
    return out
