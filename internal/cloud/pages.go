package cloud

import (
	"context"
	"fmt"
)

// maxPages stops a collection walk whose next links never end.
const maxPages = 100000

// page is one page of a collection.
type page[T any] struct {
	items   []T
	hasNext bool // the API sent _links.next
}

// allPages fetches every page of a collection. It follows _links.next, and
// also keeps going after a full page without links, because a silent stop at
// the first 1000 items is the classic bug of IONOS integrations.
func allPages[T any](ctx context.Context, size int32, fetch func(ctx context.Context, offset, limit int32) (page[T], error)) ([]T, error) {
	var all []T
	for offset, n := int32(0), 0; ; n++ {
		if n >= maxPages {
			return all, fmt.Errorf("collection did not end after %d pages", maxPages)
		}
		p, err := fetch(ctx, offset, size)
		if err != nil {
			return all, err
		}
		all = append(all, p.items...)
		if len(p.items) == 0 || (!p.hasNext && int32(len(p.items)) < size) {
			return all, nil
		}
		offset += int32(len(p.items))
	}
}
