// Command release assembles and checks what a release of ionos-mcp ships
// beyond goreleaser's archives: the OCI image (built without a Docker
// daemon), the MCPB bundle's staging directory, and server.json for the MCP
// Registry. It reads goreleaser's dist/metadata.json and dist/artifacts.json,
// so that it never guesses where a binary was written.
//
// It is its own module so that go-containerregistry and the registry's
// schema stay out of the server's go.mod.
//
//	release version    [-dist dist]
//	release check-archives [-dist dist]
//	release oci        [-dist dist] [-out dist/oci] [-tar FILE] [-ca-bundle FILE] [-server-json server.json]
//	release verify-oci [-dist dist] [-server-json server.json] [-run] LAYOUT
//	release push       [-tags latest,...] LAYOUT
//	release mcpb-stage [-dist dist] [-manifest packaging/mcpb/manifest.json] -out DIR
//	release server-json [-dist dist -mcpb FILE [-out FILE]] [-manifest FILE] [-schema FILE] [SERVER_JSON]
//
// server-json validates SERVER_JSON (default server.json) against the schema
// it names and the rules of the official registry that can be checked
// offline; with -dist and -mcpb it first renders the release's copy (the
// build's version, the image tag, the bundle's URL and SHA-256), writes it
// to -out (default DIST/server.json) and validates that.
package main

import (
	"flag"
	"fmt"
	"os"
)

func main() {
	if len(os.Args) < 2 {
		usage()
	}
	var err error
	cmd, args := os.Args[1], os.Args[2:]
	switch cmd {
	case "version":
		err = cmdVersion(args)
	case "check-archives":
		err = cmdCheckArchives(args)
	case "oci":
		err = cmdOCI(args)
	case "verify-oci":
		err = cmdVerifyOCI(args)
	case "push":
		err = cmdPush(args)
	case "mcpb-stage":
		err = cmdMCPBStage(args)
	case "server-json":
		err = cmdServerJSON(args)
	default:
		usage()
	}
	if err != nil {
		fmt.Fprintf(os.Stderr, "release %s: %v\n", cmd, err)
		os.Exit(1)
	}
}

func usage() {
	fmt.Fprintln(os.Stderr, "usage: release version|check-archives|oci|verify-oci|push|mcpb-stage|server-json [flags] (see the package comment)")
	os.Exit(2)
}

func cmdVersion(args []string) error {
	fs := flag.NewFlagSet("version", flag.ExitOnError)
	dist := fs.String("dist", "dist", "goreleaser's output directory")
	if err := fs.Parse(args); err != nil {
		return err
	}
	m, err := readMetadata(*dist)
	if err != nil {
		return err
	}
	fmt.Println(m.Version)
	return nil
}
