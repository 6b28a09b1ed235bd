package sim

import "strings"

// The fields filter.* and orderBy can name, per kind of resource: its
// properties as the API renders them, then its metadata. A field listed
// here but without a value on an item (a null, an absent cpuFamily)
// matches no filter and sorts last.
var (
	datacenterFields = withMetadata("name", "description", "location", "version", "features",
		"secAuthProtection", "cpuArchitecture", "ipv6CidrBlock")
	serverFields = withMetadata("templateUuid", "name", "cores", "ram", "availabilityZone", "vmState",
		"bootCdrom", "bootVolume", "cpuFamily", "type")
	volumeFields = withMetadata("name", "type", "size", "availabilityZone", "image", "bus", "licenceType",
		"applicationType", "cpuHotPlug", "ramHotPlug", "nicHotPlug", "nicHotUnplug", "discVirtioHotPlug",
		"discVirtioHotUnplug", "exposeSerial", "requireLegacyBios", "deviceNumber", "pciSlot", "bootServer", "bootOrder")
	imageFields = withMetadata("name", "description", "location", "size", "cpuHotPlug", "cpuHotUnplug",
		"ramHotPlug", "ramHotUnplug", "nicHotPlug", "nicHotUnplug", "discVirtioHotPlug", "discVirtioHotUnplug",
		"discScsiHotPlug", "discScsiHotUnplug", "exposeSerial", "requireLegacyBios", "licenceType",
		"applicationType", "imageType", "public", "imageAliases", "cloudInit")
	nicFields = withMetadata("name", "mac", "ips", "dhcp", "ipv6Ips", "ipv6CidrBlock", "dhcpv6", "lan",
		"firewallActive", "firewallType", "deviceNumber", "pciSlot")
	lanFields          = withMetadata("name", "ipFailover", "ipv4CidrBlock", "ipv6CidrBlock", "public")
	loadbalancerFields = withMetadata("name", "ip", "dhcp")
	// requestFields are a request's properties and its metadata, which
	// differs from other resources' (requestStatus is its status).
	requestFields = fieldSet{"method", "headers", "body", "url", "createdDate", "createdBy", "etag", "requestStatus"}
)

// metaValue is a metadata field of a resource of the account.
func metaValue(name, etag, created, modified, state, userID string) (fieldValue, bool) {
	switch name {
	case "etag":
		return textValue(etag)
	case "createdDate":
		return textValue(created)
	case "lastModifiedDate":
		return textValue(modified)
	case "createdBy", "lastModifiedBy":
		return textValue(createdBy)
	case "createdByUserId", "lastModifiedByUserId":
		return textValue(userID)
	case "state":
		return textValue(state)
	}
	return fieldValue{}, false
}

func datacenterField(dc *dcState, name string) (fieldValue, bool) {
	switch name {
	case "name":
		return textValue(dc.name)
	case "description":
		return textValue(dc.description)
	case "location":
		return textValue(dc.location)
	case "version":
		return numberValue(float64(dc.version))
	case "features":
		return listValue(datacenterFeatures)
	case "secAuthProtection":
		return boolValue(false)
	case "cpuArchitecture":
		families := make([]string, len(cpuArchitectures))
		for i, c := range cpuArchitectures {
			families[i] = c.family
		}
		return listValue(families)
	case "ipv6CidrBlock":
		return fieldValue{}, false
	}
	return metaValue(name, dc.etag, dc.created, dc.modified, "AVAILABLE", dc.userID)
}

func serverField(s *srvState, name string) (fieldValue, bool) {
	switch name {
	case "templateUuid":
		return optionalText(s.templateID)
	case "name":
		return textValue(s.name)
	case "cores":
		return numberValue(float64(s.cores))
	case "ram":
		return numberValue(float64(s.ram))
	case "availabilityZone":
		return textValue(s.zone)
	case "vmState":
		return textValue(s.vmState)
	case "bootCdrom":
		if s.bootCD == nil {
			return fieldValue{}, false
		}
		return textValue(s.bootCD.id)
	case "bootVolume":
		if s.bootVol == nil {
			return fieldValue{}, false
		}
		return textValue(s.bootVol.id)
	case "cpuFamily":
		return optionalText(s.cpuFamily)
	case "type":
		return textValue(s.typ)
	}
	return metaValue(name, s.etag, s.created, s.modified, s.state(), s.dc.userID)
}

func volumeField(v *volState, name string) (fieldValue, bool) {
	if f, ok := hotPlugOf(v.licence).field(name); ok {
		return f, true
	}
	attached := v.srv != nil
	switch name {
	case "name":
		return textValue(v.name)
	case "type":
		return textValue(v.typ)
	case "size":
		return numberValue(v.size)
	case "availabilityZone":
		return textValue(v.zone)
	case "image":
		return optionalText(v.image)
	case "bus":
		return textValue(v.bus)
	case "licenceType":
		return textValue(v.licence)
	case "applicationType":
		return textValue("UNKNOWN")
	case "exposeSerial":
		return boolValue(false)
	case "requireLegacyBios":
		return boolValue(true)
	case "deviceNumber":
		return attachedNumber(attached, float64(v.deviceNumber))
	case "pciSlot":
		return attachedNumber(attached, float64(v.pciSlot))
	case "bootServer":
		if !attached {
			return fieldValue{}, false
		}
		return textValue(v.srv.id)
	case "bootOrder":
		return textValue(v.bootOrder)
	}
	return metaValue(name, v.etag, v.created, v.created, "AVAILABLE", v.dc.userID)
}

