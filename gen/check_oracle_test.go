package gen

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math/rand"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/addons-contract/contract/spec"
	"github.com/leanovate/gopter"
	"github.com/leanovate/gopter/prop"
)

// The oracle test holds this package's own schema checker (check.go) to
// libopenapi-validator directly: random JSON Schemas drawn from the keywords
// the checker reads, each wrapped in a one-operation OpenAPI document loaded
// by spec.Parse, times random values (conforming and near misses), must get
// the same accept/reject verdict from conforms and from spec.Validator.Body.

// oracleSchemas is how many random schemas the test draws; each is checked
// against oracleValues values.
const (
	oracleSchemas = 400
	oracleValues  = 24
)

// trial is one random schema with the seed of the values drawn against it.
type trial struct {
	v30    bool // an OpenAPI 3.0 document (nullable, boolean exclusive bounds), else 3.1
	schema map[string]any
	seed   int64
}

func (tr trial) String() string {
	b, _ := json.Marshal(tr.schema)
	return fmt.Sprintf("openapi %s schema %s value seed %d", tr.version(), b, tr.seed)
}

func (tr trial) version() string {
	if tr.v30 {
		return "3.0.3"
	}
	return "3.1.0"
}

// document wraps the schema as the JSON request body of operation "t".
func (tr trial) document() []byte {
	doc := map[string]any{
		"openapi": tr.version(),
		"info":    map[string]any{"title": "oracle", "version": "1"},
		"paths": map[string]any{"/t": map[string]any{"post": map[string]any{
			"operationId": "t",
			"requestBody": map[string]any{"content": map[string]any{"application/json": map[string]any{"schema": tr.schema}}},
			"responses":   map[string]any{"200": map[string]any{"description": "ok"}},
		}}},
	}
	b, err := json.Marshal(doc)
	if err != nil {
		panic(err) // only maps, slices, strings, numbers and bools go in
	}
	return b
}

// genTrial draws trials; a trial is a value, so gopter has nothing to shrink.
func genTrial() gopter.Gen {
	return func(p *gopter.GenParameters) *gopter.GenResult {
		d := &schemaDraw{r: p.Rng, v30: p.Rng.Intn(3) == 0}
		tr := trial{v30: d.v30, schema: d.schema(0), seed: p.Rng.Int63()}
		return gopter.NewGenResult(tr, gopter.NoShrinker)
	}
}

// tally counts verdicts, so the test can tell that both are common, and
// the disagreements an oracleException excused.
type tally struct{ accepted, rejected, excused int }

func TestCheckerAgreesWithValidator(t *testing.T) {
	params := gopter.DefaultTestParametersWithSeed(testSeed(t))
	params.Workers = 1
	params.MinSuccessfulTests = oracleSchemas
	var n tally
	props := gopter.NewProperties(params)
	props.Property("conforms gives libopenapi-validator's verdict", prop.ForAll(
		func(tr trial) string { return agree(tr, &n) }, genTrial()))
	props.TestingRun(t)
	total := n.accepted + n.rejected
	t.Logf("%d values: %d accepted, %d rejected, %d disagreements excused", total, n.accepted, n.rejected, n.excused)
	// Both verdicts must be common, or agreement proves little.
	if total > 0 && (n.accepted*5 < total || n.rejected*5 < total) {
		t.Errorf("verdicts too lopsided to compare: %d accepted, %d rejected", n.accepted, n.rejected)
	}
}

// oracleExceptions are the disagreements the test tolerates: places where
// check.go cannot see what the validator sees. Each says why.
var oracleExceptions = []struct {
	name, reason string
	applies      func(schema []byte) bool
}{
	{"bound without a float64", "spec.Schema holds minimum, maximum, the exclusive bounds and multipleOf " +
		"as float64, so 2^53+1 reaches check.go as 2^53; the validator compares with the literal as written",
		func(schema []byte) bool { return bytes.Contains(schema, []byte(inexactBound)) }},
}

// inexactBound is the bound oracleBounds draws that no float64 holds (2^53+1).
const inexactBound = "9007199254740993"

// excused names the exception that covers a disagreement on tr, "" if none.
func excused(tr trial) string {
	b, _ := json.Marshal(tr.schema)
	for _, e := range oracleExceptions {
		if e.applies(b) {
			return e.name
		}
	}
	return ""
}

