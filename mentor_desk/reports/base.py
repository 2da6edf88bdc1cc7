"""What every document shares: fonts, user text made safe, styles, pages, tables.

User text is data, never markup: ``esc`` (under ``para``, ``paras`` and
``table``) escapes it, then wraps each run of one script in the font that draws it
(DejaVu Sans for Latin, Greek and Cyrillic; Noto Sans Arabic, shaped right to
left by HarfBuzz; WenQuanYi Micro Hei for Chinese, Japanese and Korean).
Long words wrap, long texts are cut into several paragraphs and long table
cells are clipped with the full text printed after the table, so no input
raises a LayoutError. ``DocumentBuilder`` lays out the pages (header with the
organization and the program, footer with the date and "Page x of y") and
reports progress, with a way to cancel.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import BinaryIO
from xml.sax.saxutils import escape

from reportlab import rl_config
from reportlab.lib import colors
from reportlab.lib.enums import TA_LEFT, TA_RIGHT
from reportlab.lib.pagesizes import A4, LETTER
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import (
    BaseDocTemplate,
    Flowable,
    Frame,
    KeepTogether,
    PageTemplate,
    Paragraph,
    Spacer,
    Table,
    TableStyle,
)

from mentor_desk import paths
from mentor_desk.domain import model as m
from mentor_desk.errors import KnownError

ProgressFn = Callable[[int, int], None]
CancelledFn = Callable[[], bool]


class ExportCancelled(KnownError):
    """The user cancelled a document while it was being made; nothing was written."""

    def __init__(self) -> None:
        super().__init__("the export was cancelled; nothing was written")


# ----- fonts ------------------------------------------------------------------

SANS = "MD-Sans"
SANS_BOLD = "MD-Sans-Bold"
ARABIC = "MD-Arabic"
ARABIC_BOLD = "MD-Arabic-Bold"
CJK = "MD-CJK"

_FONT_FILES = {
    SANS: ("DejaVuSans.ttf", 0),
    SANS_BOLD: ("DejaVuSans-Bold.ttf", 0),
    ARABIC: ("NotoSansArabic-Regular.ttf", 0),
    ARABIC_BOLD: ("NotoSansArabic-Bold.ttf", 0),
    CJK: ("wqy-microhei.ttc", 0),
}


class _Coverage(dict):
    """Each font's character map, the font loaded and registered when first asked for.

    Loading the CJK font costs about 0.2 s: a document without CJK never pays it.
    """

    def __missing__(self, name: str) -> dict[int, int]:
        filename, index = _FONT_FILES[name]
        path = paths.fonts_dir() / filename
        try:
            font = TTFont(name, str(path), subfontIndex=index)
        except OSError as exc:
            raise KnownError(f"the font {path} is missing or unreadable: {exc}") from exc
        pdfmetrics.registerFont(font)
        self[name] = font.face.charToGlyph
        return self[name]


_coverage = _Coverage()


def register_fonts() -> None:
    """Register the body fonts once; the others register when text needs them."""
    if SANS in _coverage:
        return
    from reportlab.lib.fonts import addMapping

    _coverage[SANS], _coverage[SANS_BOLD]  # noqa: B018 (loads them)
    _shape_each_font_apart()
    addMapping(SANS, 0, 0, SANS)
    addMapping(SANS, 1, 0, SANS_BOLD)
    addMapping(SANS, 0, 1, SANS)
    addMapping(SANS, 1, 1, SANS_BOLD)


def _shape_each_font_apart() -> None:
    """Let ReportLab shape a word that spans fonts (a quote before an Arabic word, say).

    ReportLab 5.1 shapes a whole word with its first font's HarfBuzz face and
    then reads the glyph ids in the other fonts, which draws wrong glyphs or
    fails when the PDF is saved. Shaping each font's part on its own fixes it.
    """
    from reportlab.platypus import paragraph

    original = paragraph.shapeFragWord
    if getattr(original, "_mentor_desk", False):
        return

    def shape(word, features=None, **kwargs):  # noqa: ANN001, ANN202 (ReportLab's frag words)
        # no optional ligatures ("fi" stays two letters, so the PDF's text reads back as typed);
        # Arabic's required forms and ligatures (lam-alef) do not depend on these features
        args = (features or {"kern": True, "liga": False, "dlig": False},)
        items = list(word[1:])
        names = {f.fontName for f, _ in items if not hasattr(f, "cbDefn")}
        if len(names) < 2:
            return original(word, *args, **kwargs)
        groups: list[list] = []
        for f, text in items:
            name = None if hasattr(f, "cbDefn") else f.fontName
            if groups and (name is None or groups[-1][0] == name):
                groups[-1][1].append((f, text))
            else:
                groups.append([name, [(f, text)]])
        parts = []
        for _, group in groups:
            width = sum(
                pdfmetrics.stringWidth(text, f.fontName, f.fontSize)
                for f, text in group
                if not hasattr(f, "cbDefn")
            )
            parts.append(original(word.__class__([width, *group]), *args, **kwargs))
        shaped = next((p for p in parts if p.__class__ is not word.__class__), parts[0])
        return shaped.__class__([sum(p[0] for p in parts), *(x for p in parts for x in p[1:])])

    shape._mentor_desk = True  # type: ignore[attr-defined]
    paragraph.shapeFragWord = shape


def _is_arabic(cp: int) -> bool:
    return (
        0x0600 <= cp <= 0x06FF
        or 0x0750 <= cp <= 0x077F
        or 0x08A0 <= cp <= 0x08FF
        or 0xFB50 <= cp <= 0xFDFF
        or 0xFE70 <= cp <= 0xFEFF
    )


def _neutral(ch: str) -> bool:
    """Spaces, digits and punctuation: they join the run they stand in."""
    return ch.isspace() or unicodedata.category(ch)[0] in "NPZS"


def _font_of(ch: str, bold: bool) -> str:
    cp = ord(ch)
    base = SANS_BOLD if bold else SANS
    arabic = ARABIC_BOLD if bold else ARABIC
    if _is_arabic(cp) and cp in _coverage[arabic]:
        return arabic
    if cp in _coverage[base]:
        return base
    if cp in _coverage[CJK]:
        return CJK
    if cp in _coverage[arabic]:
        return arabic
    return base


# Characters a PDF page cannot show: C0/C1 controls other than tab and newline.
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff]")


def clean(text: object) -> str:
    """A user value as plain text: ``None`` is empty, control characters dropped."""
    if text is None:
        return ""
    return _CONTROL.sub("", str(text))


def runs(text: str, bold: bool = False) -> list[tuple[str, str]]:
    """Split text into (font name, text) runs, one per script."""
    register_fonts()
    out: list[tuple[str, str]] = []
    pending = ""  # neutral characters before the first lettered run
    for ch in text:
        if _neutral(ch):
            if out and ord(ch) in _coverage[out[-1][0]]:
                out[-1] = (out[-1][0], out[-1][1] + ch)
            elif out:
                out.append((SANS_BOLD if bold else SANS, ch))
            else:
                pending += ch
            continue
        font = _font_of(ch, bold)
        if out and out[-1][0] == font:
            out[-1] = (font, out[-1][1] + ch)
        elif pending and all(ord(c) in _coverage[font] for c in pending):
            out.append((font, pending + ch))
            pending = ""
        else:
            if pending:
                out.append((SANS_BOLD if bold else SANS, pending))
                pending = ""
            out.append((font, ch))
    if pending:
        out.append((SANS_BOLD if bold else SANS, pending))
    # a neutral run that an unsupporting font left alone merges with its neighbour
    merged: list[tuple[str, str]] = []
    for font, chunk in out:
        if merged and merged[-1][0] == font:
            merged[-1] = (font, merged[-1][1] + chunk)
        else:
            merged.append((font, chunk))
    return merged


def esc(text: object, bold: bool = False) -> str:
    """User text as safe Paragraph markup: escaped, then each script in its font.

    Newlines become line breaks. Nothing in ``text`` can act as markup.
    """
    plain = clean(text)
    base = SANS_BOLD if bold else SANS
    parts = []
    for font, chunk in runs(plain, bold):
        safe = escape(chunk).replace("\n", "<br/>")
        parts.append(safe if font == base else f'<font name="{font}">{safe}</font>')
    return "".join(parts)


def text_width(text: str, size: float, bold: bool = False) -> float:
    """The width of user text as ``esc`` prints it (each script in its font)."""
    return sum(pdfmetrics.stringWidth(chunk, font, size) for font, chunk in runs(text, bold))


def fit(text: object, width: float, size: float, bold: bool = False) -> str:
    """Text cut (with an ellipsis) to one line of ``width`` points."""
    text = " ".join(clean(text).split())
    if text_width(text, size, bold) <= width:
        return text
    low, high = 0, min(len(text), int(width / (size * 0.25)) + 1)
    while low < high:  # the longest prefix that fits with its ellipsis
        mid = (low + high + 1) // 2
        if text_width(text[:mid] + "…", size, bold) <= width:
            low = mid
        else:
            high = mid - 1
    return text[:low].rstrip() + "…"


def has_arabic(text: str) -> bool:
    return any(_is_arabic(ord(ch)) for ch in text)


_OTHER_SPACE = re.compile(r"[^\S ]|[\xad\u200b]")  # white space but the space, soft hyphen, ZWSP
SPACE_SHRINKAGE = rl_config.spaceShrinkage  # how much a Paragraph lets spaces shrink to fit


def plain_lines(text: str, size: float, width: float, bold: bool = False) -> tuple[str, str] | None:
    """The one font that draws all of ``text``, and the text broken into lines of ``width``.

    Lines break at spaces, as a Paragraph breaks them (greedy, runs of white
    space printed as one space). None when no single font covers the text,
    it has Arabic (which needs shaping) or a line break, or one of its words
    is wider than ``width`` (a Paragraph splits that word), or it is in the
    CJK font and needs more than one line: such text goes in a Paragraph.
    Bold text is taken only when it is ASCII.
    """
    register_fonts()
    if "\n" in text:
        return None
    if text.isascii():  # the body fonts have every printable ASCII character
        font = SANS_BOLD if bold else SANS
    elif bold:
        return None
    else:
        codes = {ord(ch) for ch in text}
        if any(_is_arabic(cp) for cp in codes):
            return None
        # (the CJK font is loaded only for text the body font lacks)
        font = next((f for f in (SANS, CJK) if codes <= _coverage[f].keys()), "")
        if not font:
            return None
    string_width = pdfmetrics.stringWidth
    if string_width(text, font, size) <= width:
        return font, text
    if font == CJK or _OTHER_SPACE.search(text):
        # several lines of CJK read better with Latin in the body font; a Paragraph keeps
        # no-break spaces together, breaks at tabs and at soft hyphens
        return None
    space = string_width(" ", font, size)
    shrink = SPACE_SHRINKAGE * space  # a line may be this much wider per space, as in a Paragraph
    lines: list[str] = []
    line: list[str] = []
    used = 0.0
    for word in text.split():
        w = string_width(word, font, size)
        if w > width:
            return None
        if line and used + space + w > width + shrink * len(line):
            lines.append(" ".join(line))
            line, used = [word], w
        else:
            used += (space if line else 0) + w
            line.append(word)
    if line:
        lines.append(" ".join(line))
    return font, "\n".join(lines)


# ----- styles -----------------------------------------------------------------

ACCENT = colors.HexColor("#2F5D8A")
ACCENT_LIGHT = colors.HexColor("#E8EEF5")
INK = colors.HexColor("#1F2933")
MUTED = colors.HexColor("#5F6B7A")
RULE = colors.HexColor("#C5CDD6")
GREEN = colors.HexColor("#2E7D32")
AMBER = colors.HexColor("#B7791F")
RED = colors.HexColor("#C62828")
PALETTE = [ACCENT, colors.HexColor("#7FA7CF"), GREEN, AMBER, colors.HexColor("#8E5EA2"), RED]


def _style(name: str, **kw: object) -> ParagraphStyle:
    base = dict(
        fontName=SANS,
        fontSize=10,
        leading=14,
        textColor=INK,
        splitLongWords=1,
        bulletFontName=SANS,
    )
    base.update(kw)
    return ParagraphStyle(name, **base)  # type: ignore[arg-type]


class Styles:
    """The documents' type scale: title 26, section 16, subsection 12, body 10, small 8.5."""

    def __init__(self) -> None:
        register_fonts()
        self.title = _style("title", fontName=SANS_BOLD, fontSize=26, leading=32, spaceAfter=10)
        self.subtitle = _style("subtitle", fontSize=14, leading=19, textColor=MUTED, spaceAfter=6)
        self.h1 = _style(
            "h1",
            fontName=SANS_BOLD,
            fontSize=16,
            leading=21,
            textColor=ACCENT,
            spaceBefore=14,
            spaceAfter=6,
            keepWithNext=1,
        )
        self.h2 = _style(
            "h2",
            fontName=SANS_BOLD,
            fontSize=12,
            leading=16,
            spaceBefore=9,
            spaceAfter=3,
            keepWithNext=1,
        )
        self.strong = _style(
            "strong", fontName=SANS_BOLD, spaceBefore=4, spaceAfter=1, keepWithNext=1
        )
        self.body = _style("body", spaceAfter=5)
        self.label = _style(
            "label", fontName=SANS_BOLD, fontSize=8.5, leading=11, textColor=MUTED, keepWithNext=1
        )
        self.small = _style("small", fontSize=8.5, leading=11.5, textColor=MUTED, spaceAfter=3)
        self.cell = _style("cell", fontSize=8.5, leading=11)
        self.cell_right = _style("cell_right", fontSize=8.5, leading=11, alignment=TA_RIGHT)
        self.cell_head = _style("cell_head", fontName=SANS_BOLD, fontSize=8.5, leading=11)
        self.cell_head_right = _style(
            "cell_head_right", fontName=SANS_BOLD, fontSize=8.5, leading=11, alignment=TA_RIGHT
        )
        self.bullet = _style("bullet", leftIndent=12, bulletIndent=2, spaceAfter=3)
        self.header = _style("header", fontSize=8, leading=10, textColor=MUTED)
        self.badge = _style("badge", fontName=SANS_BOLD, fontSize=9, leading=12, textColor=RED)
        self._shaped: dict[str, ParagraphStyle] = {}

    def shaped(self, style: ParagraphStyle) -> ParagraphStyle:
        """The style with HarfBuzz shaping on (only where Arabic appears: it is slower)."""
        found = self._shaped.get(style.name)
        if found is None:
            found = ParagraphStyle(style.name + "-shaped", parent=style, shaping=1)
            self._shaped[style.name] = found
        return found


