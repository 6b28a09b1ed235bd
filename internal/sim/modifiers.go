package sim

import (
	"cmp"
	"fmt"
	"net/url"
	"slices"
	"sort"
	"strconv"
	"strings"
)

// modifiers are the list parameters sdk-go's builders send on every
// collection: filter.<property>=<value> (repeatable), orderBy=<property> and
// maxResults=N. A collection applies them in this order: maxResults cuts
// the stored order (ionosctl's maintainers: "'maxResults' is applied before
// filtering while 'limit' is applied after filtering"), the filters keep
// what matches, orderBy sorts, and offset and limit take the page.
type modifiers struct {
	filters    []filter
	orderBy    string
	maxResults int // 0 = no cut
}

// filter is one filter.<name>=<value>.
type filter struct {
	name string // as the client wrote it
	want string // lower-cased: matching ignores case
}

func (m modifiers) active() bool {
	return len(m.filters) > 0 || m.orderBy != "" || m.maxResults > 0
}

// parseModifiers reads the list parameters. A maxResults that is not a
// number is a 400, one below 1 a 422.
func parseModifiers(vals url.Values) (modifiers, *apiError) {
	var m modifiers
	keys := make([]string, 0, len(vals))
	for k := range vals {
		keys = append(keys, k)
	}
	sort.Strings(keys) // deterministic, whatever the map order
	for _, k := range keys {
		name, ok := strings.CutPrefix(k, "filter.")
		if !ok || name == "" {
			continue
		}
		for _, v := range vals[k] {
			m.filters = append(m.filters, filter{name: name, want: strings.ToLower(v)})
		}
	}
	if s, ok := first(vals, "orderBy"); ok {
		m.orderBy = s
	}
	if s, ok := first(vals, "maxResults"); ok {
		n, err := intParam("maxResults", s, 1, -1)
		if err != nil {
			return m, err
		}
		m.maxResults = n
	}
	return m, nil
}

// fieldValue is a property (or metadata field) of one item as filters and
// orderBy see it: its string form and, for numbers, its value.
type fieldValue struct {
	text   string
	number float64
	isNum  bool
}

func textValue(s string) (fieldValue, bool) { return fieldValue{text: s}, true }

func numberValue(n float64) (fieldValue, bool) {
	return fieldValue{text: strconv.FormatFloat(n, 'f', -1, 64), number: n, isNum: true}, true
}

func boolValue(b bool) (fieldValue, bool) { return fieldValue{text: strconv.FormatBool(b)}, true }

// listValue is an array's string form: its elements joined by commas, so
// filter.ips=10.7 finds a NIC with any address containing it.
func listValue(items []string) (fieldValue, bool) {
	return fieldValue{text: strings.Join(items, ",")}, true
}

// optionalText is a string property that is absent (null) when empty.
func optionalText(s string) (fieldValue, bool) {
	if s == "" {
		return fieldValue{}, false
	}
	return textValue(s)
}

// fieldSet is the properties and metadata fields one kind of resource has,
// as the API spells them. filter.* and orderBy name them ignoring case.
type fieldSet []string

// metadataFields are the DatacenterElementMetadata fields, which filters
// look at when a resource's properties have no field of the name.
var metadataFields = []string{"etag", "createdDate", "createdBy", "createdByUserId",
	"lastModifiedDate", "lastModifiedBy", "lastModifiedByUserId", "state"}

func withMetadata(props ...string) fieldSet { return append(props, metadataFields...) }

// lookup returns the API's spelling of a field name.
func (fs fieldSet) lookup(name string) (string, bool) {
	for _, f := range fs {
		if strings.EqualFold(f, name) {
			return f, true
		}
	}
	return "", false
}

// checkOrderBy rejects an orderBy the resource has no field for: a 422
// that names it, so a typo shows instead of an unsorted answer.
func (m modifiers) checkOrderBy(what string, fs fieldSet) *apiError {
	if m.orderBy == "" || fs == nil {
		return nil
	}
	if _, ok := fs.lookup(m.orderBy); ok {
		return nil
	}
	return unprocessable(fmt.Sprintf("Invalid value %q for query parameter 'orderBy': %s have no property %q (they have %s)",
		m.orderBy, what, m.orderBy, strings.Join(fs, ", ")))
}

// fieldFunc gives an item's field by its API spelling; false when the item
// has no value for it.
type fieldFunc[T any] func(item T, name string) (fieldValue, bool)

// selectItems applies the modifiers to a collection's items in their
// stored order. Without modifiers it returns items itself.
func selectItems[T any](items []T, m modifiers, fs fieldSet, field fieldFunc[T]) []T {
	if !m.active() {
		return items
	}
	if m.maxResults > 0 && len(items) > m.maxResults {
		items = items[:m.maxResults]
	}
	out := items
	if len(m.filters) > 0 {
		out = make([]T, 0, len(items))
		for _, it := range items {
			if matchesAll(it, m.filters, fs, field) {
				out = append(out, it)
			}
		}
	}
	if m.orderBy != "" {
		if name, ok := fs.lookup(m.orderBy); ok {
			out = sortedBy(out, name, field)
		}
	}
	return out
}

// matchesAll reports whether every filter holds: the item's field contains
// the value, ignoring case. A field the resource does not have, or an item
// without a value for it, matches nothing.
func matchesAll[T any](it T, filters []filter, fs fieldSet, field fieldFunc[T]) bool {
	for _, f := range filters {
		name, ok := fs.lookup(f.name)
		if !ok {
			return false
		}
		v, ok := field(it, name)
		if !ok || !strings.Contains(strings.ToLower(v.text), f.want) {
			return false
		}
	}
	return true
}

// sortedBy sorts a copy of items by one field, ascending: numbers by value,
// strings ignoring case; items without a value come last; ties keep their
// order.
func sortedBy[T any](items []T, name string, field fieldFunc[T]) []T {
	type keyed struct {
		item T
		v    fieldValue
		ok   bool
	}
	ks := make([]keyed, len(items))
	for i, it := range items {
		v, ok := field(it, name)
		v.text = strings.ToLower(v.text)
		ks[i] = keyed{item: it, v: v, ok: ok}
	}
	slices.SortStableFunc(ks, func(a, b keyed) int {
		switch {
		case a.ok != b.ok:
			if a.ok {
				return -1
			}
			return 1
		case a.v.isNum && b.v.isNum:
			return cmp.Compare(a.v.number, b.v.number)
		}
		return strings.Compare(a.v.text, b.v.text)
	})
	out := make([]T, len(ks))
	for i, k := range ks {
		out[i] = k.item
	}
	return out
}
