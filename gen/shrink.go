package gen

import (
	"bytes"
	"math"
	"slices"
	"strconv"
	"unicode/utf8"

	"github.com/addons-contract/contract/internal/jsonorder"
	"github.com/addons-contract/contract/spec"
	"github.com/leanovate/gopter"
)

// maxShrinkSteps bounds Shrink; each step strictly shrinks the body, so it
// is a safety net, not a tuning knob.
const maxShrinkSteps = 1000

// Shrink returns the smallest case it reaches from c, one accepted step at a
// time, for which stillFails holds. Every step of a valid case stays valid;
// every step of a schema- or catalog-layer case keeps the same class, layer
// and field, keeps the defect itself (an out-of-range number only moves
// toward its bound) and adds no other defect (putting a valid value back at
// the field makes the body valid again). Steps are re-checked with
// Options.Validate when set. Syntax and size cases are returned as they are:
// their bytes are the defect.
func (g *Generator) Shrink(c Case, stillFails func(Case) bool) Case {
	cur := c
	for range maxShrinkSteps {
		next, ok := g.shrinkStep(cur, stillFails)
		if !ok {
			break
		}
		cur = next
	}
	return cur
}

func (g *Generator) shrinkStep(c Case, stillFails func(Case) bool) (Case, bool) {
	s := g.shrinkStream(c)
	for {
		x, ok := s()
		if !ok {
			return Case{}, false
		}
		if cand := x.(Case); stillFails(cand) {
			return cand, true
		}
	}
}

// shrinker is the gopter.Shrinker of the generators.
func (g *Generator) shrinker(v any) gopter.Shrink {
	c, ok := v.(Case)
	if !ok {
		return gopter.NoShrink
	}
	return g.shrinkStream(c)
}

// shrinkStream yields the admissible one-step shrinks of c, biggest first.
func (g *Generator) shrinkStream(c Case) gopter.Shrink {
	switch c.Layer {
	case LayerNone, LayerMedia, LayerSchema, LayerCatalog:
	default:
		return gopter.NoShrink
	}
	tree, err := parseValue(c.Body)
	if err != nil {
		return gopter.NoShrink
	}
	cands := g.candidates(c, tree)
	i := 0
	return func() (any, bool) {
		for i < len(cands) {
			v := cands[i]
			i++
			next := c
			next.Body = v.encode()
			next.Shrunk = c.Shrunk + 1
			if g.keep(c, tree, next, v) {
				return next, true
			}
		}
		return nil, false
	}
}

// keep decides whether a candidate is still the same kind of case as orig.
func (g *Generator) keep(orig Case, origTree value, cand Case, v value) bool {
	if orig.Class == "" || orig.Layer == LayerMedia {
		return g.conforms(g.body, v) && g.catalogOK(v) && g.validates(cand.Body, true)
	}
	field := parsePath(orig.Field)
	if !g.defectHolds(orig.Class, origTree, v, field) {
		return false
	}
	if g.layerOf(v) != orig.Layer {
		return false
	}
	if !g.onlyDefect(orig.Class, v, field) {
		return false
	}
	return g.validates(cand.Body, orig.Layer == LayerCatalog)
}

// validates asks Options.Validate, when set, whether body passes (want true)
// or fails (want false) the spec.
func (g *Generator) validates(body []byte, want bool) bool {
	if g.opts.Validate == nil {
		return true
	}
	return (len(g.opts.Validate(body)) == 0) == want
}