# ----- paragraphs of user text ------------------------------------------------

CHUNK = 2500  # characters per paragraph when a long text is cut


def _bold(style: ParagraphStyle) -> bool:
    return style.fontName == SANS_BOLD


def para(
    text: object,
    style: ParagraphStyle,
    styles: Styles,
    *,
    prefix: str = "",
    cls: type[Paragraph] = Paragraph,
) -> Paragraph:
    """One Paragraph of user text; ``prefix`` is trusted markup (a bold label, say)."""
    plain = clean(text)
    st = styles.shaped(style) if has_arabic(plain) else style
    return cls(prefix + esc(plain, _bold(style)), st)


class CellParagraph(Paragraph):
    """A table cell's Paragraph: its lines are broken once for a width, not at every wrap.

    A table wraps each cell to measure the row, then again to lay it out and
    to draw it, always at the same width; breaking the lines is the costly part.
    """

    _md_width: float | None = None

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:  # noqa: N803
        if self._md_width is not None and abs(availWidth - self._md_width) < 1e-6:
            return self.width, self.height
        size = super().wrap(availWidth, availHeight)
        self._md_width = availWidth
        return size

    def split(self, availWidth: float, availHeight: float) -> list[Flowable]:  # noqa: N803
        self._md_width = None  # (a table cell never splits; a split changes the lines)
        return super().split(availWidth, availHeight)


