package sim

import (
	"crypto/rand"
	"strings"
)

// Ids are derived and checked by package dataset (dataset.NameUUID,
// dataset.IsUUID), so request ids share the dataset's namespace.

// canonicalID lower-cases a UUID so lookups ignore case, without allocating
// in the common (already lower-case) case.
func canonicalID(s string) string {
	for i := 0; i < len(s); i++ {
		if 'A' <= s[i] && s[i] <= 'F' {
			return strings.ToLower(s)
		}
	}
	return s
}

// randomToken returns a fresh bearer token for a Simulator started without
// one. It comes from crypto/rand, not the seed: a token is a secret, and
// repeating runs must not repeat it.
func randomToken() string { return "sim-" + rand.Text() }
