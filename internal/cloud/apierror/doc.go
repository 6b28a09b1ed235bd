// Package apierror turns what an sdk-go call returned into an error: the
// IONOS error body read into an *Error with its status, errorCode, message
// and Retry-After, or a plain error for a transport failure or a successful
// answer that is empty or not JSON. Every text taken from the API is
// sanitized, because it ends up in what a model reads.
package apierror
