package gen

import (
	"bytes"
	"slices"
	"strconv"
	"strings"
	"unicode"

	"github.com/addons-contract/contract/spec"
	"github.com/leanovate/gopter"
)

// ClassInfo describes one mutation class of invalid cases.
type ClassInfo struct {
	ID          string
	Layers      []Layer // the layers its cases can land in; the first is the usual one
	Description string
}

// Classes lists every mutation class, in a stable order (the order invalid
// cases rotate through).
func Classes() []ClassInfo {
	out := make([]ClassInfo, len(classDefs))
	for i, cd := range classDefs {
		out[i] = cd.info
		out[i].Layers = slices.Clone(cd.info.Layers)
	}
	return out
}

// classDef is a class and how to make its cases from a valid base body:
// tree classes return candidate edits of the body, in random order, and the
// first that lands in one of the class's layers wins (the layer is measured,
// not assumed: "é" in a plan code is a catalog matter, in a date a schema
// one); raw classes return bytes.
type classDef struct {
	info ClassInfo
	tree func(g *Generator, c *genCtx, base value, ns []node) []mutant
	raw  func(g *Generator, c *genCtx, base value, ns []node) (produced, bool)
}

// mutant is an edited body and the path of the field the edit broke.
type mutant struct {
	v    value
	path []step
}

// produced is a finished invalid case, short of its seed and index.
type produced struct {
	body        []byte
	field       string
	contentType string
	layer       Layer
}

var (
	schemaOnly   = []Layer{LayerSchema}
	catalogFirst = []Layer{LayerCatalog, LayerSchema}
	schemaFirst  = []Layer{LayerSchema, LayerCatalog}
	syntaxLayer  = []Layer{LayerSyntax}
	mediaLayer   = []Layer{LayerMedia}
	sizeLayer    = []Layer{LayerSize}
)

const (
	// maxMutants bounds the edits tried on one base body before drawing another.
	maxMutants = 48
	// longStringMin is the least length of a long-string value, in bytes of
	// the repeated original: far beyond any plan code or date, well under
	// the size limit.
	longStringMin = 5000
)

var classDefs = []*classDef{
	{info: ClassInfo{"missing-required", schemaOnly, "a required property left out"}, tree: mutMissingRequired},
	{info: ClassInfo{"wrong-type", schemaOnly, "a field, or the body itself, of a JSON type its schema does not allow (\"18\" for an integer, an array for an object)"}, tree: mutWrongType},
	{info: ClassInfo{"out-of-range", schemaOnly, "a number outside its bounds: 0 or negative below a minimum, above the maximum or int32, a fraction where an integer is due"}, tree: mutOutOfRange},
	{info: ClassInfo{"malformed-date", schemaOnly, "a date, date-time or time that is not an RFC 3339 value of a real day (2021-02-30, 2021-13-01, 2021/12/31)"}, tree: mutMalformedDate},
	{info: ClassInfo{"unknown-property", schemaOnly, "a property the schema does not declare where additional properties are not allowed"}, tree: mutUnknownProperty},
	{info: ClassInfo{"both-branches", schemaOnly, "a oneOf value carrying the members of two branches at once"}, tree: mutBothBranches},
	{info: ClassInfo{"no-branch", schemaOnly, "a oneOf/anyOf value that matches no branch (only optional members of one)"}, tree: mutNoBranch},
	{info: ClassInfo{"empty-object", schemaOnly, "{} where the schema needs members"}, tree: mutEmptyObject},
	{info: ClassInfo{"null-required", schemaOnly, "null for a required property"}, tree: mutNullRequired},
	{info: ClassInfo{"unknown-code", catalogFirst, "a plan code outside the catalog (case changed, suffixed, cut, made up)"}, tree: mutUnknownCode},
	{info: ClassInfo{"wrong-slot-code", catalogFirst, "a catalog code whose place is not the field's x-catalog slot"}, tree: mutWrongSlotCode},
	{info: ClassInfo{"base-code", catalogFirst, "a base plan code where an add-on is due"}, tree: mutBaseCode},
	{info: ClassInfo{"duplicate-code", catalogFirst, "the same catalog code twice in one body"}, tree: mutDuplicateCode},
	{info: ClassInfo{"empty-string", schemaFirst, "an empty string where the field needs content"}, tree: strMutation(func(c *genCtx, s string) string { return "" })},
	{info: ClassInfo{"long-string", schemaFirst, "a very long string (thousands of characters)"}, tree: strMutation(longString)},
	{info: ClassInfo{"non-ascii", schemaFirst, "non-ASCII letters: accents, homoglyphs, full-width digits"}, tree: strMutation(nonASCII)},
	{info: ClassInfo{"control-chars", schemaFirst, "control characters: NUL, newline, tab, ESC, DEL"}, tree: strMutation(controlChars)},
	{info: ClassInfo{"emoji", schemaFirst, "emoji inside a string"}, tree: strMutation(emoji)},
	{info: ClassInfo{"truncated", syntaxLayer, "the JSON text cut short"}, raw: rawTruncated},
	{info: ClassInfo{"trailing-data", syntaxLayer, "data after the JSON value"}, raw: rawTrailing},
	{info: ClassInfo{"duplicate-key", syntaxLayer, "an object that repeats a key"}, raw: rawDuplicateKey},
	{info: ClassInfo{"deep-nesting", syntaxLayer, "arrays or objects nested deeper than MaxNesting"}, raw: rawDeepNesting},
	{info: ClassInfo{"empty-body", syntaxLayer, "no body, or only whitespace"}, raw: rawEmptyBody},
	{info: ClassInfo{"wrong-content-type", mediaLayer, "a valid body sent as another media type"}, raw: rawWrongContentType},
	{info: ClassInfo{"missing-content-type", mediaLayer, "a valid body sent without a Content-Type"}, raw: rawMissingContentType},
	{info: ClassInfo{"oversize-body", sizeLayer, "a valid body padded with whitespace beyond the size limit"}, raw: rawOversize},
}

