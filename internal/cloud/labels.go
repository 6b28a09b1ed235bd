package cloud

import (
	"context"
	"encoding/json"
	"net/url"
	"strings"
)

// Labels maps a server id to its labels, key to value.
type Labels map[string]map[string]string

// ServerLabels reads the labels of every server of the account in one
// request: GET /labels lists the labels of all resources, each naming the
// resource it is on. Reading them per server would cost a request per
// server. Labels of other resources are skipped.
func (c *Client) ServerLabels(ctx context.Context) (Labels, error) {
	ctx, cancel := c.call(ctx)
	defer cancel()
	out := Labels{}
	q := url.Values{"depth": {"1"}, "pretty": {"false"}}
	_, _, err := c.streamCollection(ctx, nil, "listing labels", "/labels", q, func(dec *json.Decoder) error {
		var l struct {
			Properties struct {
				Key          string `json:"key"`
				Value        string `json:"value"`
				ResourceID   string `json:"resourceId"`
				ResourceType string `json:"resourceType"`
			} `json:"properties"`
		}
		if err := dec.Decode(&l); err != nil {
			return err
		}
		p := l.Properties
		if !strings.EqualFold(p.ResourceType, "server") || p.Key == "" || !IsUUID(p.ResourceID) {
			return nil
		}
		id := strings.ToLower(p.ResourceID)
		if out[id] == nil {
			out[id] = map[string]string{}
		}
		out[id][p.Key] = p.Value
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}
