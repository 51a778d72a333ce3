package contract

import (
	"bytes"
	"encoding/json"
	"io"
	"strings"
	"testing"

	"github.com/addons-contract/contract/gen"
	"github.com/addons-contract/contract/spec"
	"github.com/google/go-cmp/cmp"
	"github.com/stretchr/testify/require"
)

// decodeAsIs is decodeJSON as it reads b: encoding/json over the bytes as
// sent, no compaction. decodeJSON must agree with it on every input.
func decodeAsIs(b []byte) (any, bool) {
	if len(bytes.TrimSpace(b)) == 0 || jsonTooDeep(b, maxJSONDepth) {
		return nil, false
	}
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	var v any
	if dec.Decode(&v) != nil {
		return nil, false
	}
	if _, err := dec.Token(); err != io.EOF {
		return nil, false
	}
	return v, true
}

// compactCases are the texts whose whitespace matters: between tokens that
// would join, inside strings, around escapes, and malformed ones.
var compactCases = []string{
	``, ` `, "\t\r\n ", "\f", "\u00a0",
	`1 2`, `[1 2]`, `[1, 2]`, `tru e`, `true`, ` true `, `- 1`, `-1`, `1 .5`, `1e 5`, `nul l`,
	`{"a" : [ 1 , 2 ] , "b" : { } }`, `{"a":1} {}`, `{"a":1}   `, `   {"a":1}`, `{"a":1} x`,
	`"a b"`, `"a\" b"`, `"a\\" "b"`, `["a" "b"]`, `["a\\", "b"]`, `"\u0020 x"`, `"unterminated  `,
	`{"type":"x",  "hosts":  18}`, "{\n\t\"hosts\" :\r\n 1.8e1\n}", `[[[ ]]]`, `{"a": [ ] , "b":[{}]}`,
	`{"a":1,}`, `[,]`, `{"a" 1}`, `"x"1`, `1"x"`, "{\"a\":\"\x00\"}", "[1\x002]",
}

// TestDecodeJSONCompacted: decoding the compacted text gives what decoding
// the text as sent gives (valid or not, and the same value), for the edge
// cases above, a body past maxJSONDepth, and a generated body of every
// class, the size-limit ones padded with a megabyte of spaces among them.
func TestDecodeJSONCompacted(t *testing.T) {
	bodies := append([]string(nil), compactCases...)
	bodies = append(bodies, strings.Repeat("[", maxJSONDepth+1)+strings.Repeat("]", maxJSONDepth+1))
	doc, err := spec.Default()
	require.NoError(t, err)
	op, err := doc.Operation(spec.AddonsOperationID)
	require.NoError(t, err)
	g, err := gen.New(op, gen.Options{})
	require.NoError(t, err)
	for _, c := range append(g.Cases(1, len(g.Active()), false), g.Cases(1, 8, true)...) {
		bodies = append(bodies, string(c.Body))
	}
	for _, b := range bodies {
		want, wantOK := decodeAsIs([]byte(b))
		got, ok := decodeJSON([]byte(b))
		require.Equal(t, wantOK, ok, "valid as sent and compacted: %.80q", b)
		require.Empty(t, cmp.Diff(want, got), "value of %.80q", b)
	}
}

// FuzzDecodeJSON holds decodeJSON to decodeAsIs on any bytes.
func FuzzDecodeJSON(f *testing.F) {
	for _, c := range compactCases {
		f.Add([]byte(c))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		want, wantOK := decodeAsIs(b)
		got, ok := decodeJSON(b)
		if ok != wantOK || !cmp.Equal(want, got) {
			t.Fatalf("%q: compacted %v %v, as sent %v %v", b, got, ok, want, wantOK)
		}
	})
}

// BenchmarkDecodeJSON: a size-limit body (a megabyte of spaces in a small
// object), as the suite sends it.
func BenchmarkDecodeJSON(b *testing.B) {
	body := []byte(`{` + strings.Repeat(" ", 1<<20) + `"type":"webinar500_monthly","hosts":18}`)
	b.SetBytes(int64(len(body)))
	for b.Loop() {
		if _, ok := decodeJSON(body); !ok {
			b.Fatal("not decoded")
		}
	}
}