def _pieces(text: str, size: int = CHUNK) -> list[str]:
    """Cut text at whitespace into pieces of at most ``size`` characters (hard cut if none)."""
    out = []
    while len(text) > size:
        cut = text.rfind(" ", size // 2, size)
        if cut <= 0:
            cut = size
        out.append(text[:cut])
        text = text[cut:].lstrip(" ")
    if text:
        out.append(text)
    return out


def paras(text: object, style: ParagraphStyle, styles: Styles) -> list[Flowable]:
    """A long user text as several paragraphs: at blank lines, then every few thousand chars."""
    plain = clean(text).strip()
    out: list[Flowable] = []
    for block in re.split(r"\n\s*\n", plain):
        for piece in _pieces(block.strip()):
            out.append(para(piece, style, styles))
    return out


def clip(text: object, limit: int = 400) -> tuple[str, bool]:
    """Text short enough for a table cell, and whether it was clipped."""
    plain = clean(text)
    if len(plain) <= limit:
        return plain, False
    return plain[:limit].rstrip() + " …", True


# ----- values -----------------------------------------------------------------

_SYMBOLS = {"USD": "$", "EUR": "€", "GBP": "£", "JPY": "¥", "CNY": "¥", "INR": "₹"}


def money(amount: float | int | None, currency: str) -> str:
    """An amount in the program's currency: "$18,000", "CHF 1,250.50"."""
    if amount is None:
        return "—"
    value = f"{abs(amount):,.2f}".removesuffix(".00")
    sign = "−" if amount < 0 else ""
    symbol = _SYMBOLS.get(currency)
    return f"{sign}{symbol}{value}" if symbol else f"{sign}{currency} {value}"


def number(value: float | int | None, unit: str | None = None) -> str:
    if value is None:
        return "—"
    text = f"{value:,.2f}".rstrip("0").rstrip(".") if isinstance(value, float) else f"{value:,}"
    if unit:
        return text + ("" if unit == "%" else " ") + clean(unit)
    return text


def day(d: date | None) -> str:
    """A date as printed in the documents: 12 Mar 2027."""
    return d.strftime("%-d %b %Y") if d else "—"


def yes_no(value: bool | None) -> str:
    return {True: "yes", False: "no", None: "—"}[value]


# ----- tables -----------------------------------------------------------------


@dataclass(slots=True)
class Column:
    """A table column: heading, share of the frame's width, right-aligned (numbers).

    ``sample`` is a value the column should hold on one line ("30 Sep 2027").
    """

    heading: str
    share: float
    right: bool = False
    sample: str | None = None


def column_widths(columns: Sequence[Column], width: float, pads: Sequence[float]) -> list[float]:
    """Each column's share of ``width``, widened where a heading's word or the sample would wrap.

    The room comes from the columns with more than they need, in proportion
    to what they can spare. When the table is too narrow for all of them the
    shares stand (headings then wrap inside words rather than leave the page).
    """
    total = sum(c.share for c in columns)
    widths = [width * c.share / total for c in columns]
    need = []
    for c, pad in zip(columns, pads, strict=True):
        least = max((text_width(word, 8.5, True) for word in c.heading.split()), default=0.0)
        if c.sample:
            least = max(least, text_width(c.sample, 8.5))
        need.append(least + pad + 0.5)
    if sum(need) > width:
        return widths
    short = [i for i, (w, n) in enumerate(zip(widths, need, strict=True)) if w < n]
    if not short:
        return widths
    extra = sum(need[i] - widths[i] for i in short)
    spare = {i: widths[i] - need[i] for i in range(len(widths)) if i not in short}
    slack = sum(spare.values())
    for i in short:
        widths[i] = need[i]
    for i, room in spare.items():
        widths[i] -= extra * room / slack
    return widths


def table(
    columns: Sequence[Column],
    rows: Sequence[Sequence[object]],
    width: float,
    styles: Styles,
    *,
    clip_at: int = 400,
    overflow: list[tuple[str, str]] | None = None,
    overflow_label: Callable[[int, int], str] | None = None,
) -> DataTable:
    """A table of user values: light header repeated on every page, thin rules.

    Each cell is plain text (escaped, per-script fonts, wrapped). A cell longer
    than ``clip_at`` characters is clipped; the full text is added to
    ``overflow`` as (label, text) so the caller prints it after the table.
    """
    # a column after a right-aligned number keeps some air from it
    lefts = [10 if i and columns[i - 1].right else 4 for i in range(len(columns))]
    pads = [left + 4 for left in lefts]
    widths = column_widths(columns, width, pads)
    head: list[object] = []
    for c, w, pad in zip(columns, widths, pads, strict=True):
        found = plain_lines(c.heading, 8.5, w - pad, bold=True)
        if found is not None:
            head.append(found[1])  # drawn in bold by the header row's FONTNAME below
        else:
            style = styles.cell_head_right if c.right else styles.cell_head
            head.append(CellParagraph(esc(c.heading, True), style))
    data: list[list[object]] = [head]
    fonts: list[tuple] = []
    for r, row in enumerate(rows):
        cells: list[object] = []
        for c, value in enumerate(row):
            if isinstance(value, Flowable):
                cells.append(value)
                continue
            text, clipped = clip(value, clip_at)
            if clipped and overflow is not None:
                label = (
                    overflow_label(r, c) if overflow_label else f"Row {r + 1}, {columns[c].heading}"
                )
                overflow.append((label, clean(value)))
            found = plain_lines(text, 8.5, widths[c] - pads[c])
            if found is not None:
                cells.append(found[1])  # drawn as plain strings: fast, and never markup
                if found[0] != SANS:
                    fonts.append(("FONTNAME", (c, r + 1), (c, r + 1), found[0]))
            else:
                style = styles.cell_right if columns[c].right else styles.cell
                cells.append(para(text, style, styles, cls=CellParagraph))
        data.append(cells)
    cmds: list[tuple] = [
        ("FONTNAME", (0, 0), (-1, -1), SANS),
        ("FONTNAME", (0, 0), (-1, 0), SANS_BOLD),
        ("FONTSIZE", (0, 0), (-1, -1), 8.5),
        ("LEADING", (0, 0), (-1, -1), 11),
        ("TEXTCOLOR", (0, 0), (-1, -1), INK),
        ("BACKGROUND", (0, 0), (-1, 0), ACCENT_LIGHT),
        ("LINEBELOW", (0, 0), (-1, 0), 0.8, ACCENT),
        ("LINEBELOW", (0, 1), (-1, -1), 0.25, RULE),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("LEFTPADDING", (0, 0), (-1, -1), 4),
        ("RIGHTPADDING", (0, 0), (-1, -1), 4),
        ("TOPPADDING", (0, 0), (-1, -1), 3),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 3),
    ]
    for i, c in enumerate(columns):
        if c.right:
            cmds.append(("ALIGN", (i, 0), (i, -1), "RIGHT"))
        if lefts[i] != 4:
            cmds.append(("LEFTPADDING", (i, 0), (i, -1), lefts[i]))
    t = DataTable(data, widths, cmds, pads=pads)
    t.setStyle(fonts)
    return t


