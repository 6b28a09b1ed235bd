package sim

import (
	"math"
	"net/http"
	"strconv"
	"time"
)

// Canonical header keys, set directly in header maps to skip
// canonicalisation on the hot path.
const (
	hdrLimit      = "X-Ratelimit-Limit"
	hdrRemaining  = "X-Ratelimit-Remaining"
	hdrBurst      = "X-Ratelimit-Burst"
	hdrRetryAfter = "Retry-After"
)

// setNominalRateHeaders advertises the configured (or nominal) limits with a
// full bucket, for calls that are not charged to an account.
func (s *Simulator) setNominalRateHeaders(h http.Header) {
	h[hdrLimit] = s.nominalLimit
	h[hdrBurst] = s.nominalBurst
	h[hdrRemaining] = s.nominalBurst
}

// admit charges one call to the account's bucket and sets the X-RateLimit-*
// headers. It reports false, with Retry-After set, when the bucket is empty.
func (s *Simulator) admit(h http.Header, a *account, now time.Time) bool {
	if a.limiter == nil {
		s.setNominalRateHeaders(h)
		return true
	}
	h[hdrLimit] = s.nominalLimit
	h[hdrBurst] = s.nominalBurst
	ok := a.limiter.AllowN(now, 1)
	tokens := a.limiter.TokensAt(now)
	h[hdrRemaining] = []string{strconv.Itoa(max(int(math.Floor(tokens)), 0))}
	if !ok {
		h[hdrRetryAfter] = []string{strconv.Itoa(retryAfter(tokens, float64(a.limiter.Limit())))}
	}
	return ok
}

// retryAfter is the whole seconds until one token is back, at least 1.
func retryAfter(tokens, perSecond float64) int {
	if perSecond <= 0 {
		return 60
	}
	secs := math.Ceil((1 - tokens) / perSecond)
	return max(int(secs), 1)
}
