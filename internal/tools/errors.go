package tools

import (
	"context"
	"errors"
	"fmt"
	"math"
	"net"
	"net/url"

	"github.com/ionos-mcp/ionos-mcp/internal/cloud"
	"github.com/ionos-mcp/ionos-mcp/internal/config"
)

// Creds says where the IONOS credentials of a call come from and who reads
// its errors, so that a rejection names the setting to fix and how the fix
// takes effect. The zero value is a token in IONOS_TOKEN, in the settings
// of an MCP client that starts this server.
type Creds struct {
	Source CredSource
	Front  Front
	File   string // with FromFile: the file and profile, as config.CredentialSource says them
}

// CredSource is where the IONOS credentials come from.
type CredSource int

// The sources of credentials. Without any, no API call is made and the
// error says to set IONOS_TOKEN (cloud.ErrNoCredentials).
const (
	FromToken  CredSource = iota // IONOS_TOKEN
	FromBasic                    // IONOS_USERNAME and IONOS_PASSWORD
	FromCaller                   // pass-through: each caller's bearer token is its own IONOS token
	FromFile                     // a profile of ionosctl's file (`ionosctl login`)
)

// Front is who runs the tools, and so where their settings live.
type Front int

// The fronts.
const (
	FrontMCP    Front = iota // an MCP client starts this server over stdio, with settings from its configuration
	FrontHosted              // a hosted server (serve --http), with settings from its own environment
	FrontCLI                 // a command of the command line, with settings from the shell or .env
)

// CredsOf describes the credentials and the front of a configuration, as
// the server and the cloud client read it: pass-through ignores the
// server's own credentials, and a token wins over a username.
func CredsOf(cfg config.Config) Creds {
	var c Creds
	switch {
	case cfg.HTTP.Addr != "" && cfg.HTTP.Auth == "passthrough": // server.AuthPassthrough
		c.Source = FromCaller
	case cfg.Credentials.FromFile():
		c.Source, c.File = FromFile, cfg.Credentials.String()
	case cfg.Token == "" && cfg.Username != "" && cfg.Password != "":
		c.Source = FromBasic
	}
	switch {
	case cfg.CLI:
		c.Front = FrontCLI
	case cfg.HTTP.Addr != "":
		c.Front = FrontHosted
	}
	return c
}

// apply says how a changed setting takes effect, as the end of a sentence
// that set it.
func (c Creds) apply() string {
	switch c.Front {
	case FrontCLI:
		return ", then run the command again"
	case FrontHosted:
		return " in the environment of the ionos-mcp server, then restart it"
	}
	return " in the MCP client's configuration of this server, then restart the client"
}

// Explain is explain for a caller that knows where the credentials come
// from: the command line's own API calls (doctor) read as the tools' do.
func Explain(err error, c Creds) error {
	err = explain(err)
	var ce *credentialsError
	if errors.As(err, &ce) {
		ce.creds = c
	}
	return err
}

// credentialsError is a failure that only other credentials can fix: none
// were set, or the API rejected them. explain does not know where they come
// from; the tool boundary (add) fills in creds before the text is read.
type credentialsError struct {
	cause error // cloud.ErrNoCredentials, or the API's 401
	creds Creds
}

func (e *credentialsError) Unwrap() error { return e.cause }

func (e *credentialsError) Error() string {
	if errors.Is(e.cause, cloud.ErrNoCredentials) {
		return e.cause.Error() + e.creds.apply()
	}
	const newToken = "create a new token in the Data Center Designer under Management > Token Manager (or with GET https://api.ionos.com/auth/v1/tokens/generate)"
	switch e.creds.Source {
	case FromBasic:
		return "IONOS rejected the credentials (401 Unauthorized): the username or password in IONOS_USERNAME and IONOS_PASSWORD is wrong, " +
			"or the user has two-factor authentication on, which rules out basic auth. Check both (they are the ones that sign in to the Data Center Designer), " +
			"or better, as IONOS is retiring basic auth, " + newToken + " and set IONOS_TOKEN instead" + e.creds.apply()
	case FromFile:
		return "IONOS rejected the credentials (401 Unauthorized) that " + e.creds.File + " holds: they are expired, revoked or mistyped. " +
			"Store a new token there with `ionosctl login`, or " + newToken + " and set IONOS_TOKEN to it" + e.creds.apply()
	case FromCaller:
		return "IONOS rejected your token (401 Unauthorized): the IONOS token this MCP client sends in its Authorization header is expired or was revoked. " +
			"Sign in again, or send a valid IONOS token as Authorization: Bearer <token> (" + newToken + "). " +
			"This server holds no IONOS credentials of its own: nothing needs to change on it"
	}
	return "IONOS rejected the credentials (401 Unauthorized): the token in IONOS_TOKEN is expired, revoked or mistyped. " +
		capitalize(newToken) + " and set IONOS_TOKEN to it" + e.creds.apply()
}

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
		ue  *url.Error
		ne  net.Error
	)
	switch {
	case errors.Is(err, cloud.ErrNoCredentials):
		return &credentialsError{cause: err}
	case errors.As(err, &wa):
		return wrongAction(wa)
	case errors.As(err, &amb):
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
		return &credentialsError{cause: ae}
	case 403:
		return fmt.Errorf("%v. The IONOS user of these credentials lacks the privilege for this; an IONOS account administrator can grant it", ae)
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
