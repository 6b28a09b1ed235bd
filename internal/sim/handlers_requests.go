package sim

import (
	"fmt"
	"slices"
	"strings"
	"time"
)

func (s *Simulator) getRequest(c call) reply {
	return s.respond(c, func(c call, r *renderer, a *account) (string, *apiError) {
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
func (s *Simulator) getRequestStatus(c call) reply {
	return s.respond(c, func(c call, r *renderer, a *account) (string, *apiError) {
		q := a.reqByID[c.route.reqID]
		if q == nil {
			return "", errNotFound
		}
		r.requestStatus(q, q.status(r.now), 0)
		return "", nil
	})
}

// listRequests is GET /requests, newest first, filtered as the spec says.
// maxResults cuts the newest ones before the filters, like on every other
// collection; orderBy then sorts what is left.
func (s *Simulator) listRequests(c call) reply {
	f, ferr := parseRequestFilter(c.q)
	if ferr != nil {
		return ferr.reply()
	}
	m := c.q.mods
	if err := m.checkOrderBy("requests", requestFields); err != nil {
		return err.reply()
	}
	return s.respond(c, func(c call, r *renderer, a *account) (string, *apiError) {
		owner := a.owner()
		var list []*request
		for i, n := len(a.reqs)-1, 0; i >= 0 && (m.maxResults == 0 || n < m.maxResults); i, n = i-1, n+1 {
			if f.match(a.reqs[i], r.now, owner) {
				list = append(list, a.reqs[i])
			}
		}
		if name, ok := requestFields.lookup(m.orderBy); ok {
			list = sortedBy(list, name, func(q *request, name string) (fieldValue, bool) {
				return requestFieldValue(q, name, q.status(r.now), owner)
			})
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
	contains []filter
	// none: a filter names a field requests do not have, so nothing
	// matches (with depth > 0, like the other filters).
	none bool
}

// requestDateFilters are the filters that work at any depth.
var requestDateFilters = []string{"status", "createdAfter", "createdBefore"}

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
	for _, flt := range q.mods.filters {
		if slices.ContainsFunc(requestDateFilters, func(s string) bool { return strings.EqualFold(s, flt.name) }) {
			continue
		}
		name, ok := requestFields.lookup(flt.name)
		if !ok {
			f.none = true
			continue
		}
		f.contains = append(f.contains, filter{name: name, want: flt.want})
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
	if f.none {
		return false
	}
	status := q.status(now)
	if f.status != "" && status != f.status {
		return false
	}
	if !f.after.IsZero() && !q.createdAt.After(f.after) {
		return false
	}
	if !f.before.IsZero() && !q.createdAt.Before(f.before) {
		return false
	}
	for _, c := range f.contains {
		v, _ := requestFieldValue(q, c.name, status, owner)
		if !strings.Contains(strings.ToLower(v.text), c.want) {
			return false
		}
	}
	return true
}
