"""Entry point of the frozen build (PyInstaller runs this file as a script)."""

import sys

from mentor_desk.cli import main

sys.exit(main())
