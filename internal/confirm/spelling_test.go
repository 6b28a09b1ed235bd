package confirm

import (
	"context"
	"errors"
	"strings"
	"testing"
)

// Base64 decoding also takes a signature with other trailing bits, or with
// line breaks inserted. Such a spelling of a token must be refused: else a
// spent token would pass once more under each spelling.
func TestOnlyTheMintedSpellingIsAccepted(t *testing.T) {
	s, _ := newTestSigner(t, "0123456789abcdef0123")
	tok, _ := s.Mint(base)
	i := strings.LastIndexByte(tok, '.')
	last := tok[len(tok)-1]
	alike := strings.IndexByte("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_", last) ^ 1 // same top 4 bits
	for _, alt := range []string{
		tok[:len(tok)-1] + string("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"[alike]),
		tok[:i+5] + "\n" + tok[i+5:],
		tok[:i+5] + "\r\n" + tok[i+5:],
	} {
		if err := s.Verify(alt, base); !errors.Is(err, ErrMalformed) {
			t.Errorf("Verify(%q) = %v, want ErrMalformed", alt, err)
		}
		if err := s.Spend(context.Background(), alt); !errors.Is(err, ErrMalformed) {
			t.Errorf("Spend(%q) = %v, want ErrMalformed", alt, err)
		}
	}
	if err := s.Verify(" "+tok+"\n", base); err != nil {
		t.Errorf("Verify with spaces around = %v", err)
	}
}

// JSON turns invalid UTF-8 into U+FFFD: a token minted for such claims
// would stand for other claims as well, and is never accepted.
func TestClaimsThatAreNotUTF8(t *testing.T) {
	s, _ := newTestSigner(t, "0123456789abcdef0123")
	bad := base
	bad.Caller = "\xff"
	tok, _ := s.Mint(bad)
	for _, c := range []string{"\xff", "\xfe", "\ufffd"} {
		want := base
		want.Caller = c
		if err := s.Verify(tok, want); err == nil {
			t.Errorf("a token minted for caller %q verified for %q", bad.Caller, c)
		}
	}
	if err := s.Spend(context.Background(), tok); !errors.Is(err, ErrMalformed) {
		t.Errorf("Spend = %v, want ErrMalformed", err)
	}
	// Valid UTF-8, U+FFFD included, round-trips exactly.
	good := base
	good.Caller = "\ufffd\u2028<&>"
	tok, _ = s.Mint(good)
	if err := s.Verify(tok, good); err != nil {
		t.Errorf("Verify = %v", err)
	}
}
