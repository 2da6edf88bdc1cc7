"""Participants as CSV: read an HR export (encoding, delimiter, headers) and write one back out.

Pure functions of bytes and dataclasses: no SQL, no Qt. Reading is in three
parts that the window shows one by one -- ``read_table`` (the encoding and the
delimiter detected, the header and the rows with the line each starts on),
``guess_mapping`` (file column -> participant field, from the header names
and their common synonyms) and ``parse_participants`` (every row checked
against the schema's limits; every bad row is reported with its line).
"""

from __future__ import annotations

import codecs
import csv
import dataclasses
import datetime as dt
import io
import itertools
import re
import unicodedata
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from mentor_desk.domain import model as m

# The participant fields a column can fill, in the order the window offers them.
FIELDS: tuple[tuple[str, str], ...] = (
    ("name", "Name"),
    ("role", "Role"),
    ("email", "E-mail"),
    ("department", "Department"),
    ("title", "Title"),
    ("manager", "Manager"),
    ("skills", "Skills"),
    ("external", "External"),
    ("reports_to_manager", "Reports to manager"),
    ("high_performer", "High performer"),
    ("joined_on", "Joined"),
    ("left_on", "Left"),
)
FIELD_LABELS = dict(FIELDS)
REQUIRED_FIELDS = ("name", "role")
BOOL_FIELDS = ("external", "reports_to_manager", "high_performer")
DATE_FIELDS = ("joined_on", "left_on")

# Header names (lower case, letters and digits only) and the field each means.
SYNONYMS: dict[str, str] = {
    **dict.fromkeys(
        (
            "name",
            "fullname",
            "participant",
            "participantname",
            "person",
            "employee",
            "employeename",
        ),
        "name",
    ),
    **dict.fromkeys(("role", "participantrole", "mentorormentee", "type"), "role"),
    **dict.fromkeys(("email", "mail", "emailaddress", "mailaddress", "workemail"), "email"),
    **dict.fromkeys(("department", "dept", "dep", "division", "unit", "team"), "department"),
    **dict.fromkeys(("title", "jobtitle", "position", "jobposition"), "title"),
    **dict.fromkeys(
        ("manager", "linemanager", "reportsto", "supervisor", "managername"), "manager"
    ),
    **dict.fromkeys(("skills", "skill", "competencies", "interests"), "skills"),
    **dict.fromkeys(("external", "isexternal", "externalmentor"), "external"),
    **dict.fromkeys(
        ("reportstomanager", "reportstoprogrammanager", "reportstopm", "directreport"),
        "reports_to_manager",
    ),
    **dict.fromkeys(("highperformer", "highpotential", "hipo", "hipot"), "high_performer"),
    **dict.fromkeys(
        ("joined", "joinedon", "startdate", "start", "started", "startedon", "hiredate"),
        "joined_on",
    ),
    **dict.fromkeys(
        ("left", "lefton", "enddate", "end", "ended", "endedon", "leavingdate"), "left_on"
    ),
}
# Columns our own export adds that an import leaves alone.
EXPORT_ONLY = ("Mentor", "Mentees", "Pair status")

DELIMITERS = (",", ";", "\t")
DELIMITER_NAMES = {",": "comma", ";": "semicolon", "\t": "tab"}
TRUE_WORDS = frozenset({"yes", "y", "true", "t", "1", "x", "ja", "oui", "si", "sí"})
FALSE_WORDS = frozenset({"no", "n", "false", "f", "0", "nein", "non"})
SKILL_SPLIT = re.compile(r"[;|]")
_HEADER_JUNK = re.compile(r"[^0-9a-z]+")
# Progress is reported (and Cancel looked at) every this many rows.
PROGRESS_EVERY = 2000


class CsvCancelled(Exception):
    """Reading was cancelled by the user (``cancelled()`` returned True)."""


@dataclass(frozen=True, slots=True)
class RowError:
    """A bad row: the physical line it starts on in the file, and why."""

    line: int
    message: str

    def __str__(self) -> str:
        return f"line {self.line}: {self.message}"


