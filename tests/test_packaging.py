"""The install for people without Python: the desktop entry, the icons, and the built program.

The ``slow`` tests build the one-folder program with ``packaging/build.sh`` into a
temporary folder (about two minutes), or test the build folder named by
``$MENTOR_DESK_BUILD`` (``dist/mentor-desk``) instead, and run it as a new user
would: an empty home folder, no Python on ``PATH``, started outside the source tree.
"""

from __future__ import annotations

import configparser
import json
import os
import shutil
import signal
import struct
import subprocess
import time
import unicodedata
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from helpers import pdf_text

from mentor_desk import __version__, paths

ROOT = Path(__file__).resolve().parent.parent
DESKTOP_FILE = ROOT / "resources" / "mentor-desk.desktop"
INSTALL_DESKTOP = ROOT / "packaging" / "install-desktop.sh"
BUILD_ENV = "MENTOR_DESK_BUILD"
CJK_NAME = "王小明"
ARABIC_NAME = "فاطمة الزهراء"
ARABIC_ORG = "شركة نورثويند"
# the offscreen platform says this once when a window is shown; any other output is a fault
OFFSCREEN_NOTE = "This plugin does not support propagateSizeHints()"


def desktop_entry(path: Path) -> configparser.SectionProxy:
    parser = configparser.ConfigParser(interpolation=None, delimiters=("=",))
    parser.optionxform = str  # keys are case-sensitive
    parser.read(path, encoding="utf-8")
    return parser["Desktop Entry"]


def exec_program(value: str) -> str:
    """The program an ``Exec=`` value runs, unescaped as the Desktop Entry spec says."""
    text = value.replace("\\\\", "\\")  # the string's own escapes come first
    if not text.startswith('"'):
        return text.split(" ")[0]
    out, i = [], 1
    while text[i] != '"':
        if text[i] == "\\" and text[i + 1] in '"`$\\':
            i += 1
        out.append(text[i])
        i += 1
    return "".join(out)


def png_size(path: Path) -> tuple[int, int]:
    data = path.read_bytes()[:24]
    assert data[:8] == b"\x89PNG\r\n\x1a\n" and data[12:16] == b"IHDR", path
    return struct.unpack(">II", data[16:24])


# ----- the desktop entry and the icons (no build needed) ----------------------


def test_desktop_entry_starts_the_program_with_its_icon_in_the_office_menu() -> None:
    entry = desktop_entry(DESKTOP_FILE)
    assert entry["Type"] == "Application"
    assert entry["Name"] == "Mentor Desk"
    assert entry["Exec"] == "mentor-desk"  # install-desktop.sh writes the build's full path
    assert entry["Icon"] == paths.APP_NAME == "mentor-desk"
    assert entry["Terminal"] == "false"
    assert entry["StartupWMClass"] == "mentor-desk"  # the window's WM_CLASS instance
    categories = entry["Categories"]
    assert categories.endswith(";") and "Office" in categories.split(";")
    assert entry["Comment"] and entry["GenericName"]


@pytest.mark.skipif(not shutil.which("desktop-file-validate"), reason="desktop-file-utils")
def test_desktop_entry_passes_desktop_file_validate() -> None:
    out = subprocess.run(
        ["desktop-file-validate", str(DESKTOP_FILE)], capture_output=True, text=True
    )
    assert out.returncode == 0 and not out.stdout.strip(), out.stdout + out.stderr


def test_icon_set_has_every_size_and_the_window_uses_it(qapp) -> None:  # noqa: ANN001
    from mentor_desk import app

    for size in paths.ICON_SIZES:
        assert png_size(paths.icon_file(size)) == (size, size)
    svg = ET.parse(paths.icon_file())
    assert svg.getroot().tag == "{http://www.w3.org/2000/svg}svg"
    assert svg.getroot().get("viewBox") == "0 0 256 256"
    icon = app.window_icon()
    assert not icon.isNull()
    assert sorted(s.width() for s in icon.availableSizes()) == list(paths.ICON_SIZES)
    assert icon.pixmap(48, 48).toImage().pixelColor(24, 24).alpha() == 255


