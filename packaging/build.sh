#!/usr/bin/env bash
# Build a folder with a `mentor-desk` executable for this platform, for people
# without Python: dist/mentor-desk/mentor-desk (fonts, icons, schema inside),
# plus dist/mentor-desk.tar.gz. Run from anywhere: packaging/build.sh
set -euo pipefail
cd "$(dirname "$0")/.."
./dev setup
.venv/bin/python -m pip install -q --disable-pip-version-check "pyinstaller==6.22.3"
root=$(pwd)
rm -rf build/pyinstaller dist/mentor-desk
.venv/bin/pyinstaller --noconfirm --clean --log-level WARN \
  --name mentor-desk \
  --icon "$root/resources/icons/mentor-desk-256.png" \
  --add-data "$root/resources:resources" \
  --add-data "$root/mentor_desk/program.schema.json:mentor_desk" \
  --add-data "$root/mentor_desk/northwind.json:mentor_desk" \
  --exclude-module tkinter --exclude-module pytest --exclude-module pytestqt \
  --distpath dist --workpath build/pyinstaller --specpath build \
  packaging/launcher.py
install -m 644 resources/mentor-desk.desktop dist/mentor-desk/
tar -C dist -czf dist/mentor-desk.tar.gz mentor-desk
echo "built dist/mentor-desk/mentor-desk ($(du -sh dist/mentor-desk | cut -f1)); archive dist/mentor-desk.tar.gz"
