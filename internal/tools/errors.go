package tools

import (
	"context"
	"errors"
	"fmt"
	"math"
	"net"
	"net/url"

	"github.com/ionos-mcp/ionos-mcp/internal/cloud"
)

// explain turns an error into the text a model reads: what happened and
// what to do next. Errors that already say that pass through.
func explain(err error) error {
	if err == nil {
		return nil
	}
	var (
		ae  *cloud.APIError
		nf  *cloud.NotFoundError
		amb *cloud.AmbiguousError
		wa  *cloud.WrongActionError
		oos *cloud.OutOfScopeError
		ue  *url.Error
		ne  net.Error
	)
	switch {
	case errors.Is(err, cloud.ErrNoCredentials):
		return fmt.Errorf("%w, then restart the MCP client", err)
	case errors.As(err, &wa):
		return wrongAction(wa)
	case errors.As(err, &amb):
		return err
	case errors.As(err, &oos):
		return err
	case errors.As(err, &nf):
		return fmt.Errorf("%v. Call %s to see what exists", nf, listToolFor(nf.Kind))
	case errors.As(err, &ae):
		return explainAPI(ae)
	case errors.Is(err, context.DeadlineExceeded):
		return fmt.Errorf("the IONOS API did not answer in time (%v); the call was abandoned at its deadline. Reads are safe to retry", err)
	case errors.As(err, &ue) || errors.As(err, &ne):
		return fmt.Errorf("cannot reach the IONOS API: %v. Check IONOS_API_URL and the network, then retry", err)
	}
	return err
}

func explainAPI(ae *cloud.APIError) error {
	switch ae.StatusCode {
	case 401:
		return fmt.Errorf("IONOS rejected the credentials (401 Unauthorized): the token in IONOS_TOKEN is missing, expired or revoked. " +
			"Create a new token in the Data Center Designer under Management > Token Manager (or with GET https://api.ionos.com/auth/v1/tokens/generate), " +
			"set IONOS_TOKEN in the MCP client's configuration and restart the client")
	case 403:
		return fmt.Errorf("%v. The token's user lacks the privilege for this; an IONOS account administrator can grant it", ae)
	case 429:
		return fmt.Errorf("%v. The IONOS API is rate-limiting this account; retry after %s", ae, retryText(ae))
	case 500, 502, 503, 504:
		return fmt.Errorf("%v. The IONOS API is failing or under maintenance; retry in a minute", ae)
	}
	return ae
}

func retryText(ae *cloud.APIError) string {
	if ae.RetryAfter <= 0 {
		return "a few seconds"
	}
	return fmt.Sprintf("%d seconds", int(math.Ceil(ae.RetryAfter.Seconds())))
}

func listToolFor(kind string) string {
	switch kind {
	case "data center":
		return "list_datacenters"
	case "request":
		return "get_request_status with an id from a write's result"
	default:
		return "list_servers"
	}
}

// wrongAction says why an action does not fit a server and which tool does.
func wrongAction(wa *cloud.WrongActionError) error {
	return &refusal{fmt.Sprintf("%s; use %s_server. Nothing was sent to the API", wa.Reason(), wa.Use)}
}
