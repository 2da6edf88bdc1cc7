"""The program document (JSON) to and from the domain, validated against its schema.

``read_document`` checks a parsed document against the project's copy of
``program.schema.json`` and against the references the schema cannot express,
and lists every problem with its JSON path; ``program_to_document`` writes a
program back in the same shape, so that import then dump gives the document
back.
"""

from __future__ import annotations

import datetime as dt
import json
import math
import numbers
import re
from collections import Counter
from collections.abc import Callable
from functools import cache
from importlib import resources
from typing import Any

from mentor_desk.domain import model as m
from mentor_desk.errors import DocumentError

FORMAT = "mentor-desk/program"
VERSION = 1


@cache
def schema() -> dict[str, Any]:
    """The program document schema shipped with the package."""
    text = resources.files("mentor_desk").joinpath("program.schema.json").read_text("utf-8")
    return json.loads(text)


@cache
def _validator() -> Any:
    """jsonschema's validator, on the schema with its ``$ref``s inlined (the same errors)."""
    import jsonschema  # imported when a document is read, not at start-up

    cls = jsonschema.validators.validator_for(schema())
    return cls(inlined_schema(), format_checker=cls.FORMAT_CHECKER)


# ----- the schema with its $refs inlined ---------------------------------------------

# Keywords that only describe: they may be dropped or overridden without changing
# what a document must be.
_ANNOTATIONS = frozenset(("description", "default", "title", "examples", "$comment"))


@cache
def inlined_schema() -> dict[str, Any]:
    """The shipped schema with its ``$ref``s inlined (see ``inline_refs``)."""
    return inline_refs(schema())


def inline_refs(root: dict[str, Any]) -> dict[str, Any]:
    """A copy of the schema with every ``$ref`` replaced by a copy of what it names.

    jsonschema then validates without resolving a reference for every value (a third
    of its time on a large program). The referenced keywords take the place of the
    ``$ref`` keyword, in order, so the errors come out the same and in the same order.
    A recursive reference, one outside ``#/$defs/``, or a ``$ref`` beside a validation
    keyword it would clash with raises ValueError.
    """
    defs = root.get("$defs", {})

    def inline(node: Any, seen: tuple[str, ...]) -> Any:
        if isinstance(node, list):
            return [inline(x, seen) for x in node]
        if not isinstance(node, dict):
            return node
        out: dict[str, Any] = {}
        for key, value in node.items():
            if key == "$ref":
                name = value.removeprefix("#/$defs/")
                if name == value or "/" in name or name not in defs:
                    raise ValueError(f"cannot inline the $ref {value!r}")
                if name in seen:
                    raise ValueError(f"the schema is recursive at {value!r}")
                for k, v in inline(defs[name], (*seen, name)).items():
                    if k in node and k not in _ANNOTATIONS:
                        raise ValueError(f"{k!r} beside the $ref {value!r}")
                    out.setdefault(k, v)
            elif key in ("enum", "const", "default", "examples"):
                out[key] = value  # values, not schemas
            elif key in ("properties", "$defs"):
                out[key] = {k: inline(v, seen) for k, v in value.items()}
            else:
                out[key] = inline(value, seen)
        return out

    return inline({k: v for k, v in root.items() if k != "$defs"}, ())


# ----- the fast check ----------------------------------------------------------------

# What the fast check understands (with the annotations above); any other keyword in
# the schema makes compile_checker raise, so the schema cannot grow past it unseen.
_VALIDATION = frozenset(
    (
        "type",
        "enum",
        "const",
        "properties",
        "required",
        "additionalProperties",
        "items",
        "minLength",
        "maxLength",
        "pattern",
        "format",
        "minimum",
        "maximum",
    )
)
_IGNORED = _ANNOTATIONS | {"$schema", "$id"}
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$", re.ASCII)  # as jsonschema's "date" format


def _is_number(x: Any) -> bool:
    # jsonschema: any numbers.Number but a bool
    return not isinstance(x, bool) and isinstance(x, numbers.Number)


def _is_integer(x: Any) -> bool:
    # jsonschema (draft 6 on): an int but not a bool, or a float with no fraction
    if isinstance(x, bool):
        return False
    return isinstance(x, int) or (isinstance(x, float) and x.is_integer())


