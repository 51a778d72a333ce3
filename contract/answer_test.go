package contract

import (
	"testing"

	"github.com/addons-contract/contract/spec"
	"github.com/google/go-cmp/cmp"
	"github.com/stretchr/testify/require"
)

// testOp is the embedded spec's addons operation.
func testOp(t *testing.T) *spec.Operation {
	t.Helper()
	doc, err := spec.Default()
	require.NoError(t, err)
	op, err := doc.Operation(spec.AddonsOperationID)
	require.NoError(t, err)
	return op
}

// Message templates: placeholders filled where the runner knows the value,
// free text ({detail}) matching anything non-empty; the named plan read back.
func TestTemplates(t *testing.T) {
	op := testOp(t)
	row := func(id string) spec.ErrorRow {
		r, ok := op.Row(id)
		require.True(t, ok, id)
		return r
	}
	err := func(status int, code int64, msg string) answer {
		return answer{status: status, isJSON: true, hasCode: true, code: code, hasMessage: true, message: msg}
	}
	tests := []struct {
		name, reason string
		row          string
		a            answer
		fill         map[string][]string
		want         bool
	}{
		{"filled id", "the account id sent is the one named", "account_missing", err(404, 2001, "Account does not exist: sub-1."), map[string][]string{"subAccountId": {"sub-1"}}, true},
		{"other id", "another id is a wrong message", "account_missing", err(404, 2001, "Account does not exist: sub-2."), map[string][]string{"subAccountId": {"sub-1"}}, false},
		{"unfilled placeholder", "a server must fill the placeholder", "account_missing", err(404, 2001, "Account does not exist: {subAccountId}."), map[string][]string{"subAccountId": {"sub-1"}}, false},
		{"one of the codes", "already has may name any code it could hold", "already_has", err(400, 2100, "This sub account already has an additional plan: b."), map[string][]string{"planCode": {"a", "b"}}, true},
		{"regexp characters in codes", "codes are quoted, not patterns", "already_has", err(400, 2100, "This sub account already has an additional plan: aXb."), map[string][]string{"planCode": {"a.b"}}, false},
		{"detail", "free text is any non-empty message", "invalid_body", err(400, 300, "hosts: must be >= 1"), nil, true},
		{"empty detail", "an empty message is no message", "invalid_body", err(400, 300, ""), nil, false},
		{"wrong code", "the code is part of the row", "invalid_body", err(400, 2100, "x"), nil, false},
		{"wrong status", "the status is part of the row", "self_pay", err(403, 2100, "This sub account is on self pay mode."), nil, false},
		{"exact text", "a fixed message must match exactly", "self_pay", err(400, 2100, "This sub account is on self pay mode"), nil, false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			require.Equal(t, tc.want, matchesRow(row(tc.row), tc.a, tc.fill), tc.reason)
		})
	}
	code, ok := namedPlan(row("already_has"), err(400, 2100, "This sub account already has an additional plan: zwb_monthly."))
	require.True(t, ok)
	require.Equal(t, "zwb_monthly", code)
	require.Equal(t, "already_has", rowOf(op, err(400, 2100, "This sub account already has an additional plan: x.")))
	require.Equal(t, "free_plan", rowOf(op, err(400, 2100, "Cannot update Additional plan for a sub account under free plan.")))
	require.Equal(t, "", rowOf(op, err(400, 2100, "Something else.")))
}

// The codes a body adds are read by the schema's x-catalog marks, in schema
// order, with their hosts compared as numbers.
func TestAddsOf(t *testing.T) {
	op := testOp(t)
	tests := []struct {
		name, body string
		want       []Add
	}{
		{"plain form", `{"type":"zwb_monthly","hosts":18,"service_effective_date":"2021-12-31"}`, []Add{{"zwb_monthly", 18}}},
		{"hosts as 18.0 and 1.8e1", `{"hosts":1.8e1,"type":"zwb_monthly"}`, []Add{{"zwb_monthly", 18}}},
		{"phone form in slot order", `{"plan_details":{"plan_number":[{"hosts":3,"type":"n"}],"plan_base":{"type":"b"},"plan_calling":[{"type":"c","hosts":5}]}}`,
			[]Add{{"b", 0}, {"c", 5}, {"n", 3}}},
		{"not JSON", `{"type":`, nil},
		{"not an object", `[1,2]`, nil},
		{"code not a string", `{"type":7,"hosts":1}`, nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			require.Empty(t, cmp.Diff(tc.want, AddsOf(op, []byte(tc.body))))
		})
	}
}

// A 201 holds the plan at its catalog place: in an array, as the object's
// type, or as a string; hosts compare by value.
func TestLookPlace(t *testing.T) {
	op := testOp(t)
	plan := func(code string) spec.Plan {
		p, ok := op.Plan(code)
		require.True(t, ok, code)
		return p
	}
	tests := []struct {
		name, body     string
		add            Add
		found, hostsOK bool
	}{
		{"array item", `{"plan_webinar":[{"type":"x","hosts":1},{"type":"webinar500_monthly","hosts":18}]}`, Add{"webinar500_monthly", 18}, true, true},
		{"array hosts 18.0", `{"plan_webinar":[{"type":"webinar500_monthly","hosts":18.0}]}`, Add{"webinar500_monthly", 18}, true, true},
		{"array wrong hosts", `{"plan_webinar":[{"type":"webinar500_monthly","hosts":19}]}`, Add{"webinar500_monthly", 18}, true, false},
		{"hosts as string", `{"plan_webinar":[{"type":"webinar500_monthly","hosts":"18"}]}`, Add{"webinar500_monthly", 18}, true, false},
		{"missing", `{"plan_webinar":[]}`, Add{"webinar500_monthly", 18}, false, false},
		{"nested object", `{"plan_znode":{"plan_zphybrid":{"type":"zph_monthly","hosts":2}}}`, Add{"zph_monthly", 2}, true, true},
		{"place without hosts", `{"plan_zcc":{"plan_package":{"type":"zccp_monthly"}}}`, Add{"zccp_monthly", 9}, true, true},
		{"string place", `{"plan_recording":"cmr_monthly_commitment_40"}`, Add{"cmr_monthly_commitment_40", 1}, true, true},
		{"other type at the place", `{"plan_zoom_rooms":{"type":"zr_base","hosts":1}}`, Add{"zroom_monthly", 1}, false, false},
		{"body not an object", `[]`, Add{"zwb_monthly", 1}, false, false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			v, ok := decodeJSON([]byte(tc.body))
			require.True(t, ok)
			_, found, hostsOK := lookPlace(v, plan(tc.add.Code), tc.add)
			require.Equal(t, tc.found, found, "found")
			require.Equal(t, tc.hostsOK, hostsOK, "hosts")
		})
	}
}
