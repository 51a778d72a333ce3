package contract

import (
	"encoding/json"
	"fmt"
	"math"
	"strconv"
	"strings"

	"github.com/addons-contract/contract/gen"
	"github.com/addons-contract/contract/spec"
)

// Suite is the cases of one run: the deterministic scenarios, sent first
// and one at a time, then the rest, sent by workers (stateful cases on the
// lane of their account, in order).
type Suite struct {
	Scenarios []*Case
	Cases     []*Case
	// Left lists the scenario groups left out for want of a spec table
	// (spec.Operation.Missing), with the cases each would have had.
	Left []Skip
}

// LeftOut is the skip of a group of n cases, what, left out because the
// spec lacks the tables in lack (spec.Operation.Missing).
func LeftOut(what string, lack []string, n int) Skip {
	return Skip{Reason: fmt.Sprintf("%s need %s, which the spec lacks", what, strings.Join(lack, " and ")), Count: n}
}

// All returns every case, scenarios first.
func (s *Suite) All() []*Case {
	return append(append([]*Case(nil), s.Scenarios...), s.Cases...)
}

// MorePaidRole is the account role of the fixtures' i-th paid account
// after the first: "paid.2", "paid.3", ...
func MorePaidRole(i int) string { return AccountPaid + "." + strconv.Itoa(i+2) }

// MorePaidIndex is the inverse of MorePaidRole: which further paid
// account ("paid.2" is 0) a role names.
func MorePaidIndex(role string) (int, bool) {
	n, err := strconv.Atoi(strings.TrimPrefix(role, AccountPaid+"."))
	if !strings.HasPrefix(role, AccountPaid+".") || err != nil || n < 2 {
		return 0, false
	}
	return n - 2, true
}

// Generated turns a generated payload into a case, as the suite sends
// it: a valid one adds its plans, an invalid one expects the row its
// layer answers. The caller sets the id, the roles and what else it
// expects.
func Generated(op *spec.Operation, gc gen.Case, valid bool) *Case {
	c := &Case{Kind: KindInvalid, Class: gc.Class, Layer: string(gc.Layer), Field: gc.Field, Seed: gc.Seed, Index: gc.Index,
		Req: Request{ContentType: gc.ContentType, Body: gc.Body}}
	if valid {
		c.Kind, c.Adds = KindValid, AddsOf(op, gc.Body)
	} else {
		c.Expect.Row = layerRow(gc.Layer)
	}
	return c
}

// GenCase is the generated payload of c, for shrinking it.
func (c *Case) GenCase() gen.Case {
	return gen.Case{Seed: c.Seed, Index: c.Index, Class: c.Class, Layer: gen.Layer(c.Layer), Field: c.Field,
		ContentType: c.Req.ContentType, Body: c.Req.Body}
}

// layerRow is the row a correct server answers to an invalid case of layer.
func layerRow(l gen.Layer) string {
	switch l {
	case gen.LayerMedia:
		return spec.RowUnsupportedMedia
	case gen.LayerSize:
		return spec.RowBodyTooLarge
	}
	return spec.RowInvalidBody // schema, catalog and syntax
}

// AddsOf returns the catalog codes a body adds, in body order (the schema's
// property order), with the hosts sent beside each: string values of
// properties marked x-catalog, found by walking the body with the request
// schema. Bodies that are not JSON add nothing.
func AddsOf(op *spec.Operation, body []byte) []Add {
	v, ok := decodeJSON(body)
	if !ok || op.Body == nil {
		return nil
	}
	var out []Add
	walkAdds(op.Body.Schema, v, 0, &out)
	return out
}

func walkAdds(s *spec.Schema, v any, depth int, out *[]Add) {
	if s == nil || depth > 32 {
		return
	}
	switch x := v.(type) {
	case map[string]any:
		s = branchFor(s, x, depth)
		for _, p := range properties(s, depth) {
			val, ok := x[p.Name]
			if !ok || p.Schema == nil {
				continue
			}
			if _, cat := p.Schema.Extensions["x-catalog"]; cat {
				if code, ok := val.(string); ok {
					*out = append(*out, Add{Code: code, Hosts: hostsOf(x["hosts"])})
				}
				continue
			}
			walkAdds(p.Schema, val, depth+1, out)
		}
	case []any:
		for _, it := range x {
			walkAdds(s.Items, it, depth+1, out)
		}
	}
}

// branchFor picks, of a oneOf/anyOf schema, the first branch declaring
// every key of x; s itself when it has no branches or none fits.
func branchFor(s *spec.Schema, x map[string]any, depth int) *spec.Schema {
	branches := append(append([]*spec.Schema(nil), s.OneOf...), s.AnyOf...)
	for _, b := range branches {
		fits := true
		for k := range x {
			if b.Property(k) == nil {
				fits = false
				break
			}
		}
		if fits && depth < 32 {
			return branchFor(b, x, depth+1)
		}
	}
	return s
}

// properties lists s's properties in document order, allOf members' after its own.
func properties(s *spec.Schema, depth int) []spec.Property {
	if s == nil || depth > 32 {
		return nil
	}
	out := append([]spec.Property(nil), s.Properties...)
	for _, a := range s.AllOf {
		out = append(out, properties(a, depth+1)...)
	}
	return out
}

// hostsOf reads a JSON number that is an integer (18, 18.0, 1.8e1); 0 otherwise.
func hostsOf(v any) int64 {
	switch n := v.(type) {
	case json.Number:
		if i, err := n.Int64(); err == nil {
			return i
		}
		if f, err := strconv.ParseFloat(string(n), 64); err == nil && f == math.Trunc(f) && math.Abs(f) < 1<<53 {
			return int64(f)
		}
	case float64:
		if n == math.Trunc(n) && math.Abs(n) < 1<<53 {
			return int64(n)
		}
	}
	return 0
}
