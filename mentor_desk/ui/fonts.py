"""The fonts the project ships, given to Qt so that any script shows on screen as typed.

A machine may have no CJK or Arabic font at all (a fresh Debian has only
DejaVu, a minimal one none): Qt would then draw boxes. The same TrueType
files the documents embed (``resources/fonts/``) are registered as
application fonts, so Qt's font fallback finds a glyph for Latin, Greek,
Cyrillic, Arabic and Chinese, Japanese and Korean text whatever the system
has. Registering by file name costs about 20 ms and little memory: the
files are read when a glyph from them is first drawn.
"""

from __future__ import annotations

from PySide6.QtGui import QFontDatabase

from mentor_desk.paths import fonts_dir

FONT_SUFFIXES = (".ttf", ".ttc", ".otf")

# Qt's font database is one per process, so the fonts are registered once per process.
_families: list[str] | None = None


def register_shipped_fonts() -> list[str]:
    """Register every font file in ``resources/fonts`` (once); return the families Qt took.

    Needs a QGuiApplication. A file Qt refuses (damaged, missing) is skipped:
    the window still works with the system's fonts.
    """
    global _families
    if _families is not None:
        return list(_families)
    families: list[str] = []
    folder = fonts_dir()
    for path in sorted(folder.iterdir()) if folder.is_dir() else []:
        if path.suffix.lower() not in FONT_SUFFIXES:
            continue
        font_id = QFontDatabase.addApplicationFont(str(path))
        if font_id >= 0:
            taken = QFontDatabase.applicationFontFamilies(font_id)
            families += [f for f in taken if f not in families]
    _families = families
    return list(families)
