#!/bin/sh
# Rewrites the one-click install links of VS Code and Cursor in
# docs/clients/vscode.md and docs/clients/cursor.md (between their
# "install-links" markers) from the server configurations in
# internal/docs/links_test.go, then decodes every install link in the
# guides and checks what it installs.
#
#   scripts/install-links.sh
set -eu
cd "$(dirname "$0")/.."
go test ./internal/docs -run '^TestInstallLinksUpToDate$' -count=1 -update
go test ./internal/docs -count=1
