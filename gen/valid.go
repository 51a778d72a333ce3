package gen

import (
	"fmt"
	"math"
	"math/big"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/addons-contract/contract/spec"
	"github.com/leanovate/gopter"
)

// genCtx is the state of one body being generated: gopter's parameters
// (the only source of randomness) and the catalog codes already used, since
// a body must not name a code twice.
type genCtx struct {
	p    *gopter.GenParameters
	used []string
}

func (c *genCtx) intn(n int) int {
	if n <= 1 {
		return 0
	}
	return int(c.p.Rng.Int63n(int64(n)))
}

// chance is true one time in n.
func (c *genCtx) chance(n int) bool { return c.intn(n) == 0 }

// hardDepth bounds generation through $ref cycles whatever MaxDepth says.
func (g *Generator) hardDepth() int { return g.opts.MaxDepth + 24 }

// genBody generates one valid body: schema-valid and catalog-valid.
func (g *Generator) genBody(c *genCtx) (value, bool) {
	// Now and then a whole body example from the spec, as written.
	if len(g.op.Body.Examples) > 0 && c.chance(16) {
		ex := g.op.Body.Examples[c.intn(len(g.op.Body.Examples))]
		v := fromGo(ex.Value, g.orderAt, nil)
		if g.conforms(g.body, v) && g.catalogOK(v) {
			return v, true
		}
	}
	c.used = c.used[:0]
	v, ok := g.genValue(c, g.body, nil, 0)
	if !ok || !g.conforms(g.body, v) || !g.catalogOK(v) {
		return value{}, false
	}
	return v, true
}

// genValue generates a value s accepts. path (from the body root) finds
// examples and property order; depth bounds optional structure.
func (g *Generator) genValue(c *genCtx, s *spec.Schema, path []step, depth int) (value, bool) {
	if depth > g.hardDepth() {
		return value{}, false
	}
	if s == nil {
		return str(g.word(c, 1, 8)), true
	}
	r := resolve(s)
	if len(r.OneOf) > 0 || len(r.AnyOf) > 0 || r.Not != nil || len(r.AllOf) > 0 {
		return g.genComposite(c, s, r, path, depth)
	}
	return g.genPlain(c, r, path, depth)
}

// genComposite picks a oneOf/anyOf branch, generates from the parent merged
// with it, and keeps the value only if the original schema accepts it (for
// oneOf: exactly that branch), so overlapping branches cannot leak through.
func (g *Generator) genComposite(c *genCtx, s, r *spec.Schema, path []step, depth int) (value, bool) {
	base := *r
	var branches []*spec.Schema
	switch {
	case len(r.OneOf) > 0:
		branches, base.OneOf = r.OneOf, nil
	case len(r.AnyOf) > 0:
		branches, base.AnyOf = r.AnyOf, nil
	default:
		base.Not, base.AllOf = nil, nil
	}
	for range 2*len(branches) + 3 {
		cand := &base
		if len(branches) > 0 {
			cand = resolve(merge(&base, resolve(branches[c.intn(len(branches))])))
		}
		mark := len(c.used)
		v, ok := g.genValue(c, cand, path, depth+1)
		if ok && g.conforms(s, v) {
			return v, true
		}
		c.used = c.used[:mark]
	}
	return value{}, false
}

func (g *Generator) genPlain(c *genCtx, r *spec.Schema, path []step, depth int) (value, bool) {
	if r.HasConst {
		return fromGo(r.Const, g.orderAt, path), true
	}
	if len(r.Enum) > 0 {
		return fromGo(r.Enum[c.intn(len(r.Enum))], g.orderAt, path), true
	}
	explicitNull := r.Nullable || slices.Contains(r.Types, "null")
	if explicitNull && c.chance(10) {
		return null(), true
	}
	switch g.pickType(c, r) {
	case "object":
		return g.genObject(c, r, path, depth)
	case "array":
		return g.genArray(c, r, path, depth)
	case "string":
		return g.genString(c, r, path)
	case "integer":
		return g.genInteger(c, r, path)
	case "number":
		return g.genNumber(c, r, path)
	case "boolean":
		return boolean(c.chance(2)), true
	case "null":
		return null(), true
	}
	return value{}, false
}

