package mock

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"sort"
	"strconv"
	"strings"

	"github.com/addons-contract/contract/internal/jsonorder"
	"github.com/addons-contract/contract/spec"
)

// maxSchemaDepth bounds walks over schemas, which may form cycles.
const maxSchemaDepth = 32

// maxValueDepth bounds the nesting of a request body: the body may be
// 1 MiB of '['.
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

// planItem is one plan code found in a valid body, at a catalog field
// (x-catalog).
type planItem struct {
	field string // JSON path, e.g. "plan_details.plan_calling[0].type"
	code  string
	rule  string // the x-catalog value: "addon" or a catalog place
	hosts int64  // the sibling "hosts", 0 when absent
}

// decodeStrict decodes a body with the rules the validator cannot see:
// one JSON object, no trailing data, no repeated key at any depth, bounded
// nesting, numbers a float64 holds. It returns the body as written (for
// finding its plan codes) and as a map whose numbers stay json.Number, so
// that 1.8e1 is judged as written.
func decodeStrict(body []byte, allowDuplicates bool) (jsonorder.Value, map[string]any, *invalid) {
	if len(bytes.TrimSpace(body)) == 0 {
		return jsonorder.Value{}, nil, &invalid{text: "The request body is empty; send a JSON object."}
	}
	v, err := jsonorder.Parse(body, jsonorder.Options{MaxDepth: maxValueDepth, AllowDuplicates: allowDuplicates, Float64: true})
	if err != nil {
		return jsonorder.Value{}, nil, readProblem(err)
	}
	obj, ok := v.Any().(map[string]any)
	if !ok {
		return jsonorder.Value{}, nil, &invalid{text: "The request body must be a JSON object."}
	}
	return v, obj, nil
}

// readProblem words a reading error as the 400's detail.
func readProblem(err error) *invalid {
	var e *jsonorder.Error
	if !errors.As(err, &e) {
		return &invalid{text: "The request body is not valid JSON."}
	}
	var syn *json.SyntaxError
	switch {
	case e.Kind == jsonorder.ErrDuplicate:
		return &invalid{field: e.Field, text: "the key is repeated in its object"}
	case e.Kind == jsonorder.ErrRange:
		return &invalid{field: e.Field, text: "the number is out of range"}
	case e.Kind == jsonorder.ErrDepth:
		return &invalid{text: fmt.Sprintf("The request body nests deeper than %d levels.", maxValueDepth)}
	case e.Kind == jsonorder.ErrTrailing:
		return &invalid{text: "The request body has data after the JSON value."}
	case e.Kind == jsonorder.ErrTruncated:
		return &invalid{text: "The request body is not valid JSON: it ends too early."}
	case errors.As(err, &syn):
		return &invalid{text: fmt.Sprintf("The request body is not valid JSON at byte %d: %s.", syn.Offset, strings.TrimPrefix(syn.Error(), "json: "))}
	}
	return &invalid{text: fmt.Sprintf("The request body is not valid JSON at byte %d.", e.Offset)}
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

// planItems lists the plan codes of a valid body: the string values at
// the spec's catalog fields (x-catalog), in the spec's order, with the
// sibling hosts.
func (s *Server) planItems(body jsonorder.Value) []planItem {
	var out []planItem
	for _, f := range s.op.PlanFields(body) {
		if f.Value.Kind == jsonorder.String {
			out = append(out, planItem{field: f.At.String(), code: f.Value.Text, rule: f.Rule, hosts: toInt(f.Hosts)})
		}
	}
	return out
}

// toInt reads a JSON number as JSON Schema integers are read: 18, 18.0 and
// 1.8e1 are all 18. Anything else is 0 (the validator has judged it already).
func toInt(v jsonorder.Value) int64 {
	if v.Kind != jsonorder.Number {
		return 0
	}
	f, err := strconv.ParseFloat(v.Text, 64)
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
			if it.rule == spec.CatalogAddon {
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
