package cloud

import (
	"net/http"
	"net/url"

	"github.com/ionos-mcp/ionos-mcp/internal/cloud/apierror"
	"github.com/ionos-mcp/ionos-mcp/internal/cloud/apiurl"
	"github.com/ionos-mcp/ionos-mcp/internal/cloud/transport"
	"github.com/ionos-mcp/ionos-mcp/internal/cloud/waiting"
)

// These names moved to the sub-packages of internal/cloud when the package
// was split by job. Code outside internal/cloud uses them under their old
// names, so they stay reachable here: types as aliases, functions as
// one-line calls. Code inside internal/cloud uses the sub-packages.

// APIError is an error answer of the IONOS Cloud API.
type APIError = apierror.Error

// StatusOf returns the HTTP status of an API error in err's chain, or 0.
func StatusOf(err error) int { return apierror.StatusOf(err) }

// ParseAPIURL reads IONOS_API_URL; see apiurl.Parse.
func ParseAPIURL(raw string) (*url.URL, error) { return apiurl.Parse(raw) }

// NewHTTPClient returns the HTTP stack of a Client; see
// transport.NewHTTPClient. Clients of many callers can share one.
func NewHTTPClient(pinnedCert string) *http.Client { return transport.NewHTTPClient(pinnedCert) }

// Backoff paces retried reads.
type Backoff = transport.Backoff

// Poll paces the status polls of a wait.
type Poll = waiting.Poll

// Learner remembers how long waits took.
type Learner = waiting.Learner

// NewLearner returns an empty Learner.
func NewLearner() *Learner { return waiting.NewLearner() }
