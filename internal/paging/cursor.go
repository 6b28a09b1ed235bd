// Package paging keeps the pages of a long listing consistent and cheap:
// a short-lived snapshot of the listing per caller, and signed cursors that
// point into it. Walking every page then costs one listing, not one per
// page, and every item appears exactly once.
package paging

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"errors"
	"strings"
	"time"
)

// Cursor is where the next page of a walk starts. It travels through the
// model as an opaque string (see Codec).
type Cursor struct {
	Walk   string `json:"w"`           // the snapshot of the walk; may be gone by the time the cursor returns
	Offset int    `json:"o"`           // index of the next item in the walk's filtered listing
	After  string `json:"a,omitempty"` // id of the last item returned, to resume after it in a fresh listing
	Filter string `json:"f"`           // digest of the walk's filters: a cursor continues only the same listing
	Caller string `json:"c"`           // digest of the caller it was issued to
	// Expires is when the cursor stops being accepted (Unix seconds).
	Expires int64 `json:"x"`
}

// Reasons a cursor is refused.
var (
	ErrMalformed = errors.New("this is not a cursor of this listing (it is cut short, altered, or from another server)")
	ErrExpired   = errors.New("the cursor has expired")
	ErrCaller    = errors.New("the cursor was issued to another caller")
)

// maxLen bounds the cursors Open reads: a real one is under 300 bytes.
const maxLen = 1024

const prefix = "c1."

// Codec seals and opens cursors. Replicas that share the secret open each
// other's cursors; the snapshot a cursor names lives in one process only,
// so a cursor that lands elsewhere resumes from After in a fresh listing.
type Codec struct {
	key []byte
	ttl time.Duration
	now func() time.Time
}

// NewCodec derives the cursor key from secret. Cursors stay valid for ttl.
func NewCodec(secret []byte, ttl time.Duration, now func() time.Time) *Codec {
	mac := hmac.New(sha256.New, []byte("ionos-mcp cursor key v1"))
	mac.Write(secret)
	if now == nil {
		now = time.Now
	}
	return &Codec{key: mac.Sum(nil), ttl: ttl, now: now}
}

// TTL is how long a sealed cursor stays valid.
func (c *Codec) TTL() time.Duration { return c.ttl }

// Seal binds cur to caller and gives it the codec's lifetime.
func (c *Codec) Seal(caller string, cur Cursor) string {
	cur.Caller = c.digest("caller", caller)
	cur.Expires = c.now().Add(c.ttl).Unix()
	body, _ := json.Marshal(cur) // strings and ints cannot fail
	text := prefix + base64.RawURLEncoding.EncodeToString(body)
	return text + "." + base64.RawURLEncoding.EncodeToString(c.sign(text))
}

// Open verifies a cursor sealed for caller.
func (c *Codec) Open(caller, s string) (Cursor, error) {
	s = strings.TrimSpace(s)
	if len(s) > maxLen || !strings.HasPrefix(s, prefix) {
		return Cursor{}, ErrMalformed
	}
	i := strings.LastIndexByte(s, '.')
	if i < len(prefix) {
		return Cursor{}, ErrMalformed
	}
	text, sig := s[:i], s[i+1:]
	got, err := base64.RawURLEncoding.Strict().DecodeString(sig)
	if err != nil || !hmac.Equal(got, c.sign(text)) {
		return Cursor{}, ErrMalformed
	}
	body, err := base64.RawURLEncoding.Strict().DecodeString(strings.TrimPrefix(text, prefix))
	if err != nil {
		return Cursor{}, ErrMalformed
	}
	var cur Cursor
	if json.Unmarshal(body, &cur) != nil || cur.Offset < 0 || cur.Walk == "" {
		return Cursor{}, ErrMalformed
	}
	if !hmac.Equal([]byte(cur.Caller), []byte(c.digest("caller", caller))) {
		return Cursor{}, ErrCaller
	}
	if c.now().Unix() >= cur.Expires {
		return Cursor{}, ErrExpired
	}
	return cur, nil
}

// Digest is a short keyed fingerprint of v, for binding a cursor to the
// filters of its walk without carrying them.
func (c *Codec) Digest(v string) string { return c.digest("filter", v) }

func (c *Codec) digest(kind, v string) string {
	mac := hmac.New(sha256.New, c.key)
	mac.Write([]byte(kind))
	mac.Write([]byte{0})
	mac.Write([]byte(v))
	return base64.RawURLEncoding.EncodeToString(mac.Sum(nil)[:12])
}

func (c *Codec) sign(text string) []byte {
	mac := hmac.New(sha256.New, c.key)
	mac.Write([]byte(text))
	return mac.Sum(nil)
}
