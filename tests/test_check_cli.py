"""`mentor-desk check`: the Northwind findings, the JSON of DESIGN.md, exit codes 0/1/2."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from mentor_desk.cli import main

# Northwind on 2027-07-15, worked out by hand from the example document:
# - Robert Kline (boss) is "pitched", not "signed off";
# - Samuel Ortiz (peer, influence 4) has no views/issues and is not in the room;
# - Tom Becker (leader) lacks emotional buy-in; Priya Raman (leader) has no
#   personal benefit; Grace Osei's review is not confirmed;
# - the design started 2027-01-27 and has no completion date (169 days);
# - Sam Patel is paired with Priya Raman but has no development goal;
# - "Regretted attrition" has no measurement, 136 days after the 2027-03-01
#   launch; "Unplanned downtime" (40 -> 33) trends to about 18.8 by 2027-12-31,
#   on track for 25;
# - the idea found 2027-05-02 is not cascaded (74 days);
# - the 2027-06-15 survey is recent, both pairs met on 2027-06-20, Alex Moreno's
#   mentor Jo Park is external, and the pitch checklist is fully covered.
NORTHWIND_FINDINGS = [
    ("boss-sign-off", "error", "buy_in", "Robert Kline"),
    ("peer-views", "warning", "buy_in", "Samuel Ortiz"),
    ("not-in-room", "warning", "buy_in", "Samuel Ortiz"),
    ("leader-buy-in", "error", "leaders", "Tom Becker"),
    ("benefit-level", "error", "leaders", "Priya Raman"),
    ("adviser-unconfirmed", "warning", "leaders", "Grace Osei"),
    ("design-overdue", "warning", "design", None),
    ("goal-360-missing", "warning", "design", "Sam Patel"),
    ("metric-stale", "warning", "launch", "Regretted attrition"),
    (
        "idea-not-cascaded",
        "warning",
        "launch",
        "Shadow the mentor in one business meeting per quarter",
    ),
]
NORTHWIND_STEPS = {
    "business_case": "done",
    "buy_in": "open",
    "leaders": "open",
    "design": "done",
    "launch": "done",
}


@pytest.fixture
def demo_db(db_path: Path, capsys) -> Path:
    """The test's own file with the Northwind example loaded as program 1."""
    assert main(["--db", str(db_path), "demo"]) == 0
    capsys.readouterr()
    return db_path