// defectHolds reports whether the defect class made at field is still in v.
func (g *Generator) defectHolds(class string, orig, v value, field []step) bool {
	switch class {
	case "missing-required":
		if len(field) == 0 {
			return false
		}
		parent, ok := v.at(field[:len(field)-1])
		return ok && parent.kind == kindObject && !parent.has(field[len(field)-1].name)
	case "out-of-range":
		x, ok := v.at(field)
		o, ok2 := orig.at(field)
		if !ok || !ok2 || x.kind != kindNumber {
			return false
		}
		qx, ok3 := ratOf(x.text)
		qo, ok4 := ratOf(o.text)
		s, _ := g.schemaAt(g.body, v, field)
		return ok3 && ok4 && qx.IsInt() == qo.IsInt() && !g.conforms(s, x)
	case "both-branches":
		x, ok := v.at(field)
		s, _ := g.schemaAt(g.body, v, field)
		r := resolve(s)
		if !ok || x.kind != kindObject || r == nil {
			return false
		}
		n := 0
		for _, b := range r.OneOf {
			req := resolve(b).Required
			if len(req) > 0 && !slices.ContainsFunc(req, func(name string) bool { return !x.has(name) }) {
				n++
			}
		}
		return n >= 2
	case "no-branch":
		x, ok := v.at(field)
		s, _ := g.schemaAt(g.body, v, field)
		r := resolve(s)
		if !ok || x.kind != kindObject || len(x.members) == 0 || r == nil {
			return false
		}
		return g.branchOf(append(slices.Clone(r.OneOf), r.AnyOf...), x) < 0
	case "duplicate-code":
		codes, _ := g.splitCodes(v, field)
		for i, c := range codes {
			if slices.Contains(codes[:i], c) {
				return true
			}
		}
		return false
	}
	x, ok := v.at(field)
	o, ok2 := orig.at(field)
	return ok && ok2 && bytes.Equal(x.encode(), o.encode())
}

// splitCodes lists the catalog codes of v (Operation.PlanFields), in
// body order: those inside the subtree at field, and those outside it.
func (g *Generator) splitCodes(v value, field []step) (within, outside []string) {
	for _, f := range g.op.PlanFields(v.ordered()) {
		if f.Value.Kind != jsonorder.String {
			continue
		}
		if isPrefix(field, stepsOf(f.At)) {
			within = append(within, f.Value.Text)
		} else {
			outside = append(outside, f.Value.Text)
		}
	}
	return within, outside
}

// onlyDefect reports whether v is invalid only at field: with a fresh valid
// value there (or, for an unknown property, without it) the body passes
// schema and catalog. It keeps shrinking from trading the defect under test
// for another one, such as a required sibling dropped next to it.
func (g *Generator) onlyDefect(class string, v value, field []step) bool {
	switch class {
	case "unknown-property":
		r, ok := v.remove(field)
		return ok && g.conforms(g.body, r) && g.catalogOK(r)
	case "both-branches":
		return g.branchesIntact(v, field)
	case "no-branch":
		return g.branchCompletes(v, field)
	case "duplicate-code":
		if x, ok := v.at(field); ok && x.kind == kindArray {
			return g.dedupValid(v, x, field)
		}
	}
	var s *spec.Schema
	if class == "missing-required" {
		if len(field) == 0 {
			return false
		}
		parentPath := field[:len(field)-1]
		ps, _ := g.schemaAt(g.body, v, parentPath)
		pv, ok := v.at(parentPath)
		if !ok {
			return false
		}
		s = g.childSchema(g.effective(ps, pv), field[len(field)-1])
	} else {
		s, _ = g.schemaAt(g.body, v, field)
	}
	_, used := g.splitCodes(v, field)
	for attempt := range 4 {
		c := &genCtx{p: caseParams(int64(attempt), len(field), streamRepair), used: slices.Clone(used)}
		x, ok := g.genValue(c, s, field, len(field))
		if !ok {
			continue
		}
		var r value
		if class == "missing-required" {
			r, ok = v.update(field[:len(field)-1], func(p value) (value, bool) { return p.with(field[len(field)-1].name, x), true })
		} else {
			r, ok = v.set(field, x)
		}
		if ok && g.conforms(g.body, r) && g.catalogOK(r) {
			return true
		}
	}
	return false
}

const streamRepair stream = 0x726570616972

