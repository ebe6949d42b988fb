#!/usr/bin/env bash
# The pinned Python environment of the test helpers (cross-checks against third-party
# readers), cached under ${PERFPILOT_CACHE:-~/.cache/perfpilot}/py-helpers.
#
#   scripts/py-helpers.sh install   # create the venv and install scripts/py-helpers.requirements.txt
#   scripts/py-helpers.sh python    # print the venv's python path (after install)
#
# Tests find the interpreter at $CACHE/py-helpers/venv/bin/python; when it is absent they skip
# with a printed reason outside CI and fail under CI=true (.ci/run installs it first).
set -euo pipefail

ROOT="$(cd "$(dirname "$0")/.." && pwd)"
CACHE="${PERFPILOT_CACHE:-$HOME/.cache/perfpilot}/py-helpers"
VENV="$CACHE/venv"
REQ="$ROOT/scripts/py-helpers.requirements.txt"

log() { echo "[py-helpers.sh] $*" >&2; }

install() {
  mkdir -p "$CACHE"
  if [ ! -x "$VENV/bin/python" ]; then
    python3 -m venv "$VENV"
  fi
  # Reinstall only when the pinned list changed since the last install.
  if ! cmp -s "$REQ" "$CACHE/installed.txt"; then
    log "installing $(grep -cv '^#' "$REQ") pinned packages into $VENV"
    "$VENV/bin/pip" install --no-cache-dir --quiet -r "$REQ" >&2
    cp "$REQ" "$CACHE/installed.txt"
  fi
}

case "${1:-}" in
  install) install ;;
  python) echo "$VENV/bin/python" ;;
  *) echo "usage: $0 install|python" >&2; exit 2 ;;
esac