class DataTable(Flowable):
    """A table that splits across pages in linear time, its header on every page.

    ReportLab's Table rebuilds the rest of the table at every page break, which
    grows with the square of the rows (2,000 pairs took seconds). This one
    measures each row once and hands each page a Table of just its rows.
    ``setStyle`` takes commands for data rows by their index in the whole table.
    """

    PAD = 6  # top + bottom cell padding
    LEADING = 11

    def __init__(
        self,
        data: list[list[object]],
        widths: list[float],
        base_cmds: list[tuple],
        *,
        pads: list[float] | None = None,
        heights: list[float] | None = None,
        row_cmds: list[tuple] | None = None,
        first: int = 1,
    ) -> None:
        super().__init__()
        self.data = data  # the header row, then every data row of the whole table
        self.widths = widths
        self.pads = pads or [8.0] * len(widths)  # left + right padding of each column
        self.base_cmds = base_cmds
        self.row_cmds: list[tuple] = row_cmds if row_cmds is not None else []
        self.heights = heights
        self.first = first  # the first data row this part shows
        self.hAlign = "LEFT"

    def setStyle(self, cmds: Sequence[tuple]) -> None:  # noqa: N802 (ReportLab's name)
        last = len(self.data) - 1
        for cmd in cmds:
            name, (c0, r0), (c1, r1), *values = cmd
            r0 = last + 1 + r0 if r0 < 0 else r0
            r1 = last + 1 + r1 if r1 < 0 else r1
            self.row_cmds.append((name, (c0, r0), (c1, r1), *values))

    def _measure(self) -> list[float]:
        if self.heights is None:
            heights = []
            for row in self.data:
                tallest = self.LEADING
                for cell, w, pad in zip(row, self.widths, self.pads, strict=True):
                    if isinstance(cell, Flowable):
                        tallest = max(tallest, cell.wrap(w - pad, 10_000)[1])
                    elif isinstance(cell, str) and "\n" in cell:
                        tallest = max(tallest, self.LEADING * (cell.count("\n") + 1))
                heights.append(tallest + self.PAD)
            self.heights = heights
        return self.heights

    def wrap(self, avail_width: float, avail_height: float) -> tuple[float, float]:
        heights = self._measure()
        return sum(self.widths), heights[0] + sum(heights[self.first :])

    def _part(self, stop: int) -> Table:
        """A Table of the header and data rows ``first`` to ``stop`` (excluded)."""
        rows = [self.data[0], *self.data[self.first : stop]]
        heights = self._measure()
        t = Table(
            rows,
            colWidths=self.widths,
            rowHeights=[heights[0], *heights[self.first : stop]],  # measured once, in _measure
            repeatRows=1,
            hAlign="LEFT",
        )
        cmds = list(self.base_cmds)
        shift = self.first - 1
        for name, (c0, r0), (c1, r1), *values in self.row_cmds:
            if r0 == 0 and r1 == 0:
                cmds.append((name, (c0, 0), (c1, 0), *values))
                continue
            lo, hi = max(r0, self.first), min(r1, stop - 1)
            if lo <= hi:
                cmds.append((name, (c0, lo - shift), (c1, hi - shift), *values))
        t.setStyle(TableStyle(cmds))
        return t

    def split(self, avail_width: float, avail_height: float) -> list[Flowable]:
        heights = self._measure()
        room = avail_height - heights[0] - 1  # a point of slack for rounding
        stop = self.first
        while stop < len(self.data) and room >= heights[stop]:
            room -= heights[stop]
            stop += 1
        if stop == self.first:
            return []  # not even one row fits: the frame moves on to the next page
        rest = DataTable(
            self.data,
            self.widths,
            self.base_cmds,
            pads=self.pads,
            heights=heights,
            row_cmds=self.row_cmds,
            first=stop,
        )
        return [self._part(stop)] if stop == len(self.data) else [self._part(stop), rest]

    def drawOn(self, canvas: Canvas, x: float, y: float, _sW: float = 0) -> None:  # noqa: N802, N803
        t = self._part(len(self.data))
        t.wrapOn(canvas, sum(self.widths), 10_000)
        t.drawOn(canvas, x, y, _sW)


