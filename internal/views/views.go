// Package views holds the MCP Apps views of ionos-mcp (the
// io.modelcontextprotocol/ui extension): the confirmation view of the
// destructive power tools and the inventory view of list_servers. They are
// plain HTML, CSS and script, embedded in the binary and served as ui://
// resources; they load nothing from the network.
package views

import (
	"context"
	"embed"
	"fmt"
	"slices"
	"strings"
	"sync"

	"github.com/modelcontextprotocol/go-sdk/mcp"
)

// Extension is the MCP Apps extension id that a client declares in its
// capabilities when it can show views.
const Extension = "io.modelcontextprotocol/ui"

// MIMEType is the type of an MCP Apps view.
const MIMEType = "text/html;profile=mcp-app"

// The views' resource URIs.
const (
	ConfirmURI   = "ui://ionos-mcp/confirm"
	InventoryURI = "ui://ionos-mcp/inventory"
)

//go:embed assets
var assets embed.FS

// view is one ui:// resource: an HTML page with the shared style and script
// inlined, since a view runs in a sandbox that may load nothing.
type view struct {
	uri, name, title, description, page string
}

var all = []view{
	{ConfirmURI, "confirm", "Confirm a power action",
		"Shows a stop, reboot or suspend, of one server or of a planned set of servers, to the person with what it does, and runs it only when they accept.", "confirm.html"},
	{InventoryURI, "inventory", "Servers by data center",
		"Data centers with their servers and power state, a filter, and power actions that go through the confirmation view.", "inventory.html"},
}

// pages are the rendered views, by page name. Hosted mode builds a server
// per request, so they are rendered once per process.
var pages = sync.OnceValues(func() (map[string]string, error) {
	m := make(map[string]string, len(all))
	for _, v := range all {
		html, err := render(v.page)
		if err != nil {
			return nil, err
		}
		m[v.page] = html
	}
	return m, nil
})

// Register adds the views to srv as resources.
func Register(srv *mcp.Server) error {
	rendered, err := pages()
	if err != nil {
		return err
	}
	for _, v := range all {
		html := rendered[v.page]
		srv.AddResource(&mcp.Resource{URI: v.uri, Name: v.name, Title: v.title, Description: v.description, MIMEType: MIMEType},
			func(context.Context, *mcp.ReadResourceRequest) (*mcp.ReadResourceResult, error) {
				return &mcp.ReadResourceResult{Contents: []*mcp.ResourceContents{{URI: v.uri, MIMEType: MIMEType, Text: html}}}, nil
			})
	}
	return nil
}

// render inlines app.css and app.js into a page at its {{APP_CSS}} and
// {{APP_JS}} markers.
func render(page string) (string, error) {
	read := func(name string) (string, error) {
		b, err := assets.ReadFile("assets/" + name)
		if err != nil {
			return "", fmt.Errorf("views: %w", err)
		}
		return string(b), nil
	}
	html, err := read(page)
	if err != nil {
		return "", err
	}
	css, err := read("app.css")
	if err != nil {
		return "", err
	}
	js, err := read("app.js")
	if err != nil {
		return "", err
	}
	return strings.NewReplacer("{{APP_CSS}}", css, "{{APP_JS}}", js).Replace(html), nil
}

// Supported reports whether a client can show the views: it declared the
// extension with our MIME type.
func Supported(caps *mcp.ClientCapabilities) bool {
	if caps == nil || caps.Extensions == nil {
		return false
	}
	settings, ok := caps.Extensions[Extension].(map[string]any)
	if !ok {
		return false
	}
	types, _ := settings["mimeTypes"].([]any)
	return slices.ContainsFunc(types, func(t any) bool { return t == MIMEType })
}

// ToolMeta is the _meta of a tool whose result is shown in the view at uri:
// the current key, and the flat key that hosts of the first drafts read.
func ToolMeta(uri string) mcp.Meta {
	return mcp.Meta{"ui": map[string]any{"resourceUri": uri}, "ui/resourceUri": uri}
}

// AppOnlyMeta is the _meta of a tool that only views may call: hosts keep
// it from the model.
func AppOnlyMeta() mcp.Meta {
	return mcp.Meta{"ui": map[string]any{"visibility": []string{"app"}}}
}
