.PHONY: build test lint bench release-snapshot

# Pinned tools go to ./bin, so that nothing is installed globally and every
# checkout uses the same versions.
GOBIN := $(CURDIR)/bin
GOLANGCI_LINT_VERSION := v2.15.0

# Release builds stamp version, commit and date (see .goreleaser.yaml);
# a local build takes them from git.
VERSION ?= $(patsubst v%,%,$(shell git describe --tags --always --dirty 2>/dev/null || echo dev))
COMMIT ?= $(shell git rev-parse HEAD 2>/dev/null)
DATE ?= $(shell date -u +%Y-%m-%dT%H:%M:%SZ)
BUILDINFO := github.com/ionos-mcp/ionos-mcp/internal/buildinfo
LDFLAGS := -s -w -X $(BUILDINFO).version=$(VERSION) -X $(BUILDINFO).commit=$(COMMIT) -X $(BUILDINFO).date=$(DATE)

# ./ionos-mcp, static, as the releases build it.
build:
	CGO_ENABLED=0 go build -trimpath -ldflags "$(LDFLAGS)" -o ionos-mcp ./cmd/ionos-mcp

# The test command of README.md (needs redis-server on PATH).
test:
	go test -race ./...

# golangci-lint over the server and the release tool (its own module).
lint: $(GOBIN)/.golangci-lint-$(GOLANGCI_LINT_VERSION)
	$(GOBIN)/golangci-lint run ./...
	cd tools/release && $(GOBIN)/golangci-lint run ./...

# The stamp names the version, so that changing GOLANGCI_LINT_VERSION installs it.
$(GOBIN)/.golangci-lint-$(GOLANGCI_LINT_VERSION):
	GOBIN=$(GOBIN) go install github.com/golangci/golangci-lint/v2/cmd/golangci-lint@$(GOLANGCI_LINT_VERSION)
	touch $@

# The benchmarks of BENCHMARKS.md, printed as a table (about 10 minutes).
bench:
	scripts/bench.sh

# Everything a release makes, offline and unpublished, and checked: archives,
# checksums, SBOMs, Homebrew cask, OCI image, MCPB bundle, server.json (in dist/).
release-snapshot:
	scripts/release-check.sh
