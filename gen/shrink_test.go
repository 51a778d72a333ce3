package gen

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"maps"
	"math"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/leanovate/gopter"
	"github.com/leanovate/gopter/prop"
	"github.com/stretchr/testify/require"
)

// hostsOver is a failure predicate: the plain form with hosts above n.
func hostsOver(n float64) func(Case) bool {
	return func(c Case) bool {
		var m map[string]any
		if json.Unmarshal(c.Body, &m) != nil {
			return false
		}
		h, ok := m["hosts"].(float64)
		return ok && h > n
	}
}

func decode(t *testing.T, b []byte) map[string]any {
	t.Helper()
	var m map[string]any
	require.NoError(t, json.Unmarshal(b, &m), "body %s", b)
	return m
}

func TestShrinkValidToBoundary(t *testing.T) {
	f := addons(t)
	g := newGen(t, f, Options{})
	fails := hostsOver(1000)
	var start Case
	for _, c := range g.Cases(testSeed(t), 200, true) {
		if fails(c) && len(c.Body) > 60 {
			start = c
			break
		}
	}
	require.NotEmpty(t, start.Body, "no valid case with hosts > 1000 and optional members in 200")

	got := g.Shrink(start, fails)
	want := map[string]any{"type": firstAddon(t, f.op), "hosts": 1001.0}
	if diff := cmp.Diff(want, decode(t, got.Body)); diff != "" {
		t.Errorf("Shrink(%s) (-want +got):\n%s", start, diff)
	}
	if got.Shrunk == 0 || got.Seed != start.Seed || got.Index != start.Index || got.Class != "" {
		t.Errorf("shrunk case lost its origin or its step count: %s", got)
	}
	require.Empty(t, f.validate(got.Body), "a shrunk valid case must stay valid")
}

func TestGopterShrinksValidCases(t *testing.T) {
	f := addons(t)
	g := newGen(t, f, Options{})
	params := gopter.DefaultTestParametersWithSeed(testSeed(t))
	params.MinSuccessfulTests = 500
	fails := hostsOver(1000)
	res := prop.ForAll(func(c Case) bool { return !fails(c) }, g.Valid()).Check(params)
	require.Equal(t, gopter.TestFailed, res.Status, "the property hosts <= 1000 must fail")
	require.Len(t, res.Args, 1)
	got := res.Args[0].Arg.(Case)
	want := map[string]any{"type": firstAddon(t, f.op), "hosts": 1001.0}
	if diff := cmp.Diff(want, decode(t, got.Body)); diff != "" {
		t.Errorf("gopter's shrunk counterexample from %v (-want +got):\n%s", res.Args[0].OrigArg, diff)
	}
}

func TestShrinkOutOfRangeStaysOutOfRange(t *testing.T) {
	f := addons(t)
	g := newGen(t, f, Options{Classes: []string{"out-of-range"}})
	checked := 0
	for _, c := range g.Cases(testSeed(t), 60, false) {
		if c.Field != "hosts" {
			continue
		}
		checked++
		got := g.Shrink(c, func(Case) bool { return true })
		require.NotEmpty(t, f.validate(got.Body), "shrunk %s passes the validator", got)
		m := decode(t, got.Body)
		h, ok := m["hosts"].(float64)
		require.True(t, ok, "shrunk body lost hosts: %s", got.Body)
		if h >= 1 && h <= math.MaxInt32 && h == math.Trunc(h) {
			t.Fatalf("shrinking %s brought hosts back in range: %s", c, got.Body)
		}
		// Minimal: the required type, at the first code, and the defect.
		if diff := cmp.Diff([]string{"hosts", "type"}, slices.Sorted(maps.Keys(m))); diff != "" {
			t.Errorf("shrunk %s keeps extra members (-want +got):\n%s", got.Body, diff)
		}
		if m["type"] != firstAddon(t, f.op) {
			t.Errorf("shrunk %s: type not shrunk to the first code", got.Body)
		}
		if h == math.Trunc(h) && h != 0 && h != math.MaxInt32+1 {
			t.Errorf("shrunk %s: hosts %v is not next to the bound it breaks", got.Body, h)
		}
	}
	require.Positive(t, checked, "no out-of-range case on hosts")
}

// tokens counts the JSON tokens of a well-formed body (a code may get
// longer as it moves to the first in the catalog; the body never gets more
// members, items or values).
func tokens(t *testing.T, b []byte) int {
	t.Helper()
	dec := json.NewDecoder(bytes.NewReader(b))
	n := 0
	for {
		_, err := dec.Token()
		if errors.Is(err, io.EOF) {
			return n
		}
		require.NoError(t, err, "body %s", b)
		n++
	}
}

// TestShrinkKeepsTheDefect shrinks invalid cases of every schema and catalog
// class with a predicate that always fails, so shrinking goes as far as it
// can: the class, layer and field stay, the layer still rejects the body,
// and the body never grows.
func TestShrinkKeepsTheDefect(t *testing.T) {
	f := addons(t)
	g := newGen(t, f, Options{})
	always := func(Case) bool { return true }
	k := len(g.Active())
	shrunk := 0
	for _, c := range g.Cases(testSeed(t), 4*k, false) {
		if c.Layer != LayerSchema && c.Layer != LayerCatalog {
			continue
		}
		got := g.Shrink(c, always)
		if got.Class != c.Class || got.Layer != c.Layer || got.Field != c.Field {
			t.Errorf("%s: shrunk to another case: %s", c, got)
		}
		if tokens(t, got.Body) > tokens(t, c.Body) {
			t.Errorf("%s: shrunk to more JSON tokens: %s", c, got.Body)
		}
		if msg := checkInvalid(f, g, got); msg != "" {
			t.Errorf("%s shrunk to %s: %s", c, got.Body, msg)
		}
		if got.Shrunk > 0 {
			shrunk++
		}
	}
	require.Greater(t, shrunk, k/2, "most invalid cases should shrink at least once")
}

func TestShrinkLeavesByteLevelCasesAlone(t *testing.T) {
	f := addons(t)
	g := newGen(t, f, Options{Classes: []string{"truncated", "trailing-data", "duplicate-key", "deep-nesting", "empty-body", "oversize-body"}})
	for _, c := range g.Cases(testSeed(t), 12, false) {
		got := g.Shrink(c, func(Case) bool { return true })
		if diff := cmp.Diff(c, got, bodyText); diff != "" {
			t.Errorf("%s: Shrink changed a %s-layer case (-want +got):\n%s", c.Class, c.Layer, diff)
		}
	}
}

func TestShrinkMediaCaseKeepsContentType(t *testing.T) {
	f := addons(t)
	g := newGen(t, f, Options{Classes: []string{"wrong-content-type"}})
	c := g.At(testSeed(t), 0, false)
	got := g.Shrink(c, func(Case) bool { return true })
	if got.ContentType != c.ContentType || got.Class != c.Class {
		t.Fatalf("got %s, want class and content type of %s", got, c)
	}
	require.Empty(t, f.validate(got.Body), "a media case's body stays valid")
	require.LessOrEqual(t, len(got.Body), len(c.Body))
	require.False(t, strings.Contains(string(got.Body), "_date"), "optional dates should be gone: %s", got.Body)
}
