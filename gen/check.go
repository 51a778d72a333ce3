package gen

import (
	"math"
	"math/big"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/addons-contract/contract/spec"
)

// The checker below is this package's own reading of a spec.Schema, used to
// steer generation (a oneOf branch really is the only one matched, a mutation
// really breaks the schema) and to re-check shrink steps without a validator.
// It answers as libopenapi-validator does (the validator spec.Validator wraps
// is the reference): it reads a value as the validator decodes it, and an
// OpenAPI 3.0 nullable as the validator rewrites it. The oracle test
// (check_oracle_test.go) holds it to the validator on random schemas and
// values; the self-check tests hold the generators to it on the spec's own.

// maxCheckDepth bounds recursion through composition keywords, which do not
// consume the value and can loop through a $ref cycle.
const maxCheckDepth = 256

// conforms reports whether v is valid against s (nil s allows anything).
func (g *Generator) conforms(s *spec.Schema, v value) bool {
	d, ok := decoded(v)
	return ok && g.check(s, d, 0)
}

func (g *Generator) check(s *spec.Schema, v value, depth int) bool {
	if s == nil {
		return true
	}
	if depth > maxCheckDepth {
		return false
	}
	if !typeMatches(s, v) || !g.checkValues(s, v) {
		return false
	}
	switch v.kind {
	case kindString:
		if !g.checkString(s, v.text) {
			return false
		}
	case kindNumber:
		if !checkNumber(s, v.text) {
			return false
		}
	case kindObject:
		if !g.checkObject(s, v, depth) {
			return false
		}
	case kindArray:
		if !g.checkArray(s, v, depth) {
			return false
		}
	}
	if !g.checkComposition(s, v, depth) {
		return false
	}
	return s.Not == nil || !g.check(s.Not, v, depth+1)
}

// checkValues applies enum and const. The validator adds null to the enum
// of a 3.0 nullable schema.
func (g *Generator) checkValues(s *spec.Schema, v value) bool {
	if len(s.Enum) > 0 && !(v.kind == kindNull && nullableKeyword(s)) &&
		!slices.ContainsFunc(s.Enum, func(e any) bool { return fromGo(e, nil, nil).equal(v) }) {
		return false
	}
	return !s.HasConst || fromGo(s.Const, nil, nil).equal(v)
}

// checkComposition applies allOf, anyOf and oneOf. The validator compiles a
// 3.0 nullable schema with an allOf as oneOf: [its own oneOf branches...,
// {allOf: its allOf}, {type: null}], so there the allOf and null count as
// two more oneOf branches: null whose allOf also allows null matches two
// and fails, whatever nullable says.
func (g *Generator) checkComposition(s *spec.Schema, v value, depth int) bool {
	all := !slices.ContainsFunc(s.AllOf, func(a *spec.Schema) bool { return !g.check(a, v, depth+1) })
	wrapped := len(s.AllOf) > 0 && nullableKeyword(s)
	if !all && !wrapped {
		return false
	}
	if len(s.AnyOf) > 0 && !slices.ContainsFunc(s.AnyOf, func(a *spec.Schema) bool { return g.check(a, v, depth+1) }) {
		return false
	}
	if len(s.OneOf) == 0 && !wrapped {
		return true
	}
	n := 0
	for _, a := range s.OneOf {
		if g.check(a, v, depth+1) {
			n++
		}
	}
	if wrapped && all {
		n++
	}
	if wrapped && v.kind == kindNull {
		n++
	}
	return n == 1
}

// nullableKeyword reports whether s has OpenAPI 3.0's nullable: true (the
// loader also sets Nullable for a 3.1 "null" type, which the validator
// does not rewrite; 3.1 documents cannot use the keyword itself).
func nullableKeyword(s *spec.Schema) bool {
	return s.Nullable && !slices.Contains(s.Types, "null")
}

// decoded is v as the validator sees it after encoding/json decoded the
// body: every number rounded to a float64 (false when one is out of range,
// which fails decoding), the last of repeated object keys winning.
// Pre-encoded bytes cannot be read at all.
func decoded(v value) (value, bool) {
	d, _, ok := decodeValue(v)
	return d, ok
}

// decodeValue is decoded, also saying whether anything changed: v itself comes
// back when nothing did, which is the common case, so nothing is copied.
func decodeValue(v value) (d value, changed, ok bool) {
	switch v.kind {
	case kindRaw:
		return v, false, false
	case kindNumber:
		if shortInt(v.text) {
			return v, false, true
		}
		f, err := strconv.ParseFloat(v.text, 64)
		if err != nil {
			return v, false, false
		}
		var buf [32]byte
		if lit := strconv.AppendFloat(buf[:0], f, 'g', -1, 64); string(lit) != v.text {
			if r, ok := ratOf(v.text); !ok || r.Cmp(ratFloat(f)) != 0 {
				return number(string(lit)), true, true
			}
		}
	case kindArray:
		var items []value
		for i, it := range v.items {
			x, ch, ok := decodeValue(it)
			if !ok {
				return v, false, false
			}
			if ch && items == nil {
				items = slices.Clone(v.items)
			}
			if items != nil {
				items[i] = x
			}
		}
		if items != nil {
			return array(items...), true, true
		}
	case kindObject:
		return decodeMembers(v)
	}
	return v, false, true
}