def _is_date(x: str) -> bool:
    if not _DATE.fullmatch(x):
        return False
    try:
        dt.date.fromisoformat(x)
    except ValueError:
        return False
    return True


_TYPES: dict[str, Callable[[Any], bool]] = {
    "object": lambda x: isinstance(x, dict),
    "array": lambda x: isinstance(x, list),
    "string": lambda x: isinstance(x, str),
    "boolean": lambda x: isinstance(x, bool),
    "null": lambda x: x is None,
    "number": _is_number,
    "integer": _is_integer,
}


def compile_checker(node: dict[str, Any]) -> Callable[[Any], bool]:
    """A function that says whether a value is valid against an inlined schema node.

    It accepts exactly what jsonschema (draft 2020-12, with format checking) accepts
    for the keywords in ``_VALIDATION``, and only answers yes or no: jsonschema is
    run to word the problems when it says no. tests/test_fast_check.py holds the two
    to the same answers on every constraint of the shipped schema.
    """
    if not isinstance(node, dict):
        raise ValueError(f"the fast check knows schemas that are objects only, not {node!r}")
    unknown = set(node) - _VALIDATION - _IGNORED
    if unknown:
        raise ValueError(f"the fast check does not know the keywords {sorted(unknown)}")
    kind = node.get("type")
    if kind is not None and (not isinstance(kind, str) or kind not in _TYPES):
        raise ValueError(f"the fast check does not know the type {kind!r}")
    checks: list[Callable[[Any], bool]] = []
    # The keywords of one type check that type too when the node requires it, so that
    # a string, a number or an object costs one call.
    folded = False
    for applies, build in (
        (("string",), _string_check),
        (("number", "integer"), _number_check),
        (("object",), _object_check),
        (("array",), _array_check),
    ):
        strict = kind in applies
        check = build(node, _TYPES[kind] if strict else None)  # type: ignore[index]
        if check is not None:
            checks.append(check)
            folded = folded or strict
    if kind is not None and not folded:
        checks.insert(0, _TYPES[kind])
    if "enum" in node:
        allowed = node["enum"]
        if not all(isinstance(v, str) for v in allowed):
            raise ValueError("the fast check knows enums of strings only")
        choices = frozenset(allowed)
        checks.append(lambda x: isinstance(x, str) and x in choices)
    if "const" in node:
        checks.append(_const_check(node["const"]))
    if not checks:
        return lambda x: True
    if len(checks) == 1:
        return checks[0]
    return lambda x: all(check(x) for check in checks)


def _const_check(value: Any) -> Callable[[Any], bool]:
    if isinstance(value, str):
        return lambda x: isinstance(x, str) and x == value
    if _is_number(value):
        # jsonschema's equal(): 1 and 1.0 are the same, True is not 1
        return lambda x: _is_number(x) and x == value
    raise ValueError(f"the fast check knows string and number constants only, not {value!r}")


# Each of the following checks the keywords of one type, or returns None if the node
# has none. ``typed`` is the node's type check when the node requires that type: a
# value of another type is then refused; otherwise the keywords do not apply to it.


def _string_check(
    node: dict[str, Any], typed: Callable[[Any], bool] | None
) -> Callable[[Any], bool] | None:
    low = node.get("minLength", 0)
    high = node.get("maxLength")
    pattern = re.compile(node["pattern"]) if "pattern" in node else None
    form = node.get("format")
    if form not in (None, "date"):
        raise ValueError(f"the fast check does not know the format {form!r}")
    if not (low or high is not None or pattern or form):
        return typed
    other = typed is None

    def string(x: Any) -> bool:
        if not isinstance(x, str):
            return other
        if len(x) < low or (high is not None and len(x) > high):
            return False
        if pattern is not None and not pattern.search(x):  # search, as jsonschema
            return False
        return form is None or _is_date(x)

    return string


