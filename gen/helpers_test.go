package gen

import (
	"bytes"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"math/rand"
	"slices"
	"testing"

	"github.com/addons-contract/contract/spec"
	"github.com/google/go-cmp/cmp"
	"github.com/leanovate/gopter"
	"github.com/stretchr/testify/require"
)

// defaultSeed keeps `go test` reproducible; -seed explores other seeds.
const defaultSeed = 20240601

var seedFlag = flag.Int64("seed", 0, "seed of package gen's gopter properties (0: a fixed default)")

// testSeed returns the seed of this run and prints it if the test fails.
func testSeed(t *testing.T) int64 {
	t.Helper()
	s := *seedFlag
	if s == 0 {
		s = defaultSeed
	}
	t.Cleanup(func() {
		if t.Failed() {
			t.Logf("seed %d: rerun with go test ./gen -run '%s' -seed=%d", s, t.Name(), s)
		}
	})
	return s
}

// bodyText makes cmp compare bodies as strings: cmp's element-wise walk of
// a 1 MiB []byte takes seconds.
var bodyText = cmp.Transformer("text", func(b []byte) string { return string(b) })

// genParams are gopter parameters drawing from seed.
func genParams(seed int64) *gopter.GenParameters {
	return &gopter.GenParameters{MaxSize: 100, MaxShrinkCount: 1000, Rng: rand.New(gopter.NewLockedSource(seed))}
}

// fixture is an operation with its document's validator.
type fixture struct {
	op  *spec.Operation
	val *spec.Validator
}

// validate checks a body the way a server's first layer would.
func (f fixture) validate(body []byte) []spec.Problem {
	return f.val.Body(f.op, "application/json", body)
}

func load(t testing.TB, doc *spec.Document, err error, id string) fixture {
	t.Helper()
	require.NoError(t, err)
	op, err := doc.Operation(id)
	require.NoError(t, err)
	v, err := doc.Validator()
	require.NoError(t, err)
	return fixture{op: op, val: v}
}

// addons is the embedded spec's addons operation.
func addons(t testing.TB) fixture {
	t.Helper()
	doc, err := spec.Default()
	return load(t, doc, err, spec.AddonsOperationID)
}

// pets is the second document, testdata/pets.yaml.
func pets(t testing.TB) fixture {
	t.Helper()
	doc, err := spec.Load("testdata/pets.yaml")
	return load(t, doc, err, "createPet")
}

// newGen builds a generator for f, re-validating shrink steps with f's validator.
func newGen(t testing.TB, f fixture, opts Options) *Generator {
	t.Helper()
	opts.Validate = f.validate
	g, err := New(f.op, opts)
	require.NoError(t, err)
	return g
}

// firstAddon is the first non-base code of the catalog: where plan codes shrink to.
func firstAddon(t testing.TB, op *spec.Operation) string {
	t.Helper()
	for _, p := range op.Catalog {
		if !p.Base {
			return p.Code
		}
	}
	t.Fatal("catalog has no add-on code")
	return ""
}

// catalogViolation checks an addons body against the catalog rules of
// the spec (spec/addons.yaml), independently of package gen's own checker: every code is a
// non-base catalog code whose place fits its field, and no code repeats.
// It returns "" when the body keeps them.
func catalogViolation(op *spec.Operation, body []byte) string {
	var m map[string]any
	if err := json.Unmarshal(body, &m); err != nil {
		return "not a JSON object: " + err.Error()
	}
	type use struct{ field, code, place string }
	var uses []use
	codeOf := func(x any) string { s, _ := x.(string); return s }
	if t, ok := m["type"]; ok {
		uses = append(uses, use{"type", codeOf(t), ""})
	}
	if d, ok := m["plan_details"].(map[string]any); ok {
		if b, ok := d["plan_base"].(map[string]any); ok {
			uses = append(uses, use{"plan_details.plan_base.type", codeOf(b["type"]), "plan_phone.plan_base"})
		}
		for _, slot := range []string{"plan_calling", "plan_number"} {
			items, _ := d[slot].([]any)
			for i, it := range items {
				if o, ok := it.(map[string]any); ok {
					uses = append(uses, use{fmt.Sprintf("plan_details.%s[%d].type", slot, i), codeOf(o["type"]), "plan_phone." + slot + "[]"})
				}
			}
		}
	}
	var seen []string
	for _, u := range uses {
		i := slices.IndexFunc(op.Catalog, func(p spec.Plan) bool { return p.Code == u.code })
		switch {
		case i < 0:
			return u.field + ": " + u.code + " is not in the catalog"
		case op.Catalog[i].Base:
			return u.field + ": " + u.code + " is a base plan"
		case u.place != "" && op.Catalog[i].Place != u.place:
			return u.field + ": " + u.code + " belongs to " + op.Catalog[i].Place
		case slices.Contains(seen, u.code):
			return u.field + ": " + u.code + " repeats"
		}
		seen = append(seen, u.code)
	}
	return ""
}

// wellFormedObject reports whether body is exactly one JSON object, no
// deeper than MaxNesting, with no object repeating a key.
func wellFormedObject(body []byte) bool {
	// json.Compact rejects what json.Valid rejects (trailing data, nesting
	// past encoding/json's limit included), and compacting first keeps the
	// token walk fast over oversize bodies, which are mostly whitespace.
	var compact bytes.Buffer
	if err := json.Compact(&compact, body); err != nil {
		return false
	}
	dec := json.NewDecoder(&compact)
	tok, err := dec.Token()
	if err != nil || tok != json.Delim('{') {
		return false
	}
	return noDuplicateKeys(dec, true) == nil
}

// noDuplicateKeys walks the rest of an object (inObject) or array whose
// opening delimiter was just read.
func noDuplicateKeys(dec *json.Decoder, inObject bool) error {
	var keys []string
	for dec.More() {
		if inObject {
			k, err := dec.Token()
			if err != nil {
				return err
			}
			name := k.(string)
			if slices.Contains(keys, name) {
				return fmt.Errorf("duplicate key %q", name)
			}
			keys = append(keys, name)
		}
		tok, err := dec.Token()
		if err != nil {
			return err
		}
		if d, ok := tok.(json.Delim); ok {
			if err := noDuplicateKeys(dec, d == '{'); err != nil {
				return err
			}
		}
	}
	_, err := dec.Token() // the closing delimiter
	if errors.Is(err, io.EOF) {
		return nil
	}
	return err
}
