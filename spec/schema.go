package spec

import (
	"fmt"
	"slices"

	"github.com/pb33f/libopenapi/datamodel/high/base"
)

// schema converts a libopenapi schema into ours. A $ref target is converted
// once per document and shared, so a reference cycle becomes a pointer cycle
// instead of an endless recursion. where is the JSON pointer of the schema,
// for messages.
func (b *builder) schema(p *base.SchemaProxy, where string) *Schema {
	if p == nil {
		return nil
	}
	ref := ""
	if p.IsReference() {
		ref = p.GetReference()
		if s, ok := b.memo[ref]; ok {
			return s
		}
	}
	ls, err := p.BuildSchema()
	if ls == nil {
		if err == nil {
			err = fmt.Errorf("empty schema")
		}
		b.fail(p.GetValueNode(), where, "schema: %v", err)
		return nil
	}
	out := &Schema{}
	if ref != "" {
		out.Ref = refName(ref)
		b.memo[ref] = out // before the children, which may refer back here
		if p, ok := localRef(ref); ok {
			where = p
		}
	}
	b.fillSchema(out, ls, where)
	return out
}

func (b *builder) fillSchema(out *Schema, s *base.Schema, where string) {
	if s.BooleanSchema != nil {
		// true allows anything: the zero Schema; false allows nothing.
		if !*s.BooleanSchema {
			out.Not = &Schema{}
		}
		return
	}
	out.Types = slices.Clone(s.Type)
	out.Format = s.Format
	out.Description = s.Description
	out.Pattern = s.Pattern
	b.fillValues(out, s, where)
	fillBounds(out, s)
	b.fillObject(out, s, where)
	if it := s.Items; it != nil && it.IsA() {
		out.Items = b.schema(it.A, where+"/items")
	}
	out.MinItems, out.MaxItems = s.MinItems, s.MaxItems
	out.UniqueItems = s.UniqueItems != nil && *s.UniqueItems
	b.fillComposition(out, s, where)
	out.Nullable = (s.Nullable != nil && *s.Nullable) || slices.Contains(s.Type, "null")
	b.fillExamples(out, s, where)
	out.Extensions = b.extensions(where, s.Extensions)
	if _, ok := out.Extensions[extSchemaCatalog]; ok {
		n := s.Extensions.GetOrZero(extSchemaCatalog)
		b.marks[out] = mark{node: n, ptr: where + "/" + extSchemaCatalog}
	}
}

// fillValues reads enum and const.
func (b *builder) fillValues(out *Schema, s *base.Schema, where string) {
	for i, e := range s.Enum {
		v, err := decodeNode(e)
		if err != nil {
			b.fail(e, fmt.Sprintf("%s/enum/%d", where, i), "%v", err)
			continue
		}
		out.Enum = append(out.Enum, v)
	}
	if s.Const != nil {
		v, err := decodeNode(s.Const)
		if err != nil {
			b.fail(s.Const, where+"/const", "%v", err)
		}
		out.Const, out.HasConst = v, true
	}
}

// fillBounds reads the length and number bounds.
func fillBounds(out *Schema, s *base.Schema) {
	out.MinLength, out.MaxLength = s.MinLength, s.MaxLength
	out.Minimum, out.Maximum = s.Minimum, s.Maximum
	out.MultipleOf = s.MultipleOf
	// 3.1 writes exclusiveMinimum: 0; 3.0 writes minimum: 0 plus
	// exclusiveMinimum: true. Fold the second into the first.
	if x := s.ExclusiveMinimum; x != nil {
		switch {
		case x.IsB():
			v := x.B
			out.ExclusiveMinimum = &v
		case x.A && out.Minimum != nil:
			out.ExclusiveMinimum, out.Minimum = out.Minimum, nil
		}
	}
	if x := s.ExclusiveMaximum; x != nil {
		switch {
		case x.IsB():
			v := x.B
			out.ExclusiveMaximum = &v
		case x.A && out.Maximum != nil:
			out.ExclusiveMaximum, out.Maximum = out.Maximum, nil
		}
	}
}

// fillObject reads properties, required and additionalProperties.
func (b *builder) fillObject(out *Schema, s *base.Schema, where string) {
	out.Required = slices.Clone(s.Required)
	for name, p := range s.Properties.FromOldest() {
		out.Properties = append(out.Properties, Property{
			Name:     name,
			Required: slices.Contains(s.Required, name),
			Schema:   b.schema(p, where+"/properties/"+escapeToken(name)),
		})
	}
	if ap := s.AdditionalProperties; ap != nil {
		switch {
		case ap.IsA():
			out.AdditionalProperties = b.schema(ap.A, where+"/additionalProperties")
		case !ap.B:
			out.NoAdditional = true
		}
	}
	out.MinProperties, out.MaxProperties = s.MinProperties, s.MaxProperties
}

// fillComposition reads oneOf, anyOf, allOf and not.
func (b *builder) fillComposition(out *Schema, s *base.Schema, where string) {
	list := func(ps []*base.SchemaProxy, kw string) []*Schema {
		var l []*Schema
		for i, p := range ps {
			if c := b.schema(p, fmt.Sprintf("%s/%s/%d", where, kw, i)); c != nil {
				l = append(l, c)
			}
		}
		return l
	}
	out.OneOf = list(s.OneOf, "oneOf")
	out.AnyOf = list(s.AnyOf, "anyOf")
	out.AllOf = list(s.AllOf, "allOf")
	out.Not = b.schema(s.Not, where+"/not")
}

// fillExamples reads example and examples.
func (b *builder) fillExamples(out *Schema, s *base.Schema, where string) {
	if s.Example != nil {
		if v, err := decodeNode(s.Example); err != nil {
			b.fail(s.Example, where+"/example", "%v", err)
		} else {
			out.Examples = append(out.Examples, v)
		}
	}
	for i, e := range s.Examples {
		v, err := decodeNode(e)
		if err != nil {
			b.fail(e, fmt.Sprintf("%s/examples/%d", where, i), "%v", err)
			continue
		}
		out.Examples = append(out.Examples, v)
	}
}

// Property returns the named property of s, looking through allOf members
// (bounded, since schemas may form cycles), or nil.
func (s *Schema) Property(name string) *Schema {
	return s.property(name, 0)
}

func (s *Schema) property(name string, depth int) *Schema {
	if s == nil || depth > 16 {
		return nil
	}
	for _, p := range s.Properties {
		if p.Name == name {
			return p.Schema
		}
	}
	for _, a := range s.AllOf {
		if p := a.property(name, depth+1); p != nil {
			return p
		}
	}
	return nil
}

// Is reports whether typ is among the schema's types.
func (s *Schema) Is(typ string) bool {
	return s != nil && slices.Contains(s.Types, typ)
}
