"""Any script a user types shows on screen as typed, with the fonts the project ships."""

from __future__ import annotations

import pytest
from PySide6.QtGui import QFont, QFontDatabase, QTextLayout
from PySide6.QtWidgets import QLineEdit

from mentor_desk import app
from mentor_desk.ui.fonts import register_shipped_fonts

SCRIPTS = {
    "Latin": "Zoë Ångström",
    "Greek": "Ωμέγα δοκιμή",
    "Cyrillic": "программа наставничества",
    "Arabic": "شركة الاختبار",
    "Chinese": "导师计划中文",
    "Japanese": "メンター制度",
    "Korean": "멘토링 프로그램",
}


def glyphs_missing(text: str, font: QFont) -> list[str]:
    """The fonts that Qt's layout, fallback included, drew a "missing glyph" box from.

    Glyph index 0 of a font is its "no such character" box (.notdef).
    """
    layout = QTextLayout(text, font)
    layout.beginLayout()
    layout.createLine()
    layout.endLayout()
    runs = layout.glyphRuns()
    assert runs, "nothing was laid out"
    return [run.rawFont().familyName() for run in runs if 0 in run.glyphIndexes()]


def test_the_application_registers_the_shipped_fonts_once(qapp):
    app.ensure_app()
    available = set(QFontDatabase.families())
    assert {"WenQuanYi Micro Hei", "Noto Sans Arabic", "DejaVu Sans"} <= available
    families = register_shipped_fonts()
    assert {"WenQuanYi Micro Hei", "Noto Sans Arabic", "DejaVu Sans"} <= set(families)
    assert register_shipped_fonts() == families  # a second call adds nothing


@pytest.mark.parametrize("script", SCRIPTS)
def test_every_script_has_glyphs_in_the_window_font(qapp, script):
    app.ensure_app()
    assert glyphs_missing(SCRIPTS[script], qapp.font()) == []


def test_a_field_shows_mixed_scripts_as_typed(db_path, qtbot):
    window = app.create_window(db_path)
    qtbot.addWidget(window)
    text = " ".join(SCRIPTS.values())
    edit = QLineEdit(window)
    edit.setText(text)
    assert edit.text() == text
    assert glyphs_missing(text, edit.font()) == []
