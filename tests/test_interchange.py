"""The program document: import then dump gives it back; bad documents are refused whole."""

from __future__ import annotations

import json
import os
import stat
from pathlib import Path

import pytest

from mentor_desk.cli import main

HOSTILE = "<b>bold</b> & <i>x</i> > \"quoted\" 'single' &amp; <img src=/etc/passwd>"
SCRIPTS = "Zoë Ω Ψ Жизнь 导师计划 برنامج الإرشاد 😀👩🏽‍💻 \u200f"
LONG_WORD = "x" * 3000
LONG_TEXT = ("A paragraph with\nline breaks\r\nand\ttabs. " * 3000)[:100_000]


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def write(tmp_path: Path, doc: object, name: str = "doc.json") -> Path:
    path = tmp_path / name
    path.write_text(json.dumps(doc, ensure_ascii=False), "utf-8")
    return path


def hostile_document() -> dict:
    """A document that uses every part of the schema with hard strings and numbers."""
    text = f"{HOSTILE}\n{SCRIPTS}"
    return {
        "format": "mentor-desk/program",
        "version": 1,
        "program": {
            "name": f"{SCRIPTS} {HOSTILE}"[:200],
            "organization": 'Ærø & <Søn> "AS"',
            "org_size": "large",
            "focus": "manufacturing & Quality",
            "currency": "EUR",
            "manager": {"name": "Đorđe <Manager>", "title": text, "email": "d@x.example"},
            "business_case": {
                "summary": LONG_TEXT,
                "goals": [
                    {
                        "objective": LONG_WORD,
                        "strategy_link": text,
                        "performance_change": "",
                        "behavior_change": "\n",
                        "metric": {
                            "name": "Défauts ‰",
                            "unit": "‰",
                            "baseline": 0.1,
                            "target": -3,
                            "due": "2028-02-29",
                            "verification": text,
                            "reporting": "'; DROP TABLE programs; --",
                        },
                        "value": 1234567.89,
                        "value_basis": text,
                    },
                    {"objective": "No metric yet", "value": 0},
                ],
                "costs": [
                    {"item": "=1+2", "kind": "internal", "amount": 0, "hours": 1.5, "notes": text},
                    {"item": "Ext", "kind": "external", "category": "x" * 80, "amount": 10**12},
                ],
                "target_groups": [
                    {"name": "Group 导师", "size": 0, "external_mentors": False, "reason": text}
                ],
            },
            "stakeholders": [
                {
                    "name": "Мария <Boss>",
                    "role": "boss",
                    "title": text,
                    "department": "Manufacturing",
                    "influence": 5,
                    "stance": "champion",
                    "status": "signed off",
                    "in_room": True,
                    "intellectual_buy_in": False,
                    "emotional_buy_in": True,
                    "views": LONG_TEXT,
                    "issues": text,
                    "last_contact": "2027-01-01",
                    "notes": LONG_WORD,
                },
                {"name": "محمد", "role": "leader"},
            ],
            "benefits": [
                {"level": "personal", "text": text, "stakeholder": "محمد"},
                {"level": "staff", "text": ""},
            ],
            "pitch_meetings": [
                {"date": "2027-01-02", "attendees": ["محمد", "Мария <Boss>"], "outcome": text},
                {"date": "2027-01-03"},
            ],
            "adviser_review": {"adviser": "A & B", "confirmed": True},
            "design": {
                "leaders_enrolled_on": "2027-01-05",
                "design_started_on": "2027-01-06",
                "design_completed_on": "2027-02-01",
                "launch_on": "2027-03-01",
                "roles": [{"name": "Mentor", "profile": text, "time_commitment": "2h/月"}],
                "procedures": [{"name": "P", "description": text, "owner": "O'Brien"}],
                "competencies": [{"name": "C", "assessment": text}],
                "trainings": [
                    {"name": "T", "audience": "all", "date": "2027-02-10", "hours": 0.25}
                ],
                "communications": [
                    {
                        "title": "Heads-up <soon>",
                        "kind": "preliminary announcement",
                        "date": "2027-01-06",
                        "status": "sent",
                        "body": LONG_TEXT,
                    }
                ],
                "cycle_months": 60,
                "meeting_cadence": "every 2 weeks",
                "max_pairs": 0,
                "max_mentees_per_mentor": 1,
                "scaling_plan": text,
            },
            "participants": [
                {"name": "Zoë", "role": "mentee", "email": "z@x", "skills": ["<s>", "导师"]},
                {"name": "Zoë", "role": "mentee", "email": "z2@x"},
                {
                    "name": "Jo 😀",
                    "role": "mentor",
                    "external": True,
                    "reports_to_manager": False,
                    "high_performer": False,
                    "joined_on": "2027-01-01",
                    "left_on": "2027-12-31",
                    "manager": "Đorđe <Manager>",
                    "department": text,
                    "title": "",
                },
                {"name": "Ana", "role": "mentee"},
            ],
            "pairs": [
                {
                    "mentor": "Jo 😀",
                    "mentee": "Ana",
                    "started_on": "2027-03-01",
                    "status": "paused",
                    "last_met_on": "2027-04-01",
                    "ended_on": "2027-05-01",
                }
            ],
            "development_goals": [
                {
                    "participant": "Ana",
                    "goal": text,
                    "practices": LONG_WORD,
                    "behaviors": "",
                    "set_on": "2027-03-02",
                    "evaluations": [
                        {"date": "2027-04-01", "by": "direct report", "rating": 1},
                        {"date": "2027-05-01", "by": "self", "business_result": text},
                    ],
                }
            ],
            "measurements": [
                {"metric": "Défauts ‰", "date": "2027-03-31", "value": 1e-7, "note": text},
                {"metric": "Défauts ‰", "date": "2027-04-30", "value": -0.0},
            ],
            "surveys": [
                {
                    "date": "2027-06-01",
                    "group": "sponsors",
                    "responses": 0,
                    "invited": 3,
                    "satisfaction": 4.25,
                    "nps": -100,
                    "comments": text,
                }
            ],
            "ideas": [
                {"idea": text, "source": "x", "found_on": "2027-04-01", "cascaded_on": "2027-04-02"}
            ],
            "journal": [{"date": "2027-01-01", "text": LONG_TEXT}],
        },
    }


