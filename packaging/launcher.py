"""Entry point of the frozen build (PyInstaller runs this file as a script)."""

from __future__ import annotations

import os
import sys
from collections.abc import MutableMapping

# What the frozen start-up puts in the environment for this program alone: the
# bootloader points LD_LIBRARY_PATH at the build folder, PyInstaller's Qt hook points
# QT_PLUGIN_PATH and QML2_IMPORT_PATH at the bundled Qt.
FOR_THIS_PROGRAM = ("QT_PLUGIN_PATH", "QML2_IMPORT_PATH")


def give_back_environment(environ: MutableMapping[str, str]) -> None:
    """Restore the environment other programs get from this one to what the user had.

    "Open in PDF viewer" starts the user's viewer (through xdg-open), which inherits
    this environment: with the build's libraries and Qt plugins first, a viewer can fail
    to start (a symbol lookup error, or "Cannot mix incompatible Qt library"). This
    program does not need them any more: the dynamic loader read LD_LIBRARY_PATH when it
    started, and PySide6 finds its plugins through the qt.conf it embeds.
    """
    original = environ.pop("LD_LIBRARY_PATH_ORIG", None)
    if original is None:
        environ.pop("LD_LIBRARY_PATH", None)
    else:
        environ["LD_LIBRARY_PATH"] = original
    for name in FOR_THIS_PROGRAM:
        environ.pop(name, None)


if __name__ == "__main__":
    if getattr(sys, "frozen", False):
        give_back_environment(os.environ)

    from mentor_desk.cli import main

    sys.exit(main())
