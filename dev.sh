#!/usr/bin/env bash
# One entry point for setting up and running the project on Debian/Ubuntu.
#
#   ./dev.sh render [lesson render options...]   install what is missing, render the default lesson
#   ./dev.sh test   [pytest options...]          install what is missing; ruff, mypy, the fast tier, then every
#                                                other tier (with options: only pytest with them)
#   ./dev.sh setup                               only install
#
# Idempotent: system packages are installed only when missing, and the
# virtual environment (.venv) is reinstalled only when pyproject.toml changed.
set -euo pipefail
cd "$(dirname "$0")"

APT_PACKAGES=(
    # Manim's pycairo and manimpango build from source on Linux
    build-essential python3-dev python3-venv libcairo2-dev libpango1.0-dev pkg-config
    # LaTeX for MathTex
    texlive-latex-base texlive-latex-extra texlive-fonts-recommended dvisvgm
    # one font family for all on-screen text; Pango falls back to DejaVu (Arabic, Hebrew) and WenQuanYi (CJK)
    fonts-urw-base35 fontconfig fonts-wqy-microhei
    # strace: a test sees every folder TeX and dvisvgm make
    strace
    # ffprobe, for checking rendered files
    ffmpeg
    # the fallback voice (--voice espeak), through its library
    libespeak-ng1 espeak-ng-data
    # headless Chromium and its WebDriver, for the course page's browser tests (tests/test_course_browser.py)
    chromium chromium-driver
)

log() { printf '\033[1m==> %s\033[0m\n' "$*" >&2; }

install_system_packages() {
    local missing=()
    for pkg in "${APT_PACKAGES[@]}"; do
        dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
    done
    [ ${#missing[@]} -eq 0 ] && return 0
    local sudo=()
    [ "$(id -u)" -eq 0 ] || sudo=(sudo)
    log "installing system packages: ${missing[*]}"
    "${sudo[@]}" apt-get update -qq
    DEBIAN_FRONTEND=noninteractive "${sudo[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}"
}

install_python_env() {
    local python="${PYTHON:-python3}"
    local stamp=.venv/.installed
    local want
    want=$(cat pyproject.toml | sha256sum | cut -d' ' -f1)
    if [ ! -x .venv/bin/python ]; then
        log "creating .venv with $($python --version)"
        "$python" -m venv .venv
    fi
    if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$want" ]; then
        log "installing lesson and its dependencies into .venv"
        .venv/bin/python -m pip install -q --upgrade pip
        # the voice extra (piper-tts, GPL-3.0) is installed here, separately from the MIT core
        # the cluster extra (dask[distributed], BSD-3-Clause) for --cluster and its tests
        # the preview extra (Starlette, uvicorn, watchfiles: BSD-3-Clause / BSD-3-Clause / MIT) for `lesson preview`
        .venv/bin/python -m pip install -q -e '.[test,voice,cluster,preview]' --config-settings editable_mode=compat
        echo "$want" > "$stamp"
    fi
}

install_test_node_packages() {
    # test-only npm packages (scorm-again as the SCORM LMS's API, axe-core) for tests/test_course_browser.py; never shipped
    [ -f tests/node/node_modules/.package-lock.json ] && [ tests/node/node_modules/.package-lock.json -nt tests/node/package-lock.json ] && return 0
    if ! command -v npm >/dev/null; then  # a fresh Debian/Ubuntu has no npm: Debian's own
        local sudo=()
        [ "$(id -u)" -eq 0 ] || sudo=(sudo)
        log "installing npm (Debian) for the browser tests' packages"
        "${sudo[@]}" apt-get update -qq
        DEBIAN_FRONTEND=noninteractive "${sudo[@]}" apt-get install -y -qq --no-install-recommends npm
    fi
    log "installing the browser tests' npm packages into tests/node"
    (cd tests/node && npm ci --no-audit --no-fund --silent)
}

setup() {
    install_system_packages
    install_python_env
    install_test_node_packages
}

cmd="${1:-render}"
[ $# -gt 0 ] && shift
case "$cmd" in
    setup) setup ;;
    render) setup; exec .venv/bin/lesson render lessons/argmax_softmax.yaml "$@" ;;
    test)
        setup
        [ $# -gt 0 ] && exec .venv/bin/python -m pytest "$@"  # options given: pytest with them, nothing else
        # lint and types first, then the fast tier (fails in about a minute), then every other tier
        log "ruff check"; .venv/bin/ruff check .
        log "mypy (the math core and the shared helpers, lesson/base)"; .venv/bin/mypy
        log "the fast tier (pytest -m unit)"; .venv/bin/python -m pytest -m unit -q
        log "scenes, renders, the browser and the fuzzer"; exec .venv/bin/python -m pytest -m "not unit" ;;
    *) echo "usage: ./dev.sh {render|test|setup} [options]" >&2; exit 2 ;;
esac
