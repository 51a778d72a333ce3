package gen

import (
	"slices"

	"github.com/addons-contract/contract/spec"
)

// catalogExt is the schema extension that ties a string field to the
// operation's plan catalog: "addon" takes any non-base code; any other value
// is a catalog place and the field takes the codes of that place.
const catalogExt = "x-catalog"

// catalogAddon is the x-catalog value for "any add-on (non-base) code".
const catalogAddon = "addon"

// catalogRule returns the field's x-catalog rule, "" when it has none.
func catalogRule(s *spec.Schema) string {
	if s == nil {
		return ""
	}
	r, _ := s.Extensions[catalogExt].(string)
	return r
}

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
	return slices.ContainsFunc(g.op.Catalog, func(p spec.Plan) bool { return p.Code == code })
}

// catalogHit is one catalog-bound field found in a body.
type catalogHit struct {
	path []step
	rule string
	val  value
}

// catalogHits finds the catalog-bound fields of v, following the schema
// branches v matches.
func (g *Generator) catalogHits(s *spec.Schema, v value, path []step, out []catalogHit) []catalogHit {
	if s == nil || len(path) > 64 {
		return out
	}
	eff := g.effective(s, v)
	if rule := catalogRule(eff); rule != "" {
		out = append(out, catalogHit{path: path, rule: rule, val: v})
	}
	switch v.kind {
	case kindObject:
		for _, m := range v.members {
			out = g.catalogHits(g.childSchema(eff, key(m.name)), m.value, appendPath(path, key(m.name)), out)
		}
	case kindArray:
		for i, it := range v.items {
			out = g.catalogHits(g.childSchema(eff, index(i)), it, appendPath(path, index(i)), out)
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
	v, err := parseValue(body)
	return err == nil && !repeatsKey(v) && g.catalogOK(v)
}

// repeatsKey reports whether any object in v names a member twice.
func repeatsKey(v value) bool {
	seen := map[string]bool{}
	for _, m := range v.members {
		if seen[m.name] || repeatsKey(m.value) {
			return true
		}
		seen[m.name] = true
	}
	for _, it := range v.items {
		if repeatsKey(it) {
			return true
		}
	}
	return false
}

// Codes lists the catalog codes body holds in its catalog-bound fields, in
// body order; nil when body is not well-formed JSON.
func (g *Generator) Codes(body []byte) []string {
	v, err := parseValue(body)
	if err != nil {
		return nil
	}
	return g.usedCodes(v)
}
