package bench

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"testing"

	"github.com/modelcontextprotocol/go-sdk/mcp"

	"github.com/ionos-mcp/ionos-mcp/internal/cloud"
)

// BenchmarkListServersBytes measures what list_servers costs an agent's
// context per server: the bytes of structuredContent and of the text
// content of the second page (default limit) of the 10,000-server
// account, divided by its servers (its data centers and totals included;
// the first page's counts of every data center are in the walk's text
// figure of BenchmarkInventoryWalk), against the API's own server item at
// depth 1, compact (pretty=false, as this program asks for) and indented
// (pretty=true, the API's default).
func BenchmarkListServersBytes(b *testing.B) {
	s := startSim(b, 500, 20, 0)
	cs := session(b, s, nil, cloud.Poll{})
	var sc, text, raw, pretty float64
	for b.Loop() {
		first := decodePage(b, callTool(b, cs, "list_servers", nil))
		res := callTool(b, cs, "list_servers", map[string]any{"cursor": first.Next})
		structured, err := json.Marshal(res.StructuredContent)
		if err != nil {
			b.Fatal(err)
		}
		out := decodePage(b, res)
		n := 0
		for _, dc := range out.Datacenters {
			n += len(dc.Servers)
		}
		if n == 0 {
			b.Fatal("an empty page")
		}
		sc = float64(len(structured)) / float64(n)
		text = float64(len(textOf(res))) / float64(n)

		dc := out.Datacenters[0].ID
		raw = rawItemBytes(b, s.URL+"/cloudapi/v6/datacenters/"+dc+"/servers?depth=1&pretty=false", s.Token())
		pretty = rawItemBytes(b, s.URL+"/cloudapi/v6/datacenters/"+dc+"/servers?depth=1&pretty=true", s.Token())
	}
	b.ReportMetric(sc, "structured-B/server")
	b.ReportMetric(text, "text-B/server")
	b.ReportMetric(raw, "raw-B/server")
	b.ReportMetric(pretty, "raw-pretty-B/server")
	b.ReportMetric(sc/raw, "structured/raw")
	b.ReportMetric(text/raw, "text/raw")
	b.ReportMetric(sc/pretty, "structured/raw-pretty")
}

func decodePage(b *testing.B, res *mcp.CallToolResult) listServersOutput {
	var out listServersOutput
	raw, _ := json.Marshal(res.StructuredContent)
	if err := json.Unmarshal(raw, &out); err != nil {
		b.Fatal(err)
	}
	return out
}

// rawItemBytes fetches a collection and returns the bytes of its items
// (as the API sent them, between the brackets of "items") per item.
func rawItemBytes(b *testing.B, url, token string) float64 {
	req, _ := http.NewRequest(http.MethodGet, url, nil)
	req.Header.Set("Authorization", "Bearer "+token)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		b.Fatal(err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		b.Fatal(err)
	}
	var col struct {
		Items []json.RawMessage `json:"items"`
	}
	if err := json.Unmarshal(body, &col); err != nil || len(col.Items) == 0 {
		b.Fatalf("%s: %v", url, err)
	}
	// The items' bytes as sent: from the first item's start to the last's end.
	first := bytes.Index(body, col.Items[0][:min(len(col.Items[0]), 60)])
	last := bytes.LastIndex(body, col.Items[len(col.Items)-1][:min(len(col.Items[len(col.Items)-1]), 60)])
	if first < 0 || last < 0 {
		b.Fatal("items not found in the body")
	}
	var end int
	if dec := json.NewDecoder(bytes.NewReader(body[last:])); dec.Decode(new(json.RawMessage)) == nil {
		end = last + int(dec.InputOffset())
	}
	return float64(end-first) / float64(len(col.Items))
}

// BenchmarkToolsListBytes is the size of the tools/list answer (the tools
// array as compact JSON, as it goes over the wire), which a client sends
// to the model with every request: all nine tools, and the read-only set.
func BenchmarkToolsListBytes(b *testing.B) {
	s := startSim(b, 1, 1, 0)
	cs := session(b, s, nil, cloud.Poll{})
	var n int
	for b.Loop() {
		res, err := cs.ListTools(context.Background(), nil)
		if err != nil {
			b.Fatal(err)
		}
		out, err := json.Marshal(res)
		if err != nil {
			b.Fatal(err)
		}
		n = len(out)
	}
	b.ReportMetric(float64(n), "bytes")
}
