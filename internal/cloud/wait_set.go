package cloud

import (
	"context"
	"encoding/json"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/ionos-mcp/ionos-mcp/internal/cloud/apierror"
	"github.com/ionos-mcp/ionos-mcp/internal/cloud/waiting"
)

// Tracked is one accepted power action of a set, to be followed.
type Tracked struct {
	Server    Server
	Action    Action
	RequestID string
}

// Settled is where a tracked action stands.
type Settled struct {
	Server  Server // as last read
	Status  string // the request's: QUEUED, RUNNING, DONE or FAILED
	Message string // the API's, for a FAILED request
	// Reached is true once the request is DONE and the server shows the
	// action's target state, with nothing pending on it.
	Reached bool
}

// Finished reports whether nothing more will change for this action.
func (s Settled) Finished() bool { return s.Reached || s.Status == StatusFailed }

// WaitAll follows the accepted actions of a set until each has reached its
// state or failed, or ctx ends. It reads the status of all its requests
// from the account's request list and the state of all its servers from
// their data centers' listings, a few requests per round whatever the size
// of the set, where following each action on its own would cost several
// requests per server. since is when the first action was sent. onRound,
// when set, sees every round. When ctx ends first, the last state read is
// returned with ctx's error.
func (c *Client) WaitAll(ctx context.Context, since time.Time, ts []Tracked, onRound func([]Settled)) ([]Settled, error) {
	state := make([]Settled, len(ts))
	for i, t := range ts {
		state[i] = Settled{Server: t.Server, Status: StatusQueued}
	}
	done := func(st []Settled) (bool, bool) {
		return !slices.ContainsFunc(st, func(s Settled) bool { return !s.Finished() }), true
	}
	if fin, _ := done(state); fin {
		return state, nil
	}
	w := waiting.NewWait(c.poll, c.learner, waiting.Key{}, time.Time{})
	return waiting.Until(ctx, w, slices.Clone(state), func(ctx context.Context) ([]Settled, error) {
		if err := c.waitRound(ctx, since, ts, state); err != nil {
			return nil, err
		}
		return slices.Clone(state), nil
	}, done, onRound)
}

// waitRound reads what changed since the last round into state.
func (c *Client) waitRound(ctx context.Context, since time.Time, ts []Tracked, state []Settled) error {
	// Servers are read where a request has ended: DONE, to see the new
	// state; FAILED (once, as it fails), to report the state it left.
	read := map[string]bool{} // data center ids
	for i, s := range state {
		if s.Status == StatusDone && !s.Reached {
			read[ts[i].Server.DatacenterID] = true
		}
	}
	if slices.ContainsFunc(state, func(s Settled) bool { return s.Status != StatusDone && s.Status != StatusFailed }) {
		statuses, err := c.recentRequests(ctx, since)
		if err != nil {
			return err
		}
		for i, t := range ts {
			if state[i].Status == StatusDone || state[i].Status == StatusFailed {
				continue
			}
			st, ok := statuses[t.RequestID]
			if !ok {
				// Older than the list read (a pending request that was
				// followed, not sent), or moved between its pages.
				if st, err = c.RequestStatus(ctx, t.RequestID); err != nil {
					return err
				}
			}
			state[i].Status, state[i].Message = st.Status, st.Message
			if st.Finished() {
				read[t.Server.DatacenterID] = true
			}
		}
	}
	for dcID := range read {
		if err := c.readSettled(ctx, dcID, ts, state); err != nil {
			return err
		}
	}
	return nil
}

// readSettled reads the servers of one data center into state.
func (c *Client) readSettled(ctx context.Context, dcID string, ts []Tracked, state []Settled) error {
	var dc Datacenter
	for _, t := range ts {
		if t.Server.DatacenterID == dcID {
			dc = Datacenter{ID: dcID, Name: t.Server.DatacenterName}
			break
		}
	}
	servers, err := c.ListServers(ctx, dc)
	if err != nil {
		return err
	}
	byID := make(map[string]Server, len(servers))
	for _, s := range servers {
		byID[s.ID] = s
	}
	for i, t := range ts {
		got, ok := byID[t.Server.ID]
		if !ok || t.Server.DatacenterID != dcID || state[i].Reached {
			continue
		}
		state[i].Server = got
		state[i].Reached = state[i].Status == StatusDone && got.VMState == t.Action.Target() && !got.Busy()
	}
	return nil
}

// requestPage is what recentRequests reads of GET /requests at depth 2.
type requestPage struct {
	ID       string `json:"id"`
	Metadata struct {
		RequestStatus struct {
			Metadata struct {
				Status  string `json:"status"`
				Message string `json:"message"`
			} `json:"metadata"`
		} `json:"requestStatus"`
	} `json:"metadata"`
}

// recentRequests reads the status of every write request created since
// (a minute of clock skew allowed), newest first, page by page.
func (c *Client) recentRequests(ctx context.Context, since time.Time) (map[string]RequestStatus, error) {
	after := since.Add(-time.Minute).UTC().Format("2006-01-02 15:04:05")
	out := map[string]RequestStatus{}
	_, err := allPages(ctx, c.pageSize, func(ctx context.Context, offset, limit int32) (page[struct{}], error) {
		ctx, cancel := c.call(ctx)
		defer cancel()
		q := collectionQuery(2, offset, limit)
		q["filter.method"] = []string{"POST"}
		q["filter.createdAfter"] = []string{after}
		var p page[struct{}]
		links, _, err := c.streamCollection(ctx, nil, "reading the request list", "/requests", url.Values(q), func(dec *json.Decoder) error {
			var r requestPage
			if err := dec.Decode(&r); err != nil {
				return err
			}
			p.items = append(p.items, struct{}{})
			if id := strings.ToLower(r.ID); IsUUID(id) {
				m := r.Metadata.RequestStatus.Metadata
				out[id] = RequestStatus{RequestID: id, Status: apierror.Sanitize(strings.ToUpper(m.Status), 64), Message: apierror.Sanitize(m.Message, 500)}
			}
			return nil
		})
		p.hasNext, p.linked = links.Next != "", links.Linked()
		return p, err
	})
	return out, err
}
