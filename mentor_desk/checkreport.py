"""The findings of ``check`` as a readable report grouped by step, or as DESIGN.md's JSON."""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import date

from mentor_desk.domain.findings import Finding, Severity, step_status
from mentor_desk.domain.model import Program, Step


def has_errors(findings: Sequence[Finding]) -> bool:
    """Whether any finding is error-level (``check`` then exits 1)."""
    return any(f.severity is Severity.ERROR for f in findings)


def check_document(program: Program, today: date, findings: Sequence[Finding]) -> dict:
    """``{"program", "today", "findings", "steps"}`` exactly as DESIGN.md gives it."""
    status = step_status(findings)
    return {
        "program": program.name,
        "today": today.isoformat(),
        "findings": [f.to_json() for f in findings],
        "steps": {step.value: status[step].value for step in Step},
    }


def as_json(program: Program, today: date, findings: Sequence[Finding]) -> str:
    return json.dumps(check_document(program, today, findings), ensure_ascii=False, indent=2) + "\n"


def _count(n: int, word: str) -> str:
    return f"{n} {word}" if n == 1 else f"{n} {word}s"


def as_text(program: Program, today: date, findings: Sequence[Finding]) -> str:
    """One section per step with its status; errors first, then warnings."""
    status = step_status(findings)
    errors = sum(1 for f in findings if f.severity is Severity.ERROR)
    lines = [
        f"{program.name} ({program.organization})",
        f"Checked as of {today.isoformat()}: {_count(errors, 'error')}, "
        f"{_count(len(findings) - errors, 'warning')}.",
    ]
    for step in Step:
        mine = [f for f in findings if f.step is step]
        mine.sort(key=lambda f: f.severity is not Severity.ERROR)
        lines.append("")
        lines.append(f"{step.number}. {step.title}: {status[step].value}")
        if not mine:
            lines.append("   no findings")
        for f in mine:
            message = " ".join(f.message.split())  # user text stays on one line
            lines.append(f"   {f.severity.value.upper():<7}  {f.rule}: {message}")
    return "\n".join(lines) + "\n"
