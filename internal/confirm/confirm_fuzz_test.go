package confirm

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"
	"unicode/utf8"
)

// FuzzToken checks Verify and Spend with arbitrary token strings: they
// never panic, and accept a token only when this key minted it for exactly
// the claims given. A minted token with any one byte changed is refused,
// and a token spent once cannot be spent again under another spelling.
func FuzzToken(f *testing.F) {
	now := time.Date(2026, 11, 26, 12, 0, 0, 0, time.UTC)
	clock := func() time.Time { return now }
	key, otherKey := []byte("0123456789abcdef0123"), []byte("0123456789abcdef0124")

	s0, _ := NewSigner(key, time.Minute, WithClock(clock))
	minted, _ := s0.Mint(base)
	elicitClaims := base
	elicitClaims.Purpose = PurposeElicit
	elicit, _ := s0.Mint(elicitClaims)
	for _, tok := range []string{
		minted, " " + minted + "\n", minted + "=", elicit,
		minted[:len(minted)-1], minted[:len(minted)-1] + "B", minted + "\n", minted[:len(minted)-5] + "\n" + minted[len(minted)-5:],
		"imc1.", "imc1..", "imc1.e30.", "imc1.e30.AAAA", prefix + strings.Repeat("A", 3000), "", "x",
	} {
		f.Add(tok, "stop_server", "dc", "srv", "e1", "alice", false, uint16(0), byte(0))
	}
	f.Add("", "stop_server", "dc", "srv", "e1", "\xff", false, uint16(7), byte('x'))        // invalid UTF-8 in a claim
	f.Add("", "stop_server", "dc", "srv", "e1", "\ufffd", false, uint16(7), byte('x'))      // what JSON makes of it
	f.Add("", "stop_server", "dc", "srv\x00", "e1", "alice", true, uint16(300), byte('\n')) // a newline inserted
	f.Add("", "", "", "", "", "", false, uint16(0xffff), byte(0))
	f.Fuzz(func(t *testing.T, tok, tool, dc, server, etag, caller string, elicitPurpose bool, pos uint16, b byte) {
		s, err := NewSigner(key, time.Minute, WithClock(clock))
		if err != nil {
			t.Fatal(err)
		}
		other, _ := NewSigner(otherKey, time.Minute, WithClock(clock))
		want := Claims{Purpose: PurposeToken, Tool: tool, Datacenter: dc, Server: server, Etag: etag, Caller: caller}
		if elicitPurpose {
			want.Purpose = PurposeElicit
		}

		// An arbitrary string: only the tokens minted above by this key can
		// pass, and each only for its own claims.
		if err := s.Verify(tok, want); err == nil {
			if tt := strings.TrimSpace(tok); !(tt == minted && want == base || tt == elicit && want == elicitClaims) {
				t.Fatalf("Verify accepted %q for %+v; minted: %q and %q", tok, want, minted, elicit)
			}
		}
		if err := other.Verify(tok, want); err == nil {
			t.Fatalf("a signer with another key accepted %q", tok)
		}
		if err := s.Spend(context.Background(), tok); err == nil {
			if tt := strings.TrimSpace(tok); tt != minted && tt != elicit {
				t.Fatalf("Spend accepted %q, which this signer did not mint", tok)
			}
			if err := s.Spend(context.Background(), tok); !errors.Is(err, ErrSpent) {
				t.Fatalf("second Spend of %q = %v, want ErrSpent", tok, err)
			}
		}

		// A token minted for want verifies for want (unless a claim is not
		// valid UTF-8, or the token is too long: such a token is refused as
		// malformed), and for nothing else.
		s, _ = NewSigner(key, time.Minute, WithClock(clock)) // nothing spent yet
		mine, _ := s.Mint(want)
		err = s.Verify(mine, want)
		usable := validClaims(want) && len(mine) <= maxTokenLen
		if usable && err != nil || !usable && !errors.Is(err, ErrMalformed) {
			t.Fatalf("Verify(Mint(%+v)) = %v (token of %d bytes)", want, err, len(mine))
		}
		for _, w := range variants(want, tok) {
			if w != want && s.Verify(mine, w) == nil {
				t.Fatalf("a token minted for %+v verified for %+v", want, w)
			}
		}
		if err := other.Verify(mine, want); err == nil {
			t.Fatal("a signer with another key accepted a token")
		}

		// One byte changed anywhere: refused.
		if len(mine) > 0 {
			i := int(pos) % len(mine)
			if mine[i] != b {
				bad := mine[:i] + string([]byte{b}) + mine[i+1:]
				if strings.TrimSpace(bad) != mine {
					if err := s.Verify(bad, want); err == nil {
						t.Fatalf("token with byte %d changed to %q accepted: %q", i, b, bad)
					}
				}
			}
			// One byte inserted: refused, or at least not a second use.
			ins := mine[:i] + string([]byte{b}) + mine[i:]
			if err := s.Verify(ins, want); err == nil && strings.TrimSpace(ins) != mine {
				t.Fatalf("token with %q inserted at %d accepted: %q", b, i, ins)
			}
		}

		// A spent token stays spent, whatever its spelling.
		if s.Verify(mine, want) == nil {
			if err := s.Spend(context.Background(), mine); err != nil {
				t.Fatalf("Spend of a fresh token: %v", err)
			}
			if err := s.Spend(context.Background(), mine); !errors.Is(err, ErrSpent) {
				t.Fatalf("second Spend = %v, want ErrSpent", err)
			}
			if i := strings.LastIndexByte(mine, '.'); i > 0 && len(mine) > 0 {
				for _, alt := range []string{mine[:len(mine)-1] + string([]byte{b}), mine[:i+1+int(pos)%(len(mine)-i)] + "\n" + mine[i+1+int(pos)%(len(mine)-i):]} {
					if alt == mine {
						continue
					}
					if s.Verify(alt, want) == nil || s.Spend(context.Background(), alt) == nil {
						t.Fatalf("spent token accepted again as %q", alt)
					}
				}
			}
		}
	})
}

func validClaims(c Claims) bool {
	for _, v := range []string{c.Tool, c.Datacenter, c.Server, c.Etag, c.Caller} {
		if !utf8.ValidString(v) {
			return false
		}
	}
	return true
}

// variants returns claims that differ from c in one field: another purpose,
// or one field replaced by a value built from x.
func variants(c Claims, x string) []Claims {
	var out []Claims
	p := c
	if p.Purpose == PurposeToken {
		p.Purpose = PurposeElicit
	} else {
		p.Purpose = PurposeToken
	}
	out = append(out, p)
	for _, v := range []string{x, strings.ToValidUTF8(x, "\uFFFD"), strings.ToValidUTF8(c.Caller, "\uFFFD"), strings.ToValidUTF8(c.Server, "\uFFFD"), strings.ToValidUTF8(c.Etag, "\uFFFD")} {
		for i := 0; i < 5; i++ {
			w := c
			switch i {
			case 0:
				w.Tool = v
			case 1:
				w.Datacenter = v
			case 2:
				w.Server = v
			case 3:
				w.Etag = v
			case 4:
				w.Caller = v
			}
			out = append(out, w)
		}
	}
	return out
}
