# shellcheck shell=bash disable=SC2034
# Shared by scripts/run.sh and scripts/test.sh (sourced, not run).
# Debian 12 packages, the build folder, and the build itself.

# To build Yardmaster.
YM_BUILD_PACKAGES=(g++ cmake ninja-build pkgconf qt6-base-dev qt6-base-dev-tools
    libqt6sql6-sqlite libmsgpack-cxx-dev libboost-dev
    qtkeychain-qt6-dev)
# The console's SVG icons (Qt's SVG image and icon plugins), and libsecret for
# QtKeychain's Secret Service backend (only recommended by its package).
YM_BUILD_PACKAGES+=(libqt6svg6 libsecret-1-0)
# Translations: lrelease (qt6-l10n-tools) and its CMake package (qt6-tools-dev).
YM_BUILD_PACKAGES+=(qt6-l10n-tools qt6-tools-dev)
# To run its tests: the real Buildbot worker (3.7) they attach, and Buildbot's
# master (3.7) for the side-by-side benchmark smoke test.
YM_TEST_PACKAGES=(buildbot-worker python3-msgpack python3-twisted buildbot
    gnome-keyring dbus libsecret-1-0 libsecret-tools)
# Mail: libcurl's SMTP to build; a real SMTP server (aiosmtpd) and openssl (a
# self-signed certificate for the STARTTLS/SMTPS tests) to test.
YM_BUILD_PACKAGES+=(libcurl4-openssl-dev)
YM_TEST_PACKAGES+=(python3-aiosmtpd openssl)
# Latent workers: qemu-img/qemu-io (overlays) to test.
YM_TEST_PACKAGES+=(qemu-utils)

YM_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
YM_BUILD_DIR="${YM_BUILD_DIR:-$YM_ROOT/build}"

# Offscreen GUI tests render text (screenshots): a font.
YM_TEST_PACKAGES+=(fonts-dejavu-core)

# Installs the packages that are not installed yet (apt-get; root or sudo).
ym_install_packages() {
    local missing=() pkg
    for pkg in "$@"; do
        if ! dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q 'install ok installed'; then
            missing+=("$pkg")
        fi
    done
    if [ "${#missing[@]}" -eq 0 ]; then
        echo "== all packages present"
        return 0
    fi
    echo "== installing: ${missing[*]}"
    local sudo=()
    if [ "$(id -u)" -ne 0 ]; then
        sudo=(sudo)
    fi
    export DEBIAN_FRONTEND=noninteractive
    "${sudo[@]}" apt-get update
    "${sudo[@]}" apt-get install -y --no-install-recommends "${missing[@]}"
}

# Configures (Ninja, RelWithDebInfo) and builds; extra arguments go to the build
# (e.g. --target yardmaster). YM_JOBS sets the parallel jobs (default: all cores).
ym_build() {
    echo "== building in $YM_BUILD_DIR"
    cmake -S "$YM_ROOT" -B "$YM_BUILD_DIR" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo
    cmake --build "$YM_BUILD_DIR" -j "${YM_JOBS:-$(nproc)}" "$@"
}

# Latent workers: libvirt's client library to build; to test, a private libvirtd
# serving libvirt's test driver (tests/support/LibvirtDaemon). libvirt-daemon
# ships no service and no maintainer scripts (libvirt-daemon-system does, and
# is not installed): nothing starts a system libvirtd.
YM_BUILD_PACKAGES+=(libvirt-dev)
YM_TEST_PACKAGES+=(libvirt-daemon)