def _number_check(
    node: dict[str, Any], typed: Callable[[Any], bool] | None
) -> Callable[[Any], bool] | None:
    low = node.get("minimum")
    high = node.get("maximum")
    if low is None and high is None:
        return typed
    is_type = typed or _is_number
    other = typed is None

    def number(x: Any) -> bool:
        if not is_type(x):
            return other
        return not ((low is not None and x < low) or (high is not None and x > high))

    return number


def _object_check(
    node: dict[str, Any], typed: Callable[[Any], bool] | None
) -> Callable[[Any], bool] | None:
    if not {"properties", "required", "additionalProperties"} & set(node):
        return typed
    properties = {k: compile_checker(v) for k, v in node.get("properties", {}).items()}
    required = tuple(node.get("required", ()))
    extra = node.get("additionalProperties", True)
    if extra is not True and extra is not False:
        raise ValueError("the fast check knows additionalProperties true or false only")
    known = frozenset(properties) if extra is False else None
    lookup = properties.get
    other = typed is None

    def obj(x: Any) -> bool:
        if not isinstance(x, dict):
            return other
        for key in required:
            if key not in x:
                return False
        if known is not None and not x.keys() <= known:
            return False
        for key, value in x.items():
            check = lookup(key)
            if check is not None and not check(value):
                return False
        return True

    return obj


def _array_check(
    node: dict[str, Any], typed: Callable[[Any], bool] | None
) -> Callable[[Any], bool] | None:
    if "items" not in node:
        return typed
    item = compile_checker(node["items"])
    other = typed is None

    def array(x: Any) -> bool:
        if not isinstance(x, list):
            return other
        return all(map(item, x))

    return array


_DRAFT = "https://json-schema.org/draft/2020-12/schema"


@cache
def _fast_check() -> Callable[[Any], bool]:
    root = inlined_schema()
    if root.get("$schema") != _DRAFT:
        raise ValueError(f"the fast check knows {_DRAFT} only, not {root.get('$schema')!r}")
    return compile_checker(root)


def schema_problems(doc: Any) -> list[str]:
    """Every way the document breaks the schema, each with its JSON path; [] if none.

    A valid document passes the fast check alone. When it fails, the fast check
    finds the values it refuses (following only the objects and lists it refuses)
    and jsonschema words the problems of each: the same problems, in the same words
    and order, as jsonschema on the whole document, without validating the rest of
    a large program again.
    """
    root = inlined_schema()
    if _fast_check()(doc):
        return []
    validator = _validator()
    checkers: dict[int, Callable[[Any], bool]] = {id(root): _fast_check()}
    found: list[tuple[list[str], str]] = []  # (sort key, problem)

    def check(node: dict[str, Any], value: Any) -> bool:
        checker = checkers.get(id(node))  # the nodes of the cached schema live on
        if checker is None:
            checker = checkers[id(node)] = compile_checker(node)
        return checker(value)

    def word(node: dict[str, Any], value: Any, path: tuple[str | int, ...]) -> None:
        for err in validator.evolve(schema=node).iter_errors(value):
            where = (*path, *err.absolute_path)
            found.append((list(map(str, where)), f"{_json_path(where)}: {_schema_message(err)}"))

    def locate(node: dict[str, Any], value: Any, path: tuple[str | int, ...]) -> None:
        # The node's own keywords are worded here; what "properties" or "items" apply
        # to is looked at value by value. A problem's path sorts after its parent's,
        # so the order is jsonschema's whichever way round they are found.
        if isinstance(value, dict) and "properties" in node:
            # additionalProperties needs the names of the properties, not their schemas
            names = {k: True for k in node["properties"]}
            word({k: names if k == "properties" else v for k, v in node.items()}, value, path)
            for key, sub in node["properties"].items():
                if key in value and not check(sub, value[key]):
                    locate(sub, value[key], (*path, key))
        elif isinstance(value, list) and "items" in node:
            word({k: v for k, v in node.items() if k != "items"}, value, path)
            item = node["items"]
            for i, x in enumerate(value):
                if not check(item, x):
                    locate(item, x, (*path, i))
        else:
            word(node, value, path)

    locate(root, doc, ())
    found.sort(key=lambda f: f[0])  # stable: problems at one path keep jsonschema's order
    return [problem for _, problem in found]