def test_northwind_round_trip(tmp_path, db_path, capsys, northwind_doc):
    source = write(tmp_path, northwind_doc)
    code, out, err = run(capsys, "--db", str(db_path), "import", str(source))
    assert (code, err) == (0, "")
    program_id = out.strip()
    dumped = tmp_path / "dumped.json"
    assert run(capsys, "--db", str(db_path), "dump", program_id, "-o", str(dumped))[0] == 0
    assert json.loads(dumped.read_text("utf-8")) == northwind_doc


def test_hostile_document_round_trip_is_exact(tmp_path, db_path, capsys):
    doc = hostile_document()
    code, out, err = run(capsys, "--db", str(db_path), "import", str(write(tmp_path, doc)))
    assert (code, err) == (0, "")
    code, dumped, _ = run(capsys, "--db", str(db_path), "dump", doc["program"]["name"])
    assert code == 0
    back = json.loads(dumped)
    assert back == doc
    # Strings byte for byte, numbers keep their type (1e-7 stays a float, 0 an int).
    assert back["program"]["business_case"]["summary"] == LONG_TEXT
    assert back["program"]["measurements"][0]["value"] == 1e-7
    assert back["program"]["business_case"]["costs"][0]["amount"] == 0
    # And a second import of the dump gives the same document again.
    again = doc | {"program": back["program"] | {"name": "Second copy"}}
    assert (
        run(capsys, "--db", str(db_path), "import", str(write(tmp_path, again, "2.json")))[0] == 0
    )
    assert json.loads(run(capsys, "--db", str(db_path), "dump", "Second copy")[1]) == again


