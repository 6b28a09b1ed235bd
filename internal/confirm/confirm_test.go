package confirm

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/ionos-mcp/ionos-mcp/internal/sharedstate"
)

func newTestSigner(t *testing.T, secret string) (*Signer, *time.Time) {
	t.Helper()
	now := time.Date(2026, 11, 26, 12, 0, 0, 0, time.UTC)
	s, err := NewSigner([]byte(secret), time.Minute, WithClock(func() time.Time { return now }))
	if err != nil {
		t.Fatal(err)
	}
	return s, &now
}

var base = Claims{Purpose: PurposeToken, Tool: "stop_server", Datacenter: "dc", Server: "srv", Etag: "e1", Caller: "alice"}

func TestVerify(t *testing.T) {
	tests := []struct {
		name   string
		mutate func(*Claims)
		want   error
	}{
		{"same claims", func(*Claims) {}, nil},
		{"other tool", func(c *Claims) { c.Tool = "reboot_server" }, ErrTarget},
		{"other server", func(c *Claims) { c.Server = "srv2" }, ErrTarget},
		{"other data center", func(c *Claims) { c.Datacenter = "dc2" }, ErrTarget},
		{"other caller", func(c *Claims) { c.Caller = "mallory" }, ErrCaller},
		{"etag moved", func(c *Claims) { c.Etag = "e2" }, ErrStale},
		{"elicitation state used as token", func(c *Claims) { c.Purpose = PurposeElicit }, ErrPurpose},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, _ := newTestSigner(t, "0123456789abcdef0123")
			tok, _ := s.Mint(base)
			want := base
			tt.mutate(&want)
			if err := s.Verify(tok, want); !errors.Is(err, tt.want) {
				t.Fatalf("Verify = %v, want %v", err, tt.want)
			}
		})
	}
}

func TestExpiry(t *testing.T) {
	s, now := newTestSigner(t, "0123456789abcdef0123")
	tok, exp := s.Mint(base)
	if got := exp.Sub(*now); got != time.Minute {
		t.Fatalf("expiry in %v, want 1m", got)
	}
	*now = now.Add(time.Minute + 2*time.Second)
	if err := s.Verify(tok, base); !errors.Is(err, ErrExpired) {
		t.Fatalf("Verify after expiry = %v, want ErrExpired", err)
	}
}

func TestForgedAndMalformed(t *testing.T) {
	s, _ := newTestSigner(t, "0123456789abcdef0123")
	other, _ := newTestSigner(t, "another secret of enough length")
	tok, _ := other.Mint(base)
	if err := s.Verify(tok, base); !errors.Is(err, ErrForged) {
		t.Fatalf("token of another key: %v, want ErrForged", err)
	}
	good, _ := s.Mint(base)
	i := strings.Index(good, ".") + 3
	flipped := good[:i] + string(good[i]^1) + good[i+1:]
	for _, bad := range []string{"", "x", "imc1.", "imc1..", "imc1.abc", flipped[:len(flipped)-2], strings.Repeat("a", 5000)} {
		if err := s.Verify(bad, base); err == nil {
			t.Errorf("Verify(%q) accepted", bad)
		}
	}
	if err := s.Verify(flipped, base); err == nil {
		t.Errorf("altered payload accepted")
	}
}

func TestSharedKeyAcrossReplicas(t *testing.T) {
	a, _ := newTestSigner(t, "shared secret for replicas")
	b, _ := newTestSigner(t, "shared secret for replicas")
	tok, _ := a.Mint(base)
	if err := b.Verify(tok, base); err != nil {
		t.Fatalf("replica B refused A's token: %v", err)
	}
}

func TestSpendOnce(t *testing.T) {
	s, _ := newTestSigner(t, "0123456789abcdef0123")
	tok, _ := s.Mint(base)
	if err := s.Spend(context.Background(), tok); err != nil {
		t.Fatal(err)
	}
	if err := s.Spend(context.Background(), tok); !errors.Is(err, ErrSpent) {
		t.Fatalf("second Spend = %v, want ErrSpent", err)
	}
}

func TestNewSignerRejectsShortKey(t *testing.T) {
	if _, err := NewSigner([]byte("short"), time.Minute); err == nil {
		t.Fatal("short key accepted")
	}
}

func TestParsePolicy(t *testing.T) {
	for in, want := range map[string]Policy{"": Auto, "AUTO": Auto, "elicit": Elicit, " token ": Token, "none": None} {
		got, err := ParsePolicy(in)
		if err != nil || got != want {
			t.Errorf("ParsePolicy(%q) = %q, %v", in, got, err)
		}
	}
	if _, err := ParsePolicy("yes"); err == nil {
		t.Error("ParsePolicy(yes) accepted")
	}
}

// Replicas that share a ledger refuse a token that any of them spent.
func TestSharedLedgerSpendsOnceAcrossSigners(t *testing.T) {
	ledger := sharedstate.NewMemory()
	secret := []byte("0123456789abcdef0123")
	a, _ := NewSigner(secret, time.Minute, WithLedger(ledger))
	b, _ := NewSigner(secret, time.Minute, WithLedger(ledger))
	tok, _ := a.Mint(base)
	if err := b.Spend(context.Background(), tok); err != nil {
		t.Fatal(err)
	}
	if err := a.Spend(context.Background(), tok); !errors.Is(err, ErrSpent) {
		t.Fatalf("Spend on A after B spent it = %v, want ErrSpent", err)
	}
}

type brokenLedger struct{}

func (brokenLedger) Claim(context.Context, string, time.Duration) (bool, error) {
	return false, sharedstate.ErrUnavailable
}

// A ledger that cannot be asked never lets a token through.
func TestSpendFailsClosedWithoutLedger(t *testing.T) {
	s, _ := NewSigner([]byte("0123456789abcdef0123"), time.Minute, WithLedger(brokenLedger{}))
	tok, _ := s.Mint(base)
	err := s.Spend(context.Background(), tok)
	if !errors.Is(err, ErrLedger) || !errors.Is(err, sharedstate.ErrUnavailable) {
		t.Fatalf("Spend with the ledger down = %v, want ErrLedger wrapping ErrUnavailable", err)
	}
}