def _json_path(parts: Any) -> str:
    out = ""
    for part in parts:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out or "(document)"


def _schema_message(error: Any) -> str:
    """A jsonschema error in words a user can act on, without dumping huge values."""
    value = error.instance
    shown = repr(value)
    if len(shown) > 60:
        shown = shown[:57] + "..."
    validator = error.validator
    if validator == "enum":
        return f"{shown} is not one of {', '.join(repr(v) for v in error.validator_value)}"
    if validator == "maxLength":
        limit = error.validator_value
        return f"text of {len(value):,} characters is longer than the {limit:,} allowed"
    if validator == "minLength":
        return "must not be empty"
    if validator == "required":
        return error.message.replace(" is a required property", " is required")
    if validator == "additionalProperties":
        return error.message
    if validator == "format":
        return f"{shown} is not a valid {error.validator_value}"
    if validator == "pattern":
        return f"{shown} does not have the form {error.validator_value}"
    if validator == "type":
        return f"{shown} is not of type {error.validator_value}"
    if validator == "const":
        return f"{shown} should be {error.validator_value!r}"
    if validator in ("minimum", "maximum"):
        word = "less" if validator == "minimum" else "greater"
        return f"{shown} is {word} than the {validator} {error.validator_value}"
    return error.message if len(error.message) < 200 else f"{shown}: fails {validator}"


class _NotANumber(ValueError):
    """NaN, Infinity or -Infinity in a document: Python's json reads them, JSON has none."""


def _refuse_constant(name: str) -> Any:
    raise _NotANumber(name)


def _finite_float(text: str) -> float:
    value = float(text)
    if not math.isfinite(value):  # 1e999 reads as infinity
        raise _NotANumber(text)
    return value


def parse_json(text: str | bytes, source: str) -> Any:
    """Parse JSON text, or raise DocumentError naming the line and column."""
    try:
        return json.loads(text, parse_constant=_refuse_constant, parse_float=_finite_float)
    except _NotANumber as exc:
        raise DocumentError(
            f"{source} is not a program document",
            [f"not valid JSON: {exc} is not a number JSON allows (write a plain decimal number)"],
        ) from exc
    except UnicodeDecodeError as exc:
        raise DocumentError(
            f"{source} is not a program document", [f"not UTF-8 text: {exc}"]
        ) from exc
    except json.JSONDecodeError as exc:
        raise DocumentError(
            f"{source} is not a program document",
            [f"not valid JSON at line {exc.lineno}, column {exc.colno}: {exc.msg}"],
        ) from exc


def read_document(doc: Any, source: str = "the document") -> m.Program:
    """Validate a parsed program document and build the Program; DocumentError lists problems."""
    problems = schema_problems(doc)
    if problems:
        raise DocumentError(f"{source} is not a valid program document:", problems)
    program = _program_from_json(doc["program"])
    problems = reference_problems(program)
    if problems:
        raise DocumentError(f"{source} has references that do not resolve:", problems)
    return program


