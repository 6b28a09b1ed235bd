# ionos-mcp as a hosted MCP endpoint: streamable HTTP on port 8080, path /mcp,
# health check at /healthz. See docs/hosted.md.
#
#   docker build -t ionos-mcp --build-arg VERSION=0.1.0 \
#     --build-arg COMMIT=$(git rev-parse HEAD) --build-arg DATE=$(date -u +%FT%TZ) .
#
# Releases build the same image without a Docker daemon, from goreleaser's
# linux binaries (tools/release oci, run by scripts/release-check.sh); keep
# the two alike: user, port, entrypoint, command and labels.
#
# The default command listens on 0.0.0.0:8080, which is not a loopback
# address, so authentication is mandatory: the server refuses to start unless
# either IONOS_MCP_HTTP_TOKEN is set (token mode, with the server's own
# IONOS_TOKEN), or the command is overridden with `--auth passthrough` (each
# client sends its own IONOS token):
#
#   docker run --rm -p 8080:8080 \
#     -e IONOS_TOKEN -e IONOS_MCP_HTTP_TOKEN -e IONOS_MCP_CONFIRM_KEY \
#     -e IONOS_MCP_ALLOWED_HOSTS=localhost,mcp.example.com ionos-mcp
#
#   docker run --rm -p 8080:8080 -e IONOS_MCP_CONFIRM_KEY \
#     ionos-mcp serve --http 0.0.0.0:8080 --auth passthrough

FROM golang:1.26 AS build
WORKDIR /src
COPY go.mod go.sum ./
RUN go mod download
COPY . .
ARG VERSION=dev
ARG COMMIT=
ARG DATE=
RUN CGO_ENABLED=0 go build -trimpath \
      -ldflags "-s -w \
        -X github.com/ionos-mcp/ionos-mcp/internal/buildinfo.version=${VERSION} \
        -X github.com/ionos-mcp/ionos-mcp/internal/buildinfo.commit=${COMMIT} \
        -X github.com/ionos-mcp/ionos-mcp/internal/buildinfo.date=${DATE}" \
      -o /out/ionos-mcp ./cmd/ionos-mcp

# Static binary on distroless: CA certificates and tzdata, no shell, runs as
# the unprivileged user nonroot (65532; numeric, so that Kubernetes can
# check runAsNonRoot).
FROM gcr.io/distroless/static-debian12:nonroot
ARG VERSION=dev
ARG COMMIT=
ARG DATE=
# The MCP Registry accepts the image for server.json's name only when
# io.modelcontextprotocol.server.name carries that name.
LABEL org.opencontainers.image.title="ionos-mcp" \
      org.opencontainers.image.description="List and power-manage IONOS Cloud servers by name; a person confirms every stop, reboot, suspend." \
      org.opencontainers.image.source="https://github.com/ionos-mcp/ionos-mcp" \
      org.opencontainers.image.url="https://github.com/ionos-mcp/ionos-mcp" \
      org.opencontainers.image.licenses="Apache-2.0" \
      org.opencontainers.image.version="${VERSION}" \
      org.opencontainers.image.revision="${COMMIT}" \
      org.opencontainers.image.created="${DATE}" \
      io.modelcontextprotocol.server.name="io.github.ionos-mcp/ionos-mcp"
COPY --from=build /out/ionos-mcp /ionos-mcp
USER 65532:65532
EXPOSE 8080
ENTRYPOINT ["/ionos-mcp"]
CMD ["serve", "--http", "0.0.0.0:8080"]
