#!/usr/bin/env bash
# Build a folder with a `mentor-desk` executable for this platform, for people
# without Python: dist/mentor-desk/mentor-desk (Python, Qt, fonts, icons, the schema
# and the example inside), plus dist/mentor-desk.tar.gz of that folder.
# Run from anywhere: packaging/build.sh [OUT]   (OUT: where build/ and dist/ go; default
# the source tree, where both are ignored by git)
# Needs only PyPI (pip) and, on Debian/Ubuntu, the apt packages ./dev installs. Writes
# nothing outside .venv/, OUT/build/ and OUT/dist/ (PyInstaller's cache goes to build/ too).
# The executable runs on machines whose glibc is at least as new as this one's.
set -euo pipefail
out=${1:-$(dirname "$0")/..}
out=$(mkdir -p "$out" && cd "$out" && pwd)
cd "$(dirname "$0")/.."
root=$(pwd)
build=$out/build
dist=$out/dist
./dev setup
.venv/bin/python -m pip install -q --disable-pip-version-check -c requirements.lock \
  "pyinstaller==6.22.3" "pyinstaller-hooks-contrib==2026.9" "altgraph==0.17.5"

export PYINSTALLER_CONFIG_DIR="$build/pyinstaller-cache"
export PYTHONDONTWRITEBYTECODE=1  # PyInstaller imports the package to analyse it
rm -rf "$build/pyinstaller" "$dist/mentor-desk" "$dist/mentor-desk.tar.gz"
# --paths: the package is an editable install, which PyInstaller cannot see through.
# --collect-submodules: the step pages are imported by name (ui/main_window.page_class).
# --hidden-import _rl_accel: ReportLab imports its C accelerator through exec() of a string.
# --icon is only for Windows and macOS; on Linux the window icon comes from resources/icons.
.venv/bin/pyinstaller --noconfirm --clean --log-level WARN \
  --name mentor-desk --paths "$root" --collect-submodules mentor_desk \
  --icon "$root/resources/icons/mentor-desk-256.png" \
  --add-data "$root/resources:resources" \
  --add-data "$root/mentor_desk/program.schema.json:mentor_desk" \
  --add-data "$root/mentor_desk/northwind.json:mentor_desk" \
  --hidden-import _rl_accel \
  --exclude-module tkinter --exclude-module pytest --exclude-module pytestqt \
  --distpath "$dist" --workpath "$build/pyinstaller" --specpath "$build" \
  packaging/launcher.py
install -m 644 resources/mentor-desk.desktop "$dist/mentor-desk/"
install -m 755 packaging/install-desktop.sh "$dist/mentor-desk/"

# The build works when it starts and finds its own resources: the example program (the
# schema validates it) and the fonts of a pitch packet.
app=$dist/mentor-desk/mentor-desk
version=$("$app" --version)
expected="mentor-desk $(.venv/bin/python -c 'import mentor_desk; print(mentor_desk.__version__)')"
[ "$version" = "$expected" ] || { echo "error: the build says '$version', not '$expected'" >&2; exit 1; }
rm -rf "$build/smoke" && mkdir -p "$build/smoke"
"$app" --db "$build/smoke/smoke.db" demo >/dev/null
"$app" --db "$build/smoke/smoke.db" pitch 1 -o "$build/smoke/pitch.pdf"

tar -C "$dist" -czf "$dist/mentor-desk.tar.gz" mentor-desk
echo "built $app ($version, $(du -sh "$dist/mentor-desk" | cut -f1));" \
  "archive $dist/mentor-desk.tar.gz ($(du -sh "$dist/mentor-desk.tar.gz" | cut -f1))"
