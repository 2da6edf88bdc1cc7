"""The fast schema check says yes to exactly the documents jsonschema says yes to.

``read_document`` runs jsonschema only when the fast check (compiled from the schema)
refuses a document, and jsonschema then validates against the schema with its
``$ref``s inlined. These tests are generated from the shipped schema: at every place
a constraint applies in a real document, the document is changed to break it (and to
meet it at its edges, with values of every JSON type), and

- the fast check must give the same answer as jsonschema on the shipped schema, for
  every change;
- every constraint (each ``type``, ``enum``, ``const``, ``pattern``, ``format``,
  ``minimum``/``maximum``, ``minLength``/``maxLength``, ``required`` and
  ``additionalProperties: false``, at every place, nested items too) must have been
  broken by at least one change, so a constraint added to the schema is tested
  without anyone writing a probe for it;
- the problems listed for a bad document must be, word for word and in order, those
  jsonschema gives on the shipped schema (with its ``$ref``s).
"""

from __future__ import annotations

import contextlib
import json
import math
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import jsonschema
import pytest
from test_interchange import hostile_document

from mentor_desk import interchange
from mentor_desk.cli import main

SCHEMA = interchange.schema()
DEFS = SCHEMA["$defs"]
MISSING: Any = object()
# The keywords that constrain a value by themselves ("properties" and "items" only
# say where other keywords apply).
CONSTRAINTS = interchange._VALIDATION - {"properties", "items"}

_cls = jsonschema.validators.validator_for(SCHEMA)
REFERENCE = _cls(SCHEMA, format_checker=_cls.FORMAT_CHECKER)  # the shipped schema, $refs kept

GENERIC = [None, True, False, 0, -1, 2.0, 2.5, -0.5, 10**20, math.nan, math.inf, -math.inf]
GENERIC += ["", "x", " ", "\n", [], ["x"], [None], {}, {"x": 1}]
DATES = [
    "2027-01-31",
    "2028-02-29",
    "2027-02-29",
    "2027-02-30",
    "2027-13-01",
    "2027-00-10",
    "0000-01-01",
    "9999-12-31",
    "2027-1-01",
    "20270101",
    "2027-01-01\n",
    "\n2027-01-01",
    " 2027-01-01",
    "2027-01-01T00:00",
    "2027/01/01",
    "２０２７-01-01",
    "2027-W01-1",
    "2027-001",
]


@dataclass
class Site:
    """One place in the document where a schema node applies."""

    path: tuple[str | int, ...]
    node: dict[str, Any]  # the schema node as shipped (it may be a $ref)
    keywords: dict[str, Any]  # what applies there, $refs followed
    value: Any  # the document's value there, or MISSING


def resolve(node: dict[str, Any]) -> dict[str, Any]:
    while "$ref" in node:
        target = DEFS[node["$ref"].removeprefix("#/$defs/")]
        node = {**target, **{k: v for k, v in node.items() if k != "$ref"}}
    return node


def sites_of(doc: Any) -> tuple[list[Site], list[tuple[str | int, ...]]]:
    """Every place a schema node applies, and the objects and lists the document lacks."""
    out: list[Site] = []
    lacking: list[tuple[str | int, ...]] = []

    def walk(node: dict[str, Any], value: Any, path: tuple[str | int, ...]) -> None:
        keywords = resolve(node)
        out.append(Site(path, node, keywords, value))
        if value is MISSING or (isinstance(value, list) and not value):
            if "properties" in keywords or "items" in keywords:
                lacking.append(path)
            if value is MISSING:
                return
        for key, sub in keywords.get("properties", {}).items():
            walk(sub, value.get(key, MISSING), (*path, key))
        if "items" in keywords:
            walk(keywords["items"], value[0] if value else MISSING, (*path, 0))

    walk(SCHEMA, doc, ())
    return out, lacking


