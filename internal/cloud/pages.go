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
	linked  bool // the API sent pagination links at all
}

// last reports whether p ends its collection. A page with links but no
// next link is the last; without links, only a short page proves it.
func (p page[T]) last(size int32) bool { return lastPage(len(p.items), size, p.hasNext, p.linked) }

func lastPage(n int, size int32, hasNext, linked bool) bool {
	return n == 0 || (!hasNext && (linked || int32(n) < size))
}

// allPages fetches every page of a collection. It follows _links.next, and
// also keeps going after a full page without any links, because a silent
// stop at the first 1000 items is the classic bug of IONOS integrations.
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
		if p.last(size) {
			return all, nil
		}
		offset += int32(len(p.items))
	}
}