// pickType chooses one of the schema's types, or infers one from its
// keywords when it names none.
func (g *Generator) pickType(c *genCtx, r *spec.Schema) string {
	var types []string
	for _, t := range r.Types {
		if t != "null" {
			types = append(types, t)
		}
	}
	if len(types) > 0 {
		return types[c.intn(len(types))]
	}
	if len(r.Types) > 0 { // only "null"
		return "null"
	}
	switch {
	case len(r.Properties) > 0 || len(r.Required) > 0 || r.AdditionalProperties != nil || r.NoAdditional || r.MinProperties != nil:
		return "object"
	case r.Items != nil || r.MinItems != nil || r.MaxItems != nil:
		return "array"
	case r.MinLength != nil || r.MaxLength != nil || r.Pattern != "" || (r.Format != "" && r.Format != "int32" && r.Format != "int64") || catalogRule(r) != "":
		return "string"
	case r.Minimum != nil || r.Maximum != nil || r.ExclusiveMinimum != nil || r.ExclusiveMaximum != nil || r.MultipleOf != nil:
		return "number"
	}
	return []string{"string", "integer", "boolean"}[c.intn(3)]
}

func (g *Generator) genObject(c *genCtx, r *spec.Schema, path []step, depth int) (value, bool) {
	type slot struct {
		name     string
		schema   *spec.Schema
		required bool
		on       bool
	}
	var slots []slot
	for _, p := range r.Properties {
		req := slices.Contains(r.Required, p.Name)
		slots = append(slots, slot{p.Name, p.Schema, req, req || (depth < g.opts.MaxDepth && c.chance(2))})
	}
	for _, name := range r.Required {
		if !slices.ContainsFunc(slots, func(s slot) bool { return s.name == name }) {
			if r.NoAdditional {
				return value{}, false
			}
			slots = append(slots, slot{name, r.AdditionalProperties, true, true})
		}
	}
	count := func() int64 {
		n := int64(0)
		for _, s := range slots {
			if s.on {
				n++
			}
		}
		return n
	}
	if r.MinProperties != nil {
		for i := range slots {
			if count() >= *r.MinProperties {
				break
			}
			slots[i].on = true
		}
	}
	if r.MaxProperties != nil {
		for i := len(slots) - 1; i >= 0 && count() > *r.MaxProperties; i-- {
			if !slots[i].required {
				slots[i].on = false
			}
		}
	}
	out := value{kind: kindObject}
	for _, s := range slots {
		if !s.on {
			continue
		}
		x, ok := g.genValue(c, s.schema, appendPath(path, key(s.name)), depth+1)
		if !ok {
			if s.required {
				return value{}, false
			}
			continue
		}
		out.members = append(out.members, member{s.name, x})
	}
	// Extra members only where the schema gives them a schema: an open
	// object without one says nothing about what the server accepts.
	if r.AdditionalProperties != nil && !r.NoAdditional && depth < g.opts.MaxDepth && c.chance(4) {
		for range 1 + c.intn(2) {
			if r.MaxProperties != nil && int64(len(out.members)) >= *r.MaxProperties {
				break
			}
			name := "x_" + g.word(c, 3, 6)
			if out.has(name) || slices.ContainsFunc(r.Properties, func(p spec.Property) bool { return p.Name == name }) {
				continue
			}
			if x, ok := g.genValue(c, r.AdditionalProperties, appendPath(path, key(name)), depth+1); ok {
				out.members = append(out.members, member{name, x})
			}
		}
	}
	if r.MinProperties != nil && int64(len(out.members)) < *r.MinProperties {
		return value{}, false
	}
	return out, true
}