def _run(capsys, *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_northwind_json_lists_its_findings(demo_db, capsys):
    code, out, err = _run(
        capsys, "--db", str(demo_db), "check", "1", "--today", "2027-07-15", "--json"
    )
    assert code == 1 and err == ""
    doc = json.loads(out)
    assert list(doc) == ["program", "today", "findings", "steps"]
    assert doc["program"] == "IT Management Mentoring 2027"
    assert doc["today"] == "2027-07-15"
    assert [
        (f["rule"], f["severity"], f["step"], f["subject"]) for f in doc["findings"]
    ] == NORTHWIND_FINDINGS
    for f in doc["findings"]:
        assert list(f) == ["rule", "severity", "step", "message", "subject"]
        assert isinstance(f["message"], str) and f["message"]
    assert doc["steps"] == NORTHWIND_STEPS
    messages = {f["rule"]: f["message"] for f in doc["findings"]}
    assert "Tom Becker" in messages["leader-buy-in"]
    assert "2027-01-27" in messages["design-overdue"]


def test_northwind_text_report_grouped_by_step(demo_db, capsys):
    code, out, _ = _run(
        capsys,
        "--db",
        str(demo_db),
        "check",
        "IT Management Mentoring 2027",
        "--today",
        "2027-07-15",
    )
    assert code == 1
    lines = out.splitlines()
    assert lines[0] == "IT Management Mentoring 2027 (Northwind Components)"
    assert lines[1] == "Checked as of 2027-07-15: 3 errors, 7 warnings."
    headings = [line for line in lines if line[:2] in ("1.", "2.", "3.", "4.", "5.")]
    assert headings == [
        "1. Business case: done",
        "2. Buy-in: open",
        "3. Leaders: open",
        "4. Design: done",
        "5. Launch: done",
    ]
    buy_in = lines[lines.index("2. Buy-in: open") + 1 : lines.index("3. Leaders: open")]
    rules_in_order = [line.split()[1].rstrip(":") for line in buy_in if line.strip()]
    assert rules_in_order == ["boss-sign-off", "peer-views", "not-in-room"]
    assert buy_in[0].lstrip().startswith("ERROR")
    business = lines[lines.index("1. Business case: done") + 1]
    assert business.strip() == "no findings"


def test_check_exits_0_without_errors(tmp_path, db_path, northwind_doc, capsys):
    prog = northwind_doc["program"]
    boss = prog["stakeholders"][0]
    boss["status"] = "signed off"
    tom = prog["stakeholders"][4]
    tom["emotional_buy_in"] = True
    prog["benefits"].append(
        {"level": "personal", "text": "Time back for architecture", "stakeholder": "Priya Raman"}
    )
    doc_path = tmp_path / "fixed.json"
    doc_path.write_text(json.dumps(northwind_doc), "utf-8")
    assert main(["--db", str(db_path), "import", str(doc_path)]) == 0
    capsys.readouterr()
    code, out, _ = _run(
        capsys, "--db", str(db_path), "check", "1", "--today", "2027-07-15", "--json"
    )
    assert code == 0
    doc = json.loads(out)
    assert all(f["severity"] == "warning" for f in doc["findings"])
    assert set(doc["steps"].values()) == {"done"}


def test_check_as_of_a_later_date_adds_launch_findings(demo_db, capsys):
    code, out, _ = _run(
        capsys, "--db", str(demo_db), "check", "1", "--today", "2028-01-10", "--json"
    )
    assert code == 1
    found = {(f["rule"], f["subject"]) for f in json.loads(out)["findings"]}
    # 2027-06-15 + 183 days = 2027-12-15; the pairs last met 2027-06-20
    assert ("survey-due", None) in found
    assert ("pair-stalled", "Jo Park & Alex Moreno") in found
    assert ("metric-stale", "Unplanned downtime") in found


def test_check_unknown_program_is_an_error(demo_db, capsys):
    code, out, err = _run(capsys, "--db", str(demo_db), "check", "No such program")
    assert code == 2 and out == ""
    assert err.startswith("error: ") and "No such program" in err
    assert len(err.strip().splitlines()) == 1


def test_check_bad_date_is_an_error(demo_db, capsys):
    code, out, err = _run(capsys, "--db", str(demo_db), "check", "1", "--today", "2027-02-30")
    assert code == 2 and out == ""
    assert err.startswith("error: ") and "2027-02-30" in err


def test_check_defaults_to_the_real_date(demo_db, capsys):
    import datetime as dt

    code, out, _ = _run(capsys, "--db", str(demo_db), "check", "1", "--json")
    assert code == 1  # the boss has not signed off, whatever the date
    assert json.loads(out)["today"] == dt.date.today().isoformat()


def test_check_as_a_real_process(demo_db):
    python = Path(__file__).resolve().parent.parent / ".venv" / "bin" / "python"
    exe = str(python) if python.exists() else sys.executable
    result = subprocess.run(
        [
            exe,
            "-m",
            "mentor_desk",
            "--db",
            str(demo_db),
            "check",
            "1",
            "--today",
            "2027-07-15",
            "--json",
        ],
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=60,
        check=False,
    )
    assert result.returncode == 1, result.stderr
    doc = json.loads(result.stdout)
    assert [(f["rule"], f["subject"]) for f in doc["findings"]] == [
        (rule, subject) for rule, _, _, subject in NORTHWIND_FINDINGS
    ]
