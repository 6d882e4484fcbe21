#!/usr/bin/env bash
# Installs what is missing, builds Yardmaster, and starts it. Debian 12, as root
# (or with sudo). Arguments go to yardmaster; without any it runs with the
# default config ($XDG_CONFIG_HOME/yardmaster/master.json), created on first run.
set -euo pipefail
# shellcheck source=scripts/common.sh
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"

ym_install_packages "${YM_BUILD_PACKAGES[@]}"
ym_build --target yardmaster

ulimit -n "$(ulimit -Hn)"
echo "== starting $YM_BUILD_DIR/app/yardmaster $*"
exec "$YM_BUILD_DIR/app/yardmaster" "$@"