// branchesIntact: the oneOf value at field splits into parts, each valid
// for its own branch, for at least two branches, and with any one of those
// parts in its place the body is valid.
func (g *Generator) branchesIntact(v value, field []step) bool {
	x, ok := v.at(field)
	s, _ := g.schemaAt(g.body, v, field)
	r := resolve(s)
	if !ok || x.kind != kindObject || r == nil {
		return false
	}
	base := *r
	base.OneOf = nil
	n := 0
	var part value
	for _, b := range r.OneOf {
		rb := resolve(merge(&base, resolve(b)))
		p := value{kind: kindObject}
		for _, m := range x.members {
			if _, declared := declaredProperty(rb, m.name); declared {
				p.members = append(p.members, m)
			}
		}
		if len(p.members) > 0 && g.conforms(s, p) {
			n++
			part = p
		}
	}
	if n < 2 {
		return false
	}
	r2, ok := v.set(field, part)
	return ok && g.conforms(g.body, r2) && g.catalogOK(r2)
}

// dedupValid: every item of the array at field is valid on its own, and
// without the items that repeat an earlier item's code the body is valid.
func (g *Generator) dedupValid(v, arr value, field []step) bool {
	s, _ := g.schemaAt(g.body, v, field)
	items := g.childSchema(g.effective(s, arr), index(0))
	for _, it := range arr.items {
		if !g.conforms(items, it) {
			return false
		}
	}
	var seen []string
	keep := value{kind: kindArray}
	for i, it := range arr.items {
		codes, _ := g.splitCodes(v, appendPath(field, index(i)))
		if slices.ContainsFunc(codes, func(c string) bool { return slices.Contains(seen, c) }) {
			continue
		}
		seen = append(seen, codes...)
		keep.items = append(keep.items, it)
	}
	r, ok := v.set(field, keep)
	return ok && g.conforms(g.body, r) && g.catalogOK(r)
}

// branchCompletes: the value at field that matches no branch becomes valid
// once one branch's missing required members are added, so what is wrong
// is only the missing branch, not its parts.
func (g *Generator) branchCompletes(v value, field []step) bool {
	x, ok := v.at(field)
	s, _ := g.schemaAt(g.body, v, field)
	r := resolve(s)
	if !ok || x.kind != kindObject || r == nil {
		return false
	}
	_, used := g.splitCodes(v, field)
	for i, b := range append(slices.Clone(r.OneOf), r.AnyOf...) {
		c := &genCtx{p: caseParams(int64(i), len(field), streamRepair), used: slices.Clone(used)}
		full, ok := g.branchValue(c, r, b, field)
		if !ok || full.kind != kindObject {
			continue
		}
		y := x
		for _, m := range full.members {
			if required(resolve(merge(r, resolve(b))), m.name) && !y.has(m.name) {
				y = y.with(m.name, m.value)
			}
		}
		if r2, ok := v.set(field, y); ok && g.conforms(g.body, r2) && g.catalogOK(r2) {
			return true
		}
	}
	return false
}

// isPrefix reports whether p is a prefix of (or equal to) q.
func isPrefix(p, q []step) bool {
	if len(p) > len(q) {
		return false
	}
	for i := range p {
		if p[i] != q[i] {
			return false
		}
	}
	return true
}

// candidates lists one-step shrinks of tree: members and items dropped,
// then leaves made smaller, then (out-of-range) the defect moved toward its
// bound. For invalid cases the field and its ancestors are left alone.
func (g *Generator) candidates(c Case, tree value) []value {
	invalid := c.Class != "" && c.Layer != LayerMedia
	field := parsePath(c.Field)
	open := c.Class == "both-branches" || c.Class == "no-branch" || c.Class == "duplicate-code"
	protected := func(p []step) bool {
		if !invalid {
			return false
		}
		return isPrefix(p, field) || (!open && isPrefix(field, p))
	}
	ns := g.nodes(g.body, tree, nil, nil, nil)
	var out []value
	for _, n := range ns[1:] {
		if !protected(n.path) {
			if v, ok := tree.remove(n.path); ok {
				out = append(out, v)
			}
		}
	}
	for _, n := range ns {
		if n.v.kind == kindArray && len(n.v.items) > 1 && !protected(n.path) {
			if v, ok := tree.set(n.path, array(n.v.items[:len(n.v.items)/2]...)); ok {
				out = append(out, v)
			}
		}
	}
	codes := g.usedCodes(tree)
	for _, n := range ns {
		if protected(n.path) {
			continue
		}
		for _, x := range g.leafShrinks(n, codes) {
			if v, ok := tree.set(n.path, x); ok {
				out = append(out, v)
			}
		}
	}
	if invalid && c.Class == "out-of-range" {
		if x, ok := tree.at(field); ok && x.kind == kindNumber {
			s, _ := g.schemaAt(g.body, tree, field)
			for _, lit := range g.towardBound(s, x.text) {
				if v, ok := tree.set(field, number(lit)); ok {
					out = append(out, v)
				}
			}
		}
	}
	return out
}

