package cloud

import (
	"context"
	"fmt"
	"strings"
	"time"
)

// pendingWindow bounds how far back a pending action is looked for. A power
// action that is still queued after an hour is stuck, and a second one
// would not unstick it either; the API's request list is kept for days, so
// an unbounded search would read far more than it needs.
const pendingWindow = time.Hour

// pendingRequests is what PendingAction reads of GET /requests at depth 2:
// the request's URL and its status, inlined.
type pendingRequests struct {
	Items []struct {
		ID       string `json:"id"`
		Metadata struct {
			RequestStatus struct {
				Metadata struct {
					Status string `json:"status"`
				} `json:"metadata"`
			} `json:"requestStatus"`
		} `json:"metadata"`
		Properties struct {
			URL string `json:"url"`
		} `json:"properties"`
	} `json:"items"`
}

// PendingAction looks for a request of action a on server s that is still
// QUEUED or RUNNING, and returns its id and status. A server that is BUSY with the same
// action must not get a second one: the API would queue it and run it
// again once the first is done (two reboots, or a start that waits behind a
// start for nothing).
func (c *Client) PendingAction(ctx context.Context, s Server, a Action) (st RequestStatus, found bool, err error) {
	if !IsUUID(s.DatacenterID) || !IsUUID(s.ID) {
		return st, false, fmt.Errorf("server %q in data center %q: ids must be UUIDs", s.ID, s.DatacenterID)
	}
	path := fmt.Sprintf("/datacenters/%s/servers/%s/%s", s.DatacenterID, s.ID, a)
	after := time.Now().Add(-pendingWindow).UTC().Format("2006-01-02 15:04:05")
	col, err := postsTo[pendingRequests](ctx, c, "looking for a pending "+string(a)+" of server "+s.ID, path, after, 2, 20)
	if err != nil {
		return st, false, err
	}
	// The list is newest first; the filter is a "contains" match, so the
	// URL's path (the API records the query too) must end with the action's.
	for _, r := range col.Items {
		status := strings.ToUpper(r.Metadata.RequestStatus.Metadata.Status)
		urlPath, _, _ := strings.Cut(r.Properties.URL, "?")
		if !IsUUID(r.ID) || !strings.HasSuffix(strings.ToLower(urlPath), strings.ToLower(path)) {
			continue
		}
		if status == StatusQueued || status == StatusRunning {
			return RequestStatus{RequestID: strings.ToLower(r.ID), Status: status}, true, nil
		}
	}
	return st, false, nil
}