// judge holds both checkers of one document's operation "t" body schema:
// the package's own and the validator.
type judge struct {
	op  *spec.Operation
	val *spec.Validator
	g   *Generator
}

// newJudge loads a document written by trial.document.
func newJudge(data []byte) (*judge, error) {
	doc, err := spec.Parse("oracle.json", data)
	if err != nil {
		return nil, err
	}
	op, err := doc.Operation("t")
	if err != nil {
		return nil, err
	}
	val, err := doc.Validator()
	if err != nil {
		return nil, err
	}
	g := &Generator{patterns: map[string]*regexp.Regexp{}}
	compilePatterns(op.Body.Schema, g.patterns, map[*spec.Schema]bool{})
	return &judge{op: op, val: val, g: g}, nil
}

// mine is check.go's verdict on v.
func (j *judge) mine(v value) bool { return j.g.conforms(j.op.Body.Schema, v) }

// theirs is the validator's verdict on body: its problems, none if valid.
func (j *judge) theirs(body []byte) ([]spec.Problem, error) {
	ps := j.val.Body(j.op, "application/json", body)
	for _, p := range ps {
		if strings.Contains(p.Message, "failed schema compilation") {
			// Not a verdict: the schema is not a schema (a test bug).
			return nil, fmt.Errorf("the validator cannot compile the schema: %s", p.Message)
		}
	}
	return ps, nil
}

// agree checks oracleValues values against tr's schema with both checkers
// and describes the first disagreement ("" when there is none).
func agree(tr trial, n *tally) string {
	j, err := newJudge(tr.document())
	if err != nil {
		return "loading the trial's document: " + err.Error()
	}
	d := &valueDraw{r: rand.New(rand.NewSource(tr.seed))}
	for range oracleValues {
		v := d.value(j.op.Body.Schema, 0)
		body := v.encode()
		ps, err := j.theirs(body)
		if err != nil {
			return err.Error()
		}
		want := len(ps) == 0
		if got := j.mine(v); got != want {
			if excused(tr) != "" {
				n.excused++
				continue
			}
			why := "the validator accepts it"
			if !want {
				why = "the validator says " + ps[0].Field + ": " + ps[0].Message
			}
			return fmt.Sprintf("conforms(%s) = %v, but %s", body, got, why)
		}
		if want {
			n.accepted++
		} else {
			n.rejected++
		}
	}
	return ""
}

// TestCheckerReadsLikeTheValidator pins each reading check.go copies from
// the validator rather than from JSON Schema alone, with the validator's
// own verdict beside it: if a validator upgrade changes one, this names it.
func TestCheckerReadsLikeTheValidator(t *testing.T) {
	tests := []struct {
		name, openapi, schema, body string
		want                        bool
		reason                      string
	}{
		{"int64 edge", "3.1.0", `{"type":"integer","format":"int64"}`, `9223372036854775807`, false,
			"the body decodes into float64: 2^63-1 rounds to 2^63, past int64"},
		{"int64 low edge", "3.1.0", `{"type":"integer","format":"int64"}`, `-9223372036854775809`, true,
			"-2^63-1 rounds to -2^63, and the int64 check compares the float64 itself"},
		{"rounded multiple", "3.1.0", `{"type":"integer","multipleOf":3}`, `9007199254740993`, false,
			"2^53+1 decodes as 2^53, which 3 does not divide"},
		{"rounded enum", "3.1.0", `{"enum":[1]}`, `1.0000000000000001`, true, "the literal decodes as 1"},
		{"number past float64", "3.1.0", `{}`, `[1e400]`, false, "the body fails decoding, whatever the schema"},
		{"repeated key, last valid", "3.1.0", `{"properties":{"a":{"type":"string"}}}`, `{"a":1,"a":"x"}`, true,
			"decoding keeps the last member of a repeated key"},
		{"repeated key, last invalid", "3.1.0", `{"properties":{"a":{"type":"string"}}}`, `{"a":"x","a":1}`, false,
			"decoding keeps the last member of a repeated key"},
		{"nullable enum", "3.0.3", `{"type":"string","enum":["a"],"nullable":true}`, `null`, true,
			"the validator adds null to a 3.0 nullable schema's enum"},
		{"nullable allOf", "3.0.3", `{"type":"integer","nullable":true,"allOf":[{"type":"integer","minimum":1}]}`, `null`, true,
			"the validator reads a 3.0 nullable allOf as oneOf: [{allOf}, {type: null}]"},
		{"nullable allOf that allows null", "3.0.3", `{"type":"integer","nullable":true,"allOf":[{"minimum":1}]}`, `null`, false,
			"null then matches both of the validator's oneOf branches (a validator bug: nullable says null is fine)"},
		{"nullable allOf beside a oneOf", "3.0.3", `{"nullable":true,"allOf":[{"type":"integer"}],"oneOf":[{"minimum":0},{"maximum":-1}]}`, `5`, false,
			"the validator appends the allOf to the schema's own oneOf: 5 matches two branches"},
		{"3.1 null type beside an allOf", "3.1.0", `{"type":["integer","null"],"allOf":[{"minimum":1}]}`, `null`, true,
			"3.1 is not rewritten: minimum ignores null"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			mine, theirs := verdicts(t, tt.openapi, tt.schema, tt.body)
			if theirs != tt.want {
				t.Errorf("the validator's verdict on %s changed to %v (%s): drop or adapt this reading in check.go", tt.body, theirs, tt.reason)
			}
			if mine != tt.want {
				t.Errorf("conforms(%s) = %v, want %v: %s", tt.body, mine, tt.want, tt.reason)
			}
		})
	}
}

