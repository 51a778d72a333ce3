package golden

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"sort"
	"strings"
)

// Masked is the value Normalize puts in place of a masked field.
const Masked = "<masked>"

// Normalize turns a response body into the value a golden file stores. A JSON
// body becomes its value with numbers kept exact (json.Number, so 18 and 18.0
// differ only if the server changed them); every string equal to or
// containing a key of replace has that key replaced by its placeholder
// (longest key first, object keys untouched); and every field whose JSON path
// is in mask becomes Masked. A path is dotted from the root, with "[]" for
// array items: "plan_base.hosts", "plan_zoom_events[].type", "[]" for the
// items of a top-level array. A body that is not exactly one JSON value is
// kept as a string, with replace applied.
func Normalize(body []byte, replace map[string]string, mask []string) any {
	r := replacer(replace)
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		return r.Replace(string(body))
	}
	if _, err := dec.Token(); err != io.EOF {
		return r.Replace(string(body))
	}
	masked := make(map[string]bool, len(mask))
	for _, m := range mask {
		masked[m] = true
	}
	n := normalizer{r: r, mask: masked}
	return n.value("", v)
}

// replacer builds one strings.Replacer trying longer keys first, so an id
// that extends another ("sub-1" and "sub-10") gets its own placeholder.
func replacer(replace map[string]string) *strings.Replacer {
	keys := make([]string, 0, len(replace))
	for k := range replace {
		if k != "" { // an empty key would match between every two bytes
			keys = append(keys, k)
		}
	}
	sort.Slice(keys, func(i, j int) bool {
		if len(keys[i]) != len(keys[j]) {
			return len(keys[i]) > len(keys[j])
		}
		return keys[i] < keys[j]
	})
	pairs := make([]string, 0, 2*len(keys))
	for _, k := range keys {
		pairs = append(pairs, k, replace[k])
	}
	return strings.NewReplacer(pairs...)
}

type normalizer struct {
	r    *strings.Replacer
	mask map[string]bool
}

func (n normalizer) value(path string, v any) any {
	if path != "" && n.mask[path] {
		return Masked
	}
	switch v := v.(type) {
	case string:
		return n.r.Replace(v)
	case map[string]any:
		out := make(map[string]any, len(v))
		for k, child := range v {
			p := k
			if path != "" {
				p = path + "." + k
			}
			out[k] = n.value(p, child)
		}
		return out
	case []any:
		out := make([]any, len(v))
		for i, child := range v {
			out[i] = n.value(path+"[]", child)
		}
		return out
	}
	return v // json.Number, bool, nil
}

// Encode returns the canonical bytes of e: indented JSON with sorted object
// keys, no HTML escaping and a trailing newline, byte-identical for equal
// entries. Encode panics if e.Body holds a value encoding/json cannot encode
// (a channel, a func, NaN); Normalize never produces one, and Write reports
// it as an error instead.
func Encode(e Entry) []byte {
	data, err := encode(e)
	if err != nil {
		panic("golden: " + err.Error())
	}
	return data
}

// encode marshals e once to turn structs and typed maps into plain JSON
// values, then re-encodes those: map[string]any keys come out sorted.
func encode(e Entry) ([]byte, error) {
	raw, err := json.Marshal(e.Body)
	if err != nil {
		return nil, fmt.Errorf("cannot encode body: %w", err)
	}
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	var body any
	if err := dec.Decode(&body); err != nil {
		return nil, fmt.Errorf("cannot encode body: %w", err)
	}
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false) // "<masked>" stays readable in diffs and reviews
	enc.SetIndent("", "  ")
	if err := enc.Encode(Entry{Spec: e.Spec, Status: e.Status, ContentType: e.ContentType, Body: body}); err != nil {
		return nil, fmt.Errorf("cannot encode entry: %w", err)
	}
	return buf.Bytes(), nil // Encoder.Encode ends with the newline
}
