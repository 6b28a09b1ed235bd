package main

import (
	"os"
	"strings"
	"testing"
)

// The Dockerfile builds the image the releases build without a daemon: it
// must carry the same MCP server name and description as server.json and
// the image of tools/release oci.
func TestDockerfileLabels(t *testing.T) {
	b, err := os.ReadFile("../../Dockerfile")
	if err != nil {
		t.Fatal(err)
	}
	s, err := readServerJSON(repoServerJSON)
	if err != nil {
		t.Fatal(err)
	}
	df := string(b)
	for _, want := range []string{
		labelServerName + `="` + s.Name + `"`,
		labelPrefix + `description="` + s.Description + `"`,
		labelPrefix + `licenses="` + imageLicense + `"`,
		labelPrefix + `source="` + s.Repository.URL + `"`,
		"USER " + imageUser,
		"EXPOSE " + strings.TrimSuffix(imagePort, "/tcp"),
		`ENTRYPOINT ["/ionos-mcp"]`,
		`CMD ["serve", "--http", "0.0.0.0:8080"]`,
	} {
		if !strings.Contains(df, want) {
			t.Errorf("the Dockerfile lacks %s", want)
		}
	}
}
