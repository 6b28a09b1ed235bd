package cloud

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"strings"

	"github.com/ionos-mcp/ionos-mcp/internal/cloud/apierror"
	"github.com/ionos-mcp/ionos-mcp/internal/cloud/lenient"
	"github.com/ionos-mcp/ionos-mcp/internal/cloud/reconcile"
)

// RequestIDFromLocation extracts the request id from the Location header of
// a 202 answer (".../requests/{id}/status"). Only the path is read: the host
// is never trusted and the status is always fetched from the configured API.
func RequestIDFromLocation(loc string) (string, error) {
	if loc == "" {
		return "", errors.New("no Location header")
	}
	u, err := url.Parse(strings.TrimSpace(loc))
	if err != nil {
		return "", fmt.Errorf("the Location header %q: %w", loc, err)
	}
	id, ok := requestIDFromPath(u.Path)
	if !ok {
		return "", fmt.Errorf("the Location header %q does not point at /requests/{id}/status", loc)
	}
	return id, nil
}

// requestIDFromPath accepts ".../requests/{uuid}/status" and ".../requests/{uuid}".
func requestIDFromPath(p string) (string, bool) {
	p = strings.TrimSuffix(p, "/status")
	i := strings.LastIndex(p, "/requests/")
	if i < 0 {
		return "", false
	}
	id := p[i+len("/requests/"):]
	if !IsUUID(id) {
		return "", false
	}
	return strings.ToLower(id), true
}

// ParseRequestRef reads a request reference as an agent may give it: a
// request id, or the Location URL of a write. A URL must belong to the
// configured API (same scheme, host and base path), so that a prompt cannot
// make the client fetch from anywhere else.
func (c *Client) ParseRequestRef(ref string) (string, error) {
	ref = strings.TrimSpace(ref)
	if IsUUID(ref) {
		return strings.ToLower(ref), nil
	}
	if !strings.Contains(ref, "://") {
		return "", fmt.Errorf("request_id %q is neither a request id (UUID) nor a request URL", truncate(ref, 80))
	}
	u, err := url.Parse(ref)
	if err != nil {
		return "", fmt.Errorf("request_id is not a valid URL: %w", errors.Unwrap(err))
	}
	// The host is compared byte for byte but for the case of ASCII letters:
	// strings.EqualFold would also take "K" (U+212A KELVIN SIGN) for "k".
	if u.Scheme != c.base.Scheme || !asciiEqualFold(u.Host, c.base.Host) || u.User != nil || u.Opaque != "" {
		return "", fmt.Errorf("request URL %q does not belong to the configured API %s", truncate(ref, 120), c.base)
	}
	if u.RawQuery != "" || u.ForceQuery || u.Fragment != "" || strings.Contains(ref, "#") {
		return "", fmt.Errorf("request URL %q must not have a query or fragment", truncate(ref, 120))
	}
	rest, ok := strings.CutPrefix(u.EscapedPath(), c.base.EscapedPath()+"/requests/")
	if !ok {
		return "", fmt.Errorf("request URL %q is not under %s/requests/", truncate(ref, 120), c.base)
	}
	id := strings.TrimSuffix(rest, "/status")
	if !IsUUID(id) {
		return "", fmt.Errorf("request URL %q does not name a request id", truncate(ref, 120))
	}
	return strings.ToLower(id), nil
}

