// Package lenient decodes the API's answers tolerantly and, for the large
// ones, as a stream. sdk-go's models fail a whole response on one unknown
// enum value (a new resource "type") or an out-of-range number, and read
// every answer whole into memory before decoding it. The shapes here read
// only what the client uses, as plain strings and ints, and ignore the
// rest; Stream reads a collection item by item under a size cap. Turning
// the shapes into data centers, servers and request statuses is
// internal/cloud's job.
package lenient
