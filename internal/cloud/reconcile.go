package cloud

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"
)

// callHeader tags every power action with an id chosen by the client, so
// that a write whose answer was lost can be recognised among the account's
// requests (the API records a request's headers).
const callHeader = "X-Ionos-Mcp-Call"

type callIDKey struct{}

// tagWrites adds the caller's call id to a POST.
type tagWrites struct{ next http.RoundTripper }

func (t tagWrites) RoundTrip(r *http.Request) (*http.Response, error) {
	if id, ok := r.Context().Value(callIDKey{}).(string); ok && r.Method == http.MethodPost {
		r = r.Clone(r.Context())
		r.Header.Set(callHeader, id)
	}
	return t.next.RoundTrip(r)
}

func newCallID() string {
	b := make([]byte, 16)
	_, _ = rand.Read(b) // crypto/rand does not fail on supported platforms
	return hex.EncodeToString(b)
}

// UnconfirmedWriteError says that a power action was sent but its answer
// was lost (a timeout, a broken connection, a gateway error), and that the
// request it would have created could not be found afterwards. Nothing
// indicates that the action ran; it was not re-sent.
type UnconfirmedWriteError struct {
	Action Action
	Server Server
	Cause  error
	// Checked is false when the request list could not be read either; then
	// nothing is known about the outcome.
	Checked bool
}

func (e *UnconfirmedWriteError) Error() string {
	if !e.Checked {
		return fmt.Sprintf("the %s of server %q was sent but its answer was lost (%v), and the API's request list could not be read to check whether it was accepted",
			e.Action, e.Server.Name, e.Cause)
	}
	return fmt.Sprintf("the %s of server %q was sent but its answer was lost (%v); no request for it appeared in the account's request list, so it was most likely not executed",
		e.Action, e.Server.Name, e.Cause)
}

func (e *UnconfirmedWriteError) Unwrap() error { return e.Cause }

// ambiguous reports whether a failed write may nevertheless have been
// executed: the API's answer never arrived or came from a gateway. A
// refused connection, or a clear answer of the API itself (4xx, a 503 with
// an IONOS body), means it was not.
func ambiguous(err error) bool {
	var ae *APIError
	if errors.As(err, &ae) {
		switch ae.StatusCode {
		case http.StatusInternalServerError, http.StatusBadGateway, http.StatusGatewayTimeout:
			return true
		case http.StatusServiceUnavailable:
			return ae.Code == "" // a gateway's page, not the API's maintenance answer
		}
		return false
	}
	return !notSent(err)
}

// reconcileWindow bounds how far back a lost write is looked for; it allows
// for a clock difference between this machine and the API.
const reconcileWindow = 2 * time.Minute

// findWrite looks for the request a lost write may have created: a POST to
// the action's URL created since the write was sent, preferably carrying
// this call's id. It asks a few times, a second apart, as the request list
// may lag. found is false when there is none.
func (c *Client) findWrite(ctx context.Context, s Server, a Action, callID string, sent time.Time) (id string, found bool, err error) {
	path := fmt.Sprintf("/datacenters/%s/servers/%s/%s", s.DatacenterID, s.ID, a)
	after := sent.Add(-reconcileWindow).UTC().Format("2006-01-02 15:04:05")
	for attempt := 0; attempt < 3; attempt++ {
		if attempt > 0 && sleepCtx(ctx, time.Second) != nil {
			return "", false, nil // out of time, after at least one search that found nothing
		}
		id, found, err = c.searchWrite(ctx, path, after, callID, sent)
		if err != nil || found {
			return id, found, err
		}
	}
	return "", false, nil
}

func (c *Client) searchWrite(ctx context.Context, path, after, callID string, sent time.Time) (string, bool, error) {
	ctx, cancel := c.call(ctx)
	defer cancel()
	_, resp, err := c.api.RequestsApi.RequestsGet(ctx).Depth(1).FilterMethod("POST").FilterUrl(path).
		FilterCreatedAfter(after).Limit(100).Pretty(false).Execute()
	// The requests are read from the raw answer with a lenient shape: one
	// request of a kind the SDK does not know must not hide ours.
	if err := apiError("searching the request list", resp, err); err != nil {
		if _, ok := decodeLenient[lenientRequests](resp, err); !ok {
			return "", false, err
		}
	}
	var col lenientRequests
	if err := json.Unmarshal(resp.Payload, &col); err != nil {
		return "", false, fmt.Errorf("searching the request list: %w", err)
	}
	var byTime string
	for _, r := range col.Items {
		if r.ID == "" || !strings.Contains(strings.ToLower(r.Properties.URL), strings.ToLower(path)) {
			continue
		}
		tag := headerValue(r.Properties.Headers, callHeader)
		if tag == callID {
			return r.ID, true, nil
		}
		// A request tagged with another call id is another call's, even on
		// the same server a moment earlier. Only an untagged one (an API
		// that does not record headers) for the same action on the same
		// server, created since the write left, is taken as ours: either
		// way, that action is under way.
		if created, ok := parseAPITime(r.Metadata.CreatedDate); tag == "" && byTime == "" && ok && !created.Before(sent.Add(-5*time.Second)) {
			byTime = r.ID
		}
	}
	return byTime, byTime != "", nil
}

// lenientRequests is what findWrite reads of GET /requests at depth 1.
type lenientRequests struct {
	Items []struct {
		ID       string `json:"id"`
		Metadata struct {
			CreatedDate string `json:"createdDate"`
		} `json:"metadata"`
		Properties struct {
			URL     string            `json:"url"`
			Headers map[string]string `json:"headers"`
		} `json:"properties"`
	} `json:"items"`
}

// parseAPITime reads the API's timestamps: RFC 3339, with or without a
// zone (the SDK assumes UTC when it is missing).
func parseAPITime(s string) (time.Time, bool) {
	for _, layout := range []string{time.RFC3339Nano, "2006-01-02T15:04:05.999999999"} {
		if t, err := time.Parse(layout, s); err == nil {
			return t, true
		}
	}
	return time.Time{}, false
}

func headerValue(h map[string]string, name string) string {
	for k, v := range h {
		if strings.EqualFold(k, name) {
			return v
		}
	}
	return ""
}