def overflow_section(overflow: list[tuple[str, str]], styles: Styles, title: str) -> list[Flowable]:
    """The full text of the cells a table clipped."""
    if not overflow:
        return []
    out: list[Flowable] = [Paragraph(esc(title), styles.h2)]
    for label, text in overflow:
        out.append(para(label, styles.label, styles))
        out.extend(paras(text, styles.body, styles))
    return out


def facts(pairs: Sequence[tuple[str, object]], width: float, styles: Styles) -> list[Flowable]:
    """Label and value (user text) side by side, without a header.

    A value too long for its cell is clipped there and printed in full below.
    """
    rows = []
    overflow: list[tuple[str, str]] = []
    for label, value in pairs:
        text, clipped = clip(value, 600)
        if clipped:
            overflow.append((label, clean(value)))
        rows.append([Paragraph(esc(label), styles.label), para(text, styles.body, styles)])
    t = Table(rows, colWidths=[width * 0.3, width * 0.7], hAlign="LEFT")
    t.setStyle(
        TableStyle(
            [
                ("FONTNAME", (0, 0), (-1, -1), SANS),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("LEFTPADDING", (0, 0), (-1, -1), 0),
                ("TOPPADDING", (0, 0), (-1, -1), 1),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 1),
            ]
        )
    )
    out: list[Flowable] = [t]
    for label, text in overflow:
        out.append(para(f"{label} (in full)", styles.label, styles))
        out.extend(paras(text, styles.body, styles))
    return out