def _dedupe(values: list[Any]) -> list[Any]:
    seen: set[tuple[str, str]] = set()
    out = []
    for value in values:
        key = (type(value).__name__, json.dumps(value))
        if key not in seen:
            seen.add(key)
            out.append(value)
    return out


def value_probes(site: Site) -> list[Any]:
    """Values to put at the site: every JSON type, and each constraint's edges."""
    kw = site.keywords
    out = list(GENERIC)
    current = site.value
    if current is not MISSING:
        out.append(current)
    for allowed in kw.get("enum", []):
        out += [allowed, allowed + " ", " " + allowed, allowed.upper(), allowed[:-1]]
    if "const" in kw:
        const = kw["const"]
        if isinstance(const, str):
            out += [const, const + "x", const.upper(), const[:-1]]
        else:
            out += [const, float(const), const + 1, -const, str(const), True, False]
    if "minLength" in kw:
        n = kw["minLength"]
        out += ["x" * n, "😀" * n] + (["x" * (n - 1)] if n else [])
    if "maxLength" in kw:
        n = kw["maxLength"]
        out += ["x" * n, "x" * (n + 1), "😀" * n, "😀" * (n + 1), "é" * n + "\u0301"]
    if "pattern" in kw:
        samples = [current] if isinstance(current, str) else []
        samples += DATES if kw.get("format") == "date" else []
        for s in samples:
            out += [s, s + "\n", "\n" + s, s + "x", "x" + s, s.lower(), s[1:], s + "\n\n"]
    if kw.get("format") == "date":
        out += DATES
    for word, step in (("minimum", -1), ("maximum", 1)):
        if word in kw:
            edge = kw[word]
            out += [edge, float(edge), edge + step, edge - step, edge + step / 2, edge - step / 2]
            out += [edge + step * 10**20]
    if kw.get("type") == "integer":
        out += [1, 1.0, 3.0, 1.5, 10**30, -0.0, 1e300]
    if kw.get("type") == "number":
        out += [1, 1.0, 1e-300, -0.0, 1e300, 10**400]
    if kw.get("type") == "boolean":
        out += [0, 1, "true", "false"]
    if kw.get("type") == "array" and isinstance(current, list):
        out += [[], current * 2, [*current, None]]
    return _dedupe(out)


def object_probes(site: Site) -> list[tuple[str, str, Any]]:
    """Changes to the object at the site: each required key taken out, unknown keys added."""
    kw = site.keywords
    if not isinstance(site.value, dict):
        return []
    out: list[tuple[str, str, Any]] = [("drop", key, None) for key in kw.get("required", [])]
    out += [("drop", key, None) for key in site.value if key not in kw.get("required", [])][:1]
    properties = list(kw.get("properties", {}))
    extras = ["zz_not_in_the_schema", "", " "] + [p.upper() for p in properties[:1]]
    extras += [p + " " for p in properties[:1]]
    out += [("add", key, 1) for key in extras]
    return out


def _get(doc: Any, path: tuple[str | int, ...]) -> Any:
    for part in path:
        doc = doc[part]  # type: ignore[index]
    return doc


@contextlib.contextmanager
def value_at(doc: Any, path: tuple[str | int, ...], value: Any) -> Iterator[Any]:
    """The document with ``value`` at ``path``; put back as it was afterwards."""
    if not path:
        yield value
        return
    parent, key = _get(doc, path[:-1]), path[-1]
    if isinstance(parent, list):
        added = len(parent) == 0
        old = None if added else parent[0]
        if added:
            parent.append(value)
        else:
            parent[0] = value
        try:
            yield doc
        finally:
            if added:
                parent.pop()
            else:
                parent[0] = old
        return
    saved = dict(parent)
    parent[key] = value
    try:
        yield doc
    finally:
        parent.clear()
        parent.update(saved)


