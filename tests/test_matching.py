"""Matching: optimal proposals under the hard constraints, each explained; the match verb."""

from __future__ import annotations

import datetime as dt

from mentor_desk import cli, services
from mentor_desk.domain import matching
from mentor_desk.domain import model as m

TODAY = dt.date(2027, 6, 1)


def mentor(name, skills=(), **kw):
    return m.Participant(name=name, role="mentor", skills=list(skills), **kw)


def mentee(name, skills=(), **kw):
    return m.Participant(name=name, role="mentee", skills=list(skills), **kw)


def program(*people, pairs=(), per_mentor=None, max_pairs=None):
    prog = m.Program(name="P", organization="O", org_size="small")
    prog.participants = list(people)
    prog.pairs = list(pairs)
    prog.design.max_mentees_per_mentor = per_mentor
    prog.design.max_pairs = max_pairs
    return prog


def pairs_of(result):
    return {(p.mentor, p.mentee) for p in result.proposals}


def greedy_total(prog):
    """A greedy pass (best pair first), for comparison: what the solver must beat."""
    allowed, points, _ = matching._score(
        [p for p in prog.participants if p.role == "mentee"],
        [p for p in prog.participants if p.role == "mentor"],
    )
    cells = sorted(
        ((points[i, j], i, j) for i in range(points.shape[0]) for j in range(points.shape[1])),
        reverse=True,
    )
    used_rows, used_cols, total = set(), set(), 0
    for score, i, j in cells:
        if i not in used_rows and j not in used_cols and allowed[i, j]:
            used_rows.add(i)
            used_cols.add(j)
            total += score
    return total


def test_optimal_total_beats_a_greedy_pass():
    prog = program(
        mentee("Ana", ["s1", "s2", "s3"]),
        mentee("Ben", ["s4", "s5"]),
        mentor("Xia", ["s1", "s2", "s3", "s4", "s5"]),
        mentor("Yan", ["s1", "s2"]),
    )
    result = matching.propose(prog, TODAY)
    assert pairs_of(result) == {("Yan", "Ana"), ("Xia", "Ben")}
    assert result.total_score == 40
    assert greedy_total(prog) == 30
    assert result.unmatched == []


def test_reasons_name_the_shared_skills_and_the_department():
    prog = program(
        mentee(
            "Alex Moreno",
            ["Stakeholder management", "presenting", "budgets"],
            department="IT",
        ),
        mentor(
            "Jo Park",
            ["stakeholder  management", "Presenting"],
            department="External",
            external=True,
        ),
    )
    (proposal,) = matching.propose(prog, TODAY).proposals
    assert proposal.score == 2 * matching.SKILL_POINTS + matching.DEPARTMENT_POINTS
    assert proposal.reasons[:2] == (
        "shares Stakeholder management, presenting",
        "from another department (External)",
    )
    assert proposal.reason_text.startswith(
        "shares Stakeholder management, presenting; from another department (External)"
    )


def test_never_the_mentees_own_manager():
    boss = mentor("Tom Becker", ["planning", "coaching"])
    other = mentor("Kim Roe", ["planning"])
    sam = mentee("Sam Patel", ["planning", "coaching"], manager="  tom BECKER ")

    result = matching.propose(program(sam, boss, other), TODAY)
    assert pairs_of(result) == {("Kim Roe", "Sam Patel")}

    alone = matching.propose(program(sam, boss), TODAY)
    assert alone.proposals == []
    assert [u.mentee for u in alone.unmatched] == ["Sam Patel"]
    assert "own manager" in alone.unmatched[0].reason


def test_high_performer_reporting_to_the_manager_gets_only_an_external_mentor():
    star = mentee("Alex", ["presenting"], reports_to_manager=True, high_performer=True)
    inside = mentor("Priya", ["presenting"])
    outside = mentor("Jo", [], external=True)

    result = matching.propose(program(star, inside, outside), TODAY)
    assert pairs_of(result) == {("Jo", "Alex")}
    assert any("external mentor" in r for r in result.proposals[0].reasons)

    none = matching.propose(program(star, inside), TODAY)
    assert none.proposals == []
    assert "needs an external mentor" in none.unmatched[0].reason

    # Only one of the two conditions: any mentor will do.
    plain = mentee("Alex", ["presenting"], reports_to_manager=True, high_performer=False)
    assert pairs_of(matching.propose(program(plain, inside), TODAY)) == {("Priya", "Alex")}


