package sim

import (
	"errors"
	"fmt"
	"net/url"
	"strconv"
	"strings"
)

// query holds the common query parameters of an API call.
type query struct {
	depth    int
	depthSet bool // depth was given (the ETag header is only sent without it)
	pretty   bool
	offset   int
	limit    int
	mods     modifiers  // filter.*, orderBy, maxResults (collections only)
	values   url.Values // everything, for filters and pagination links
}

// Parameter ranges, as the spec declares them.
const (
	maxDepth     = 10
	defaultLimit = 1000
	maxLimit     = 10000
)

// parseQuery reads depth, pretty and, for paged endpoints, offset and
// limit, for listed ones the list modifiers. A value that is not a number
// (or boolean) is a 400; a number out of range is a 422. Both name the
// parameter.
func parseQuery(raw string, paged, listed bool) (query, *apiError) {
	q := query{pretty: true, limit: defaultLimit}
	if raw == "" {
		return q, nil
	}
	vals, err := url.ParseQuery(raw)
	if err != nil {
		return q, badRequest(fmt.Sprintf("Malformed query string: %v", err))
	}
	q.values = vals
	var perr *apiError
	if s, ok := first(vals, "depth"); ok {
		if q.depth, perr = intParam("depth", s, 0, maxDepth); perr != nil {
			return q, perr
		}
		q.depthSet = true
	}
	if s, ok := first(vals, "pretty"); ok {
		b, err := strconv.ParseBool(s)
		if err != nil {
			return q, badRequest(fmt.Sprintf("Invalid value %q for query parameter 'pretty': must be true or false", s))
		}
		q.pretty = b
	}
	if paged {
		if s, ok := first(vals, "offset"); ok {
			if q.offset, perr = intParam("offset", s, 0, -1); perr != nil {
				return q, perr
			}
		}
		if s, ok := first(vals, "limit"); ok {
			if q.limit, perr = intParam("limit", s, 1, maxLimit); perr != nil {
				return q, perr
			}
		}
	}
	if listed {
		q.mods, perr = parseModifiers(vals)
	}
	return q, perr
}

func first(v url.Values, key string) (string, bool) {
	s, ok := v[key]
	if !ok || len(s) == 0 {
		return "", false
	}
	return s[0], true
}

// intParam parses an integer parameter in [lo, hi] (hi < 0: no upper bound).
func intParam(name, s string, lo, hi int) (int, *apiError) {
	n, err := strconv.ParseInt(strings.TrimSpace(s), 10, 32)
	if err != nil {
		if errors.Is(err, strconv.ErrRange) {
			return 0, unprocessable(rangeMessage(name, s, lo, hi))
		}
		return 0, badRequest(fmt.Sprintf("Invalid value %q for query parameter '%s': must be an integer", s, name))
	}
	if int(n) < lo || hi >= 0 && int(n) > hi {
		return 0, unprocessable(rangeMessage(name, s, lo, hi))
	}
	return int(n), nil
}

func rangeMessage(name, s string, lo, hi int) string {
	if hi < 0 {
		return fmt.Sprintf("Invalid value %s for query parameter '%s': must be at least %d", s, name, lo)
	}
	return fmt.Sprintf("Invalid value %s for query parameter '%s': must be between %d and %d", s, name, lo, hi)
}

// linkPrefix is the absolute URL of a collection plus "?" and every query
// parameter except offset and limit, so that following _links keeps depth,
// pretty and filters.
func (q query) linkPrefix(collectionURL string) string {
	var b strings.Builder
	b.WriteString(collectionURL)
	b.WriteByte('?')
	if len(q.values) == 0 {
		return b.String()
	}
	keep := make(url.Values, len(q.values))
	for k, v := range q.values {
		if k != "offset" && k != "limit" {
			keep[k] = v
		}
	}
	if enc := keep.Encode(); enc != "" {
		b.WriteString(enc)
		b.WriteByte('&')
	}
	return b.String()
}