@contextlib.contextmanager
def object_changed(doc: Any, path: tuple[str | int, ...], change: tuple[str, str, Any]):
    obj = _get(doc, path)
    saved = dict(obj)
    how, key, value = change
    if how == "drop":
        del obj[key]
    else:
        obj[key] = value
    try:
        yield doc
    finally:
        obj.clear()
        obj.update(saved)


def reference_problems(doc: Any) -> list[str]:
    """The problems as read_document words them, from jsonschema on the shipped schema."""
    return [
        f"{interchange._json_path(err.absolute_path)}: {interchange._schema_message(err)}"
        for err in sorted(REFERENCE.iter_errors(doc), key=lambda e: list(map(str, e.absolute_path)))
    ]


@pytest.fixture(scope="module")
def document() -> Any:
    doc = hostile_document()
    assert reference_problems(doc) == []
    return doc


def test_document_uses_every_part_of_the_schema(document):
    sites, lacking = sites_of(document)
    assert lacking == [], f"the test document has no value at {lacking}"
    assert len(sites) > 150


Key = tuple[tuple[str | int, ...], str]  # (path, keyword)


@dataclass
class Exploration:
    """What came of changing the document at every site in every way value_probes gives."""

    sites: list[Site]
    changes: int
    disagreements: list[str]
    expected: set[Key]  # each constraint at each place it applies
    broken: set[Key]  # those some change broke (by jsonschema's errors)
    first_break: dict[Key, tuple[Any, ...]]  # one change that broke each


@pytest.fixture(scope="module")
def exploration(document) -> Exploration:
    fast = interchange._fast_check()
    sites, _ = sites_of(document)
    found = Exploration(sites, 0, [], set(), set(), {})

    def compare(site: Site, doc: Any, subtree: Any, label: str, record: tuple[Any, ...]) -> None:
        found.changes += 1
        # Only the site changed, and the rest of the document is valid: jsonschema's
        # answer for the whole document is its answer for the site's value.
        errors = list(REFERENCE.evolve(schema=site.node).iter_errors(subtree))
        said = fast(doc)
        if said != (not errors):
            found.disagreements.append(
                f"{interchange._json_path(site.path)} = {label}: fast check says "
                f"{'valid' if said else 'invalid'}, jsonschema {[e.message[:80] for e in errors]}"
            )
        for err in errors:
            key = ((*site.path, *err.absolute_path), err.validator)
            found.broken.add(key)
            found.first_break.setdefault(key, record)

    for site in sites:
        for word in site.keywords:
            if word in CONSTRAINTS and site.keywords[word] is not True:
                found.expected.add((site.path, word))
        for value in value_probes(site):
            with value_at(document, site.path, value) as doc:
                compare(site, doc, value, repr(value)[:60], ("set", site.path, value))
        for change in object_probes(site):
            with object_changed(document, site.path, change) as doc:
                compare(site, doc, site.value, f"{change[0]} {change[1]!r}", (*change, site.path))
    return found


def changed(document: Any, record: tuple[Any, ...]) -> Any:
    if record[0] == "set":
        return value_at(document, record[1], record[2])
    return object_changed(document, record[3], record[:3])


def test_fast_check_agrees_with_jsonschema_on_every_change(exploration):
    assert exploration.disagreements == []
    assert exploration.changes > 3000


def test_every_constraint_at_every_place_was_broken(exploration):
    assert exploration.expected - exploration.broken == set(), "constraints no change broke"
    # The schema uses every keyword the fast check knows, so each of its branches is
    # tested here (drop from interchange._VALIDATION a keyword the schema stops using).
    assert {word for _, word in exploration.expected} == CONSTRAINTS
    assert len(exploration.expected) > 250


def test_problems_listed_are_those_of_jsonschema_on_the_shipped_schema(document, exploration):
    """For one change that breaks each constraint at each place: word for word, in order."""
    for key in sorted(exploration.expected, key=str):
        with changed(document, exploration.first_break[key]) as doc:
            wanted = reference_problems(doc)
            assert wanted
            assert interchange.schema_problems(doc) == wanted, key


