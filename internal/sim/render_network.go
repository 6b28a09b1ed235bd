package sim

// NICs, LANs and load balancers. A NIC is always rendered with its
// server's href, wherever it is listed (its server, its LAN, a load
// balancer), as the API does.

func (r *renderer) nic(n *nicState, depth int) {
	w := r.w
	s := n.srv
	w.beginObject()
	r.ref(n.id, "nic", r.base, "/datacenters/", s.dc.id, "/servers/", s.id, "/nics/", n.id)
	if depth >= 0 {
		r.metadata(n.etag, n.created, n.created, "AVAILABLE")
		r.nicProperties(n)
		w.key("entities")
		w.beginObject()
		// Firewall rules and flow logs are not modelled: a NIC has none.
		r.entity("firewallrules", depth-1, n.id, 0, noItems, r.base, "/datacenters/", s.dc.id, "/servers/", s.id, "/nics/", n.id)
		r.entity("flowlogs", depth-1, n.id, 0, noItems, r.base, "/datacenters/", s.dc.id, "/servers/", s.id, "/nics/", n.id)
		w.endObject()
	}
	w.endObject()
}

// nicProperties writes NicProperties in the sdk-go model's order. IPv6 is
// not modelled, so its fields are null, as on a LAN without IPv6.
func (r *renderer) nicProperties(n *nicState) {
	w := r.w
	w.key("properties")
	w.beginObject()
	if n.name != "" {
		w.kstr("name", n.name)
	}
	w.kstr("mac", n.mac)
	w.key("ips")
	w.beginArray()
	for _, ip := range n.ips {
		w.str(ip)
	}
	w.endArray()
	w.kbool("dhcp", n.dhcp)
	w.knull("ipv6Ips")
	w.knull("ipv6CidrBlock")
	w.knull("dhcpv6")
	w.kint("lan", int64(n.lan.num))
	w.kbool("firewallActive", n.firewallActive)
	w.kstr("firewallType", n.firewallType)
	w.kint("deviceNumber", int64(n.deviceNumber))
	w.kint("pciSlot", int64(n.pciSlot))
	w.endObject()
}

func (r *renderer) lan(l *lanState, depth int) {
	w := r.w
	w.beginObject()
	r.ref(l.id, "lan", r.base, "/datacenters/", l.dc.id, "/lans/", l.id)
	if depth >= 0 {
		r.metadata(l.etag, l.created, l.created, "AVAILABLE")
		r.lanProperties(l)
		w.key("entities")
		w.beginObject()
		r.entity("nics", depth-1, l.id, len(l.nics), func(i, d int) { r.nic(l.nics[i], d) },
			r.base, "/datacenters/", l.dc.id, "/lans/", l.id)
		w.endObject()
	}
	w.endObject()
}

// lanProperties writes LanProperties in the sdk-go model's order: a public
// LAN has no IPv4 range (null), and no LAN has IPv6.
func (r *renderer) lanProperties(l *lanState) {
	w := r.w
	w.key("properties")
	w.beginObject()
	w.kstr("name", l.name)
	w.key("ipFailover")
	w.beginArray()
	for _, f := range l.failover {
		w.beginObject()
		w.kstr("ip", f.IP)
		w.kstr("nicUuid", f.NICUUID)
		w.endObject()
	}
	w.endArray()
	if l.cidr != "" {
		w.kstr("ipv4CidrBlock", l.cidr)
	} else {
		w.knull("ipv4CidrBlock")
	}
	w.knull("ipv6CidrBlock")
	w.kbool("public", l.public)
	w.endObject()
}

func (r *renderer) loadbalancer(lb *lbState, depth int) {
	w := r.w
	w.beginObject()
	r.ref(lb.id, "loadbalancer", r.base, "/datacenters/", lb.dc.id, "/loadbalancers/", lb.id)
	if depth >= 0 {
		r.metadata(lb.etag, lb.created, lb.created, "AVAILABLE")
		w.key("properties")
		w.beginObject()
		w.kstr("name", lb.name)
		if lb.ip != "" {
			w.kstr("ip", lb.ip)
		} else {
			w.knull("ip")
		}
		w.kbool("dhcp", lb.dhcp)
		w.endObject()
		w.key("entities")
		w.beginObject()
		r.entity("balancednics", depth-1, lb.id, len(lb.nics), func(i, d int) { r.nic(lb.nics[i], d) },
			r.base, "/datacenters/", lb.dc.id, "/loadbalancers/", lb.id)
		w.endObject()
	}
	w.endObject()
}
