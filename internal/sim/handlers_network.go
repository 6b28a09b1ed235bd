package sim

// Read endpoints of NICs, LANs and load balancers.

func listServerNics(c call, r *renderer, a *account) (string, *apiError) {
	srv, ok := a.server(c.route.dcID, c.route.srvID)
	if !ok {
		return "", errNotFound
	}
	return "", writeList(c, r, listing[*nicState]{what: "NICs", id: srv.id + "/nics",
		href: []string{c.base, "/datacenters/", srv.dc.id, "/servers/", srv.id, "/nics"}, items: srv.nics,
		fields: nicFields, field: nicField, item: r.nic})
}

func getServerNic(c call, r *renderer, a *account) (string, *apiError) {
	n, ok := a.serverNIC(c.route.dcID, c.route.srvID, c.route.nicID)
	if !ok {
		return "", errNotFound
	}
	r.nic(n, c.q.depth)
	return n.etag, nil
}

// listNICNothing lists a NIC's firewall rules or flow logs: not modelled,
// so always none.
func listNICNothing(name string) reader {
	return func(c call, r *renderer, a *account) (string, *apiError) {
		n, ok := a.serverNIC(c.route.dcID, c.route.srvID, c.route.nicID)
		if !ok {
			return "", errNotFound
		}
		return "", writeList(c, r, listing[*nicState]{id: n.id + "/" + name,
			href: []string{c.base, "/datacenters/", n.srv.dc.id, "/servers/", n.srv.id, "/nics/", n.id, "/" + name}})
	}
}

// getNICNothing: no NIC has a firewall rule or a flow log.
func getNICNothing(call, *renderer, *account) (string, *apiError) {
	return "", errNotFound
}

func listLans(c call, r *renderer, a *account) (string, *apiError) {
	dc := a.dcByID[c.route.dcID]
	if dc == nil {
		return "", errNotFound
	}
	return "", writeList(c, r, listing[*lanState]{what: "LANs", id: dc.id + "/lans",
		href: []string{c.base, "/datacenters/", dc.id, "/lans"}, items: dc.lans, fields: lanFields,
		field: lanField, item: r.lan})
}

func getLan(c call, r *renderer, a *account) (string, *apiError) {
	l, ok := a.lanOf(c.route.dcID, c.route.lanID)
	if !ok {
		return "", errNotFound
	}
	r.lan(l, c.q.depth)
	return l.etag, nil
}

func listLanNics(c call, r *renderer, a *account) (string, *apiError) {
	l, ok := a.lanOf(c.route.dcID, c.route.lanID)
	if !ok {
		return "", errNotFound
	}
	return "", writeList(c, r, listing[*nicState]{what: "NICs", id: l.id + "/nics",
		href: []string{c.base, "/datacenters/", l.dc.id, "/lans/", l.id, "/nics"}, items: l.nics,
		fields: nicFields, field: nicField, item: r.nic})
}

func getLanNic(c call, r *renderer, a *account) (string, *apiError) {
	n, ok := a.lanNIC(c.route.dcID, c.route.lanID, c.route.nicID)
	if !ok {
		return "", errNotFound
	}
	r.nic(n, c.q.depth)
	return n.etag, nil
}

func listLoadbalancers(c call, r *renderer, a *account) (string, *apiError) {
	dc := a.dcByID[c.route.dcID]
	if dc == nil {
		return "", errNotFound
	}
	return "", writeList(c, r, listing[*lbState]{what: "load balancers", id: dc.id + "/loadbalancers",
		href: []string{c.base, "/datacenters/", dc.id, "/loadbalancers"}, items: dc.lbs,
		fields: loadbalancerFields, field: loadbalancerField, item: r.loadbalancer})
}

func getLoadbalancer(c call, r *renderer, a *account) (string, *apiError) {
	lb, ok := a.loadbalancer(c.route.dcID, c.route.lbID)
	if !ok {
		return "", errNotFound
	}
	r.loadbalancer(lb, c.q.depth)
	return lb.etag, nil
}

func listBalancedNics(c call, r *renderer, a *account) (string, *apiError) {
	lb, ok := a.loadbalancer(c.route.dcID, c.route.lbID)
	if !ok {
		return "", errNotFound
	}
	return "", writeList(c, r, listing[*nicState]{what: "NICs", id: lb.id + "/balancednics",
		href: []string{c.base, "/datacenters/", lb.dc.id, "/loadbalancers/", lb.id, "/balancednics"}, items: lb.nics,
		fields: nicFields, field: nicField, item: r.nic})
}

func getBalancedNic(c call, r *renderer, a *account) (string, *apiError) {
	lb, ok := a.loadbalancer(c.route.dcID, c.route.lbID)
	if !ok {
		return "", errNotFound
	}
	n, ok := lb.nic(c.route.nicID)
	if !ok {
		return "", errNotFound
	}
	r.nic(n, c.q.depth)
	return n.etag, nil
}
