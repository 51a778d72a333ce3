package runner

import (
	"net/http"
	"testing"

	"github.com/addons-contract/contract/contract"
	"github.com/addons-contract/contract/fixtures"
	"github.com/addons-contract/contract/spec"
	"github.com/google/go-cmp/cmp"
	"github.com/stretchr/testify/require"
)

// The plan model predicts from the fixtures and from answers only: unknown
// holdings accept both answers, a seen 201 or "already has" makes the next
// add of that code an "already has" judged by the state model.
func TestLedgerPredictsAndLearns(t *testing.T) {
	doc, err := spec.Default()
	require.NoError(t, err)
	op, err := doc.Operation(spec.AddonsOperationID)
	require.NoError(t, err)
	fx := fixtures.Default()
	created := answerOf(201, "")
	alreadyHas := func(code string) contract.Answer {
		return answerOf(400, `{"code":2100,"message":"This sub account already has an additional plan: `+code+`."}`)
	}
	web := contract.Add{Code: "webinar500_monthly", Hosts: 18}
	zwb := contract.Add{Code: "zwb_monthly", Hosts: 2}
	phone := []contract.Add{{Code: "phone_payongo"}, {Code: "phone_calling_usca_monthly_unlimited", Hosts: 5}, {Code: "phone_toll_free_number_usca_monthly", Hosts: 3}}

	type step struct {
		account string
		adds    []contract.Add
		want    contract.Expect
		answer  *contract.Answer // what the server answered, learnt after predicting
	}
	tests := []struct {
		name, reason string
		steps        []step
	}{
		{"unknown then learnt by 201", "a first add may find the plan held; after a 201 it must be refused", []step{
			{contract.AccountPaid, []contract.Add{web}, contract.Expect{Plans: []contract.Add{web}, MayHoldPlan: true, Held: []string{web.Code}}, &created},
			{contract.AccountPaid, []contract.Add{web}, contract.Expect{Row: "already_has", Held: []string{web.Code}, State: true}, nil},
		}},
		{"learnt by already has", "an 'already has' naming the code means it is held from then on", []step{
			{contract.AccountPaid, []contract.Add{zwb}, contract.Expect{Plans: []contract.Add{zwb}, MayHoldPlan: true, Held: []string{zwb.Code}}, ptr(alreadyHas(zwb.Code))},
			{contract.AccountPaid, []contract.Add{zwb}, contract.Expect{Row: "already_has", Held: []string{zwb.Code}, State: true}, nil},
		}},
		{"fixture holding", "has_addon holds has_addon_plan by the fixtures: an error row, not a state prediction", []step{
			{contract.AccountHasAddon, []contract.Add{{Code: fx.HasAddonPlan, Hosts: 1}}, contract.Expect{Row: "already_has", Held: []string{fx.HasAddonPlan}}, nil},
		}},
		{"rooms base", "the Zoom Rooms add-on on rooms_base is its own row, whatever is held", []step{
			{contract.AccountRoomsBase, []contract.Add{{Code: "zroom_monthly", Hosts: 1}}, contract.Expect{Row: "rooms_base"}, nil},
			{contract.AccountPaid, []contract.Add{{Code: "zroom_monthly", Hosts: 1}}, contract.Expect{Plans: []contract.Add{{Code: "zroom_monthly", Hosts: 1}}, MayHoldPlan: true, Held: []string{"zroom_monthly"}}, nil},
		}},
		{"phone form names the first held", "codes before the first known one may be held too", []step{
			{contract.AccountPaid, phone[1:2], contract.Expect{Plans: phone[1:2], MayHoldPlan: true, Held: []string{phone[1].Code}}, &created},
			{contract.AccountPaid, phone, contract.Expect{Row: "already_has", Held: []string{phone[0].Code, phone[1].Code}, State: true}, nil},
		}},
		{"a 201 is the whole plan set", "a code absent from a 201 is not held, a code in it was held before the run; the added code must stay", []step{
			{contract.AccountPaid, []contract.Add{zwb}, contract.Expect{Plans: []contract.Add{zwb}, MayHoldPlan: true, Held: []string{zwb.Code}}, ptr(answerOf(201, `{"plan_whiteboard":{"type":"zwb_monthly","hosts":2},"plan_webinar":[{"type":"webinar500_monthly","hosts":9}]}`))},
			{contract.AccountPaid, []contract.Add{phone[0]}, contract.Expect{Plans: []contract.Add{phone[0]}, Kept: []string{zwb.Code}}, nil},
			{contract.AccountPaid, []contract.Add{web}, contract.Expect{Row: "already_has", Held: []string{web.Code}, State: true}, nil},
		}},
		{"accounts are separate", "what paid holds says nothing of has_addon", []step{
			{contract.AccountPaid, []contract.Add{zwb}, contract.Expect{Plans: []contract.Add{zwb}, MayHoldPlan: true, Held: []string{zwb.Code}}, &created},
			{contract.AccountHasAddon, []contract.Add{zwb}, contract.Expect{Plans: []contract.Add{zwb}, MayHoldPlan: true, Held: []string{zwb.Code}}, nil},
		}},
		{"other answers teach nothing", "a 400/300 or an 'already has' of another code leaves the model as it was", []step{
			{contract.AccountPaid, []contract.Add{web}, contract.Expect{Plans: []contract.Add{web}, MayHoldPlan: true, Held: []string{web.Code}}, ptr(answerOf(400, `{"code":300,"message":"bad"}`))},
			{contract.AccountPaid, []contract.Add{web}, contract.Expect{Plans: []contract.Add{web}, MayHoldPlan: true, Held: []string{web.Code}}, ptr(alreadyHas("zwb_monthly"))},
			{contract.AccountPaid, []contract.Add{web}, contract.Expect{Plans: []contract.Add{web}, MayHoldPlan: true, Held: []string{web.Code}}, nil},
		}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			l := newLedger(op, fx)
			for i, s := range tc.steps {
				got := l.predict(s.account, s.adds)
				if diff := cmp.Diff(s.want, got); diff != "" {
					t.Fatalf("%s: step %d (-want +got):\n%s", tc.reason, i, diff)
				}
				if s.answer != nil {
					l.learn(op, s.account, s.adds, *s.answer)
				}
			}
		})
	}
}

func ptr[T any](v T) *T { return &v }

// answerOf is a JSON answer with status and body, parsed as a run parses it.
func answerOf(status int, body string) contract.Answer {
	return contract.ParseAnswer(&contract.Exchange{Status: status, Header: http.Header{"Content-Type": {"application/json"}}, Body: []byte(body)})
}
