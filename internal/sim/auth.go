package sim

import (
	"crypto/subtle"
	"net/http"
	"strings"
)

// authenticate returns the account a call belongs to: a bearer token equal
// to an account's token, or Basic credentials of an account that has them.
// Anything else is nil (401).
func (s *Simulator) authenticate(r *http.Request) *account {
	h := r.Header.Get("Authorization")
	if h == "" {
		return nil
	}
	scheme, cred, ok := strings.Cut(h, " ")
	if !ok {
		return nil
	}
	switch {
	case strings.EqualFold(scheme, "Bearer"):
		return s.byToken[cred]
	case strings.EqualFold(scheme, "Basic"):
		return s.basic(r)
	}
	return nil
}

func (s *Simulator) basic(r *http.Request) *account {
	user, pass, ok := r.BasicAuth()
	if !ok {
		return nil
	}
	a := s.byUser[user]
	if a == nil || subtle.ConstantTimeCompare([]byte(pass), []byte(a.password)) != 1 {
		return nil
	}
	return a
}

// isDefaultBearer guards the control API: only the default account's bearer
// token may change faults or read statistics.
func (s *Simulator) isDefaultBearer(r *http.Request) bool {
	scheme, cred, ok := strings.Cut(r.Header.Get("Authorization"), " ")
	return ok && strings.EqualFold(scheme, "Bearer") &&
		subtle.ConstantTimeCompare([]byte(cred), []byte(s.def.token)) == 1
}
