package mock

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"sort"
	"strconv"
	"strings"

	"github.com/addons-contract/contract/spec"
)

// maxSchemaDepth bounds walks over schemas, which may form cycles.
const maxSchemaDepth = 32

// maxValueDepth bounds the nesting of a request body; json.Decoder's Token
// API has no limit of its own and the body may be 1 MiB of '['.
const maxValueDepth = 64

// invalid is a body problem: the field it names ("" for the body itself) and
// a one-line text.
type invalid struct {
	field string
	text  string
}

// detail is the {detail} text of the 400: the field and what is wrong with
// it, or a sentence about the body itself.
func (b *invalid) detail() string {
	text := strings.TrimSuffix(b.text, ".")
	if b.field != "" {
		return fmt.Sprintf("Invalid request body: %s: %s.", b.field, text)
	}
	return text + "."
}

// planItem is one plan code found in a valid body, at a field carrying
// x-catalog.
type planItem struct {
	field string // JSON path, e.g. "plan_details.plan_calling[0].type"
	code  string
	rule  string // the x-catalog value: "addon" or a catalog place
	hosts int64  // the sibling "hosts", 0 when absent
}

// decodeStrict decodes a body with the rules the validator cannot see:
// one JSON object, no trailing data, no repeated key at any depth, bounded
// nesting. Numbers stay json.Number so that 1.8e1 is judged as written.
func decodeStrict(body []byte, allowDuplicates bool) (map[string]any, *invalid) {
	if len(bytes.TrimSpace(body)) == 0 {
		return nil, &invalid{text: "The request body is empty; send a JSON object."}
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.UseNumber()
	v, bad := readValue(dec, "", 0, allowDuplicates)
	if bad != nil {
		return nil, bad
	}
	if _, err := dec.Token(); err != io.EOF {
		return nil, &invalid{text: "The request body has data after the JSON value."}
	}
	obj, ok := v.(map[string]any)
	if !ok {
		return nil, &invalid{text: "The request body must be a JSON object."}
	}
	return obj, nil
}

func readValue(dec *json.Decoder, path string, depth int, allowDuplicates bool) (any, *invalid) {
	if depth > maxValueDepth {
		return nil, &invalid{text: fmt.Sprintf("The request body nests deeper than %d levels.", maxValueDepth)}
	}
	tok, err := dec.Token()
	if err != nil {
		return nil, syntaxProblem(err, dec)
	}
	delim, ok := tok.(json.Delim)
	if !ok {
		if n, isNumber := tok.(json.Number); isNumber {
			if _, err := strconv.ParseFloat(string(n), 64); err != nil {
				return nil, &invalid{field: path, text: "the number is out of range"}
			}
		}
		return tok, nil
	}
	switch delim {
	case '{':
		obj := map[string]any{}
		for dec.More() {
			ktok, err := dec.Token()
			if err != nil {
				return nil, syntaxProblem(err, dec)
			}
			key, ok := ktok.(string)
			if !ok {
				return nil, &invalid{text: "The request body is not valid JSON: an object key must be a string."}
			}
			field := joinField(path, key)
			if _, dup := obj[key]; dup && !allowDuplicates {
				return nil, &invalid{field: field, text: "the key is repeated in its object"}
			}
			v, bad := readValue(dec, field, depth+1, allowDuplicates)
			if bad != nil {
				return nil, bad
			}
			obj[key] = v
		}
		if _, err := dec.Token(); err != nil {
			return nil, syntaxProblem(err, dec)
		}
		return obj, nil
	case '[':
		arr := []any{}
		for dec.More() {
			v, bad := readValue(dec, fmt.Sprintf("%s[%d]", path, len(arr)), depth+1, allowDuplicates)
			if bad != nil {
				return nil, bad
			}
			arr = append(arr, v)
		}
		if _, err := dec.Token(); err != nil {
			return nil, syntaxProblem(err, dec)
		}
		return arr, nil
	}
	// A stray closing delimiter where a value belongs.
	return nil, &invalid{text: fmt.Sprintf("The request body is not valid JSON: unexpected %q at byte %d.", string(delim), dec.InputOffset())}
}

func syntaxProblem(err error, dec *json.Decoder) *invalid {
	var syn *json.SyntaxError
	switch {
	case errors.As(err, &syn):
		return &invalid{text: fmt.Sprintf("The request body is not valid JSON at byte %d: %s.", syn.Offset, strings.TrimPrefix(syn.Error(), "json: "))}
	case errors.Is(err, io.EOF), errors.Is(err, io.ErrUnexpectedEOF):
		return &invalid{text: "The request body is not valid JSON: it ends too early."}
	}
	return &invalid{text: fmt.Sprintf("The request body is not valid JSON at byte %d.", dec.InputOffset())}
}

func joinField(path, key string) string {
	if path == "" {
		return key
	}
	return path + "." + key
}

// relax applies the body faults that disable one validation rule: it rewrites
// the copy of the body the validator sees so that the rule cannot fire.
// fromBranch is true when v is being walked again through a composition
// branch, where pruning would see only one branch's properties.
func (s *Server) relax(sch *spec.Schema, v any, depth int, fromBranch bool) any {
	if sch == nil || depth > maxSchemaDepth {
		return v
	}
	for _, group := range [][]*spec.Schema{sch.AllOf, sch.OneOf, sch.AnyOf} {
		for _, b := range group {
			v = s.relax(b, v, depth+1, true)
		}
	}
	switch val := v.(type) {
	case map[string]any:
		if s.fault == faultAcceptUnknownProperty && !fromBranch {
			if known := propertyNames(sch, map[string]bool{}, 0); len(known) > 0 {
				for k := range val {
					if !known[k] {
						delete(val, k)
					}
				}
			}
		}
		for _, p := range sch.Properties {
			if pv, ok := val[p.Name]; ok {
				val[p.Name] = s.relax(p.Schema, pv, depth+1, false)
			}
		}
	case []any:
		for i := range val {
			val[i] = s.relax(sch.Items, val[i], depth+1, false)
		}
	case string:
		if s.fault == faultAcceptBadDate && sch.Format == "date" {
			return "2021-12-31"
		}
	case json.Number:
		if s.fault == faultAcceptZeroHosts && sch.Minimum != nil {
			if f, err := strconv.ParseFloat(string(val), 64); err == nil && f < *sch.Minimum {
				return json.Number(strconv.FormatFloat(*sch.Minimum, 'f', -1, 64))
			}
		}
		if s.fault == faultAcceptHostsOverMax && sch.Maximum != nil {
			if f, err := strconv.ParseFloat(string(val), 64); err == nil && f > *sch.Maximum {
				return json.Number(strconv.FormatFloat(*sch.Maximum, 'f', -1, 64))
			}
		}
	}
	return v
}

// propertyNames is every property name an object schema declares, through
// composition.
func propertyNames(sch *spec.Schema, into map[string]bool, depth int) map[string]bool {
	if sch == nil || depth > maxSchemaDepth {
		return into
	}
	for _, p := range sch.Properties {
		into[p.Name] = true
	}
	for _, group := range [][]*spec.Schema{sch.AllOf, sch.OneOf, sch.AnyOf} {
		for _, b := range group {
			propertyNames(b, into, depth+1)
		}
	}
	return into
}

// collect finds, in schema order, every plan code of a valid body: the string
// values of properties whose schema carries x-catalog, with the sibling hosts.
func collect(sch *spec.Schema, v any, path string, depth int, seen map[string]bool, out *[]planItem) {
	if sch == nil || depth > maxSchemaDepth {
		return
	}
	for _, group := range [][]*spec.Schema{sch.AllOf, sch.OneOf, sch.AnyOf} {
		for _, b := range group {
			collect(b, v, path, depth+1, seen, out)
		}
	}
	switch val := v.(type) {
	case map[string]any:
		for _, p := range sch.Properties {
			pv, ok := val[p.Name]
			if !ok || p.Schema == nil {
				continue
			}
			field := joinField(path, p.Name)
			if rule, ok := p.Schema.Extensions["x-catalog"].(string); ok {
				if code, ok := pv.(string); ok && !seen[field] {
					seen[field] = true
					*out = append(*out, planItem{field: field, code: code, rule: rule, hosts: toInt(val["hosts"])})
				}
			}
			collect(p.Schema, pv, field, depth+1, seen, out)
		}
	case []any:
		for i, e := range val {
			collect(sch.Items, e, fmt.Sprintf("%s[%d]", path, i), depth+1, seen, out)
		}
	}
}

// toInt reads a JSON number as JSON Schema integers are read: 18, 18.0 and
// 1.8e1 are all 18. Anything else is 0 (the validator has judged it already).
func toInt(v any) int64 {
	n, ok := v.(json.Number)
	if !ok {
		return 0
	}
	f, err := strconv.ParseFloat(string(n), 64)
	if err != nil || f != math.Trunc(f) || math.Abs(f) > 1<<53 {
		return 0
	}
	return int64(f)
}

// catalogRules checks what the validator cannot: every code is allowed by its
// x-catalog rule, is no base plan, and appears once.
func (s *Server) catalogRules(items []planItem) *invalid {
	seen := map[string]string{}
	for _, it := range items {
		p, known := s.catalog[it.code]
		if known && p.Base && s.fault != faultAcceptBasePlan {
			return &invalid{field: it.field, text: fmt.Sprintf("%q is a base plan; this endpoint adds add-on plans only", it.code)}
		}
		if s.fault != faultAcceptUnknownPlan {
			if it.rule == catalogAddon {
				if !known {
					return &invalid{field: it.field, text: fmt.Sprintf("%s is not an add-on plan code of the catalog", quoteShort(it.code))}
				}
			} else if !known || p.Place != it.rule {
				return &invalid{field: it.field, text: fmt.Sprintf("%s is not the plan for this slot; want %s", quoteShort(it.code), strings.Join(s.slotCodes[it.rule], " or "))}
			}
		}
		if first, dup := seen[it.code]; dup {
			return &invalid{field: it.field, text: fmt.Sprintf("%q is already given at %s; a code may appear once", it.code, first)}
		}
		seen[it.code] = it.field
	}
	return nil
}

// catalogAddon is the x-catalog value meaning "any non-base catalog code".
const catalogAddon = "addon"

// pickProblem chooses the validator problem to name in the 400 message: the
// deepest one at a field the body has (a wrong value beats a "branch did not
// match" at the root), else the first that names a field, else the first.
func pickProblem(problems []spec.Problem, body map[string]any) spec.Problem {
	best := -1
	bestDepth := -1
	for i, p := range problems {
		if p.Field == "" || !fieldExists(body, p.Field) {
			continue
		}
		if d := strings.Count(p.Field, ".") + strings.Count(p.Field, "["); d > bestDepth {
			best, bestDepth = i, d
		}
	}
	if best >= 0 {
		return problems[best]
	}
	for _, p := range problems {
		if p.Field != "" {
			return p
		}
	}
	return problems[0]
}

// fieldExists reports whether a JSON path such as "plan_details.plan_calling[0].type"
// names a value of body.
func fieldExists(body map[string]any, field string) bool {
	var cur any = body
	for _, part := range strings.Split(field, ".") {
		name, rest, _ := strings.Cut(part, "[")
		m, ok := cur.(map[string]any)
		if !ok {
			return false
		}
		if cur, ok = m[name]; !ok {
			return false
		}
		for rest != "" {
			idx, after, found := strings.Cut(rest, "]")
			if !found {
				return false
			}
			i, err := strconv.Atoi(idx)
			arr, ok := cur.([]any)
			if err != nil || !ok || i < 0 || i >= len(arr) {
				return false
			}
			cur = arr[i]
			rest = strings.TrimPrefix(after, "[")
		}
	}
	return true
}

// quoteShort quotes client text for a message, cut to a readable length.
func quoteShort(s string) string {
	const max = 64
	if len(s) > max {
		return strconv.Quote(s[:max]) + "..."
	}
	return strconv.Quote(s)
}

// slotCodesOf lists, per catalog place, the codes that land there.
func slotCodesOf(catalog []spec.Plan) map[string][]string {
	m := map[string][]string{}
	for _, p := range catalog {
		m[p.Place] = append(m[p.Place], p.Code)
	}
	for _, codes := range m {
		sort.Strings(codes)
	}
	return m
}