func classByID(id string) *classDef {
	for _, cd := range classDefs {
		if cd.info.ID == id {
			return cd
		}
	}
	return nil
}

// produce makes one case of class cd from a fresh valid base body.
func (g *Generator) produce(cd *classDef, p *gopter.GenParameters) (produced, bool) {
	c := &genCtx{p: p}
	base, ok := g.genBody(c)
	if !ok {
		return produced{}, false
	}
	ns := g.nodes(g.body, base, nil, nil, nil)
	if cd.raw != nil {
		return cd.raw(g, c, base, ns)
	}
	ms := cd.tree(g, c, base, ns)
	for i, m := range ms {
		if i >= maxMutants {
			break
		}
		if l := g.layerOf(m.v); l != LayerNone && slices.Contains(cd.info.Layers, l) {
			return produced{body: m.v.encode(), field: pathString(m.path), contentType: g.mediaType, layer: l}, true
		}
	}
	return produced{}, false
}

// layerOf says which layer rejects a well-formed body: the schema first,
// then the catalog; LayerNone when both accept it.
func (g *Generator) layerOf(v value) Layer {
	if !g.conforms(g.body, v) {
		return LayerSchema
	}
	if !g.catalogOK(v) {
		return LayerCatalog
	}
	return LayerNone
}

// node is one value of a body with the schema it sits under.
type node struct {
	path   []step
	v      value
	s      *spec.Schema // the schema as written at this place
	eff    *spec.Schema // s resolved for v: allOf folded, the matching branch merged
	parent *spec.Schema // the parent's eff, nil at the root
}

// nodes lists v and all values inside it, in document order.
func (g *Generator) nodes(s *spec.Schema, v value, path []step, parent *spec.Schema, out []node) []node {
	eff := g.effective(s, v)
	out = append(out, node{path: path, v: v, s: s, eff: eff, parent: parent})
	if len(path) > 64 {
		return out
	}
	switch v.kind {
	case kindObject:
		for _, m := range v.members {
			out = g.nodes(g.childSchema(eff, key(m.name)), m.value, appendPath(path, key(m.name)), eff, out)
		}
	case kindArray:
		for i, it := range v.items {
			out = g.nodes(g.childSchema(eff, index(i)), it, appendPath(path, index(i)), eff, out)
		}
	}
	return out
}

