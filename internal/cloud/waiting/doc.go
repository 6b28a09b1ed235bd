// Package waiting paces the polls of a wait and learns what waits take. A
// Learner remembers how long each kind of wait took; the schedule sleeps
// until shortly before the expected end and polls quickly around it; Until
// is the poll loop itself, bounded by the caller's deadline and honouring
// the API's Retry-After. Kinds of wait are named by plain strings.
package waiting