def reference_problems(program: m.Program) -> list[str]:
    """What the schema cannot check: unique names and references between lists."""
    problems: list[str] = []

    def duplicates(items: list[Any], attr: str, path: str) -> None:
        seen: dict[Any, int] = {}
        for i, item in enumerate(items):
            key = attr(item) if callable(attr) else getattr(item, attr)
            if key in seen:
                problems.append(
                    f"program.{path}[{i}]: {_shown(key)} repeats program.{path}[{seen[key]}]"
                )
            else:
                seen[key] = i

    duplicates(program.stakeholders, "name", "stakeholders")
    duplicates(
        program.participants,
        lambda p: (p.name, p.email or ""),  # type: ignore[arg-type]
        "participants",
    )
    goals = program.business_case.goals
    metrics = [(i, g.metric) for i, g in enumerate(goals) if g.metric]
    seen_metric: dict[str, int] = {}
    for i, metric in metrics:
        if metric.name in seen_metric:
            problems.append(
                f"program.business_case.goals[{i}].metric.name: {_shown(metric.name)} is also "
                f"the metric of goals[{seen_metric[metric.name]}]; metric names must be unique"
            )
        else:
            seen_metric[metric.name] = i

    stakeholders = {s.name for s in program.stakeholders}
    name_count = Counter(p.name for p in program.participants)

    def participant(path: str, name: str) -> None:
        if name_count[name] == 0:
            problems.append(f"program.{path}: {_shown(name)} is not a participant")
        elif name_count[name] > 1:
            problems.append(
                f"program.{path}: {_shown(name)} names {name_count[name]} participants; "
                "give them distinct names"
            )

    for i, pair in enumerate(program.pairs):
        participant(f"pairs[{i}].mentor", pair.mentor)
        participant(f"pairs[{i}].mentee", pair.mentee)
    for i, goal in enumerate(program.development_goals):
        participant(f"development_goals[{i}].participant", goal.participant)
    for i, meas in enumerate(program.measurements):
        if meas.metric not in seen_metric:
            problems.append(
                f"program.measurements[{i}].metric: {_shown(meas.metric)} "
                "is not the name of a goal's metric"
            )
    for i, benefit in enumerate(program.benefits):
        if benefit.stakeholder is not None and benefit.stakeholder not in stakeholders:
            problems.append(
                f"program.benefits[{i}].stakeholder: {_shown(benefit.stakeholder)} "
                "is not a stakeholder"
            )
    for i, meeting in enumerate(program.pitch_meetings):
        for j, name in enumerate(meeting.attendees):
            if name not in stakeholders:
                problems.append(
                    f"program.pitch_meetings[{i}].attendees[{j}]: {_shown(name)} "
                    "is not a stakeholder"
                )
        for name, count in Counter(meeting.attendees).items():
            if count > 1:
                problems.append(
                    f"program.pitch_meetings[{i}].attendees: {_shown(name)} is listed {count} times"
                )
    return problems


