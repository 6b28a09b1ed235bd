package tools

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/modelcontextprotocol/go-sdk/mcp"

	"github.com/ionos-mcp/ionos-mcp/internal/cloud"
)

// GetRequestStatusInput is the input of get_request_status.
type GetRequestStatusInput struct {
	RequestID      string `json:"request_id" jsonschema:"requestId from a write tool, or the request's Location URL"`
	Wait           bool   `json:"wait,omitempty" jsonschema:"wait until DONE or FAILED (default false: read once)"`
	TimeoutSeconds int    `json:"timeout_seconds,omitempty" jsonschema:"how long to wait, 1-300 (default 40)"`
}

// GetRequestStatusOutput is the result of get_request_status.
type GetRequestStatusOutput struct {
	cloud.RequestStatus
}

var getRequestStatusTool = &mcp.Tool{
	Name: "get_request_status",
	Description: "Status of an asynchronous IONOS request: QUEUED, RUNNING, DONE or FAILED (with the API's message), and the resources it targets. " +
		"Every write returns its requestId. With wait=true, waits until DONE or FAILED, at most timeout_seconds; if still unfinished, call again.",
	Annotations: readAnnotations("Get request status"),
}

func (t *toolset) getRequestStatus(ctx context.Context, req *mcp.CallToolRequest, in GetRequestStatusInput) (*mcp.CallToolResult, GetRequestStatusOutput, error) {
	var none GetRequestStatusOutput
	timeout, err := t.waitTimeout(in.TimeoutSeconds)
	if err != nil {
		return nil, none, err
	}
	if err := cloud.CheckRef("request_id", in.RequestID); err != nil {
		return nil, none, err
	}
	if !in.Wait {
		timeout = t.ReadTimeout
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	c, err := t.client(ctx, req)
	if err != nil {
		return nil, none, err
	}
	id, err := c.ParseRequestRef(in.RequestID)
	if err != nil {
		return nil, none, err
	}
	if !in.Wait {
		st, err := c.RequestStatus(ctx, id)
		if err != nil {
			return nil, none, explainRequest(err, id)
		}
		return nil, GetRequestStatusOutput{st}, nil
	}
	notify := t.progress(ctx, req)
	start := time.Now()
	st, err := c.WaitRequest(ctx, id, func(st cloud.RequestStatus) {
		notify(fmt.Sprintf("request %s: %s after %.0fs", id, st.Status, time.Since(start).Seconds()))
	})
	if err != nil && ctx.Err() == nil {
		return nil, none, explainRequest(err, id)
	}
	if err != nil && st.Message == "" {
		st.Message = fmt.Sprintf("still %s after %.0fs; call again to keep waiting", st.Status, time.Since(start).Seconds())
	}
	return nil, GetRequestStatusOutput{st}, nil
}

func explainRequest(err error, id string) error {
	if cloud.IsNotFound(err) {
		return fmt.Errorf("no request with id %s in this account. Request ids come from the requestId of a write tool's result", id)
	}
	return explain(err)
}

// decodeObject turns the API's raw JSON object into a map for structured output.
func decodeObject(raw json.RawMessage) (map[string]any, error) {
	var obj map[string]any
	if err := json.Unmarshal(raw, &obj); err != nil {
		return nil, fmt.Errorf("the API's answer is not a JSON object: %w", err)
	}
	return obj, nil
}