// shuffled returns a copy of xs in an order drawn from c.
func shuffled[T any](c *genCtx, xs []T) []T {
	out := slices.Clone(xs)
	for i := len(out) - 1; i > 0; i-- {
		j := c.intn(i + 1)
		out[i], out[j] = out[j], out[i]
	}
	return out
}

// replaced is base with the value at path set to x.
func replaced(base value, path []step, x value) (mutant, bool) {
	v, ok := base.set(path, x)
	return mutant{v: v, path: path}, ok
}

// isRequiredMember reports whether n is a property its parent requires.
func (n node) isRequiredMember() bool {
	if len(n.path) == 0 {
		return false
	}
	last := n.path[len(n.path)-1]
	return !last.isIdx && required(n.parent, last.name)
}

func mutMissingRequired(g *Generator, c *genCtx, base value, ns []node) []mutant {
	var out []mutant
	for _, n := range shuffled(c, ns) {
		if n.isRequiredMember() {
			if v, ok := base.remove(n.path); ok {
				out = append(out, mutant{v, n.path})
			}
		}
	}
	return out
}

func mutWrongType(g *Generator, c *genCtx, base value, ns []node) []mutant {
	var out []mutant
	for _, n := range shuffled(c, ns) {
		if n.eff == nil || len(n.eff.Types) == 0 {
			continue
		}
		var pool []value
		switch n.v.kind {
		case kindNumber:
			pool = append(pool, str(n.v.text)) // the classic: a number in quotes
		case kindString:
			if _, err := strconv.ParseFloat(n.v.text, 64); err == nil {
				pool = append(pool, number(n.v.text))
			} else {
				pool = append(pool, integer(int64(len(n.v.text))))
			}
		default:
			pool = append(pool, str("1"), integer(1))
		}
		pool = append(pool, boolean(true), array(), array(n.v), object(), object(member{"value", n.v}))
		var ok []value
		for _, x := range pool {
			// null has its own class; a fraction for an integer is out-of-range.
			if x.kind != n.v.kind && !typeMatches(n.eff, x) {
				ok = append(ok, x)
			}
		}
		if len(ok) == 0 {
			continue
		}
		if m, done := replaced(base, n.path, ok[c.intn(len(ok))]); done {
			out = append(out, m)
		}
	}
	return out
}

func mutOutOfRange(g *Generator, c *genCtx, base value, ns []node) []mutant {
	var out []mutant
	for _, n := range shuffled(c, ns) {
		if n.v.kind != kindNumber || n.eff == nil {
			continue
		}
		var lits []string
		if slices.Contains(n.eff.Types, "integer") {
			lo, hi, loSet, hiSet := intBounds(n.eff)
			if loSet {
				lits = append(lits, strconv.FormatInt(lo-1, 10), strconv.FormatInt(lo-1-int64(c.intn(1000)), 10))
			}
			if hiSet {
				lits = append(lits, strconv.FormatInt(hi+1, 10), strconv.FormatInt(hi+1+int64(c.intn(1000)), 10))
			}
			lits = append(lits, "0", "-1", "2147483648", "-2147483649", strconv.FormatInt(lo, 10)+".5", "1.5")
		} else {
			if m := n.eff.Minimum; m != nil {
				lits = append(lits, formatFloat(*m-1), formatFloat(*m-0.01))
			}
			if m := n.eff.ExclusiveMinimum; m != nil {
				lits = append(lits, formatFloat(*m))
			}
			if m := n.eff.Maximum; m != nil {
				lits = append(lits, formatFloat(*m+1), formatFloat(*m+0.01))
			}
			if m := n.eff.ExclusiveMaximum; m != nil {
				lits = append(lits, formatFloat(*m))
			}
		}
		var bad []string
		for _, l := range lits {
			if !slices.Contains(bad, l) && !g.conforms(n.eff, number(l)) && typeOrNumber(n.eff) {
				bad = append(bad, l)
			}
		}
		if len(bad) == 0 {
			continue
		}
		if m, ok := replaced(base, n.path, number(bad[c.intn(len(bad))])); ok {
			out = append(out, m)
		}
	}
	return out
}

// typeOrNumber reports whether the schema is about numbers at all.
func typeOrNumber(s *spec.Schema) bool {
	return slices.Contains(s.Types, "integer") || slices.Contains(s.Types, "number")
}