def _shown(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


# ----- JSON -> domain --------------------------------------------------------


def _date(value: str | None) -> dt.date | None:
    return None if value is None else dt.date.fromisoformat(value)


def _build(cls: type, data: dict[str, Any], dates: tuple[str, ...] = (), **extra: Any) -> Any:
    values = dict(data)
    for key in dates:
        if key in values:
            values[key] = _date(values[key])
    values.update(extra)
    return cls(**values)


def _program_from_json(p: dict[str, Any]) -> m.Program:
    bc = p.get("business_case", {})
    design = p.get("design", {})
    goals = []
    for g in bc.get("goals", []):
        metric = g.get("metric")
        goals.append(
            _build(
                m.Goal,
                {k: v for k, v in g.items() if k != "metric"},
                metric=_build(m.Metric, metric, ("due",)) if metric is not None else None,
            )
        )
    adviser = p.get("adviser_review")
    return m.Program(
        name=p["name"],
        organization=p["organization"],
        org_size=p["org_size"],
        focus=p.get("focus"),
        currency=p.get("currency"),
        manager=_build(m.Person, p["manager"]) if "manager" in p else None,
        business_case=m.BusinessCase(
            summary=bc.get("summary"),
            goals=goals,
            costs=[_build(m.Cost, c) for c in bc.get("costs", [])],
            target_groups=[_build(m.TargetGroup, t) for t in bc.get("target_groups", [])],
        ),
        stakeholders=[
            _build(m.Stakeholder, s, ("last_contact",)) for s in p.get("stakeholders", [])
        ],
        benefits=[_build(m.Benefit, b) for b in p.get("benefits", [])],
        pitch_meetings=[
            _build(m.PitchMeeting, pm, ("date",)) for pm in p.get("pitch_meetings", [])
        ],
        adviser_review=_build(m.AdviserReview, adviser, ("date",)) if adviser is not None else None,
        design=m.Design(
            **{
                k: (_date(v) if k.endswith("_on") else v)
                for k, v in design.items()
                if k not in ("roles", "procedures", "competencies", "trainings", "communications")
            },
            roles=[_build(m.Role, r) for r in design.get("roles", [])],
            procedures=[_build(m.Procedure, r) for r in design.get("procedures", [])],
            competencies=[_build(m.Competency, r) for r in design.get("competencies", [])],
            trainings=[_build(m.Training, r, ("date",)) for r in design.get("trainings", [])],
            communications=[
                _build(m.Communication, r, ("date",)) for r in design.get("communications", [])
            ],
        ),
        participants=[
            _build(m.Participant, x, ("joined_on", "left_on")) for x in p.get("participants", [])
        ],
        pairs=[
            _build(m.Pair, x, ("started_on", "ended_on", "last_met_on")) for x in p.get("pairs", [])
        ],
        development_goals=[
            _build(
                m.DevelopmentGoal,
                {k: v for k, v in x.items() if k != "evaluations"},
                ("set_on",),
                evaluations=[_build(m.Evaluation, e, ("date",)) for e in x.get("evaluations", [])],
            )
            for x in p.get("development_goals", [])
        ],
        measurements=[_build(m.Measurement, x, ("date",)) for x in p.get("measurements", [])],
        surveys=[_build(m.Survey, x, ("date",)) for x in p.get("surveys", [])],
        ideas=[_build(m.Idea, x, ("found_on", "cascaded_on")) for x in p.get("ideas", [])],
        journal=[_build(m.JournalEntry, x, ("date",)) for x in p.get("journal", [])],
    )


# ----- domain -> JSON --------------------------------------------------------


def _obj(item: Any, order: tuple[str, ...], **nested: Any) -> dict[str, Any]:
    """A dict of the item's given fields in schema order; empty lists and None left out."""
    out: dict[str, Any] = {}
    for key in order:
        value = nested[key] if key in nested else getattr(item, key)
        if value is None or (isinstance(value, (list, dict)) and not value):
            continue
        out[key] = value.isoformat() if isinstance(value, dt.date) else value
    return out


def _field_order(name: str) -> tuple[str, ...]:
    return tuple(schema()["$defs"][name]["properties"])


def program_to_document(program: m.Program) -> dict[str, Any]:
    """The whole program as a program document (a JSON-ready dict)."""
    o = _field_order
    bc = program.business_case
    d = program.design

    def items(name: str, values: list[Any], **nested: Callable[[Any], Any]) -> list[dict[str, Any]]:
        return [_obj(v, o(name), **{k: f(v) for k, f in nested.items()}) for v in values]

    business_case = _obj(
        bc,
        o("business_case"),
        goals=items(
            "goal", bc.goals, metric=lambda g: _obj(g.metric, o("metric")) if g.metric else None
        ),
        costs=items("cost", bc.costs),
        target_groups=items("target_group", bc.target_groups),
    )
    design = _obj(
        d,
        o("design"),
        roles=items("role", d.roles),
        procedures=items("procedure", d.procedures),
        competencies=items("competency", d.competencies),
        trainings=items("training", d.trainings),
        communications=items("communication", d.communications),
    )
    body = _obj(
        program,
        o("program"),
        manager=_obj(program.manager, o("person")) if program.manager else None,
        business_case=business_case,
        stakeholders=items("stakeholder", program.stakeholders),
        benefits=items("benefit", program.benefits),
        pitch_meetings=items("pitch_meeting", program.pitch_meetings),
        adviser_review=(
            _obj(program.adviser_review, o("adviser_review"))
            if program.adviser_review is not None
            else None
        ),
        design=design,
        participants=items("participant", program.participants),
        pairs=items("pair", program.pairs),
        development_goals=[
            _obj(
                g,
                o("development_goal"),
                evaluations=[
                    _obj(e, ("date", "by", "rating", "business_result", "behavior_change"))
                    for e in g.evaluations
                ],
            )
            for g in program.development_goals
        ],
        measurements=items("measurement", program.measurements),
        surveys=items("survey", program.surveys),
        ideas=items("idea", program.ideas),
        journal=items("journal_entry", program.journal),
    )
    if program.adviser_review is not None and "adviser_review" not in body:
        body["adviser_review"] = {}
    return {"format": FORMAT, "version": VERSION, "program": body}


def document_text(program: m.Program) -> str:
    """The program document as UTF-8 JSON text, indented, with a final newline."""
    document = program_to_document(program)
    return json.dumps(document, ensure_ascii=False, indent=2, allow_nan=False) + "\n"