// shortInt reports whether lit is an integer of at most 15 digits, which a
// float64 holds exactly: most numbers this package writes, checked fast.
func shortInt(lit string) bool {
	digits := strings.TrimPrefix(lit, "-")
	if digits == "" || len(digits) > 15 {
		return false
	}
	for i := range len(digits) {
		if digits[i] < '0' || digits[i] > '9' {
			return false
		}
	}
	return true
}

// decodeMembers is decodeValue for an object.
func decodeMembers(v value) (value, bool, bool) {
	dup := v.distinctNames() < len(v.members)
	var ms []member
	for i, m := range v.members {
		x, ch, ok := decodeValue(m.value)
		if !ok {
			return v, false, false
		}
		if (ch || dup) && ms == nil {
			ms = append(make([]member, 0, len(v.members)), v.members[:i]...)
		}
		if ms != nil {
			ms = append(ms, member{m.name, x})
		}
	}
	if ms == nil {
		return v, false, true
	}
	if dup {
		// Keep each name's last member only, as a map decoding would.
		for i := len(ms) - 1; i >= 0; i-- {
			if slices.ContainsFunc(ms[i+1:], func(n member) bool { return n.name == ms[i].name }) {
				ms = slices.Delete(ms, i, i+1)
			}
		}
	}
	return object(ms...), true, true
}

// typeMatches applies type and nullable. No types means any type.
func typeMatches(s *spec.Schema, v value) bool {
	if v.kind == kindNull && s.Nullable {
		return true
	}
	if len(s.Types) == 0 {
		return true
	}
	for _, t := range s.Types {
		switch {
		case t == "null" && v.kind == kindNull,
			t == "boolean" && v.kind == kindBool,
			t == "string" && v.kind == kindString,
			t == "array" && v.kind == kindArray,
			t == "object" && v.kind == kindObject,
			t == "number" && v.kind == kindNumber:
			return true
		case t == "integer" && v.kind == kindNumber:
			if r, ok := ratOf(v.text); ok && r.IsInt() {
				return true
			}
		}
	}
	return false
}

func (g *Generator) checkString(s *spec.Schema, x string) bool {
	n := int64(utf8.RuneCountInString(x))
	if s.MinLength != nil && n < *s.MinLength {
		return false
	}
	if s.MaxLength != nil && n > *s.MaxLength {
		return false
	}
	if re := g.patterns[s.Pattern]; s.Pattern != "" && re != nil && !re.MatchString(x) {
		return false
	}
	return formatOK(s.Format, x)
}

// formatOK mirrors the validator's format assertions for date, date-time
// and time, the formats this package breaks on purpose. Other formats pass,
// including ones the validator asserts (email, uuid, ipv4, ...): generation
// writes those by construction (TestCheckerKnownGaps pins the gap).
func formatOK(format, x string) bool {
	switch format {
	case "date":
		return validDate(x)
	case "date-time":
		return validDateTime(x)
	case "time":
		return validTime(x)
	}
	return true
}

// validDate is an RFC 3339 full-date of a real calendar day.
func validDate(x string) bool {
	_, err := time.Parse("2006-01-02", x)
	return err == nil
}

// validDateTime is an RFC 3339 date-time (as the validator's format checker reads it).
func validDateTime(x string) bool {
	if len(x) < 20 || (x[10] != 'T' && x[10] != 't') {
		return false
	}
	return validDate(x[:10]) && validTime(x[11:])
}

// validTime is an RFC 3339 full-time: hh:mm:ss[.frac](Z|±hh:mm).
func validTime(x string) bool {
	if len(x) < 9 || x[2] != ':' || x[5] != ':' {
		return false
	}
	var hms [3]int
	for i, tok := range strings.SplitN(x[:8], ":", 3) {
		n, err := strconv.Atoi(tok)
		if err != nil || n < 0 {
			return false
		}
		hms[i] = n
	}
	h, m, sec := hms[0], hms[1], hms[2]
	if h > 23 || m > 59 || sec > 60 {
		return false
	}
	rest := x[8:]
	if frac, ok := strings.CutPrefix(rest, "."); ok {
		d := 0
		for d < len(frac) && frac[d] >= '0' && frac[d] <= '9' {
			d++
		}
		if d == 0 {
			return false
		}
		rest = frac[d:]
	}
	if rest != "z" && rest != "Z" {
		if len(rest) != 6 || (rest[0] != '+' && rest[0] != '-') || rest[3] != ':' {
			return false
		}
		zh, err1 := strconv.Atoi(rest[1:3])
		zm, err2 := strconv.Atoi(rest[4:6])
		if err1 != nil || err2 != nil || zh < 0 || zm < 0 || zh > 23 || zm > 59 {
			return false
		}
		sign := 1
		if rest[0] == '+' {
			sign = -1
		}
		hm := h*60 + m + sign*(zh*60+zm)
		if hm < 0 {
			hm += 24 * 60
		}
		h, m = hm/60, hm%60
	}
	return sec < 60 || (h == 23 && m == 59)
}