def fake_build(folder: Path) -> Path:
    """A folder laid out like a build: the program (a script here), its entry and icons."""
    icons = folder / "_internal" / "resources" / "icons"
    icons.mkdir(parents=True)
    for icon in paths.icons_dir().iterdir():
        shutil.copy(icon, icons)
    shutil.copy(DESKTOP_FILE, folder)
    program = folder / "mentor-desk"
    program.write_text("#!/bin/sh\necho started\n")
    program.chmod(0o755)
    return folder


def run_install(*args: str, data: Path) -> subprocess.CompletedProcess[str]:
    env = {"PATH": os.environ["PATH"], "HOME": str(data.parent), "XDG_DATA_HOME": str(data)}
    return subprocess.run(
        ["bash", str(INSTALL_DESKTOP), *args], env=env, capture_output=True, text=True
    )


def test_install_desktop_puts_the_entry_and_icons_in_xdg_data_home(tmp_path: Path) -> None:
    build = fake_build(tmp_path / 'my apps $HOME "quoted" `x` back\\slash' / "mentor-desk")
    data = tmp_path / "data"
    out = run_install(str(build), data=data)
    assert out.returncode == 0, out.stderr
    entry_file = data / "applications" / "mentor-desk.desktop"
    entry = desktop_entry(entry_file)
    program = exec_program(entry["Exec"])
    assert program == str(build / "mentor-desk")
    assert subprocess.run([program], capture_output=True, text=True).stdout == "started\n"
    assert entry["Icon"] == "mentor-desk" and entry["Terminal"] == "false"
    hicolor = data / "icons" / "hicolor"
    for size in paths.ICON_SIZES:
        installed = hicolor / f"{size}x{size}" / "apps" / "mentor-desk.png"
        assert png_size(installed) == (size, size)
    assert (hicolor / "scalable" / "apps" / "mentor-desk.svg").read_bytes() == (
        paths.icon_file().read_bytes()
    )
    if shutil.which("desktop-file-validate"):
        check = subprocess.run(["desktop-file-validate", str(entry_file)], capture_output=True)
        assert check.returncode == 0, check.stdout

    out = run_install("--remove", data=data)
    assert out.returncode == 0, out.stderr
    assert not entry_file.exists()
    assert not list(hicolor.rglob("mentor-desk.*"))


def test_install_desktop_refuses_a_folder_that_is_not_a_build(tmp_path: Path) -> None:
    data = tmp_path / "data"
    out = run_install(str(tmp_path), data=data)
    assert out.returncode == 2
    assert "is not a Mentor Desk build folder" in out.stderr
    assert not data.exists()


def test_launcher_gives_other_programs_the_users_environment() -> None:
    import importlib.util

    spec = importlib.util.spec_from_file_location("launcher", ROOT / "packaging" / "launcher.py")
    assert spec and spec.loader
    launcher = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(launcher)  # (not as __main__: does not start the program)
    frozen = {
        "LD_LIBRARY_PATH": "/opt/md/_internal:/home/u/lib",
        "LD_LIBRARY_PATH_ORIG": "/home/u/lib",
        "QT_PLUGIN_PATH": "/opt/md/_internal/PySide6/Qt/plugins",
        "QML2_IMPORT_PATH": "/opt/md/_internal/PySide6/Qt/qml",
        "HOME": "/home/u",
    }
    launcher.give_back_environment(frozen)
    assert frozen == {"LD_LIBRARY_PATH": "/home/u/lib", "HOME": "/home/u"}
    unset = {"LD_LIBRARY_PATH": "/opt/md/_internal", "PATH": "/usr/bin"}
    launcher.give_back_environment(unset)
    assert unset == {"PATH": "/usr/bin"}


