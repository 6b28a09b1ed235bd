// Package reconcile deals with lost writes: a power action whose answer
// never arrived may still have run, and it is never sent twice. Every POST
// carries a call id chosen by the client; when its answer is lost, the
// account's request list is searched for the request it created, by that
// id or, failing that, by action, server and time.
package reconcile
