"""Participants from HR CSV files (encodings, delimiters, headers, bad rows) and back out."""

from __future__ import annotations

import codecs
import csv
import io
from pathlib import Path

import pytest

from mentor_desk import cli, services
from mentor_desk import participants_csv as pcsv
from mentor_desk.errors import DocumentError, KnownError

HEADER = "Full name,E-mail,Dept,Line manager,Role,Skills,High performer,Start date\n"
ROWS = (
    "Zoë Müller,zoe@example.com,Vertrieb,Tom Becker,mentee,presenting; planning,yes,2027-01-15\n"
    "José Núñez,jose@example.com,Ventas,,mentor,planning|coaching,no,\n"
)


def _participants(pf, program_id):
    return {p.name: p for p in services.repo(pf).load_program(program_id).participants}


def _reopened(db_path, program_id):
    pf = services.open_file(db_path, readonly=True)
    try:
        return _participants(pf, program_id)
    finally:
        pf.close()


@pytest.fixture
def program_id(northwind):
    return northwind.id


@pytest.mark.parametrize(
    ("codec", "bom", "expected"),
    [
        ("utf-8", b"", "UTF-8"),
        ("utf-8", codecs.BOM_UTF8, "UTF-8 with BOM"),
        ("utf-16-le", codecs.BOM_UTF16_LE, "UTF-16 LE"),
        ("utf-16-be", codecs.BOM_UTF16_BE, "UTF-16 BE"),
        ("utf-16-le", b"", "UTF-16 LE"),
        ("cp1252", b"", "Windows-1252"),
    ],
)
def test_encodings_are_detected_and_accents_come_back(
    program_file, program_id, db_path, tmp_path, codec, bom, expected
):
    path = tmp_path / "hr.csv"
    path.write_bytes(bom + (HEADER + ROWS).encode(codec))

    result = services.import_participants_csv(program_file, program_id=program_id, path=path)

    assert (result.added, result.updated, result.encoding) == (2, 0, expected)
    assert result.delimiter == ","
    program_file.close()
    people = _reopened(db_path, program_id)
    zoe = people["Zoë Müller"]
    assert zoe.email == "zoe@example.com"
    assert zoe.department == "Vertrieb"
    assert zoe.manager == "Tom Becker"
    assert zoe.role == "mentee"
    assert zoe.skills == ["presenting", "planning"]
    assert zoe.high_performer is True
    assert zoe.joined_on.isoformat() == "2027-01-15"
    assert people["José Núñez"].skills == ["planning", "coaching"]
    assert people["José Núñez"].high_performer is False


def test_utf8_keeps_letters_windows_1252_cannot_hold(program_file, program_id, tmp_path):
    path = tmp_path / "hr.csv"
    path.write_text("Name,Role\nŁukasz Żółć,mentee\nΑλέξης,mentor\n李明,mentee\n", "utf-8")
    services.import_participants_csv(program_file, program_id=program_id, path=path)
    assert {"Łukasz Żółć", "Αλέξης", "李明"} <= set(_participants(program_file, program_id))


@pytest.mark.parametrize(("delimiter", "name"), [(",", "comma"), (";", "semicolon"), ("\t", "tab")])
def test_delimiters_are_sniffed(program_file, program_id, tmp_path, delimiter, name):
    rows = [
        ["Name", "Email", "Department", "Role", "Skills"],
        ["Ann Lee", "ann@example.com", "Finance, Planning", "mentor", "budgets;forecasting"],
        ["Bo Chen", "bo@example.com", "IT", "mentee", "forecasting"],
    ]
    out = io.StringIO()
    csv.writer(out, delimiter=delimiter).writerows(rows)
    path = tmp_path / "hr.csv"
    path.write_text(out.getvalue(), "utf-8")

    result = services.import_participants_csv(program_file, program_id=program_id, path=path)

    assert (result.delimiter, result.delimiter_name) == (delimiter, name)
    ann = _participants(program_file, program_id)["Ann Lee"]
    assert ann.department == "Finance, Planning"
    assert ann.skills == ["budgets", "forecasting"]


