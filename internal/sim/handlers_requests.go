package sim

import (
	"fmt"
	"net/http"
	"strings"
	"time"
)

func (s *Simulator) getRequest(w http.ResponseWriter, c call) {
	s.respond(w, c, func(r *renderer, a *account) (string, *apiError) {
		q := a.reqByID[c.route.reqID]
		if q == nil {
			return "", errNotFound
		}
		r.request(q, c.q.depth)
		return "", nil
	})
}

// getRequestStatus always renders the status in full: it is what clients
// poll, and sdk-go asks for it with depth=0.
func (s *Simulator) getRequestStatus(w http.ResponseWriter, c call) {
	s.respond(w, c, func(r *renderer, a *account) (string, *apiError) {
		q := a.reqByID[c.route.reqID]
		if q == nil {
			return "", errNotFound
		}
		r.requestStatus(q, q.status(r.now), 0)
		return "", nil
	})
}

// listRequests is GET /requests, newest first, filtered as the spec says.
func (s *Simulator) listRequests(w http.ResponseWriter, c call) {
	f, ferr := parseRequestFilter(c.q)
	if ferr != nil {
		writeError(w, ferr)
		return
	}
	s.respond(w, c, func(r *renderer, a *account) (string, *apiError) {
		var list []*request
		for i := len(a.reqs) - 1; i >= 0; i-- {
			if f.match(a.reqs[i], r.now, a.owner()) {
				list = append(list, a.reqs[i])
			}
		}
		p := c.page(c.base + "/requests")
		r.collection("requests", []string{c.base, "/requests"}, p, len(list), func(i int) {
			r.request(list[i], c.q.depth-1)
		})
		return "", nil
	})
}

// filterTimeLayout is the spec's yyyy-MM-dd HH:mm:ss, read as UTC.
const filterTimeLayout = "2006-01-02 15:04:05"

// requestFilter holds the filter.* parameters of GET /requests.
type requestFilter struct {
	status        string
	after, before time.Time
	// contains are the filters the spec says need depth > 0: without it
	// they are ignored, as documented; values are lower-cased.
	contains map[string]string
}

// containsFilters are the substring filters and what they look at.
var containsFilters = []string{"method", "url", "body", "headers", "createdBy", "createdDate", "requestStatus"}

func parseRequestFilter(q query) (requestFilter, *apiError) {
	var f requestFilter
	if s, ok := first(q.values, "filter.status"); ok && s != "" {
		f.status = strings.ToUpper(s)
		switch f.status {
		case statusQueued, statusRunning, statusDone, statusFailed:
		default:
			return f, unprocessable(fmt.Sprintf("Invalid value %q for query parameter 'filter.status': must be one of QUEUED, RUNNING, DONE, FAILED", s))
		}
	}
	var err *apiError
	if f.after, err = filterTime(q, "filter.createdAfter"); err != nil {
		return f, err
	}
	if f.before, err = filterTime(q, "filter.createdBefore"); err != nil {
		return f, err
	}
	if q.depth == 0 {
		return f, nil
	}
	for _, name := range containsFilters {
		if s, ok := first(q.values, "filter."+name); ok && s != "" {
			if f.contains == nil {
				f.contains = map[string]string{}
			}
			f.contains[name] = strings.ToLower(s)
		}
	}
	return f, nil
}

func filterTime(q query, name string) (time.Time, *apiError) {
	s, ok := first(q.values, name)
	if !ok || s == "" {
		return time.Time{}, nil
	}
	t, err := time.ParseInLocation(filterTimeLayout, s, time.UTC)
	if err != nil {
		return time.Time{}, badRequest(fmt.Sprintf("Invalid value %q for query parameter '%s': want yyyy-MM-dd HH:mm:ss (UTC)", s, name))
	}
	return t, nil
}

func (f *requestFilter) match(q *request, now time.Time, owner string) bool {
	if f.status != "" && q.status(now) != f.status {
		return false
	}
	if !f.after.IsZero() && !q.createdAt.After(f.after) {
		return false
	}
	if !f.before.IsZero() && !q.createdAt.Before(f.before) {
		return false
	}
	for name, want := range f.contains {
		if !strings.Contains(strings.ToLower(requestField(q, name, now, owner)), want) {
			return false
		}
	}
	return true
}

func requestField(q *request, name string, now time.Time, owner string) string {
	switch name {
	case "method":
		return q.method
	case "url":
		return q.url
	case "body":
		return q.body
	case "createdBy":
		return owner
	case "createdDate":
		return q.createdAt.UTC().Format(filterTimeLayout)
	case "requestStatus":
		return q.status(now)
	case "headers":
		var b strings.Builder
		for _, h := range q.headers {
			b.WriteString(h.name + ": " + h.value + "\n")
		}
		return b.String()
	}
	return ""
}