// leafShrinks are smaller values for a leaf that its schema still accepts.
func (g *Generator) leafShrinks(n node, used []string) []value {
	eff := n.eff
	if eff == nil {
		eff = &spec.Schema{}
	}
	var out []value
	add := func(x value) {
		if !x.equal(n.v) && g.conforms(eff, x) {
			out = append(out, x)
		}
	}
	switch n.v.kind {
	case kindBool:
		if n.v.b {
			add(boolean(false))
		}
	case kindString:
		s := n.v.text
		if rule := catalogRule(eff); rule != "" {
			codes := g.allowed(rule)
			i := slices.Index(codes, s)
			if i < 0 {
				i = len(codes)
			}
			for _, code := range codes[:i] {
				if !slices.Contains(used, code) {
					add(str(code))
					break
				}
			}
			return out
		}
		if len(eff.Enum) > 0 {
			i := slices.IndexFunc(eff.Enum, func(e any) bool { return fromGo(e, nil, nil).equal(n.v) })
			if i > 0 {
				add(fromGo(eff.Enum[0], nil, nil))
			}
			return out
		}
		switch eff.Format {
		case "date":
			add(str("2000-01-01"))
			return out
		case "date-time":
			add(str("2000-01-01T00:00:00Z"))
			return out
		case "time":
			add(str("00:00:00Z"))
			return out
		}
		rs := []rune(s)
		lo := 0
		if eff.MinLength != nil {
			lo = int(*eff.MinLength)
		}
		if len(rs) > lo {
			add(str(string(rs[:lo])))
			if len(rs)/2 > lo {
				add(str(string(rs[:len(rs)/2])))
			}
			add(str(string(rs[:len(rs)-1])))
		}
		if !isASCII(s) {
			ascii := []rune(s)
			for i, r := range ascii {
				if r >= utf8.RuneSelf {
					ascii[i] = 'a'
				}
			}
			add(str(string(ascii)))
		}
	case kindNumber:
		q, ok := ratOf(n.v.text)
		if !ok {
			return nil
		}
		if q.IsInt() && q.Num().IsInt64() {
			cur := q.Num().Int64()
			if canon := strconv.FormatInt(cur, 10); canon != n.v.text {
				add(number(canon))
			}
			lo, hi, _, _ := intBounds(eff)
			target := min(max(int64(0), lo), hi)
			for _, x := range toward(cur, target) {
				add(integer(x))
			}
			return out
		}
		f, _ := q.Float64()
		add(number("0"))
		add(number(formatFloat(math.Trunc(f))))
	}
	return out
}

// towardBound moves an out-of-range integer toward the bound it breaks,
// never across it.
func (g *Generator) towardBound(s *spec.Schema, lit string) []string {
	q, ok := ratOf(lit)
	if s == nil || !ok || !q.IsInt() || !q.Num().IsInt64() {
		return nil
	}
	cur := q.Num().Int64()
	lo, hi, loSet, hiSet := intBounds(resolve(s))
	var target int64
	switch {
	case loSet && cur < lo:
		target = lo - 1
	case hiSet && cur > hi:
		target = hi + 1
	default:
		return nil
	}
	var out []string
	for _, x := range toward(cur, target) {
		out = append(out, strconv.FormatInt(x, 10))
	}
	return out
}

// toward lists target, then values halving the distance from cur to
// target, ending next to cur: gopter's integer shrink, toward any target.
func toward(cur, target int64) []int64 {
	d := cur - target
	var out []int64
	for h := d; h != 0; h /= 2 {
		out = append(out, cur-h)
	}
	return out
}

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			return false
		}
	}
	return true
}