func (g *Generator) genArray(c *genCtx, r *spec.Schema, path []step, depth int) (value, bool) {
	lo := 0
	if r.MinItems != nil {
		lo = int(*r.MinItems)
	}
	hi := lo + 3
	if r.MaxItems != nil && int(*r.MaxItems) < hi {
		hi = int(*r.MaxItems)
	}
	if depth >= g.opts.MaxDepth {
		hi = lo
	}
	if hi < lo {
		return value{}, false
	}
	n := lo + c.intn(hi-lo+1)
	out := value{kind: kindArray}
	for i := 0; i < n; i++ {
		var x value
		ok := false
		for range 4 {
			mark := len(c.used)
			x, ok = g.genValue(c, r.Items, appendPath(path, index(i)), depth+1)
			if ok && r.UniqueItems && slices.ContainsFunc(out.items, x.equal) {
				ok = false
			}
			if ok {
				break
			}
			c.used = c.used[:mark]
		}
		if !ok {
			if len(out.items) >= lo {
				break
			}
			return value{}, false
		}
		out.items = append(out.items, x)
	}
	return out, true
}

func (g *Generator) genString(c *genCtx, r *spec.Schema, path []step) (value, bool) {
	if rule := catalogRule(r); rule != "" {
		return g.genCode(c, r, rule, path)
	}
	if ex := g.stringExamples(r, path); len(ex) > 0 && c.chance(4) {
		return str(ex[c.intn(len(ex))]), true
	}
	for range 8 {
		x, ok := g.genStringOnce(c, r)
		if ok && g.checkString(r, x) {
			return str(x), true
		}
	}
	return value{}, false
}

// genCode picks an unused catalog code the field's rule accepts; the spec's
// examples among them are favoured now and then.
func (g *Generator) genCode(c *genCtx, r *spec.Schema, rule string, path []step) (value, bool) {
	var codes []string
	for _, code := range g.allowed(rule) {
		if !slices.Contains(c.used, code) && g.checkString(r, code) {
			codes = append(codes, code)
		}
	}
	if len(codes) == 0 {
		return value{}, false
	}
	pick := codes[c.intn(len(codes))]
	if ex := g.stringExamples(r, path); len(ex) > 0 && c.chance(4) {
		if e := ex[c.intn(len(ex))]; slices.Contains(codes, e) {
			pick = e
		}
	}
	c.used = append(c.used, pick)
	return str(pick), true
}

func (g *Generator) genStringOnce(c *genCtx, r *spec.Schema) (string, bool) {
	switch r.Format {
	case "date":
		return g.date(c).Format("2006-01-02"), true
	case "date-time":
		t := g.date(c).Add(time.Duration(c.intn(86400)) * time.Second)
		offsets := []string{"Z", "+02:00", "-05:30", "+00:00"}
		return t.Format("2006-01-02T15:04:05") + offsets[c.intn(len(offsets))], true
	case "time":
		return fmt.Sprintf("%02d:%02d:%02dZ", c.intn(24), c.intn(60), c.intn(60)), true
	case "email":
		return g.asciiWord(c, 1, 10) + "@example.com", true
	case "uuid":
		var b [16]byte
		for i := range b {
			b[i] = byte(c.intn(256))
		}
		b[6], b[8] = b[6]&0x0f|0x40, b[8]&0x3f|0x80
		return fmt.Sprintf("%x-%x-%x-%x-%x", b[0:4], b[4:6], b[6:8], b[8:10], b[10:]), true
	case "uri", "iri", "uri-reference", "iri-reference":
		return "https://example.com/" + g.asciiWord(c, 1, 10), true
	case "ipv4":
		return fmt.Sprintf("%d.%d.%d.%d", 1+c.intn(223), c.intn(256), c.intn(256), 1+c.intn(254)), true
	case "ipv6":
		return fmt.Sprintf("2001:db8::%x", c.intn(65536)), true
	case "hostname":
		return g.asciiWord(c, 1, 10) + ".example.com", true
	}
	if gen, ok := g.regexGens[r.Pattern]; ok && r.Pattern != "" {
		x, ok := gen(c.p.WithSize(8)).Retrieve()
		if !ok {
			return "", false
		}
		return x.(string), true
	}
	lo, hi := 1, 12
	if r.MinLength != nil {
		lo = int(*r.MinLength)
		hi = lo + 12
	} else if c.chance(20) {
		lo = 0
	}
	if r.MaxLength != nil && int(*r.MaxLength) < hi {
		hi = int(*r.MaxLength)
	}
	if hi < lo {
		return "", false
	}
	return g.word(c, lo, hi), true
}

