// Package cloud is the domain client for IONOS Cloud compute, built on the
// official SDK github.com/ionos-cloud/sdk-go/v6.
//
// It speaks in data centers, servers and requests rather than HTTP: it
// fetches every page of a collection, resolves names to ids (and refuses to
// guess when a name is ambiguous), extracts the request id of each write
// from its Location header without trusting that header's host, waits for
// requests to finish, and returns typed errors. It never knows about MCP.
//
// The jobs under the domain client live in sub-packages, which never import
// this one:
//
//   - apiurl: IONOS_API_URL, normalised;
//   - apierror: IONOS error answers, turned into *apierror.Error (APIError here);
//   - transport: the HTTP stack, with its own http.Client with timeouts and
//     keep-alive (the SDK asks for a new connection per request), the retry
//     policy for reads and the limiter;
//   - lenient: the decoding of answers the SDK refuses;
//   - waiting: the poll schedule, the Learner and the poll loop;
//   - reconcile: lost writes, found again in the account's request list.
//
// SDK logging is forced off whatever IONOS_LOG_LEVEL says, because the
// SDK's trace level dumps the bearer token.
package cloud
