package config

import "testing"

func TestLoadOAuth(t *testing.T) {
	c, err := Load(FromMap(map[string]string{}))
	if err != nil {
		t.Fatal(err)
	}
	if c.HTTP.OAuthReadScope != "ionos-mcp:read" || c.HTTP.OAuthPowerScope != "ionos-mcp:power" || c.HTTP.OAuthIssuer != "" || c.HTTP.OAuthAudience != "" {
		t.Errorf("defaults: %+v", c.HTTP)
	}
	c, err = Load(FromMap(map[string]string{
		"IONOS_MCP_OAUTH_ISSUER":      " https://login.example.com/realms/team ",
		"IONOS_MCP_OAUTH_AUDIENCE":    "https://mcp.example.com/mcp",
		"IONOS_MCP_OAUTH_READ_SCOPE":  "mcp.read",
		"IONOS_MCP_OAUTH_POWER_SCOPE": "mcp.power",
	}))
	if err != nil {
		t.Fatal(err)
	}
	h := c.HTTP
	if h.OAuthIssuer != "https://login.example.com/realms/team" || h.OAuthAudience != "https://mcp.example.com/mcp" ||
		h.OAuthReadScope != "mcp.read" || h.OAuthPowerScope != "mcp.power" {
		t.Errorf("from the environment: %+v", h)
	}
}
