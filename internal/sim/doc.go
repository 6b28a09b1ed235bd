// Package sim is an in-process simulator of the IONOS Cloud API v6 for the
// compute operations ionos-mcp uses: data centers, servers, the five power
// actions and the asynchronous requests they create. It lets the product, its
// demo and its tests run with no account and no network, and lets agent
// developers rehearse rate limits, slow requests and failures.
//
// A Simulator is an http.Handler serving /cloudapi/v6/... (the API) and
// /_sim/... (a control API for faults, statistics and the dataset). Start runs
// one on a loopback listener; its URL is the value for IONOS_API_URL.
//
// # Fidelity
//
// Response shapes follow the published OpenAPI spec and the sdk-go v6.3.11
// models (the tests validate every endpoint against the spec). Power actions
// answer 202 with a Location header; the request then moves QUEUED -> RUNNING
// -> DONE (or FAILED) over simulated time, and the server's vmState and
// metadata.state follow. Time comes from a Clock, so tests drive it with a
// ManualClock and never sleep. State is derived lazily: every call applies the
// effects whose time has passed, so there are no goroutines or timers.
//
// # Depth
//
// A top-level collection at depth d renders its items as objects at depth d-1.
// An object at depth k<0 is a reference {id,type,href}; at k>=0 it has
// metadata and properties, and its entities are nested collections at depth
// k-1. A nested collection at depth j<0 is {id,type,href}; at j>=0 it also has
// items rendered at depth j-1. Nested collections are not paged.
//
// # Error codes
//
// Every error body has the IONOS shape
// {"httpStatus":N,"messages":[{"errorCode":"C","message":"..."}]}. The codes
// 315 (401) and 309 (404) are the ones the real API is known to send; 200 for
// 422 copies a real validation error; the others are this simulator's choice:
//
//	400  "100"  a query parameter is not a number/boolean, bad filter date, body is not JSON
//	401  "315"  Unauthorized
//	404  "309"  Resource does not exist (unknown or malformed id, unknown path)
//	405  "101"  method not allowed on a known path (Allow header lists the right one)
//	413  "102"  body larger than Options.MaxBodyBytes
//	422  "200"  depth, offset, limit or filter.status outside its range
//	429  "429"  Too many requests (rate limit or injected; Retry-After in seconds)
//	5xx  "5xx"  injected status faults (code = status); 500 for a recovered panic
//	            ("[VDC-5-0] An unexpected error occurred"); 504 when a client
//	            cancels a call that a latency fault holds
//
// # Concurrency
//
// A Simulator is safe for concurrent use. Each account has its own lock; reads
// take a read lock unless some asynchronous effect has become due.
package sim
