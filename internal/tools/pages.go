package tools

import (
	"errors"
	"fmt"

	"github.com/ionos-mcp/ionos-mcp/internal/paging"
)

// Paging shared by the list tools: a page is cut out of one reading of the
// account (the walk's snapshot while it is held), and next is a cursor
// into it (see internal/paging).

// window cuts one page out of items: at most limit items from offset, and
// no more than maxBytes as measured by size (at least one item). end is
// the index after the page.
func window[T any](items []T, offset, limit, maxBytes int, size func(T) int) ([]T, int) {
	if offset >= len(items) {
		return []T{}, len(items) // an empty list, never null
	}
	end := min(offset+limit, len(items))
	total := 0
	for i := offset; i < end; i++ {
		if total += size(items[i]); total > maxBytes && i > offset {
			end = i
			break
		}
	}
	return items[offset:end], end
}

// checkPaging validates offset and cursor, which do not go together.
func checkPaging(offset int, cursor string) error {
	if offset < 0 {
		return fmt.Errorf("offset %d is negative; use 0, or pass next from the previous result as cursor", offset)
	}
	if cursor != "" && offset != 0 {
		return errors.New("give cursor or offset, not both: cursor continues a walk, offset starts a new listing at that position")
	}
	return nil
}

// openCursor opens a cursor of tool for caller, for the listing named key.
func (t *toolset) openCursor(tool, caller, s, key string) (paging.Cursor, error) {
	cur, err := t.cursors.Open(caller, s)
	switch {
	case errors.Is(err, paging.ErrExpired):
		return cur, fmt.Errorf("%w (cursors last %s): call %s again without cursor to start a fresh listing", err, t.cursors.TTL(), tool)
	case errors.Is(err, paging.ErrCaller):
		return cur, fmt.Errorf("%w: a cursor continues only the walk of whoever started it; call %s without cursor", err, tool)
	case err != nil:
		return cur, fmt.Errorf("cursor refused: %w. Pass next from the previous result unchanged, or call %s without cursor", err, tool)
	case cur.Filter != t.cursors.Digest(key):
		return cur, fmt.Errorf("this cursor belongs to a listing with other arguments: pass the same filters (and depth) as on the first page, or call %s without cursor", tool)
	}
	return cur, nil
}

// resumeAt is where a cursor's page starts: at its offset in the walk's
// own snapshot, else right after the last item it returned.
func resumeAt[T any](items []T, id func(T) string, cur paging.Cursor, same bool) int {
	if same || cur.After == "" {
		return cur.Offset
	}
	for i, it := range items {
		if id(it) == cur.After {
			return i + 1
		}
	}
	return min(cur.Offset, len(items))
}

// seal points a cursor at the page from end, after the item with id after.
func (t *toolset) seal(caller, walkID, key string, end int, after string) string {
	return t.cursors.Seal(caller, paging.Cursor{Walk: walkID, Offset: end, After: after, Filter: t.cursors.Digest(key)})
}

// restartNote says that a page came from a new reading of the account.
const restartNote = "The snapshot of this walk was no longer held (it expired, or this call reached another replica), so the account was read again; " +
	"this page continues after the last item of the previous one. Items added or removed since the first page may be missed."
