package fuzz

import (
	"encoding/json"
	"errors"
	"math/big"
	"regexp"
	"time"
	"unicode/utf8"

	"github.com/addons-contract/contract/gen"
	"github.com/addons-contract/contract/internal/jsonorder"
	"github.com/addons-contract/contract/spec"
)

// verdict is what the body rules say of a body sent as application/json.
type verdict int

const (
	undecided verdict = iota // the rules, as this oracle reads them, do not settle it
	valid
	invalid
)

func (v verdict) String() string { return [...]string{"undecided", "valid", "invalid"}[v] }

// oracle is a small hand-written reading of the body rules of the spec
// (the invalid_body row's "when", AddonPlanForm, PhonePlanForm, Hosts and
// x-plan-catalog), independent of the validator and of package gen: only
// the catalog's codes and places come from the loaded spec. It is what the
// fuzz targets judge the mock's answers by.
type oracle struct {
	addons map[string]bool   // every add-on (non-base) code
	slot   map[string]string // the code of each phone slot, by key in plan_details
}

func newOracle(op *spec.Operation) *oracle {
	o := &oracle{addons: map[string]bool{}, slot: map[string]string{}}
	for _, p := range op.Catalog {
		if p.Base {
			continue
		}
		o.addons[p.Code] = true
		switch p.Place {
		case "plan_phone.plan_base":
			o.slot["plan_base"] = p.Code
		case "plan_phone.plan_calling[]":
			o.slot["plan_calling"] = p.Code
		case "plan_phone.plan_number[]":
			o.slot["plan_number"] = p.Code
		}
	}
	return o
}

// judge reads body as the contract does: one JSON value with no repeated
// key and no trailing data, an object of exactly one of the two forms.
func (o *oracle) judge(body []byte) verdict {
	if !utf8.Valid(body) {
		return undecided // how invalid UTF-8 inside a string is read is not stated
	}
	if gen.NestedDeeper(body, gen.MaxNesting) {
		// As ErrDepth below, found in one pass instead of ten thousand
		// decoder tokens.
		return undecided
	}
	v, err := parseStrict(body)
	var jerr *jsonorder.Error
	switch {
	case errors.As(err, &jerr) && jerr.Kind == jsonorder.ErrDepth:
		return undecided
	case err != nil:
		return invalid // malformed, trailing data, or a repeated key
	}
	m, ok := v.(map[string]any)
	if !ok {
		return invalid // a body that is not an object
	}
	if _, phone := m["plan_details"]; phone {
		return o.phoneForm(m)
	}
	return o.plainForm(m)
}

// plainForm: type and hosts required, two optional dates, nothing else.
func (o *oracle) plainForm(m map[string]any) verdict {
	for k := range m {
		switch k {
		case "type", "hosts", "service_effective_date", "paid_period_start_date":
		default:
			return invalid // unknown property (plan_details is the other form's)
		}
	}
	code, ok := m["type"].(string)
	if !ok || !o.addons[code] {
		return invalid // missing, not a string, empty, outside the catalog or the base plan
	}
	for _, k := range []string{"service_effective_date", "paid_period_start_date"} {
		if d, present := m[k]; present {
			s, ok := d.(string)
			if !ok || !realDay(s) {
				return invalid
			}
		}
	}
	return hosts(m["hosts"])
}

// phoneForm: plan_details alone, with one to three slots, each holding
// its one code (plan_base: type and callout_countries; the arrays: one
// item of type and hosts).
func (o *oracle) phoneForm(m map[string]any) verdict {
	if len(m) != 1 {
		return invalid // the phone form has plan_details only: no type, no dates
	}
	d, ok := m["plan_details"].(map[string]any)
	if !ok || len(d) == 0 {
		return invalid
	}
	result := valid
	for k, v := range d {
		switch k {
		case "plan_base":
			b, ok := v.(map[string]any)
			if !ok {
				return invalid
			}
			for bk, bv := range b {
				if _, isString := bv.(string); bk != "type" && bk != "callout_countries" || !isString {
					return invalid
				}
			}
			if b["type"] != o.slot[k] {
				return invalid
			}
		case "plan_calling", "plan_number":
			items, ok := v.([]any)
			if !ok || len(items) != 1 {
				return invalid // minItems 1, maxItems 1
			}
			it, ok := items[0].(map[string]any)
			if !ok || len(it) != 2 || it["type"] != o.slot[k] {
				return invalid
			}
			switch hosts(it["hosts"]) {
			case invalid:
				return invalid
			case undecided:
				result = undecided
			}
		default:
			return invalid
		}
	}
	return result
}

var (
	hostsMin = big.NewRat(1, 1)
	hostsMax = big.NewRat(2147483647, 1)
)

// hosts: a JSON integer (18, 18.0, 1.8e1) from 1 to 2147483647. A literal
// that is no integer but rounds to one in float64 is undecided: the spec
// says "1.5 is not an integer" and leaves such precision alone.
func hosts(v any) verdict {
	n, ok := v.(json.Number)
	if !ok {
		return invalid
	}
	r, ok := new(big.Rat).SetString(string(n))
	if !ok {
		return invalid
	}
	if !r.IsInt() {
		if f, _ := r.Float64(); f == float64(int64(f)) {
			return undecided
		}
		return invalid
	}
	if r.Cmp(hostsMin) < 0 || r.Cmp(hostsMax) > 0 {
		return invalid
	}
	return valid
}

var fullDate = regexp.MustCompile(`^[0-9]{4}-[0-9]{2}-[0-9]{2}$`)

// realDay: an RFC 3339 full-date (YYYY-MM-DD) of a day that exists.
func realDay(s string) bool {
	if !fullDate.MatchString(s) {
		return false
	}
	_, err := time.Parse("2006-01-02", s)
	return err == nil
}

// parseStrict reads exactly one JSON value as encoding/json decodes it
// with UseNumber, failing on a repeated key, trailing data or nesting
// deeper than gen.MaxNesting (a *jsonorder.Error of kind ErrDepth).
func parseStrict(body []byte) (any, error) {
	v, err := jsonorder.Parse(body, jsonorder.Options{MaxDepth: gen.MaxNesting})
	if err != nil {
		return nil, err
	}
	return v.Any(), nil
}
