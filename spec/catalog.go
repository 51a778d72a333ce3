package spec

import (
	"fmt"
	"slices"
	"strings"

	"github.com/addons-contract/contract/internal/jsonorder"
)

// extSchemaCatalog marks a request body field that carries a plan code; its
// value is the field's rule.
const extSchemaCatalog = "x-catalog"

// CatalogAddon is the x-catalog rule of a field that takes any add-on
// (non-base) code of the catalog; any other rule is a catalog place, and
// the field takes the codes of that place.
const CatalogAddon = "addon"

// CatalogRule returns the schema's x-catalog rule, "" when it has none
// (or s is nil).
func (s *Schema) CatalogRule() string {
	if s == nil {
		return ""
	}
	r, _ := s.Extensions[extSchemaCatalog].(string)
	return r
}

// ItemsStep is the CatalogField.Path step into the items of an array.
const ItemsStep = "[]"

// CatalogField is one request body field that carries a plan code: a
// schema marked x-catalog, reached from the body's root through
// properties, array items and composition.
type CatalogField struct {
	Path []string // property names from the body's root, ItemsStep for array items
	Rule string   // CatalogAddon or a catalog place
}

// String renders the field as "plan_details.plan_calling[].type".
func (f CatalogField) String() string {
	var b strings.Builder
	for i, s := range f.Path {
		if i > 0 && s != ItemsStep {
			b.WriteByte('.')
		}
		b.WriteString(s)
	}
	return b.String()
}

// PlanField is one value a body holds at a catalog field.
type PlanField struct {
	At    jsonorder.Path  // where, e.g. plan_details.plan_calling[0].type
	Rule  string          // the field's x-catalog rule
	Value jsonorder.Value // as written: a plan code when its Kind is String
	Hosts jsonorder.Value // the "hosts" member beside it, as written; Kind None when absent
}

// PlanFields returns every value body holds at one of the operation's
// catalog fields, in the order of CatalogFields (the schema's), array items
// in body order. That is the order in which the already_has row names the
// first held code of a phone form (plan_base, plan_calling, plan_number).
// Of a repeated key the last member counts, as encoding/json reads it.
func (op *Operation) PlanFields(body jsonorder.Value) []PlanField {
	var out []PlanField
	for _, f := range op.CatalogFields {
		out = findField(body, jsonorder.Value{}, f.Path, nil, f.Rule, out)
	}
	return out
}

// findField follows the rest of a catalog field's path down v; parent is
// the object v is a member of (the zero Value at the root and for items).
func findField(v, parent jsonorder.Value, rest []string, at jsonorder.Path, rule string, out []PlanField) []PlanField {
	if len(rest) == 0 {
		hosts, _ := parent.Get("hosts")
		return append(out, PlanField{At: at, Rule: rule, Value: v, Hosts: hosts})
	}
	if rest[0] == ItemsStep {
		if v.Kind == jsonorder.Array {
			for i, it := range v.Items {
				out = findField(it, jsonorder.Value{}, rest[1:], at.With(jsonorder.Index(i)), rule, out)
			}
		}
		return out
	}
	if v.Kind == jsonorder.Object {
		if m, ok := v.Get(rest[0]); ok {
			out = findField(m, v, rest[1:], at.With(jsonorder.Key(rest[0])), rule, out)
		}
	}
	return out
}

// PlanCodes reads body, one JSON value without a repeated key, and returns
// the plan codes it names at the operation's catalog fields, in the order
// of PlanFields. Values there that are not strings are no codes.
func (op *Operation) PlanCodes(body []byte) ([]string, error) {
	v, err := jsonorder.Parse(body, jsonorder.Options{})
	if err != nil {
		return nil, fmt.Errorf("reading plan codes: %w", err)
	}
	var codes []string
	for _, f := range op.PlanFields(v) {
		if f.Value.Kind == jsonorder.String {
			codes = append(codes, f.Value.Text)
		}
	}
	return codes, nil
}

// maxFieldDepth bounds the schema walk of catalogFields: schemas may nest
// through $ref cycles, and a body is judged only a few levels deep.
const maxFieldDepth = 32

// catalogFields finds the request body's x-catalog markers and checks each
// rule names CatalogAddon or a place of the operation's catalog (read
// before). A path reached twice (through composition) counts once; two
// rules for one path are an error.
func (b *builder) catalogFields(op *Operation) []CatalogField {
	if op.Body == nil || op.Body.Schema == nil {
		return nil
	}
	places := map[string]bool{}
	for _, p := range op.Catalog {
		places[p.Place] = true
	}
	var out []CatalogField
	onPath := map[*Schema]bool{}
	var walk func(s *Schema, path []string)
	walk = func(s *Schema, path []string) {
		if s == nil || onPath[s] || len(path) > maxFieldDepth {
			return // a cycle through $ref repeats what its first round found
		}
		if _, marked := s.Extensions[extSchemaCatalog]; marked {
			out = b.addField(out, s, path, places)
			return
		}
		onPath[s] = true
		defer delete(onPath, s)
		for _, group := range [][]*Schema{s.AllOf, s.OneOf, s.AnyOf} {
			for _, c := range group {
				walk(c, path)
			}
		}
		for _, p := range s.Properties {
			walk(p.Schema, append(slices.Clip(path), p.Name))
		}
		walk(s.Items, append(slices.Clip(path), ItemsStep))
	}
	walk(op.Body.Schema, nil)
	return out
}

// addField checks the marker on s and adds its field to out.
func (b *builder) addField(out []CatalogField, s *Schema, path []string, places map[string]bool) []CatalogField {
	m := b.marks[s]
	f := CatalogField{Path: path, Rule: s.CatalogRule()}
	switch {
	case f.Rule == "":
		b.fail(m.node, m.ptr, "want a string: %q or a place of x-plan-catalog", CatalogAddon)
		return out
	case len(places) == 0:
		b.fail(m.node, m.ptr, "x-catalog %q, but the operation has no x-plan-catalog", f.Rule)
		return out
	case f.Rule != CatalogAddon && !places[f.Rule]:
		b.fail(m.node, m.ptr, "x-catalog %q is neither %q nor a place of x-plan-catalog", f.Rule, CatalogAddon)
		return out
	}
	for _, g := range out {
		if g.String() != f.String() {
			continue
		}
		if g.Rule != f.Rule {
			b.fail(m.node, m.ptr, "body field %s has two x-catalog rules, %q and %q", f, g.Rule, f.Rule)
		}
		return out
	}
	return append(out, f)
}