def test_quoted_line_breaks_and_synonym_headers(program_file, program_id, tmp_path):
    text = (
        "  FULL NAME ;Mail;dept;Manager;ROLE;Job title;External;Reports to manager;"
        "High performer;Joined;End date\r\n"
        '"Ann Lee";ann@example.com;"Finance\r\nand Planning";Tom Becker;Mentor;'
        '"Head of\nFP&A";Y;no;no;01.02.2027;2028-01-31\r\n'
    )
    path = tmp_path / "hr.csv"
    path.write_text(text, "utf-8", newline="")
    services.import_participants_csv(program_file, program_id=program_id, path=path)
    ann = _participants(program_file, program_id)["Ann Lee"]
    assert ann.department == "Finance\r\nand Planning"
    assert ann.title == "Head of\nFP&A"
    assert ann.role == "mentor"
    assert ann.external is True
    assert ann.reports_to_manager is False
    assert ann.joined_on.isoformat() == "2027-02-01"
    assert ann.left_on.isoformat() == "2028-01-31"


def test_bad_rows_import_nothing_and_each_is_named_with_its_line(
    program_file, program_id, db_path, tmp_path
):
    before = _participants(program_file, program_id)
    text = (
        "Name,Email,Role,Joined,Skills\n"  # line 1
        "Ann Lee,ann@example.com,mentor,2027-01-01,x\n"  # 2
        '"Bo\nChen",bo@example.com,boss,,\n'  # 3-4: unknown role
        ",nobody@example.com,mentee,,\n"  # 5: no name
        "Cy Diaz,cy@example.com,mentee,03/04/2027,\n"  # 6: ambiguous date
        f"{'D' * 201},d@example.com,mentee,,\n"  # 7: name too long
        "Ed Fox,ed@example.com,mentee,," + "s" * 81 + "\n"  # 8: skill too long
        "Flo Gray,ann@example.com,mentee,,\n"  # 9: same e-mail as line 2
        "Gus Hill,gus@example.com,mentee,,\n"  # 10: fine
        "Hal Ives,hal@example.com,mentee,2027-02-30,\n"  # 11: no such day
    )
    path = tmp_path / "hr.csv"
    path.write_text(text, "utf-8")

    with pytest.raises(DocumentError) as caught:
        services.import_participants_csv(program_file, program_id=program_id, path=path)

    problems = caught.value.problems
    assert [p.split(":")[0] for p in problems] == [
        "line 3",
        "line 5",
        "line 6",
        "line 7",
        "line 8",
        "line 9",
        "line 11",
    ]
    assert "unknown role 'boss'" in problems[0]
    assert "name is missing" in problems[1]
    assert "YYYY-MM-DD" in problems[2]
    assert "at most 200" in problems[3]
    assert "at most 80" in problems[4]
    assert "same e-mail as line 2" in problems[5]
    assert "'2027-02-30' is not a date" in problems[6]
    assert "7 bad rows" in caught.value.summary
    program_file.close()
    assert set(_reopened(db_path, program_id)) == set(before)


def test_bad_yes_no_values_are_named(program_file, program_id, tmp_path):
    path = tmp_path / "hr.csv"
    path.write_text(
        "Name,Role,External,High performer\nAnn,mentor,maybe,yes\nBo,mentee,no,sometimes\n",
        "utf-8",
    )
    with pytest.raises(DocumentError) as caught:
        services.import_participants_csv(program_file, program_id=program_id, path=path)
    assert caught.value.problems == [
        "line 2: external is 'maybe': use yes or no",
        "line 3: high performer is 'sometimes': use yes or no",
    ]


def test_a_file_without_a_role_column_is_refused(program_file, program_id, tmp_path):
    path = tmp_path / "hr.csv"
    path.write_text("Name,Email\nAnn Lee,ann@example.com\n", "utf-8")
    with pytest.raises(DocumentError) as caught:
        services.import_participants_csv(program_file, program_id=program_id, path=path)
    assert caught.value.problems == ["line 1: no column gives the participant's role"]


def test_a_mapping_override_names_the_columns(program_file, program_id, tmp_path):
    path = tmp_path / "hr.csv"
    path.write_text("Mitarbeiter,Funktion,Kenntnisse\nAnn Lee,mentor,budgets\n", "utf-8")
    services.import_participants_csv(
        program_file,
        program_id=program_id,
        path=path,
        mapping={"Mitarbeiter": "name", 1: "role", "kenntnisse": "skills"},
    )
    assert _participants(program_file, program_id)["Ann Lee"].skills == ["budgets"]


