"""How values read on screen: dates and numbers in the user's locale."""

from __future__ import annotations

import datetime as dt

import pytest
from PySide6.QtCore import QLocale

from mentor_desk.ui.display import date_format, format_date


@pytest.fixture
def locale():
    saved = QLocale()

    def use(name: str) -> None:
        QLocale.setDefault(QLocale(name))

    yield use
    QLocale.setDefault(saved)


def test_dates_follow_the_locale_with_a_four_digit_year(qapp, locale):
    day = dt.date(2027, 3, 1)
    locale("en_GB")
    assert format_date(day) == "01/03/2027"
    locale("en_US")
    assert format_date(day) == "3/1/2027"
    locale("de_DE")
    assert format_date(day) == "01.03.2027"


def test_the_c_locale_gets_iso_dates(qapp, locale):
    locale("C")
    assert date_format() == "yyyy-MM-dd"
    assert format_date(dt.date(2027, 3, 1)) == "2027-03-01"
