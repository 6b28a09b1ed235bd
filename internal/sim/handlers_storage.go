package sim

// Read endpoints of volumes and CD-ROMs (images).

func listVolumes(c call, r *renderer, a *account) (string, *apiError) {
	dc := a.dcByID[c.route.dcID]
	if dc == nil {
		return "", errNotFound
	}
	return "", writeList(c, r, listing[*volState]{what: "volumes", id: dc.id + "/volumes",
		href: []string{c.base, "/datacenters/", dc.id, "/volumes"}, items: dc.volumes, fields: volumeFields,
		field: volumeField, item: r.volume})
}

func getVolume(c call, r *renderer, a *account) (string, *apiError) {
	v, ok := a.volume(c.route.dcID, c.route.volID)
	if !ok {
		return "", errNotFound
	}
	r.volume(v, c.q.depth)
	return v.etag, nil
}

func listServerVolumes(c call, r *renderer, a *account) (string, *apiError) {
	srv, ok := a.server(c.route.dcID, c.route.srvID)
	if !ok {
		return "", errNotFound
	}
	return "", writeList(c, r, listing[*volState]{what: "volumes", id: srv.id + "/volumes",
		href: []string{c.base, "/datacenters/", srv.dc.id, "/servers/", srv.id, "/volumes"}, items: srv.volumes,
		fields: volumeFields, field: volumeField, item: r.volume})
}

func getServerVolume(c call, r *renderer, a *account) (string, *apiError) {
	v, ok := a.serverVolume(c.route.dcID, c.route.srvID, c.route.volID)
	if !ok {
		return "", errNotFound
	}
	r.volume(v, c.q.depth)
	return v.etag, nil
}

func listCdroms(c call, r *renderer, a *account) (string, *apiError) {
	srv, ok := a.server(c.route.dcID, c.route.srvID)
	if !ok {
		return "", errNotFound
	}
	return "", writeList(c, r, listing[*cdState]{what: "CD-ROMs", id: srv.id + "/cdroms",
		href: []string{c.base, "/datacenters/", srv.dc.id, "/servers/", srv.id, "/cdroms"}, items: srv.cdroms,
		fields: imageFields, field: imageField, item: r.image})
}

func getCdrom(c call, r *renderer, a *account) (string, *apiError) {
	cd, ok := a.cdrom(c.route.dcID, c.route.srvID, c.route.imgID)
	if !ok {
		return "", errNotFound
	}
	r.image(cd, c.q.depth)
	return cd.etag, nil
}

// getImage answers for the images attached as CD-ROMs, which is where
// their hrefs point; the image catalogue itself is not modelled.
func getImage(c call, r *renderer, a *account) (string, *apiError) {
	cd := a.imgByID[c.route.imgID]
	if cd == nil {
		return "", errNotFound
	}
	r.image(cd, c.q.depth)
	return cd.etag, nil
}