var badDates = map[string][]string{
	"date": {"2021-02-30", "2021-02-29", "2021-13-01", "2021-00-10", "2021-12-32", "2021-12-00",
		"21-12-31", "2021-1-5", "2021/12/31", "31-12-2021", "2021-12-31T00:00:00Z", "20211231",
		"2021-12-31 ", " 2021-12-31", "2021-W52-5", "yesterday", "0000-00-00", "2021-12"},
	"date-time": {"2021-12-31", "2021-12-31T25:00:00Z", "2021-12-31T10:00:00", "2021-02-30T10:00:00Z",
		"2021-12-31T10:00Z", "2021-12-31T10:60:00Z", "2021-12-31T10:00:00+25:00", "2021-12-31 10:00:00Z"},
	"time": {"25:00:00Z", "10:00", "10:00:00", "10:00:00+1:00", "10:61:00Z"},
}

func mutMalformedDate(g *Generator, c *genCtx, base value, ns []node) []mutant {
	var out []mutant
	for _, n := range shuffled(c, ns) {
		if n.v.kind != kindString || n.eff == nil {
			continue
		}
		list := badDates[n.eff.Format]
		if len(list) == 0 {
			continue
		}
		bad := list[c.intn(len(list))]
		if formatOK(n.eff.Format, bad) {
			continue
		}
		if m, ok := replaced(base, n.path, str(bad)); ok {
			out = append(out, m)
		}
	}
	return out
}

func mutUnknownProperty(g *Generator, c *genCtx, base value, ns []node) []mutant {
	var out []mutant
	for _, n := range shuffled(c, ns) {
		if n.v.kind != kindObject {
			continue
		}
		declared := propertyOrder(n.s)
		names := []string{"unknown", "extra_field", "__proto__"}
		for _, d := range declared {
			names = append(names, strings.ToUpper(d[:1])+d[1:], d+"_")
		}
		var fresh []string
		for _, x := range names {
			if !slices.Contains(declared, x) && !n.v.has(x) {
				fresh = append(fresh, x)
			}
		}
		if len(fresh) == 0 {
			continue
		}
		name := fresh[c.intn(len(fresh))]
		vals := []value{str("x"), integer(1), boolean(true), null()}
		ms := slices.Clone(n.v.members)
		at := c.intn(len(ms) + 1)
		ms = slices.Insert(ms, at, member{name, vals[c.intn(len(vals))]})
		if m, ok := replaced(base, n.path, object(ms...)); ok {
			m.path = appendPath(n.path, key(name))
			out = append(out, m)
		}
	}
	return out
}

// branchOf returns the index of the branch of r's oneOf/anyOf that v matches, or -1.
func (g *Generator) branchOf(branches []*spec.Schema, v value) int {
	return slices.IndexFunc(branches, func(b *spec.Schema) bool { return g.conforms(b, v) })
}

// branchValue generates a valid value for branch b of the composite at n.
func (g *Generator) branchValue(c *genCtx, r *spec.Schema, b *spec.Schema, path []step) (value, bool) {
	base := *r
	base.OneOf, base.AnyOf = nil, nil
	return g.genValue(c, resolve(merge(&base, resolve(b))), path, len(path)+1)
}

func mutBothBranches(g *Generator, c *genCtx, base value, ns []node) []mutant {
	var out []mutant
	for _, n := range ns {
		r := resolve(n.s)
		if r == nil || len(r.OneOf) < 2 || n.v.kind != kindObject {
			continue
		}
		k := g.branchOf(r.OneOf, n.v)
		for _, j := range shuffled(c, indices(len(r.OneOf))) {
			if j == k {
				continue
			}
			other, ok := g.branchValue(c, r, r.OneOf[j], n.path)
			if !ok || other.kind != kindObject {
				continue
			}
			ms := slices.Clone(n.v.members)
			for _, m := range other.members {
				if !n.v.has(m.name) {
					ms = append(ms, m)
				}
			}
			if m, ok := replaced(base, n.path, object(ms...)); ok {
				out = append(out, m)
			}
		}
	}
	return out
}

func indices(n int) []int {
	out := make([]int, n)
	for i := range out {
		out[i] = i
	}
	return out
}