def heading(text: str, styles: Styles) -> Paragraph:
    return Paragraph(esc(text, True), styles.h1)


def subheading(text: object, styles: Styles) -> Paragraph:
    return para(text, styles.h2, styles)


def bullet(text: object, styles: Styles) -> Paragraph:
    return para(text, styles.bullet, styles, prefix="<bullet>•</bullet>")


def keep(*flowables: Flowable) -> KeepTogether:
    return KeepTogether(list(flowables))


def gap(height: float = 6) -> Spacer:
    return Spacer(1, height)


# ----- pages ------------------------------------------------------------------

PAPERS = {"a4": A4, "letter": LETTER}


def paper_size(paper: str) -> tuple[float, float]:
    try:
        return PAPERS[paper.lower()]
    except KeyError:
        raise KnownError(f"unknown paper size {paper!r}; use a4 or letter") from None


class NumberedCanvas(Canvas):
    """A canvas that writes "Page x of y" once it knows y (pages are kept until save)."""

    footer_font = SANS

    def __init__(self, *args: object, **kwargs: object) -> None:
        kwargs.setdefault("initialFontName", SANS)  # no unembedded Helvetica in the file
        kwargs.setdefault("initialFontSize", 10)
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self._saved: list[dict] = []

    def showPage(self) -> None:  # noqa: N802 (ReportLab's name)
        self._saved.append(dict(self.__dict__))
        self._startPage()

    def save(self) -> None:
        total = len(self._saved)
        for state in self._saved:
            self.__dict__.update(state)
            width = self._pagesize[0]
            margin = getattr(self, "md_margin", 20 * mm)
            self.setFont(SANS, 8)
            self.setFillColor(MUTED)
            self.drawRightString(width - margin, 12 * mm, f"Page {self._pageNumber} of {total}")
            super().showPage()
        super().save()


