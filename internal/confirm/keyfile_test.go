package confirm

import (
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
)

// KeyFile makes a private key once and then returns the same key; a file
// that others may read, or that holds no key, is reported and left as it
// is, and no error shows a key.
func TestKeyFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "ionos-mcp", "confirm.key")
	k1, err := KeyFile(path)
	if err != nil {
		t.Fatal(err)
	}
	k2, err := KeyFile(path)
	if err != nil || k2 != k1 || len(k1) < 32 {
		t.Fatalf("second read: %q, %v; want the first key", k2, err)
	}
	if _, err := NewSigner([]byte(k1), 0); err != nil {
		t.Fatalf("the kept key does not make a signer: %v", err)
	}
	if runtime.GOOS == "windows" {
		return
	}
	fi, _ := os.Stat(path)
	di, _ := os.Stat(filepath.Dir(path))
	if fi.Mode().Perm() != 0o600 || di.Mode().Perm() != 0o700 {
		t.Fatalf("modes %v and %v, want 0600 and 0700", fi.Mode().Perm(), di.Mode().Perm())
	}
	if err := os.Chmod(path, 0o644); err != nil {
		t.Fatal(err)
	}
	_, err = KeyFile(path)
	if err == nil || !strings.Contains(err.Error(), "chmod 600") || strings.Contains(err.Error(), k1) {
		t.Fatalf("a key others may read: %v", err)
	}
	short := filepath.Join(t.TempDir(), "confirm.key")
	if err := os.WriteFile(short, []byte("short\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := KeyFile(short); err == nil || !strings.Contains(err.Error(), "holds no confirmation key") {
		t.Fatalf("a file without a key: %v", err)
	}
	if b, _ := os.ReadFile(short); string(b) != "short\n" {
		t.Fatalf("a file without a key was changed to %q", b)
	}
}

// The refusal of a token signed with another key says how separate
// processes come to share one.
func TestForgedSaysHowToShareTheKey(t *testing.T) {
	for _, want := range []string{"another key", "IONOS_MCP_CONFIRM_KEY", "same value"} {
		if !strings.Contains(ErrForged.Error(), want) {
			t.Errorf("ErrForged %q lacks %q", ErrForged, want)
		}
	}
}
