package sim

//go:generate go run gen_spec_routes.go

import (
	"net/http"
	"strconv"
	"strings"

	"github.com/ionos-mcp/ionos-mcp/internal/sim/dataset"
)

// routeKind names the API endpoints the simulator serves.
type routeKind uint8

const (
	routeNone routeKind = iota // not an endpoint the simulator serves
	routeInfo
	routeDatacenters
	routeDatacenter
	routeServers
	routeServer
	routeAction
	routeServerVolumes
	routeServerVolume
	routeCdroms
	routeCdrom
	routeServerNics
	routeServerNic
	routeFirewallRules
	routeFirewallRule
	routeFlowLogs
	routeFlowLog
	routeVolumes
	routeVolume
	routeLans
	routeLan
	routeLanNics
	routeLanNic
	routeLoadbalancers
	routeLoadbalancer
	routeBalancedNics
	routeBalancedNic
	routeNatGateways
	routeNatGateway
	routeNetworkLBs
	routeNetworkLB
	routeImage
	routeRequests
	routeRequest
	routeRequestStatus
	routeLabels            // GET /labels
	routeLabel             // GET /labels/{labelurn}
	routeServerLabels      // GET .../servers/{id}/labels
	routeServerLabelCreate // POST .../servers/{id}/labels
	routeServerLabel       // GET .../servers/{id}/labels/{key}
	routeServerLabelPut    // PUT .../servers/{id}/labels/{key}
	routeServerLabelDelete // DELETE .../servers/{id}/labels/{key}
	routeKinds
)

// simRoute is one endpoint the simulator serves. Its method and path are
// also the statistics key: every id is written {id}. In a request path the
// segment after "lans" is a LAN number ("1"), the one after "labels" a
// label key (under a server) or a label URN (/labels/{urn}), every other
// id a UUID. One path may have several endpoints, one per method.
type simRoute struct {
	kind routeKind
	act  action // for routeAction
	path string
}

var simRoutes = []simRoute{
	{kind: routeInfo, path: "/"},
	{kind: routeDatacenters, path: "/datacenters"},
	{kind: routeDatacenter, path: "/datacenters/{id}"},
	{kind: routeServers, path: "/datacenters/{id}/servers"},
	{kind: routeServer, path: "/datacenters/{id}/servers/{id}"},
	{kind: routeAction, act: actionStart, path: "/datacenters/{id}/servers/{id}/start"},
	{kind: routeAction, act: actionStop, path: "/datacenters/{id}/servers/{id}/stop"},
	{kind: routeAction, act: actionReboot, path: "/datacenters/{id}/servers/{id}/reboot"},
	{kind: routeAction, act: actionSuspend, path: "/datacenters/{id}/servers/{id}/suspend"},
	{kind: routeAction, act: actionResume, path: "/datacenters/{id}/servers/{id}/resume"},
	{kind: routeServerVolumes, path: "/datacenters/{id}/servers/{id}/volumes"},
	{kind: routeServerVolume, path: "/datacenters/{id}/servers/{id}/volumes/{id}"},
	{kind: routeCdroms, path: "/datacenters/{id}/servers/{id}/cdroms"},
	{kind: routeCdrom, path: "/datacenters/{id}/servers/{id}/cdroms/{id}"},
	{kind: routeServerNics, path: "/datacenters/{id}/servers/{id}/nics"},
	{kind: routeServerNic, path: "/datacenters/{id}/servers/{id}/nics/{id}"},
	{kind: routeFirewallRules, path: "/datacenters/{id}/servers/{id}/nics/{id}/firewallrules"},
	{kind: routeFirewallRule, path: "/datacenters/{id}/servers/{id}/nics/{id}/firewallrules/{id}"},
	{kind: routeFlowLogs, path: "/datacenters/{id}/servers/{id}/nics/{id}/flowlogs"},
	{kind: routeFlowLog, path: "/datacenters/{id}/servers/{id}/nics/{id}/flowlogs/{id}"},
	{kind: routeVolumes, path: "/datacenters/{id}/volumes"},
	{kind: routeVolume, path: "/datacenters/{id}/volumes/{id}"},
	{kind: routeLans, path: "/datacenters/{id}/lans"},
	{kind: routeLan, path: "/datacenters/{id}/lans/{id}"},
	{kind: routeLanNics, path: "/datacenters/{id}/lans/{id}/nics"},
	{kind: routeLanNic, path: "/datacenters/{id}/lans/{id}/nics/{id}"},
	{kind: routeLoadbalancers, path: "/datacenters/{id}/loadbalancers"},
	{kind: routeLoadbalancer, path: "/datacenters/{id}/loadbalancers/{id}"},
	{kind: routeBalancedNics, path: "/datacenters/{id}/loadbalancers/{id}/balancednics"},
	{kind: routeBalancedNic, path: "/datacenters/{id}/loadbalancers/{id}/balancednics/{id}"},
	{kind: routeNatGateways, path: "/datacenters/{id}/natgateways"},
	{kind: routeNatGateway, path: "/datacenters/{id}/natgateways/{id}"},
	{kind: routeNetworkLBs, path: "/datacenters/{id}/networkloadbalancers"},
	{kind: routeNetworkLB, path: "/datacenters/{id}/networkloadbalancers/{id}"},
	{kind: routeImage, path: "/images/{id}"},
	{kind: routeRequests, path: "/requests"},
	{kind: routeRequest, path: "/requests/{id}"},
	{kind: routeRequestStatus, path: "/requests/{id}/status"},
	{kind: routeLabels, path: "/labels"},
	{kind: routeLabel, path: "/labels/{id}"},
	{kind: routeServerLabels, path: "/datacenters/{id}/servers/{id}/labels"},
	{kind: routeServerLabelCreate, path: "/datacenters/{id}/servers/{id}/labels"},
	{kind: routeServerLabel, path: "/datacenters/{id}/servers/{id}/labels/{id}"},
	{kind: routeServerLabelPut, path: "/datacenters/{id}/servers/{id}/labels/{id}"},
	{kind: routeServerLabelDelete, path: "/datacenters/{id}/servers/{id}/labels/{id}"},
}

