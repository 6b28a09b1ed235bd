package confirm

import (
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"strings"
)

// KeyFile returns the confirmation key kept in the file at path, and
// creates the file with a new random key when there is none. Separate
// processes that read one file accept each other's tokens.
//
// The key mints confirmations, so it is treated as a secret: the file is
// created with mode 0600 in a directory of mode 0700, a file that other
// users may read is refused, and the key never appears in an error. A file
// that holds no usable key is reported, not replaced.
func KeyFile(path string) (string, error) {
	key, err := readKey(path)
	if !errors.Is(err, os.ErrNotExist) {
		return key, err
	}
	dir := filepath.Dir(path)
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return "", fmt.Errorf("creating the confirmation key: %w", err)
	}
	// Written in full under another name first, then linked into place: a
	// process that reads the file never sees half a key, and of two
	// processes creating it at once, the second uses the first one's key.
	tmp, err := os.CreateTemp(dir, ".confirm-key-*") // mode 0600
	if err != nil {
		return "", fmt.Errorf("creating the confirmation key: %w", err)
	}
	defer os.Remove(tmp.Name())
	_, err = tmp.WriteString(hex.EncodeToString(RandomSecret()) + "\n")
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return "", fmt.Errorf("creating the confirmation key: %w", err)
	}
	if err := os.Link(tmp.Name(), path); err != nil && !errors.Is(err, os.ErrExist) {
		return "", fmt.Errorf("creating the confirmation key: %w", err)
	}
	return readKey(path)
}

// readKey reads a key file made by KeyFile.
func readKey(path string) (string, error) {
	f, err := os.Open(path) //nolint:gosec // G304: the operator's own key file path
	if err != nil {
		return "", err
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		return "", err
	}
	// Windows does not keep Unix permission bits; its files are private to
	// the user's profile by the directory's access list instead.
	if perm := fi.Mode().Perm(); runtime.GOOS != "windows" && perm&0o077 != 0 {
		return "", fmt.Errorf("the confirmation key %s may be read by other users (mode %04o): make it private with chmod 600 %s", path, perm, path)
	}
	b, err := io.ReadAll(io.LimitReader(f, 4096))
	if err != nil {
		return "", fmt.Errorf("reading the confirmation key: %w", err)
	}
	key := strings.TrimSpace(string(b))
	if len(key) < 16 {
		return "", fmt.Errorf("%s holds no confirmation key (at least 16 characters): delete the file, and the next run makes a new one", path)
	}
	return key, nil
}