// TestCheckerKnownGaps pins where check.go knowingly answers otherwise than
// the validator, so a fix on either side shows up here (and the random
// test's oracleExceptions can shrink).
func TestCheckerKnownGaps(t *testing.T) {
	const unread = "check.go reads the date, date-time, time, int32 and int64 formats only; " +
		"generation writes the others by construction and only Options.Validate re-checks them"
	tests := []struct {
		name, openapi, schema, body string
		validator                   bool // the validator's verdict; conforms gives the other
		reason                      string
	}{
		{"email", "3.1.0", `{"type":"string","format":"email"}`, `"a"`, false, unread},
		{"uuid", "3.1.0", `{"type":"string","format":"uuid"}`, `"123e4567e89b42d3a456426614174000"`, false, unread},
		{"ipv4", "3.1.0", `{"type":"string","format":"ipv4"}`, `"256.1.1.1"`, false, unread},
		{"bound without a float64", "3.1.0", `{"type":"integer","minimum":` + inexactBound + `}`, `9007199254740992`, false,
			oracleExceptions[0].reason},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			mine, theirs := verdicts(t, tt.openapi, tt.schema, tt.body)
			if theirs != tt.validator {
				t.Errorf("the validator's verdict on %s changed to %v", tt.body, theirs)
			}
			if mine == theirs {
				t.Errorf("conforms(%s) now agrees with the validator (%v): the gap is closed, drop this row (%s)", tt.body, mine, tt.reason)
			}
		})
	}
}

// verdicts judges body against schema (JSON) in a document of the given
// OpenAPI version: conforms's verdict and the validator's.
func verdicts(t *testing.T, openapi, schema, body string) (mine, theirs bool) {
	t.Helper()
	dec := json.NewDecoder(strings.NewReader(schema))
	dec.UseNumber() // 2^53+1 stays itself
	var m map[string]any
	if err := dec.Decode(&m); err != nil {
		t.Fatal(err)
	}
	j, err := newJudge(trial{v30: openapi == "3.0.3", schema: m}.document())
	if err != nil {
		t.Fatal(err)
	}
	v, err := parseValue([]byte(body))
	if err != nil {
		t.Fatal(err)
	}
	ps, err := j.theirs([]byte(body))
	if err != nil {
		t.Fatal(err)
	}
	return j.mine(v), len(ps) == 0
}

// schemaDraw draws random schemas from the keywords check.go reads.
type schemaDraw struct {
	r   *rand.Rand
	v30 bool
}

func (d *schemaDraw) pick(n int) int { return d.r.Intn(n) }

// one is true one time in n.
func (d *schemaDraw) one(n int) bool { return d.r.Intn(n) == 0 }

