// Package lenient decodes the successful answers that sdk-go refuses: its
// models fail a whole response on one unknown enum value (a new resource
// "type") or an out-of-range number. The shapes here read only what the
// client uses, as plain strings and ints, and ignore the rest; turning them
// into data centers, servers and request statuses is internal/cloud's job.
package lenient
