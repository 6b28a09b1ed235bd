package cloud

// SetDeepPaging changes the data centers of the first deep page and the
// servers aimed at per later page, for tests and benchmarks; it returns a
// function that restores the old values.
func SetDeepPaging(dcs int32, servers int) func() {
	oldDCs, oldServers := deepPageSize, deepPageServers
	deepPageSize, deepPageServers = dcs, servers
	return func() { deepPageSize, deepPageServers = oldDCs, oldServers }
}