// schema draws one schema; depth bounds nesting.
func (d *schemaDraw) schema(depth int) map[string]any {
	s := map[string]any{}
	types := []string{"string", "integer", "number", "boolean", "object", "array", "null", ""}
	if depth >= 2 {
		types = []string{"string", "integer", "number", "boolean", "null", ""}
	}
	typ := types[d.pick(len(types))]
	if typ == "null" && d.v30 {
		typ = "" // 3.0 has no null type; nullable stands for it
	}
	d.typeKeyword(s, typ)
	switch typ {
	case "string":
		d.stringKeywords(s)
	case "integer", "number":
		d.numberKeywords(s)
	case "object":
		d.objectKeywords(s, depth)
	case "array":
		d.arrayKeywords(s, depth)
	case "":
		// Keywords of a type the schema does not name apply only to values
		// of that type.
		[]func(map[string]any){d.stringKeywords, d.numberKeywords, func(map[string]any) {}}[d.pick(3)](s)
	}
	if d.one(6) {
		s["enum"] = d.literals(typ, 1+d.pick(3))
	}
	if !d.v30 && d.one(10) {
		s["const"] = d.literals(typ, 1)[0]
	}
	if depth < 2 && d.one(4) {
		kw := []string{"oneOf", "anyOf", "allOf"}[d.pick(3)]
		var list []any
		for range 2 + d.pick(2) {
			list = append(list, d.schema(depth+1))
		}
		s[kw] = list
	}
	if depth < 2 && d.one(12) {
		s["not"] = d.schema(depth + 1)
	}
	return s
}

// typeKeyword writes type (sometimes left out), nullable in 3.0 and, in
// 3.1, now and then a list of two types.
func (d *schemaDraw) typeKeyword(s map[string]any, typ string) {
	if typ == "" || d.one(8) {
		return
	}
	switch {
	case d.v30:
		s["type"] = typ
		if d.one(4) {
			s["nullable"] = true
		}
	case d.one(4):
		others := slices.DeleteFunc([]string{"null", "string", "integer", "number", "boolean"}, func(o string) bool { return o == typ })
		s["type"] = []any{typ, others[d.pick(len(others))]}
	default:
		s["type"] = typ
	}
}

// oraclePatterns are the patterns schemas draw, with strings around them.
var oraclePatterns = map[string][]string{
	`^[A-Z][a-z]+$`: {"Rex", "rex", "R", "Rex1", "Élan"},
	`^\d{3}$`:       {"123", "12", "1234", "١٢٣"},
	`b`:             {"abc", "xyz", "B", ""},
	`^$`:            {"", "a"},
	`^.{2}$`:        {"éa", "ab", "é", "日本語"},
}

// oracleFormats are the string formats schemas draw, with strings around
// them; "x-colour" stands for a format nobody asserts.
var oracleFormats = map[string][]string{
	"date": {"2021-12-31", "2024-02-29", "2021-02-29", "2021-13-01", "2021-1-05", "20211231",
		"2021-12-31T00:00:00Z", " 2021-12-31", "0000-01-01"},
	"date-time": {"2021-12-31T10:20:30Z", "2021-12-31t10:20:30z", "2021-12-31T10:20:30.5+02:00",
		"2021-12-31T10:20:30", "2021-12-31 10:20:30Z", "2021-12-31T23:59:60Z", "2021-12-31T22:59:60-01:00",
		"2021-12-31T10:59:60Z", "2021-12-31T24:00:00Z", "2021-12-31T10:20:30+24:00", "2021-12-31T10:20:30.Z",
		"2021-02-30T10:20:30Z", "2021-12-31T10:20:30+0200"},
	"time": {"10:20:30Z", "23:59:60Z", "10:20:30", "10:20:30+01:00", "1:20:30Z", "10:20:30.123z",
		"23:59:60+00:00", "00:59:60+01:00", "10:20:30-23:59", "10:20Z"},
	"x-colour": {"red", ""},
}

func (d *schemaDraw) stringKeywords(s map[string]any) {
	if d.one(3) {
		s["minLength"] = d.pick(4)
	}
	if d.one(3) {
		s["maxLength"] = []int{0, 1, 2, 3, 5, 10, 24}[d.pick(7)]
	}
	// A pattern or a format, seldom both: either hides the other's verdicts.
	switch d.pick(5) {
	case 0:
		s["pattern"] = pickKey(d.r, oraclePatterns)
	case 1, 2:
		s["format"] = pickKey(d.r, oracleFormats)
	}
}