func mutNoBranch(g *Generator, c *genCtx, base value, ns []node) []mutant {
	var out []mutant
	for _, n := range ns {
		r := resolve(n.s)
		if r == nil || n.v.kind != kindObject {
			continue
		}
		branches := append(slices.Clone(r.OneOf), r.AnyOf...)
		if len(branches) < 2 {
			continue
		}
		k := g.branchOf(branches, n.v)
		for _, j := range shuffled(c, indices(len(branches))) {
			v := n.v
			if j != k {
				x, ok := g.branchValue(c, r, branches[j], n.path)
				if !ok || x.kind != kindObject {
					continue
				}
				v = x
			}
			req := resolve(merge(r, resolve(branches[j]))).Required
			stripped := v
			for _, name := range req {
				stripped = stripped.without(name)
			}
			if len(stripped.members) == 0 || g.branchOf(branches, stripped) >= 0 {
				continue
			}
			if m, ok := replaced(base, n.path, stripped); ok {
				out = append(out, m)
			}
		}
	}
	return out
}

func mutEmptyObject(g *Generator, c *genCtx, base value, ns []node) []mutant {
	var out []mutant
	for _, n := range shuffled(c, ns) {
		if n.v.kind == kindObject && len(n.v.members) > 0 && !g.conforms(n.s, object()) {
			if m, ok := replaced(base, n.path, object()); ok {
				out = append(out, m)
			}
		}
	}
	return out
}

func mutNullRequired(g *Generator, c *genCtx, base value, ns []node) []mutant {
	var out []mutant
	for _, n := range shuffled(c, ns) {
		if n.isRequiredMember() && !g.conforms(n.s, null()) {
			if m, ok := replaced(base, n.path, null()); ok {
				out = append(out, m)
			}
		}
	}
	return out
}

// codeNodes are the catalog-bound string fields of a body.
func codeNodes(c *genCtx, ns []node) []node {
	var out []node
	for _, n := range shuffled(c, ns) {
		if n.v.kind == kindString && catalogRule(n.eff) != "" {
			out = append(out, n)
		}
	}
	return out
}

func mutUnknownCode(g *Generator, c *genCtx, base value, ns []node) []mutant {
	var out []mutant
	for _, n := range codeNodes(c, ns) {
		code := n.v.text
		variants := []string{code + "_x", strings.ToUpper(code), "x" + code, "no_such_plan", strings.ReplaceAll(code, "_", "-")}
		if len(code) > 1 {
			variants = append(variants, code[:len(code)-1])
		}
		var fresh []string
		for _, x := range variants {
			if x != "" && !g.inCatalog(x) && !slices.Contains(fresh, x) {
				fresh = append(fresh, x)
			}
		}
		if len(fresh) == 0 {
			continue
		}
		if m, ok := replaced(base, n.path, str(fresh[c.intn(len(fresh))])); ok {
			out = append(out, m)
		}
	}
	return out
}

func mutWrongSlotCode(g *Generator, c *genCtx, base value, ns []node) []mutant {
	used := g.usedCodes(base)
	var out []mutant
	for _, n := range codeNodes(c, ns) {
		rule := catalogRule(n.eff)
		if rule == catalogAddon {
			continue
		}
		ok := g.allowed(rule)
		var others []string
		for _, code := range g.allowed(catalogAddon) {
			if !slices.Contains(ok, code) && !slices.Contains(used, code) {
				others = append(others, code)
			}
		}
		if len(others) == 0 {
			continue
		}
		if m, done := replaced(base, n.path, str(others[c.intn(len(others))])); done {
			out = append(out, m)
		}
	}
	return out
}

func mutBaseCode(g *Generator, c *genCtx, base value, ns []node) []mutant {
	var bases []string
	for _, p := range g.op.Catalog {
		if p.Base {
			bases = append(bases, p.Code)
		}
	}
	if len(bases) == 0 {
		return nil
	}
	var out []mutant
	for _, n := range codeNodes(c, ns) {
		if m, ok := replaced(base, n.path, str(bases[c.intn(len(bases))])); ok {
			out = append(out, m)
		}
	}
	return out
}

