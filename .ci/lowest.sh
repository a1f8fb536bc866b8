#!/usr/bin/env bash
# The lowest versions pyproject.toml allows: every direct dependency of the package and of its test
# extra pinned to its '>=' bound (.ci/lowest_constraints.py derives the pins from pyproject.toml),
# installed in a fresh virtual environment, and the suite run there (all but the documentation's snippets). A lower bound that does not
# really work fails here, not on a user's machine.
set -euo pipefail
cd "$(dirname "$0")/.."

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
python3 .ci/lowest_constraints.py test >"$work/lowest.txt"
python3 -m venv "$work/venv"
# shellcheck disable=SC1091
. "$work/venv/bin/activate"
python3 -m pip install --quiet --disable-pip-version-check -c "$work/lowest.txt" -e '.[test]'
echo "lowest versions: $(tr '\n' ' ' <"$work/lowest.txt")"
set +e
# tests/docs is left out: the documentation's snippets call nothing of the dependencies that the
# rest of the suite does not, and they are the slowest part (servers started and stopped per document).
python3 -m pytest -q -n 2 --ignore=tests/docs
status=$?
set -e
[ "$status" -eq 5 ] && { echo "pytest collected no tests: that is a failure here" >&2; exit 1; }
exit "$status"