def test_external_mentor_at_capacity_is_reported():
    star = mentee("Alex", reports_to_manager=True, high_performer=True)
    jo = mentor("Jo", external=True)
    busy = m.Pair("Jo", "Other", status="active")
    result = matching.propose(
        program(star, jo, mentee("Other"), mentor("Priya"), pairs=[busy]), TODAY
    )
    assert result.proposals == []
    assert result.unmatched[0].reason == "no external mentor with a free place"


def test_capacity_counts_open_pairs_and_defaults_to_one():
    people = [mentor("Xia", ["a"]), mentee("A", ["a"]), mentee("B", ["a"]), mentee("C", ["a"])]
    assert matching.capacity(program(*people)) == matching.DEFAULT_CAPACITY == 1
    result = matching.propose(program(*people), TODAY)
    assert len(result.proposals) == 1
    assert len(result.unmatched) == 2
    assert all(
        u.reason == "the free places of Xia went to other mentees (the best total score)"
        for u in result.unmatched
    )
    # A mentor whose places are all taken by existing pairs is named as full.
    taken = m.Pair("Xia", "Old", status="active")
    result = matching.propose(program(*people, mentee("Old"), pairs=[taken]), TODAY)
    assert result.proposals == []
    assert all("already has 1 mentee(s)" in u.reason for u in result.unmatched)

    result = matching.propose(program(*people, per_mentor=2), TODAY)
    assert len(result.proposals) == 2
    assert [p.reasons[-1] for p in result.proposals] == [
        "mentee 1 of 2 for this mentor",
        "mentee 2 of 2 for this mentor",
    ]

    # An open pair takes a place; a closed or ended one does not.
    existing = m.Pair("Xia", "Old", status="paused")
    gone = m.Pair("Xia", "Older", status="closed")
    ended = m.Pair("Xia", "Older", status="active", ended_on=TODAY)
    people += [mentee("Old"), mentee("Older")]
    result = matching.propose(program(*people, pairs=[existing, gone, ended], per_mentor=2), TODAY)
    assert len(result.proposals) == 1
    # "Older" only had a closed pair: unpaired, and a candidate again.
    assert {u.mentee for u in result.unmatched} | {p.mentee for p in result.proposals} == {
        "A",
        "B",
        "C",
        "Older",
    }


def test_paired_mentees_are_left_alone():
    people = [mentor("Xia", ["a"]), mentor("Yan", ["a"]), mentee("A", ["a"]), mentee("B", ["a"])]
    for status in ("proposed", "active", "paused", None):
        pair = m.Pair("Yan", "A", status=status)
        result = matching.propose(program(*people, pairs=[pair], per_mentor=3), TODAY)
        assert {p.mentee for p in result.proposals} == {"B"}


def test_a_mentor_who_has_left_is_not_available():
    people = [
        mentor("Gone", ["a", "b"], left_on=TODAY),
        mentor("Stays", ["a"], left_on=TODAY + dt.timedelta(days=1)),
        mentee("A", ["a", "b"]),
        mentee("Left", ["a"], left_on=TODAY - dt.timedelta(days=3)),
    ]
    result = matching.propose(program(*people), TODAY)
    assert pairs_of(result) == {("Stays", "A")}
    assert [(u.mentee, u.reason) for u in result.unmatched] == [
        ("Left", f"left on {(TODAY - dt.timedelta(days=3)).isoformat()}")
    ]


def test_max_pairs_caps_the_total_and_keeps_the_best():
    people = [
        mentor("Xia", ["a", "b", "c"]),
        mentor("Yan", ["a"]),
        mentor("Zed", ["z"]),
        mentee("A", ["a"]),
        mentee("B", ["a", "b", "c"]),
        mentee("Old"),
    ]
    old = m.Pair("Zed", "Old", status="active")
    result = matching.propose(program(*people, pairs=[old], max_pairs=2), TODAY)
    assert pairs_of(result) == {("Xia", "B")}
    assert result.unmatched[0].mentee == "A"
    assert "maximum number of pairs" in result.unmatched[0].reason

    full = matching.propose(program(*people, pairs=[old], max_pairs=1), TODAY)
    assert full.proposals == []
    assert all("maximum number of pairs" in u.reason for u in full.unmatched)