@dataclass(slots=True)
class CsvTable:
    """A CSV file read as text: header, rows with the line each starts on, and how it was read.

    Attributes:
        headers: the first row's cells.
        rows: (line, cells) for every non-blank row after the header.
        encoding: the encoding detected, as shown to a user ("UTF-8 with BOM").
        delimiter: the field separator detected ("," ";" or a tab).
    """

    headers: list[str]
    rows: list[tuple[int, list[str]]]
    encoding: str
    delimiter: str

    @property
    def delimiter_name(self) -> str:
        return DELIMITER_NAMES.get(self.delimiter, repr(self.delimiter))


@dataclass(slots=True)
class ParseResult:
    """Participants read from a table; ``errors`` lists every bad row (empty when all good).

    ``lines[i]`` is the line ``participants[i]`` starts on; ``fields`` are the
    participant fields that some column fills (others are left as they are
    when an existing participant is updated).
    """

    participants: list[m.Participant] = field(default_factory=list)
    lines: list[int] = field(default_factory=list)
    fields: frozenset[str] = frozenset()
    errors: list[RowError] = field(default_factory=list)


# ----- reading bytes -----------------------------------------------------------

_WINDOWS_NAMES = {f"cp{n}": f"Windows-{n}" for n in range(1250, 1259)}


def decode(data: bytes) -> tuple[str, str]:
    """The text of ``data`` and the encoding it was in, as a user would name it.

    Byte-order marks first (UTF-8, UTF-16 and UTF-32), then UTF-16 without a
    mark (every other byte zero), then strict UTF-8; otherwise
    charset-normalizer chooses among the legacy code pages, preferring
    Windows-1252 whenever it reads the bytes as well as the best guess (the
    usual export of a Western spreadsheet), then another Windows code page.
    """
    for bom, codec, label in (
        (codecs.BOM_UTF32_LE, "utf-32-le", "UTF-32 LE"),
        (codecs.BOM_UTF32_BE, "utf-32-be", "UTF-32 BE"),
        (codecs.BOM_UTF8, "utf-8", "UTF-8 with BOM"),
        (codecs.BOM_UTF16_LE, "utf-16-le", "UTF-16 LE"),
        (codecs.BOM_UTF16_BE, "utf-16-be", "UTF-16 BE"),
    ):
        if data.startswith(bom):
            return _decode_as(data[len(bom) :], codec, label), label
    if not data:
        return "", "UTF-8"
    sample = data[:4000]
    if len(sample) >= 4 and sample.count(0) >= len(sample) // 4:
        odd_zeros = sample[1::2].count(0)
        even_zeros = sample[0::2].count(0)
        codec, label = (
            ("utf-16-le", "UTF-16 LE")
            if odd_zeros >= even_zeros
            else (
                "utf-16-be",
                "UTF-16 BE",
            )
        )
        return _decode_as(data, codec, label), label
    try:
        return data.decode("utf-8"), "UTF-8"
    except UnicodeDecodeError:
        pass
    codec = _guess_legacy(data)
    text = data.decode(codec, errors="replace")
    return text, _WINDOWS_NAMES.get(codec, codec.replace("_", "-").upper())


def _decode_as(data: bytes, codec: str, label: str) -> str:
    try:
        return data.decode(codec)
    except UnicodeDecodeError as exc:
        raise ValueError(
            f"the file starts like {label} but byte {exc.start} is not valid {label}"
        ) from None


def _guess_legacy(data: bytes) -> str:
    import charset_normalizer

    results = list(charset_normalizer.from_bytes(data))
    if not results:
        try:
            data.decode("cp1252")
            return "cp1252"
        except UnicodeDecodeError:
            return "latin_1"
    best = min(r.chaos for r in results)
    close = [r for r in results if r.chaos <= best + 0.02]
    for r in close:
        if "cp1252" in r.could_be_from_charset:
            return "cp1252"
    for r in close:
        if r.encoding in _WINDOWS_NAMES:
            return r.encoding
    return close[0].encoding


def sniff_delimiter(text: str) -> str:
    """The delimiter of the header row: the one of , ; tab that splits it into most cells."""
    best, best_count = ",", 1
    for delimiter in DELIMITERS:
        try:
            header = next(csv.reader(io.StringIO(text[:65536], newline=""), delimiter=delimiter))
        except (StopIteration, csv.Error):
            continue
        if len(header) > best_count:
            best, best_count = delimiter, len(header)
    return best


