package gen

import (
	"slices"
	"strings"
	"testing"

	"github.com/addons-contract/contract/spec"
	"github.com/leanovate/gopter"
	"github.com/leanovate/gopter/prop"
	"github.com/stretchr/testify/require"
)

// TestSecondDocument proves the generators are generic: testdata/pets.yaml
// is another operation (OpenAPI 3.0, no catalog) and gets valid and invalid
// cases with no Go change.
func TestSecondDocument(t *testing.T) {
	f := pets(t)
	g := newGen(t, f, Options{})

	active := g.Active()
	for _, id := range []string{"unknown-code", "wrong-slot-code", "base-code", "duplicate-code"} {
		if slices.Contains(active, id) {
			t.Errorf("class %s is active for a document without a catalog", id)
		}
	}
	for _, id := range []string{"missing-required", "wrong-type", "out-of-range", "malformed-date", "unknown-property", "truncated", "oversize-body"} {
		if !slices.Contains(active, id) {
			t.Errorf("class %s is not active for pets, want it", id)
		}
	}

	params := gopter.DefaultTestParametersWithSeed(testSeed(t))
	params.Workers = 1
	params.MinSuccessfulTests = selfCheckCases() / 3
	props := gopter.NewProperties(params)
	props.Property("valid pets pass the validator", prop.ForAll(func(c Case) string {
		if ps := f.validate(c.Body); len(ps) > 0 {
			return ps[0].Field + ": " + ps[0].Message
		}
		return ""
	}, g.Valid()))
	props.Property("invalid pets are rejected by their layer", prop.ForAll(func(c Case) string {
		return checkInvalid(f, g, c)
	}, g.Invalid()))
	props.TestingRun(t)

	// The keywords the document uses all show up in valid bodies.
	var all strings.Builder
	for _, c := range g.Cases(testSeed(t), 500, true) {
		all.Write(c.Body)
		all.WriteByte('\n')
	}
	for _, want := range []string{
		`"nickname":null`,                              // nullable
		`"contact":{"email":`, `"contact":{"phone":"+`, // anyOf, both branches
		`"kind":"bird"`,  // enum
		`"born_at":"`,    // date-time
		`"tags":["`,      // array of patterned strings
		`"weight":`,      // exclusiveMinimum
		`"price":`,       // multipleOf
		`"owner":{"id":`, // nested object
		`"x_`,            // additionalProperties with a schema
	} {
		if !strings.Contains(all.String(), want) {
			t.Errorf("500 valid pets never contain %s", want)
		}
	}
}

func TestNewRefuses(t *testing.T) {
	f := addons(t)
	noBody := *f.op
	noBody.Body = nil
	noSchema := *f.op
	noSchema.Body = &spec.Body{MediaType: "application/json"}
	tests := []struct {
		name    string
		reason  string
		op      *spec.Operation
		opts    Options
		wantErr string
	}{
		{"nil operation", "there is nothing to generate for", nil, Options{}, "no operation"},
		{"no body", "an operation without a body has no payloads", &noBody, Options{}, "no JSON request body schema"},
		{"no schema", "a body without a schema says nothing to generate from", &noSchema, Options{}, "no JSON request body schema"},
		{"unknown class", "a typo in Options.Classes must not silently generate nothing", f.op,
			Options{Classes: []string{"missing-required", "nope"}}, `unknown class "nope"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			g, err := New(tt.op, tt.opts)
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Errorf("New: got error %v, want one containing %q: %s", err, tt.wantErr, tt.reason)
			}
			if g != nil {
				t.Errorf("New returned a generator with its error")
			}
		})
	}
}

func TestOptionsClassesRestrictRotation(t *testing.T) {
	f := addons(t)
	want := []string{"out-of-range", "emoji", "empty-body"}
	g := newGen(t, f, Options{Classes: want})
	require.Equal(t, []string{"out-of-range", "emoji", "empty-body"}, g.Active(), "Active keeps Classes() order")
	for i, c := range g.Cases(testSeed(t), 9, false) {
		if c.Class != want[i%3] {
			t.Errorf("case %d: got class %s, want %s", i, c.Class, want[i%3])
		}
	}
}
