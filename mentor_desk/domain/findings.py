"""What the method's rules report: findings, their severities and step status."""

from __future__ import annotations

import enum
from collections.abc import Iterable
from dataclasses import dataclass

from mentor_desk.domain.model import Step


class Severity(enum.StrEnum):
    ERROR = "error"  # the step is not done
    WARNING = "warning"  # a risk to look at


@dataclass(frozen=True, slots=True)
class Target:
    """Where a finding points, so the window can take the user there.

    ``collection`` names a part of the program document ("program", "design",
    "adviser_review", or a list such as "stakeholders", "goals", "metrics",
    "pairs"); ``item_id`` is the stored row's id when the finding is about one
    item; ``field`` is the document field name concerned, if one.
    """

    collection: str
    item_id: int | None = None
    field: str | None = None


@dataclass(frozen=True, slots=True)
class Finding:
    """One rule's verdict on one subject; ``rule`` ids are stable (DESIGN.md)."""

    rule: str
    severity: Severity
    step: Step
    message: str
    subject: str | None = None
    target: Target | None = None

    def to_json(self) -> dict[str, object]:
        """The finding as ``check --json`` prints it."""
        return {
            "rule": self.rule,
            "severity": self.severity.value,
            "step": self.step.value,
            "message": self.message,
            "subject": self.subject,
        }


class StepStatus(enum.StrEnum):
    DONE = "done"
    OPEN = "open"


def step_status(findings: Iterable[Finding]) -> dict[Step, StepStatus]:
    """Each step is done when it has no error-level finding."""
    open_steps = {f.step for f in findings if f.severity is Severity.ERROR}
    return {step: StepStatus.OPEN if step in open_steps else StepStatus.DONE for step in Step}


def sort_findings(findings: Iterable[Finding]) -> list[Finding]:
    """Step order, errors before warnings within a step, stable otherwise."""
    order = {step: i for i, step in enumerate(Step)}
    return sorted(findings, key=lambda f: (order[f.step], f.severity is not Severity.ERROR))
