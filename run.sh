#!/bin/sh
# ./run.sh demo  — install what is needed, build the demo database, start the server
# ./run.sh test  — install what is needed (Chromium too, where we can), run every check and test
# ./run.sh unit  — the unit set only: tests that need no app and are not slow (< 1 min)
set -eu
cd "$(dirname "$0")"
PYTHON=${PYTHON:-python3}
PORT=${PORT:-5000}

as_root() {
    if [ "$(id -u)" = 0 ]; then "$@"
    elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then sudo "$@"
    else return 1
    fi
}

apt_install() {
    as_root env DEBIAN_FRONTEND=noninteractive apt-get update -qq &&
        as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" >/dev/null
}

venv() {
    extras=$1
    if [ ! -x .venv/bin/python ]; then
        if ! "$PYTHON" -m venv .venv >/dev/null 2>&1; then
            rm -rf .venv
            echo "== installing python3-venv"
            apt_install python3-venv || { echo "Please install python3-venv (Debian) first."; exit 1; }
            "$PYTHON" -m venv .venv
        fi
    fi
    stamp=".venv/.installed-$extras"
    # The version comes from the latest git tag: a new tag installs again, so it shows.
    release=$(git describe --tags --abbrev=0 --match 'v*' 2>/dev/null || echo untagged)
    if [ ! -f "$stamp" ] || [ pyproject.toml -nt "$stamp" ] || [ "$(cat "$stamp")" != "$release" ]; then
        echo "== installing Python packages"
        .venv/bin/python -m pip install -q --disable-pip-version-check -e ".$extras"
        echo "$release" > "$stamp"
    fi
    .venv/bin/checkin translate compile
}

case "${1:-}" in
demo)
    venv ""
    export CHECKIN_BASE_URL="${CHECKIN_BASE_URL:-http://127.0.0.1:$PORT}"
    .venv/bin/checkin init-db
    .venv/bin/checkin seed-demo
    echo
    echo "Visitors' week:   $CHECKIN_BASE_URL/mallis/"
    echo "Door (QR) page:   $(.venv/bin/checkin door-url --venue mallis)"
    echo "Second venue:     $CHECKIN_BASE_URL/victor/"
    echo "Staff pages:      $CHECKIN_BASE_URL/staff/  (login printed above as 'Staff login')"
    echo "Door poster:      $CHECKIN_BASE_URL/staff/mallis/poster"
    echo
    exec .venv/bin/checkin serve --host 127.0.0.1 --port "$PORT"
    ;;
test)
    venv "[test]"
    if ! command -v chromium >/dev/null 2>&1 || ! command -v zbarimg >/dev/null 2>&1 ||
        ! [ -x /usr/sbin/nginx ] || ! command -v openssl >/dev/null 2>&1; then
        echo "== installing Chromium, zbar-tools, nginx-light and openssl for the browser and nginx tests"
        apt_install chromium zbar-tools nginx-light openssl ||
            echo "Could not install them: browser and nginx tests will be skipped."
    fi
    if command -v chromium >/dev/null 2>&1; then export CHECKIN_REQUIRE_BROWSER=1; fi
    if [ -x /usr/sbin/nginx ]; then export CHECKIN_REQUIRE_NGINX=1; fi
    echo "== ruff"
    .venv/bin/ruff check checkin tests bench setup.py
    echo "== bandit"
    .venv/bin/bandit -q -c pyproject.toml -r checkin
    echo "== pytest"
    shift
    exec .venv/bin/pytest "$@"
    ;;
unit)
    # The one-minute loop: rules without an app, nothing slow (docs/development.md, "Tests").
    venv "[test]"
    shift
    exec .venv/bin/pytest -m unit -q "$@"
    ;;
*)
    echo "usage: ./run.sh demo | ./run.sh test | ./run.sh unit" >&2
    exit 2
    ;;
esac