// wordRunes are the letters of generated free text; now and then one
// non-ASCII rune goes in too, since a valid free-text field takes it.
const wordRunes = "abcdefghijklmnopqrstuvwxyz0123456789_"

var wideRunes = []rune{'é', 'ß', 'ж', '日', 'ñ'}

// word is a random string of lo..hi runes, now and then with a non-ASCII one.
func (g *Generator) word(c *genCtx, lo, hi int) string {
	return g.letters(c, lo, hi, true)
}

// asciiWord is word without non-ASCII runes, for formats that forbid them
// (email, hostname, uri).
func (g *Generator) asciiWord(c *genCtx, lo, hi int) string {
	return g.letters(c, lo, hi, false)
}

func (g *Generator) letters(c *genCtx, lo, hi int, wideOK bool) string {
	n := lo + c.intn(hi-lo+1)
	var sb strings.Builder
	wide := wideOK && n > 0 && c.chance(10)
	at := c.intn(max(n, 1))
	for i := range n {
		if wide && i == at {
			sb.WriteRune(wideRunes[c.intn(len(wideRunes))])
			continue
		}
		sb.WriteByte(wordRunes[c.intn(len(wordRunes))])
	}
	return sb.String()
}

// date is a real calendar day in 2000-2099.
func (g *Generator) date(c *genCtx) time.Time {
	return time.Date(2000, 1, 1+c.intn(36524), 0, 0, 0, 0, time.UTC)
}

// intBounds are the inclusive integer bounds of r; generation keeps within
// ±2^53 so every value survives a float64 round trip.
func intBounds(r *spec.Schema) (lo, hi int64, loSet, hiSet bool) {
	const safe = 1 << 53
	lo, hi = -safe, safe
	if r.Minimum != nil {
		lo, loSet = max(lo, int64(math.Ceil(*r.Minimum))), true
	}
	if r.ExclusiveMinimum != nil {
		lo, loSet = max(lo, int64(math.Floor(*r.ExclusiveMinimum))+1), true
	}
	if r.Maximum != nil {
		hi, hiSet = min(hi, int64(math.Floor(*r.Maximum))), true
	}
	if r.ExclusiveMaximum != nil {
		hi, hiSet = min(hi, int64(math.Ceil(*r.ExclusiveMaximum))-1), true
	}
	if flo, fhi, ok := intFormat(r.Format); ok {
		lo, hi = max(lo, flo), min(hi, fhi)
		loSet, hiSet = true, true
	}
	return lo, hi, loSet, hiSet
}

