package gen_test

import (
	"encoding/json"
	"fmt"
	"testing"

	"github.com/addons-contract/contract/gen"
	"github.com/addons-contract/contract/spec"
)

// Generators come from the spec: load the operation, build a Generator once,
// then take reproducible cases by (seed, index).
func ExampleGenerator_Cases() {
	doc, err := spec.Default()
	if err != nil {
		panic(err)
	}
	op, err := doc.Operation(spec.AddonsOperationID)
	if err != nil {
		panic(err)
	}
	g, err := gen.New(op, gen.Options{})
	if err != nil {
		panic(err)
	}
	valid := 0
	for _, c := range g.Cases(42, 100, true) {
		if json.Valid(c.Body) {
			valid++
		}
	}
	fmt.Println(valid, "valid bodies")
	for _, c := range g.Cases(42, 3, false) {
		fmt.Println(c.Class, c.Layer)
	}
	// Output:
	// 100 valid bodies
	// missing-required schema
	// wrong-type schema
	// out-of-range schema
}

func benchGen(b *testing.B) *gen.Generator {
	b.Helper()
	doc, err := spec.Default()
	if err != nil {
		b.Fatal(err)
	}
	op, err := doc.Operation(spec.AddonsOperationID)
	if err != nil {
		b.Fatal(err)
	}
	g, err := gen.New(op, gen.Options{})
	if err != nil {
		b.Fatal(err)
	}
	return g
}

// BenchmarkCases measures generation alone (no validation), 100 cases an
// iteration. The invalid figure includes oversize bodies (1 MiB each).
func BenchmarkCases(b *testing.B) {
	g := benchGen(b)
	for _, valid := range []bool{true, false} {
		name := "invalid"
		if valid {
			name = "valid"
		}
		b.Run(name, func(b *testing.B) {
			n := 0
			for i := 0; b.Loop(); i++ {
				n += len(g.Cases(int64(i), 100, valid))
			}
			b.ReportMetric(float64(n)/b.Elapsed().Seconds(), "cases/s")
		})
	}
}
