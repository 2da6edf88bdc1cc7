#!/usr/bin/env bash
# Add Mentor Desk to the desktop menu of the current user (Linux); needs no root and no
# Python. Run it from an unpacked build folder, or from the source tree after a build:
#   ./install-desktop.sh [FOLDER]     FOLDER: a build folder; by default the folder this
#                                     script is in, else dist/mentor-desk beside packaging/
#   ./install-desktop.sh --remove     take the menu entry and the icons out again
# Writes $XDG_DATA_HOME/applications/mentor-desk.desktop (default ~/.local/share) and the
# icons under $XDG_DATA_HOME/icons/hicolor. The entry runs FOLDER/mentor-desk: after
# moving the folder, run this again.
set -euo pipefail
data=${XDG_DATA_HOME:-$HOME/.local/share}
apps=$data/applications
icons=$data/icons/hicolor
sizes=(16 32 48 64 128 256)

refresh() {  # menus and icon caches pick the change up at once where these tools exist
  if command -v update-desktop-database >/dev/null; then update-desktop-database -q "$apps" || true; fi
  if command -v gtk-update-icon-cache >/dev/null && [ -f "$icons/index.theme" ]; then
    gtk-update-icon-cache -q "$icons" || true
  fi
}

if [ "${1:-}" = "--remove" ]; then
  rm -f "$apps/mentor-desk.desktop" "$icons/scalable/apps/mentor-desk.svg"
  for size in "${sizes[@]}"; do rm -f "$icons/${size}x${size}/apps/mentor-desk.png"; done
  refresh
  echo "removed $apps/mentor-desk.desktop and its icons"
  exit 0
fi

folder=${1:-}
if [ -z "$folder" ]; then
  folder=$(dirname "$0")
  [ -x "$folder/mentor-desk" ] || folder=$folder/../dist/mentor-desk
fi
if [ ! -x "$folder/mentor-desk" ] || [ ! -f "$folder/mentor-desk.desktop" ]; then
  echo "error: $folder is not a Mentor Desk build folder (no mentor-desk and mentor-desk.desktop in it); build one with packaging/build.sh" >&2
  exit 2
fi
here=$(cd "$folder" && pwd)
case $here in
  *$'\n'* | *%*)  # GLib-based menus cannot start an Exec= path with a % in it, however escaped
    echo "error: move the folder to a path without a line break or %: $here" >&2
    exit 2
    ;;
esac
resources=$here/_internal/resources/icons

# Exec= of a desktop entry: a quoted argument escapes " ` $ \ with a backslash, then the
# value's own escaping doubles every backslash.
exec_path=${here//\\/\\\\}
exec_path=${exec_path//\"/\\\"}
exec_path=${exec_path//\`/\\\`}
exec_path=${exec_path//\$/\\\$}
exec_path=${exec_path//\\/\\\\}

mkdir -p "$apps" "$icons/scalable/apps"
for size in "${sizes[@]}"; do
  mkdir -p "$icons/${size}x${size}/apps"
  cp "$resources/mentor-desk-$size.png" "$icons/${size}x${size}/apps/mentor-desk.png"
done
cp "$resources/mentor-desk.svg" "$icons/scalable/apps/mentor-desk.svg"

entry=$(mktemp "$apps/.mentor-desk.desktop.XXXXXX")
trap 'rm -f "$entry"' EXIT
while IFS= read -r line || [ -n "$line" ]; do
  case $line in
    Exec=*) printf 'Exec="%s/mentor-desk"\n' "$exec_path" ;;
    *) printf '%s\n' "$line" ;;
  esac
done < "$here/mentor-desk.desktop" > "$entry"
chmod 644 "$entry"
mv -f "$entry" "$apps/mentor-desk.desktop"
trap - EXIT
refresh
echo "installed $apps/mentor-desk.desktop (runs $here/mentor-desk)"