def read_table(
    data: bytes,
    *,
    delimiter: str | None = None,
    progress: Callable[[int, int], None] | None = None,
    cancelled: Callable[[], bool] | None = None,
) -> CsvTable:
    """Decode and split a CSV file; raises ValueError for a file that is not CSV text.

    ``progress(done, total)`` is called with the lines read so far;
    ``cancelled()`` returning True raises CsvCancelled.
    """
    text, encoding = decode(data)
    if text.startswith("\ufeff"):
        text = text[1:]
    if "\x00" in text:
        raise ValueError(f"the file does not look like CSV text (read as {encoding})")
    delimiter = delimiter or sniff_delimiter(text)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=False)
    headers: list[str] | None = None
    rows: list[tuple[int, list[str]]] = []
    total = text.count("\n") + 1
    line = 1
    try:
        for count, cells in enumerate(reader):
            if count % PROGRESS_EVERY == 0:
                if cancelled is not None and cancelled():
                    raise CsvCancelled()
                if progress is not None:
                    progress(min(total, reader.line_num), total)
            start, line = line, reader.line_num + 1
            if not "".join(cells).strip():
                continue
            if headers is None:
                headers = [cell.strip() for cell in cells]
            else:
                rows.append((start, cells))
    except csv.Error as exc:
        raise ValueError(f"line {line}: {exc}") from None
    if headers is None:
        raise ValueError("the file is empty: it has no header row")
    if progress is not None:
        progress(total, total)
    return CsvTable(headers, rows, encoding, delimiter)


# ----- columns to fields -------------------------------------------------------


def header_key(header: str) -> str:
    """A header name compared case-, space- and punctuation-insensitively."""
    return _HEADER_JUNK.sub("", unicodedata.normalize("NFKC", header).casefold())


def guess_mapping(headers: Sequence[str]) -> dict[int, str | None]:
    """For each column, the participant field its header names (None: not used).

    A field is given to the first column that names it; later ones are left unused.
    """
    mapping: dict[int, str | None] = {}
    taken: set[str] = set()
    for index, header in enumerate(headers):
        target = SYNONYMS.get(header_key(header))
        if target is not None and target not in taken:
            taken.add(target)
            mapping[index] = target
        else:
            mapping[index] = None
    return mapping


def resolve_mapping(
    headers: Sequence[str], override: Mapping[int | str, str | None] | None = None
) -> dict[int, str | None]:
    """The guessed mapping with ``override`` applied; keys are column indexes or header names.

    Raises ValueError naming an unknown field or header.
    """
    mapping = guess_mapping(headers)
    if not override:
        return mapping
    keys = [header_key(h) for h in headers]
    for key, target in override.items():
        if target is not None and target not in FIELD_LABELS:
            raise ValueError(
                f"{target!r} is not a participant field: choose one of {', '.join(FIELD_LABELS)}"
            )
        if isinstance(key, int):
            if not 0 <= key < len(headers):
                raise ValueError(f"the file has no column {key + 1}")
            indexes = [key]
        else:
            indexes = [i for i, k in enumerate(keys) if k == header_key(key)]
            if not indexes:
                raise ValueError(f"the file has no column named {key!r}")
        for index in indexes:
            if target is not None:
                for other, used in mapping.items():
                    if used == target and other not in indexes:
                        mapping[other] = None
            mapping[index] = target
    return mapping


def field_named(text: str) -> str | None:
    """The participant field a user names ("E-mail", "email", "skills"); None for "-"/"none".

    Raises ValueError for a name that is no field.
    """
    key = header_key(text)
    if key in ("", "none", "ignore", "skip"):
        return None
    for field_key, label in FIELDS:
        if key in (header_key(field_key), header_key(label)):
            return field_key
    if key in SYNONYMS:
        return SYNONYMS[key]
    raise ValueError(
        f"{text!r} is not a participant field: choose one of "
        f"{', '.join(label for _, label in FIELDS)}, or none"
    )


