"""Step 5, launch and track: participants, pairs, 360 goals, measurements, surveys, ideas, journal.

Seven lists, one tab each (the tab says how many rows it holds), so the page
stays calm. Every table reads the loaded ``Program`` (no query per cell) and
stays smooth with thousands of participants. Skills are typed as text
separated by ";" and stored through ``services.set_skills`` (the session does
it). A pair's health (``analysis.pair_health``) is a read-only column; the
selected development goal's 360 evaluations are a table beside the goals;
the Surveys tab says when the next survey is due
(``analysis.next_survey_due``). "Import participants (CSV)…" and "Propose
pairs…" trigger the main window's actions (its CSV import dialog and its
Matching view), which reload the program afterwards.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction
from PySide6.QtWidgets import (
    QHBoxLayout,
    QPushButton,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from mentor_desk.domain import analysis
from mentor_desk.domain import model as m
from mentor_desk.domain.findings import Target
from mentor_desk.errors import KnownError
from mentor_desk.ui.collection_table import CollectionTable
from mentor_desk.ui.display import format_date, plain_label, plain_tooltip
from mentor_desk.ui.forms import MnemonicPool
from mentor_desk.ui.pages.base import StepPage
from mentor_desk.ui.session import ProgramSession
from mentor_desk.ui.table_models import AnyIndex, CollectionTableModel, Column

SKILL_SEPARATOR = ";"

PARTICIPANT_COLUMNS = (  # what matching needs first; the rest after a horizontal scroll
    Column("name", "Name", width=150),
    Column("role", "Role", width=66),
    Column("department", "Department", width=100),
    Column("manager", "Manager", width=120),
    Column("skills", "Skills\n(separated by ;)", kind="list", width=210),
    Column("external", "External", width=62),
    Column("reports_to_manager", "Reports to\nmanager", width=78),
    Column("high_performer", "High\nperformer", width=76),
    Column("title", "Title", width=130),
    Column("email", "E-mail", width=170),
    Column("joined_on", "Joined", width=90),
    Column("left_on", "Left", width=90),
)

GOAL_COLUMNS = (  # practices and behaviours are long texts: below the table
    # (the goal is one sentence, typed in its cell)
    Column("participant", "Participant", width=140),
    Column("set_on", "Set on", width=90),
    Column("goal", "Goal"),
)

EVALUATION_COLUMNS = (
    Column("date", "Date", width=88),
    Column("by", "By", width=72),
    Column("rating", "Rating\n(1-5)", width=52),
    Column("business_result", "Business result", editable=False, width=112),
    Column("behavior_change", "Behaviour change", editable=False),
)

MEASUREMENT_COLUMNS = (
    Column("metric", "Metric", width=260),
    Column("date", "Date", width=100),
    Column("value", "Value", width=100),
    Column("note", "Note"),
)

SURVEY_COLUMNS = (
    Column("date", "Date", width=95),
    Column("group", "Group", width=90),
    Column("invited", "Invited", width=70),
    Column("responses", "Responses", width=80),
    Column("satisfaction", "Satisfaction\n(1-5)", width=90, decimals=1),
    Column("nps", "NPS\n(-100 to 100)", width=100),
    Column("comments", "Comments", editable=False),
)

IDEA_COLUMNS = (
    Column("idea", "Idea", width=360),
    Column("source", "Source", width=160),
    Column("found_on", "Found on", width=95),
    Column("cascaded_on", "Cascaded on", width=95),
)

JOURNAL_COLUMNS = (
    Column("date", "Date", width=100),
    Column("text", "Text", editable=False),
)

# (key, tab label with its mnemonic, collection counted in the label)
TABS = (
    ("participants", "Par&ticipants", "participants"),
    ("pairs", "P&airs", "pairs"),
    ("goals", "&Development goals", "development_goals"),
    ("measurements", "&Measurements", "measurements"),
    ("surveys", "&Surveys", "surveys"),
    ("ideas", "&Ideas", "ideas"),
    ("journal", "&Journal", "journal"),
)


class ParticipantsModel(CollectionTableModel):
    """The participants; skills shown and typed as text separated by ";"."""

    def __init__(self, session: ProgramSession, columns: Any = PARTICIPANT_COLUMNS, **kw: Any):
        super().__init__(session, "participants", columns, **kw)

    @staticmethod
    def display(value: Any, kind: str, decimals: int = 2) -> str:
        if kind == "list":
            return join_skills(value)
        return CollectionTableModel.display(value, kind, decimals)

    @staticmethod
    def sort_key(value: Any, kind: str) -> Any:
        if kind == "list":
            return join_skills(value).casefold()
        return CollectionTableModel.sort_key(value, kind)

    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if role in _SKILL_ROLES and index.isValid() and self._kinds[index.column()] == "list":
            skills = self.raw(index.row(), index.column()) or []
            if role == Qt.ItemDataRole.EditRole:
                return join_skills(skills)
            return plain_tooltip("\n".join(skills)) if skills else None
        return super().data(index, role)

    def convert(self, value: Any, kind: str) -> Any:  # type: ignore[override]
        if kind == "list" and isinstance(value, str):
            return split_skills(value)
        return CollectionTableModel.convert(value, kind)


_SKILL_ROLES = frozenset({int(Qt.ItemDataRole.EditRole), int(Qt.ItemDataRole.ToolTipRole)})


def join_skills(skills: list[str] | None) -> str:
    return f"{SKILL_SEPARATOR} ".join(skills or [])


def split_skills(text: str) -> list[str]:
    """ "SQL; coaching;; budgets " -> ["SQL", "coaching", "budgets"] (duplicates once)."""
    skills: list[str] = []
    for part in text.split(SKILL_SEPARATOR):
        part = part.strip()
        if part and part not in skills:
            skills.append(part)
    return skills


def new_pair(session: ProgramSession) -> m.Pair:
    """A proposed pair of the first mentor and the first mentee not yet paired."""
    people = session.items("participants")
    mentors = [p.name for p in people if p.role == "mentor"]
    paired = {pair.mentee for pair in session.items("pairs")}
    mentees = [p.name for p in people if p.role == "mentee"]
    if not mentors or not mentees:
        raise KnownError("a pair needs a mentor and a mentee: add them on the Participants tab")
    free = [name for name in mentees if name not in paired]
    return m.Pair(mentor=mentors[0], mentee=(free or mentees)[0], status="proposed")


def new_development_goal(session: ProgramSession) -> m.DevelopmentGoal:
    """A goal for the first paired mentee without one (else the first mentee), set today."""
    people = session.items("participants")
    if not people:
        raise KnownError("a development goal belongs to a participant: add participants first")
    with_goal = {g.participant for g in session.items("development_goals")}
    paired = [pair.mentee for pair in session.items("pairs")]
    mentees = [p.name for p in people if p.role == "mentee"]
    candidates = [n for n in paired + mentees if n not in with_goal] or mentees
    name = candidates[0] if candidates else people[0].name
    return m.DevelopmentGoal(participant=name, goal="New development goal", set_on=session.today())


def new_measurement(session: ProgramSession) -> m.Measurement:
    metrics = session.items("metrics")
    if not metrics:
        raise KnownError("a measurement is of a goal's metric: add one on the Business case page")
    return m.Measurement(metric=metrics[0].name, date=session.today(), value=0)


def new_idea(session: ProgramSession) -> m.Idea:
    return m.Idea(idea="New idea", found_on=session.today())


def new_entry(session: ProgramSession) -> m.JournalEntry:
    return m.JournalEntry(date=session.today(), text="New entry")


class LaunchPage(StepPage):
    """The tracking of a launched program, one list per tab.

    Attributes:
        tabs: the QTabWidget; ``tab_pages`` maps a TABS key to its widget.
        participants, pairs, goals, evaluations, measurements, surveys, ideas, journal:
            the CollectionTables.
        import_button, propose_button: trigger the main window's CSV import and matching.
        pair_summary, survey_due: plain-text labels of derived figures.
    """

    step = m.Step.LAUNCH
    intro = (
        "A work in progress with clear goals: track pairs and their meetings, 360-degree "
        "development goals, metrics at least quarterly, satisfaction twice a year, and "
        "cascade good ideas within a month."
    )

    def build(self) -> None:
        s = self.session
        self._goal_id: int | None = None
        page_pool = self.mnemonics
        self.tabs = QTabWidget(self.content)
        self.tabs.setAccessibleName("Launch lists")
        self.tabs.setDocumentMode(True)
        self.tab_pages: dict[str, QWidget] = {}
        self._tab_labels: dict[str, tuple[str, str]] = {}
        for key, label, collection in TABS:
            widget = QWidget(self.tabs)
            widget.setLayout(QVBoxLayout())
            self.tabs.addTab(widget, page_pool.label(label))
            self.tab_pages[key] = widget
            self._tab_labels[key] = (self.tabs.tabText(self.tabs.count() - 1), collection)
        self.body.addWidget(self.tabs, 100)

        # The controls of a hidden tab take no keys, so each tab draws its mnemonics
        # from the letters the page and the tab bar leave free.
        def tab_layout(key: str) -> QVBoxLayout:
            pool = MnemonicPool("")
            pool.used = set(page_pool.used)
            self.mnemonics = pool
            layout = self.tab_pages[key].layout()
            assert isinstance(layout, QVBoxLayout)
            return layout

        # ----- participants
        layout = tab_layout("participants")
        self.import_button = self._action_button("Import participants (CSV)…", "csv_action", layout)
        self.participants = self.add_table(
            layout, ParticipantsModel(s), "&Participants", visible_rows=12
        )

        # ----- pairs
        layout = tab_layout("pairs")
        self.propose_button = self._action_button("Propose pairs…", "match_action", layout)
        self.pair_summary = plain_label("", self.content, wrap=True)
        self.pair_summary.setAccessibleName("Pair health")
        layout.addWidget(self.pair_summary)
        pair_columns = (
            Column("mentor", "Mentor", width=170),
            Column("mentee", "Mentee", width=170),
            Column("started_on", "Started", width=95),
            Column("ended_on", "Ended", width=95),
            Column("status", "Status", width=85),
            Column("last_met_on", "Last met", width=95),
            Column(
                "health",
                "Health",
                editable=False,
                value=lambda pair: analysis.pair_health(pair, self.session.today()),
            ),
        )
        self.pairs = self.add_table(
            layout,
            CollectionTableModel(s, "pairs", pair_columns, depends=()),  # health: of the pair
            "Pai&rs",
            new_item=new_pair,
            visible_rows=8,
        )

        # ----- development goals and their evaluations
        layout = tab_layout("goals")
        layout.addWidget(
            plain_label(
                "Each mentee sets a 360-degree goal naming the practices and behaviours to "
                "adopt; mentors, managers, peers and direct reports evaluate it.",
                self.content,
                wrap=True,
            )
        )
        row = QHBoxLayout()
        layout.addLayout(row, 1)
        left, right = QVBoxLayout(), QVBoxLayout()
        row.addLayout(left, 1)
        row.addLayout(right, 1)
        self.goals = self.add_table(
            left,
            CollectionTableModel(s, "development_goals", GOAL_COLUMNS),
            "Development &goals",
            new_item=new_development_goal,
            detail_fields=[
                ("practices", "Practices"),
                ("behaviors", "Behaviours"),
            ],
            visible_rows=4,
        )
        self.evaluation_model = CollectionTableModel(
            s,
            "evaluations",
            EVALUATION_COLUMNS,
            items_of=self._evaluations_of_goal,
            depends=("development_goals",),
        )
        self.evaluations = self.add_table(
            right,
            self.evaluation_model,
            "&Evaluations of the selected goal",
            new_item=self._new_evaluation,
            parent_id=lambda: self._goal_id,
            detail_fields=[
                ("business_result", "Business result"),
                ("behavior_change", "Behaviour change"),
            ],
            visible_rows=4,
        )
        self.goals.currentItemChanged.connect(self._show_evaluations)

        # ----- measurements
        layout = tab_layout("measurements")
        layout.addWidget(
            plain_label(
                "Measure every goal's metric at least once a quarter; the trend against its "
                "target shows on the dashboard and in the progress report.",
                self.content,
                wrap=True,
            )
        )
        self.measurements = self.add_table(
            layout,
            CollectionTableModel(s, "measurements", MEASUREMENT_COLUMNS),
            "Meas&urements",
            new_item=new_measurement,
            visible_rows=10,
        )

        # ----- surveys
        layout = tab_layout("surveys")
        self.survey_due = plain_label("", self.content, wrap=True)
        self.survey_due.setAccessibleName("Next survey due")
        layout.addWidget(self.survey_due)
        self.surveys = self.add_table(
            layout,
            CollectionTableModel(s, "surveys", SURVEY_COLUMNS),
            "Sur&veys",
            detail_fields=[("comments", "Comments")],
            visible_rows=8,
        )

        # ----- ideas
        layout = tab_layout("ideas")
        layout.addWidget(
            plain_label(
                f"An effective idea from one pair is cascaded to every participant within "
                f"{analysis.IDEA_DAYS} days.",
                self.content,
                wrap=True,
            )
        )
        self.ideas = self.add_table(
            layout,
            CollectionTableModel(s, "ideas", IDEA_COLUMNS),
            "Ideas",
            new_item=new_idea,
            visible_rows=10,
        )

        # ----- journal
        layout = tab_layout("journal")
        self.journal = self.add_table(
            layout,
            CollectionTableModel(s, "journal", JOURNAL_COLUMNS),
            "Journal entries",
            new_item=new_entry,
            detail_fields=[("text", "Entry")],
            visible_rows=8,
        )

        self.mnemonics = page_pool
        s.changed.connect(self._on_changed)

    def _action_button(self, text: str, action_name: str, layout: QVBoxLayout) -> QPushButton:
        """A button that triggers the main window's action ``action_name``."""
        button = QPushButton(self.mnemonics.label(text), self.content)
        button.setAccessibleName(text)
        button.clicked.connect(lambda: self._trigger(action_name))
        row = QHBoxLayout()
        row.addWidget(button)
        row.addStretch(1)
        layout.addLayout(row)
        return button

    def window_action(self, name: str) -> QAction | None:
        action = getattr(self.window(), name, None)
        return action if isinstance(action, QAction) else None

    def _trigger(self, name: str) -> None:
        action = self.window_action(name)
        if action is not None and action.isEnabled():
            action.trigger()

    # ----- following the session -------------------------------------------------

    def refresh(self) -> None:
        goals = self.session.items("development_goals")
        if self.goals.current_item_id() is None and goals:
            self.goals.select_item(goals[0].id, focus=False)  # its evaluations show at once
        self._show_evaluations(self.goals.current_item_id())
        self._update_labels()

    def _on_changed(self, change: Any) -> None:
        s = self.session
        if s.touched(change) is None:  # reloaded (the program may be gone): everything
            self._update_labels()
            return
        if s.affects(change, *(collection for _label, collection in self._tab_labels.values())):
            self._update_counts()
        if s.affects(change, "pairs"):
            self._update_pair_summary()
        if s.affects(change, "surveys", "program"):  # the launch date counts without surveys
            self._update_survey_due()

    def _update_labels(self) -> None:
        self._update_counts()
        has_program = self.session.program is not None
        for button in (self.import_button, self.propose_button):
            button.setEnabled(has_program)
        self._update_pair_summary()
        self._update_survey_due()

    def _update_counts(self) -> None:
        s = self.session
        for i, (key, (label, collection)) in enumerate(self._tab_labels.items()):
            count = len(s.items(collection))
            assert self.tabs.widget(i) is self.tab_pages[key]
            self.tabs.setTabText(i, f"{label} ({count:,})" if s.program is not None else label)

    def _update_pair_summary(self) -> None:
        program = self.session.program
        if program is None:
            self.pair_summary.setText("")
            return
        today = self.session.today()
        health: dict[str, int] = {}
        for pair in program.pairs:
            state = analysis.pair_health(pair, today)
            health[state] = health.get(state, 0) + 1
        order = ("active", "stalled", "proposed", "paused", "closed")
        parts = [f"{health[k]:,} {k}" for k in order if health.get(k)]
        self.pair_summary.setText(
            ("Pairs: " + ", ".join(parts) + ".") if parts else "No pairs yet."
        )
        self.pair_summary.setToolTip(
            plain_tooltip(
                f"An active pair that has not met for more than {analysis.STALLED_DAYS} days "
                "is stalled."
            )
        )

    def _update_survey_due(self) -> None:
        program = self.session.program
        self.survey_due.setText(
            "" if program is None else survey_due_text(program, self.session.today())
        )

    # ----- evaluations of the selected goal ----------------------------------------

    def _evaluations_of_goal(self, session: ProgramSession) -> list[m.Evaluation]:
        goal = session.item("development_goals", self._goal_id)
        return list(goal.evaluations) if goal is not None else []

    def _show_evaluations(self, goal_id: int | None) -> None:
        if goal_id != self._goal_id:
            self._goal_id = goal_id
            self.evaluation_model.reset()
            evaluations = self._evaluations_of_goal(self.session)
            if evaluations:  # the first one's texts show at once
                self.evaluations.select_item(evaluations[0].id, focus=False)
        self.evaluations.add_button.setEnabled(goal_id is not None)

    def _new_evaluation(self, session: ProgramSession) -> m.Evaluation:
        if self._goal_id is None:
            raise KnownError("select the development goal to evaluate first")
        return m.Evaluation(date=session.today(), by="mentor")

    # ----- going to a finding ----------------------------------------------------

    def show_tab_of(self, widget: QWidget) -> None:
        for i in range(self.tabs.count()):
            page = self.tabs.widget(i)
            if page is widget or page.isAncestorOf(widget):
                self.tabs.setCurrentIndex(i)
                return

    def focus_table(self, table: CollectionTable, item_id: int | None, field: str | None) -> bool:
        self.show_tab_of(table)
        binding = table.detail_binding(field) if field else None
        if binding is not None and table.select_item(item_id, focus=False):
            return self.focus_binding(binding)  # a long text is edited below its table
        return super().focus_table(table, item_id, field)

    def focus_target(self, target: Target | None) -> bool:
        if target is not None and target.collection == "evaluations":
            goal = next(
                (
                    g
                    for g in self.session.items("development_goals")
                    if any(e.id == target.item_id for e in g.evaluations)
                ),
                None,
            )
            if goal is not None:
                self.show_tab_of(self.goals)
                self.goals.select_item(goal.id, focus=False)
                self._show_evaluations(goal.id)
            return self.focus_table(self.evaluations, target.item_id, target.field)
        return super().focus_target(target)


def survey_due_text(program: m.Program, today: dt.date) -> str:
    """ "Next survey due: ..." from ``analysis.next_survey_due``, or why it is not known."""
    due = analysis.next_survey_due(program, today)
    if due is None:
        return "Next survey due: set the launch date on the Design page."
    text = f"Next survey due: {format_date(due)}"
    if due < today:
        days = (today - due).days
        text += f" ({days:,} day{'s' if days != 1 else ''} overdue)"
    return text + f". Survey satisfaction at least every {analysis.SURVEY_GAP_DAYS} days."