// RequestStatus reads the status of an asynchronous request. Under an
// allow-list, a request that targets nothing in an allowed data center is
// not found.
func (c *Client) RequestStatus(ctx context.Context, id string) (RequestStatus, error) {
	if !IsUUID(id) {
		return RequestStatus{}, fmt.Errorf("request id %q is not a UUID", id)
	}
	ctx, cancel := c.call(ctx)
	defer cancel()
	st, resp, err := c.api.RequestsApi.RequestsStatusGet(ctx, id).Pretty(false).Execute()
	if err := apierror.From("reading the status of request "+id, resp, err); err != nil {
		if apierror.StatusOf(err) == 404 {
			return RequestStatus{}, &NotFoundError{Kind: "request", Ref: id}
		}
		if l, ok := lenient.Decode[lenient.Status](resp, err); ok {
			rs, dcs := statusFromLenient(l, id)
			return c.scopedRequest(ctx, cleanStatus(rs), dcs)
		}
		return RequestStatus{}, err
	}
	rs := RequestStatus{RequestID: id}
	var dcs []string // the data centers of the targets
	if m := st.Metadata; m != nil {
		rs.Status, rs.Message = str(m.Status), apierror.Sanitize(str(m.Message), 500)
		if m.Targets != nil {
			for _, t := range *m.Targets {
				rt := RequestTarget{Status: str(t.Status)}
				if t.Target != nil {
					rt.ID = str(t.Target.Id)
					if t.Target.Type != nil {
						rt.Type = string(*t.Target.Type)
					}
					dcs = append(dcs, datacenterOfTarget(rt.Type, rt.ID, str(t.Target.Href)))
				}
				rs.Targets = append(rs.Targets, rt)
			}
		}
	}
	if rs.Status == "" {
		// Waiting on it would last until the deadline.
		return RequestStatus{}, fmt.Errorf("reading the status of request %s: the API's answer has no status", id)
	}
	return c.scopedRequest(ctx, cleanStatus(rs), dcs)
}

func statusFromLenient(l lenient.Status, id string) (rs RequestStatus, dcs []string) {
	m := l.Metadata
	rs = RequestStatus{RequestID: id, Status: string(m.Status), Message: apierror.Sanitize(string(m.Message), 500)}
	for _, t := range m.Targets {
		rs.Targets = append(rs.Targets, RequestTarget{ID: string(t.Target.ID), Type: string(t.Target.Type), Status: string(t.Status)})
		dcs = append(dcs, datacenterOfTarget(string(t.Target.Type), string(t.Target.ID), string(t.Target.Href)))
	}
	return rs, dcs
}

// cleanStatus bounds the values of a request status that reach a model:
// unknown values pass through, as printable text.
func cleanStatus(rs RequestStatus) RequestStatus {
	rs.Status = apierror.Sanitize(rs.Status, 64)
	for i, t := range rs.Targets {
		rs.Targets[i] = RequestTarget{ID: apierror.Sanitize(t.ID, 64), Type: apierror.Sanitize(t.Type, 64), Status: apierror.Sanitize(t.Status, 64)}
	}
	return rs
}

// searchRequests reads the account's requests made by a POST to path and
// created after createdAfter: the call behind reconcile.Find.
func (c *Client) searchRequests(ctx context.Context, path, createdAfter string) (reconcile.Requests, error) {
	return postsTo[reconcile.Requests](ctx, c, "searching the request list", path, createdAfter, 1, 100)
}

// postsTo reads the account's requests made by a POST to path and created
// after createdAfter, at depth, into the shape T of GET /requests. The
// requests are read from the raw answer: one request of a kind the SDK
// does not know must not hide ours.
func postsTo[T any](ctx context.Context, c *Client, op, path, createdAfter string, depth, limit int32) (T, error) {
	var col T
	ctx, cancel := c.call(ctx)
	defer cancel()
	_, resp, err := c.api.RequestsApi.RequestsGet(ctx).Depth(depth).FilterMethod("POST").FilterUrl(path).
		FilterCreatedAfter(createdAfter).Limit(limit).Pretty(false).Execute()
	if err := apierror.From(op, resp, err); err != nil {
		if _, ok := lenient.Decode[T](resp, err); !ok {
			return col, err
		}
	}
	if resp == nil {
		return col, fmt.Errorf("%s: no answer", op)
	}
	if err := json.Unmarshal(resp.Payload, &col); err != nil {
		return col, fmt.Errorf("%s: %w", op, err)
	}
	return col, nil
}

// asciiEqualFold reports whether a and b are equal but for the case of
// ASCII letters.
func asciiEqualFold(a, b string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := 0; i < len(a); i++ {
		x, y := a[i], b[i]
		if 'A' <= x && x <= 'Z' {
			x += 'a' - 'A'
		}
		if 'A' <= y && y <= 'Z' {
			y += 'a' - 'A'
		}
		if x != y {
			return false
		}
	}
	return true
}

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return apierror.CutRunes(s, n) + "…"
}
