package lenient

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"
)

// ErrTooLarge is returned for an answer longer than the reader's cap.
var ErrTooLarge = errors.New("the answer is larger than this client accepts")

// headBytes is how much of an answer CappedReader keeps, to say what an
// answer that is not the JSON expected was instead.
const headBytes = 512

// CappedReader counts what is read from R and fails past Max bytes, so an
// answer is never read whole whatever its size. It keeps the answer's
// first bytes, and the error of R other than its end.
type CappedReader struct {
	R    io.Reader
	Max  int64
	N    int64  // bytes read so far
	Head []byte // the first bytes read
	Err  error  // R's error, when it was not io.EOF: the answer broke off
}

func (c *CappedReader) Read(p []byte) (int, error) {
	if c.N >= c.Max {
		return 0, fmt.Errorf("%w (%d MiB)", ErrTooLarge, c.Max>>20)
	}
	if rest := c.Max - c.N; int64(len(p)) > rest {
		p = p[:rest]
	}
	n, err := c.R.Read(p)
	if keep := min(n, headBytes-len(c.Head)); keep > 0 {
		c.Head = append(c.Head, p[:keep]...)
	}
	c.N += int64(n)
	if err != nil && err != io.EOF {
		c.Err = err
	}
	return n, err
}

// Stream reads a collection as it arrives: each element of items is
// decoded on its own by item, so a page is never held whole; the other
// top-level members are skipped, but _links, which is returned.
func Stream(r io.Reader, item func(*json.Decoder) error) (Links, error) {
	var links Links
	dec := json.NewDecoder(r)
	if err := expectDelim(dec, '{'); err != nil {
		return links, err
	}
	sawItems := false
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			return links, err
		}
		key, _ := tok.(string)
		switch {
		case strings.EqualFold(key, "items"): // encoding/json matches keys regardless of case
			if sawItems {
				return links, errors.New("the collection has two items arrays")
			}
			if err := streamArray(dec, item); err != nil {
				return links, err
			}
			sawItems = true
		case strings.EqualFold(key, "_links"):
			var raw json.RawMessage
			if err := dec.Decode(&raw); err != nil {
				return links, err
			}
			if err := objectOrNothing(raw, &links); err != nil {
				return links, fmt.Errorf("reading _links: %w", err)
			}
		default:
			var skip json.RawMessage
			if err := dec.Decode(&skip); err != nil {
				return links, err
			}
		}
	}
	if err := expectDelim(dec, '}'); err != nil {
		return links, err
	}
	if !sawItems {
		return links, errors.New("the collection has no items array")
	}
	return links, nil
}

func streamArray(dec *json.Decoder, item func(*json.Decoder) error) error {
	tok, err := dec.Token()
	if err != nil {
		return err
	}
	if tok == nil { // "items": null reads as no items
		return nil
	}
	if d, ok := tok.(json.Delim); !ok || d != '[' {
		return fmt.Errorf("items is %v, not an array", tok)
	}
	for dec.More() {
		if err := item(dec); err != nil {
			return err
		}
	}
	return expectDelim(dec, ']')
}

func expectDelim(dec *json.Decoder, want json.Delim) error {
	tok, err := dec.Token()
	if err != nil {
		return err
	}
	if d, ok := tok.(json.Delim); !ok || d != want {
		return fmt.Errorf("the answer is not a JSON collection (found %v where %q belongs)", tok, want)
	}
	return nil
}