func (g *Generator) genInteger(c *genCtx, r *spec.Schema, path []step) (value, bool) {
	lo, hi, loSet, hiSet := intBounds(r)
	// Unbounded sides default to a modest range around what is bounded.
	switch {
	case !loSet && !hiSet:
		lo, hi = -1000, 1000
	case !hiSet:
		hi = lo + 1_000_000
	case !loSet:
		lo = hi - 1_000_000
	}
	step := int64(1)
	if r.MultipleOf != nil && *r.MultipleOf >= 1 && *r.MultipleOf == math.Trunc(*r.MultipleOf) {
		step = int64(*r.MultipleOf)
	}
	kLo, kHi := ceilDiv(lo, step), floorDiv(hi, step)
	if kLo > kHi {
		return value{}, false
	}
	// Mostly small values near the lower bound, often the bounds themselves
	// and the spec's examples, sometimes anywhere in range.
	near := func() int64 { return kLo + c.p.Rng.Int63n(min(kHi-kLo, 100)+1) }
	var k int64
	switch roll := c.intn(20); {
	case roll < 2:
		k = kLo
	case roll < 4:
		k = kHi
	case roll < 6:
		k = near()
		if ex := g.intExamples(r, path); len(ex) > 0 {
			if e := ex[c.intn(len(ex))]; e%step == 0 && e >= lo && e <= hi {
				k = e / step
			}
		}
	case roll < 14:
		k = near()
	default:
		k = kLo + c.p.Rng.Int63n(kHi-kLo+1)
	}
	n := k * step
	lit := strconv.FormatInt(n, 10)
	// JSON Schema reads 18.0 and 1.8e1 as the integer 18: so must a server.
	switch {
	case c.chance(25):
		lit += ".0"
	case c.chance(40) && (n >= 10 || n <= -10):
		lit = exponentForm(n)
	}
	return number(lit), true
}

// exponentForm writes n as d.ddde<k>, e.g. 18 → "1.8e1", 100 → "1e2".
func exponentForm(n int64) string {
	sign := ""
	if n < 0 {
		sign, n = "-", -n
	}
	d := strconv.FormatInt(n, 10)
	frac := strings.TrimRight(d[1:], "0")
	m := d[:1]
	if frac != "" {
		m += "." + frac
	}
	return sign + m + "e" + strconv.Itoa(len(d)-1)
}

func ceilDiv(a, b int64) int64 {
	q := a / b
	if a%b != 0 && (a > 0) == (b > 0) {
		q++
	}
	return q
}

func floorDiv(a, b int64) int64 {
	q := a / b
	if a%b != 0 && (a < 0) != (b < 0) {
		q--
	}
	return q
}

func (g *Generator) genNumber(c *genCtx, r *spec.Schema, path []step) (value, bool) {
	lo, hi := -1000.0, 1000.0
	loSet, hiSet := false, false
	if r.Minimum != nil {
		lo, loSet = *r.Minimum, true
	}
	if r.ExclusiveMinimum != nil && (!loSet || *r.ExclusiveMinimum >= lo) {
		lo, loSet = *r.ExclusiveMinimum, true
	}
	if r.Maximum != nil {
		hi, hiSet = *r.Maximum, true
	}
	if r.ExclusiveMaximum != nil && (!hiSet || *r.ExclusiveMaximum <= hi) {
		hi, hiSet = *r.ExclusiveMaximum, true
	}
	switch {
	case loSet && !hiSet:
		hi = lo + 1000
	case hiSet && !loSet:
		lo = hi - 1000
	}
	if ex := g.numberExamples(r, path); len(ex) > 0 && c.chance(4) {
		return number(ex[c.intn(len(ex))]), true
	}
	for range 16 {
		var lit string
		if m := r.MultipleOf; m != nil && *m > 0 {
			kLo, kHi := math.Ceil(lo / *m), math.Floor(hi / *m)
			if kHi < kLo {
				return value{}, false
			}
			k := int64(kLo) + int64(c.intn(int(min(kHi-kLo, 100))+1))
			lit = ratLiteral(new(big.Rat).Mul(big.NewRat(k, 1), ratFloat(*m)))
		} else {
			x := lo + c.p.Rng.Float64()*(hi-lo)
			if c.chance(3) {
				x = math.Round(x)
			} else {
				x = math.Round(x*100) / 100
			}
			lit = formatFloat(x)
		}
		if checkNumber(r, lit) {
			return number(lit), true
		}
	}
	return value{}, false
}