# ----- the built program (slow) -----------------------------------------------


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The build folder: ``$MENTOR_DESK_BUILD``, else a fresh build in a temporary folder."""
    given = os.environ.get(BUILD_ENV)
    if given:
        folder = Path(given).resolve()
    else:
        out = tmp_path_factory.mktemp("build")
        result = subprocess.run(
            ["bash", str(ROOT / "packaging" / "build.sh"), str(out)],
            capture_output=True,
            text=True,
            timeout=1500,
        )
        assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
        folder = out / "dist" / "mentor-desk"
    assert (folder / "mentor-desk").is_file(), f"no build in {folder}"
    return folder


class NewUser:
    """Runs the built program as a new user would: empty home, no Python, elsewhere."""

    def __init__(self, build: Path, tmp_path: Path):
        self.program = build / "mentor-desk"
        self.home = tmp_path / "new-user"
        self.home.mkdir()
        empty_bin = tmp_path / "bin"
        empty_bin.mkdir()
        self.cwd = tmp_path
        self.env = {
            "PATH": str(empty_bin),
            "HOME": str(self.home),
            "LANG": "C.UTF-8",
            "QT_QPA_PLATFORM": "offscreen",
        }

    def run(self, *args: str, code: int = 0) -> str:
        out = subprocess.run(
            [str(self.program), *args],
            env=self.env,
            cwd=self.cwd,
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert out.returncode == code, (args, out.returncode, out.stdout, out.stderr)
        return out.stdout

    def start(self, **extra: str) -> subprocess.Popen[str]:
        return subprocess.Popen(
            [str(self.program)],
            env={**self.env, **extra},
            cwd=self.cwd,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )

    def stop(self, process: subprocess.Popen[str]) -> str:
        """End the window; its stderr (which says how it ended if it crashed)."""
        running = process.poll() is None
        if running:
            process.send_signal(signal.SIGTERM)
        _, err = process.communicate(timeout=30)
        assert running, f"the window ended by itself ({process.returncode}): {err}"
        return err


def pdf_fonts(path: Path) -> dict[str, str]:
    """Font name (without the subset prefix) -> whether embedded, from ``pdffonts``."""
    lines = subprocess.run(
        ["pdffonts", str(path)], check=True, capture_output=True, text=True
    ).stdout.splitlines()[2:]
    return {line.split()[0].split("+")[-1]: line.split()[-5] for line in lines}


def wait_for(condition, seconds: float = 30) -> bool:  # noqa: ANN001
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        if condition():
            return True
        time.sleep(0.1)
    return False


@pytest.mark.slow
def test_built_program_carries_its_resources_and_qt_modules(built: Path) -> None:
    inside = built / "_internal"
    for font in ("DejaVuSans.ttf", "NotoSansArabic-Regular.ttf", "wqy-microhei.ttc"):
        assert (inside / "resources" / "fonts" / font).is_file()
    for size in paths.ICON_SIZES:
        assert png_size(inside / "resources" / "icons" / f"mentor-desk-{size}.png") == (size,) * 2
    for name in ("program.schema.json", "northwind.json"):
        json.loads((inside / "mentor_desk" / name).read_text("utf-8"))
    assert (inside / "PySide6" / "QtPdfWidgets.abi3.so").is_file()  # the in-app preview
    assert list(inside.glob("_rl_accel*.so")), "ReportLab's accelerator (loaded by exec)"
    platforms = inside / "PySide6" / "Qt" / "plugins" / "platforms"
    assert (platforms / "libqxcb.so").is_file() and (platforms / "libqoffscreen.so").is_file()
    assert desktop_entry(built / "mentor-desk.desktop")["Icon"] == "mentor-desk"
    assert os.access(built / "install-desktop.sh", os.X_OK)


@pytest.mark.slow
def test_built_program_holds_every_module_of_the_package(built: Path) -> None:
    """Modules imported by name (the step pages) are in the build too, not only imported ones."""
    import pkgutil

    import mentor_desk

    readers = pytest.importorskip("PyInstaller.archive.readers")  # build.sh installs it
    archive = readers.CArchiveReader(str(built / "mentor-desk"))
    frozen = set(archive.open_embedded_archive("PYZ.pyz").toc)
    source = {m.name for m in pkgutil.walk_packages(mentor_desk.__path__, "mentor_desk.")}
    assert "mentor_desk.ui.pages.buy_in" in source
    assert source - frozen == set()


@pytest.mark.slow
def test_built_program_exports_a_pitch_packet_on_a_first_run(built: Path, tmp_path: Path) -> None:
    user = NewUser(built, tmp_path)
    assert user.run("--version").strip() == f"mentor-desk {__version__}"
    assert user.run("demo").strip() == "1"
    assert (user.home / ".local" / "share" / "mentor-desk" / "mentor-desk.db").is_file()
    assert user.run("list") == "1\tIT Management Mentoring 2027\tNorthwind Components\n"
    assert "Checked as of" in user.run("check", "1", code=1)  # the example has open errors

    user.run("pitch", "1", "-o", "pitch.pdf")
    text = pdf_text(tmp_path / "pitch.pdf")
    assert "Pitch packet" in text and "IT Management Mentoring 2027" in text
    assert "Raise the leadership bench of the IT department" in text
    fonts = pdf_fonts(tmp_path / "pitch.pdf")
    assert "DejaVuSans" in fonts and set(fonts.values()) == {"yes"}, fonts

    user.run("report", "1", "-o", "report.pdf", "--today", "2027-06-01")
    assert "Northwind Components" in pdf_text(tmp_path / "report.pdf")
    user.run("participants", "export", "1", "-o", "people.csv")
    assert "Alex Moreno,mentee" in (tmp_path / "people.csv").read_text("utf-8-sig")
    user.run("calendar", "1", "-o", "plan.ics")
    assert "SUMMARY:Pitch meeting" in (tmp_path / "plan.ics").read_text("utf-8")


@pytest.mark.slow
def test_built_program_prints_chinese_and_arabic(
    built: Path, tmp_path: Path, northwind_doc: dict
) -> None:
    text = json.dumps(northwind_doc, ensure_ascii=False)
    text = text.replace('"Robert Kline"', f'"{CJK_NAME}"').replace('"Mei Lin"', f'"{ARABIC_NAME}"')
    doc = json.loads(text)
    doc["program"]["organization"] = ARABIC_ORG
    (tmp_path / "intl.json").write_text(json.dumps(doc, ensure_ascii=False), "utf-8")
    user = NewUser(built, tmp_path)
    program = user.run("--db", "intl.db", "import", "intl.json").strip()
    user.run("--db", "intl.db", "stakeholders", program, "-o", "map.pdf")
    printed = pdf_text(tmp_path / "map.pdf")
    assert CJK_NAME in printed
    normal = unicodedata.normalize("NFKC", printed)  # Arabic comes back as joined forms
    for word in (*ARABIC_NAME.split(), *ARABIC_ORG.split()):
        assert word in normal, word
    fonts = pdf_fonts(tmp_path / "map.pdf")
    assert {"NotoSansArabic-Regular", "WenQuanYiMicroHei-0"} <= set(fonts), fonts
    assert set(fonts.values()) == {"yes"}, fonts


@pytest.mark.slow
def test_built_window_starts_offscreen_on_the_users_file(built: Path, tmp_path: Path) -> None:
    user = NewUser(built, tmp_path)
    lock = user.home / ".local" / "share" / "mentor-desk" / "mentor-desk.db.lock"
    window = user.start()
    try:
        started = wait_for(
            lambda: (
                lock.is_file()
                and lock.read_text().split()[1:] == [str(window.pid)]
                or window.poll() is not None
            )
        )
        assert started and window.poll() is None, "the window did not open the program file"
        refused = subprocess.run(
            [str(user.program), "demo"], env=user.env, capture_output=True, text=True
        )
        assert refused.returncode == 2
        assert f"in use by another Mentor Desk (process {window.pid} " in refused.stderr
        time.sleep(1)  # the first event loop turns: a crash in the window would show now
    finally:
        err = user.stop(window)
    assert [line for line in err.splitlines() if line != OFFSCREEN_NOTE] == []


@pytest.fixture
def x_display() -> str:
    """A display of a fresh Xvfb of the test's own (no window manager)."""
    if not all(shutil.which(tool) for tool in ("Xvfb", "xwininfo", "xprop")):
        pytest.skip("needs xvfb and x11-utils")
    read, write = os.pipe()
    xvfb = subprocess.Popen(
        [
            "Xvfb",
            "-displayfd",
            str(write),
            "-screen",
            "0",
            "1280x800x24",
            "-nolisten",
            "tcp",
            "-noreset",
        ],
        pass_fds=(write,),
        stderr=subprocess.DEVNULL,
    )
    os.close(write)
    try:
        with os.fdopen(read) as pipe:
            yield f":{pipe.readline().strip()}"
    finally:
        xvfb.terminate()
        xvfb.wait(timeout=30)


