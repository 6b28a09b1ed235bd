// Package confirm mints and verifies the stateless tokens that bind a
// human's confirmation to one exact action.
//
// A token is an HMAC-signed claim: this tool, on this server, for this
// caller, while the server still has this etag, until this time. Any
// replica holding the same key can verify it, and none needs to remember
// it: once the action runs, the server's etag changes and the token no
// longer matches. In the short window before the etag moves, a ledger of
// spent tokens refuses a second use: in memory for one process, in Redis
// when replicas share IONOS_MCP_REDIS_URL, so that a token runs at most
// once whichever replicas it reaches.
package confirm

import (
	"context"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/ionos-mcp/ionos-mcp/internal/sharedstate"
)

// Policy says how a destructive action is confirmed.
type Policy string

// The confirmation policies (IONOS_MCP_CONFIRM).
const (
	// Auto asks through MCP elicitation when the client can show a form,
	// else in the confirmation view when the client can show MCP Apps, and
	// falls back to a preview plus a confirmation token otherwise.
	Auto Policy = "auto"
	// Human asks a person only: through elicitation or the confirmation
	// view, and refuses where the client offers neither.
	Human Policy = "human"
	// Elicit asks through elicitation only, and refuses when the client cannot.
	Elicit Policy = "elicit"
	// Token always uses the preview and confirmation token.
	Token Policy = "token"
	// None runs destructive actions without asking (unattended automation).
	None Policy = "none"
)

// ParsePolicy reads a policy name; the empty string means Auto.
func ParsePolicy(s string) (Policy, error) {
	switch p := Policy(strings.ToLower(strings.TrimSpace(s))); p {
	case "":
		return Auto, nil
	case Auto, Human, Elicit, Token, None:
		return p, nil
	}
	return "", fmt.Errorf("confirmation policy %q: want auto, human, elicit, token or none", s)
}

// Purpose separates the kinds of sealed claims, so that the state sealed
// into an elicitation or handed to a view (minted before the human
// answered) can never serve as a confirmation token, nor one as the other.
type Purpose string

// The purposes.
const (
	PurposeToken  Purpose = "token"
	PurposeElicit Purpose = "elicit"
	// PurposeView is a grant handed to the confirmation view: it lets the
	// view's app-only tool run the action once, if the person accepts.
	PurposeView Purpose = "view"
)

// Claims is what a token binds.
type Claims struct {
	Purpose    Purpose `json:"p"`
	Tool       string  `json:"t"`
	Datacenter string  `json:"d"`
	Server     string  `json:"s"`
	Etag       string  `json:"e"`
	Caller     string  `json:"c"`
	Expires    int64   `json:"x"` // Unix seconds
}

// The reasons a token is refused.
var (
	ErrMalformed = errors.New("this is not a confirmation token of this server")
	ErrForged    = errors.New("the confirmation token's signature does not match: it was altered, or issued by another ionos-mcp process with another key. Separate processes (two runs of `ionos-mcp call`, or replicas) accept each other's tokens only when IONOS_MCP_CONFIRM_KEY is set to the same value in each")
	ErrExpired   = errors.New("the confirmation token has expired")
	ErrPurpose   = errors.New("this token is not a confirmation token")
	ErrTarget    = errors.New("the confirmation token was issued for another action or server")
	ErrCaller    = errors.New("the confirmation token was issued to another caller")
	ErrStale     = errors.New("the server changed since the confirmation was given (the token was already used, or someone else acted on the server)")
	ErrSpent     = errors.New("the confirmation token was already used")
	// ErrLedger means the spent ledger could not be asked, so nobody can
	// tell whether the token already ran: the action must not run.
	ErrLedger = errors.New("cannot check that this confirmation is used only once")
)

const prefix = "imc1."

// maxTokenLen bounds the tokens that Verify and Spend read. Claims are ids,
// an etag, a tool and a caller name, a few hundred bytes: a token for claims
// so long that it would exceed this (about 1 KiB of claims, less with
// characters that JSON escapes) is minted but never accepted.
const maxTokenLen = 2048

// Ledger remembers which tokens were spent. Claim reports true to exactly
// one caller per key until ttl passes; sharedstate.Store is one.
type Ledger interface {
	Claim(ctx context.Context, key string, ttl time.Duration) (bool, error)
}

// Signer mints and verifies tokens. It is safe for concurrent use.
type Signer struct {
	key    []byte
	ttl    time.Duration
	now    func() time.Time
	ledger Ledger
}

// Option adjusts a Signer.
type Option func(*Signer)

// WithClock replaces the clock, for tests.
func WithClock(now func() time.Time) Option { return func(s *Signer) { s.now = now } }

// WithLedger makes tokens spent in l, which replicas may share; the
// default is a ledger in this process's memory.
func WithLedger(l Ledger) Option { return func(s *Signer) { s.ledger = l } }

// NewSigner derives the signing key from secret, which must be at least 16
// bytes. Replicas that share the secret verify each other's tokens.
func NewSigner(secret []byte, ttl time.Duration, opts ...Option) (*Signer, error) {
	if len(secret) < 16 {
		return nil, errors.New("confirmation key must be at least 16 bytes (IONOS_MCP_CONFIRM_KEY)")
	}
	if ttl <= 0 {
		ttl = 5 * time.Minute
	}
	mac := hmac.New(sha256.New, []byte("ionos-mcp confirmation key v1"))
	mac.Write(secret)
	s := &Signer{key: mac.Sum(nil), ttl: ttl, now: time.Now, ledger: sharedstate.NewMemory()}
	for _, o := range opts {
		o(s)
	}
	return s, nil
}

