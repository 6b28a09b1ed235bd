package paging

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

type clock struct{ t time.Time }

func (c *clock) now() time.Time { return c.t }

func TestCursorRoundTrip(t *testing.T) {
	clk := &clock{t: time.Unix(1_800_000_000, 0)}
	c := NewCodec([]byte("a secret of sixteen+ bytes"), 10*time.Minute, clk.now)
	in := Cursor{Walk: "w1", Offset: 480, After: "srv-480", Filter: c.Digest("vm_state=RUNNING")}
	s := c.Seal("alice", in)
	got, err := c.Open("alice", s)
	if err != nil {
		t.Fatal(err)
	}
	in.Caller, in.Expires = got.Caller, got.Expires
	if diff := cmp.Diff(in, got); diff != "" {
		t.Fatalf("round trip (-sealed +opened):\n%s", diff)
	}
	if got.Expires != clk.t.Add(10*time.Minute).Unix() {
		t.Errorf("expires %d", got.Expires)
	}
	if len(s) > 300 {
		t.Errorf("cursor is %d bytes; a model carries it back, keep it short", len(s))
	}
}

func TestCursorRefused(t *testing.T) {
	clk := &clock{t: time.Unix(1_800_000_000, 0)}
	c := NewCodec([]byte("a secret of sixteen+ bytes"), time.Minute, clk.now)
	other := NewCodec([]byte("another secret, also long"), time.Minute, clk.now)
	s := c.Seal("alice", Cursor{Walk: "w1", Offset: 10})
	body := s[:strings.LastIndexByte(s, '.')]
	tests := []struct {
		name, caller, cursor string
		want                 error
	}{
		{"another caller", "bob", s, ErrCaller},
		{"another key", "alice", other.Seal("alice", Cursor{Walk: "w1", Offset: 10}), ErrMalformed},
		{"altered body", "alice", strings.Replace(body, "c1.e", "c1.f", 1) + s[len(body):], ErrMalformed},
		{"cut short", "alice", s[:len(s)-3], ErrMalformed},
		{"no signature", "alice", body, ErrMalformed},
		{"empty", "alice", "", ErrMalformed},
		{"an offset", "alice", "480", ErrMalformed},
		{"huge", "alice", "c1." + strings.Repeat("A", 5000), ErrMalformed},
	}
	for _, tt := range tests {
		if _, err := c.Open(tt.caller, tt.cursor); !errors.Is(err, tt.want) {
			t.Errorf("%s: %v, want %v", tt.name, err, tt.want)
		}
	}
	clk.t = clk.t.Add(time.Minute)
	if _, err := c.Open("alice", s); !errors.Is(err, ErrExpired) {
		t.Errorf("after its lifetime: %v, want ErrExpired", err)
	}
}

func TestStore(t *testing.T) {
	clk := &clock{t: time.Unix(1_800_000_000, 0)}
	s := NewStore[string](time.Minute, 100, 2, clk.now)
	a1, _ := s.Put("alice", "a1", 40)
	if v, ok := s.Get("alice", a1); !ok || v != "a1" {
		t.Fatalf("get: %q %v", v, ok)
	}
	if _, ok := s.Get("bob", a1); ok {
		t.Fatal("bob read alice's snapshot")
	}
	clk.t = clk.t.Add(time.Second)
	a2, _ := s.Put("alice", "a2", 40)
	clk.t = clk.t.Add(time.Second)
	a3, _ := s.Put("alice", "a3", 10) // alice's third: her oldest goes
	if _, ok := s.Get("alice", a1); ok {
		t.Error("alice holds more than 2 snapshots")
	}
	clk.t = clk.t.Add(time.Second)
	b1, _ := s.Put("bob", "b1", 60) // over the weight: the oldest of anyone goes
	if _, ok := s.Get("alice", a2); ok {
		t.Error("the store holds more than its weight")
	}
	if _, ok := s.Get("alice", a3); !ok {
		t.Error("alice's newest snapshot was dropped")
	}
	if _, ok := s.Get("bob", b1); !ok {
		t.Error("bob's snapshot was not kept")
	}
	if _, ok := s.Put("bob", "huge", 101); ok {
		t.Error("a snapshot heavier than the store was kept")
	}
	clk.t = clk.t.Add(time.Minute)
	if _, ok := s.Get("bob", b1); ok {
		t.Error("an expired snapshot was returned")
	}
	s.Put("carol", "c1", 1)
	if s.Len() != 1 {
		t.Errorf("expired snapshots kept: %d", s.Len())
	}
}
