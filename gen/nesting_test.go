package gen

import (
	"bytes"
	"encoding/json"
	"testing"

	"github.com/stretchr/testify/require"
)

// TestSyntaxClassesShape: every deep-nesting case nests past MaxNesting
// (NestedDeeper says so, in one pass) and no valid body does; every
// oversize case is a valid body padded with spaces just past the limit.
func TestSyntaxClassesShape(t *testing.T) {
	f := addons(t)
	g := newGen(t, f, Options{SizeLimit: 4096})
	seed := testSeed(t)
	for _, c := range g.Cases(seed, 3*len(g.Active()), false) {
		switch c.Class {
		case "deep-nesting":
			require.True(t, NestedDeeper(c.Body, MaxNesting), "deep-nesting case %s", c)
		case "oversize-body":
			require.Greater(t, len(c.Body), 4096, "oversize case %s", c)
			require.LessOrEqual(t, len(c.Body), 4096+1024, "oversize case %s", c)
			require.True(t, json.Valid(c.Body), "oversize case %s is one JSON value", c)
			compact := bytes.ReplaceAll(c.Body, []byte(" "), nil)
			require.Less(t, len(compact), 1024, "oversize case %s: the padding is spaces", c)
		}
	}
	for _, c := range g.Cases(seed, 20, true) {
		require.False(t, NestedDeeper(c.Body, MaxNesting), "valid case %s", c)
	}
}