// RandomSecret returns 32 random bytes, for a single process.
func RandomSecret() []byte {
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		panic("confirm: no randomness: " + err.Error()) // crypto/rand never fails on supported platforms
	}
	return b
}

// TTL is how long a minted token stays valid.
func (s *Signer) TTL() time.Duration { return s.ttl }

// payload is what a token carries: the claims, and whether one of them was
// not valid UTF-8. JSON replaces such bytes with U+FFFD, so the token would
// also stand for other claims (every string with other bad bytes there, and
// the one with U+FFFD itself); a token so marked is never accepted.
type payload struct {
	Claims
	Lossy bool `json:"l,omitempty"`
}

// Mint signs c with the signer's lifetime and returns the token and its expiry.
// A token for claims that are not valid UTF-8, or longer than maxTokenLen,
// is refused by Verify and Spend.
func (s *Signer) Mint(c Claims) (string, time.Time) {
	exp := s.now().Add(s.ttl).Truncate(time.Second)
	c.Expires = exp.Unix()
	p, _ := json.Marshal(payload{Claims: c, Lossy: !validUTF8(c)}) // strings, an int and a bool cannot fail
	body := prefix + base64.RawURLEncoding.EncodeToString(p)
	return body + "." + base64.RawURLEncoding.EncodeToString(s.sign(body)), exp
}

func validUTF8(c Claims) bool {
	for _, v := range []string{string(c.Purpose), c.Tool, c.Datacenter, c.Server, c.Etag, c.Caller} {
		if !utf8.ValidString(v) {
			return false
		}
	}
	return true
}

// Verify checks that token is genuine, unexpired, and binds exactly want
// (Expires in want is ignored).
func (s *Signer) Verify(token string, want Claims) error {
	got, _, err := s.open(token)
	if err != nil {
		return err
	}
	switch {
	case s.now().Unix() > got.Expires:
		return ErrExpired
	case got.Purpose != want.Purpose:
		return ErrPurpose
	case got.Tool != want.Tool || got.Server != want.Server || got.Datacenter != want.Datacenter:
		return ErrTarget
	case got.Caller != want.Caller:
		return ErrCaller
	case got.Etag != want.Etag:
		return ErrStale
	}
	return nil
}

// Etag returns the etag that a genuine token binds, so that a caller
// deciding not to act (a declined view) can verify everything else
// without reading the server.
func (s *Signer) Etag(token string) (string, error) {
	got, _, err := s.open(token)
	return got.Etag, err
}

// Subject returns the server (or plan) that a genuine token binds, so
// that the caller can look up what it must verify the token against. The
// token is not verified: call Verify with the claims it should bind.
func (s *Signer) Subject(token string) (string, error) {
	got, _, err := s.open(token)
	return got.Server, err
}

// Spend marks a verified token as used in the ledger. It returns ErrSpent
// to every call but the first, however many run at once and on whichever
// replicas, so that one token acts once. When the ledger cannot be asked it
// returns ErrLedger: the caller must not act.
func (s *Signer) Spend(ctx context.Context, token string) error {
	got, sig, err := s.open(token)
	if err != nil {
		return err
	}
	// The claim outlives the token, so a spent token never comes back.
	ttl := time.Unix(got.Expires, 0).Sub(s.now()) + time.Minute
	first, err := s.ledger.Claim(ctx, "grant:"+sig, max(ttl, time.Minute))
	if err != nil {
		return fmt.Errorf("%w: %w", ErrLedger, err)
	}
	if !first {
		return ErrSpent
	}
	return nil
}

// open checks the signature and decodes the claims. It returns the
// signature in its one canonical spelling, the key of the spent list.
// Spaces around the token are ignored; inside it, only the exact text that
// Mint produced is accepted: base64 decoding alone would also take a
// signature with other trailing bits, or with line breaks inserted, and
// such a spelling of a spent token must not count as another token.
func (s *Signer) open(token string) (Claims, string, error) {
	token = strings.TrimSpace(token)
	if len(token) > maxTokenLen || !strings.HasPrefix(token, prefix) {
		return Claims{}, "", ErrMalformed
	}
	i := strings.LastIndexByte(token, '.')
	if i <= len(prefix) {
		return Claims{}, "", ErrMalformed
	}
	body, sigText := token[:i], token[i+1:]
	sig, err := base64.RawURLEncoding.DecodeString(sigText)
	if err != nil || len(sig) != sha256.Size || base64.RawURLEncoding.EncodeToString(sig) != sigText {
		return Claims{}, "", ErrMalformed
	}
	if !hmac.Equal(sig, s.sign(body)) {
		return Claims{}, "", ErrForged
	}
	raw, err := base64.RawURLEncoding.DecodeString(body[len(prefix):])
	if err != nil {
		return Claims{}, "", ErrMalformed
	}
	var p payload
	if err := json.Unmarshal(raw, &p); err != nil || p.Lossy {
		return Claims{}, "", ErrMalformed
	}
	return p.Claims, sigText, nil
}

func (s *Signer) sign(body string) []byte {
	mac := hmac.New(sha256.New, s.key)
	mac.Write([]byte(body))
	return mac.Sum(nil)
}
