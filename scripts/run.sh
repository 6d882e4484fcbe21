#!/usr/bin/env bash
# Installs what is missing, builds Yardmaster, and starts it. Debian 12, as root
# or as yourself with sudo (packages are installed with sudo). Arguments go to
# yardmaster; without any it opens the desktop console with the default config
# ($XDG_CONFIG_HOME/yardmaster/master.json, created on first run), or runs
# headless when there is no display.
set -euo pipefail
# shellcheck source=scripts/common.sh
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"

ym_install_packages "${YM_BUILD_PACKAGES[@]}"
ym_build --target yardmaster

ulimit -n "$(ulimit -Hn)"
if [ "$#" -eq 0 ] && [ -z "${DISPLAY:-}" ] && [ -z "${WAYLAND_DISPLAY:-}" ]; then
    echo "== no display: running headless (yardmaster --headless); stop it with Ctrl-C"
    set -- --headless
fi
echo "== starting $YM_BUILD_DIR/app/yardmaster $*"
exec "$YM_BUILD_DIR/app/yardmaster" "$@"