// ratLiteral writes an exact rational with a finite decimal expansion as a
// JSON number, with as few digits as it needs.
func ratLiteral(q *big.Rat) string {
	if q.IsInt() {
		return q.Num().String()
	}
	s := q.FloatString(12)
	s = strings.TrimRight(s, "0")
	return strings.TrimSuffix(s, ".")
}

// collectExamples records the leaves of a body example by normalised path
// (array indices as "[]"), walking maps in sorted key order.
func (g *Generator) collectExamples(x any, path string) {
	switch t := x.(type) {
	case map[string]any:
		keys := make([]string, 0, len(t))
		for k := range t {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		for _, k := range keys {
			p := k
			if path != "" {
				p = path + "." + k
			}
			g.collectExamples(t[k], p)
		}
	case []any:
		for _, it := range t {
			g.collectExamples(it, path+"[]")
		}
	default:
		g.examples[path] = append(g.examples[path], x)
	}
}

// normPath is path with indices as "[]", the key of g.examples.
func normPath(path []step) string {
	var sb strings.Builder
	for i, s := range path {
		if s.isIdx {
			sb.WriteString("[]")
			continue
		}
		if i > 0 {
			sb.WriteByte('.')
		}
		sb.WriteString(s.name)
	}
	return sb.String()
}

// leafExamples are the schema's own examples followed by the body
// examples' values at this path.
func (g *Generator) leafExamples(r *spec.Schema, path []step) []any {
	out := slices.Clone(r.Examples)
	return append(out, g.examples[normPath(path)]...)
}

func (g *Generator) stringExamples(r *spec.Schema, path []step) []string {
	var out []string
	for _, e := range g.leafExamples(r, path) {
		if s, ok := e.(string); ok && g.checkString(r, s) && !slices.Contains(out, s) {
			out = append(out, s)
		}
	}
	return out
}

func (g *Generator) intExamples(r *spec.Schema, path []step) []int64 {
	var out []int64
	for _, e := range g.leafExamples(r, path) {
		v := fromGo(e, nil, nil)
		if v.kind != kindNumber {
			continue
		}
		if q, ok := ratOf(v.text); ok && q.IsInt() && q.Num().IsInt64() && checkNumber(r, v.text) {
			out = append(out, q.Num().Int64())
		}
	}
	return out
}

func (g *Generator) numberExamples(r *spec.Schema, path []step) []string {
	var out []string
	for _, e := range g.leafExamples(r, path) {
		if v := fromGo(e, nil, nil); v.kind == kindNumber && checkNumber(r, v.text) {
			out = append(out, v.text)
		}
	}
	return out
}

// orderAt lists the property names of the object schema at path (from the
// body root), for laying out example objects in document order.
func (g *Generator) orderAt(path []step) []string {
	s := g.body
	for _, st := range path {
		s = schemaForStep(s, st)
		if s == nil {
			return nil
		}
	}
	return propertyOrder(s)
}

// schemaForStep finds the schema of a member or item through allOf and the
// branches of oneOf/anyOf (the first that declares it).
func schemaForStep(s *spec.Schema, st step) *spec.Schema {
	return schemaForStepDepth(s, st, 0)
}

func schemaForStepDepth(s *spec.Schema, st step, depth int) *spec.Schema {
	r := resolve(s)
	if r == nil || depth > maxMergeDepth {
		return nil
	}
	if st.isIdx {
		if r.Items != nil {
			return r.Items
		}
	} else if ps, ok := declaredProperty(r, st.name); ok {
		return ps
	}
	for _, b := range append(slices.Clone(r.OneOf), r.AnyOf...) {
		if x := schemaForStepDepth(b, st, depth+1); x != nil {
			return x
		}
	}
	if !st.isIdx {
		return r.AdditionalProperties
	}
	return nil
}
