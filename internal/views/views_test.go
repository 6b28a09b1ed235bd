package views_test

import (
	"context"
	"regexp"
	"strings"
	"testing"

	"github.com/modelcontextprotocol/go-sdk/mcp"

	"github.com/ionos-mcp/ionos-mcp/internal/views"
)

func session(t *testing.T) *mcp.ClientSession {
	t.Helper()
	ctx := context.Background()
	srv := mcp.NewServer(&mcp.Implementation{Name: "ionos-mcp", Version: "test"}, nil)
	if err := views.Register(srv); err != nil {
		t.Fatal(err)
	}
	st, ct := mcp.NewInMemoryTransports()
	ss, err := srv.Connect(ctx, st, nil)
	if err != nil {
		t.Fatal(err)
	}
	cs, err := mcp.NewClient(&mcp.Implementation{Name: "test", Version: "1"}, nil).Connect(ctx, ct, nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cs.Close(); _ = ss.Wait() })
	return cs
}

// external matches what would make a view load something from the network.
var external = regexp.MustCompile(`(?i)(src|href)\s*=\s*["']?(https?:)?//|@import|url\(\s*["']?(https?:)?//|\bfetch\(|XMLHttpRequest|WebSocket`)

// Each view is a resource of the MCP Apps type, self-contained: its style
// and script are inlined, and it names nothing on the network.
func TestViewsAreSelfContainedResources(t *testing.T) {
	cs := session(t)
	ctx := context.Background()
	list, err := cs.ListResources(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]bool{views.ConfirmURI: true, views.InventoryURI: true}
	for _, r := range list.Resources {
		if !want[r.URI] || r.MIMEType != views.MIMEType {
			t.Errorf("resource %s of type %s", r.URI, r.MIMEType)
		}
		delete(want, r.URI)
	}
	if len(want) != 0 {
		t.Fatalf("missing views %v", want)
	}
	for _, uri := range []string{views.ConfirmURI, views.InventoryURI} {
		res, err := cs.ReadResource(ctx, &mcp.ReadResourceParams{URI: uri})
		if err != nil {
			t.Fatal(err)
		}
		if len(res.Contents) != 1 || res.Contents[0].MIMEType != views.MIMEType || res.Contents[0].URI != uri {
			t.Fatalf("%s: contents %+v", uri, res.Contents)
		}
		html := res.Contents[0].Text
		if strings.Contains(html, "{{APP_") || !strings.Contains(html, "<script>") || !strings.Contains(html, "<style>") {
			t.Errorf("%s: style or script not inlined", uri)
		}
		if m := external.FindString(html); m != "" {
			t.Errorf("%s: loads from the network: %q", uri, m)
		}
	}
}

func TestSupported(t *testing.T) {
	ext := func(settings any) *mcp.ClientCapabilities {
		return &mcp.ClientCapabilities{Extensions: map[string]any{views.Extension: settings}}
	}
	tests := map[string]struct {
		caps *mcp.ClientCapabilities
		want bool
	}{
		"no capabilities":    {nil, false},
		"no extensions":      {&mcp.ClientCapabilities{}, false},
		"the extension":      {ext(map[string]any{"mimeTypes": []any{views.MIMEType}}), true},
		"other MIME types":   {ext(map[string]any{"mimeTypes": []any{"text/html"}}), false},
		"no MIME types":      {ext(map[string]any{}), false},
		"settings not a map": {ext(true), false},
		"another extension":  {&mcp.ClientCapabilities{Extensions: map[string]any{"io.example/ui": map[string]any{"mimeTypes": []any{views.MIMEType}}}}, false},
	}
	for name, tt := range tests {
		if got := views.Supported(tt.caps); got != tt.want {
			t.Errorf("%s: Supported = %v, want %v", name, got, tt.want)
		}
	}
}

// htmlSinks are the ways a script could parse text as HTML. The views set
// every text with textContent: server names and messages come from the
// API, and one parsed as HTML could act in the view.
var htmlSinks = regexp.MustCompile(`\.innerHTML|\.outerHTML|insertAdjacentHTML|document\.write|createContextualFragment|DOMParser|\.srcdoc`)

// The views' script parses no text as HTML, the set's rendering included,
// and the confirmation view answers a set's offer through its own tool.
func TestViewsSetTextOnly(t *testing.T) {
	cs := session(t)
	for _, uri := range []string{views.ConfirmURI, views.InventoryURI} {
		res, err := cs.ReadResource(context.Background(), &mcp.ReadResourceParams{URI: uri})
		if err != nil {
			t.Fatal(err)
		}
		html := res.Contents[0].Text
		if m := htmlSinks.FindString(html); m != "" {
			t.Errorf("%s: the script parses HTML (%s)", uri, m)
		}
		if uri != views.ConfirmURI {
			continue
		}
		for _, want := range []string{`offer.kind === "set"`, `"apply_set_decision"`, `plan: offer.plan`, "SetTable"} {
			if !strings.Contains(html, want) {
				t.Errorf("%s: the script lacks %s", uri, want)
			}
		}
	}
}