// field reads the hot-plug properties volumes and images share.
func (hp hotPlug) field(name string) (fieldValue, bool) {
	switch name {
	case "cpuHotPlug":
		return boolValue(hp.cpu)
	case "ramHotPlug":
		return boolValue(hp.ram)
	case "nicHotPlug":
		return boolValue(hp.nic)
	case "nicHotUnplug":
		return boolValue(hp.nicUnplug)
	case "discVirtioHotPlug":
		return boolValue(hp.disc)
	case "discVirtioHotUnplug":
		return boolValue(hp.discUnplug)
	}
	return fieldValue{}, false
}

func attachedNumber(attached bool, n float64) (fieldValue, bool) {
	if !attached {
		return fieldValue{}, false
	}
	return numberValue(n)
}

func imageField(cd *cdState, name string) (fieldValue, bool) {
	if f, ok := hotPlugOf(cd.licence).field(name); ok {
		return f, true
	}
	switch name {
	case "name":
		return textValue(cd.name)
	case "description":
		return optionalText(cd.description)
	case "location":
		return textValue(cd.srv.dc.location)
	case "size":
		return numberValue(cd.size)
	case "cpuHotUnplug", "ramHotUnplug", "discScsiHotPlug", "discScsiHotUnplug", "exposeSerial":
		return boolValue(false)
	case "requireLegacyBios", "public":
		return boolValue(true)
	case "licenceType":
		return textValue(cd.licence)
	case "applicationType":
		return textValue("UNKNOWN")
	case "imageType":
		return textValue("CDROM")
	case "imageAliases":
		return listValue(cd.aliases)
	case "cloudInit":
		return textValue("NONE")
	}
	switch name {
	case "createdBy", "lastModifiedBy":
		return textValue(publicImageAuthor)
	case "createdByUserId", "lastModifiedByUserId":
		return textValue(publicImageAuthorID)
	}
	return metaValue(name, cd.etag, cd.created, cd.created, "AVAILABLE", "")
}

func nicField(n *nicState, name string) (fieldValue, bool) {
	switch name {
	case "name":
		return optionalText(n.name)
	case "mac":
		return textValue(n.mac)
	case "ips":
		return listValue(n.ips)
	case "dhcp":
		return boolValue(n.dhcp)
	case "ipv6Ips", "ipv6CidrBlock", "dhcpv6":
		return fieldValue{}, false
	case "lan":
		return numberValue(float64(n.lan.num))
	case "firewallActive":
		return boolValue(n.firewallActive)
	case "firewallType":
		return textValue(n.firewallType)
	case "deviceNumber":
		return numberValue(float64(n.deviceNumber))
	case "pciSlot":
		return numberValue(float64(n.pciSlot))
	}
	return metaValue(name, n.etag, n.created, n.created, "AVAILABLE", n.srv.dc.userID)
}

func lanField(l *lanState, name string) (fieldValue, bool) {
	switch name {
	case "name":
		return textValue(l.name)
	case "ipFailover":
		ips := make([]string, len(l.failover))
		for i, f := range l.failover {
			ips[i] = f.IP + " " + f.NICUUID
		}
		return listValue(ips)
	case "ipv4CidrBlock":
		return optionalText(l.cidr)
	case "ipv6CidrBlock":
		return fieldValue{}, false
	case "public":
		return boolValue(l.public)
	}
	return metaValue(name, l.etag, l.created, l.created, "AVAILABLE", l.dc.userID)
}

func loadbalancerField(lb *lbState, name string) (fieldValue, bool) {
	switch name {
	case "name":
		return textValue(lb.name)
	case "ip":
		return optionalText(lb.ip)
	case "dhcp":
		return boolValue(lb.dhcp)
	}
	return metaValue(name, lb.etag, lb.created, lb.created, "AVAILABLE", lb.dc.userID)
}

// requestField is what a request filter sees of a field: the forms the
// filters have always matched (createdDate as yyyy-MM-dd HH:mm:ss,
// headers as "Name: value" lines, requestStatus as the status).
func requestFieldValue(q *request, name string, status, owner string) (fieldValue, bool) {
	switch name {
	case "method":
		return textValue(q.method)
	case "url":
		return textValue(q.url)
	case "body":
		return textValue(q.body)
	case "createdBy":
		return textValue(owner)
	case "createdDate":
		return textValue(q.createdAt.UTC().Format(filterTimeLayout))
	case "requestStatus":
		return textValue(status)
	case "etag":
		return textValue(etagOf(q.id, uint64(statusRank(status))))
	case "headers":
		var b strings.Builder
		for _, h := range q.headers {
			b.WriteString(h.name + ": " + h.value + "\n")
		}
		return textValue(b.String())
	}
	return fieldValue{}, false
}
