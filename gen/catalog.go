package gen

import (
	"slices"

	"github.com/addons-contract/contract/internal/jsonorder"
	"github.com/addons-contract/contract/spec"
)

// catalogAddon is the x-catalog rule for "any add-on (non-base) code".
const catalogAddon = spec.CatalogAddon

// catalogRule returns the field's x-catalog rule, "" when it has none.
func catalogRule(s *spec.Schema) string { return s.CatalogRule() }

// allowed lists, in catalog order, the codes a field with rule accepts. Base
// plans are never accepted: the endpoint adds plans, it does not change the
// base plan.
func (g *Generator) allowed(rule string) []string {
	var out []string
	for _, p := range g.op.Catalog {
		if p.Base {
			continue
		}
		if rule == catalogAddon || p.Place == rule {
			out = append(out, p.Code)
		}
	}
	return out
}

// inCatalog reports whether code is any catalog code, base plans included.
func (g *Generator) inCatalog(code string) bool {
	_, ok := g.op.Plan(code)
	return ok
}

// catalogHit is one catalog-bound field found in a body.
type catalogHit struct {
	path []step
	rule string
	val  value
}

// catalogHits appends to out the catalog-bound fields of v, as the spec
// finds them (Operation.PlanFields). The spec knows catalog fields by their
// path from the body's root, so v must be a whole body: s must be the body
// schema and path nil, which is what every caller passes.
func (g *Generator) catalogHits(s *spec.Schema, v value, path []step, out []catalogHit) []catalogHit {
	if s != g.body || len(path) > 0 {
		panic("gen: catalogHits walks whole bodies only")
	}
	for _, f := range g.op.PlanFields(v.ordered()) {
		at := stepsOf(f.At)
		x, _ := v.at(at) // the last of a repeated key, as PlanFields reads it
		out = append(out, catalogHit{path: at, rule: f.Rule, val: x})
	}
	return out
}

// stepsOf converts a spec path into this package's steps.
func stepsOf(p jsonorder.Path) []step {
	out := make([]step, len(p))
	for i, s := range p {
		if s.IsIndex {
			out[i] = index(s.Index)
		} else {
			out[i] = key(s.Name)
		}
	}
	return out
}

// catalogOK reports whether a body the schema accepts also passes the
// catalog rules: every catalog-bound field holds a code its rule accepts,
// and no code appears twice in one body.
func (g *Generator) catalogOK(body value) bool {
	hits := g.catalogHits(g.body, body, nil, nil)
	seen := make([]string, 0, len(hits))
	for _, h := range hits {
		if h.val.kind != kindString || !slices.Contains(g.allowed(h.rule), h.val.text) {
			return false
		}
		if slices.Contains(seen, h.val.text) {
			return false
		}
		seen = append(seen, h.val.text)
	}
	return true
}

// usedCodes lists the catalog codes a body already holds.
func (g *Generator) usedCodes(body value) []string {
	var out []string
	for _, h := range g.catalogHits(g.body, body, nil, nil) {
		if h.val.kind == kindString {
			out = append(out, h.val.text)
		}
	}
	return out
}

// CatalogOK reports whether body is one well-formed JSON value (no trailing
// data, no repeated key, nesting within MaxNesting) whose catalog-bound
// fields all hold codes their rule accepts, with no code twice. It says
// nothing of the schema: pair it with the spec's validator. Fuzz targets use
// it to know when a correct server must accept a body.
func (g *Generator) CatalogOK(body []byte) bool {
	v, err := jsonorder.Parse(body, jsonorder.Options{MaxDepth: maxParseDepth})
	return err == nil && g.catalogOK(fromOrdered(v))
}

// Codes lists the catalog codes body holds in its catalog-bound fields, in
// the spec's order (Operation.PlanCodes); nil when body is not one
// well-formed JSON value without a repeated key.
func (g *Generator) Codes(body []byte) []string {
	codes, err := g.op.PlanCodes(body)
	if err != nil {
		return nil
	}
	return codes
}
