package reconcile

import (
	"context"
	"strings"
	"time"

	"github.com/ionos-mcp/ionos-mcp/internal/cloud/transport"
)

// window bounds how far back a lost write is looked for; it allows for a
// clock difference between this machine and the API.
const window = 2 * time.Minute

// Requests is what the search reads of GET /requests at depth 1.
type Requests struct {
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

// Search reads the account's requests made by a POST to path and created
// after createdAfter (in the API's "2006-01-02 15:04:05" form, UTC).
type Search func(ctx context.Context, path, createdAfter string) (Requests, error)

// Find looks for the request a lost write may have created: a POST to
// path (the action's URL) created since the write was sent, preferably
// carrying this call's id. It asks a few times, a second apart, as the
// request list may lag. found is false when there is none.
func Find(ctx context.Context, search Search, path, callID string, sent time.Time) (id string, found bool, err error) {
	after := sent.Add(-window).UTC().Format("2006-01-02 15:04:05")
	for attempt := 0; attempt < 3; attempt++ {
		if attempt > 0 && transport.Sleep(ctx, time.Second) != nil {
			return "", false, nil // out of time, after at least one search that found nothing
		}
		col, serr := search(ctx, path, after)
		if serr != nil {
			return "", false, serr
		}
		if got, ok := match(col, path, callID, sent); ok {
			return got, true, nil
		}
	}
	return "", false, nil
}

// match picks the request of col that the write to path, tagged callID and
// sent at sent, created.
func match(col Requests, path, callID string, sent time.Time) (string, bool) {
	var byTime string
	for _, r := range col.Items {
		if r.ID == "" || !strings.Contains(strings.ToLower(r.Properties.URL), strings.ToLower(path)) {
			continue
		}
		tag := headerValue(r.Properties.Headers, callHeader)
		if tag == callID {
			return r.ID, true
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
	return byTime, byTime != ""
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