def test_upsert_matches_by_email_then_by_name(program_file, program_id, db_path, tmp_path):
    first = tmp_path / "first.csv"
    first.write_text(
        "Name,Email,Role,Department,Skills\n"
        "Ann Lee,ANN@example.com,mentor,Finance,budgets\n"
        "Bo Chen,,mentee,IT,\n",
        "utf-8",
    )
    services.import_participants_csv(program_file, program_id=program_id, path=first)
    count = len(_participants(program_file, program_id))

    second = tmp_path / "second.csv"
    second.write_text(
        "Name,Email,Role,Department,Skills\n"
        "Ann Lee-Smith,ann@EXAMPLE.com,mentor,Strategy,budgets;forecasting\n"  # same e-mail
        "Bo Chen,bo@example.com,mentee,IT,coaching\n"  # same name, no e-mail before
        "Sam Patel,,mentee,Operations,\n"  # already in Northwind, by name
        "Cy Diaz,cy@example.com,mentee,HR,\n",  # new
        "utf-8",
    )
    result = services.import_participants_csv(program_file, program_id=program_id, path=second)

    assert (result.added, result.updated) == (1, 3)
    program_file.close()
    people = _reopened(db_path, program_id)
    assert len(people) == count + 1
    assert "Ann Lee" not in people
    assert people["Ann Lee-Smith"].department == "Strategy"
    assert people["Ann Lee-Smith"].skills == ["budgets", "forecasting"]
    assert people["Bo Chen"].email == "bo@example.com"
    assert people["Bo Chen"].skills == ["coaching"]
    assert people["Sam Patel"].department == "Operations"
    # Columns the file does not have are left as they were.
    assert people["Sam Patel"].manager == "Tom Becker"
    assert people["Cy Diaz"].department == "HR"


def test_cancel_writes_nothing(program_file, program_id, tmp_path):
    before = set(_participants(program_file, program_id))
    path = tmp_path / "hr.csv"
    path.write_text("Name,Role\n" + "".join(f"Person {i},mentee\n" for i in range(5000)), "utf-8")
    seen = []

    def progress(done, total):
        seen.append(done)

    def cancelled():
        return len(seen) > 3

    with pytest.raises(services.ImportCancelled):
        services.import_participants_csv(
            program_file, program_id=program_id, path=path, progress=progress, cancelled=cancelled
        )
    assert set(_participants(program_file, program_id)) == before


def test_progress_reaches_the_end(program_file, program_id, tmp_path):
    path = tmp_path / "hr.csv"
    path.write_text("Name,Role\n" + "".join(f"Person {i},mentee\n" for i in range(12000)), "utf-8")
    seen = []
    services.import_participants_csv(
        program_file,
        program_id=program_id,
        path=path,
        progress=lambda done, total: seen.append((done, total)),
    )
    assert seen == sorted(seen)
    assert seen[-1] == (services.IMPORT_STEPS, services.IMPORT_STEPS)
    assert len(_participants(program_file, program_id)) >= 12000


def test_export_is_utf8_with_bom_and_formula_cells_are_inert(program_file, program_id, tmp_path):
    path = tmp_path / "hr.csv"
    path.write_text(
        "Name,Email,Role,Department,Title,Skills\n"
        '=HYPERLINK("http://x"),evil@example.com,mentee,+Sales,-1,@SUM(A1)\n'
        "Zoë Müller,zoe@example.com,mentee,Vertrieb,Leiterin,presenting\n",
        "utf-8",
    )
    services.import_participants_csv(program_file, program_id=program_id, path=path)
    out = tmp_path / "out.csv"

    services.export_participants_csv(program_file, program_id=program_id, path=out)

    data = out.read_bytes()
    assert data.startswith(codecs.BOM_UTF8)
    rows = list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"), newline="")))
    evil = next(r for r in rows if r["E-mail"] == "evil@example.com")
    assert evil["Name"] == '\'=HYPERLINK("http://x")'
    assert evil["Department"] == "'+Sales"
    assert evil["Title"] == "'-1"
    assert evil["Skills"] == "'@SUM(A1)"
    assert all(not cell.startswith(("=", "+", "-", "@")) for r in rows for cell in r.values())
    zoe = next(r for r in rows if r["Name"] == "Zoë Müller")
    assert zoe["Department"] == "Vertrieb"
    alex = next(r for r in rows if r["Name"] == "Alex Moreno")
    assert (alex["Mentor"], alex["Pair status"]) == ("Jo Park", "active")
    jo = next(r for r in rows if r["Name"] == "Jo Park")
    assert jo["Mentees"] == "Alex Moreno"


