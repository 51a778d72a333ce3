package spec

import (
	"slices"
	"strconv"
)

// maxUseDepth bounds the walk for schema uses; schemas may form cycles.
const maxUseDepth = 32

// collectUses records where op uses each named schema: the request body and
// every response body, down through properties, items and compositions.
// what-changed reports a change to a $ref'd schema once, under components;
// this is how it is traced back to the fields of the operation it reaches.
func (d *differ) collectUses(op *Operation, isNew bool) {
	add := func(name string, u use, s *Schema) {
		list := d.uses[name]
		i := slices.IndexFunc(list, func(o use) bool {
			return o.area == u.area && o.status == u.status && o.prefix == u.prefix
		})
		if i < 0 {
			list, i = append(list, u), len(list)
		}
		if isNew {
			list[i].newS = s
		} else {
			list[i].oldS = s
		}
		d.uses[name] = list
	}
	if op.Body != nil {
		walkUses(op.Body.Schema, use{area: AreaRequest}, 0, map[*Schema]bool{}, add)
	}
	for _, r := range op.Responses {
		walkUses(r.Schema, use{area: AreaResponse, status: r.Status}, 0, map[*Schema]bool{}, add)
	}
}

func walkUses(s *Schema, at use, depth int, onPath map[*Schema]bool, add func(string, use, *Schema)) {
	if s == nil || depth > maxUseDepth || onPath[s] {
		return
	}
	if s.Ref != "" {
		add(s.Ref, at, s)
	}
	onPath[s] = true
	defer delete(onPath, s)
	next := func(c *Schema, prefix string) {
		u := at
		u.prefix = prefix
		walkUses(c, u, depth+1, onPath, add)
	}
	for _, p := range s.Properties {
		next(p.Schema, joinField(at.prefix, p.Name))
	}
	next(s.Items, at.prefix+"[]")
	next(s.AdditionalProperties, joinField(at.prefix, "*"))
	for _, c := range slices.Concat(s.OneOf, s.AnyOf, s.AllOf) {
		next(c, at.prefix)
	}
}

// inline is the use of the body schema written in place at the request
// (status 0) or at a response.
func (d *differ) inline(area string, status int) use {
	u := use{area: area, status: status}
	if area == AreaRequest {
		u.oldS, u.newS = bodySchema(d.oldOp), bodySchema(d.newOp)
		return u
	}
	u.oldS, u.newS = responseSchema(d.oldOp, status), responseSchema(d.newOp, status)
	return u
}

func bodySchema(op *Operation) *Schema {
	if op.Body == nil {
		return nil
	}
	return op.Body.Schema
}

func responseSchema(op *Operation, status int) *Schema {
	for _, r := range op.Responses {
		if r.Status == status {
			return r.Schema
		}
	}
	return nil
}

// component files a change inside the component schema name at each place
// the operation uses it; a schema it does not use is a document change.
func (d *differ) component(rc rawChange, name string, segs []string) {
	uses := d.uses[name]
	if len(uses) == 0 {
		d.document(rc, "schema "+name+" (not used by "+d.newOp.ID+")")
		return
	}
	d.schema(rc, uses, segs, name)
}

// schema records one change per area and status the schema's uses reach,
// each with the fields it reaches there; comp names the component schema
// changed ("" for one written in place).
func (d *differ) schema(rc rawChange, uses []use, segs []string, comp string) {
	if rc.c.Property == extAssumption {
		return // notes are compared as a whole (Changes.Added, Removed)
	}
	type group struct {
		area   string
		status int
	}
	var order []group
	fields := map[group][]string{}
	var eff effect
	for _, u := range uses {
		field, e := schemaEffect(rc, u, segs)
		g := group{u.area, u.status}
		if _, ok := fields[g]; !ok {
			order = append(order, g)
		}
		fields[g] = append(fields[g], joinField(u.prefix, field))
		eff = e // the same keyword on the same schema: one effect for all uses
	}
	for _, g := range order {
		f := fields[g]
		where := "request body"
		if g.area == AreaResponse {
			where = statusText(g.status) + " body"
		}
		if comp != "" {
			where += " (" + comp + ")"
		}
		if f[0] != "" {
			where += ": " + f[0]
		}
		if len(f) > 1 {
			where += " (and " + strconv.Itoa(len(f)-1) + " more)"
		}
		ch := d.add(rc, g.area, where, eff)
		ch.Status, ch.Fields = g.status, f
		d.touches(ch, eff)
	}
}

// schemaEffect finds the field a change inside a schema reaches (relative
// to the schema) and its effect on the values the schema allows.
func schemaEffect(rc rawChange, u use, segs []string) (string, effect) {
	s := u.newS
	if kindOf(rc.c) == Removed {
		s = u.oldS
	}
	field, at := walkSchema(s, segs)
	kw := rc.c.Property
	if kw == "properties" || kw == "required" {
		field = joinField(field, rc.c.New+rc.c.Original)
	}
	closed := at != nil && at.NoAdditional
	return field, keywordEffect(kw, kindOf(rc.c), rc.c.Original, rc.c.New, closed)
}

// walkSchema follows what-changed's path inside a schema ("properties",
// "plan_whiteboard", "items", ...) down our model. It returns the dotted
// field path the path names and the schema it reaches (nil when our model
// has no such schema).
func walkSchema(s *Schema, segs []string) (string, *Schema) {
	field := ""
	for i := 0; i < len(segs); i++ {
		switch seg := segs[i]; seg {
		case "properties":
			if i+1 < len(segs) {
				i++
				field, s = joinField(field, segs[i]), s.Property(segs[i])
			}
		case "items":
			field += "[]"
			s = member(s, func(s *Schema) *Schema { return s.Items })
		case "additionalProperties":
			field = joinField(field, "*")
			s = member(s, func(s *Schema) *Schema { return s.AdditionalProperties })
		case "oneOf", "anyOf", "allOf":
			if i+1 < len(segs) {
				i++
				s = composed(s, seg, segs[i])
			}
		case "not":
			s = member(s, func(s *Schema) *Schema { return s.Not })
		}
	}
	return field, s
}

func member(s *Schema, f func(*Schema) *Schema) *Schema {
	if s == nil {
		return nil
	}
	return f(s)
}

// composed is the i-th member of s's oneOf, anyOf or allOf.
func composed(s *Schema, kw, index string) *Schema {
	if s == nil {
		return nil
	}
	list := map[string][]*Schema{"oneOf": s.OneOf, "anyOf": s.AnyOf, "allOf": s.AllOf}[kw]
	i, err := strconv.Atoi(index)
	if err != nil || i < 0 || i >= len(list) {
		return nil
	}
	return list[i]
}
