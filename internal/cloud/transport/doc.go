// Package transport is the HTTP stack under the IONOS SDK: a pooled
// transport with phase timeouts and keep-alive restored (the SDK asks for a
// new connection per request), an optional pinned certificate, the one
// retry policy for reads, a limiter that mirrors the API's token bucket
// so that a burst of calls slows down instead of drawing 429s, a guard
// that follows no redirect of a write and none away from the API's
// origin, and a debug log line per request.
package transport