// method is the one method an endpoint accepts.
func (k routeKind) method() string {
	switch k {
	case routeAction, routeServerLabelCreate:
		return http.MethodPost
	case routeServerLabelPut:
		return http.MethodPut
	case routeServerLabelDelete:
		return http.MethodDelete
	}
	return http.MethodGet
}

// paged reports whether the endpoint is a top-level collection: it takes
// offset and limit, filter.*, orderBy and maxResults.
func (k routeKind) paged() bool {
	switch k {
	case routeDatacenters, routeServers, routeServerVolumes, routeCdroms, routeServerNics,
		routeFirewallRules, routeFlowLogs, routeVolumes, routeLans, routeLanNics,
		routeLoadbalancers, routeBalancedNics, routeNatGateways, routeNetworkLBs, routeRequests,
		routeServerLabels:
		return true
	}
	return false
}

// listed reports whether the endpoint takes filter.*, orderBy and
// maxResults: every paged collection, and GET /labels, which the spec
// does not page (its Labels schema has no offset, limit or _links) but
// sdk-go sends the modifiers to as to every list.
func (k routeKind) listed() bool { return k.paged() || k == routeLabels }

// specRoute is a path of the API spec and the methods it takes.
type specRoute struct {
	path    string // as the spec writes it: /datacenters/{datacenterId}/servers
	methods string // sorted, space-separated: "DELETE GET PATCH PUT"
}

func (s *specRoute) has(method string) bool {
	for _, m := range strings.Fields(s.methods) {
		if m == method {
			return true
		}
	}
	return false
}

// allow is the Allow header value: the methods the API takes on the path.
func (s *specRoute) allow() string { return strings.ReplaceAll(s.methods, " ", ", ") }

// statsPath is the path with every parameter written {id}, like simRoutes.
func (s *specRoute) statsPath() string {
	seg := strings.Split(s.path, "/")
	for i, p := range seg {
		if strings.HasPrefix(p, "{") {
			seg[i] = "{id}"
		}
	}
	return strings.Join(seg, "/")
}

// route is a parsed API path.
type route struct {
	kind routeKind // routeNone: the simulator serves no endpoint here
	act  action
	spec *specRoute // the spec's path; nil when the API has none like it

	dcID, srvID, volID, imgID, nicID, lanID, lbID, subID, reqID string
	labelKey                                                    string // as the path has it; looked up, not validated
	labelURN                                                    string // GET /labels/{labelurn}; parsed by the endpoint
	badID                                                       bool   // a segment where an id belongs is not one
}

// serves reports whether the simulator serves this method on the path.
func (r route) serves(method string) bool { return r.kind != routeNone && r.kind.method() == method }

// endpoint is one simulated method on a path of the tree.
type endpoint struct {
	kind routeKind
	act  action
}

// maxSegments bounds parsing: no path of the spec is deeper.
const maxSegments = 8

