// Package transport is the HTTP stack under the IONOS SDK: a pooled
// transport with phase timeouts and keep-alive restored (the SDK asks for a
// new connection per request), an optional pinned certificate, the one
// retry policy for reads, and a limiter that mirrors the API's token bucket
// so that a burst of calls slows down instead of drawing 429s.
package transport
