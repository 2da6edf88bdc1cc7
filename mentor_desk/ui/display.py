"""How values look in the window: locale dates and numbers, plain-text tooltips, labels.

User text is data, never markup: ``plain_label`` makes a QLabel that shows
``<b>`` literally, and ``plain_tooltip`` turns any text into a tooltip that
shows exactly that text (Qt guesses rich text for tooltips otherwise).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from PySide6.QtCore import QDate, QLocale, Qt
from PySide6.QtWidgets import QLabel, QWidget

NOT_SET = "not set"
CELL_TEXT_LIMIT = 200  # a table cell shows at most this much of a long text


def strip_mnemonic(text: str) -> str:
    """ "&Focus" -> "Focus"; "R&&D" -> "R&D"."""
    return text.replace("&&", "\x00").replace("&", "").replace("\x00", "&")


def plain_tooltip(text: str | None) -> str:
    """A tooltip string that Qt shows as exactly ``text`` (no markup interpreted)."""
    if not text:
        return ""
    return f"<p style='white-space:pre-wrap'>{_escape(text)}</p>"


def _escape(text: str) -> str:
    """What ``html.escape(text)`` gives, without the html package's entity tables (0.4 MB)."""
    return (
        text.replace("&", "&amp;")
        .replace("<", "&lt;")
        .replace(">", "&gt;")
        .replace('"', "&quot;")
        .replace("'", "&#x27;")
    )


def plain_label(text: str = "", parent: QWidget | None = None, *, wrap: bool = False) -> QLabel:
    """A QLabel that never interprets its text as markup."""
    label = QLabel(parent)
    label.setTextFormat(Qt.TextFormat.PlainText)
    label.setText(text)
    label.setWordWrap(wrap)
    return label


def date_format() -> str:
    """The locale's short date format, always with a four-digit year.

    The C locale (no locale set, as in a bare container) has no convention of
    its own; Qt's "d MM yyyy" reads like a typo, so it gets ISO 8601.
    """
    if QLocale().language() == QLocale.Language.C:
        return "yyyy-MM-dd"
    fmt = QLocale().dateFormat(QLocale.FormatType.ShortFormat)
    if "yyyy" not in fmt:
        fmt = fmt.replace("yy", "yyyy")
    return fmt


def to_qdate(value: dt.date | None) -> QDate:
    if value is None:
        return QDate()
    return QDate(value.year, value.month, value.day)


def from_qdate(value: QDate) -> dt.date | None:
    if not value.isValid():
        return None
    return dt.date(value.year(), value.month(), value.day())


def format_date(value: dt.date | None) -> str:
    if value is None:
        return ""
    return QLocale().toString(to_qdate(value), date_format())


def format_number(value: Any, decimals: int | None = None) -> str:
    """A number in the user's locale; integers without decimals."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    locale = QLocale()
    if isinstance(value, int) or (decimals is None and float(value).is_integer()):
        return locale.toString(int(value))
    if decimals is None:
        text = locale.toString(float(value), "f", 6)
        zero, point = locale.zeroDigit(), locale.decimalPoint()
        text = text.rstrip(zero).rstrip(point) if point in text else text
        return text
    return locale.toString(float(value), "f", decimals)


def format_money(value: Any, currency: str) -> str:
    """An amount with the program's currency code, e.g. "12,500 USD"."""
    if value is None:
        return ""
    decimals = 0 if float(value).is_integer() else 2
    return f"{format_number(value, decimals)} {currency}"


def format_percent(value: float | None) -> str:
    if value is None:
        return ""
    return f"{QLocale().toString(value * 100, 'f', 0)} %"


def one_line(text: str | None, limit: int = CELL_TEXT_LIMIT) -> str:
    """The start of a long text for a table cell (first line, at most ``limit`` chars)."""
    if not text:
        return ""
    first, _, rest = text.partition("\n")
    if len(first) > limit:
        return first[:limit] + "…"
    return first + ("  …" if rest.strip() else "")


def store_number(value: float) -> int | float:
    """A spin box's float back to what the program keeps: 42.0 -> 42."""
    return int(value) if float(value).is_integer() else value