// oracleBounds are the numbers bounds are drawn from.
var oracleBounds = []any{0, 1, -1, 5, 10, 2.5, -0.5, 100, 2147483647, 1e15, json.Number(inexactBound)}

// oracleSteps are the numbers multipleOf is drawn from.
var oracleSteps = []any{2, 3, 0.5, 0.25, 0.1, 1.5, 0.01}

func (d *schemaDraw) numberKeywords(s map[string]any) {
	bound := func() any { return oracleBounds[d.pick(len(oracleBounds))] }
	if d.one(3) {
		s["minimum"] = bound()
	}
	if d.one(3) {
		s["maximum"] = bound()
	}
	if d.v30 {
		// 3.0's boolean form turns the bound beside it exclusive.
		if d.one(4) {
			s["exclusiveMinimum"] = d.one(2)
		}
		if d.one(4) {
			s["exclusiveMaximum"] = d.one(2)
		}
	} else {
		if d.one(5) {
			s["exclusiveMinimum"] = bound()
		}
		if d.one(5) {
			s["exclusiveMaximum"] = bound()
		}
	}
	if d.one(4) {
		s["multipleOf"] = oracleSteps[d.pick(len(oracleSteps))]
	}
	if d.one(5) {
		s["format"] = []string{"int32", "int64"}[d.pick(2)]
	}
}

// oracleNames are the property names objects draw.
var oracleNames = []string{"a", "b", "c", "d"}

func (d *schemaDraw) objectKeywords(s map[string]any, depth int) {
	props := map[string]any{}
	for _, name := range oracleNames[:d.pick(4)] {
		props[name] = d.schema(depth + 1)
	}
	if len(props) > 0 {
		s["properties"] = props
	}
	var req []any
	for _, name := range oracleNames {
		if d.one(3) {
			req = append(req, name)
		}
	}
	if len(req) > 0 {
		s["required"] = req
	}
	switch d.pick(4) {
	case 0:
		s["additionalProperties"] = false
	case 1:
		s["additionalProperties"] = d.schema(depth + 1)
	}
	if d.one(6) {
		s["minProperties"] = d.pick(3)
	}
	if d.one(6) {
		s["maxProperties"] = d.pick(3)
	}
}

func (d *schemaDraw) arrayKeywords(s map[string]any, depth int) {
	if !d.one(8) {
		s["items"] = d.schema(depth + 1)
	}
	if d.one(3) {
		s["minItems"] = d.pick(3)
	}
	if d.one(3) {
		s["maxItems"] = d.pick(4)
	}
	if d.one(3) {
		s["uniqueItems"] = true
	}
}

// literals draws n JSON values for enum or const, mostly of type typ.
func (d *schemaDraw) literals(typ string, n int) []any {
	var out []any
	for range n {
		t := typ
		if t == "" || d.one(5) {
			t = []string{"string", "integer", "number", "boolean", "null", "array", "object"}[d.pick(7)]
		}
		switch t {
		case "string":
			out = append(out, []string{"a", "Rex", "2021-12-31", "é", ""}[d.pick(5)])
		case "integer":
			out = append(out, d.pick(4))
		case "number":
			out = append(out, []any{0.5, 2, 10}[d.pick(3)])
		case "boolean":
			out = append(out, d.one(2))
		case "null":
			out = append(out, nil)
		case "array":
			out = append(out, []any{1, "a"})
		case "object":
			out = append(out, map[string]any{"a": 1})
		}
	}
	return out
}

// pickKey picks one key of m, in sorted order so draws are reproducible.
func pickKey[V any](r *rand.Rand, m map[string]V) string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys[r.Intn(len(keys))]
}

// valueDraw draws values against a loaded schema: mostly what the schema
// asks for, at and around its bounds, now and then anything at all.
type valueDraw struct{ r *rand.Rand }

func (d *valueDraw) pick(n int) int { return d.r.Intn(n) }
func (d *valueDraw) one(n int) bool { return d.r.Intn(n) == 0 }