// ratOf parses a JSON number literal exactly.
func ratOf(lit string) (*big.Rat, bool) {
	r, ok := new(big.Rat).SetString(lit)
	return r, ok
}

func ratFloat(f float64) *big.Rat {
	r, _ := new(big.Rat).SetString(strconv.FormatFloat(f, 'g', -1, 64))
	return r
}

func checkNumber(s *spec.Schema, lit string) bool {
	r, ok := ratOf(lit)
	if !ok {
		return false
	}
	// The validator decodes bodies into float64: a literal out of float64
	// range does not decode at all.
	if f, _ := r.Float64(); math.IsInf(f, 0) {
		return false
	}
	if s.Minimum != nil && r.Cmp(ratFloat(*s.Minimum)) < 0 {
		return false
	}
	if s.Maximum != nil && r.Cmp(ratFloat(*s.Maximum)) > 0 {
		return false
	}
	if s.ExclusiveMinimum != nil && r.Cmp(ratFloat(*s.ExclusiveMinimum)) <= 0 {
		return false
	}
	if s.ExclusiveMaximum != nil && r.Cmp(ratFloat(*s.ExclusiveMaximum)) >= 0 {
		return false
	}
	if s.MultipleOf != nil && *s.MultipleOf > 0 {
		q := new(big.Rat).Quo(r, ratFloat(*s.MultipleOf))
		if !q.IsInt() {
			return false
		}
	}
	if lo, hi, ok := intFormat(s.Format); ok && !wholeIn(lit, lo, hi) {
		return false
	}
	return true
}

// wholeIn reports whether the literal, as a float64, is a whole number from
// lo to hi. The validator's int32/int64 check compares the float64 itself,
// where its other keywords compare the float64's shortest decimal form: so
// -2^63-1 passes int64 (it rounds to -2^63) although its shortest form,
// -9223372036854776000, is below -2^63. hi+1 stays exact as a float64
// where hi itself would round up.
func wholeIn(lit string, lo, hi int64) bool {
	f, err := strconv.ParseFloat(lit, 64)
	return err == nil && f == math.Trunc(f) && f >= float64(lo) && f < float64(hi)+1
}

// intFormat gives the range of the OpenAPI integer formats the validator asserts.
func intFormat(format string) (lo, hi int64, ok bool) {
	switch format {
	case "int32":
		return math.MinInt32, math.MaxInt32, true
	case "int64":
		return math.MinInt64, math.MaxInt64, true
	}
	return 0, 0, false
}

func (g *Generator) checkObject(s *spec.Schema, v value, depth int) bool {
	for _, r := range s.Required {
		if !v.has(r) {
			return false
		}
	}
	n := int64(v.distinctNames())
	if s.MinProperties != nil && n < *s.MinProperties {
		return false
	}
	if s.MaxProperties != nil && n > *s.MaxProperties {
		return false
	}
	for _, m := range v.members {
		ps, declared := declaredProperty(s, m.name)
		switch {
		case declared:
			if !g.check(ps, m.value, depth+1) {
				return false
			}
		case s.NoAdditional:
			return false
		case s.AdditionalProperties != nil:
			if !g.check(s.AdditionalProperties, m.value, depth+1) {
				return false
			}
		}
	}
	return true
}

// declaredProperty finds name among s's own properties (not composition).
func declaredProperty(s *spec.Schema, name string) (*spec.Schema, bool) {
	for _, p := range s.Properties {
		if p.Name == name {
			return p.Schema, true
		}
	}
	return nil, false
}

func (g *Generator) checkArray(s *spec.Schema, v value, depth int) bool {
	n := int64(len(v.items))
	if s.MinItems != nil && n < *s.MinItems {
		return false
	}
	if s.MaxItems != nil && n > *s.MaxItems {
		return false
	}
	for _, it := range v.items {
		if !g.check(s.Items, it, depth+1) {
			return false
		}
	}
	if s.UniqueItems {
		for i := range v.items {
			for j := range i {
				if v.items[i].equal(v.items[j]) {
					return false
				}
			}
		}
	}
	return true
}

// compilePatterns compiles every pattern reachable from s once, so checks
// and generation share them and never compile in the hot path. A pattern Go
// cannot compile is left out (generation then ignores it).
func compilePatterns(s *spec.Schema, out map[string]*regexp.Regexp, seen map[*spec.Schema]bool) {
	if s == nil || seen[s] {
		return
	}
	seen[s] = true
	if s.Pattern != "" {
		if _, ok := out[s.Pattern]; !ok {
			re, err := regexp.Compile(s.Pattern)
			if err != nil {
				re = nil
			}
			out[s.Pattern] = re
		}
	}
	for _, p := range s.Properties {
		compilePatterns(p.Schema, out, seen)
	}
	compilePatterns(s.AdditionalProperties, out, seen)
	compilePatterns(s.Items, out, seen)
	compilePatterns(s.Not, out, seen)
	for _, l := range [][]*spec.Schema{s.OneOf, s.AnyOf, s.AllOf} {
		for _, c := range l {
			compilePatterns(c, out, seen)
		}
	}
}
