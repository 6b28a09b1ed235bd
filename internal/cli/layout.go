package cli

import (
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"
	"unicode/utf8"
)

// defaultWidth is the width assumed when COLUMNS does not say: the
// terminal of last resort, and what a pasted output fits in.
const defaultWidth = 80

// outputWidth is the width the human output is laid out for: COLUMNS when
// it holds a sensible number, else 80. The terminal itself is not asked,
// which needs a dependency this module does not carry; shells set COLUMNS.
func outputWidth() int {
	n, err := strconv.Atoi(strings.TrimSpace(os.Getenv("COLUMNS")))
	if err != nil || n < 20 {
		return defaultWidth
	}
	return n
}

// wrapText breaks each line of s between words so that it fits width,
// continuing a "- " item under its text. A word longer than the width (an
// id, a URL) stays whole on a line of its own rather than being cut.
func wrapText(s string, width int) string {
	lines := strings.Split(s, "\n")
	for i, line := range lines {
		lines[i] = wrapLine(line, width)
	}
	return strings.Join(lines, "\n")
}

func wrapLine(line string, width int) string {
	if utf8.RuneCountInString(line) <= width {
		return line
	}
	lead := line[:len(line)-len(strings.TrimLeft(line, " "))]
	hang := lead
	if strings.HasPrefix(line[len(lead):], "- ") {
		hang += "  "
	}
	var b strings.Builder
	col := 0
	for i, word := range strings.Fields(line) {
		n := utf8.RuneCountInString(word)
		switch {
		case i == 0:
			b.WriteString(lead + word)
			col = len(lead) + n
		case col+1+n > width:
			b.WriteString("\n" + hang + word)
			col = len(hang) + n
		default:
			b.WriteString(" " + word)
			col += 1 + n
		}
	}
	return b.String()
}

// printWrapped writes s wrapped to width, with a final newline.
func printWrapped(w io.Writer, width int, format string, a ...any) {
	fmt.Fprintln(w, wrapText(fmt.Sprintf(format, a...), width))
}

// table is rows under a header, laid out to fit a width: when the columns
// do not fit, those in drop go first (in order), then the widest of those
// in shrink are cut short with an ellipsis.
type table struct {
	header []string
	rows   []row
	drop   []int
	shrink []int
}

// row is a table row. A row with a note (a data center without servers)
// prints its first cells, then the note, which does not widen any column.
type row struct {
	cells []string
	note  string
}

func (t *table) add(cells ...string) { t.rows = append(t.rows, row{cells: cells}) }

func (t *table) addNote(note string, cells ...string) {
	t.rows = append(t.rows, row{cells: cells, note: note})
}

const (
	colGap      = 2
	minColWidth = 8
)

// fitting is what a table left out to fit its width: the headers of the
// columns dropped, and the width that would show them all.
type fitting struct {
	dropped []string
	width   int // of the table whole
}

// render writes the table and says what it left out to fit, so that the
// caller can say how to see it.
func (t *table) render(w io.Writer, width int) (fitting, error) {
	keep := make([]bool, len(t.header))
	for i := range keep {
		keep[i] = true
	}
	widths := t.widths()
	whole := lineWidth(widths, keep)
	for _, c := range t.drop {
		if lineWidth(widths, keep) <= width {
			break
		}
		keep[c] = false
	}
	t.shrinkTo(widths, keep, width)
	var dropped []string
	for i, k := range keep {
		if !k {
			dropped = append(dropped, t.header[i])
		}
	}
	if err := t.write(w, widths, keep, width); err != nil {
		return fitting{}, err
	}
	return fitting{dropped: dropped, width: whole}, nil
}

func (t *table) widths() []int {
	widths := make([]int, len(t.header))
	measure := func(cells []string) {
		for i, c := range cells {
			widths[i] = max(widths[i], utf8.RuneCountInString(c))
		}
	}
	measure(t.header)
	for _, r := range t.rows {
		measure(r.cells)
	}
	return widths
}

func lineWidth(widths []int, keep []bool) int {
	n := 0
	for i, w := range widths {
		if keep[i] {
			n += w + colGap
		}
	}
	return n - colGap
}

// shrinkTo narrows the widest shrinkable column, one rune at a time, until
// the line fits or every such column is at its minimum.
func (t *table) shrinkTo(widths []int, keep []bool, width int) {
	for lineWidth(widths, keep) > width {
		widest := -1
		for _, c := range t.shrink {
			if keep[c] && widths[c] > minColWidth && (widest < 0 || widths[c] > widths[widest]) {
				widest = c
			}
		}
		if widest < 0 {
			return
		}
		widths[widest]--
	}
}

func (t *table) write(w io.Writer, widths []int, keep []bool, width int) error {
	line := func(cells []string, note string) error {
		var b strings.Builder
		for i, c := range cells {
			if !keep[i] {
				continue
			}
			cell := fit(c, widths[i])
			b.WriteString(cell + strings.Repeat(" ", widths[i]-utf8.RuneCountInString(cell)+colGap))
		}
		out := strings.TrimRight(b.String(), " ")
		if note != "" {
			// The note starts in the column after the cells, and continues
			// under its own first word.
			prefix := b.String()
			pw := utf8.RuneCountInString(prefix)
			wrapped := wrapText(note, max(width-pw, minColWidth))
			out = prefix + strings.ReplaceAll(wrapped, "\n", "\n"+strings.Repeat(" ", pw))
		}
		_, err := fmt.Fprintln(w, out)
		return err
	}
	if err := line(t.header, ""); err != nil {
		return err
	}
	for _, r := range t.rows {
		if err := line(r.cells, r.note); err != nil {
			return err
		}
	}
	return nil
}

// fit cuts s to n runes, marking the cut with an ellipsis.
func fit(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	r := []rune(s)
	return string(r[:n-1]) + "…"
}

// droppedNote says which columns were left out and how to see them.
func droppedNote(w io.Writer, width int, f fitting) {
	if len(f.dropped) == 0 {
		return
	}
	printWrapped(w, width, "(%s left out to fit %d columns; COLUMNS=%d shows them)", andList(f.dropped), width, f.width)
}

// andList is "a", "a and b" or "a, b and c".
func andList(items []string) string {
	if len(items) < 2 {
		return strings.Join(items, "")
	}
	return strings.Join(items[:len(items)-1], ", ") + " and " + items[len(items)-1]
}
