#!/usr/bin/env bash
# Everything a release makes, made offline and published nowhere, and
# checked: what CI runs so that a tag is known to release. `make
# release-snapshot` runs it too.
#
#   scripts/release-check.sh
#
#  1. pinned tools into ./bin: goreleaser, cyclonedx-gomod (SBOMs), and
#     tools/release (the OCI image, the bundle's staging, server.json)
#  2. tools/release's vet and tests, and the committed server.json against
#     the MCP Registry's schema and rules
#  3. goreleaser check, then goreleaser release --snapshot --clean: the six
#     archives, checksums, SBOMs, the Homebrew cask, the macOS universal binary
#  4. the archives: one per platform, each with the binary, LICENSE,
#     README.md and CHANGELOG.md, each in the checksums
#  5. the OCI image (amd64 and arm64, no Docker daemon), then opened and checked
#  6. the MCPB bundle (scripts/mcpb.sh): mcpb validate, mcpb pack
#  7. the release's server.json, rendered for this build (version, image tag,
#     bundle URL and SHA-256) and validated like the committed one
#
# Measured on 2 cores: 10 minutes with empty Go caches (building goreleaser
# takes 3.5 of them, the six cross-builds 6), under a minute with warm ones.
#
# Needs Go, git, Node.js with npm, and ca-certificates; reaches only the Go
# module proxy and the npm registry. Prints the time of each step.
set -euo pipefail
cd "$(dirname "$0")/.."

GORELEASER_VERSION=v2.15.1
CYCLONEDX_GOMOD_VERSION=v1.10.0

export GOBIN="$PWD/bin"
export PATH="$GOBIN:$PATH"
dist=dist
timings=()
step_name=""
step_start=0

step() {
	end_step
	step_name=$1
	step_start=$SECONDS
	echo "== $step_name"
}
end_step() {
	if [ -n "$step_name" ]; then
		timings+=("$(printf '%4ds  %s' $((SECONDS - step_start)) "$step_name")")
	fi
}

# install_tool MODULE/PATH VERSION: go install into ./bin unless the binary there
# was built from that very module version.
install_tool() {
	local pkg=$1 version=$2 bin
	bin="$GOBIN/$(basename "$pkg")"
	if [ -x "$bin" ] && go version -m "$bin" | awk '$1 == "mod" { print $3 }' | grep -qx -- "$version"; then
		echo "$bin is $version"
		return
	fi
	go install "$pkg@$version"
}

step "tools: goreleaser $GORELEASER_VERSION, cyclonedx-gomod $CYCLONEDX_GOMOD_VERSION"
# The image's CA bundle is the build machine's.
if [ ! -s /etc/ssl/certs/ca-certificates.crt ]; then
	export DEBIAN_FRONTEND=noninteractive
	sudo_cmd=""; [ "$(id -u)" -ne 0 ] && sudo_cmd="sudo"
	$sudo_cmd apt-get update -qq
	$sudo_cmd apt-get install -y -qq --no-install-recommends ca-certificates >/dev/null
fi
install_tool github.com/goreleaser/goreleaser/v2 "$GORELEASER_VERSION"
install_tool github.com/CycloneDX/cyclonedx-gomod/cmd/cyclonedx-gomod "$CYCLONEDX_GOMOD_VERSION"
go -C tools/release build -o "$GOBIN/release" .

# Before the long build: the release tool's own checks, and the committed
# server.json (schema, registry rules, the MCPB manifest's version).
step "tools/release: go mod tidy, vet, tests; committed server.json"
go -C tools/release mod tidy -diff
go -C tools/release vet ./...
go -C tools/release test -count=1 ./...
release server-json server.json

step "goreleaser check"
goreleaser check

step "goreleaser release --snapshot --clean"
# goreleaser reads the remote's URL; a clone without one (a bundle, a CI
# checkout by commit) is given the project's, for this run only.
remote_env=()
if [ -z "$(git remote)" ]; then
	remote_env=(GIT_CONFIG_COUNT=1 GIT_CONFIG_KEY_0=remote.origin.url GIT_CONFIG_VALUE_0=https://github.com/ionos-mcp/ionos-mcp.git)
fi
env "${remote_env[@]}" goreleaser release --snapshot --clean
version=$(release version -dist "$dist")
echo "version $version"

step "archives, checksums, SBOMs, Homebrew cask"
release check-archives -dist "$dist"
test -s "$dist/homebrew/Casks/ionos-mcp.rb" || { echo "no Homebrew cask in $dist/homebrew/Casks"; exit 1; }
ls -l "$dist"/*.tar.gz "$dist"/*.zip "$dist"/*_checksums.txt

step "OCI image: build and inspect"
release oci -dist "$dist"
release verify-oci -dist "$dist" -run "$dist/oci"
ls -l "$dist"/*_oci.tar

step "MCPB bundle"
scripts/mcpb.sh

step "server.json: the release's copy"
release server-json -dist "$dist" -mcpb "$dist/ionos-mcp-$version.mcpb"

end_step
echo
echo "== timings"
printf '%s\n' "${timings[@]}"
printf '%4ds  total\n' "$SECONDS"
echo "release check passed: $version"