func mutDuplicateCode(g *Generator, c *genCtx, base value, ns []node) []mutant {
	var out []mutant
	codes := codeNodes(c, ns)
	for _, n := range codes {
		// An item holding a code, repeated in its array.
		i := slices.IndexFunc(n.path, func(s step) bool { return s.isIdx })
		if i >= 0 {
			for j := len(n.path) - 1; j >= 0; j-- {
				if n.path[j].isIdx {
					i = j
					break
				}
			}
			arrPath := n.path[:i]
			arr, ok1 := base.at(arrPath)
			item, ok2 := base.at(n.path[:i+1])
			if ok1 && ok2 && arr.kind == kindArray {
				if m, ok := replaced(base, arrPath, array(append(slices.Clone(arr.items), item)...)); ok {
					out = append(out, m)
				}
			}
		}
		// Another code field taking this one's code, where its rule allows it.
		for _, o := range codes {
			if pathString(o.path) != pathString(n.path) && o.v.text != n.v.text &&
				slices.Contains(g.allowed(catalogRule(o.eff)), n.v.text) {
				if m, ok := replaced(base, o.path, str(n.v.text)); ok {
					out = append(out, m)
				}
			}
		}
	}
	return out
}

// strMutation makes a class that rewrites one string field with f.
func strMutation(f func(c *genCtx, s string) string) func(g *Generator, c *genCtx, base value, ns []node) []mutant {
	return func(g *Generator, c *genCtx, base value, ns []node) []mutant {
		var out []mutant
		for _, n := range shuffled(c, ns) {
			if n.v.kind != kindString {
				continue
			}
			x := f(c, n.v.text)
			if x == n.v.text {
				continue
			}
			if m, ok := replaced(base, n.path, str(x)); ok {
				out = append(out, m)
			}
		}
		return out
	}
}

func longString(c *genCtx, s string) string {
	if s == "" {
		s = "x"
	}
	n := longStringMin + c.intn(longStringMin)
	var sb strings.Builder
	for sb.Len() < n {
		sb.WriteString(s)
	}
	return sb.String()
}

// insertAt puts ins at a random rune boundary of s (ends included).
func insertAt(c *genCtx, s, ins string) string {
	rs := []rune(s)
	at := c.intn(len(rs) + 1)
	return string(rs[:at]) + ins + string(rs[at:])
}

var homoglyphs = map[rune]rune{'a': 'а', 'e': 'е', 'o': 'о', 'c': 'с', 'p': 'р', 'x': 'х'}

func nonASCII(c *genCtx, s string) string {
	switch c.intn(3) {
	case 0: // a look-alike Cyrillic letter
		rs := []rune(s)
		var at []int
		for i, r := range rs {
			if _, ok := homoglyphs[r]; ok {
				at = append(at, i)
			}
		}
		if len(at) > 0 {
			i := at[c.intn(len(at))]
			rs[i] = homoglyphs[rs[i]]
			return string(rs)
		}
	case 1: // full-width digits
		if strings.ContainsFunc(s, unicode.IsDigit) {
			return strings.Map(func(r rune) rune {
				if r >= '0' && r <= '9' {
					return r - '0' + '０'
				}
				return r
			}, s)
		}
	}
	accents := []string{"é", "ü", "ñ", "日本", "ß"}
	return insertAt(c, s, accents[c.intn(len(accents))])
}

func controlChars(c *genCtx, s string) string {
	cs := []string{"\x00", "\n", "\t", "\x1b", "\r", "\x7f", "\x08"}
	return insertAt(c, s, cs[c.intn(len(cs))])
}

func emoji(c *genCtx, s string) string {
	es := []string{"😀", "🚀", "👍🏽", "🇺🇸", "💥"}
	return insertAt(c, s, es[c.intn(len(es))])
}

func rawTruncated(g *Generator, c *genCtx, base value, ns []node) (produced, bool) {
	b := base.encode()
	if len(b) < 2 {
		return produced{}, false
	}
	return produced{body: b[:1+c.intn(len(b)-1)], contentType: g.mediaType, layer: LayerSyntax}, true
}

func rawTrailing(g *Generator, c *genCtx, base value, ns []node) (produced, bool) {
	tails := []string{"}", "x", " {}", "{}", "\n" + `{"a":1}`, ",", "]", " null", "\x00", " 1"}
	b := append(base.encode(), tails[c.intn(len(tails))]...)
	return produced{body: b, contentType: g.mediaType, layer: LayerSyntax}, true
}

