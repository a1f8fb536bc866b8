#!/usr/bin/env bash
# The verify extra alone, as a CI user installs it: a fresh virtual environment with
# `pip install -e '.[verify]'` (no test extra), `apisim serve` with every service (granian, the
# default), and `apisim verify` of every shipped contract against it. Proves that the extra's
# requirements are enough and that verify passes against the default server.
set -euo pipefail
cd "$(dirname "$0")/.."

work="$(mktemp -d)"
serve_pid=""
cleanup() {
    if [ -n "$serve_pid" ] && kill -0 "$serve_pid" 2>/dev/null; then
        kill -TERM "$serve_pid" 2>/dev/null || true
        wait "$serve_pid" 2>/dev/null || true
    fi
    rm -rf "$work"
}
trap cleanup EXIT

python3 -m venv "$work/venv"
"$work/venv/bin/python3" -m pip install --quiet --disable-pip-version-check -e '.[verify]'
apisim="$work/venv/bin/apisim"
"$work/venv/bin/python3" -c 'from importlib.metadata import version as v; print("verify extra:", *(f"{p} {v(p)}" for p in ("hypothesis", "httpx")))'

base="$("$work/venv/bin/python3" -c 'from simulator.server import free_port_base; print(free_port_base())')"
"$apisim" serve --port-base "$base" --urls-json "$work/urls.json" >"$work/serve.log" 2>&1 &
serve_pid=$!
for _ in $(seq 300); do  # the file appears once every port accepts
    [ -f "$work/urls.json" ] && break
    kill -0 "$serve_pid" 2>/dev/null || { cat "$work/serve.log" >&2; exit 1; }
    sleep 0.1
done
[ -f "$work/urls.json" ] || { echo "apisim serve did not start in 30 s" >&2; cat "$work/serve.log" >&2; exit 1; }

status=0
for contract in $("$apisim" contracts --names); do
    "$apisim" verify --contract "$contract" --urls-json "$work/urls.json" --no-progress --quiet \
        | tail -n 3 || status=1
done
exit "$status"
