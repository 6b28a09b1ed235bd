package transport

import (
	"crypto/tls"
	"net"
	"net/http"
	"time"

	ionoscloud "github.com/ionos-cloud/sdk-go/v6"
)

// NewHTTPClient returns the HTTP stack of a Client: a pooled transport with
// phase timeouts, keep-alive restored, and the API's certificate pinned
// when pinnedCert is set. Clients of many callers can share one.
func NewHTTPClient(pinnedCert string) *http.Client {
	return &http.Client{Transport: keepAlive{next: newTransport(pinnedCert)}}
}

// newTransport is the connection pool of one Client. The timeouts bound
// each phase of a request; the whole call is bounded by its context.
func newTransport(pinnedCert string) *http.Transport {
	t := &http.Transport{
		Proxy:                 http.ProxyFromEnvironment,
		DialContext:           (&net.Dialer{Timeout: 10 * time.Second, KeepAlive: 30 * time.Second}).DialContext,
		ForceAttemptHTTP2:     true,
		MaxIdleConns:          64,
		MaxIdleConnsPerHost:   32,
		IdleConnTimeout:       90 * time.Second,
		TLSHandshakeTimeout:   10 * time.Second,
		ResponseHeaderTimeout: 60 * time.Second,
		ExpectContinueTimeout: time.Second,
		TLSClientConfig:       &tls.Config{MinVersion: tls.VersionTLS12},
	}
	if pinnedCert != "" {
		ionoscloud.AddPinnedCert(t, pinnedCert)
	}
	return t
}

// keepAlive undoes sdk-go's Request.Close = true, which would open a new TCP
// and TLS connection for every API call.
type keepAlive struct{ next http.RoundTripper }

func (k keepAlive) RoundTrip(r *http.Request) (*http.Response, error) {
	if r.Close {
		r = r.Clone(r.Context())
		r.Close = false
	}
	return k.next.RoundTrip(r)
}