// value draws one value for s; depth bounds nesting.
func (d *valueDraw) value(s *spec.Schema, depth int) value {
	if s == nil || depth > 5 || d.one(12) {
		return d.anything(depth)
	}
	if len(s.Enum) > 0 && d.one(2) {
		return fromGo(s.Enum[d.pick(len(s.Enum))], nil, nil)
	}
	if s.HasConst && d.one(2) {
		return fromGo(s.Const, nil, nil)
	}
	var branches []*spec.Schema
	for _, l := range [][]*spec.Schema{s.OneOf, s.AnyOf, s.AllOf, {s.Not}} {
		branches = append(branches, l...)
	}
	if len(branches) > 1 && d.one(2) {
		return d.value(branches[d.pick(len(branches))], depth+1)
	}
	if s.Nullable && d.one(6) {
		return null()
	}
	switch d.kindFor(s) {
	case "string":
		return str(d.text(s))
	case "integer":
		return number(d.numeral(s, true))
	case "number":
		return number(d.numeral(s, false))
	case "object":
		return d.object(s, depth)
	case "array":
		return d.array(s, depth)
	case "boolean":
		return boolean(d.one(2))
	}
	return d.anything(depth)
}

// kindFor picks the JSON type to draw: one the schema names, else one whose
// keywords it has, else any.
func (d *valueDraw) kindFor(s *spec.Schema) string {
	if len(s.Types) > 0 {
		return s.Types[d.pick(len(s.Types))]
	}
	var kinds []string
	has := map[string]bool{
		"string":  s.MinLength != nil || s.MaxLength != nil || s.Pattern != "" || s.Format != "",
		"number":  s.Minimum != nil || s.Maximum != nil || s.ExclusiveMinimum != nil || s.ExclusiveMaximum != nil || s.MultipleOf != nil,
		"object":  len(s.Properties) > 0 || len(s.Required) > 0 || s.NoAdditional || s.AdditionalProperties != nil,
		"array":   s.Items != nil || s.MinItems != nil || s.MaxItems != nil || s.UniqueItems,
		"boolean": false,
	}
	for _, k := range []string{"string", "number", "object", "array"} {
		if has[k] {
			kinds = append(kinds, k)
		}
	}
	if len(kinds) == 0 {
		return ""
	}
	return kinds[d.pick(len(kinds))]
}

// anything draws a value of any type.
func (d *valueDraw) anything(depth int) value {
	switch d.pick(7) {
	case 0:
		return null()
	case 1:
		return boolean(d.one(2))
	case 2:
		return number(d.numeral(&spec.Schema{}, false))
	case 3:
		return str(d.text(&spec.Schema{}))
	case 4:
		if depth < 5 {
			return array(d.anything(depth+1), d.anything(depth+1))
		}
	case 5:
		if depth < 5 {
			return object(member{oracleNames[d.pick(4)], d.anything(depth + 1)})
		}
	}
	return integer(int64(d.pick(5)))
}

// oracleNumerals are number literals every numeric draw may take: limits of
// int32, int64 and float64, other spellings of integers, precision traps.
var oracleNumerals = []string{"0", "-0", "7", "2.0", "1e2", "1.5e-7", "2147483647", "2147483648",
	"-2147483649", "9223372036854775807", "9223372036854775808", "9007199254740993",
	"0.30000000000000001", "1.0000000000000001", "1e400", "0.1", "1E+2"}

// oracleIntEdges are the literals at the ends of the integer formats, as
// written and as a float64 rounds them (2^63-1 is 2^63 after decoding).
var oracleIntEdges = map[string][]string{
	"int32": {"2147483647", "2147483648", "-2147483648", "-2147483649", "2147483647.5"},
	"int64": {"9223372036854775807", "9223372036854775808", "9223372036854774784",
		"-9223372036854775808", "-9223372036854777856", "-9223372036854775809"},
}

// numeral draws a number literal at or around s's bounds and steps.
func (d *valueDraw) numeral(s *spec.Schema, whole bool) string {
	if d.one(5) {
		return oracleNumerals[d.pick(len(oracleNumerals))]
	}
	if edges := oracleIntEdges[s.Format]; len(edges) > 0 && d.one(2) {
		return edges[d.pick(len(edges))]
	}
	anchors := []float64{0, 1, 3}
	for _, p := range []*float64{s.Minimum, s.Maximum, s.ExclusiveMinimum, s.ExclusiveMaximum} {
		if p != nil {
			anchors = append(anchors, *p)
		}
	}
	a := anchors[d.pick(len(anchors))]
	step := 1.0
	if s.MultipleOf != nil && *s.MultipleOf > 0 {
		step = *s.MultipleOf
		a = float64(int64(a/step)) * step
	}
	x := a + float64(d.pick(5)-2)*step
	if !whole && d.one(3) {
		x += 0.5
	}
	return formatFloat(x)
}

