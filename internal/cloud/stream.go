package cloud

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"sync/atomic"

	ionoscloud "github.com/ionos-cloud/sdk-go/v6"

	"github.com/ionos-mcp/ionos-mcp/internal/cloud/apierror"
	"github.com/ionos-mcp/ionos-mcp/internal/cloud/lenient"
)

// Collections are read past sdk-go: the SDK reads every answer whole into
// memory and then decodes it into its models, two copies of what can be a
// 40 MB deep page. The client streams them instead, item by item, through
// the same HTTP stack (limiter, retries) and with the same credentials.

// maxAnswerBytes refuses an answer longer than this, whatever it is: it
// is never buffered whole, but it must end (Client.maxAnswer).
const maxAnswerBytes = 256 << 20

// meter counts the requests and bytes of one listing; nil counts nothing.
type meter struct {
	requests, bytes atomic.Int64
}

func (m *meter) add(bytes int64) {
	if m != nil {
		m.requests.Add(1)
		m.bytes.Add(bytes)
	}
}

// collectionQuery is the query of one page of a collection at a depth.
func collectionQuery(depth, offset, limit int32) url.Values {
	return url.Values{
		"depth":  {strconv.Itoa(int(depth))},
		"offset": {strconv.Itoa(int(offset))},
		"limit":  {strconv.Itoa(int(limit))},
		"pretty": {"false"},
	}
}

// streamCollection GETs a collection at path and hands each of its items
// to item as it arrives. It returns the collection's links and the bytes
// read. An error answer is an *apierror.Error.
func (c *Client) streamCollection(ctx context.Context, m *meter, op, path string, q url.Values, item func(*json.Decoder) error) (lenient.Links, int64, error) {
	var links lenient.Links
	resp, err := c.get(ctx, path, q)
	if err != nil {
		return links, 0, fmt.Errorf("%s: %w", op, err)
	}
	defer resp.Body.Close()
	body := &lenient.CappedReader{R: resp.Body, Max: c.maxAnswer}
	defer func() { m.add(body.N) }()
	if resp.StatusCode >= 300 {
		payload, _ := io.ReadAll(io.LimitReader(body, 64<<10))
		return links, body.N, apierror.From(op, &ionoscloud.APIResponse{Response: resp, Payload: payload}, nil)
	}
	links, err = lenient.Stream(body, item)
	switch {
	case err == nil:
		return links, body.N, nil
	case errors.Is(err, lenient.ErrTooLarge) || ctx.Err() != nil:
		return links, body.N, fmt.Errorf("%s: %w", op, err)
	case body.Err != nil:
		return links, body.N, fmt.Errorf("%s: the answer broke off after %d bytes: %w", op, body.N, body.Err)
	}
	return links, body.N, apierror.NotJSON(op, resp.StatusCode, resp.Header.Get("Content-Type"), body.Head, err)
}

// get sends one GET of the API with the client's credentials and headers.
func (c *Client) get(ctx context.Context, path string, q url.Values) (*http.Response, error) {
	u := *c.base
	u.Path += path
	u.RawPath = ""
	if c.base.RawPath != "" {
		u.RawPath = c.base.RawPath + path
	}
	u.RawQuery = q.Encode()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u.String(), nil)
	if err != nil {
		return nil, err
	}
	req.Header.Set("Accept", "application/json")
	req.Header.Set("User-Agent", c.userAgent)
	if c.contract != "" {
		req.Header.Set("X-Contract-Number", c.contract)
	}
	req.Header.Set("Authorization", c.auth)
	return c.hc.Do(req)
}

// authorization is the Authorization header of the credentials: the
// token when there is one, as sdk-go does, else basic auth.
func authorization(cfg Config) string {
	if cfg.Token != "" {
		return "Bearer " + cfg.Token
	}
	return "Basic " + base64.StdEncoding.EncodeToString([]byte(cfg.Username+":"+cfg.Password))
}
