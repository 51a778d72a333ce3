package contract

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"
	"strings"

	"github.com/addons-contract/contract/spec"
)

// CheckValidAccepted is the id of the valid-accepted check: a valid add is answered 201 with the plan at its place and hosts echoed.
const CheckValidAccepted = "valid-accepted"

// validAccepted: a valid add is answered 201 with the plan at its catalog
// place and the hosts sent; where the run does not know whether the account
// already holds the plan, "already has" naming it is correct too.
type validAccepted struct{}

var _ Check = validAccepted{}

func (validAccepted) ID() string { return CheckValidAccepted }
func (validAccepted) Traits() Traits {
	// Which codes are add-ons, and where a 201 shows them, is the catalog's.
	return Traits{Model: true, Needs: []string{spec.TableCatalog}}
}
func (validAccepted) Doc() string {
	return "a valid add is answered 201 with the plan at its catalog place, hosts echoed where the place has them and dropped where not; rooms_base keeps its base plan"
}
func (validAccepted) Applies(j *Judgement) bool {
	e := j.Case.Expect
	return j.answered() && j.Exchange.Status != http.StatusTooManyRequests &&
		e.Row == "" && e.Status == 0 && len(e.Plans) > 0
}
func (validAccepted) Judge(j *Judgement) []Failure {
	a := j.answer()
	e := j.Case.Expect
	if a.status != http.StatusCreated {
		if e.MayHoldPlan {
			if row, ok := j.Op.Row(spec.RowAlreadyHas); ok && matchesRow(row, a, j.fill()) {
				return nil
			}
		}
		want := "201"
		if e.MayHoldPlan {
			want += " (or 400/2100 already has " + strings.Join(e.Held, " or ") + ")"
		}
		return []Failure{{Row: "created", Detail: fmt.Sprintf("got %s, want %s", statusText(a), want), Want: statusOnly{201}, Got: statusOnly{a.status}}}
	}
	var out []Failure
	for _, add := range e.Plans {
		plan, ok := j.Op.Plan(add.Code)
		if !ok {
			continue // not a catalog code: nothing to look for
		}
		got, found, hostsOK := lookPlace(a.body, plan, add)
		want := placeWant(plan, add)
		switch {
		case !found:
			out = append(out, Failure{Row: "created:place", Detail: fmt.Sprintf("201 without %s at %s", add.Code, plan.Place), Want: want, Got: got})
		case !hostsOK:
			out = append(out, Failure{Row: "created:hosts", Detail: fmt.Sprintf("201 with %s at %s, but hosts is not the %d sent", add.Code, plan.Place, add.Hosts), Want: want, Got: got})
		case !plan.Hosts && showsHosts(got):
			out = append(out, Failure{Row: "created:hosts-dropped", Detail: fmt.Sprintf("201 with %s at %s carrying hosts; the place has no hosts field, so the hosts sent are dropped", add.Code, plan.Place), Want: want, Got: got})
		}
	}
	return append(out, keepsRoomsBase(j, a)...)
}

// showsHosts reports whether the value lookPlace found at a place (got)
// carries a "hosts" member: in the object there, or in an item of the
// array there. The spec's x-success-rule: places without a hosts field
// drop the hosts sent.
func showsHosts(got any) bool {
	for _, v := range got.(map[string]any) {
		items, isList := v.([]any)
		if !isList {
			items = []any{v}
		}
		for _, it := range items {
			if m, ok := it.(map[string]any); ok {
				if _, has := m["hosts"]; has {
					return true
				}
			}
		}
	}
	return false
}

// keepsRoomsBase holds a 201 to the rooms_base account to the plan its
// role promises (spec: x-success-rule and plan_zoom_rooms; fixtures: a sub
// account with a Zoom Rooms base plan): the 201 is the whole plan set, so
// the Zoom Rooms place still holds a plan whose type is not the add-on.
func keepsRoomsBase(j *Judgement, a answer) []Failure {
	plan, ok := j.Op.RoomsAddon()
	if j.Case.Req.Account != AccountRoomsBase || !ok || strings.HasSuffix(plan.Place, "[]") {
		return nil
	}
	var v any = a.body
	for _, seg := range strings.Split(plan.Place, ".") {
		m, _ := v.(map[string]any)
		v = m[seg]
	}
	if m, ok := v.(map[string]any); ok {
		if t, ok := m["type"].(string); ok && t != "" && t != plan.Code {
			return nil
		}
	}
	return []Failure{{
		Row:    "created:rooms-base",
		Detail: fmt.Sprintf("201 for rooms_base without its Zoom Rooms base plan at %s (a type other than %s): the 201 is the whole plan set", plan.Place, plan.Code),
		Want:   map[string]any{plan.Place: map[string]any{"type": "(a Zoom Rooms base plan, not " + plan.Code + ")"}},
		Got:    map[string]any{plan.Place: v},
	}}
}

// placeWant is what a 201 must show at the plan's place, for diffs.
func placeWant(plan spec.Plan, add Add) any {
	item := map[string]any{"type": add.Code}
	if plan.Hosts && add.Hosts > 0 {
		item["hosts"] = json.Number(strconv.FormatInt(add.Hosts, 10))
	}
	name := strings.TrimSuffix(plan.Place, "[]")
	if strings.HasSuffix(plan.Place, "[]") {
		return map[string]any{name: []any{item}}
	}
	if !plan.Hosts && !strings.Contains(name, ".") && len(item) == 1 {
		return map[string]any{name: add.Code} // a string place, such as plan_recording
	}
	return map[string]any{name: item}
}

// lookPlace finds add's code at the plan's place in a 201 body. got is the
// value at the place (for diffs), found whether the code is there, hostsOK
// whether some item with the code has the hosts sent (true when the place
// has no hosts or none were sent). Numbers compare by value: 18 and 18.0
// are the same hosts.
func lookPlace(body any, plan spec.Plan, add Add) (got any, found, hostsOK bool) {
	name := strings.TrimSuffix(plan.Place, "[]")
	v := body
	for _, seg := range strings.Split(name, ".") {
		m, ok := v.(map[string]any)
		if !ok {
			return map[string]any{name: nil}, false, false
		}
		v = m[seg]
	}
	got = map[string]any{name: v}
	check := func(item any) (bool, bool) {
		switch x := item.(type) {
		case string:
			return x == add.Code, true
		case map[string]any:
			if x["type"] != add.Code {
				return false, false
			}
			if !plan.Hosts || add.Hosts == 0 {
				return true, true
			}
			return true, sameNumber(x["hosts"], add.Hosts)
		}
		return false, false
	}
	if strings.HasSuffix(plan.Place, "[]") {
		items, _ := v.([]any)
		for _, it := range items {
			f, h := check(it)
			if f && h {
				return got, true, true
			}
			found = found || f
		}
		return got, found, false
	}
	found, hostsOK = check(v)
	return got, found, hostsOK
}

// sameNumber reports whether a JSON number equals n by value.
func sameNumber(v any, n int64) bool {
	num, ok := v.(json.Number)
	if !ok {
		return false
	}
	if i, err := num.Int64(); err == nil {
		return i == n
	}
	f, err := strconv.ParseFloat(string(num), 64)
	return err == nil && f == float64(n)
}
