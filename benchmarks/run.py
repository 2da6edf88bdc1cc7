"""Benchmark Mentor Desk against bare baselines measured in the same run (issue #7).

Run from the repository root::

    .venv/bin/python benchmarks/run.py [--quick] [--sizes 500,2000,8000] [--repeat N]

It makes its own data (``benchmarks/data.py``), works in a temporary folder
with its own HOME, and prints one table per section: each figure is a median
over ``--repeat`` runs (the window edit also its 99th percentile), next to a
baseline doing the bare minimum of the same job, and their ratio. The last
table shows how each figure grows with the number of participants. The
sections: start-up, import and dump, check, documents, the window edit,
scrolling the participants table, a participants CSV of 100,000 rows,
matching (``--only`` picks some).
"""

from __future__ import annotations

import argparse
import contextlib
import cProfile
import csv
import io
import json
import math
import os
import pstats
import resource
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

HERE = Path(__file__).resolve().parent
if str(HERE) not in sys.path:
    sys.path.insert(0, str(HERE))

import data  # noqa: E402  (benchmarks/data.py, beside this file)

MAIN_N = 2000


# ----- figures and tables -------------------------------------------------------


def median(values: list[float]) -> float:
    return statistics.median(values)


def p99(values: list[float]) -> float:
    """Nearest-rank 99th percentile."""
    ordered = sorted(values)
    return ordered[max(0, math.ceil(0.99 * len(ordered)) - 1)]


@dataclass
class Row:
    """One line of a section's table: the product's figure, the baseline's, and the target."""

    figure: str
    value: float
    unit: str  # "s", "ms" or "MB"
    baseline: str = ""
    base_value: float | None = None
    target: str = ""
    met: bool | None = None
    note: str = ""

    @property
    def ratio(self) -> float | None:
        if self.base_value is None or self.base_value <= 0:
            return None
        return self.value / self.base_value


def show(value: float | None, unit: str) -> str:
    if value is None:
        return "-"
    if unit == "s":
        return f"{value:.3f} s"
    if unit == "ms":
        return f"{value * 1000:.2f} ms"
    if unit == "MB":
        return f"{value:.1f} MB"
    return f"{value:g}{unit}"


def print_table(rows: list[Row]) -> None:
    headers = ("figure", "product", "baseline", "base", "ratio", "target", "met")
    lines = [
        (
            r.figure,
            show(r.value, r.unit),
            r.baseline,
            show(r.base_value, r.unit),
            "-" if r.ratio is None else f"{r.ratio:.2f}x",
            r.target,
            {True: "yes", False: "NO", None: "-"}[r.met],
        )
        for r in rows
    ]
    widths = [max(len(h), *(len(line[i]) for line in lines)) for i, h in enumerate(headers)]
    print("  ".join(h.ljust(w) for h, w in zip(headers, widths, strict=True)))
    print("  ".join("-" * w for w in widths))
    for line in lines:
        print("  ".join(c.ljust(w) for c, w in zip(line, widths, strict=True)))
    for r in rows:
        if r.note:
            print(f"  note: {r.figure}: {r.note}")
    print()


def section(title: str) -> None:
    print(f"== {title} ==", flush=True)


def timed(
    fn: Callable[[], Any], repeat: int, setup: Callable[[], Any] | None = None
) -> list[float]:
    """Wall times of ``fn`` over ``repeat`` runs (``setup`` runs untimed before each)."""
    out = []
    for _ in range(repeat):
        if setup is not None:
            setup()
        t0 = time.perf_counter()
        fn()
        out.append(time.perf_counter() - t0)
    return out


# ----- the child processes of the start-up section --------------------------------


# How long the "settled" start-up child keeps the window open after its first frame.
SETTLE_S = 1.0


