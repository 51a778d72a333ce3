package gen

import (
	"maps"
	"slices"

	"github.com/addons-contract/contract/spec"
)

// maxMergeDepth bounds allOf resolution through $ref cycles.
const maxMergeDepth = 16

// resolve folds s's allOf members into one schema, for generation. Checking
// never uses the folded form: it applies every keyword as written.
func resolve(s *spec.Schema) *spec.Schema {
	return resolveDepth(s, 0)
}

func resolveDepth(s *spec.Schema, depth int) *spec.Schema {
	if s == nil || len(s.AllOf) == 0 || depth > maxMergeDepth {
		return s
	}
	m := *s
	m.AllOf = nil
	out := &m
	for _, a := range s.AllOf {
		out = merge(out, resolveDepth(a, depth+1))
	}
	return out
}

// merge returns a schema that asks for what a and b both ask for, as far as
// a generator needs it; whatever it cannot express exactly (two patterns, two
// oneOfs) it keeps as allOf members, and generated values are re-checked
// against the original schema anyway.
func merge(a, b *spec.Schema) *spec.Schema {
	if a == nil {
		return b
	}
	if b == nil {
		return a
	}
	m := *a
	m.Ref = ""
	m.Types = mergeTypes(a, b)
	m.Nullable = acceptsNull(a) && acceptsNull(b)
	if m.Format == "" {
		m.Format = b.Format
	}
	switch {
	case len(a.Enum) == 0:
		m.Enum = b.Enum
	case len(b.Enum) > 0:
		m.Enum = nil
		for _, e := range a.Enum {
			if slices.ContainsFunc(b.Enum, func(f any) bool { return fromGo(e, nil, nil).equal(fromGo(f, nil, nil)) }) {
				m.Enum = append(m.Enum, e)
			}
		}
	}
	if !a.HasConst && b.HasConst {
		m.Const, m.HasConst = b.Const, true
	}
	if m.Pattern == "" {
		m.Pattern = b.Pattern
	} else if b.Pattern != "" && b.Pattern != a.Pattern {
		m.AllOf = append(slices.Clone(m.AllOf), &spec.Schema{Pattern: b.Pattern})
	}
	m.MinLength = maxPtr(a.MinLength, b.MinLength)
	m.MaxLength = minPtr(a.MaxLength, b.MaxLength)
	m.Minimum = maxPtr(a.Minimum, b.Minimum)
	m.Maximum = minPtr(a.Maximum, b.Maximum)
	m.ExclusiveMinimum = maxPtr(a.ExclusiveMinimum, b.ExclusiveMinimum)
	m.ExclusiveMaximum = minPtr(a.ExclusiveMaximum, b.ExclusiveMaximum)
	if m.MultipleOf == nil {
		m.MultipleOf = b.MultipleOf
	}

	m.Properties = slices.Clone(a.Properties)
	for _, p := range b.Properties {
		i := slices.IndexFunc(m.Properties, func(q spec.Property) bool { return q.Name == p.Name })
		if i < 0 {
			m.Properties = append(m.Properties, p)
			continue
		}
		m.Properties[i] = spec.Property{
			Name:     p.Name,
			Required: m.Properties[i].Required || p.Required,
			Schema:   merge(m.Properties[i].Schema, p.Schema),
		}
	}
	m.Required = slices.Clone(a.Required)
	for _, r := range b.Required {
		if !slices.Contains(m.Required, r) {
			m.Required = append(m.Required, r)
		}
	}
	m.NoAdditional = a.NoAdditional || b.NoAdditional
	m.AdditionalProperties = merge(a.AdditionalProperties, b.AdditionalProperties)
	m.MinProperties = maxPtr(a.MinProperties, b.MinProperties)
	m.MaxProperties = minPtr(a.MaxProperties, b.MaxProperties)
	m.Items = merge(a.Items, b.Items)
	m.MinItems = maxPtr(a.MinItems, b.MinItems)
	m.MaxItems = minPtr(a.MaxItems, b.MaxItems)
	m.UniqueItems = a.UniqueItems || b.UniqueItems

	if len(m.OneOf) == 0 {
		m.OneOf = b.OneOf
	} else if len(b.OneOf) > 0 {
		m.AllOf = append(slices.Clone(m.AllOf), &spec.Schema{OneOf: b.OneOf})
	}
	if len(m.AnyOf) == 0 {
		m.AnyOf = b.AnyOf
	} else if len(b.AnyOf) > 0 {
		m.AllOf = append(slices.Clone(m.AllOf), &spec.Schema{AnyOf: b.AnyOf})
	}
	m.AllOf = append(slices.Clone(m.AllOf), b.AllOf...)
	if m.Not == nil {
		m.Not = b.Not
	} else if b.Not != nil {
		m.AllOf = append(m.AllOf, &spec.Schema{Not: b.Not})
	}
	m.Examples = append(slices.Clone(a.Examples), b.Examples...)
	if len(b.Extensions) > 0 {
		ext := maps.Clone(b.Extensions)
		maps.Copy(ext, a.Extensions)
		m.Extensions = ext
	}
	return &m
}

