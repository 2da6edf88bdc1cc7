"""Step 1, the business case: the program's facts, goals with their metrics, costs and ROI.

The exemplar of a step page: sections built with ``StepPage.add_section``,
program-level inputs from ``add_form``, lists from ``add_table`` with
``CollectionTableModel``, a form bound to an item chosen by the selection
(the selected goal's metric), and a figure computed live from the session
(cost totals and ROI from ``analysis.cost_totals``).
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QHBoxLayout, QPushButton, QVBoxLayout, QWidget

from mentor_desk.domain import analysis
from mentor_desk.domain import model as m
from mentor_desk.domain.findings import Target
from mentor_desk.ui.display import format_money, format_percent, plain_label
from mentor_desk.ui.pages.base import StepPage
from mentor_desk.ui.table_models import CollectionTableModel, Column

GOAL_COLUMNS = (
    Column("objective", "Objective", width=220),
    Column("performance_change", "Performance change", width=180),
    Column("behavior_change", "Behaviour change", width=180),
    Column("value", "Value", width=90),
    Column(
        "metric",
        "Metric",
        editable=False,
        value=lambda goal: goal.metric.name if goal.metric else "(none)",
    ),
)

COST_COLUMNS = (
    Column("item", "Item", width=200),
    Column("kind", "Kind", width=90),
    Column("amount", "Amount", width=100),
    Column("category", "Category", width=120),
    Column("hours", "Hours", width=70),
    Column("notes", "Notes"),
)

TARGET_GROUP_COLUMNS = (
    Column("name", "Name", width=200),
    Column("size", "Size", width=70),
    Column("external_mentors", "External mentors", width=120),
    Column("reason", "Reason"),
)


class BusinessCasePage(StepPage):
    """Program facts, summary, goals and their metrics, costs with totals, target groups."""

    step = m.Step.BUSINESS_CASE
    intro = (
        "Tie each business goal to an organizational objective, say which performance and "
        "behaviour it changes and how attainment is measured; cost the program."
    )

    def build(self) -> None:
        s = self.session
        program = self.add_form(self.add_section("Program"))
        program.add_program_field("name", "Program &name")
        program.add_program_field("organization", "&Organization")
        program.add_program_field("org_size", "Organization si&ze")
        program.add_program_field("focus", "Fo&cus")
        program.add_program_field("currency", "C&urrency")
        program.add_program_field("manager.name", "Program &manager")
        program.add_program_field("manager.title", "Manager's &title")
        program.add_program_field("manager.email", "Manager's e&mail")

        summary = self.add_form(self.add_section("Summary"))
        summary.add_program_field("business_case.summary", "&Summary")

        goals = self.add_section(
            "Goals", "Select a goal to edit its texts and its metric below the table."
        )
        self.goals = self.add_table(
            goals,
            CollectionTableModel(s, "goals", GOAL_COLUMNS, depends=("metrics",)),
            "&Goals",
            detail_fields=[
                ("objective", "Ob&jective"),
                ("strategy_link", "Strategy &link"),
                ("performance_change", "&Performance change"),
                ("behavior_change", "&Behaviour change"),
                ("value_basis", "&Value basis"),
            ],
        )
        self.goals.currentItemChanged.connect(self._show_metric)

        self.metric_box = QWidget(self.content)
        metric_layout = QVBoxLayout(self.metric_box)
        metric_layout.setContentsMargins(0, 0, 0, 0)
        self.metric_heading = plain_label("Metric of the selected goal", self.metric_box)
        font = self.metric_heading.font()
        font.setBold(True)
        self.metric_heading.setFont(font)
        metric_layout.addWidget(self.metric_heading)
        self.metric_form = self.add_form(metric_layout)
        self.metric_form.add_item_field("metrics", "name", "Metric na&me")
        self.metric_form.add_item_field("metrics", "unit", "U&nit")
        self.metric_form.add_item_field("metrics", "baseline", "B&aseline", decimals=2)
        self.metric_form.add_item_field("metrics", "target", "Ta&rget", decimals=2)
        self.metric_form.add_item_field("metrics", "due", "&Due")
        self.metric_form.add_item_field("metrics", "verification", "Verificatio&n", long=True)
        self.metric_form.add_item_field("metrics", "reporting", "Re&porting", long=True)
        buttons = QHBoxLayout()
        self.add_metric_button = QPushButton(self.mnemonics.label("Add metric"), self.metric_box)
        self.add_metric_button.setAccessibleName("Add metric")
        self.add_metric_button.clicked.connect(self.add_metric)
        self.remove_metric_button = QPushButton(
            self.mnemonics.label("Remove metric"), self.metric_box
        )
        self.remove_metric_button.setAccessibleName("Remove metric")
        self.remove_metric_button.clicked.connect(self.remove_metric)
        buttons.addWidget(self.add_metric_button)
        buttons.addWidget(self.remove_metric_button)
        buttons.addStretch(1)
        metric_layout.addLayout(buttons)
        goals.addWidget(self.metric_box)

        costs = self.add_section("Costs", "Internal and external resources the program uses.")
        self.costs = self.add_table(costs, CollectionTableModel(s, "costs", COST_COLUMNS), "C&osts")
        self.totals = plain_label("", self.content, wrap=True)
        self.totals.setAccessibleName("Cost totals")
        self.totals.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        costs.addWidget(self.totals)

        groups = self.add_section(
            "Target groups",
            "Who the program targets. A group that reports to the program manager gets "
            "external mentors: the manager writes their appraisals.",
        )
        self.target_groups = self.add_table(
            groups,
            CollectionTableModel(s, "target_groups", TARGET_GROUP_COLUMNS),
            "Target &groups",
            visible_rows=4,
        )

        s.changed.connect(self._on_changed)

    # ----- following the session -------------------------------------------------

    def refresh(self) -> None:
        goals = self.session.items("goals")
        if self.goals.current_item_id() is None and goals:
            self.goals.select_item(goals[0].id, focus=False)  # its metric shows at once
        self._show_metric(self.goals.current_item_id())
        self._show_totals()

    def _on_changed(self, change: Any) -> None:
        if self.session.affects(change, "goals", "metrics"):
            self._show_metric(self.goals.current_item_id())
        if self.session.affects(change, "costs", "goals", "program"):  # goal values, currency
            self._show_totals()

    def _show_totals(self) -> None:
        program = self.session.program
        if program is None:
            self.totals.setText("")
            return
        totals = analysis.cost_totals(program)
        cur = program.currency_code
        parts = [
            f"Internal: {format_money(totals.internal, cur)}",
            f"External: {format_money(totals.external, cur)}",
            f"Total: {format_money(totals.total, cur)}",
        ]
        if totals.value is None:
            parts.append("Goal value: not given (no goal carries a value)")
        else:
            parts.append(f"Goal value: {format_money(totals.value, cur)}")
        if totals.roi is None:
            parts.append("ROI: not computed")
        else:
            parts.append(f"ROI: {format_percent(totals.roi)}")
        self.totals.setText("    ".join(parts))

    def _show_metric(self, goal_id: int | None) -> None:
        goal = self.session.item("goals", goal_id)
        metric = goal.metric if goal is not None else None
        self.metric_form.set_item("metrics", metric.id if metric else None)
        if goal is None:
            self.metric_heading.setText("Metric of the selected goal (select a goal)")
        elif metric is None:
            self.metric_heading.setText("This goal has no metric yet")
        else:
            self.metric_heading.setText("Metric of the selected goal")
        self.metric_form.setVisible(metric is not None)
        self.add_metric_button.setVisible(goal is not None and metric is None)
        self.remove_metric_button.setVisible(metric is not None)

    # ----- actions ---------------------------------------------------------------

    def add_metric(self) -> int | None:
        """Give the selected goal a metric, named uniquely; focus its name."""
        goal_id = self.goals.current_item_id()
        if goal_id is None:
            return None
        taken = {metric.name for metric in self.session.items("metrics")}
        name, n = "New metric", 2
        while name in taken:
            name, n = f"New metric {n}", n + 1
        new_id = self.session.add_item("metrics", m.Metric(name), parent_id=goal_id)
        if new_id is not None:
            binding = self.metric_form.binding("name", "metrics")
            if binding is not None:
                self.focus_binding(binding)
                binding.editor.selectAll()
        return new_id

    def remove_metric(self) -> None:
        goal = self.session.item("goals", self.goals.current_item_id())
        if goal is not None and goal.metric is not None:
            self.session.remove_item("metrics", goal.metric.id)

    # ----- going to a finding ----------------------------------------------------

    def focus_target(self, target: Target | None) -> bool:
        if target is None:
            return False
        if target.collection == "goals" and target.field == "metric":
            self.goals.select_item(target.item_id)
            goal = self.session.item("goals", target.item_id)
            if goal is not None and goal.metric is None:
                self.scroll.ensureWidgetVisible(self.add_metric_button)
                self.add_metric_button.setFocus(Qt.FocusReason.OtherFocusReason)
                return True
            target = Target("metrics", goal.metric.id if goal else None, "name")
        if target.collection == "metrics":
            goal = self.session.goal_of_metric(target.item_id) if target.item_id else None
            if goal is None:
                goals = [g for g in self.session.items("goals") if g.metric is not None]
                goal = goals[0] if goals else None
            if goal is None:
                return self.focus_table(self.goals, None, None)
            self.goals.select_item(goal.id)
            binding = self.metric_form.binding(target.field or "name", "metrics")
            if binding is None:
                binding = self.metric_form.binding("name", "metrics")
            assert binding is not None
            return self.focus_binding(binding)
        return super().focus_target(target)