def child_main(kind: str, db: str | None, t0: float) -> int:
    """Show a window, quit on the first turn of the event loop, print wall time and peak RSS.

    ``app-settled`` keeps the window open ``SETTLE_S`` after that first turn (the
    window's idle-time work, such as importing sqlite-utils, has run by then)
    and gives the peak memory at that point.
    """
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication

    result: dict[str, Any] = {}
    if kind == "bare":
        from PySide6.QtWidgets import QMainWindow

        app = QApplication(sys.argv[:1])
        window = QMainWindow()
    else:
        from mentor_desk import app as app_module

        # As ``mentor-desk --db FILE`` does: the QApplication, the file, the window.
        window = app_module.create_window(Path(db))  # type: ignore[arg-type]
        app = QApplication.instance()
        session = getattr(window, "session", None)
        program = getattr(session, "program", None)
        result["program"] = getattr(program, "name", None)
        result["participants"] = len(program.participants) if program is not None else None

    def first_turn() -> None:
        result["wall"] = time.time() - t0
        result["visible"] = window.isVisible()
        result["first_frame_rss_mb"] = peak_rss_mb()
        if kind == "app-settled":
            QTimer.singleShot(int(SETTLE_S * 1000), settled)
        else:
            app.quit()

    def settled() -> None:
        result["sqlite_utils"] = "sqlite_utils" in sys.modules
        app.quit()

    window.show()
    QTimer.singleShot(0, first_turn)
    app.exec()
    result["rss_mb"] = peak_rss_mb()
    result["ru_maxrss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print("RESULT " + json.dumps(result), flush=True)
    with contextlib.suppress(Exception):
        window.close()
    return 0


def peak_rss_mb() -> float:
    """This process's peak resident memory since its exec (VmHWM).

    ``getrusage(RUSAGE_SELF).ru_maxrss`` is kept across exec, so a child started
    by a parent holding a large program would report the parent's size; the
    kernel's high-water mark of the process's own address space is not.
    """
    with contextlib.suppress(OSError):
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def run_child(kind: str, db: Path | None, env: dict[str, str]) -> tuple[dict[str, Any], float]:
    """One start-up in a fresh interpreter: (what the child measured, whole-process wall time)."""
    cmd = [sys.executable, str(Path(__file__).resolve()), "--child", kind]
    if db is not None:
        cmd += ["--db", str(db)]
    t0 = time.time()
    child_env = dict(env, BENCH_T0=repr(t0))
    proc = subprocess.run(cmd, capture_output=True, text=True, env=child_env, timeout=300)
    whole = time.time() - t0
    for line in proc.stdout.splitlines():
        if line.startswith("RESULT "):
            return json.loads(line[7:]), whole
    raise RuntimeError(
        f"the {kind} window did not start (exit {proc.returncode}):\n{proc.stderr[-2000:]}"
    )


# ----- the sections ---------------------------------------------------------------


@dataclass
class Context:
    """What the sections of one size share."""

    n: int
    work: Path
    env: dict[str, str]
    repeat: int
    edits: int
    document: dict[str, Any]
    json_path: Path
    db: Path | None = None  # a file holding the program, imported once
    program_id: int | None = None
    program: Any = None  # the loaded Program
    rows: dict[str, list[Row]] = field(default_factory=dict)
    skipped: dict[str, str] = field(default_factory=dict)


def fresh_db(ctx: Context, name: str) -> Path:
    return ctx.work / f"{name}-{ctx.n}-{time.monotonic_ns()}.db"


def prepare(ctx: Context) -> None:
    """Import the program once into a file the other sections read or copy."""
    from mentor_desk import services

    ctx.db = ctx.work / f"program-{ctx.n}.db"
    if ctx.db.exists():
        ctx.db.unlink()
    pf = services.open_file(ctx.db)
    try:
        ctx.program_id = services.import_file(pf, path=ctx.json_path)
        ctx.program = services.load_program(pf, ctx.program_id)
    finally:
        pf.close()


def compiled_env(ctx: Context) -> dict[str, str]:
    """The children's environment with Python's bytecode cache on, in the work folder.

    An installed Mentor Desk starts from compiled bytecode (pip compiles it;
    a source checkout writes ``__pycache__`` on its first run). An environment
    that sets ``PYTHONDONTWRITEBYTECODE`` instead compiles every module from
    source on every start.
    """
    env = dict(ctx.env, PYTHONPYCACHEPREFIX=str(ctx.work / "pycache"))
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    return env


def source_env(ctx: Context) -> dict[str, str]:
    """The children's environment with no bytecode at all: every module compiled on start.

    ``PYTHONPYCACHEPREFIX`` points at an empty folder, so that ``__pycache__``
    folders left in the source tree (a run without ``PYTHONDONTWRITEBYTECODE``,
    ``compileall``) are not read either, and nothing is written.
    """
    empty = ctx.work / "no-pycache"
    empty.mkdir(exist_ok=True)
    return dict(ctx.env, PYTHONPYCACHEPREFIX=str(empty), PYTHONDONTWRITEBYTECODE="1")


def sec_startup(ctx: Context) -> list[Row]:
    from mentor_desk import app as app_module

    if not hasattr(app_module, "create_window"):
        ctx.skipped["startup"] = "mentor_desk.app.create_window does not exist yet"
        return []
    assert ctx.db is not None
    # The window opens its own copy: it takes the writer's lock and may write its state.
    db = ctx.work / f"startup-{ctx.n}.db"
    shutil.copy(ctx.db, db)
    remember_last_program(db, ctx)
    compiled, source = compiled_env(ctx), source_env(ctx)
    for kind in ("bare", "app"):  # untimed: compiles the bytecode the timed runs use
        run_child(kind, db if kind == "app" else None, compiled)
    bare, app, bare_c, app_c, settled = [], [], [], [], []
    for _ in range(ctx.repeat):
        bare.append(run_child("bare", None, source))
        app.append(run_child("app", db, source))
        bare_c.append(run_child("bare", None, compiled))
        app_c.append(run_child("app", db, compiled))
        settled.append(run_child("app-settled", db, compiled))
    shown = {r[0].get("program") for r in app + app_c + settled}
    if shown != {ctx.program.name}:
        raise RuntimeError(f"the window showed {shown}, not the program {ctx.program.name!r}")

    def of(runs: list[tuple[dict[str, Any], float]], key: str) -> float:
        return median([r[0][key] for r in runs])

    t_app, t_bare = of(app, "wall"), of(bare, "wall")
    m_app, m_bare = of(app, "rss_mb"), of(bare, "rss_mb")
    tc_app, tc_bare = of(app_c, "wall"), of(bare_c, "wall")
    mc_app, mc_bare = of(app_c, "rss_mb"), of(bare_c, "rss_mb")
    m_settled = of(settled, "rss_mb")
    warmed = sum(1 for r in settled if r[0].get("sqlite_utils"))
    rows = [
        Row("start-up to first shown window", t_app, "s", "bare QMainWindow", t_bare,
            "<= 2x", t_app <= 2 * t_bare,
            note="no bytecode: every module compiled from source on each start, for the "
            "window and the bare baseline alike"),
        Row("start-up peak memory (RSS)", m_app, "MB", "bare QMainWindow", m_bare,
            "<= 1.5x", m_app <= 1.5 * m_bare),
        Row("start-up whole process", median([r[1] for r in app]), "s", "bare QMainWindow",
            median([r[1] for r in bare])),
        Row("start-up, bytecode compiled", tc_app, "s", "bare QMainWindow", tc_bare,
            "<= 2x", tc_app <= 2 * tc_bare,
            note="as an installed Mentor Desk starts: the bytecode compiled beforehand, "
            "for the window and the bare baseline alike"),
        Row("start-up memory, bytecode compiled", mc_app, "MB", "bare QMainWindow", mc_bare,
            "<= 1.5x", mc_app <= 1.5 * mc_bare),
        Row(f"peak memory {SETTLE_S:g} s after the first frame", m_settled, "MB",
            "bare QMainWindow", mc_bare,
            note=f"after the window's idle-time work (sqlite-utils imported in {warmed} of "
            f"{len(settled)} runs); bytecode compiled"),
    ]  # fmt: skip
    return rows


def remember_last_program(db: Path, ctx: Context) -> None:
    """Make the benchmark's program the one the window last showed, with another program beside it.

    The window reopens the program named in its settings (``last/db`` and
    ``last/program`` in the INI file under the benchmark's own config folder).
    """
    from mentor_desk import services
    from mentor_desk.ui.main_window import app_settings

    pf = services.open_file(db)
    try:
        if not any(p.name != ctx.program.name for p in services.list_programs(pf)):
            services.load_demo(pf)
    finally:
        pf.close()
    settings = app_settings()
    settings.setValue("last/db", str(db.resolve()))
    settings.setValue("last/program", ctx.program_id)
    settings.sync()


def flat_rows(document: dict[str, Any]) -> list[tuple[str, int, str]]:
    """Every list item of the document as (collection, position, JSON text): the baseline's rows."""
    out: list[tuple[str, int, str]] = []

    def walk(value: Any, path: str) -> None:
        if isinstance(value, dict):
            for key, inner in value.items():
                walk(inner, f"{path}.{key}" if path else key)
        elif isinstance(value, list):
            for i, item in enumerate(value):
                if isinstance(item, dict):
                    out.append((path, i, json.dumps(item, ensure_ascii=False)))
                    walk({k: v for k, v in item.items() if isinstance(v, list)}, path)

    walk(document["program"], "")
    return out


def baseline_import(json_path: Path, db: Path) -> int:
    document = json.loads(json_path.read_bytes())
    rows = flat_rows(document)
    conn = sqlite3.connect(db)
    conn.execute("PRAGMA journal_mode = WAL")
    conn.execute("CREATE TABLE IF NOT EXISTS items (collection TEXT, position INTEGER, data TEXT)")
    with conn:
        conn.executemany("INSERT INTO items VALUES (?, ?, ?)", rows)
    conn.close()
    return len(rows)


def baseline_dump(db: Path) -> str:
    conn = sqlite3.connect(db)
    rows = conn.execute("SELECT collection, position, data FROM items").fetchall()
    conn.close()
    return json.dumps(rows, ensure_ascii=False, indent=2)


def sec_import_dump(ctx: Context) -> list[Row]:
    from mentor_desk import services

    # Opening the empty file is set-up; the import (parse, validate, store) is timed.
    files: list[Any] = []

    def setup_import() -> None:
        files.append(services.open_file(fresh_db(ctx, "import")))

    def timed_import() -> None:
        services.import_file(files[-1], path=ctx.json_path)
        files[-1].close()

    t_import = timed(timed_import, ctx.repeat, setup_import)
    base_dbs: list[Path] = []
    t_base_import = timed(
        lambda: baseline_import(ctx.json_path, base_dbs[-1]),
        ctx.repeat,
        lambda: base_dbs.append(fresh_db(ctx, "flat")),
    )
    assert ctx.db is not None
    pf = services.open_file(ctx.db, readonly=True)
    try:
        text = services.dump_program(pf, ref=ctx.program_id)  # type: ignore[arg-type]
        t_dump = timed(lambda: services.dump_program(pf, ref=ctx.program_id), ctx.repeat)  # type: ignore[arg-type]
    finally:
        pf.close()
    same = json.loads(text) == ctx.document
    dump_note = "gives the imported document back" if same else "NOT the imported document"
    t_base_dump = timed(lambda: baseline_dump(base_dbs[-1]), ctx.repeat)
    t_refused, refused_note = time_refused_import(ctx)
    bad_path = ctx.work / f"bad-{ctx.n}.json"
    t_base_refused = timed(lambda: baseline_validate(bad_path), ctx.repeat)
    ti, td, tr = median(t_import), median(t_dump), median(t_refused)
    return [
        Row("import (parse+validate+store)", ti, "s", "json + executemany", median(t_base_import),
            "< 1 s", ti < 1.0),
        Row("import refused (3 bad values)", tr, "s", "json + jsonschema", median(t_base_refused),
            "< 1 s", tr < 1.0, note=refused_note),
        Row("dump", td, "s", "SELECT + json.dumps", median(t_base_dump), "< 1 s", td < 1.0,
            note=dump_note),
    ]  # fmt: skip


BAD_VALUES = 3


def bad_document(document: dict[str, Any]) -> dict[str, Any]:
    """The document with BAD_VALUES values that break the schema: near its start, middle, end."""
    doc = json.loads(json.dumps(document))
    p = doc["program"]
    p["stakeholders"][2]["role"] = "ceo"
    p["participants"][len(p["participants"]) // 2]["joined_on"] = "2027-02-30"
    p["participants"][-1]["role"] = "coach"
    return doc


def time_refused_import(ctx: Context) -> tuple[list[float], str]:
    """Import of a bad document: refused with every problem listed and nothing written."""
    from mentor_desk import services
    from mentor_desk.errors import DocumentError

    path = ctx.work / f"bad-{ctx.n}.json"
    path.write_text(json.dumps(bad_document(ctx.document), ensure_ascii=False, indent=2), "utf-8")
    pf = services.open_file(fresh_db(ctx, "refused"))
    problems: list[list[str]] = []

    def refused() -> None:
        try:
            services.import_file(pf, path=path)
        except DocumentError as exc:
            problems.append(exc.problems)
        else:
            problems.append([])

    try:
        times = timed(refused, ctx.repeat)
        written = len(services.list_programs(pf))
    finally:
        pf.close()
    listed = {len(p) for p in problems}
    if listed == {BAD_VALUES} and written == 0:
        return times, f"{BAD_VALUES} problems listed with their paths, nothing written"
    return times, f"PROBLEM: problems listed {sorted(listed)}, programs written {written}"


def baseline_validate(json_path: Path) -> int:
    """Parse and list the problems with jsonschema on the shipped schema, directly."""
    import jsonschema

    from mentor_desk import interchange

    document = json.loads(json_path.read_bytes())
    cls = jsonschema.validators.validator_for(interchange.schema())
    validator = cls(interchange.schema(), format_checker=cls.FORMAT_CHECKER)
    return len(list(validator.iter_errors(document)))


def plain_pass(program: Any) -> int:
    """Read every field of every item of the program once: the least a rules pass must do."""
    bc, design = program.business_case, program.design
    lists = [
        bc.goals, bc.costs, bc.target_groups, program.metrics, program.stakeholders,
        program.benefits, program.pitch_meetings, design.roles, design.procedures,
        design.competencies, design.trainings, design.communications, program.participants,
        program.pairs, program.development_goals, program.measurements, program.surveys,
        program.ideas, program.journal,
        [e for goal in program.development_goals for e in goal.evaluations],
    ]  # fmt: skip
    seen = 0
    for items in lists:
        if not items:
            continue
        slots = type(items[0]).__slots__
        for item in items:
            for name in slots:
                getattr(item, name)
            seen += 1
    return seen


def sec_check(ctx: Context) -> list[Row]:
    from mentor_desk.domain import rules

    findings = rules.check(ctx.program, data.TODAY)
    t_check = timed(lambda: rules.check(ctx.program, data.TODAY), max(ctx.repeat, 5))
    t_base = timed(lambda: plain_pass(ctx.program), max(ctx.repeat, 5))
    tc = median(t_check)
    return [
        Row("check (every rule)", tc, "s", "one plain pass", median(t_base), "< 0.1 s", tc < 0.1,
            note=f"{len(findings)} findings"),
    ]  # fmt: skip


def baseline_pdf(pages: int) -> bytes:
    """ReportLab's plain document: per page a heading, two paragraphs and a 20-row table."""
    from reportlab.lib import colors
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import getSampleStyleSheet
    from reportlab.platypus import PageBreak, Paragraph, SimpleDocTemplate, Table, TableStyle

    styles = getSampleStyleSheet()
    story: list[Any] = []
    for page in range(pages):
        story.append(Paragraph(f"Section {page + 1}", styles["Heading2"]))
        story.append(Paragraph(" ".join(data.LOREM[:3]).replace("&", "&amp;"), styles["BodyText"]))
        story.append(Paragraph(" ".join(data.LOREM[2:4]).replace("&", "&amp;"), styles["BodyText"]))
        cells = [["Name", "Department", "Status", "Score"]] + [
            [f"Person {page * 20 + r}", data.DEPARTMENTS[r % 12], "active", str(r)]
            for r in range(20)
        ]
        tbl = Table(cells, repeatRows=1)
        tbl.setStyle(TableStyle([("GRID", (0, 0), (-1, -1), 0.25, colors.grey)]))
        story.append(tbl)
        if page < pages - 1:
            story.append(PageBreak())
    out = io.BytesIO()
    SimpleDocTemplate(out, pagesize=A4).build(story)
    return out.getvalue()


def page_count(pdf: bytes) -> int:
    from pypdf import PdfReader

    return len(PdfReader(io.BytesIO(pdf)).pages)


def sec_documents(ctx: Context) -> list[Row]:
    from mentor_desk import services

    rows = []
    for kind, label in (("pitch", "pitch packet"), ("report", "progress report")):

        def build(kind: str = kind) -> bytes:
            return services.build_document(ctx.program, kind=kind, today=data.TODAY)

        t0 = time.perf_counter()
        pdf = build()
        first = time.perf_counter() - t0
        pages = page_count(pdf)
        t0 = time.perf_counter()
        base_pdf = baseline_pdf(pages)
        base_first = time.perf_counter() - t0
        assert page_count(base_pdf) == pages, "the baseline document has another page count"
        # The first build is a run like the others (fonts are registered once per process,
        # as in the application); it counts as one of the ``repeat`` runs.
        t_doc = median([first, *timed(build, ctx.repeat - 1)])
        again = timed(lambda pages=pages: baseline_pdf(pages), ctx.repeat - 1)
        t_base = median([base_first, *again])
        rows.append(
            Row(label, t_doc, "s", "ReportLab plain, same pages", t_base, "< 1.5 s",
                t_doc < 1.5, note=f"{pages} pages, {len(pdf) // 1024} KiB; first build in "
                f"this run {first:.3f} s")
        )  # fmt: skip
    return rows


def find_editor(window: Any) -> Any:
    """A line edit of the window found by its accessible name, as a GUI test would."""
    from PySide6.QtWidgets import QLineEdit

    edits = [e for e in window.findChildren(QLineEdit) if e.accessibleName() and not e.isReadOnly()]
    by_name = {e.accessibleName().casefold(): e for e in edits}
    for name in ("organization", "focus", "meeting cadence", "program manager", "name"):
        if name in by_name:
            return by_name[name]
    return edits[0] if edits else None


EDIT_VALUES = ("Benchmark Corp (edit A)", "Benchmark Corp (edit B)")


def settled(window: Any) -> bool:
    """Whether nothing an edit asked for is still due: the rules' run and a shown dashboard's."""
    session = window.session
    dashboard = getattr(window, "dashboard", None)
    if getattr(session, "findings_pending", False):
        return False
    shown = dashboard is not None and dashboard.isVisible()
    return not (shown and getattr(dashboard, "redraw_pending", False))


def child_edit(db: str, edits: int) -> int:
    """Drive the real window: type into a field found by accessible name, press Return, repeat.

    Two times per edit, on the monotonic clock, the typing itself untimed:

    * committed: from just before the Return key press is sent until the
      handler has returned (``QTest.keyClick`` returns when the key event has
      been handled): the value validated, written and committed in the file
      (one transaction, the file's usual ``synchronous`` setting), the undo
      step pushed, the loaded program updated and the listeners of
      ``changed`` and ``programsChanged`` done (the page's fields and tables,
      the program list, which shows the organization). That the commit
      reached the file is checked right after, untimed, with ``PRAGMA
      data_version`` on a second connection;
    * committed and redrawn: the committed time plus, after that check, the
      time to process the events the edit posted until nothing it asked for is
      due (``settled``: the rules re-run and ``findingsChanged`` handled by the
      findings panels, the navigator and the pages; a dashboard redraw if the
      dashboard is shown), then one more pass of the event loop for the paints
      they asked for.

    The field is on the Business case page, which is the page shown (the
    dashboard is hidden and owes its redraw to the next time it is shown).

    After each edit, a bare sqlite3 UPDATE and commit on a one-row file beside
    the program file is timed too (the baseline, at the same moments: the disk
    is shared, and a commit's time is mostly its fsync).

    Prints one ``EDIT committed-seconds redrawn-seconds seen baseline-seconds``
    line per edit as it goes (so that a crash part-way still leaves the figures
    before it), then ``RESULT``.
    """
    from PySide6.QtCore import Qt
    from PySide6.QtTest import QTest
    from PySide6.QtWidgets import QApplication

    from mentor_desk import app as app_module

    window = app_module.create_window(Path(db))
    qapp = QApplication.instance()
    assert qapp is not None
    window.show()
    qapp.processEvents()
    editor = find_editor(window)
    program = getattr(getattr(window, "session", None), "program", None)
    info = {
        "program": getattr(program, "name", None),
        "field": editor.accessibleName() if editor is not None else None,
    }
    print("INFO " + json.dumps(info), flush=True)
    if editor is None or program is None:
        return 0
    editor.setFocus()
    watcher = sqlite3.connect(db)
    version = watcher.execute("PRAGMA data_version").fetchone()[0]
    bare = bare_file(Path(db).with_name("bare-beside.db"))
    # PySide6 6.12.0 on Python 3.11 drops a reference to None on calls into Qt; once None's
    # count reaches zero the interpreter aborts. Measure the loss per edit, and hold enough
    # extra references that the run completes (the timings are unaffected).
    ballast = (None,) * 2_000_000  # a tuple of None: untracked by the garbage collector
    none_refs = sys.getrefcount(None) - len(ballast)
    warm = min(10, edits // 2)  # the first edits fill caches (which hold references)
    before = sys.getrefcount(None)
    for i in range(edits):
        if i == warm:
            before = sys.getrefcount(None)
        editor.setText(EDIT_VALUES[i % 2])  # the typing, untimed
        qapp.processEvents()  # and what it drew
        t0 = time.perf_counter()
        QTest.keyClick(editor, Qt.Key.Key_Return)  # commits: stored, applied, signalled
        committed = time.perf_counter() - t0
        now = watcher.execute("PRAGMA data_version").fetchone()[0]  # another connection's commit
        t1 = time.perf_counter()
        while not settled(window):
            qapp.processEvents()
        qapp.processEvents()  # the paints the redraws asked for
        redrawn = committed + time.perf_counter() - t1
        base = bare_edit(bare, i)
        print(f"EDIT {committed!r} {redrawn!r} {int(now != version)} {base!r}", flush=True)
        version = now
    leaked = (before - sys.getrefcount(None)) / max(1, edits - warm)
    watcher.close()
    bare.close()
    window.close()
    qapp.processEvents()
    print(
        "RESULT " + json.dumps({"none_leak_per_edit": leaked, "none_refs": none_refs}), flush=True
    )
    os._exit(0)  # skip teardown: the same refcount fault can abort the interpreter's exit
    return 0


def sec_edit(ctx: Context) -> list[Row]:
    from mentor_desk import app as app_module

    if not hasattr(app_module, "create_window"):
        ctx.skipped["edit"] = "mentor_desk.app.create_window does not exist yet"
        return []
    from mentor_desk import services

    assert ctx.db is not None
    db = ctx.work / f"edit-{ctx.n}.db"
    shutil.copy(ctx.db, db)
    # In a process of its own, as a user's session is (and so that a crash is seen as one).
    cmd = [sys.executable, str(Path(__file__).resolve()), "--child", "edit", "--db", str(db)]
    cmd += ["--edits", str(ctx.edits)]
    proc = subprocess.run(cmd, capture_output=True, text=True, env=ctx.env, timeout=1800)
    info: dict[str, Any] = {}
    samples: list[float] = []  # committed
    redrawn: list[float] = []  # committed and redrawn
    base: list[float] = []  # the bare commit, timed between the window's edits
    committed = 0
    finished = False
    for line in proc.stdout.splitlines():
        if line.startswith("INFO "):
            info = json.loads(line[5:])
        elif line.startswith("EDIT "):
            _, seconds, drawn, seen, bare = line.split()
            samples.append(float(seconds))
            redrawn.append(float(drawn))
            committed += int(seen)
            base.append(float(bare))
        elif line.startswith("RESULT"):
            finished = True
            info.update(json.loads(line[7:]))
    if info.get("program") != ctx.program.name:
        ctx.skipped["edit"] = f"the window did not open the benchmark's program ({info})"
        return []
    if not info.get("field"):
        ctx.skipped["edit"] = "no line edit with an accessible name in the window"
        return []
    problems = []
    if not finished or proc.returncode != 0:
        last_err = [ln for ln in proc.stderr.splitlines() if "Fatal" in ln or "Error" in ln]
        problems.append(
            f"the window process ended after {len(samples)} of {ctx.edits} edits "
            f"(exit {proc.returncode}: {last_err[0] if last_err else proc.stderr[-300:]!r})"
        )
    if samples:
        pf = services.open_file(db, readonly=True)
        try:
            dumped = services.dump_program(pf, ref=ctx.program_id)  # type: ignore[arg-type]
        finally:
            pf.close()
        last = {EDIT_VALUES[(len(samples) - 1) % 2]}
        if not finished:  # it may have died after committing the next one
            last.add(EDIT_VALUES[len(samples) % 2])
        if not any(json.dumps(v, ensure_ascii=False) in dumped for v in last):
            problems.append("the last value typed is not in the file")
    leak = info.get("none_leak_per_edit", 0)
    note = f"field {info['field']!r}, {committed}/{len(samples)} commits seen on disk"
    if leak >= 1 and info.get("none_refs", 0) >= 1 << 39:
        note += (
            f"; each edit drops {leak:.0f} references to None (PySide6 6.12.0 on Python 3.11), "
            "made harmless by the workaround in mentor_desk/ui/__init__.py"
        )
    elif leak >= 1:
        problems.append(
            f"each edit drops {leak:.0f} references to None (PySide6 6.12.0 on Python 3.11); "
            f"None holds about {info['none_refs']:,} once the window is open, so a session "
            f"aborts with 'Fatal Python error: none_dealloc' after about "
            f"{info['none_refs'] / leak:,.0f} edits "
            "(this run held extra references to finish)"
        )
    if problems:
        ctx.skipped["edit"] = "; ".join(problems)
    if not samples:
        return []
    if len(base) != len(samples):  # an older child: the baseline on its own afterwards
        base = baseline_edits(ctx.work / f"bare-{ctx.n}.db", ctx.edits)
    bare = "sqlite3 UPDATE+commit"
    note += "; the baseline is timed between the window's edits, on a file beside it"
    return [
        Row("window edit committed (median)", median(samples), "ms", bare, median(base),
            note=note),
        Row("window edit committed (p99)", p99(samples), "ms", bare, p99(base), "p99 < 5 ms",
            p99(samples) < 0.005),
        Row("window edit committed and redrawn (median)", median(redrawn), "ms", bare,
            median(base), note="until the rules have re-run and the findings and views are drawn"),
        Row("window edit committed and redrawn (p99)", p99(redrawn), "ms", bare, p99(base)),
    ]  # fmt: skip


def bare_file(path: Path) -> sqlite3.Connection:
    """The baseline's file: one row, WAL, SQLite's default synchronous (as the program file)."""
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("PRAGMA journal_mode = WAL")
    conn.execute("CREATE TABLE IF NOT EXISTS programs (id INTEGER PRIMARY KEY, organization TEXT)")
    conn.execute("INSERT OR REPLACE INTO programs VALUES (1, 'x')")
    return conn


def bare_edit(conn: sqlite3.Connection, i: int) -> float:
    """One baseline edit: an UPDATE and its commit; the seconds it took."""
    t0 = time.perf_counter()
    conn.execute("BEGIN")
    conn.execute("UPDATE programs SET organization = ? WHERE id = 1", (f"edit {i % 2}",))
    conn.execute("COMMIT")
    return time.perf_counter() - t0


def baseline_edits(path: Path, count: int) -> list[float]:
    conn = bare_file(path)
    out = [bare_edit(conn, i) for i in range(count)]
    conn.close()
    return out


# ----- scrolling the participants table --------------------------------------------


FRAME_60HZ = 1 / 60


def scroll_frames(view: Any, qapp: Any, steps: int) -> list[float]:
    """Scroll ``view`` down a page at a time (and back up when at the end), painting each frame.

    Each sample is one scroll step: the scroll bar moved, the rows that come into view
    asked of the model and painted (``repaint()`` paints synchronously), the events
    posted processed.
    """
    bar = view.verticalScrollBar()
    out = []
    direction = 1
    for _ in range(steps):
        if bar.value() >= bar.maximum():
            direction = -1
        elif bar.value() <= bar.minimum():
            direction = 1
        t0 = time.perf_counter()
        bar.setValue(bar.value() + direction * bar.pageStep())
        view.viewport().repaint()
        qapp.processEvents()
        out.append(time.perf_counter() - t0)
    return out


def child_scroll(db: str, steps: int) -> int:
    """The Launch page's participants table in the real window, then a bare QTableView.

    The bare view shows the same rows and columns as plain strings from a minimal
    QAbstractTableModel, at the same size, in the same process.
    """
    from PySide6.QtCore import QAbstractTableModel, QModelIndex, Qt
    from PySide6.QtWidgets import QApplication, QTableView

    from mentor_desk import app as app_module
    from mentor_desk.domain import model as m

    window = app_module.create_window(Path(db))
    qapp = QApplication.instance()
    assert qapp is not None
    window.resize(1400, 900)
    window.show()
    window.show_step(m.Step.LAUNCH)
    qapp.processEvents()
    page = window.pages[m.Step.LAUNCH]
    view = page.participants.view
    model = view.model()
    rows, cols = model.rowCount(), model.columnCount()
    texts = [
        [str(model.index(r, c).data(Qt.ItemDataRole.DisplayRole) or "") for c in range(cols)]
        for r in range(rows)
    ]
    scroll_frames(view, qapp, 5)  # warm: first paint, font caches
    product = scroll_frames(view, qapp, steps)

    class Plain(QAbstractTableModel):
        def rowCount(self, parent: Any = QModelIndex()) -> int:  # noqa: B008
            return 0 if parent.isValid() else rows

        def columnCount(self, parent: Any = QModelIndex()) -> int:  # noqa: B008
            return 0 if parent.isValid() else cols

        def data(self, index: Any, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
            if role == Qt.ItemDataRole.DisplayRole:
                return texts[index.row()][index.column()]
            return None

    bare = QTableView()
    plain = Plain()
    bare.setModel(plain)
    bare.resize(view.viewport().size().width(), view.height())
    bare.show()
    qapp.processEvents()
    scroll_frames(bare, qapp, 5)
    baseline = scroll_frames(bare, qapp, steps)
    in_view = view.viewport().height() // max(1, view.verticalHeader().defaultSectionSize())
    result = {"rows": rows, "visible": in_view, "product": product, "baseline": baseline}
    print("RESULT " + json.dumps(result), flush=True)
    os._exit(0)  # see child_edit: skip teardown
    return 0


def sec_scroll(ctx: Context) -> list[Row]:
    assert ctx.db is not None
    db = ctx.work / f"scroll-{ctx.n}.db"
    shutil.copy(ctx.db, db)
    remember_last_program(db, ctx)
    steps = max(20, ctx.edits)
    cmd = [sys.executable, str(Path(__file__).resolve()), "--child", "scroll", "--db", str(db)]
    cmd += ["--edits", str(steps)]
    proc = subprocess.run(cmd, capture_output=True, text=True, env=ctx.env, timeout=600)
    result = next(
        (json.loads(ln[7:]) for ln in proc.stdout.splitlines() if ln.startswith("RESULT ")), None
    )
    if result is None:
        raise RuntimeError(
            f"the window did not scroll (exit {proc.returncode}): {proc.stderr[-500:]}"
        )
    if result["rows"] != len(ctx.program.participants):
        raise RuntimeError(f"the table shows {result['rows']} rows, not every participant")
    note = f"{steps} page-downs over {result['rows']} rows, about {result['visible']} rows in view"
    product, base = result["product"], result["baseline"]
    return [
        Row("participants table scroll, one page (median)", median(product), "ms",
            "bare QTableView, same cells", median(base), note=note),
        Row("participants table scroll, one page (p99)", p99(product), "ms",
            "bare QTableView, same cells", p99(base), "p99 < 16.7 ms", p99(product) < FRAME_60HZ,
            note="smooth: each frame within the 16.7 ms of one refresh at 60 Hz"),
    ]  # fmt: skip


# ----- matching ---------------------------------------------------------------------


def match_ours(program: Any) -> Any:
    from mentor_desk.domain import matching

    return matching.propose(program, data.TODAY)


def match_mentor_match(mentees: list[Any], mentors: list[Any], allowed: Any, points: Any) -> Any:
    """mentor-match 7.0.1 on the same people, our hard constraints and our score as its rules.

    mentor-match scores a pair by applying rule objects and solves one
    Munkres (Hungarian) assignment per list of rules, each mentor taking at
    most one mentee per round. Two rounds give each mentor up to two mentees
    (the design's ``max_mentees_per_mentor``); the second round disqualifies
    mentees matched in the first.
    """
    import matching.rules.rule as rl
    from matching import process
    from matching.mentee import Mentee
    from matching.mentor import Mentor

    mm_mentors = [Mentor(grade=1, email=f"mentor{i}", role="mentor") for i in range(len(mentors))]
    mm_mentees = [Mentee(grade=0, email=f"mentee{i}", role="mentee") for i in range(len(mentees))]
    for i, person in enumerate(mm_mentors):
        person.index = i
    for i, person in enumerate(mm_mentees):
        person.index = i

    class OurScore:
        """Our pair score, in mentor-match's rule protocol."""

        def apply(self, match: Any) -> int:
            return int(points[match.mentee.index, match.mentor.index])

        def evaluate(self, match: Any) -> bool:
            return True

    hard = rl.Disqualify(lambda mt: not allowed[mt.mentee.index, mt.mentor.index])
    once = rl.Disqualify(lambda mt: len(mt.mentee.mentors) > 0)
    process.process_data(mm_mentors, mm_mentees, [[hard, OurScore()], [hard, once, OurScore()]])
    return [(e.index, o.index) for e in mm_mentees for o in e.mentors]


# ----- participants from an HR file -----------------------------------------------


def hr_csv(rows: int) -> bytes:
    """An HR export of ``rows`` people: UTF-8 with a BOM, semicolons, quoted line breaks."""
    out = io.StringIO()
    out.write("Full name;E-mail;Dept;Line manager;Role;Skills\r\n")
    for i in range(rows):
        role = "mentor" if i % 3 == 0 else "mentee"
        manager = f"Zoë Mentor {i // 30 * 3:06d}" if role == "mentee" else ""
        skills = f"planning|skill {i % 23}|coaching" if i % 5 else '"budgets;\nnegotiation"'
        name = f"Zoë Mentor {i:06d}" if role == "mentor" else f"José Mentee {i:06d}"
        out.write(f"{name};p{i}@example.org;Dept {i % 17};{manager};{role};{skills}\r\n")
    return b"\xef\xbb\xbf" + out.getvalue().encode("utf-8")


def baseline_csv(data: bytes, db: Path) -> int:
    """Decode, csv.reader, one executemany into a flat table in one transaction."""
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig")), delimiter=";"))
    conn = sqlite3.connect(db, isolation_level=None)
    conn.execute("PRAGMA journal_mode = WAL")
    conn.execute("CREATE TABLE people (name, email, department, manager, role, skills)")
    conn.execute("BEGIN")
    conn.executemany("INSERT INTO people VALUES (?, ?, ?, ?, ?, ?)", rows[1:])
    conn.execute("COMMIT")
    conn.close()
    return len(rows) - 1


def sec_csv(repeat: int, rows: int, work: Path, env: dict[str, str]) -> list[Row]:
    """``participants import`` of an HR file: the service, the same again, the whole command."""
    from mentor_desk import services

    data = hr_csv(rows)
    path = work / f"hr-{rows}.csv"
    path.write_bytes(data)
    files: list[Any] = []

    def setup() -> None:
        db = work / f"csv-{rows}-{time.monotonic_ns()}.db"
        pf = services.open_file(db)
        files.append((pf, services.load_demo(pf), db))

    results: list[Any] = []

    def imported() -> None:
        pf, program_id, _db = files[-1]
        results.append(services.import_participants_csv(pf, program_id=program_id, path=path))

    t_new = timed(imported, repeat, setup)
    pf, program_id, db = files[-1]
    t_again = timed(imported, repeat)
    stored = len(services.load_program(pf, program_id).participants)
    for f in files:
        f[0].close()
    first, again = results[0], results[-1]
    if first.added != rows or stored != rows + 4 or again.added != 0:
        raise RuntimeError(f"the import did not store every row: {first}, {again}, {stored}")
    t_cli = []
    for _ in range(repeat):
        cli_db = work / f"csv-cli-{time.monotonic_ns()}.db"
        mentor_desk = [sys.executable, "-m", "mentor_desk", "--db", str(cli_db)]
        subprocess.run([*mentor_desk, "demo"], env=env, check=True, capture_output=True)
        t0 = time.perf_counter()
        proc = subprocess.run(
            [*mentor_desk, "participants", "import", "1", str(path)],
            env=env, capture_output=True, text=True,
        )  # fmt: skip
        t_cli.append(time.perf_counter() - t0)
        if proc.returncode != 0 or f"added {rows}" not in proc.stdout:
            raise RuntimeError(f"the command failed: {proc.stdout}{proc.stderr[-500:]}")
    base_dbs: list[Path] = []
    t_base = timed(
        lambda: baseline_csv(data, base_dbs[-1]),
        repeat,
        lambda: base_dbs.append(work / f"csv-flat-{time.monotonic_ns()}.db"),
    )
    note = (
        f"{rows:,} rows ({len(data) / 2**20:.1f} MiB, {first.encoding}, {first.delimiter_name}, "
        "quoted line breaks), each checked, one transaction"
    )
    return [
        Row(f"CSV import, {rows:,} new participants", median(t_new), "s",
            "csv.reader + executemany", median(t_base), note=note),
        Row(f"CSV import, the same {rows:,} again", median(t_again), "s",
            "csv.reader + executemany", median(t_base),
            note="every row matched by e-mail and already stored: nothing to write"),
        Row(f"participants import command, {rows:,} rows", median(t_cli), "s",
            "csv.reader + executemany", median(t_base), "< 10 s", median(t_cli) < 10,
            note="the whole process, as typed in a terminal"),
    ]  # fmt: skip


def sec_matching(ctx_repeat: int, sizes: list[tuple[int, int]], mm_limit: int) -> list[Row]:
    from mentor_desk import interchange
    from mentor_desk.domain import matching

    rows = []
    try:
        import matching as mm_package  # noqa: F401  (mentor-match's package is named "matching")
        from matching import process  # noqa: F401

        mm_missing = None
    except ImportError as exc:
        mm_missing = f"mentor-match is not installed ({exc}); pip install mentor-match==7.0.1"
    for mentees_n, mentors_n in sizes:
        program = interchange.read_document(data.matching_document(mentees_n, mentors_n))
        match_ours(program)  # warm: scipy is imported on the first call
        t_ours = timed(lambda program=program: match_ours(program), ctx_repeat)
        result = match_ours(program)
        ours_total = result.total_score
        label = f"matching {mentees_n}x{mentors_n}"
        if mm_missing is not None:
            rows.append(Row(label, median(t_ours), "s", note=f"ours: total score {ours_total}"))
            print(f"skipped mentor-match: {mm_missing}")
            continue
        if mentees_n > mm_limit:
            rows.append(
                Row(label, median(t_ours), "s", note=(
                    f"ours: total score {ours_total}, {len(result.proposals)} pairs; "
                    f"mentor-match not run at this size (pure-Python Munkres, O(n^3): "
                    f"minutes; see the smaller sizes)"))
            )  # fmt: skip
            continue
        today = data.TODAY
        mentees = [
            p for p in program.participants
            if p.role == "mentee" and not (p.left_on and p.left_on <= today)
        ]  # fmt: skip
        mentors = [
            p for p in program.participants
            if p.role == "mentor" and not (p.left_on and p.left_on <= today)
        ]  # fmt: skip
        allowed, points, _ = matching._score(mentees, mentors)
        mm_times = []
        pairs: list[tuple[int, int]] = []
        for _ in range(max(1, min(ctx_repeat, 3 if mentees_n <= 400 else 1))):
            t0 = time.perf_counter()
            pairs = match_mentor_match(mentees, mentors, allowed, points)
            mm_times.append(time.perf_counter() - t0)
        mm_total = int(sum(points[e, o] for e, o in pairs))
        broken = sum(not allowed[e, o] for e, o in pairs)
        load: dict[int, int] = {}
        for _, o in pairs:
            load[o] = load.get(o, 0) + 1
        over = sum(v > 2 for v in load.values())
        rows.append(
            Row(label, median(t_ours), "s", "mentor-match 7.0.1", median(mm_times),
                note=(f"total score (our scoring): ours {ours_total} in "
                      f"{len(result.proposals)} pairs, mentor-match {mm_total} in {len(pairs)} "
                      f"pairs; mentor-match broke {broken} hard constraints, {over} mentors "
                      "over capacity"))
        )  # fmt: skip
    return rows


# ----- one size, whole ---------------------------------------------------------------

SECTIONS: tuple[tuple[str, str, Callable[[Context], list[Row]]], ...] = (
    ("startup", "Start-up", sec_startup),
    ("import", "Import and dump", sec_import_dump),
    ("check", "Check", sec_check),
    ("documents", "Documents", sec_documents),
    ("edit", "Window edit", sec_edit),
    ("scroll", "Scrolling", sec_scroll),
)


def measure_size(
    n: int, args: argparse.Namespace, work: Path, env: dict[str, str], *, only: tuple[str, ...]
) -> Context:
    """The sections named in ``only`` at ``n`` participants."""
    document = data.program_document(n)
    json_path = work / f"program-{n}.json"
    json_path.write_text(json.dumps(document, ensure_ascii=False, indent=2), "utf-8")
    ctx = Context(n, work, env, args.repeat, args.edits, document, json_path)
    validate(document)
    prepare(ctx)
    for key, _title, fn in SECTIONS:
        if key not in only:
            continue
        try:
            ctx.rows[key] = fn(ctx)
        except Exception as exc:  # a section that fails says why; the others still run
            ctx.skipped[key] = f"failed: {type(exc).__name__}: {exc}"
            ctx.rows[key] = []
    return ctx


def validate(document: dict[str, Any]) -> None:
    """The generated document against the shipped schema, with jsonschema directly."""
    import jsonschema

    from mentor_desk import interchange

    cls = jsonschema.validators.validator_for(interchange.schema())
    errors = list(cls(interchange.schema()).iter_errors(document))
    if errors:
        raise SystemExit(f"the generated document is not valid: {errors[0].message}")


def print_size(ctx: Context) -> None:
    for key, title, _fn in SECTIONS:
        if key not in ctx.rows and key not in ctx.skipped:
            continue  # not run (--only)
        section(f"{title} (N={ctx.n})")
        if ctx.rows.get(key):
            print_table(ctx.rows[key])
        if key in ctx.skipped:
            word = "PROBLEM" if ctx.rows.get(key) else "skipped"
            print(f"{word}: {ctx.skipped[key]}\n")


def print_growth(contexts: list[Context]) -> None:
    section("Growth")
    lines_of: list[tuple[str, bool, str]] = []  # (figure, baseline?, label)
    for ctx in contexts:
        for key, _t, _f in SECTIONS:
            for row in ctx.rows.get(key, []):
                entries = [(row.figure, False, row.figure)]
                if row.baseline:
                    entries.append((row.figure, True, f"  baseline: {row.baseline}"))
                for entry in entries:
                    if entry not in lines_of:
                        lines_of.append(entry)

    def value(ctx: Context, figure: str, base: bool) -> tuple[float, str] | None:
        for rows in ctx.rows.values():
            for row in rows:
                if row.figure == figure:
                    number = row.base_value if base else row.value
                    return None if number is None else (number, row.unit)
        return None

    header = ["figure"] + [f"N={c.n}" for c in contexts]
    header += [f"x{contexts[i].n}->{contexts[i + 1].n}" for i in range(len(contexts) - 1)]
    items = [data.count_items(c.document) for c in contexts]
    lines = [
        ["participants"] + [str(c.n) for c in contexts]
        + [f"{contexts[i + 1].n / contexts[i].n:.2f}" for i in range(len(contexts) - 1)],
        ["rows (items) in the document"] + [str(x) for x in items]
        + [f"{items[i + 1] / items[i]:.2f}" for i in range(len(contexts) - 1)],
    ]  # fmt: skip
    worst: list[str] = []
    for figure, base, label in lines_of:
        vals = [value(c, figure, base) for c in contexts]
        cells = [label] + ["-" if v is None else show(v[0], v[1]) for v in vals]
        for i in range(len(contexts) - 1):
            a, b = vals[i], vals[i + 1]
            if a is None or b is None or a[0] <= 0:
                cells.append("-")
                continue
            factor = b[0] / a[0]
            data_factor = items[i + 1] / items[i]
            flag = " !" if factor > data_factor * 1.1 and not base else ""
            if flag:
                worst.append(f"{figure} {contexts[i].n}->{contexts[i + 1].n}: x{factor:.2f}")
            cells.append(f"{factor:.2f}{flag}")
        lines.append(cells)
    widths = [max(len(row[i]) for row in [header, *lines]) for i in range(len(header))]
    print("  ".join(h.ljust(w) for h, w in zip(header, widths, strict=True)))
    print("  ".join("-" * w for w in widths))
    for row in lines:
        print("  ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)))
    print(
        "\n'!' marks a figure that grew more than 10% faster than the rows of the document."
        + ("\nfaster than the data: " + "; ".join(worst) if worst else "\nno figure grew faster "
           "than the data.")
    )  # fmt: skip
    print()


def profile(target: str, n: int, work: Path) -> None:
    """cProfile one figure and print where its time goes (for docs/benchmarks.md)."""
    from mentor_desk import services
    from mentor_desk.domain import rules

    document = data.program_document(n)
    json_path = work / f"profile-{n}.json"
    json_path.write_text(json.dumps(document, ensure_ascii=False), "utf-8")
    ctx = Context(n, work, dict(os.environ), 1, 1, document, json_path)
    prepare(ctx)
    calls: dict[str, Callable[[], Any]] = {
        "check": lambda: rules.check(ctx.program, data.TODAY),
        "pitch": lambda: services.build_document(ctx.program, kind="pitch", today=data.TODAY),
        "report": lambda: services.build_document(ctx.program, kind="report", today=data.TODAY),
    }
    if target == "import":
        pf = services.open_file(fresh_db(ctx, "profile"))
        calls["import"] = lambda: services.import_file(pf, path=json_path)
    if target == "dump":
        pf = services.open_file(ctx.db, readonly=True)  # type: ignore[arg-type]
        calls["dump"] = lambda: services.dump_program(pf, ref=ctx.program_id)  # type: ignore[arg-type]
    if target == "edit":
        from PySide6.QtCore import Qt
        from PySide6.QtTest import QTest
        from PySide6.QtWidgets import QApplication

        from mentor_desk import app as app_module

        window = app_module.create_window(ctx.db)  # type: ignore[arg-type]
        window.show()
        editor = find_editor(window)

        qapp = QApplication.instance()
        assert qapp is not None

        def edits() -> None:  # committed and redrawn, as the figure of the same name
            for i in range(20):
                editor.setText(f"Benchmark Corp (edit {'AB'[i % 2]})")
                qapp.processEvents()
                QTest.keyClick(editor, Qt.Key.Key_Return)
                while not settled(window):
                    qapp.processEvents()
                qapp.processEvents()

        calls["edit"] = edits
    if target not in calls:
        raise SystemExit(f"--profile takes one of import, dump, edit, {', '.join(calls)}")
    warm = target in ("pitch", "report")
    if warm:
        # the first document of a process loads the fonts (about 0.5 s), as in the application;
        # the benchmark's median of the repeated builds is a later one: profile a later one too
        calls[target]()
    prof = cProfile.Profile()
    prof.enable()
    calls[target]()
    prof.disable()
    stats = pstats.Stats(prof)
    total = stats.total_tt  # type: ignore[attr-defined]
    section(f"Profile of {target} (N={n}, {total:.3f} s{', after one untimed build' * warm})")
    stats.sort_stats("cumulative").print_stats(25)


# ----- main ---------------------------------------------------------------------------


def machine() -> list[str]:
    import platform

    cpu = "?"
    with contextlib.suppress(OSError):
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    mem = "?"
    with contextlib.suppress(OSError):
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal"):
                mem = f"{int(line.split()[1]) / 1024 / 1024:.1f} GiB"
    distro = ""
    with contextlib.suppress(OSError):
        for line in Path("/etc/os-release").read_text().splitlines():
            if line.startswith("PRETTY_NAME="):
                distro = line.split("=", 1)[1].strip('"') + ", "
    import PySide6
    import reportlab
    from PySide6 import QtCore

    return [
        f"cpu: {cpu}, {os.cpu_count()} cores, {mem} RAM",
        f"os: {distro}{platform.platform()}",
        f"python {platform.python_version()}, PySide6 {PySide6.__version__}, "
        f"Qt {QtCore.qVersion()}, SQLite {sqlite3.sqlite_version}, ReportLab {reportlab.Version}",
    ]


def load_average() -> str:
    """The 1, 5 and 15 minute load averages: above 0.5 or so, other work shared the cores."""
    try:
        return " ".join(f"{x:.2f}" for x in os.getloadavg())
    except OSError:
        return "?"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true", help="a small, fast subset (smoke test)")
    parser.add_argument("--sizes", help="participant counts for the growth table (500,2000,8000)")
    parser.add_argument("--repeat", type=int, help="runs per figure (median); default 5")
    parser.add_argument("--edits", type=int, help="window edits timed (default 200)")
    parser.add_argument("--csv-rows", type=int, help="rows of the HR file imported (100000)")
    parser.add_argument("--match", help="MENTEESxMENTORS sizes for matching (1000x500,...)")
    parser.add_argument(
        "--mentor-match-max",
        type=int,
        default=400,
        help="largest mentee count mentor-match is run on (default 400)",
    )
    parser.add_argument("--profile", metavar="FIGURE", help="cProfile one figure and stop")
    parser.add_argument(
        "--only",
        metavar="SECTIONS",
        help="run only these sections, comma-separated: "
        + ", ".join(key for key, _t, _f in SECTIONS)
        + ", csv, matching (default: all)",
    )
    parser.add_argument(
        "--child",
        choices=("bare", "app", "app-settled", "edit", "scroll"),
        help=argparse.SUPPRESS,
    )
    parser.add_argument("--db", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)

    if args.child == "edit":
        return child_edit(args.db, args.edits)
    if args.child == "scroll":
        return child_scroll(args.db, args.edits)
    if args.child:
        return child_main(args.child, args.db, float(os.environ.get("BENCH_T0", time.time())))

    if args.quick:
        sizes = [150, 300]
        args.repeat = args.repeat or 1
        args.edits = args.edits or 10
        args.csv_rows = args.csv_rows or 2000
        match_sizes = [(60, 30)]
    else:
        sizes = [500, MAIN_N, 8000]
        args.repeat = args.repeat or 5
        args.edits = args.edits or 200
        args.csv_rows = args.csv_rows or 100_000
        match_sizes = [(100, 50), (200, 100), (400, 200), (1000, 500)]
    if args.sizes:
        sizes = sorted(int(s) for s in args.sizes.split(","))
    if args.match:
        match_sizes = [tuple(int(x) for x in s.split("x")) for s in args.match.split(",")]  # type: ignore[misc]
    known = {key for key, _t, _f in SECTIONS} | {"csv", "matching"}
    only = tuple(s.strip() for s in args.only.split(",")) if args.only else ()
    if set(only) - known:
        parser.error(f"--only: unknown section {sorted(set(only) - known)[0]!r}")

    work = Path(tempfile.mkdtemp(prefix="mentor-desk-bench-"))
    home = work / "home"
    for sub in ("data", "config", "cache"):
        (home / sub).mkdir(parents=True)
    env = dict(os.environ)
    env.update(
        HOME=str(home),
        XDG_DATA_HOME=str(home / "data"),
        XDG_CONFIG_HOME=str(home / "config"),
        XDG_CACHE_HOME=str(home / "cache"),
        QT_QPA_PLATFORM="offscreen",
    )
    env.pop("MENTOR_DESK_DB", None)
    os.environ.update({k: env[k] for k in ("HOME", "XDG_DATA_HOME", "XDG_CONFIG_HOME")})
    try:
        if args.profile:
            profile(args.profile, MAIN_N if not args.sizes else sizes[-1], work)
            return 0
        section("Machine")
        for line in machine():
            print(line)
        cmd = " ".join(["benchmarks/run.py", *(argv if argv is not None else sys.argv[1:])])
        print(f"command: {cmd}")
        print(f"repeat: {args.repeat} (figures are medians), window edits: {args.edits}")
        print(f"load average at start: {load_average()}\n")

        section("Data")
        contexts = []
        for n in sizes:
            t0 = time.perf_counter()
            # --quick measures the smaller sizes with the fast sections only.
            light = args.quick and n != sizes[-1]
            sections = only or tuple(key for key, _t, _f in SECTIONS)
            if light:
                sections = tuple(s for s in sections if s in ("import", "check"))
            ctx = measure_size(n, args, work, env, only=sections)
            contexts.append(ctx)
            doc = ctx.document["program"]
            print(
                f"N={n}: {data.count_items(ctx.document)} rows: {len(doc['participants'])} "
                f"participants, {len(doc['stakeholders'])} stakeholders, "
                f"{len(doc['business_case']['costs'])} cost lines, "
                f"{len(doc['business_case']['goals'])} goals, {len(doc['measurements'])} "
                f"measurements, {len(doc['pairs'])} pairs, {len(doc['development_goals'])} "
                f"development goals, {len(doc['surveys'])} surveys, {len(doc['ideas'])} ideas; "
                f"valid against the schema; measured in {time.perf_counter() - t0:.0f} s",
                flush=True,
            )
        print()
        main_ctx = next((c for c in contexts if c.n == MAIN_N), contexts[-1])
        print_size(main_ctx)
        if not only or "csv" in only:
            section("Participants from an HR file")
            print_table(sec_csv(min(args.repeat, 3), args.csv_rows, work, env))
        if not only or "matching" in only:
            section("Matching")
            print_table(sec_matching(args.repeat, match_sizes, args.mentor_match_max))
        print_growth(contexts)
        print(f"load average at the end: {load_average()}")
        others = [c for c in contexts if c is not main_ctx]
        for ctx in others:
            for key, reason in ctx.skipped.items():
                print(f"N={ctx.n}: {key} skipped: {reason}")
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