// acceptsNull reports whether s's type keywords let null through.
func acceptsNull(s *spec.Schema) bool {
	return len(s.Types) == 0 || s.Nullable || slices.Contains(s.Types, "null")
}

func mergeTypes(a, b *spec.Schema) []string {
	if len(a.Types) == 0 {
		return b.Types
	}
	if len(b.Types) == 0 {
		return a.Types
	}
	var out []string
	for _, t := range a.Types {
		switch {
		case slices.Contains(b.Types, t):
			out = append(out, t)
		case t == "integer" && slices.Contains(b.Types, "number"),
			t == "number" && slices.Contains(b.Types, "integer"):
			out = append(out, "integer")
		}
	}
	if len(out) == 0 {
		// Nothing satisfies both: keep a type the value cannot match, so
		// generation fails instead of producing something the check rejects.
		return []string{"never"}
	}
	return slices.Compact(out)
}

type ordered interface{ ~int64 | ~float64 }

func maxPtr[T ordered](a, b *T) *T {
	if a == nil {
		return b
	}
	if b == nil || *a >= *b {
		return a
	}
	return b
}

func minPtr[T ordered](a, b *T) *T {
	if a == nil {
		return b
	}
	if b == nil || *a <= *b {
		return a
	}
	return b
}

// effective is the schema that governs v at a node: s with allOf folded in
// and, for oneOf/anyOf, the first branch v matches (or, when v matches none,
// the first branch that declares one of v's members, so an invalid value
// still finds the schemas of its parts).
func (g *Generator) effective(s *spec.Schema, v value) *spec.Schema {
	r := resolve(s)
	for range 4 {
		if r == nil || (len(r.OneOf) == 0 && len(r.AnyOf) == 0) {
			return r
		}
		branches := append(slices.Clone(r.OneOf), r.AnyOf...)
		base := *r
		base.OneOf, base.AnyOf = nil, nil
		pick := -1
		for i, b := range branches {
			if g.conforms(b, v) {
				pick = i
				break
			}
		}
		if pick < 0 && v.kind == kindObject {
			for i, b := range branches {
				rb := resolve(b)
				if slices.ContainsFunc(v.members, func(m member) bool { _, ok := declaredProperty(rb, m.name); return ok }) {
					pick = i
					break
				}
			}
		}
		if pick < 0 {
			return &base
		}
		r = resolve(merge(&base, resolve(branches[pick])))
	}
	return r
}

// childSchema is the schema of v's member or item s (nil: anything goes).
func (g *Generator) childSchema(eff *spec.Schema, st step) *spec.Schema {
	if eff == nil {
		return nil
	}
	if st.isIdx {
		return eff.Items
	}
	if ps, ok := declaredProperty(eff, st.name); ok {
		return ps
	}
	return eff.AdditionalProperties
}

// schemaAt walks root and v together along path and returns the schema of
// the value there, plus the effective schema of its parent (nil at the root).
func (g *Generator) schemaAt(root *spec.Schema, v value, path []step) (s, parent *spec.Schema) {
	s = root
	cur := v
	for _, st := range path {
		eff := g.effective(s, cur)
		parent = eff
		s = g.childSchema(eff, st)
		next, ok := cur.at([]step{st})
		if !ok {
			next = value{}
		}
		cur = next
	}
	return s, parent
}

// required reports whether eff requires the member name.
func required(eff *spec.Schema, name string) bool {
	return eff != nil && slices.Contains(eff.Required, name)
}

// propertyOrder lists the property names s (and its composition) declares,
// in document order: the order generated objects use.
func propertyOrder(s *spec.Schema) []string {
	var out []string
	var walk func(s *spec.Schema, depth int)
	walk = func(s *spec.Schema, depth int) {
		if s == nil || depth > maxMergeDepth {
			return
		}
		for _, p := range s.Properties {
			if !slices.Contains(out, p.Name) {
				out = append(out, p.Name)
			}
		}
		for _, l := range [][]*spec.Schema{s.AllOf, s.OneOf, s.AnyOf} {
			for _, c := range l {
				walk(c, depth+1)
			}
		}
	}
	walk(s, 0)
	return out
}
