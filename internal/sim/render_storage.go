package sim

// Volumes and the images attached as CD-ROMs. Neither has entities.

// Public images belong to the platform, not to the account: their metadata
// names this author, as the API does for public images.
const (
	publicImageAuthor   = "System"
	publicImageAuthorID = "[UNKNOWN]"
)

func (r *renderer) volume(v *volState, depth int) {
	w := r.w
	w.beginObject()
	r.ref(v.id, "volume", r.base, "/datacenters/", v.dc.id, "/volumes/", v.id)
	if depth >= 0 {
		r.metadata(v.etag, v.created, v.created, "AVAILABLE")
		r.volumeProperties(v)
	}
	w.endObject()
}

// volumeProperties writes VolumeProperties in the sdk-go model's order.
// What the API returns as null (imagePassword, sshKeys, userData, ...) is
// left out: the spec declares those fields non-nullable.
func (r *renderer) volumeProperties(v *volState) {
	w := r.w
	w.key("properties")
	w.beginObject()
	w.kstr("name", v.name)
	w.kstr("type", v.typ)
	w.kfloat("size", v.size)
	w.kstr("availabilityZone", v.zone)
	if v.image != "" {
		w.kstr("image", v.image)
	}
	w.kstr("bus", v.bus)
	w.kstr("licenceType", v.licence)
	w.kstr("applicationType", "UNKNOWN")
	hp := hotPlugOf(v.licence)
	w.kbool("cpuHotPlug", hp.cpu)
	w.kbool("ramHotPlug", hp.ram)
	w.kbool("nicHotPlug", hp.nic)
	w.kbool("nicHotUnplug", hp.nicUnplug)
	w.kbool("discVirtioHotPlug", hp.disc)
	w.kbool("discVirtioHotUnplug", hp.discUnplug)
	w.kbool("exposeSerial", false)
	w.kbool("requireLegacyBios", true)
	if v.srv != nil {
		w.kint("deviceNumber", v.deviceNumber)
		w.kint("pciSlot", int64(v.pciSlot))
		w.kstr("bootServer", v.srv.id)
	}
	w.kstr("bootOrder", v.bootOrder)
	w.endObject()
}

// image writes an image attached as a CD-ROM; its href is the image's own,
// as on the real API.
func (r *renderer) image(cd *cdState, depth int) {
	w := r.w
	w.beginObject()
	r.ref(cd.id, "image", r.base, "/images/", cd.id)
	if depth >= 0 {
		r.metadataBy(cd.etag, cd.created, cd.created, "AVAILABLE", publicImageAuthor, publicImageAuthorID)
		r.imageProperties(cd)
	}
	w.endObject()
}

// imageProperties writes ImageProperties in the sdk-go model's order.
func (r *renderer) imageProperties(cd *cdState) {
	w := r.w
	w.key("properties")
	w.beginObject()
	w.kstr("name", cd.name)
	if cd.description != "" {
		w.kstr("description", cd.description)
	}
	w.kstr("location", cd.srv.dc.location)
	w.kfloat("size", cd.size)
	hp := hotPlugOf(cd.licence)
	w.kbool("cpuHotPlug", hp.cpu)
	w.kbool("cpuHotUnplug", false)
	w.kbool("ramHotPlug", hp.ram)
	w.kbool("ramHotUnplug", false)
	w.kbool("nicHotPlug", hp.nic)
	w.kbool("nicHotUnplug", hp.nicUnplug)
	w.kbool("discVirtioHotPlug", hp.disc)
	w.kbool("discVirtioHotUnplug", hp.discUnplug)
	w.kbool("discScsiHotPlug", false)
	w.kbool("discScsiHotUnplug", false)
	w.kbool("exposeSerial", false)
	w.kbool("requireLegacyBios", true)
	w.kstr("licenceType", cd.licence)
	w.kstr("applicationType", "UNKNOWN")
	w.kstr("imageType", "CDROM")
	w.kbool("public", true)
	w.key("imageAliases")
	w.beginArray()
	for _, a := range cd.aliases {
		w.str(a)
	}
	w.endArray()
	w.kstr("cloudInit", "NONE")
	w.endObject()
}
