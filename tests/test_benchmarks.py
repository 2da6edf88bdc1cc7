"""The benchmark script runs end to end in its quick form and prints every section."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

SCRIPT = Path(__file__).resolve().parent.parent / "benchmarks" / "run.py"
SECTIONS = (
    "== Machine ==",
    "== Data ==",
    "== Start-up",
    "== Import and dump",
    "== Check",
    "== Documents",
    "== Window edit",
    "== Scrolling",
    "== Participants from an HR file",
    "== Matching ==",
    "== Growth ==",
)


def test_quick_benchmark_prints_every_section(tmp_path: Path) -> None:
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", TMPDIR=str(tmp_path))
    proc = subprocess.run(
        [sys.executable, str(SCRIPT), "--quick"],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )
    assert proc.returncode == 0, proc.stderr[-3000:]
    out = proc.stdout
    for header in SECTIONS:
        assert header in out, f"{header!r} missing from:\n{out}"
    # Figures, not just headers: the import row has a time and a ratio to its baseline.
    import_line = next(line for line in out.splitlines() if line.startswith("import ("))
    assert " s " in import_line and "x " in import_line
    assert "valid against the schema" in out
    assert "failed:" not in out  # a section that raised says so instead of its figures
    # The work folder (databases, documents) is removed afterwards.
    assert not any(tmp_path.glob("mentor-desk-bench-*"))