@pytest.mark.parametrize(
    ("mutate", "expected"),
    [
        (
            lambda p: p["stakeholders"][2].update(role="ceo"),
            "program.stakeholders[2].role: 'ceo' is not one of 'boss', 'peer'",
        ),
        (lambda p: p.pop("organization"), "program: 'organization' is required"),
        (
            lambda p: p["design"].update(launch_on="2027-02-30"),
            "program.design.launch_on: '2027-02-30' is not a valid date",
        ),
        (
            lambda p: p.update(colour="red"),
            "program: Additional properties are not allowed ('colour'",
        ),
        (
            lambda p: p["stakeholders"][0].update(influence=9),
            "program.stakeholders[0].influence: 9 is greater than the maximum 5",
        ),
        (
            lambda p: p.update(focus="y" * 100_001),
            "program.focus: text of 100,001 characters is longer than the 100,000 allowed",
        ),
        (
            lambda p: p["business_case"]["costs"][0].update(amount="lots"),
            "program.business_case.costs[0].amount: 'lots' is not of type number",
        ),
        (
            lambda p: p["pairs"][0].update(mentee="Nobody"),
            "program.pairs[0].mentee: 'Nobody' is not a participant",
        ),
        (
            lambda p: p["measurements"][1].update(metric="Uptime"),
            "program.measurements[1].metric: 'Uptime' is not the name of a goal's metric",
        ),
        (
            lambda p: p["stakeholders"][1].update(name="Robert Kline"),
            "program.stakeholders[1]: 'Robert Kline' repeats program.stakeholders[0]",
        ),
        (
            lambda p: p["benefits"][1].update(stakeholder="Ghost"),
            "program.benefits[1].stakeholder: 'Ghost' is not a stakeholder",
        ),
        (
            lambda p: p["pitch_meetings"][0]["attendees"].append("Ghost"),
            "program.pitch_meetings[0].attendees[1]: 'Ghost' is not a stakeholder",
        ),
    ],
)
def test_bad_document_refused_with_path_and_nothing_written(
    tmp_path, db_path, capsys, northwind_doc, mutate, expected
):
    mutate(northwind_doc["program"])
    code, out, err = run(
        capsys, "--db", str(db_path), "import", str(write(tmp_path, northwind_doc))
    )
    assert code == 2
    assert out == ""
    assert err.startswith("error: ")
    assert expected in err
    assert run(capsys, "--db", str(db_path), "list")[1] == ""


def test_every_problem_is_listed(tmp_path, db_path, capsys, northwind_doc):
    p = northwind_doc["program"]
    p["org_size"] = "medium"
    p["stakeholders"][0]["stance"] = "hostile"
    p["journal"][0]["date"] = "yesterday"
    code, _, err = run(capsys, "--db", str(db_path), "import", str(write(tmp_path, northwind_doc)))
    assert code == 2
    assert "program.org_size" in err
    assert "program.stakeholders[0].stance" in err
    assert "program.journal[0].date" in err


def test_not_json_and_wrong_format_refused(tmp_path, db_path, capsys):
    bad = tmp_path / "bad.json"
    bad.write_text('{"format": "mentor-desk/program", ', "utf-8")
    code, _, err = run(capsys, "--db", str(db_path), "import", str(bad))
    assert code == 2 and "not valid JSON at line 1" in err
    code, _, err = run(capsys, "--db", str(db_path), "import", str(write(tmp_path, [1, 2])))
    assert code == 2 and "(document): [1, 2] is not of type object" in err
    code, _, err = run(capsys, "--db", str(db_path), "import", str(tmp_path / "missing.json"))
    assert code == 2 and "cannot read" in err


