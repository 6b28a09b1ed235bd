package sim

import (
	"container/heap"
	"math"
	"strconv"
	"time"

	"github.com/ionos-mcp/ionos-mcp/internal/sim/dataset"
)

// request is one asynchronous request created by a power action. Its whole
// timeline is fixed when it is accepted; its status at any time is derived
// from that timeline, so nothing has to run in the background.
type request struct {
	id      string
	seq     uint64
	srv     *srvState
	act     action
	method  string
	url     string
	body    string
	headers []header

	createdAt time.Time // acceptance; QUEUED from here
	startAt   time.Time // RUNNING from here
	doneAt    time.Time // DONE or FAILED from here
	settleAt  time.Time // a successful request's effect on the server lands here
	created   string    // formatted createdAt

	failed bool
	target string // vmState after success; "" = unchanged
}

type header struct{ name, value string }

// Request statuses.
const (
	statusQueued  = "QUEUED"
	statusRunning = "RUNNING"
	statusDone    = "DONE"
	statusFailed  = "FAILED"
)

func (r *request) status(t time.Time) string {
	switch {
	case t.Before(r.startAt):
		return statusQueued
	case t.Before(r.doneAt):
		return statusRunning
	case r.failed:
		return statusFailed
	default:
		return statusDone
	}
}

func statusMessage(status string) string {
	switch status {
	case statusQueued:
		return msgQueued
	case statusRunning:
		return msgRunning
	case statusFailed:
		return msgFailed
	default:
		return msgDone
	}
}

// releaseAt is when the request stops holding its server BUSY: a failure
// releases it at once, a success once the new vmState has landed.
func (r *request) releaseAt() time.Time {
	if r.failed {
		return r.doneAt
	}
	return r.settleAt
}

// actionInput is what the HTTP layer knows about an accepted POST.
type actionInput struct {
	act     action
	method  string
	url     string
	body    string
	headers []header
	fail    bool // a "fail" fault forces the request to end FAILED
}

// accept creates the request for an action on s at now. The caller holds
// a.mu for writing and has applied due effects.
//
// Timeline: queued at now; running from max(now+queue, end of the previous
// request on the same server); done after the action's duration; settled
// stateLag later.
func (a *account) accept(now time.Time, s *srvState, in actionInput, tm *timing) *request {
	start := now.Add(tm.queue)
	if s.lastDone.After(start) {
		start = s.lastDone
	}
	done := start.Add(tm.action[in.act])
	next, ok := decide(in.act, s.typ, s.projected)
	a.reqSeq++
	r := &request{
		id:        dataset.NameUUID("request", strconv.FormatInt(a.seed, 10), strconv.Itoa(a.index), strconv.FormatUint(a.reqSeq, 10)),
		seq:       a.reqSeq,
		srv:       s,
		act:       in.act,
		method:    in.method,
		url:       in.url,
		body:      in.body,
		headers:   in.headers,
		createdAt: now,
		startAt:   start,
		doneAt:    done,
		settleAt:  done.Add(tm.stateLag),
		created:   formatTime(now),
		failed:    !ok || in.fail,
	}
	if !r.failed {
		r.target = next
		if next != "" {
			s.projected = next
		}
	}
	s.lastDone = done
	s.pending++
	s.touch(now) // BUSY now: a new etag
	a.reqs = append(a.reqs, r)
	a.reqByID[r.id] = r
	heap.Push(&a.events, r)
	a.storeNextDue()
	a.trimRequests()
	return r
}

// applyDue applies, in time order, every effect due at or before now. The
// caller holds a.mu for writing.
func (a *account) applyDue(now time.Time) {
	for len(a.events) > 0 && !a.events[0].releaseAt().After(now) {
		r := heap.Pop(&a.events).(*request)
		a.release(r)
	}
	a.storeNextDue()
	if now.After(a.appliedAt) {
		a.appliedAt = now
	}
}

func (a *account) release(r *request) {
	s := r.srv
	s.pending--
	if r.target != "" {
		s.vmState = r.target
	}
	s.touch(r.releaseAt())
}

func (a *account) storeNextDue() {
	if len(a.events) == 0 {
		a.nextDue.Store(math.MaxInt64)
		return
	}
	a.nextDue.Store(a.events[0].releaseAt().UnixNano())
}

// settle applies due effects if there are any. When nothing is due it only
// reads an atomic, so concurrent GETs share the read lock.
func (a *account) settle(now time.Time) {
	if now.UnixNano() < a.nextDue.Load() {
		return
	}
	a.mu.Lock()
	a.applyDue(now)
	a.mu.Unlock()
}

// view runs fn under the read lock with due effects applied. fn gets the
// time to render at: now, or later if another caller already applied
// effects for a later time, so request statuses and server states agree.
func (a *account) view(now time.Time, fn func(now time.Time)) {
	a.settle(now)
	a.mu.RLock()
	defer a.mu.RUnlock()
	if a.appliedAt.After(now) {
		now = a.appliedAt
	}
	fn(now)
}

// update runs fn under the write lock with due effects applied, for the
// writes that take effect at once (labels). fn gets the time to write at,
// as view's does.
func (a *account) update(now time.Time, fn func(now time.Time)) {
	a.mu.Lock()
	defer a.mu.Unlock()
	a.applyDue(now)
	if a.appliedAt.After(now) {
		now = a.appliedAt
	}
	fn(now)
}

// maxRetainedRequests bounds the request history of a long-running
// simulator; the oldest released requests are forgotten first.
const maxRetainedRequests = 100_000

func (a *account) trimRequests() {
	for len(a.reqs) > maxRetainedRequests {
		old := a.reqs[0]
		if old.releaseAt().After(a.appliedAt) {
			return // still pending: keep it
		}
		delete(a.reqByID, old.id)
		a.reqs[0] = nil
		a.reqs = a.reqs[1:]
	}
}

// eventQueue is a min-heap of pending requests by release time, then by
// acceptance order, so effects apply deterministically.
type eventQueue []*request

func (q eventQueue) Len() int { return len(q) }
func (q eventQueue) Less(i, j int) bool {
	ti, tj := q[i].releaseAt(), q[j].releaseAt()
	if !ti.Equal(tj) {
		return ti.Before(tj)
	}
	return q[i].seq < q[j].seq
}
func (q eventQueue) Swap(i, j int) { q[i], q[j] = q[j], q[i] }
func (q *eventQueue) Push(x any)   { *q = append(*q, x.(*request)) }
func (q *eventQueue) Pop() any {
	old := *q
	n := len(old)
	r := old[n-1]
	old[n-1] = nil
	*q = old[:n-1]
	return r
}