def parse_mapping_args(items: Iterable[str]) -> dict[int | str, str | None]:
    """``COLUMN=FIELD`` texts (a header name or a 1-based column number) as a mapping override."""
    mapping: dict[int | str, str | None] = {}
    for item in items:
        column, sep, target = item.rpartition("=")
        if not sep or not column.strip():
            raise ValueError(f"{item!r} should read COLUMN=FIELD, e.g. 'Mitarbeiter=name'")
        column = column.strip()
        key: int | str = int(column) - 1 if column.isdigit() else column
        mapping[key] = field_named(target)
    return mapping


def mapping_problems(headers: Sequence[str], mapping: Mapping[int, str | None]) -> list[str]:
    """What is wrong with a mapping: a required field with no column, a field given twice."""
    problems = []
    used: dict[str, int] = {}
    for index, target in sorted(mapping.items()):
        if target is None:
            continue
        if target in used:
            problems.append(
                f"columns {headers[used[target]]!r} and {headers[index]!r} both fill "
                f"{FIELD_LABELS[target]}; choose one"
            )
        else:
            used[target] = index
    for target in REQUIRED_FIELDS:
        if target not in used:
            problems.append(f"no column gives the participant's {FIELD_LABELS[target].lower()}")
    return problems


# ----- rows to participants ----------------------------------------------------


