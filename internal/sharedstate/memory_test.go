package sharedstate

import (
	"context"
	"fmt"
	"testing"
	"time"
)

// The memory store's buckets stay within their bound under a flood of new
// keys, and a bucket is forgotten only when that loses nothing or it must.
func TestMemoryBucketsAreBounded(t *testing.T) {
	ctx := context.Background()
	now := time.Now()
	bounded := func(limit int) *Memory {
		m := NewMemory().WithClock(func() time.Time { return now })
		m.max = limit
		return m
	}
	l := Limit{PerSecond: 1, Burst: 2}
	m := bounded(100)
	for i := range 1000 {
		if _, err := m.Allow(ctx, fmt.Sprint("flood-", i), l, 1); err != nil {
			t.Fatal(err)
		}
		if len(m.buckets) > 100 {
			t.Fatalf("%d buckets held, bound 100", len(m.buckets))
		}
	}
	m = bounded(3)
	_, _ = m.Allow(ctx, "spent", l, 2)
	_, _ = m.Allow(ctx, "full-1", l, 0)
	_, _ = m.Allow(ctx, "full-2", l, 0)
	_, _ = m.Allow(ctx, "new", l, 1)
	if _, ok := m.buckets["spent"]; !ok {
		t.Error("a spent bucket was forgotten while full ones could be")
	}
}

// A live claim is never forgotten to make room: that would let a spent
// confirmation run again. A full ledger refuses new claims instead.
func TestMemoryNeverForgetsALiveClaim(t *testing.T) {
	ctx := context.Background()
	m := NewMemory()
	m.max = 2
	for _, k := range []string{"a", "b"} {
		if ok, err := m.Claim(ctx, k, time.Minute); !ok || err != nil {
			t.Fatalf("claim %s: %v %v", k, ok, err)
		}
	}
	if ok, err := m.Claim(ctx, "c", time.Minute); ok || err == nil {
		t.Fatalf("a claim past the bound: %v %v, want an error", ok, err)
	}
	if ok, _ := m.Claim(ctx, "a", time.Minute); ok {
		t.Fatal("a live claim was forgotten")
	}
}