def x_tool(display: str, *args: str) -> str:
    env = {"PATH": os.environ["PATH"], "DISPLAY": display}
    return subprocess.run(args, env=env, capture_output=True, text=True, timeout=30).stdout


@pytest.mark.slow
def test_built_window_shows_on_x_with_its_icon(built: Path, tmp_path: Path, x_display: str) -> None:
    user = NewUser(built, tmp_path)
    window = user.start(QT_QPA_PLATFORM="xcb", DISPLAY=x_display)
    try:

        def main_window() -> str:
            tree = x_tool(x_display, "xwininfo", "-root", "-tree")
            ours = [line for line in tree.splitlines() if '("mentor-desk" ' in line]
            big = [line.split()[0] for line in ours if "1x1+" not in line]
            return big[0] if big else ""

        assert wait_for(main_window), "no Mentor Desk window appeared"
        props = x_tool(x_display, "xprop", "-id", main_window())
        assert '_NET_WM_NAME(UTF8_STRING) = "Mentor Desk"' in props
        assert "Icon (16 x 16)" in props and "Icon (48 x 48)" in props
    finally:
        err = user.stop(window)
    assert err.strip() == ""


@pytest.mark.slow
@pytest.mark.skipif(not shutil.which("xdotool"), reason="needs xdotool")
def test_built_window_exports_a_pitch_packet_and_opens_the_users_viewer(
    built: Path, tmp_path: Path, x_display: str
) -> None:
    """File > Export pitch packet, typed as a person would; then "Open in PDF viewer".

    The viewer (a stand-in ``xdg-open`` on PATH) must get the user's environment, not
    the build's libraries and Qt plugins.
    """
    user = NewUser(built, tmp_path)
    viewer = Path(user.env["PATH"]) / "xdg-open"
    viewer.write_text(
        '#!/bin/sh\nexport -p > "$HOME/viewer.env"\necho "$@" > "$HOME/viewer.args"\n'
    )
    viewer.chmod(0o755)
    user.run("demo")
    target = tmp_path / "from-window.pdf"
    window = user.start(QT_QPA_PLATFORM="xcb", DISPLAY=x_display)
    try:

        def titles() -> list[str]:
            """The titles of the program's windows on screen (menus have none)."""
            found = x_tool(
                x_display, "xdotool", "search", "--onlyvisible", "--pid", str(window.pid)
            )
            return [x_tool(x_display, "xdotool", "getwindowname", w).strip() for w in found.split()]

        def key(*keys: str) -> None:
            x_tool(x_display, "xdotool", "key", *keys)

        def main_title() -> str:
            return next((t for t in titles() if "IT Management Mentoring 2027" in t), "")

        assert wait_for(main_title), f"no window on the example program: {titles()}"
        found = x_tool(x_display, "xdotool", "search", "--onlyvisible", "--name", main_title())
        x_tool(x_display, "xdotool", "windowfocus", "--sync", found.split()[0])
        key("alt+f")
        assert wait_for(lambda: len(titles()) == 2), "the File menu did not open"
        key("p")  # Export &pitch packet...
        assert wait_for(lambda: any(t.startswith("Export pitch packet") for t in titles()))
        key("ctrl+a")
        x_tool(x_display, "xdotool", "type", "--delay", "20", str(target))
        key("Return")
        assert wait_for(lambda: target.is_file() and len(titles()) == 2), titles()
        key("Return")  # the message's default button: Open in PDF viewer
        args = user.home / "viewer.args"
        assert wait_for(lambda: args.is_file() and args.read_text().strip() != ""), "no viewer"
    finally:
        err = user.stop(window)
    assert err.strip() == ""
    assert args.read_text().strip() == target.as_uri()
    viewer_env = (user.home / "viewer.env").read_text()
    for name in ("LD_LIBRARY_PATH", "QT_PLUGIN_PATH", "QML2_IMPORT_PATH"):
        assert f"export {name}=" not in viewer_env, viewer_env
    assert f"export HOME='{user.home}'" in viewer_env
    text = pdf_text(target)
    assert "Pitch packet" in text and "IT Management Mentoring 2027" in text
