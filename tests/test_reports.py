"""The PDF documents, read back: Northwind's facts, hostile text, fonts, paper, CLI errors."""

from __future__ import annotations

import errno
import os
import re
import shutil
import subprocess
import sys
import unicodedata
from datetime import date
from pathlib import Path

import pytest
from helpers import pdf_fonts, pdf_pages, pdf_text

from mentor_desk import cli, services
from mentor_desk.domain import rules

pytestmark = pytest.mark.skipif(
    shutil.which("pdftotext") is None or shutil.which("pdffonts") is None,
    reason="poppler-utils (pdftotext, pdffonts) are needed to read the PDFs back",
)

TODAY = date(2027, 7, 15)
CJK = "导师计划"
ARABIC_WORDS = ("برنامج", "الإرشاد")
ARABIC = " ".join(ARABIC_WORDS)
GREEK = "Πρόγραμμα καθοδήγησης"
CYRILLIC = "Программа наставничества"
MARKUP = (
    "<b>unclosed",
    "<font name=x>",
    "<img src=/etc/passwd>",
    "<a href=file:///etc/passwd>",
    "&amp;",
)
LONG_WORD = "Supercalifragilistic" * 150  # 3,000 characters, no space
VIEWS = "Wants proof it will not take people off the plant floor."
ISSUES = "Shift coverage during sessions."


# ----- helpers ----------------------------------------------------------------


