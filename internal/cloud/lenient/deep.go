package lenient

// DeepDatacenter is one data center of a page at depth 3, with its
// servers inlined, as the client's deep inventory reads it item by item.
// What else the page inlines (volumes, LANs, load balancers) is skipped.
type DeepDatacenter struct {
	Resource
	Entities struct {
		Servers *NestedServers `json:"servers"`
	} `json:"entities"`
}

// NestedServers is a data center's servers collection inside a deep page.
// Items is nil when the API gave only a reference to the collection.
type NestedServers struct {
	Items *[]Resource `json:"items"`
	Links Links       `json:"_links"`
}
