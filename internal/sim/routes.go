package sim

import (
	"net/http"
	"strings"
)

// routeKind names the API endpoints the simulator serves.
type routeKind uint8

const (
	routeNone routeKind = iota // unknown path: 404
	routeInfo
	routeDatacenters
	routeDatacenter
	routeServers
	routeServer
	routeAction
	routeRequests
	routeRequest
	routeRequestStatus
	routeKinds
)

// routePatterns are the statistics keys' path part.
var routePatterns = [routeKinds]string{
	routeInfo:          "/",
	routeDatacenters:   "/datacenters",
	routeDatacenter:    "/datacenters/{id}",
	routeServers:       "/datacenters/{id}/servers",
	routeServer:        "/datacenters/{id}/servers/{id}",
	routeAction:        "/datacenters/{id}/servers/{id}/",
	routeRequests:      "/requests",
	routeRequest:       "/requests/{id}",
	routeRequestStatus: "/requests/{id}/status",
}

// route is a parsed API path.
type route struct {
	kind  routeKind
	dcID  string
	srvID string
	reqID string
	act   action
	badID bool // a segment where an id belongs is not a UUID
}

// method is the one method the endpoint accepts.
func (r route) method() string {
	if r.kind == routeAction {
		return http.MethodPost
	}
	return http.MethodGet
}

// paged reports whether the endpoint takes offset and limit.
func (r route) paged() bool {
	return r.kind == routeDatacenters || r.kind == routeServers || r.kind == routeRequests
}

// maxSegments bounds parsing: no endpoint is deeper.
const maxSegments = 5

// parseRoute parses the path after /cloudapi/v6 (decoded, as in URL.Path).
// One trailing slash is tolerated, like the real API does.
func parseRoute(p string) route {
	p = strings.TrimPrefix(p, "/")
	p = strings.TrimSuffix(p, "/")
	if p == "" {
		return route{kind: routeInfo}
	}
	var seg [maxSegments]string
	n := 0
	for {
		if n == maxSegments {
			return route{}
		}
		head, rest, more := strings.Cut(p, "/")
		seg[n] = head
		n++
		if !more {
			break
		}
		p = rest
	}
	switch seg[0] {
	case "datacenters":
		return parseDatacenterRoute(seg[1:n])
	case "requests":
		return parseRequestRoute(seg[1:n])
	}
	return route{}
}

func parseDatacenterRoute(seg []string) route {
	var r route
	switch {
	case len(seg) == 0:
		r.kind = routeDatacenters
		return r
	case len(seg) > 1 && seg[1] != "servers":
		return route{}
	}
	r.dcID = r.id(seg[0])
	switch len(seg) {
	case 1:
		r.kind = routeDatacenter
	case 2:
		r.kind = routeServers
	case 3:
		r.kind = routeServer
		r.srvID = r.id(seg[2])
	case 4:
		act, ok := parseAction(seg[3])
		if !ok {
			return route{}
		}
		r.kind, r.act = routeAction, act
		r.srvID = r.id(seg[2])
	}
	return r
}

func parseRequestRoute(seg []string) route {
	var r route
	switch {
	case len(seg) == 0:
		r.kind = routeRequests
		return r
	case len(seg) == 1:
		r.kind = routeRequest
	case len(seg) == 2 && seg[1] == "status":
		r.kind = routeRequestStatus
	default:
		return route{}
	}
	r.reqID = r.id(seg[0])
	return r
}

// id validates an id segment, recording a malformed one.
func (r *route) id(s string) string {
	if !isUUID(s) {
		r.badID = true
		return ""
	}
	return canonicalID(s)
}
