package waiting

import (
	"testing"
	"time"
)

// With nothing known, waits back off: quick first, ×1.6, up to Max.
func TestScheduleUnknownBacksOff(t *testing.T) {
	s := schedule{poll: DefaultPoll, early: true}
	var got []time.Duration
	var d, elapsed time.Duration
	for i := range 8 {
		d = s.next(elapsed, d, i)
		elapsed += d
		got = append(got, d)
	}
	want := []time.Duration{250, 400, 640, 1024, 1638, 2000, 2000, 2000}
	for i := range want {
		if want[i] *= time.Millisecond; got[i].Round(time.Millisecond) != want[i] {
			t.Fatalf("delays %v, want %v", got, want)
		}
	}
}

// With an estimate: one early poll, one sleep to the window, quick steps
// through it, then backoff from the step (a late end costs few polls).
func TestScheduleKnownPollsAroundTheExpectedEnd(t *testing.T) {
	est := estimate{mean: 21 * time.Second, half: 100 * time.Millisecond, dev: 20 * time.Millisecond, n: 3}
	s := schedule{poll: DefaultPoll, est: est, known: true, early: true}
	from, to, step := s.window()
	if from != 20860*time.Millisecond || to != 21140*time.Millisecond || step != 50*time.Millisecond {
		t.Fatalf("window %v..%v step %v", from, to, step)
	}
	if d := s.next(0, 0, 0); d != DefaultPoll.First {
		t.Fatalf("first delay %v, want the early poll at %v", d, DefaultPoll.First)
	}
	if d := s.next(300*time.Millisecond, 250*time.Millisecond, 1); d != from-300*time.Millisecond {
		t.Fatalf("second delay %v, want a sleep to the window's start", d)
	}
	if d := s.next(21*time.Second, from, 2); d != step {
		t.Fatalf("delay in the window %v, want the step %v", d, step)
	}
	d := s.next(to, step, 5)
	if d <= step || d > DefaultPoll.Max {
		t.Fatalf("delay past the window %v, want backoff from the step", d)
	}
	for range 20 {
		d = s.next(to+time.Minute, d, 10)
	}
	if d != DefaultPoll.Max {
		t.Fatalf("backoff ends at %v, want %v", d, DefaultPoll.Max)
	}
	// Without the early poll (the server's state after DONE), the first
	// delay goes straight to the window.
	s.early = false
	if d := s.next(0, 0, 0); d != from {
		t.Fatalf("first delay %v, want %v", d, from)
	}
}

// The window widens with the spread of what was seen and is never
// narrower than First/2 either side, nor wider than half the mean.
func TestScheduleWindowBounds(t *testing.T) {
	for _, tt := range []struct {
		est      estimate
		from, to time.Duration
	}{
		{estimate{mean: 10 * time.Second}, 9875 * time.Millisecond, 10125 * time.Millisecond},
		{estimate{mean: 10 * time.Second, half: time.Second, dev: time.Second}, 7 * time.Second, 13 * time.Second},
		{estimate{mean: 2 * time.Second, half: 5 * time.Second}, time.Second, 3 * time.Second},
	} {
		s := schedule{poll: DefaultPoll, est: tt.est, known: true}
		from, to, step := s.window()
		if from != tt.from || to != tt.to || step < DefaultPoll.First/5 || step > DefaultPoll.First {
			t.Errorf("%+v: window %v..%v step %v, want %v..%v", tt.est, from, to, step, tt.from, tt.to)
		}
	}
}

func TestEstimateAdapts(t *testing.T) {
	var e estimate
	e.observe(19*time.Second, 21*time.Second) // a cold wait: a wide bracket
	if e.mean != 20*time.Second || e.half != time.Second || e.dev != 0 {
		t.Fatalf("after one sample: %+v", e)
	}
	e.observe(20900*time.Millisecond, 21100*time.Millisecond)
	if e.mean != 20500*time.Millisecond || e.half != 100*time.Millisecond || e.dev != 250*time.Millisecond {
		t.Fatalf("after two samples: %+v", e)
	}
	for range 10 {
		e.observe(20950*time.Millisecond, 21050*time.Millisecond)
	}
	if e.mean < 20990*time.Millisecond || e.dev > 60*time.Millisecond {
		t.Fatalf("steady durations should converge: %+v", e)
	}
}
