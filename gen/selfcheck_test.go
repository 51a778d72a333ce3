package gen

import (
	"mime"
	"slices"
	"testing"
	"time"

	"github.com/leanovate/gopter"
	"github.com/leanovate/gopter/prop"
)

// The self-check: package gen's generators hold to the spec's own validator
// (libopenapi-validator, formats asserted) over thousands of cases.

// selfCheckCases is how many valid and how many invalid cases the
// self-check draws: thousands normally, fewer under -race or -short.
func selfCheckCases() int {
	if raceEnabled || testing.Short() {
		return 300
	}
	return 3000
}

func TestSelfCheckAddons(t *testing.T) {
	f := addons(t)
	g := newGen(t, f, Options{})
	params := gopter.DefaultTestParametersWithSeed(testSeed(t))
	params.Workers = 1

	n := selfCheckCases()
	start := time.Now()
	params.MinSuccessfulTests = n
	props := gopter.NewProperties(params)
	props.Property("every valid case passes the validator and the catalog", prop.ForAll(
		func(c Case) string {
			if c.Class != "" || c.Layer != LayerNone || c.ContentType != "application/json" {
				return "not tagged as a valid case: " + c.String()
			}
			if ps := f.validate(c.Body); len(ps) > 0 {
				return "validator rejects it: " + ps[0].Field + ": " + ps[0].Message
			}
			if v := catalogViolation(f.op, c.Body); v != "" {
				return "catalog rejects it: " + v
			}
			return ""
		}, g.Valid()))
	props.TestingRun(t)
	t.Logf("%d valid cases checked in %v", n, time.Since(start))

	start = time.Now()
	params.MinSuccessfulTests = n
	props = gopter.NewProperties(params)
	props.Property("every invalid case is rejected by its layer, and only by it", prop.ForAll(
		func(c Case) string { return checkInvalid(f, g, c) }, g.Invalid()))
	props.TestingRun(t)
	t.Logf("%d invalid cases checked in %v", n, time.Since(start))
}

// checkInvalid says what is wrong with an invalid case, "" when nothing.
func checkInvalid(f fixture, g *Generator, c Case) string {
	info := classInfo(c.Class)
	if info == nil {
		return "unknown class " + c.Class
	}
	if !slices.Contains(info.Layers, c.Layer) {
		return "class " + c.Class + " cannot land in layer " + string(c.Layer)
	}
	switch c.Layer {
	case LayerSchema:
		if len(f.validate(c.Body)) == 0 {
			return "schema-layer case passes the validator"
		}
	case LayerCatalog:
		if ps := f.validate(c.Body); len(ps) > 0 {
			return "catalog-layer case fails the schema: " + ps[0].Message
		}
		if f.op.ID == "accountPlanAddonCreate" && catalogViolation(f.op, c.Body) == "" {
			return "catalog-layer case breaks no catalog rule"
		}
	case LayerSyntax:
		if wellFormedObject(c.Body) {
			return "syntax-layer case is a well-formed JSON object without duplicate keys"
		}
	case LayerMedia:
		if mt, _, _ := mime.ParseMediaType(c.ContentType); mt == "application/json" {
			return "media-layer case is sent as application/json"
		}
		if len(f.validate(c.Body)) > 0 {
			return "media-layer case's body is not valid: only the media type may be wrong"
		}
	case LayerSize:
		if len(c.Body) <= g.opts.SizeLimit {
			return "size-layer case is within the size limit"
		}
		if !wellFormedObject(c.Body) {
			return "size-layer case is not one JSON object: only the size may be wrong"
		}
	default:
		return "invalid case without a layer"
	}
	if c.Layer != LayerMedia && c.ContentType != "application/json" {
		return "non-media case sent as " + c.ContentType
	}
	return ""
}

func classInfo(id string) *ClassInfo {
	for _, ci := range Classes() {
		if ci.ID == id {
			return &ci
		}
	}
	return nil
}

func TestInvalidCoversEveryClass(t *testing.T) {
	f := addons(t)
	g := newGen(t, f, Options{})
	var ids []string
	for _, ci := range Classes() {
		ids = append(ids, ci.ID)
	}
	if got := g.Active(); !slices.Equal(got, ids) {
		t.Fatalf("the addons operation should make every class: got %v, want %v", got, ids)
	}

	p := genParams(testSeed(t))
	seen := map[string]int{}
	for range 40 * len(ids) {
		c, ok := g.Invalid()(p).Retrieve()
		if !ok {
			t.Fatal("Invalid() yielded no case")
		}
		seen[c.(Case).Class]++
	}
	for _, id := range ids {
		if seen[id] == 0 {
			t.Errorf("class %s: never produced by Invalid() in %d draws", id, 40*len(ids))
		}
	}
}

func TestClassGeneratesOnlyItsClass(t *testing.T) {
	f := addons(t)
	g := newGen(t, f, Options{})
	p := genParams(testSeed(t))
	for _, ci := range Classes() {
		t.Run(ci.ID, func(t *testing.T) {
			for range 8 {
				x, ok := g.Class(ci.ID)(p).Retrieve()
				if !ok {
					t.Fatalf("Class(%q) yielded no case", ci.ID)
				}
				c := x.(Case)
				if c.Class != ci.ID {
					t.Fatalf("got class %s, want %s", c.Class, ci.ID)
				}
				if msg := checkInvalid(f, g, c); msg != "" {
					t.Fatalf("%s: %s", c, msg)
				}
				// Reproducible from (Seed, Index).
				if again := g.At(c.Seed, c.Index, false); !slices.Equal(again.Body, c.Body) {
					t.Fatalf("At(%d, %d) gives other bytes than the generated case", c.Seed, c.Index)
				}
			}
		})
	}
	if _, ok := g.Class("no-such-class")(p).Retrieve(); ok {
		t.Error("Class of an unknown id yielded a case, want none")
	}
}
