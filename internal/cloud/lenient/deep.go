package lenient

// DeepCollection is a page of data centers at depth 3, each with its
// servers inlined, as the client's deep inventory reads it.
type DeepCollection struct {
	Items []struct {
		Resource
		Entities struct {
			Servers *struct {
				Items *[]Resource `json:"items"`
				Links struct {
					Next string `json:"next"`
				} `json:"_links"`
			} `json:"servers"`
		} `json:"entities"`
	} `json:"items"`
	Links Links `json:"_links"`
}

// complete reports whether the page has the frame the client relies on:
// an id on every data center and on every server inlined.
func (l DeepCollection) complete() bool {
	for _, r := range l.Items {
		if r.ID == "" {
			return false
		}
		if ns := r.Entities.Servers; ns != nil && ns.Items != nil {
			for _, s := range *ns.Items {
				if s.ID == "" {
					return false
				}
			}
		}
	}
	return true
}