func rawDuplicateKey(g *Generator, c *genCtx, base value, ns []node) (produced, bool) {
	for _, n := range shuffled(c, ns) {
		if n.v.kind != kindObject || len(n.v.members) == 0 {
			continue
		}
		i := c.intn(len(n.v.members))
		m := n.v.members[i]
		dup := m.value
		if c.chance(2) {
			if x, ok := g.genValue(c, g.childSchema(n.eff, key(m.name)), appendPath(n.path, key(m.name)), len(n.path)+1); ok {
				dup = x
			}
		}
		ms := slices.Insert(slices.Clone(n.v.members), i+1+c.intn(len(n.v.members)-i), member{m.name, dup})
		v, ok := base.set(n.path, object(ms...))
		if !ok {
			continue
		}
		return produced{body: v.encode(), field: pathString(appendPath(n.path, key(m.name))), contentType: g.mediaType, layer: LayerSyntax}, true
	}
	return produced{}, false
}

func rawDeepNesting(g *Generator, c *genCtx, base value, ns []node) (produced, bool) {
	d := MaxNesting + 1 + c.intn(64)
	var nest string
	if c.chance(2) {
		nest = strings.Repeat("[", d) + strings.Repeat("]", d)
	} else {
		nest = strings.Repeat(`{"a":`, d) + "1" + strings.Repeat("}", d)
	}
	deep := value{kind: kindRaw, text: nest}
	if len(ns) > 1 {
		n := ns[1+c.intn(len(ns)-1)]
		if v, ok := base.set(n.path, deep); ok {
			return produced{body: v.encode(), field: pathString(n.path), contentType: g.mediaType, layer: LayerSyntax}, true
		}
	}
	body := "[" + strings.Repeat("[", d) + string(base.encode()) + strings.Repeat("]", d) + "]"
	return produced{body: []byte(body), contentType: g.mediaType, layer: LayerSyntax}, true
}

func rawEmptyBody(g *Generator, c *genCtx, base value, ns []node) (produced, bool) {
	bodies := []string{"", "", " ", "\n", "\r\n\t "}
	return produced{body: []byte(bodies[c.intn(len(bodies))]), contentType: g.mediaType, layer: LayerSyntax}, true
}

var wrongMediaTypes = []string{"text/plain", "text/plain; charset=utf-8", "application/xml",
	"application/x-www-form-urlencoded", "multipart/form-data; boundary=x", "application/octet-stream", "text/html"}

func rawWrongContentType(g *Generator, c *genCtx, base value, ns []node) (produced, bool) {
	ct := wrongMediaTypes[c.intn(len(wrongMediaTypes))]
	return produced{body: base.encode(), contentType: ct, layer: LayerMedia}, true
}

func rawMissingContentType(g *Generator, c *genCtx, base value, ns []node) (produced, bool) {
	return produced{body: base.encode(), contentType: "", layer: LayerMedia}, true
}

func rawOversize(g *Generator, c *genCtx, base value, ns []node) (produced, bool) {
	b := base.encode()
	total := g.opts.SizeLimit + 1 + c.intn(1024)
	pad := max(total-len(b), 1)
	out := make([]byte, 0, len(b)+pad)
	// Whitespace inside the value keeps the body one valid JSON value: the
	// size, nothing else, is what is wrong.
	if len(b) > 0 && (b[0] == '{' || b[0] == '[') {
		out = appendSpaces(append(out, b[0]), pad)
		out = append(out, b[1:]...)
	} else {
		out = append(appendSpaces(out, pad), b...)
	}
	return produced{body: out, contentType: g.mediaType, layer: LayerSize}, true
}

// spaces is a block of padding appendSpaces copies from.
var spaces = bytes.Repeat([]byte{' '}, 4096)

// appendSpaces appends n spaces to b, a block at a time (no n-byte
// temporary: an oversize body is a megabyte of them).
func appendSpaces(b []byte, n int) []byte {
	for n > 0 {
		k := min(n, len(spaces))
		b = append(b, spaces[:k]...)
		n -= k
	}
	return b
}
