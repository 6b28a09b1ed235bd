// Package apiurl reads IONOS_API_URL. It accepts what ionosctl and sdk-go
// accept (a bare host, a trailing slash, the base path or not) and returns
// one canonical http(s) URL ending in /cloudapi/v6, so that the rest of the
// client never parses the setting again. Credentials in the URL are refused
// and never repeated in an error.
package apiurl
