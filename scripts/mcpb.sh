#!/usr/bin/env bash
# Builds the MCPB desktop bundle (one-click install in Claude Desktop and
# other MCPB hosts) from goreleaser's output:
#
#   bin/goreleaser release --snapshot --clean   # or a release
#   scripts/mcpb.sh                             # writes dist/ionos-mcp-VERSION.mcpb
#
# The bundle holds packaging/mcpb/manifest.json, with the build's version,
# and three binaries: the macOS universal one, Windows amd64 and Linux amd64.
# mcpb validate and mcpb pack come from packaging/mcpb's package-lock.json
# (npm ci), so the bundle is made by the same version of the tool every time.
set -euo pipefail
cd "$(dirname "$0")/.."

dist=${DIST:-dist}
tool="$PWD/bin/release"
go -C tools/release build -o "$tool" .

version=$("$tool" version -dist "$dist")
stage="$dist/mcpb"
bundle="$dist/ionos-mcp-$version.mcpb"

"$tool" mcpb-stage -dist "$dist" -out "$stage"

(cd packaging/mcpb && npm ci --no-audit --no-fund --loglevel=error)
mcpb="$PWD/packaging/mcpb/node_modules/.bin/mcpb"

"$mcpb" validate "$stage/manifest.json"
rm -f "$bundle"
"$mcpb" pack "$stage" "$bundle"
"$mcpb" info "$bundle"

# The packed bundle, unpacked as a host does: its Linux binary must start.
if [ "$(uname -sm)" = "Linux x86_64" ]; then
	unpacked="$dist/mcpb-unpacked"
	rm -rf "$unpacked"
	"$mcpb" unpack "$bundle" "$unpacked" >/dev/null
	"$unpacked/server/linux/ionos-mcp" version
fi