@pytest.mark.parametrize("number", ["NaN", "Infinity", "-Infinity", "1e999"])
def test_numbers_json_does_not_have_are_refused(tmp_path, db_path, capsys, northwind_doc, number):
    northwind_doc["program"]["business_case"]["costs"][0]["amount"] = 0.5
    text = json.dumps(northwind_doc).replace('"amount": 0.5', f'"amount": {number}', 1)
    assert number in text
    path = tmp_path / "odd.json"
    path.write_text(text, "utf-8")
    code, out, err = run(capsys, "--db", str(db_path), "import", str(path))
    assert (code, out) == (2, "")
    assert f"{number.lstrip('-')} is not a number JSON allows" in err
    assert run(capsys, "--db", str(db_path), "list")[1] == ""


def test_duplicate_program_name_refused_unless_renamed(tmp_path, db_path, capsys, northwind_doc):
    source = str(write(tmp_path, northwind_doc))
    assert run(capsys, "--db", str(db_path), "import", source)[0] == 0
    code, _, err = run(capsys, "--db", str(db_path), "import", source)
    assert code == 2
    assert "already in this file" in err and "--rename" in err
    code, out, _ = run(capsys, "--db", str(db_path), "import", source, "--rename", "Northwind 2028")
    assert code == 0
    listing = run(capsys, "--db", str(db_path), "list")[1].splitlines()
    assert [line.split("\t")[1] for line in listing] == [
        "IT Management Mentoring 2027",
        "Northwind 2028",
    ]


def test_dump_to_unwritable_place_leaves_earlier_file(tmp_path, db_path, capsys, northwind):
    earlier = tmp_path / "out.json"
    earlier.write_text("earlier", "utf-8")
    # A "folder" that is a file cannot take the temporary file: nothing is written.
    code, _, err = run(capsys, "--db", str(db_path), "dump", "1", "-o", str(earlier / "x.json"))
    assert code == 2 and err.startswith("error: cannot write")
    assert earlier.read_text("utf-8") == "earlier"
    # A read-only folder (when not running as root, who may write anyway).
    folder = tmp_path / "ro"
    folder.mkdir()
    (folder / "out.json").write_text("earlier", "utf-8")
    folder.chmod(0o500)
    try:
        code, _, err = run(
            capsys, "--db", str(db_path), "dump", "1", "-o", str(folder / "out.json")
        )
    finally:
        folder.chmod(0o700)
    if os.geteuid() != 0:
        assert code == 2 and "cannot write" in err
        assert (folder / "out.json").read_text("utf-8") == "earlier"


def test_dump_atomic_replace_and_unknown_program(tmp_path, db_path, capsys, northwind):
    out = tmp_path / "out.json"
    out.write_text("old", "utf-8")
    assert (
        run(capsys, "--db", str(db_path), "dump", "IT Management Mentoring 2027", "-o", str(out))[0]
        == 0
    )
    assert json.loads(out.read_text("utf-8"))["program"]["organization"] == "Northwind Components"
    assert [p.name for p in tmp_path.iterdir() if p.name.endswith(".tmp")] == []
    code, _, err = run(capsys, "--db", str(db_path), "dump", "Nope")
    assert code == 2 and "no program 'Nope'" in err


def test_written_files_get_the_permissions_a_plain_write_gives(
    tmp_path, db_path, capsys, northwind
):
    old_mask = os.umask(0o027)
    try:
        new = tmp_path / "new.json"
        assert run(capsys, "--db", str(db_path), "dump", "1", "-o", str(new))[0] == 0
        assert stat.S_IMODE(new.stat().st_mode) == 0o640  # 0666 less the umask, not 0600
        kept = tmp_path / "kept.json"
        kept.write_text("old", "utf-8")
        kept.chmod(0o604)
        assert run(capsys, "--db", str(db_path), "dump", "1", "-o", str(kept))[0] == 0
        assert kept.read_text("utf-8").startswith("{")
        assert stat.S_IMODE(kept.stat().st_mode) == 0o604  # a replaced file keeps its mode
    finally:
        os.umask(old_mask)
