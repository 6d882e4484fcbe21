#!/usr/bin/env bash
# Installs what is missing, builds Yardmaster, and runs every test with ctest.
# Debian 12, as root (or with sudo). CI runs exactly this (.ci/run).
# The tests start what they need themselves (yardmaster, buildbot-worker) on
# loopback, and stop it by PID.
set -euo pipefail
# shellcheck source=scripts/common.sh
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"

ym_install_packages "${YM_BUILD_PACKAGES[@]}" "${YM_TEST_PACKAGES[@]}"
# shellcheck disable=SC2119 # builds everything: no extra arguments
ym_build

# Tests with many connections need descriptors: raise the soft limit to the hard one.
ulimit -n "$(ulimit -Hn)"

echo "== running tests"
# ctest's summary is the last thing printed, and its status is ours.
exec ctest --test-dir "$YM_BUILD_DIR" --output-on-failure -j2 --timeout 900