// text draws a string: around the pattern and format when s has them, else
// of a length at or around s's bounds, with multi-byte runes mixed in.
func (d *valueDraw) text(s *spec.Schema) string {
	if ss := oraclePatterns[s.Pattern]; len(ss) > 0 && d.one(2) {
		return ss[d.pick(len(ss))]
	}
	if ss := oracleFormats[s.Format]; len(ss) > 0 && !d.one(4) {
		return ss[d.pick(len(ss))]
	}
	lengths := []int{0, 1, 2, 3}
	for _, p := range []*int64{s.MinLength, s.MaxLength} {
		if p != nil {
			lengths = append(lengths, int(*p)-1, int(*p), int(*p)+1)
		}
	}
	n := max(lengths[d.pick(len(lengths))], 0)
	runes := []rune("aZé日1 ")
	var b strings.Builder
	for range n {
		b.WriteRune(runes[d.pick(len(runes))])
	}
	return b.String()
}

// object draws members for s's properties (required ones more often), its
// required names, and now and then one it does not declare.
func (d *valueDraw) object(s *spec.Schema, depth int) value {
	var ms []member
	for _, p := range s.Properties {
		odds := 2
		if p.Required {
			odds = 8
		}
		if d.pick(odds) > 0 {
			ms = append(ms, member{p.Name, d.value(p.Schema, depth+1)})
		}
	}
	for _, name := range s.Required {
		if _, declared := declaredProperty(s, name); !declared && !d.one(4) {
			ms = append(ms, member{name, d.anything(depth + 1)})
		}
	}
	if d.one(4) {
		ms = append(ms, member{"zz", d.value(s.AdditionalProperties, depth+1)})
	}
	d.r.Shuffle(len(ms), func(i, j int) { ms[i], ms[j] = ms[j], ms[i] })
	if len(ms) > 0 && d.one(12) {
		// A repeated key: the validator's decoding keeps the last one.
		m := ms[d.pick(len(ms))]
		ms = append(ms, member{m.name, d.anything(depth + 1)})
	}
	return object(ms...)
}

// array draws a length at or around s's bounds, and now and then repeats
// an item.
func (d *valueDraw) array(s *spec.Schema, depth int) value {
	lengths := []int{0, 1, 2, 3}
	for _, p := range []*int64{s.MinItems, s.MaxItems} {
		if p != nil {
			lengths = append(lengths, int(*p)-1, int(*p), int(*p)+1)
		}
	}
	n := max(lengths[d.pick(len(lengths))], 0)
	var items []value
	for range n {
		items = append(items, d.value(s.Items, depth+1))
	}
	if n > 1 && d.one(3) {
		items[n-1] = items[0]
	}
	return array(items...)
}

// BenchmarkConforms and BenchmarkValidatorBody time the two checkers on the
// addons operation's valid bodies: the figures behind keeping check.go for
// the checks generation and shrinking make many times per case.
func BenchmarkConforms(b *testing.B) {
	f := addons(b)
	g := newGen(b, f, Options{})
	var vs []value
	for _, c := range g.Cases(defaultSeed, 64, true) {
		v, err := parseValue(c.Body)
		if err != nil {
			b.Fatal(err)
		}
		vs = append(vs, v)
	}
	for i := 0; b.Loop(); i++ {
		if !g.conforms(g.body, vs[i%len(vs)]) {
			b.Fatal("a valid case does not conform")
		}
	}
}

func BenchmarkValidatorBody(b *testing.B) {
	f := addons(b)
	g := newGen(b, f, Options{})
	cs := g.Cases(defaultSeed, 64, true)
	for i := 0; b.Loop(); i++ {
		if ps := f.validate(cs[i%len(cs)].Body); len(ps) > 0 {
			b.Fatal(ps[0].Message)
		}
	}
}