def test_export_then_import_changes_nothing(program_file, program_id, tmp_path):
    before = _participants(program_file, program_id)
    out = tmp_path / "out.csv"
    services.export_participants_csv(program_file, program_id=program_id, path=out)
    result = services.import_participants_csv(program_file, program_id=program_id, path=out)
    assert (result.added, result.updated) == (0, 0)
    assert _participants(program_file, program_id) == before


def test_inert_guards_every_formula_start():
    for start in ("=", "+", "-", "@", "\t", "\r"):
        assert pcsv.inert(start + "1") == "'" + start + "1"
    assert pcsv.inert("plain") == "plain"
    assert pcsv.inert("") == ""


def test_cli_import_prints_counts_and_lists_bad_rows(
    northwind, program_file, db_path, tmp_path, capsys
):
    program_file.close()
    good = tmp_path / "good.csv"
    good.write_bytes(("Name;Role;Email\nZoë Müller;mentee;zoe@example.com\n").encode("cp1252"))
    assert (
        cli.main(["--db", str(db_path), "participants", "import", str(northwind.id), str(good)])
        == 0
    )
    assert capsys.readouterr().out == "added 1, updated 0 (Windows-1252, semicolon)\n"

    bad = tmp_path / "bad.csv"
    bad.write_text("Name,Role\nAnn,mentor\nBo,boss\n,mentee\n", "utf-8")
    code = cli.main(["--db", str(db_path), "participants", "import", northwind.name, str(bad)])
    err = capsys.readouterr().err.splitlines()
    assert code == 2
    assert err[0].startswith("error:")
    assert err[1:] == [
        "  line 3: unknown role 'boss': use mentor or mentee",
        "  line 4: the name is missing",
    ]


def test_cli_export_writes_the_file(northwind, program_file, db_path, tmp_path):
    program_file.close()
    out = tmp_path / "out.csv"
    assert cli.main(["--db", str(db_path), "participants", "export", "1", "-o", str(out)]) == 0
    rows = list(csv.reader(io.StringIO(out.read_text("utf-8-sig"), newline="")))
    assert rows[0][:2] == ["Name", "Role"]
    assert len(rows) == 1 + len(northwind.participants)


def test_unreadable_file_is_a_clear_error(program_file, program_id, tmp_path):
    with pytest.raises(KnownError, match="cannot read"):
        services.import_participants_csv(
            program_file, program_id=program_id, path=Path(tmp_path / "missing.csv")
        )
    empty = tmp_path / "empty.csv"
    empty.write_bytes(b"")
    with pytest.raises(KnownError, match="empty"):
        services.import_participants_csv(program_file, program_id=program_id, path=empty)


def test_mapping_arguments_name_columns_and_fields():
    assert pcsv.parse_mapping_args(
        ["Mitarbeiter=name", "2=Role", "Notiz=none", "Kürzel=E-mail"]
    ) == {
        "Mitarbeiter": "name",
        1: "role",
        "Notiz": None,
        "Kürzel": "email",
    }
    with pytest.raises(ValueError, match="not a participant field"):
        pcsv.parse_mapping_args(["Mitarbeiter=salary"])
    with pytest.raises(ValueError, match="COLUMN=FIELD"):
        pcsv.parse_mapping_args(["name"])


def test_cli_import_takes_a_mapping_when_the_parser_offers_it(
    northwind, program_file, db_path, tmp_path, capsys
):
    import argparse

    program_file.close()
    path = tmp_path / "hr.csv"
    path.write_text("Mitarbeiter,Funktion\nAnn Lee,mentor\n", "utf-8")
    args = argparse.Namespace(
        db=str(db_path),
        program=str(northwind.id),
        file=str(path),
        map=["Mitarbeiter=name", "Funktion=role"],
    )
    assert cli._cmd_participants_import(args) == 0
    assert capsys.readouterr().out.startswith("added 1, updated 0")
