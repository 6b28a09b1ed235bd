package dataset

import (
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Label limits. The API documents none; these are the simulator's, chosen
// so that a key is safe in a URL path and in a label URN
// (urn:label:server:<id>:<key>) without escaping, and a value is readable
// text.
const (
	MaxLabelKeyLength   = 128 // bytes
	MaxLabelValueLength = 256 // characters
)

// CheckLabelKey reports what is wrong with a label key: it must be 1 to
// MaxLabelKeyLength ASCII letters, digits, '.', '_' or '-', starting with
// a letter or digit. Keys are case-sensitive.
func CheckLabelKey(key string) error {
	switch {
	case key == "":
		return fmt.Errorf("label key is missing")
	case len(key) > MaxLabelKeyLength:
		return fmt.Errorf("label key %.20q... is %d bytes long: at most %d are allowed", key, len(key), MaxLabelKeyLength)
	case !isAlnum(key[0]):
		return fmt.Errorf("label key %q must start with a letter or digit", key)
	}
	for i := 0; i < len(key); i++ {
		if c := key[i]; !isAlnum(c) && c != '.' && c != '_' && c != '-' {
			return fmt.Errorf("label key %q: only letters, digits, '.', '_' and '-' are allowed", key)
		}
	}
	return nil
}

// CheckLabelValue reports what is wrong with a label value: it must be
// valid UTF-8, not blank, at most MaxLabelValueLength characters, and hold
// no control characters (a newline or tab included).
func CheckLabelValue(value string) error {
	switch {
	case strings.TrimSpace(value) == "":
		return fmt.Errorf("label value is missing")
	case !utf8.ValidString(value):
		return fmt.Errorf("label value %q is not valid UTF-8", value)
	case utf8.RuneCountInString(value) > MaxLabelValueLength:
		return fmt.Errorf("label value %.20q... is %d characters long: at most %d are allowed",
			value, utf8.RuneCountInString(value), MaxLabelValueLength)
	case strings.IndexFunc(value, unicode.IsControl) >= 0:
		return fmt.Errorf("label value %q holds a control character", value)
	}
	return nil
}

func isAlnum(c byte) bool {
	return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9'
}
