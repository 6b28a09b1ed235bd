// Package docs has no code of the program. Its tests keep the install guides
// in docs/clients honest: they generate the one-click install links of
// VS Code and Cursor into the guides (scripts/install-links.sh runs them with
// -update), and they decode every install link found in the guides to check
// that it starts ionos-mcp and has IONOS_TOKEN asked for or read from the
// environment, never written into the link.
package docs
