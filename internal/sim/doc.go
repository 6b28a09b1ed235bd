// Package sim is an in-process simulator of the IONOS Cloud API v6 for the
// compute operations ionos-mcp uses: data centers, servers and their
// volumes, CD-ROMs, NICs and labels, LANs, load balancers, the five power
// actions and the asynchronous requests they create. It lets the product,
// its demo and its tests run with no account and no network, and lets
// agent developers rehearse rate limits, slow requests, large answers and
// failures.
//
// A Simulator is an http.Handler serving /cloudapi/v6/... (the API) and
// /_sim/... (a control API for faults, statistics and the dataset). Start runs
// one on a loopback listener; its URL is the value for IONOS_API_URL. What
// an account holds is a dataset.Dataset: package dataset loads, validates
// and generates them, and builds the default one.
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
// Reads are simulated for everything the dataset holds; writes only for the
// power actions and server labels. A method and path the spec has and the
// simulator does not model answer 501 (see specRoutes, generated from the
// spec copy), the labels of data centers, volumes, IP blocks and snapshots
// included.
//
// # Labels
//
// Servers have labels (key -> value, listed sorted by key). A server lists
// them as LabelResources (id = key) under .../servers/{id}/labels, a paged
// collection. GET /labels lists every label of the account (schema
// Labels, each item's id its URN urn:label:server:<serverId>:<key>), not
// paged, as the spec has it; GET /labels/{labelurn} reads one. POST
// creates a label (201 with it), PUT .../labels/{key} changes the value of
// one that exists (200 with it), DELETE removes it (200, no body). Labels
// are written at once, with no request to poll, and a label write changes
// neither the server's etag nor its lastModifiedDate (labels.go says why).
// Keys are 1-128 letters, digits, '.', '_' or '-', starting with a letter
// or digit, and case-sensitive; values 1-256 characters without control
// characters (dataset.CheckLabelKey, dataset.CheckLabelValue).
//
// # Depth
//
// A top-level collection at depth d renders its items as objects at depth d-1.
// An object at depth k<0 is a reference {id,type,href}; at k>=0 it has
// metadata and properties, and its entities are nested collections at depth
// k-1. A nested collection at depth j<0 is {id,type,href}; at j>=0 it also has
// items rendered at depth j-1. Nested collections are not paged. Entities:
// data center: servers, volumes, loadbalancers, lans, networkloadbalancers,
// natgateways (the last two always empty); server: cdroms, volumes, nics
// (its labels are not inlined: the spec's ServerEntities has none);
// NIC: firewallrules, flowlogs (always empty); LAN: nics; load balancer:
// balancednics; volumes, images and labels have none. A server's
// bootVolume or bootCdrom is a reference at every depth. A NIC always has
// its server's href, wherever it is listed.
//
// # List parameters
//
// Every top-level collection takes offset and limit (but GET /labels,
// which the spec does not page), and the parameters sdk-go's builders
// send: maxResults=N, filter.<property>=<value> and orderBy=<property>.
// They apply in this order: maxResults keeps the first N items of the
// stored order; every filter must hold (a property name and value match
// ignoring case, the value as a substring of the property's string form,
// metadata fields when properties have none of the name; a property the
// resource does not have, or a null, matches nothing); orderBy sorts
// ascending (numbers by value, strings ignoring case, nulls last, ties in
// stored order; an unknown property is a 422); offset and limit take the
// page; _links keep every parameter. On /requests the
// filters the spec lists keep their meaning (filter.status,
// filter.createdAfter and filter.createdBefore at any depth, the others
// only with depth > 0).
//
// # Costs
//
// An answer costs its latency faults plus its body's size times
// Options.LatencyPerMB (MB = 1,000,000 bytes), in real time. Latency faults
// hold a call before it runs (a client that gives up meanwhile had nothing
// executed); the size cost holds the rendered answer, outside the account's
// lock. Past Options.GatewayTimeout the client gets a gateway's HTML 504
// once the timeout has passed, and a write behind it was executed.
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
//	404  "309"  Resource does not exist (unknown or malformed id, a path the spec does not have)
//	405  "101"  a method the spec does not have on the path (Allow lists the spec's)
//	413  "102"  body larger than Options.MaxBodyBytes
//	422  "200"  depth, offset, limit, maxResults, orderBy or filter.status outside its range;
//	            a label body without key or value, a bad key or value, a key the
//	            server already has, a PUT whose key differs from the path's;
//	            a malformed label URN
//	429  "429"  Too many requests (rate limit or injected; Retry-After in seconds)
//	501  "501"  a method and path of the spec the simulator does not model
//	5xx  "5xx"  injected status faults (code = status); 500 for a recovered panic
//	            ("[VDC-5-0] An unexpected error occurred"); 504 when a client
//	            cancels a call the simulator holds
//
// The gateway timeout's 504 and the html502 fault's 502 are HTML pages, as
// a load balancer sends them.
//
// # Concurrency
//
// A Simulator is safe for concurrent use. Each account has its own lock; reads
// take a read lock unless some asynchronous effect has become due. Statistics
// are atomic counters.
package sim
