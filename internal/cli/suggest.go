package cli

import (
	"cmp"
	"slices"
	"strings"
)

// closest returns up to three of candidates that name is most likely a
// typo of, the likeliest first: a small edit distance catches a slip of
// the finger ("stop_sever"), a prefix or a part catches a half-remembered
// name ("list", "servers").
func closest(name string, candidates []string) []string {
	type match struct {
		name string
		dist int
	}
	key := normalName(name)
	if key == "" {
		return nil
	}
	limit := max(2, len([]rune(key))/3)
	var found []match
	for _, c := range candidates {
		ck := normalName(c)
		d := levenshtein(key, ck)
		switch {
		case d <= limit:
		case len(key) >= 3 && (strings.HasPrefix(ck, key) || strings.Contains(ck, key)):
			d = limit + 1 // after every near spelling
		default:
			continue
		}
		found = append(found, match{c, d})
	}
	slices.SortStableFunc(found, func(a, b match) int {
		return cmp.Or(cmp.Compare(a.dist, b.dist), strings.Compare(a.name, b.name))
	})
	names := make([]string, 0, 3)
	for _, m := range found[:min(len(found), 3)] {
		names = append(names, m.name)
	}
	return names
}

// normalName makes "Stop-Server" and "stop_server" the same name: case and
// the separator are the two slips that carry no meaning here.
func normalName(s string) string {
	return strings.ReplaceAll(strings.ToLower(strings.TrimSpace(s)), "-", "_")
}

// levenshtein is the edit distance of a and b, in runes.
func levenshtein(a, b string) int {
	ra, rb := []rune(a), []rune(b)
	prev := make([]int, len(rb)+1)
	cur := make([]int, len(rb)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(ra); i++ {
		cur[0] = i
		for j := 1; j <= len(rb); j++ {
			cost := 1
			if ra[i-1] == rb[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(rb)]
}

// didYouMean is "; did you mean a or b?" for the suggestions, or "".
func didYouMean(names []string) string {
	switch len(names) {
	case 0:
		return ""
	case 1:
		return "; did you mean " + names[0] + "?"
	}
	return "; did you mean " + strings.Join(names[:len(names)-1], ", ") + " or " + names[len(names)-1] + "?"
}
