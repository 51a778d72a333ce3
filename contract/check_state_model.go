package contract

import (
	"fmt"
	"net/http"
	"strings"

	"github.com/addons-contract/contract/spec"
)

// CheckStateModel is the id of the state-model check: answers follow the per-account plan model across sequences.
const CheckStateModel = "state-model"

// stateModel: answers follow the run's model of each account's plans: an
// add the run has seen succeed (or refused as already held) is refused as
// "already has" naming the plan, every time after.
type stateModel struct{}

var _ Check = stateModel{}

func (stateModel) ID() string { return CheckStateModel }
func (stateModel) Traits() Traits {
	// The plan model is catalog codes at their places, a held one refused
	// with the matrix's already_has row.
	return Traits{Model: true, NoShrink: true, Needs: []string{spec.TableErrors, spec.TableCatalog}}
}
func (stateModel) Doc() string {
	return "a plan the run has added is answered \"already has\" naming it, and stays in every later 201 of that account"
}
func (stateModel) Applies(j *Judgement) bool {
	e := j.Case.Expect
	return j.answered() && j.Exchange.Status != http.StatusTooManyRequests &&
		(e.State && e.Row != "" || j.Exchange.Status == http.StatusCreated && len(e.Kept) > 0)
}
func (stateModel) Judge(j *Judgement) []Failure {
	a := j.answer()
	if j.Case.Expect.Row == "" {
		return judgeKept(j, a) // a 201 to an add the model expected to succeed
	}
	row, ok := j.row()
	if !ok {
		return []Failure{{Row: j.Case.Expect.Row, Detail: fmt.Sprintf("the model expects row %q, which the spec does not define", j.Case.Expect.Row)}}
	}
	fill := j.fill()
	if matchesRow(row, a, fill) {
		return nil
	}
	held := strings.Join(j.Case.Expect.Held, " or ")
	return []Failure{{
		Row:    row.ID,
		Detail: fmt.Sprintf("earlier answers of this run show the account holds %s: got %s, want %s", held, statusText(a), describeRow(row, fill)),
		Want:   wantError(row, fill, a), Got: gotError(a),
	}}
}

// judgeKept holds a 201 to the rest-of-set rule, on what this run saw: a
// 201 body is the account's whole plan set, so every plan the run added to
// the account earlier is still at its catalog place.
func judgeKept(j *Judgement, a answer) []Failure {
	var out []Failure
	for _, code := range j.Case.Expect.Kept {
		plan, ok := j.Op.Plan(code)
		if !ok {
			continue
		}
		if got, found, _ := lookPlace(a.body, plan, Add{Code: code}); !found {
			out = append(out, Failure{Row: "created:kept",
				Detail: fmt.Sprintf("201 without %s at %s, which this run added to the account earlier (a 201 is the whole plan set)", code, plan.Place),
				Want:   placeWant(plan, Add{Code: code}), Got: got})
		}
	}
	return out
}
