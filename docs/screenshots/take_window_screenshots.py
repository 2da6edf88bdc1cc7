"""Take the window's screenshots in docs/screenshots/ from the Northwind demo (offscreen).

    .venv/bin/python docs/screenshots/take_window_screenshots.py

Uses its own temporary program file and settings, a fixed "today"
(2027-07-15) and the en_GB locale so the pictures do not change from run to
run; a step whose page module is not written yet is skipped.
"""

from __future__ import annotations

import datetime as dt
import importlib.util
import os
import sys
import tempfile
from pathlib import Path

OUT = Path(__file__).resolve().parent
TODAY = dt.date(2027, 7, 15)
OTHER_CLIENTS = [
    ("Plant leadership bench 2027", "Contoso Manufacturing", "manufacturing"),
    ("New managers cohort", "Fabrikam Health", "leadership development"),
    ("Sales leaders mentoring", "Litware Retail", "sales"),
]


def main() -> int:
    tmp = Path(tempfile.mkdtemp(prefix="mentor-desk-shots-"))
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    os.environ["LANG"] = "en_GB.UTF-8"
    os.environ["XDG_CONFIG_HOME"] = str(tmp / "config")
    sys.path.insert(0, str(OUT.parent.parent))

    from PySide6.QtWidgets import QApplication

    from mentor_desk import services
    from mentor_desk.app import create_window
    from mentor_desk.domain.model import Step
    from mentor_desk.ui.main_window import PAGE_MODULES

    db = tmp / "programs.db"
    with services.open_file(db) as pf:
        demo = services.load_demo(pf)
        for name, organization, focus in OTHER_CLIENTS:
            pid = services.duplicate_program(pf, program_id=demo, name=name)
            services.edit_program_field(pf, program_id=pid, path="organization", value=organization)
            services.edit_program_field(pf, program_id=pid, path="focus", value=focus)

    window = create_window(db)
    window.session.today = lambda: TODAY
    window.open_program(demo)
    window.resize(1440, 960)
    window.show()

    def shot(name: str) -> None:
        for _ in range(3):  # deferred layout work settles over a few turns
            QApplication.processEvents()
        window.grab().save(str(OUT / f"{name}.png"))
        print(OUT / f"{name}.png")

    window.show_step(Step.BUSINESS_CASE, remember=False)
    shot("program-list")
    shot("business-case")
    for step in list(Step)[1:]:
        module = f"mentor_desk.ui.pages.{PAGE_MODULES[step][0]}"
        if importlib.util.find_spec(module) is None:
            continue
        window.show_step(step, remember=False)
        shot(step.value.replace("_", "-"))
    window.show_step(None, remember=False)
    shot("dashboard")
    window.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