def parse_participants(
    table: CsvTable,
    mapping: Mapping[int, str | None] | None = None,
    *,
    progress: Callable[[int, int], None] | None = None,
    cancelled: Callable[[], bool] | None = None,
) -> ParseResult:
    """Check every row and build participants; every bad row goes to ``errors``.

    Two rows for the same person (the same e-mail, or the same name where
    neither gives an e-mail) are a bad row too: the file must say once what
    it wants.
    """
    if mapping is None:
        mapping = guess_mapping(table.headers)
    problems = mapping_problems(table.headers, mapping)
    if problems:
        return ParseResult(errors=[RowError(1, p) for p in problems])
    columns = [(i, f) for i, f in sorted(mapping.items()) if f is not None]
    width = len(table.headers)
    result = ParseResult(fields=frozenset(f for _, f in columns))
    total = len(table.rows)
    line_of = [line for line, _ in table.rows]
    reasons: dict[int, list[str]] = {}
    padding = [""] * width
    rows: list[list[str]] = []
    for row, (_, cells) in enumerate(table.rows):
        if len(cells) < width:
            cells = cells + padding[len(cells) :]
        elif len(cells) > width and "".join(cells[width:]).strip():
            reasons[row] = [f"it has {len(cells)} cells but the header has {width}"]
        rows.append(cells)

    # Column by column: each converter returns the value, or a _Bad saying why not.
    values: dict[str, list[Any]] = {}
    for done, (index, target) in enumerate(columns):
        if cancelled is not None and cancelled():
            raise CsvCancelled()
        if progress is not None:
            progress(total * done // (len(columns) + 1), total)
        raw = [cells[index].strip() for cells in rows]
        raw = [c[1:] if c[:1] == "'" and c[1:2] in _FORMULA_START else c for c in raw]
        converted = list(map(_CONVERTERS[target], raw))
        for row, value in enumerate(converted):
            if value.__class__ is _Bad:
                reasons.setdefault(row, []).append(value.message)
                converted[row] = None
        values[target] = converted

    if progress is not None:
        progress(total * len(columns) // (len(columns) + 1), total)
    # The same person twice in the file.
    seen_email: dict[str, int] = {}
    seen_name: dict[str, int] = {}
    emails = values.get("email") or [None] * total
    for row, (name, email) in enumerate(zip(values["name"], emails, strict=True)):
        if not name:
            continue
        if email:
            key = email.casefold()
            if key in seen_email:
                reasons.setdefault(row, []).append(f"the same e-mail as line {seen_email[key]}")
            else:
                seen_email[key] = line_of[row]
        elif name in seen_name:
            reasons.setdefault(row, []).append(
                f"the same name as line {seen_name[name]}, and no e-mail"
            )
        else:
            seen_name[name] = line_of[row]

    if reasons:
        result.errors = [RowError(line_of[row], "; ".join(reasons[row])) for row in sorted(reasons)]
        return result
    if cancelled is not None and cancelled():
        raise CsvCancelled()
    order = [f.name for f in dataclasses.fields(m.Participant) if f.name != "id"]
    nothing = [None] * total
    table_columns = [
        values.get(name) or ([[] for _ in range(total)] if name == "skills" else nothing)
        for name in order
    ]
    result.participants = list(itertools.starmap(m.Participant, zip(*table_columns, strict=True)))
    result.lines = line_of
    if progress is not None:
        progress(total, total)
    return result


class _Bad:
    """What a converter returns for a cell its field cannot hold: why."""

    __slots__ = ("message",)

    def __init__(self, message: str):
        self.message = message


def _text(label: str, limit: int, *, required: bool = False) -> Callable[[str], str | None | _Bad]:
    def convert(raw: str) -> str | None | _Bad:
        if not raw:
            if required:
                return _Bad(f"the {label} is missing")
            return None
        if len(raw) > limit:
            return _Bad(
                f"the {label} is {len(raw):,} characters long; at most {limit:,} are allowed"
            )
        return raw

    return convert


_SPACE = re.compile(r"\s")


def _email(raw: str) -> str | None | _Bad:
    if not raw:
        return None
    if len(raw) > m.MAX_EMAIL:
        return _Bad(
            f"the e-mail is {len(raw):,} characters long; at most {m.MAX_EMAIL} are allowed"
        )
    if "@" not in raw or _SPACE.search(raw):
        return _Bad(f"{_show(raw)} is not an e-mail address")
    return raw


def _role(raw: str) -> str | _Bad:
    role = raw.casefold()
    if role in m.PARTICIPANT_ROLES:
        return role
    if raw:
        return _Bad(f"unknown role {_show(raw)}: use mentor or mentee")
    return _Bad("the role is missing: use mentor or mentee")


def _skills(raw: str) -> list[str] | _Bad:
    if not raw:
        return []
    if "|" not in raw and ";" not in raw:
        fast = [raw]
    else:
        fast = [part.strip() for part in SKILL_SPLIT.split(raw)]
        if "" in fast:
            fast = [part for part in fast if part]
    if (
        fast
        and max(map(len, fast)) <= m.MAX_SKILL
        and (len(fast) == 1 or len(set(map(str.casefold, fast))) == len(fast))
    ):
        return fast
    skills: list[str] = []
    folded: set[str] = set()
    for part in SKILL_SPLIT.split(raw):
        skill = part.strip()
        if not skill or skill.casefold() in folded:
            continue
        if len(skill) > m.MAX_SKILL:
            return _Bad(
                f"the skill {_show(skill)} is {len(skill)} characters long; "
                f"at most {m.MAX_SKILL} are allowed"
            )
        folded.add(skill.casefold())
        skills.append(skill)
    return skills


def _boolean(label: str) -> Callable[[str], bool | None | _Bad]:
    def convert(raw: str) -> bool | None | _Bad:
        if not raw:
            return None
        word = raw.casefold()
        if word in TRUE_WORDS:
            return True
        if word in FALSE_WORDS:
            return False
        return _Bad(f"{label} is {_show(raw)}: use yes or no")

    return convert


def _date(label: str) -> Callable[[str], dt.date | None | _Bad]:
    def convert(raw: str) -> dt.date | None | _Bad:
        if not raw:
            return None
        parsed = parse_date(raw)
        if parsed is None:
            return _Bad(f"{label} {_show(raw)} is not a date: use YYYY-MM-DD")
        return parsed

    return convert


_CONVERTERS: dict[str, Callable[[str], Any]] = {
    "name": _text("name", m.MAX_NAME, required=True),
    "role": _role,
    "email": _email,
    "department": _text("department", m.MAX_TEXT),
    "title": _text("title", m.MAX_TEXT),
    "manager": _text("manager", m.MAX_NAME),
    "skills": _skills,
    "external": _boolean("external"),
    "reports_to_manager": _boolean("reports to manager"),
    "high_performer": _boolean("high performer"),
    "joined_on": _date("joined"),
    "left_on": _date("left"),
}


_DOTTED = re.compile(r"(\d{1,2})\.(\d{1,2})\.(\d{4})")


def parse_date(text: str) -> dt.date | None:
    """A date written YYYY-MM-DD (or YYYY/MM/DD, or DD.MM.YYYY); None if not one.

    Dates with slashes and the day or month first are refused: 03/04/2027 is
    April in one country and March in another.
    """
    text = text.strip()
    if len(text) == 10 and text[4] == "-" and text[7] == "-":
        try:
            return dt.date.fromisoformat(text)
        except ValueError:
            return None
    if "T" in text or " " in text:
        text = re.split(r"[T ]", text, maxsplit=1)[0]
    match = _DOTTED.fullmatch(text)
    try:
        if match:
            return dt.date(int(match[3]), int(match[2]), int(match[1]))
        if re.fullmatch(r"\d{4}[-/]\d{1,2}[-/]\d{1,2}", text):
            year, month, day = (int(p) for p in re.split(r"[-/]", text))
            return dt.date(year, month, day)
    except ValueError:
        return None
    return None


def _show(value: str) -> str:
    return repr(value if len(value) <= 60 else value[:57] + "...")


def read_participants(
    data: bytes,
    mapping: Mapping[int | str, str | None] | None = None,
    *,
    progress: Callable[[int, int], None] | None = None,
    cancelled: Callable[[], bool] | None = None,
) -> tuple[CsvTable, ParseResult]:
    """Read a whole file: the table, then the participants with the mapping applied.

    ``progress(done, total)`` counts the rows checked.
    """
    table = read_table(data, cancelled=cancelled)
    resolved = resolve_mapping(table.headers, mapping)
    return table, parse_participants(table, resolved, progress=progress, cancelled=cancelled)


# ----- writing -----------------------------------------------------------------

EXPORT_HEADERS = (
    "Name",
    "Role",
    "E-mail",
    "Department",
    "Title",
    "Manager",
    "Skills",
    "External",
    "Reports to manager",
    "High performer",
    "Joined",
    "Left",
    *EXPORT_ONLY,
)
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def inert(cell: str) -> str:
    """A cell a spreadsheet will not run: one starting ``= + - @``, tab or CR gets a ``'``."""
    return "'" + cell if cell.startswith(_FORMULA_START) else cell


def _yes_no(value: bool | None) -> str:
    return "" if value is None else ("yes" if value else "no")


def export_rows(program: m.Program) -> list[list[str]]:
    """The header and one row per participant, with the pairs each is in.

    A mentee's row names the mentor(s), a mentor's row the mentees, and
    ``Pair status`` the status of each of those pairs in the same order.
    """
    pairs_of: dict[str, list[m.Pair]] = {}
    for pair in program.pairs:
        pairs_of.setdefault(pair.mentor, []).append(pair)
        if pair.mentee != pair.mentor:
            pairs_of.setdefault(pair.mentee, []).append(pair)
    rows = [list(EXPORT_HEADERS)]
    for p in program.participants:
        mentors, mentees, statuses = [], [], []
        for pair in pairs_of.get(p.name, []):
            if pair.mentee == p.name:
                mentors.append(pair.mentor)
            else:
                mentees.append(pair.mentee)
            statuses.append(pair.status or "active")
        rows.append(
            [
                p.name,
                p.role,
                p.email or "",
                p.department or "",
                p.title or "",
                p.manager or "",
                "; ".join(p.skills),
                _yes_no(p.external),
                _yes_no(p.reports_to_manager),
                _yes_no(p.high_performer),
                p.joined_on.isoformat() if p.joined_on else "",
                p.left_on.isoformat() if p.left_on else "",
                "; ".join(mentors),
                "; ".join(mentees),
                "; ".join(statuses),
            ]
        )
    return rows


def write_csv(rows: Iterable[Sequence[str]]) -> bytes:
    """CSV bytes, UTF-8 with a BOM (spreadsheets then read it right), every cell made inert."""
    out = io.StringIO(newline="")
    writer = csv.writer(out, lineterminator="\r\n")
    for row in rows:
        writer.writerow([inert(str(cell)) for cell in row])
    return codecs.BOM_UTF8 + out.getvalue().encode("utf-8")


def export_csv(program: m.Program) -> bytes:
    """The participants and pairs of a program as CSV bytes (see ``export_rows``)."""
    return write_csv(export_rows(program))