def test_every_place_broken_at_once_lists_every_problem_in_order(document, exploration):
    """Problems in objects and in their values together come out in jsonschema's order."""
    doc = json.loads(json.dumps(document))
    leaves = {}
    for site in exploration.sites:
        if "properties" in site.keywords:
            _get(doc, site.path)["zz_not_in_the_schema"] = 1
        elif "items" not in site.keywords:
            record = next(
                (
                    r
                    for k, r in exploration.first_break.items()
                    if k[0] == site.path and r[0] == "set"
                ),
                None,
            )
            if record is not None:
                leaves[site.path] = record[2]
    for path, value in leaves.items():
        parent = _get(doc, path[:-1])
        if isinstance(parent, list) and not parent:
            parent.append(value)
        else:
            parent[path[-1]] = value
    wanted = reference_problems(doc)
    assert len(wanted) > 150
    assert interchange.schema_problems(doc) == wanted


def test_problems_in_many_places_are_listed_in_the_same_order(document):
    doc = json.loads(json.dumps(document))
    p = doc["program"]
    p["org_size"] = "medium"
    p["currency"] = "eur"
    p["colour"] = "red"
    p["stakeholders"][0].update(influence=0, stance="hostile", last_contact="2027-02-30")
    p["stakeholders"][1].pop("role")
    p["participants"][2]["skills"] = ["", 3, "x" * 81]
    p["development_goals"][0]["evaluations"][1].update(rating=6, by="boss", extra=True)
    p["surveys"][0]["responses"] = 1.5
    p["design"]["cycle_months"] = True
    wanted = reference_problems(doc)
    assert len(wanted) == 15
    assert interchange.schema_problems(doc) == wanted


def test_inline_refs_refuses_what_it_cannot_inline():
    def define(**defs: Any) -> dict[str, Any]:
        return {"$ref": "#/$defs/a", "$defs": defs}

    assert interchange.inline_refs(define(a={"$ref": "#/$defs/b"}, b={"type": "string"})) == {
        "type": "string"
    }
    with pytest.raises(ValueError, match="recursive"):
        interchange.inline_refs(define(a={"items": {"$ref": "#/$defs/a"}}))
    with pytest.raises(ValueError, match="cannot inline"):
        interchange.inline_refs({"$ref": "https://example.com/other.json"})
    with pytest.raises(ValueError, match="beside the"):
        interchange.inline_refs(define(a={"type": "string"}) | {"type": "number"})
    # The shipped schema has no recursion: it inlines, and nothing refers any more.
    assert "$ref" not in json.dumps(interchange.inlined_schema())


def test_fast_check_refuses_keywords_it_does_not_know():
    for node in (
        {"multipleOf": 2},
        {"anyOf": [{"type": "string"}]},
        {"type": ["string", "null"]},
        {"format": "email"},
        {"enum": [1, 2]},
        {"additionalProperties": {"type": "string"}},
        {"patternProperties": {"^x": {}}},
        {"properties": {"x": False}},
        {"items": [{"type": "string"}]},
    ):
        with pytest.raises(ValueError, match="the fast check"):
            interchange.compile_checker(node)


def test_import_of_a_document_the_fast_check_refuses_lists_problems(
    tmp_path, db_path, capsys, northwind_doc
):
    northwind_doc["program"]["participants"][3]["joined_on"] = "2027-01-01\n"
    northwind_doc["program"]["currency"] = "EUR\n"  # $ allows a final newline: accepted
    path = tmp_path / "doc.json"
    path.write_text(json.dumps(northwind_doc), "utf-8")
    code = main(["--db", str(db_path), "import", str(path)])
    _, err = capsys.readouterr()
    assert code == 2
    assert "program.participants[3].joined_on: '2027-01-01\\n' is not a valid date" in err
    assert "currency" not in err
    assert main(["--db", str(db_path), "list"]) == 0
    assert capsys.readouterr().out == ""
