package contract

import (
	"encoding/json"
	"fmt"
	"math"
	"strconv"
	"strings"

	"github.com/addons-contract/contract/gen"
	"github.com/addons-contract/contract/internal/jsonorder"
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

// AddsOf returns the catalog codes a body adds, in the order of the
// operation's catalog fields (spec.Operation.PlanFields), with the hosts
// sent beside each. Bodies that are not JSON add nothing; of a repeated key
// the last member counts, as a server decoding into a map reads it.
func AddsOf(op *spec.Operation, body []byte) []Add {
	v, err := jsonorder.Parse(body, jsonorder.Options{AllowDuplicates: true, MaxDepth: maxJSONDepth})
	if err != nil {
		return nil
	}
	var out []Add
	for _, f := range op.PlanFields(v) {
		if f.Value.Kind == jsonorder.String {
			hosts := int64(0)
			if f.Hosts.Kind == jsonorder.Number {
				hosts = hostsOf(json.Number(f.Hosts.Text))
			}
			out = append(out, Add{Code: f.Value.Text, Hosts: hosts})
		}
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
