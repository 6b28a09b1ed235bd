package cloud

import "testing"

// The deep page after the first is sized from the servers per data center.
func TestNextDeepLimit(t *testing.T) {
	defer func(dcs int32, servers int) { deepPageSize, deepPageServers = dcs, servers }(deepPageSize, deepPageServers)
	deepPageSize, deepPageServers = 1000, 10000
	for _, tt := range []struct {
		dcs, servers int
		want         int32
	}{
		{0, 0, 1000},       // nothing seen yet
		{100, 0, 1000},     // empty data centers: the most the API gives
		{100, 2000, 500},   // 20 per data center
		{10, 10000, 10},    // 1,000 per data center
		{1, 50000, 1},      // one data center already exceeds the aim: one at a time
		{1000, 1000, 1000}, // small data centers: capped at the page size
	} {
		if got := nextDeepLimit(tt.dcs, tt.servers); got != tt.want {
			t.Errorf("nextDeepLimit(%d, %d) = %d, want %d", tt.dcs, tt.servers, got, tt.want)
		}
	}
}
