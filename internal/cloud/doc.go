// Package cloud is the domain client for IONOS Cloud compute, built on the
// official SDK github.com/ionos-cloud/sdk-go/v6.
//
// It speaks in data centers, servers and requests rather than HTTP: it
// normalises IONOS_API_URL, fetches every page of a collection, resolves
// names to ids (and refuses to guess when a name is ambiguous), extracts the
// request id of each write from its Location header without trusting that
// header's host, waits for requests to finish, and turns IONOS error bodies
// into typed errors. It never knows about MCP.
//
// The client owns its HTTP stack: its own http.Client with timeouts and
// keep-alive (the SDK asks for a new connection per request), and SDK logging
// forced off whatever IONOS_LOG_LEVEL says, because the SDK's trace level
// dumps the bearer token.
package cloud