def test_matching_everyone_comes_before_a_higher_score():
    people = [
        mentor("Xia", ["a", "b", "c", "d", "e"]),
        mentor("Yan", []),
        mentee("A", ["a", "b", "c", "d", "e"]),
        mentee("B", [], manager="Yan"),
    ]
    result = matching.propose(program(*people), TODAY)
    # B can only have Xia (Yan is B's manager): A gets Yan although Xia would score 50.
    assert pairs_of(result) == {("Xia", "B"), ("Yan", "A")}
    assert result.unmatched == []


def test_large_input_is_matched_whole():
    people = []
    for i in range(60):
        people.append(mentor(f"Mentor {i}", [f"s{i % 7}", f"s{i % 5}"], department=f"D{i % 4}"))
    for i in range(100):
        people.append(mentee(f"Mentee {i}", [f"s{i % 7}"], department=f"D{i % 3}"))
    result = matching.propose(program(*people, per_mentor=2), TODAY)
    assert len(result.proposals) == 100
    per_mentor = {}
    for p in result.proposals:
        per_mentor[p.mentor] = per_mentor.get(p.mentor, 0) + 1
    assert max(per_mentor.values()) <= 2
    assert len({p.mentee for p in result.proposals}) == 100


def _add_people(pf, program_id, people):
    for person in people:
        services.add_item(pf, program_id=program_id, collection="participants", item=person)


def test_match_verb_prints_proposals_and_apply_stores_them(
    northwind, program_file, db_path, capsys
):
    _add_people(
        program_file,
        northwind.id,
        [
            mentee("Zoë Müller", ["planning"], department="Sales", manager="Priya Raman"),
            mentee("Lee Chan", ["presenting"], department="IT"),
            mentee("Star", ["presenting"], reports_to_manager=True, high_performer=True),
        ],
    )
    program_file.close()

    assert cli.main(["--db", str(db_path), "match", str(northwind.id)]) == 0
    lines = capsys.readouterr().out.splitlines()
    proposals = [line.split("\t") for line in lines if not line.startswith("#")]
    assert [len(p) for p in proposals] == [4] * len(proposals)
    # Jo Park (external) and Priya Raman each have one free place. Star needs the
    # external mentor; Zoë cannot have Priya (her manager), so Jo would be her only
    # choice: matching the most mentees gives Jo to Star and Priya to Lee.
    assert {(p[0], p[1]) for p in proposals} == {
        ("Jo Park", "Star"),
        ("Priya Raman", "Lee Chan"),
    }
    assert all(p[2].isdigit() and p[3] for p in proposals)
    unmatched = [line.split("\t") for line in lines if line.startswith("# unmatched")]
    assert [u[1] for u in unmatched] == ["Zoë Müller"]
    assert "went to other mentees" in unmatched[0][2]

    assert cli.main(["--db", str(db_path), "match", northwind.name, "--apply"]) == 0
    capsys.readouterr()
    pf = services.open_file(db_path, readonly=True)
    try:
        stored = services.load_program(pf, northwind.id).pairs
    finally:
        pf.close()
    new = [p for p in stored if p.status == "proposed"]
    assert {(p.mentor, p.mentee) for p in new} == {(p[0], p[1]) for p in proposals}

    assert cli.main(["--db", str(db_path), "match", str(northwind.id)]) == 0
    again = capsys.readouterr().out.splitlines()
    assert [line for line in again if not line.startswith("#")] == []


def test_accepting_a_stale_proposal_is_refused(program_file, northwind):
    _add_people(program_file, northwind.id, [mentee("New", ["planning"])])
    result = services.propose_pairs(program_file, program_id=northwind.id, today=TODAY)
    changes = services.accept_proposals(
        program_file, program_id=northwind.id, proposals=result.proposals
    )
    assert [c.new.status for c in changes] == ["proposed"]
    try:
        services.accept_proposals(program_file, program_id=northwind.id, proposals=result.proposals)
    except services.DocumentError as exc:
        assert "already has a mentor" in exc.problems[0]
    else:
        raise AssertionError("a second accept of the same proposal was stored")


def test_a_rejected_pair_is_not_proposed_again():
    people = [mentor("Xia", ["a", "b"]), mentor("Yan", ["a"]), mentee("A", ["a", "b"])]
    assert pairs_of(matching.propose(program(*people), TODAY)) == {("Xia", "A")}
    again = matching.propose(program(*people), TODAY, excluded={("Xia", "A")})
    assert pairs_of(again) == {("Yan", "A")}
    none = matching.propose(program(*people), TODAY, excluded={("Xia", "A"), ("Yan", "A")})
    assert none.proposals == []
    assert none.unmatched[0].reason == "every suitable mentor was rejected for this mentee"
