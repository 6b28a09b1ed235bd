package sim

import (
	"strconv"
	"unicode/utf8"
)

// jsonWriter appends JSON to a byte slice, indented like
// json.MarshalIndent(v, "", "  ") or compact. Responses are written with it
// instead of encoding/json because it is several times faster, emits fields
// in the API's order, and lets the depth rules decide field by field what to
// write without building intermediate structs.
type jsonWriter struct {
	buf      []byte
	pretty   bool
	level    int
	empty    bool // the current container has no element yet
	afterKey bool // the next value completes a "key": pair
}

func (w *jsonWriter) reset(pretty bool) {
	w.buf = w.buf[:0]
	w.pretty = pretty
	w.level = 0
	w.empty = true
	w.afterKey = false
}

func (w *jsonWriter) newline() {
	if !w.pretty {
		return
	}
	w.buf = append(w.buf, '\n')
	for range w.level {
		w.buf = append(w.buf, ' ', ' ')
	}
}

// value prepares for a value: nothing after a key, a separator in an array.
func (w *jsonWriter) value() {
	if w.afterKey {
		w.afterKey = false
		return
	}
	if w.level == 0 {
		return
	}
	if !w.empty {
		w.buf = append(w.buf, ',')
	}
	w.empty = false
	w.newline()
}

func (w *jsonWriter) key(k string) {
	if !w.empty {
		w.buf = append(w.buf, ',')
	}
	w.empty = false
	w.newline()
	w.buf = appendJSONString(w.buf, k)
	w.buf = append(w.buf, ':')
	if w.pretty {
		w.buf = append(w.buf, ' ')
	}
	w.afterKey = true
}

func (w *jsonWriter) open(c byte) {
	w.value()
	w.buf = append(w.buf, c)
	w.level++
	w.empty = true
}

func (w *jsonWriter) close(c byte) {
	w.level--
	if !w.empty {
		w.newline()
	}
	w.buf = append(w.buf, c)
	w.empty = false
}

func (w *jsonWriter) beginObject() { w.open('{') }
func (w *jsonWriter) endObject()   { w.close('}') }
func (w *jsonWriter) beginArray()  { w.open('[') }
func (w *jsonWriter) endArray()    { w.close(']') }

func (w *jsonWriter) str(s string) {
	w.value()
	w.buf = appendJSONString(w.buf, s)
}

// concat writes the concatenation of parts as one string without building it.
func (w *jsonWriter) concat(parts ...string) {
	w.value()
	w.buf = append(w.buf, '"')
	for _, p := range parts {
		w.buf = appendJSONStringBody(w.buf, p)
	}
	w.buf = append(w.buf, '"')
}

// concatThen writes the concatenation of head and then tail as one string.
func (w *jsonWriter) concatThen(head []string, tail ...string) {
	w.value()
	w.buf = append(w.buf, '"')
	for _, p := range head {
		w.buf = appendJSONStringBody(w.buf, p)
	}
	for _, p := range tail {
		w.buf = appendJSONStringBody(w.buf, p)
	}
	w.buf = append(w.buf, '"')
}

func (w *jsonWriter) int(v int64) {
	w.value()
	w.buf = strconv.AppendInt(w.buf, v, 10)
}

// float writes a number the shortest way that reads back the same: 50, 0.63.
func (w *jsonWriter) float(v float64) {
	w.value()
	w.buf = strconv.AppendFloat(w.buf, v, 'f', -1, 64)
}

func (w *jsonWriter) bool(v bool) {
	w.value()
	w.buf = strconv.AppendBool(w.buf, v)
}

func (w *jsonWriter) null() {
	w.value()
	w.buf = append(w.buf, "null"...)
}

// Shorthands for "key": value.
func (w *jsonWriter) kstr(k, v string)              { w.key(k); w.str(v) }
func (w *jsonWriter) kint(k string, v int64)        { w.key(k); w.int(v) }
func (w *jsonWriter) kfloat(k string, v float64)    { w.key(k); w.float(v) }
func (w *jsonWriter) kbool(k string, v bool)        { w.key(k); w.bool(v) }
func (w *jsonWriter) knull(k string)                { w.key(k); w.null() }
func (w *jsonWriter) kconcat(k string, p ...string) { w.key(k); w.concat(p...) }

// finish ends the document the way encoding/json's Encoder would in pretty
// mode: with a newline, which makes curl output readable.
func (w *jsonWriter) finish() []byte {
	if w.pretty {
		w.buf = append(w.buf, '\n')
	}
	return w.buf
}

func appendJSONString(b []byte, s string) []byte {
	b = append(b, '"')
	b = appendJSONStringBody(b, s)
	return append(b, '"')
}

// appendJSONStringBody escapes s for use inside a JSON string. Plain ASCII,
// the common case, is copied in one go.
func appendJSONStringBody(b []byte, s string) []byte {
	start := 0
	for i := 0; i < len(s); {
		c := s[i]
		if c >= 0x20 && c != '"' && c != '\\' && c < utf8.RuneSelf {
			i++
			continue
		}
		b = append(b, s[start:i]...)
		if c < utf8.RuneSelf {
			b = appendEscapedByte(b, c)
			i++
			start = i
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == utf8.RuneError && size == 1:
			b = append(b, `\ufffd`...)
		case r == '\u2028' || r == '\u2029':
			b = append(b, `\u202`...)
			b = append(b, "0123456789abcdef"[r&0xf])
		default:
			b = append(b, s[i:i+size]...)
		}
		i += size
		start = i
	}
	return append(b, s[start:]...)
}

func appendEscapedByte(b []byte, c byte) []byte {
	switch c {
	case '"', '\\':
		return append(b, '\\', c)
	case '\n':
		return append(b, '\\', 'n')
	case '\r':
		return append(b, '\\', 'r')
	case '\t':
		return append(b, '\\', 't')
	}
	const hex = "0123456789abcdef"
	return append(b, '\\', 'u', '0', '0', hex[c>>4], hex[c&0xf])
}
