"""The stakeholder map (internal): influence against stance, status, views and issues.

Landscape, so that the table of views and potential issues has room. Marked
"Internal" on every page: it holds what people said in confidence.
"""

from __future__ import annotations

from datetime import date
from typing import BinaryIO

from reportlab.platypus import Flowable, Paragraph

from mentor_desk.domain import model as m
from mentor_desk.reports import base, charts
from mentor_desk.reports.base import Column, esc, gap, heading, para

TITLE = "Stakeholder map"


def _buy_in(s: m.Stakeholder) -> str:
    if s.intellectual_buy_in is None and s.emotional_buy_in is None:
        return "—"
    return f"mind {base.yes_no(s.intellectual_buy_in)}, heart {base.yes_no(s.emotional_buy_in)}"


def build(
    program: m.Program,
    out: BinaryIO,
    *,
    paper: str = "a4",
    today: date,
    progress: base.ProgressFn | None = None,
    cancelled: base.CancelledFn | None = None,
) -> None:
    """Write the stakeholder map of ``program`` as a PDF to ``out``."""
    from mentor_desk.domain import rules

    doc = base.DocumentBuilder(
        out,
        program,
        title=TITLE,
        paper=paper,
        today=today,
        internal=True,
        landscape=True,
        progress=progress,
        cancelled=cancelled,
    )
    st = doc.styles
    people = program.stakeholders
    story: list[Flowable] = [
        para(program.name, st.title, st),
        para(program.organization, st.subtitle, st),
        Paragraph(
            esc(f"Stakeholder map as of {base.day(today)} · Internal: not for distribution", True),
            st.badge,
        ),
        gap(6),
    ]
    doc.step(1, 4)
    if not people:
        story.append(Paragraph(esc("No stakeholders recorded yet."), st.body))
        doc.build(story)
        return
    must = {id(s) for s in rules.must_be_in_room(program)}
    caption = Paragraph(
        esc(
            "Each stakeholder is placed by influence (5 at the top) and stance (more "
            "supportive to the right); the dot's colour is the role."
        ),
        st.small,
    )
    chart = charts.stance_map(people, doc.width, max_height=doc.height - 150)
    story.append(base.keep(heading("Influence against stance", st), caption, gap(4), chart))
    doc.step(2, 4)
    story.append(heading("Who they are and where they stand", st))
    cols = [
        Column("Name", 1.3),
        Column("Role", 0.55),
        Column("Influence", 0.72, right=True),
        Column("Stance", 0.75, sample="supportive"),
        Column("Status", 0.7),
        Column("In the room", 0.6),
        Column("Buy-in", 0.75),
        Column("Views", 1.6),
        Column("Potential issues", 1.6),
        Column("Last contact", 0.7),
    ]
    rows = []
    for s in people:
        who = base.clean(s.name)
        extra = ", ".join(base.clean(x) for x in (s.title, s.department) if x)
        if extra:
            who += f" ({extra})"
        in_room = base.yes_no(s.in_room)
        if id(s) in must and not s.in_room:
            in_room += " — must be"
        rows.append(
            [
                who,
                s.role,
                base.number(s.influence),
                s.stance or "unknown",
                s.status or "—",
                in_room,
                _buy_in(s),
                s.views or "—",
                s.issues or "—",
                base.day(s.last_contact),
            ]
        )
    overflow: list[tuple[str, str]] = []
    story.append(
        base.table(
            cols,
            rows,
            doc.width,
            st,
            clip_at=300,
            overflow=overflow,
            overflow_label=lambda r, c: f"{people[r].name}: {cols[c].heading}",
        )
    )
    doc.step(3, 4)
    for s in people:
        if s.notes:
            overflow.append((f"{s.name}: notes", s.notes))
    story.extend(base.overflow_section(overflow, st, "Notes and texts in full"))
    doc.build(story)