// parseRoute parses the path after /cloudapi/v6 (decoded, as in URL.Path)
// for a call with method: its kind is the endpoint serving that method
// there, routeNone if none does. One trailing slash is tolerated, like the
// real API does.
func parseRoute(method, p string) route {
	p = strings.TrimPrefix(p, "/")
	p = strings.TrimSuffix(p, "/")
	var seg [maxSegments]string
	n := 0
	for p != "" {
		if n == maxSegments {
			return route{}
		}
		head, rest, _ := strings.Cut(p, "/")
		seg[n] = head
		n++
		p = rest
	}
	nd := routeTree.match(seg[:n])
	if nd == nil {
		return route{}
	}
	r := route{spec: nd.spec}
	for _, ep := range nd.eps {
		if ep.kind.method() == method {
			r.kind, r.act = ep.kind, ep.act
		}
	}
	if r.kind != routeNone {
		r.setIDs(seg[:n])
	}
	return r
}

// setIDs reads the ids of a simulated path: each follows the name of its
// collection (/datacenters/{id}/servers/{id}/...).
func (r *route) setIDs(seg []string) {
	for i := 1; i < len(seg); i += 2 {
		id := seg[i]
		switch seg[i-1] {
		case "datacenters":
			r.dcID = r.uuid(id)
		case "servers":
			r.srvID = r.uuid(id)
		case "volumes":
			r.volID = r.uuid(id)
		case "cdroms", "images":
			r.imgID = r.uuid(id)
		case "nics", "balancednics":
			r.nicID = r.uuid(id)
		case "loadbalancers":
			r.lbID = r.uuid(id)
		case "firewallrules", "flowlogs", "natgateways", "networkloadbalancers":
			r.subID = r.uuid(id)
		case "requests":
			r.reqID = r.uuid(id)
		case "lans":
			r.lanID = r.lanNumber(id)
		case "labels":
			if i == 1 {
				r.labelURN = id
			} else {
				r.labelKey = id
			}
		}
	}
}

// uuid validates an id segment, recording a malformed one.
func (r *route) uuid(s string) string {
	if !dataset.IsUUID(s) {
		r.badID = true
		return ""
	}
	return canonicalID(s)
}

// lanNumber validates a LAN id: a positive integer, as the API numbers LANs.
func (r *route) lanNumber(s string) string {
	n, err := strconv.ParseInt(s, 10, 32)
	if err != nil || n < 1 {
		r.badID = true
		return ""
	}
	return strconv.FormatInt(n, 10)
}

// routeNode is a node of the path tree: literal segments first, then one
// parameter child that takes any non-empty segment.
type routeNode struct {
	lit   map[string]*routeNode
	param *routeNode
	eps   []endpoint // the simulated endpoints that end here, one per method
	spec  *specRoute // the spec path that ends here, if any
}

// routeTree holds the spec's paths and the simulator's endpoints. It is
// built once and only read afterwards.
var routeTree = buildRouteTree()

func buildRouteTree() *routeNode {
	root := &routeNode{}
	for i := range specRoutes {
		root.insert(specRoutes[i].path).spec = &specRoutes[i]
	}
	for _, r := range simRoutes {
		nd := root.insert(r.path)
		nd.eps = append(nd.eps, endpoint{kind: r.kind, act: r.act})
	}
	return root
}

func (nd *routeNode) insert(path string) *routeNode {
	for _, s := range strings.Split(strings.Trim(path, "/"), "/") {
		switch {
		case s == "":
		case strings.HasPrefix(s, "{"):
			if nd.param == nil {
				nd.param = &routeNode{}
			}
			nd = nd.param
		default:
			if nd.lit == nil {
				nd.lit = map[string]*routeNode{}
			}
			next := nd.lit[s]
			if next == nil {
				next = &routeNode{}
				nd.lit[s] = next
			}
			nd = next
		}
	}
	return nd
}

// match finds the node the segments lead to, preferring literals and
// backtracking to a parameter (the spec has /k8s/versions and /k8s/{id}).
func (nd *routeNode) match(seg []string) *routeNode {
	if len(seg) == 0 {
		if len(nd.eps) == 0 && nd.spec == nil {
			return nil
		}
		return nd
	}
	if next := nd.lit[seg[0]]; next != nil {
		if m := next.match(seg[1:]); m != nil {
			return m
		}
	}
	if nd.param != nil && seg[0] != "" {
		return nd.param.match(seg[1:])
	}
	return nil
}