def body_text(path: Path) -> str:
    """The text inside the body frame only (no header or footer), pages joined."""
    from pypdf import PdfReader

    box = PdfReader(path).pages[0].mediabox
    width, height = round(float(box.width)), round(float(box.height))
    top, bottom = 70, 64  # just inside the 24 mm and 22 mm margins
    out = subprocess.run(
        [
            "pdftotext",
            "-raw",
            "-enc",
            "UTF-8",
            "-x",
            "0",
            "-y",
            str(top),
            "-W",
            str(width),
            "-H",
            str(height - top - bottom),
            str(path),
            "-",
        ],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    return " ".join(out.split())


def compact(text: str) -> str:
    return re.sub(r"\s+", "", text)


def flat(text: str) -> str:
    return " ".join(text.split())


def words_outside_margins(path: Path, margin: float = 20 * 72 / 25.4) -> list[str]:
    """The words ``pdftotext -bbox`` finds outside the left and right margins."""
    out = subprocess.run(
        ["pdftotext", "-bbox", "-enc", "UTF-8", str(path), "-"],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    width = float(re.search(r'<page width="([\d.]+)"', out).group(1))  # type: ignore[union-attr]
    found = []
    for x0, x1, word in re.findall(
        r'<word xMin="([\d.]+)" yMin="[\d.]+" xMax="([\d.]+)"'
        r' yMax="[\d.]+">([^<]*)</word>',
        out,
    ):
        if float(x0) < margin - 1 or float(x1) > width - margin + 1:
            found.append(word)
    return found


def export(db: Path, kind: str, out: Path, *args: str) -> int:
    return cli.main(["--db", str(db), kind, "1", "-o", str(out), *args])


@pytest.fixture
def northwind_db(program_file, northwind_doc, db_path: Path) -> Path:
    services.import_document(program_file, document=northwind_doc, source="northwind")
    program_file.close()
    return db_path


def hostile_document(doc: dict) -> dict:
    """Northwind with every script, markup-like text, a long word and text, 2,000 pairs."""
    p = doc["program"]
    p["name"] = f"{CJK} {ARABIC} <b>unclosed"
    p["organization"] = f"{GREEK} {CYRILLIC} &amp; <font name=x>"
    p["manager"]["name"] = "Dana <img src=/etc/passwd> Whitfield"
    bc = p["business_case"]
    bc["summary"] = ("Long text " + "lorem ipsum dolor sit amet " * 3700)[:99_980] + " END-OF-LONG"
    bc["goals"][0]["objective"] = f"Cut downtime {CJK} <a href=file:///etc/passwd>"
    bc["goals"][0]["strategy_link"] = LONG_WORD
    bc["goals"][1]["behavior_change"] = f"{ARABIC} — {GREEK}"
    bc["costs"][0]["item"] = "<img src=/etc/passwd> mentors &amp; co"
    bc["costs"][1]["item"] = "Workshop" + "y" * 192  # a 200-character name, one word
    bc["goals"][1]["performance_change"] = LONG_WORD  # a table cell: clipped, then in full
    p["benefits"][0]["text"] = f"{CYRILLIC} <b>unclosed &amp;"
    st = p["stakeholders"]
    st[0]["name"] = f"{ARABIC} Kline"
    st[0]["views"] = f"{VIEWS} <font name=x> {LONG_WORD}"
    st[1]["name"] = f"{CJK} Lin"
    p["pitch_meetings"][0]["attendees"] = [st[0]["name"]]
    st[1]["views"] = "x" * 100_000
    st[2]["title"] = "<img src=/etc/passwd> CFO"
    st[2]["issues"] = "<a href=file:///etc/passwd>issues</a>"
    p["benefits"][1]["stakeholder"] = "Tom Becker"
    # 2,000 participants and 2,000 pairs: mentor i with mentees i and i+1
    mentors = [{"name": f"Mentor {i:04d} {GREEK[:4]}", "role": "mentor"} for i in range(1000)]
    mentees = [{"name": f"Mentee {i:04d} {CJK[:2]}", "role": "mentee"} for i in range(1000)]
    p["participants"] = mentors + mentees
    p["pairs"] = [
        {
            "mentor": mentors[i]["name"],
            "mentee": mentees[(i + k) % 1000]["name"],
            "started_on": "2027-03-01",
            "status": "active",
            "last_met_on": "2027-03-05" if i % 3 == 0 else "2027-07-01",
        }
        for i in range(1000)
        for k in (0, 1)
    ]
    p["development_goals"] = []
    p["ideas"][0]["idea"] = f"{ARABIC} <a href=file:///etc/passwd>idea</a>"
    return doc


@pytest.fixture(scope="module")
def hostile_pdfs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """The three documents of the hostile program, built once for the module."""
    import copy
    import json

    folder = tmp_path_factory.mktemp("hostile")
    doc = json.loads((Path(services.__file__).parent / "northwind.json").read_text("utf-8"))
    doc = hostile_document(copy.deepcopy(doc))
    pf = services.open_file(folder / "hostile.db")
    try:
        program_id = services.import_document(pf, document=doc, source="hostile")
        out = {}
        for kind in services.DOCUMENT_KINDS:
            out[kind] = folder / f"{kind}.pdf"
            services.export_document(
                pf,
                program=program_id,
                kind=kind,
                path=out[kind],
                today=TODAY,
                prepared_for=f"{CJK} Lin" if kind == "pitch" else None,
            )
    finally:
        pf.close()
    return out


# ----- Northwind ----------------------------------------------------------------


def test_pitch_packet_has_the_business_case(northwind_db: Path, tmp_path: Path) -> None:
    out = tmp_path / "pitch.pdf"
    assert export(northwind_db, "pitch", out) == 0
    text = pdf_text(out)
    for expected in (
        "Pitch packet",
        "IT Management Mentoring 2027",
        "Northwind Components",
        "Presented by Dana Whitfield, CIO",
        "Cut unplanned downtime of plant systems",
        "Team leads learn to run blameless incident reviews",  # how the program serves it
        "Fewer repeat incidents; faster hand-offs between shifts.",
        "Team leads own the post-incident review",
        "Monitoring reports, reviewed by the plant controller",
        "Quarterly to the COO",
        "Internal resources $14,400",
        "External resources $22,500",
        "Total $36,900",
        "Value of the goals $105,000",
        "185%",
        "17 fewer downtime hours a quarter",
        "Senior leader outside the mentee's reporting line",
        "360 review at start and at month 6",
        "Mentoring basics",
        "Pairs at most 8",
        "Open to plant supervisors in 2028",
        "Tom Becker: Less time in escalations",
        "A visible path from engineer to lead.",
        "Design starts",
        "26 Feb 2027 Initial design due",  # design start + 30 days
        "31 Aug 2027 First satisfaction survey due",  # launch + 183 days
        "Launch",
        "What this pitch covers",
        "Page 1 of",
    ):
        assert expected in text, expected
    assert "Prepared for" not in text
    # each page has the header
    assert all("Northwind Components" in page for page in pdf_pages(out))


def test_pitch_never_prints_stance_views_issues_or_notes(
    northwind_db: Path, tmp_path: Path
) -> None:
    out = tmp_path / "pitch.pdf"
    assert export(northwind_db, "pitch", out, "--for", "Robert Kline") == 0
    text = pdf_text(out)
    for private in (
        VIEWS,
        ISSUES,
        "Open to it if plant incidents go down.",
        "Her supervisors may ask for the same program.",
        "Tom's emotional buy-in is not there yet.",  # the adviser's notes
        "Asked for the downtime baseline.",  # a pitch meeting's outcome
        "skeptical",
        "champion",
        "signed off",
    ):
        assert private not in text, private


def test_stakeholder_map_shows_views_and_places_everyone(
    northwind_db: Path, tmp_path: Path
) -> None:
    out = tmp_path / "map.pdf"
    assert export(northwind_db, "stakeholders", out) == 0
    pages = pdf_pages(out)
    text = " ".join(pages)
    assert VIEWS in text and ISSUES in text
    assert "Internal" in pages[0]
    chart_page = pages[0]
    for name in (
        "Robert Kline",
        "Mei Lin",
        "Samuel Ortiz",
        "Priya Raman",
        "Tom Becker",
        "Grace Osei",
    ):
        assert chart_page.count(name) >= 1, name  # named on the chart
        assert text.count(name) >= 2, name  # and in the table
    for heading in ("Role", "Status", "In the room", "Buy-in", "Views", "Potential issues"):
        assert heading in text
    assert "no — must be" in text  # Samuel Ortiz must be in the room and is not


def test_packets_for_different_people_hold_the_same_facts(
    northwind_db: Path, tmp_path: Path
) -> None:
    plain, kline, lin = tmp_path / "a.pdf", tmp_path / "b.pdf", tmp_path / "c.pdf"
    assert export(northwind_db, "pitch", plain) == 0
    assert export(northwind_db, "pitch", kline, "--for", "Robert Kline") == 0
    assert export(northwind_db, "pitch", lin, "--for", "Mei Lin") == 0
    texts = [pdf_pages(p) for p in (plain, kline, lin)]
    assert "Prepared for Robert Kline, COO" in texts[1][0]
    assert "Prepared for Mei Lin, Director of Manufacturing" in texts[2][0]

    def facts(pages: list[str]) -> list[str]:
        return [
            re.sub(r"Prepared for [^,]+, (COO|Director of Manufacturing) ", "", p) for p in pages
        ]

    assert facts(texts[0]) == facts(texts[1]) == facts(texts[2])


def test_progress_report_shows_findings_trends_and_pairs(
    northwind_db: Path, tmp_path: Path
) -> None:
    out = tmp_path / "report.pdf"
    assert export(northwind_db, "report", out, "--today", TODAY.isoformat()) == 0
    text = pdf_text(out)
    with services.open_file(northwind_db, readonly=True) as pf:
        findings = rules.check(services.load_program(pf, 1), TODAY)
    assert findings
    for f in findings:
        assert flat(f.message) in text, f.message
    for expected in (
        "Progress report",
        "As of 15 Jul 2027",
        "Unplanned downtime (hours/quarter)",
        "baseline 42",
        "target 25 by 31 Dec 2027",
        "latest 33 on 30 Jun 2027",
        "projected",
        "Regretted attrition",
        "not measured yet",
        "Next survey due: 15 Dec 2027",
        "8 of 10",
        "2 pairs: 2 active",
        "Jo Park Alex Moreno",
        "Run the monthly plant systems review 3 of 5 1 mentor",
        "Shadow the mentor in one business meeting per quarter",
        "not yet (74 days)",
    ):
        assert expected in text, expected


def test_report_date_defaults_to_today(northwind_db: Path, tmp_path: Path) -> None:
    out = tmp_path / "report.pdf"
    assert export(northwind_db, "report", out) == 0
    assert f"As of {date.today().strftime('%-d %b %Y')}" in pdf_text(out)


def test_fonts_are_embedded_and_paper_sizes(northwind_db: Path, tmp_path: Path) -> None:
    from pypdf import PdfReader

    sizes = {}
    for kind in ("pitch", "stakeholders", "report"):
        for paper in ("a4", "letter"):
            out = tmp_path / f"{kind}-{paper}.pdf"
            assert export(northwind_db, kind, out, "--paper", paper) == 0
            found = pdf_fonts(out)
            assert found and all(emb == "yes" for _, emb in found), found
            box = PdfReader(out).pages[0].mediabox
            sizes[kind, paper] = sorted((round(float(box.width)), round(float(box.height))))
    for kind in ("pitch", "stakeholders", "report"):
        assert sizes[kind, "a4"] == [595, 842]
        assert sizes[kind, "letter"] == [612, 792]


# ----- hostile input ----------------------------------------------------------


def test_hostile_text_comes_back_literally(hostile_pdfs: dict[str, Path]) -> None:
    for kind, path in hostile_pdfs.items():
        text = pdf_text(path)
        for literal in (CJK, GREEK, CYRILLIC, *MARKUP):  # (narrow cells wrap inside words)
            assert compact(literal) in compact(text), (kind, literal)
        assert f"{CJK} " in text and GREEK in text and "<font name=x>" in text
        # Arabic is shaped (joined presentation forms): the letters come back under NFKC
        normal = unicodedata.normalize("NFKC", text)
        for word in ARABIC_WORDS:
            assert word in normal, (kind, word)
        data = path.read_bytes()
        assert b"/Subtype /Image" not in data  # <img src=...> embedded nothing


def test_hostile_long_word_and_text_print_whole(hostile_pdfs: dict[str, Path]) -> None:
    pitch = compact(body_text(hostile_pdfs["pitch"]))
    assert pitch.count(LONG_WORD) >= 2  # the strategy link, and the goal's cell in full
    assert "Workshop" + "y" * 192 in pitch
    assert "END-OF-LONG" in pitch  # the end of the 100,000-character summary
    assert "Preparedfor导师计划Lin" in pitch
    smap = compact(body_text(hostile_pdfs["stakeholders"]))
    assert LONG_WORD in smap and "x" * 99_000 in smap  # clipped cells printed in full after
    assert compact(VIEWS) in smap


def test_hostile_documents_embed_every_script_font(hostile_pdfs: dict[str, Path]) -> None:
    for path in hostile_pdfs.values():
        found = pdf_fonts(path)
        assert all(emb == "yes" for _, emb in found), found
        names = " ".join(name for name, _ in found)
        assert "DejaVuSans" in names and "NotoSansArabic" in names and "WenQuanYi" in names


def test_two_thousand_pairs_are_counted_and_the_stalled_listed(
    hostile_pdfs: dict[str, Path],
) -> None:
    pages = pdf_pages(hostile_pdfs["report"])
    text = " ".join(pages)
    assert "2,000 pairs: 1,332 active · 668 stalled" in text
    assert "Health Pairs Share active 1,332 67% stalled 668 33%" in text
    assert "Pairs that need attention (668)" in text
    # the 668 stalled pairs are listed in full, across pages, the header on each page
    row = re.compile(rf"Mentor (\d{{4}}) {GREEK[:4]} Mentee (\d{{4}}) {CJK[:2]} 1 Mar 2027")
    table_pages = [p for p in pages if row.search(p)]
    assert len(table_pages) > 10
    assert all("Mentor Mentee Started Last met Health Days" in p for p in table_pages)
    listed = {m.groups() for m in row.finditer(text)}
    stalled = {(f"{i:04d}", f"{(i + k) % 1000:04d}") for i in range(0, 1000, 3) for k in (0, 1)}
    assert listed == stalled  # every stalled pair once, no active one
    assert (
        f"Mentor 0999 {GREEK[:4]} Mentee 0000 {CJK[:2]} 1 Mar 2027 5 Mar 2027 stalled 132" in text
    )
    assert pages[-1].endswith(f"Page {len(pages)} of {len(pages)}")


def test_two_thousand_row_table_prints_within_the_margins(tmp_path: Path) -> None:
    from mentor_desk.domain import model as m
    from mentor_desk.reports import base

    program = m.Program(name="Rows", organization="Org", org_size="large")
    out = tmp_path / "rows.pdf"
    with out.open("wb") as fh:
        doc = base.DocumentBuilder(fh, program, title="Rows", today=TODAY, paper="letter")
        cols = [
            base.Column("Row", 0.5, right=True),
            base.Column("Text", 3.0),
            base.Column("Word", 1.0),
        ]
        long = "a sentence long enough to wrap onto a second line of its narrow cell, or a third"
        rows = [
            [str(i), long if i % 2 else f"short {i}", LONG_WORD[: 20 + i % 80]] for i in range(2000)
        ]
        doc.build([base.table(cols, rows, doc.width * 0.7, doc.styles)])
    pages = pdf_pages(out)
    assert len(pages) > 40 and all("Row Text Word" in p for p in pages)
    text = compact(" ".join(pages))
    assert all(compact(f"{i} {long}") in text for i in range(1, 2000, 2))
    assert all(compact(f"{i} short {i}") in text for i in range(0, 2000, 2))
    assert words_outside_margins(out) == []


def test_large_program_report_summarises_evaluations_and_flags_pairs(tmp_path: Path) -> None:
    from mentor_desk.domain import model as m

    people = [m.Participant(f"Mentor {i:02d}", "mentor") for i in range(30)]
    people += [
        m.Participant(f"Mentee {i:02d}", "mentee", manager=f"Mentor {i % 30:02d}")
        for i in range(60)
    ]
    pairs = [
        m.Pair(
            f"Mentor {(i + 1) % 30:02d}",
            f"Mentee {i:02d}",
            started_on=date(2027, 3, 1),
            last_met_on=date(2027, 7, 1),
        )
        for i in range(59)
    ]
    pairs.append(m.Pair("Mentor 29", "Mentee 59", started_on=date(2027, 3, 1)))  # her manager
    pairs.append(m.Pair("Mentor 02", "Mentee 00", status="paused"))
    goals = []
    for i in range(60):
        ratings = [(3, 4), (4, 2), (5, 5), ()][i % 4]  # rose, fell, stayed, not evaluated
        evals = [
            m.Evaluation(date(2027, 3 + 3 * k, 1), by, rating)
            for k, (by, rating) in enumerate(zip(("self", "manager"), ratings, strict=False))
        ]
        goals.append(
            m.DevelopmentGoal(f"Mentee {i:02d}", f"Goal of mentee {i:02d}", evaluations=evals)
        )
    program = m.Program(
        name="Big",
        organization="Org",
        org_size="large",
        participants=people,
        pairs=pairs,
        development_goals=goals,
    )
    out = tmp_path / "report.pdf"
    services.write_document(program, kind="report", path=out, today=TODAY)
    text = pdf_text(out)
    assert "61 pairs: 59 active · 1 stalled · 1 paused" in text
    assert "Flagged by the rules (1) Mentor Mentee Health What the rules say" in text
    assert "Mentor 29 Mentee 59 stalled the mentor is the mentee's manager" in text
    assert "Pairs that need attention (2)" in text
    assert "Mentor 29 Mentee 59 1 Mar 2027 — stalled 136" in text
    assert "Mentor 02 Mentee 00 — — paused —" in text
    assert "Mentor 01 Mentee 00" not in text  # an active pair is counted, not listed
    assert "60 development goals, 45 evaluated (45 more than once), 15 not evaluated yet." in text
    for expected in ("5 of 5 15 33%", "4 of 5 15 33%", "2 of 5 15 33%", "1 of 5 0 0%"):
        assert expected in text, expected
    assert "The rating rose for 15, stayed for 15 and fell for 15" in text
    assert "from 4.0 at the first evaluation to 3.7 at the latest" in text
    assert "manager 45 45 3.7 of 5" in text and "self 45 45 4.0 of 5" in text
    fell = re.findall(r"Goal of mentee (\d\d) 4 → 2 self → manager 1 Jun 2027", text)
    assert fell == [f"{i:02d}" for i in range(1, 60, 4)]
    assert "Goal of mentee 00" not in text  # a goal whose rating rose is counted only


# ----- errors and files -------------------------------------------------------


def test_for_an_unknown_stakeholder_is_an_error(
    northwind_db: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "pitch.pdf"
    assert export(northwind_db, "pitch", out, "--for", "Nobody Here") == 2
    err = capsys.readouterr().err
    assert err.startswith("error:") and "Nobody Here" in err
    assert not out.exists()


def test_failed_write_keeps_the_earlier_file(
    northwind_db: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    out = tmp_path / "pitch.pdf"
    out.write_bytes(b"earlier")

    def read_only(src: object, dst: object) -> None:
        raise OSError(errno.EROFS, "Read-only file system")

    monkeypatch.setattr(os, "replace", read_only)
    assert export(northwind_db, "pitch", out) == 2
    assert "Read-only file system" in capsys.readouterr().err
    assert out.read_bytes() == b"earlier"
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".pitch")] == []


@pytest.mark.skipif(hasattr(os, "geteuid") and os.geteuid() == 0, reason="root writes anywhere")
def test_read_only_folder_is_an_error(northwind_db: Path, tmp_path: Path) -> None:
    folder = tmp_path / "locked"
    folder.mkdir()
    out = folder / "map.pdf"
    out.write_bytes(b"earlier")
    folder.chmod(0o555)
    try:
        assert export(northwind_db, "stakeholders", out) == 2
        assert out.read_bytes() == b"earlier"
    finally:
        folder.chmod(0o755)


def test_cancelled_export_writes_nothing(northwind, tmp_path: Path) -> None:
    from mentor_desk.errors import KnownError
    from mentor_desk.reports.base import ExportCancelled

    out = tmp_path / "report.pdf"
    calls: list[tuple[int, int]] = []
    with pytest.raises(ExportCancelled) as caught:
        services.write_document(
            northwind,
            kind="report",
            path=out,
            today=TODAY,
            progress=lambda done, total: calls.append((done, total)),
            cancelled=lambda: len(calls) >= 2,
        )
    assert isinstance(caught.value, KnownError)
    assert not out.exists()
    done: list[tuple[int, int]] = []
    services.write_document(
        northwind, kind="report", path=out, today=TODAY, progress=lambda d, t: done.append((d, t))
    )
    assert done[-1] == (100, 100) and out.read_bytes().startswith(b"%PDF")


def test_reportlab_is_not_imported_at_start_up() -> None:
    code = (
        "import sys, mentor_desk.cli, mentor_desk.services; "
        "print(sorted(m for m in sys.modules if m.startswith('reportlab')))"
    )
    out = subprocess.run([sys.executable, "-c", code], check=True, capture_output=True, text=True)
    assert out.stdout.strip() == "[]"


def test_stance_map_places_and_names_everyone_without_overlap() -> None:
    from mentor_desk.domain import model as m
    from mentor_desk.reports import base, charts

    base.register_fonts()
    crowd = [m.Stakeholder(f"Peer {i}", "peer", influence=4, stance="neutral") for i in range(9)]
    others = [
        m.Stakeholder("Unrated", "other"),
        m.Stakeholder(f"{CJK} Boss", "boss", influence=5, stance="champion"),
    ]
    chart = charts.stance_map(crowd + others, 480)
    names = [label.text for label in chart.labels]
    assert sorted(names) == sorted(s.name for s in crowd + others)
    boxes = [(round(label.x), round(label.y)) for label in chart.labels]
    assert len(set(boxes)) == len(boxes)  # stacked, never on top of each other
    ys = sorted(label.y for label in chart.labels if label.text.startswith("Peer"))
    assert min(b - a for a, b in zip(ys, ys[1:], strict=False)) >= 10  # a line apart at least


@pytest.mark.parametrize("kind", ["pitch", "stakeholders", "report"])
def test_a_bare_program_prints_what_is_missing(kind: str, tmp_path: Path) -> None:
    from mentor_desk.domain import model as m

    bare = m.Program(name="Bare", organization="Org", org_size="large")
    out = tmp_path / f"{kind}.pdf"
    services.write_document(bare, kind=kind, path=out, today=TODAY, paper="letter")
    text = pdf_text(out)
    assert "Org · Bare" in text and "Page 1 of" in text
    expected = {
        "pitch": "Success metrics: to be defined.",
        "stakeholders": "No stakeholders recorded yet.",
        "report": "No metrics defined yet.",
    }
    assert expected[kind] in text


def test_a_crowded_stakeholder_map_still_fits_one_page(tmp_path: Path) -> None:
    from mentor_desk.domain import model as m

    crowd = [
        m.Stakeholder(f"Person {i:03d}", "peer", influence=1 + i % 5, stance=m.STANCES[i % 6])
        for i in range(600)
    ] + [m.Stakeholder(f"Unrated {i}", "other") for i in range(40)]
    program = m.Program(name="Crowd", organization="Org", org_size="large", stakeholders=crowd)
    out = tmp_path / "map.pdf"
    services.write_document(program, kind="stakeholders", path=out, today=TODAY)
    pages = pdf_pages(out)
    assert "more (see the table)" in pages[0]
    assert all(f"Person {i:03d}" in " ".join(pages[1:]) for i in range(600))  # all in the table
