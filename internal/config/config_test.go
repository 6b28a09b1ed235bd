package config

import (
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/ionos-mcp/ionos-mcp/internal/confirm"
)

func TestLoad(t *testing.T) {
	c, err := Load(FromMap(map[string]string{
		"IONOS_TOKEN":            " tok-123 ",
		"IONOS_API_URL":          "api.example",
		"IONOS_MCP_READ_ONLY":    "true",
		"IONOS_MCP_CONFIRM":      "TOKEN",
		"IONOS_MCP_PROTECT":      "db-*, ,prod-1",
		"IONOS_MCP_DATACENTERS":  "production",
		"IONOS_MCP_LOG_LEVEL":    "debug",
		"IONOS_MCP_WAIT_TIMEOUT": "90",
		"IONOS_MCP_CONFIRM_KEY":  "0123456789abcdef",
		"IONOS_MCP_MAX_SET_SIZE": "40",
	}))
	if err != nil {
		t.Fatal(err)
	}
	if c.Token != "tok-123" || c.APIURL != "api.example" || !c.ReadOnly || c.Confirm != confirm.Token ||
		strings.Join(c.Protect, "|") != "db-*|prod-1" || c.Datacenters[0] != "production" ||
		c.LogLevel != slog.LevelDebug || c.WaitTimeout != 90*time.Second || c.HTTP.Auth != "token" || c.MaxSetSize != 40 {
		t.Fatalf("Load = %+v", c)
	}
}

func TestLoadRejects(t *testing.T) {
	for key, val := range map[string]string{
		"IONOS_MCP_READ_ONLY":    "maybe",
		"IONOS_MCP_CONFIRM":      "ask",
		"IONOS_MCP_LOG_LEVEL":    "loud",
		"IONOS_MCP_WAIT_TIMEOUT": "-3",
		"IONOS_MCP_CONFIRM_KEY":  "short",
		"IONOS_MCP_MAX_SET_SIZE": "0",
	} {
		_, err := Load(FromMap(map[string]string{key: val}))
		if err == nil || !strings.Contains(err.Error(), key) {
			t.Errorf("%s=%s: err %v, want an error naming the setting", key, val, err)
		}
	}
}

func TestEnvironmentPrecedence(t *testing.T) {
	dir := t.TempDir()
	env := filepath.Join(dir, ".env")
	if err := os.WriteFile(env, []byte("IONOS_TOKEN=from-file\nIONOS_API_URL=file.example\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	t.Setenv("IONOS_API_URL", "env.example")
	get, err := Environment(env, true)
	if err != nil {
		t.Fatal(err)
	}
	c, err := Load(get)
	if err != nil {
		t.Fatal(err)
	}
	if c.Token != "from-file" || c.APIURL != "env.example" {
		t.Fatalf("token %q url %q: the environment must win over .env", c.Token, c.APIURL)
	}
	if _, err := Environment(filepath.Join(dir, "missing"), false); err != nil {
		t.Fatalf("a missing default .env is not an error: %v", err)
	}
}

// A file named on purpose that is not there is an error naming it, not a
// file without settings.
func TestEnvironmentRequiredFileMissing(t *testing.T) {
	missing := filepath.Join(t.TempDir(), "prod.env")
	_, err := Environment(missing, true)
	if err == nil || !strings.Contains(err.Error(), missing) || !strings.Contains(err.Error(), "no such file") {
		t.Fatalf("Environment(%q, required) = %v, want an error naming the file", missing, err)
	}
	if _, err := Environment("", true); err != nil {
		t.Fatalf(`Environment("", required) = %v: "" reads no file`, err)
	}
}

// A Config in a log line or a format verb shows no secret.
func TestNoSecretsInLogValue(t *testing.T) {
	c := Config{Token: "s3cr3t-token", Password: "s3cr3t-pass", ConfirmKey: "s3cr3t-key-0123456", HTTP: HTTP{Token: "s3cr3t-http", RedisURL: "redis://:s3cr3t-redis@redis:6379/0"},
		APIURL: "https://user:s3cr3t-userinfo@api.example/cloudapi/v6?key=s3cr3t-query#s3cr3t-fragment"}
	var b strings.Builder
	slog.New(slog.NewTextHandler(&b, nil)).Info("config", "config", c)
	for _, out := range []string{b.String(), c.String()} {
		if strings.Contains(out, "s3cr3t") {
			t.Fatalf("secret in %q", out)
		}
	}
}