class DocumentBuilder:
    """Lays out one document: pages with header and footer, progress, cancel.

    ``width`` is the usable width of the frame, for tables and charts.
    """

    def __init__(
        self,
        out: BinaryIO,
        program: m.Program,
        *,
        title: str,
        paper: str = "a4",
        today: date,
        internal: bool = False,
        landscape: bool = False,
        progress: ProgressFn | None = None,
        cancelled: CancelledFn | None = None,
    ) -> None:
        register_fonts()
        self.styles = Styles()
        self.program = program
        self.title = title
        self.today = today
        self.internal = internal
        self.progress = progress
        self.cancelled = cancelled
        self.pagesize = paper_size(paper)
        if landscape:
            self.pagesize = (self.pagesize[1], self.pagesize[0])
        self.margin = 20 * mm
        self.top = 24 * mm
        self.bottom = 22 * mm
        page_w, page_h = self.pagesize
        self.width = page_w - 2 * self.margin
        self.height = page_h - self.top - self.bottom
        self._doc = BaseDocTemplate(
            out,
            pagesize=self.pagesize,
            leftMargin=self.margin,
            rightMargin=self.margin,
            topMargin=self.top,
            bottomMargin=self.bottom,
            title=f"{clean(program.name)} — {title}",
            author=clean(program.manager.name) if program.manager else "",
            creator="Mentor Desk",
            invariant=1,
            initialFontName=SANS,  # no unembedded Helvetica in the file
            initialFontSize=10,
        )
        frame = Frame(
            self.margin,
            self.bottom,
            self.width,
            self.height,
            id="body",
            leftPadding=0,
            rightPadding=0,
            topPadding=0,
            bottomPadding=0,
        )
        self._doc.addPageTemplates([PageTemplate(id="page", frames=[frame], onPage=self._decorate)])
        self._doc.afterFlowable = self._after_flowable  # type: ignore[method-assign]
        self._done = 0
        self._total = 1
        self._header_paras: list[tuple[Paragraph, float, float]] | None = None

    def check_cancelled(self) -> None:
        if self.cancelled is not None and self.cancelled():
            raise ExportCancelled()

    def step(self, done: int, total: int) -> None:
        """Report progress while the story is being prepared (the first half)."""
        self.check_cancelled()
        if self.progress is not None:
            self.progress(min(done, total) * 50 // max(total, 1), 100)

    def _after_flowable(self, flowable: Flowable) -> None:
        self._done += 1
        if self._done % 10 == 0:
            self.check_cancelled()
            if self.progress is not None:
                self.progress(50 + min(self._done, self._total) * 49 // self._total, 100)

    def _header(self) -> list[tuple[Paragraph, float, float]]:
        """The header's two paragraphs, wrapped once and drawn on every page."""
        size = self.styles.header.fontSize
        right = esc(self.title) + ("  ·  <b>Internal</b>" if self.internal else "")
        room = self.width * 0.7 - 6  # the title on the right needs far less than half
        org = fit(self.program.organization, room * 0.45, size)
        name = fit(self.program.name, room - text_width(org + "  ·  ", size) - 4, size)
        left = esc(org) + "  ·  " + esc(name)
        out = []
        for markup, x, w, align in (
            (left, self.margin, self.width * 0.7, TA_LEFT),
            (right, self.margin + self.width * 0.7, self.width * 0.3, TA_RIGHT),
        ):
            style = ParagraphStyle("header", parent=self.styles.header, alignment=align)
            style.shaping = 1 if ARABIC in markup else 0
            p = Paragraph(markup, style)
            p.wrap(w, 30)
            out.append((p, x, self.pagesize[1] - self.top + 6 * mm + 4))
        return out

    def _decorate(self, canvas: Canvas, doc: BaseDocTemplate) -> None:
        canvas.saveState()
        canvas.md_margin = self.margin  # type: ignore[attr-defined]
        page_w, page_h = self.pagesize
        if self._header_paras is None:
            self._header_paras = self._header()
        for p, x, y in self._header_paras:
            p.drawOn(canvas, x, y)
        canvas.setStrokeColor(RULE)
        canvas.setLineWidth(0.5)
        canvas.line(
            self.margin,
            page_h - self.top + 6 * mm,
            page_w - self.margin,
            page_h - self.top + 6 * mm,
        )
        canvas.line(self.margin, 16 * mm, page_w - self.margin, 16 * mm)
        canvas.setFont(SANS, 8)
        canvas.setFillColor(MUTED)
        canvas.drawString(self.margin, 12 * mm, f"{self.title} · {day(self.today)}")
        canvas.restoreState()

    def build(self, story: list[Flowable]) -> None:
        self.check_cancelled()
        self._total = max(len(story), 1)
        self._doc.build(story, canvasmaker=NumberedCanvas)
        if self.progress is not None:
            self.progress(100, 100)
