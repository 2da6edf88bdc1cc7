"""Step 4, design: the design's dates and deadlines, cycle and capacity, and its elements.

The dates (leaders enrolled, design started and completed, launch) are
optional and clearable; under them the deadlines the method sets are shown,
computed from the same constants the rules use (``analysis.DESIGN_START_DAYS``
for a small organization, ``analysis.DESIGN_DAYS`` for any). The cycle,
meeting cadence, capacity and scaling plan sit beside the dates. The design's
elements are tables: roles (profile and responsibilities as long texts below
the table), procedures, competencies (how each is assessed), trainings and
communications (the body of the selected one below it).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from PySide6.QtWidgets import (
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QVBoxLayout,
    QWidget,
)

from mentor_desk.domain import analysis
from mentor_desk.domain import model as m
from mentor_desk.ui.collection_table import CollectionTable
from mentor_desk.ui.display import format_date, plain_label
from mentor_desk.ui.pages.base import StepPage
from mentor_desk.ui.table_models import CollectionTableModel, Column

ROLE_COLUMNS = (
    Column("name", "Name", width=220),
    Column("time_commitment", "Time commitment", width=220),
    Column("profile", "Profile", editable=False, width=260),
    Column("responsibilities", "Responsibilities", editable=False),
)

PROCEDURE_COLUMNS = (
    Column("name", "Name", width=260),
    Column("owner", "Owner", width=200),
    Column("description", "Description", editable=False),
)

COMPETENCY_COLUMNS = (
    Column("name", "Name", width=240),
    Column("description", "Description", editable=False, width=300),
    Column("assessment", "Assessment", editable=False),
)

TRAINING_COLUMNS = (
    Column("name", "Name", width=300),
    Column("audience", "Audience", width=110),
    Column("date", "Date", width=110),
    Column("hours", "Hours", width=70),
)

COMMUNICATION_COLUMNS = (
    Column("title", "Title", width=210),
    Column("kind", "Kind", width=165),
    Column("audience", "Audience", width=120),
    Column("channel", "Channel", width=90),
    Column("date", "Date", width=95),
    Column("status", "Status", width=75),
    Column("body", "Body", editable=False),
)


def design_start_due(program: m.Program | None) -> dt.date | None:
    """Small organization: the design starts within a week of enrolling the leaders."""
    if program is None or program.org_size != "small":
        return None
    enrolled = program.design.leaders_enrolled_on
    return None if enrolled is None else enrolled + dt.timedelta(days=analysis.DESIGN_START_DAYS)


def design_due(program: m.Program | None) -> dt.date | None:
    """The initial design is complete within a month of its start."""
    if program is None or program.design.design_started_on is None:
        return None
    return program.design.design_started_on + dt.timedelta(days=analysis.DESIGN_DAYS)


def _days(n: int) -> str:
    return f"{n} day{'s' if n != 1 else ''}"


def start_due_text(program: m.Program | None, today: dt.date) -> str:
    """The design-start deadline of a small organization, and whether it was kept."""
    if program is None:
        return ""
    if program.org_size != "small":
        return "none in a large organization (announce first)"
    due = design_start_due(program)
    if due is None:
        return f"leaders enrolled + {analysis.DESIGN_START_DAYS} days (enter that date)"
    text = f"{format_date(due)} (enrolled + {analysis.DESIGN_START_DAYS} days)"
    started = program.design.design_started_on
    if started is not None:
        late = (started - due).days
        return text + ("\nkept" if late <= 0 else f"\nstarted {_days(late)} late")
    if today > due:
        return text + f"\nnot started, {_days((today - due).days)} overdue"
    return text


def design_due_text(program: m.Program | None, today: dt.date) -> str:
    """When the initial design is due (start + 30 days), and whether it was kept."""
    if program is None:
        return ""
    due = design_due(program)
    if due is None:
        return f"design started + {analysis.DESIGN_DAYS} days (enter the start)"
    text = f"{format_date(due)} (started + {analysis.DESIGN_DAYS} days)"
    completed = program.design.design_completed_on
    if completed is not None:
        late = (completed - due).days
        return text + ("\nkept" if late <= 0 else f"\ncompleted {_days(late)} late")
    if today > due:
        return text + f"\nnot completed, {_days((today - due).days)} overdue"
    return text


class DesignPage(StepPage):
    """Design dates with their deadlines, cycle and capacity, roles, procedures, competencies,
    trainings and communications.

    Attributes:
        start_due, design_due: the plain-text labels showing the derived deadlines.
        roles, procedures, competencies, trainings, communications: the CollectionTables.
    """

    step = m.Step.DESIGN
    intro = (
        "Design the program's elements: role profiles, procedures, competencies and how they "
        "are assessed, training and communications. A small organization starts within a week "
        "of enrolling its leaders; any design is complete within a month."
    )

    def build(self) -> None:
        s = self.session
        row = QWidget(self.content)
        side = QHBoxLayout(row)
        side.setContentsMargins(0, 0, 0, 0)
        self.body.addWidget(row)

        dates_box = self._box(row, side, "Dates")
        dates = self.add_form(dates_box)
        dates.add_program_field("design.leaders_enrolled_on", "&Leaders enrolled")
        dates.add_program_field("design.design_started_on", "Design &started")
        dates.add_program_field("design.design_completed_on", "Design &completed")
        dates.add_program_field("design.launch_on", "La&unch")
        self.start_due = self._computed(dates, "Design start due")
        self.design_due = self._computed(dates, "Design due")

        capacity_box = self._box(row, side, "Cycle and capacity")
        capacity = self.add_form(capacity_box)
        capacity.add_program_field("design.cycle_months", "C&ycle (months)")
        capacity.add_program_field("design.meeting_cadence", "&Meeting cadence")
        capacity.add_program_field("design.max_pairs", "Ma&x pairs")
        capacity.add_program_field("design.max_mentees_per_mentor", "Max mentees per men&tor")
        capacity.add_program_field("design.scaling_plan", "Scalin&g plan")

        roles = self.add_section(
            "Roles",
            "Who makes a good mentor and mentee, what each does and how much time it takes.",
        )
        self.roles = self.add_table(
            roles,
            CollectionTableModel(s, "roles", ROLE_COLUMNS),
            "&Roles",
            detail_fields=[("profile", "Profile"), ("responsibilities", "Responsibilities")],
            visible_rows=4,
        )
        procedures = self.add_section("Procedures")
        self.procedures = self.add_table(
            procedures,
            CollectionTableModel(s, "procedures", PROCEDURE_COLUMNS),
            "Pr&ocedures",
            detail_fields=[("description", "Description")],
            visible_rows=3,
        )
        competencies = self.add_section(
            "Competencies", "The competencies the program develops and how each is assessed."
        )
        self.competencies = self.add_table(
            competencies,
            CollectionTableModel(s, "competencies", COMPETENCY_COLUMNS),
            "Competencies",
            detail_fields=[("description", "Competency description"), ("assessment", "Assessment")],
            visible_rows=3,
        )
        trainings = self.add_section("Trainings")
        self.trainings = self.add_table(
            trainings,
            CollectionTableModel(s, "trainings", TRAINING_COLUMNS),
            "Tra&inings",
            visible_rows=3,
        )
        communications = self.add_section(
            "Communications",
            "A large organization sends a preliminary announcement before the design starts, "
            "then formal communications.",
        )
        self.communications = self.add_table(
            communications,
            CollectionTableModel(s, "communications", COMMUNICATION_COLUMNS),
            "Communicatio&ns",
            detail_fields=[("body", "Body")],
            visible_rows=4,
        )

        for table in self.tables.values():  # a few rows each; the page scrolls, not the tables
            table.view.setMaximumHeight(table.view.minimumHeight())
        s.changed.connect(self._on_changed)

    def _box(self, parent: QWidget, layout: QHBoxLayout, title: str) -> QVBoxLayout:
        box = QGroupBox(title, parent)
        box.setAccessibleName(title)
        inner = QVBoxLayout(box)
        layout.addWidget(box, 1)
        return inner

    def _computed(self, form: Any, label: str) -> QLabel:
        """A read-only row of ``form``: a caption and a plain-text value named after it."""
        caption = plain_label(label, form)
        value = plain_label("", form)  # explicit lines: a wrapped label is cut in a form
        value.setAccessibleName(label)
        form.add_row(caption, value)
        return value

    # ----- following the session -------------------------------------------------

    def refresh(self) -> None:
        program = self.session.program
        today = self.session.today()
        self.start_due.setText(start_due_text(program, today))
        self.design_due.setText(design_due_text(program, today))
        for table in (self.roles, self.procedures, self.competencies, self.communications):
            items = self.session.items(table.collection)
            if table.current_item_id() is None and items:
                table.select_item(items[0].id, focus=False)  # its long texts show at once

    def _on_changed(self, change: Any) -> None:
        tables = ("roles", "procedures", "competencies", "communications")
        if self.session.affects(change, "program", *tables):  # the dates; a first row to select
            self.refresh()

    # ----- going to a finding ----------------------------------------------------

    def focus_table(self, table: CollectionTable, item_id: int | None, field: str | None) -> bool:
        """A long text shown read-only in a column is edited below the table: go there."""
        binding = table.detail_binding(field) if field else None
        if binding is not None and table.select_item(item_id, focus=False):
            return self.focus_binding(binding)
        return super().focus_table(table, item_id, field)
