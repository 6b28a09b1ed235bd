package cli

import (
	"strings"
	"testing"

	"github.com/spf13/pflag"

	"github.com/ionos-mcp/ionos-mcp/internal/config"
)

func TestServeOAuthRefusesToStartWithoutItsSettings(t *testing.T) {
	for _, k := range []string{"IONOS_MCP_OAUTH_ISSUER", "IONOS_MCP_OAUTH_AUDIENCE", "IONOS_MCP_OAUTH_READ_SCOPE", "IONOS_MCP_OAUTH_POWER_SCOPE"} {
		t.Setenv(k, "")
	}
	for _, tt := range []struct {
		args []string
		want string
	}{
		{[]string{"serve", "--http", "127.0.0.1:0", "--auth", "oauth"}, "IONOS_MCP_OAUTH_ISSUER"},
		{[]string{"serve", "--http", "127.0.0.1:0", "--auth", "oauth", "--oauth-issuer", "http://login.example.com",
			"--oauth-audience", "https://mcp.example.com/mcp"}, "want https"},
		// No IONOS_TOKEN and no --sim: the IONOS side has no credentials.
		{[]string{"serve", "--http", "127.0.0.1:0", "--auth", "oauth", "--oauth-issuer", "https://login.example.com",
			"--oauth-audience", "https://mcp.example.com/mcp"}, "IONOS_TOKEN"},
	} {
		code, _, errs := run(t, "", tt.args...)
		if code == 0 || !strings.Contains(errs, tt.want) {
			t.Errorf("%v: exit %d, stderr %q, want it to name %s", tt.args, code, errs, tt.want)
		}
	}
}

func TestOAuthFlagsOverTheEnvironment(t *testing.T) {
	var h httpFlags
	fs := pflag.NewFlagSet("serve", pflag.ContinueOnError)
	h.register(fs)
	if err := fs.Parse([]string{"--oauth-issuer", "https://flag.example.com", "--oauth-power-scope", "ops"}); err != nil {
		t.Fatal(err)
	}
	c := config.HTTP{OAuthIssuer: "https://env.example.com", OAuthAudience: "https://mcp.example.com/mcp",
		OAuthReadScope: "env-read", OAuthPowerScope: "env-power"}
	h.applyOAuth(fs, &c)
	want := config.HTTP{OAuthIssuer: "https://flag.example.com", OAuthAudience: "https://mcp.example.com/mcp",
		OAuthReadScope: "env-read", OAuthPowerScope: "ops"}
	if c.OAuthIssuer != want.OAuthIssuer || c.OAuthAudience != want.OAuthAudience || c.OAuthReadScope != want.OAuthReadScope || c.OAuthPowerScope != want.OAuthPowerScope {
		t.Errorf("got %+v, want %+v", c, want)
	}
}
