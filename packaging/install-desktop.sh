#!/usr/bin/env bash
# Add Mentor Desk to the desktop menu of the current user (Linux), from an
# unpacked build folder: packaging/install-desktop.sh [dist/mentor-desk]
set -euo pipefail
here=$(cd "${1:-$(dirname "$0")/../dist/mentor-desk}" && pwd)
apps=${XDG_DATA_HOME:-$HOME/.local/share}/applications
icons=${XDG_DATA_HOME:-$HOME/.local/share}/icons/hicolor
mkdir -p "$apps"
for size in 16 32 48 64 128 256; do
  mkdir -p "$icons/${size}x${size}/apps"
  cp "$here/_internal/resources/icons/mentor-desk-$size.png" "$icons/${size}x${size}/apps/mentor-desk.png"
done
sed "s|^Exec=.*|Exec=\"$here/mentor-desk\"|" "$here/mentor-desk.desktop" > "$apps/mentor-desk.desktop"
echo "installed $apps/mentor-desk.desktop"
