"""Where things are: the default program file, the shipped resources."""

from __future__ import annotations

import os
import sys
from pathlib import Path

APP_NAME = "mentor-desk"
DB_ENV = "MENTOR_DESK_DB"
DB_FILENAME = "mentor-desk.db"
ICON_SIZES = (16, 32, 48, 64, 128, 256)


def default_db_path() -> Path:
    """The program file in the user's data directory (created on first use)."""
    import platformdirs

    return Path(platformdirs.user_data_dir(APP_NAME, appauthor=False)) / DB_FILENAME


def resolve_db_path(arg: str | os.PathLike[str] | None = None) -> Path:
    """``--db`` if given, else ``$MENTOR_DESK_DB``, else the default location."""
    if arg:
        return Path(arg).expanduser()
    env = os.environ.get(DB_ENV)
    if env:
        return Path(env).expanduser()
    path = default_db_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    return path


def resources_dir() -> Path:
    """The ``resources/`` folder (fonts, icons), from source or inside a frozen build."""
    frozen = getattr(sys, "_MEIPASS", None)
    if frozen:
        return Path(frozen) / "resources"
    return Path(__file__).resolve().parent.parent / "resources"


def fonts_dir() -> Path:
    return resources_dir() / "fonts"


def icons_dir() -> Path:
    return resources_dir() / "icons"


def icon_file(size: int | None = None) -> Path:
    """The application icon: the PNG of ``size`` pixels (one of ``ICON_SIZES``), else the SVG."""
    name = f"{APP_NAME}-{size}.png" if size else f"{APP_NAME}.svg"
    return icons_dir() / name
