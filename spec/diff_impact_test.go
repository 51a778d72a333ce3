package spec

import (
	"encoding/json"
	"strconv"
	"testing"

	"github.com/stretchr/testify/require"
)

func TestRecorded(t *testing.T) {
	msg := diffTo(t, "message")
	noHosts := diffTo(t, "remove-201-property")
	required := diffTo(t, "required-field")
	code := diffTo(t, "add-code")
	errBody := func(code int, m string) any {
		return map[string]any{"code": json.Number(strconv.Itoa(code)), "message": m}
	}
	plans := map[string]any{
		"plan_base":       map[string]any{"type": "yearly", "hosts": json.Number("20")},
		"plan_whiteboard": map[string]any{"type": "zwb_monthly", "hosts": json.Number("3")},
	}
	tests := []struct {
		name   string
		ch     *Changes
		golden string
		status int
		body   any
		hit    bool
	}{
		{"the reworded row's answer", msg, "matrix/self_pay", 400, errBody(2100, "This sub account is on self pay mode."), true},
		{"another 2100 row's answer", msg, "matrix/free_plan", 400, errBody(2100, "Cannot update Additional plan for a sub account under free plan."), false},
		{"a 201 holding the removed field", noHosts, "success/plan/zwb_monthly", 201, plans, true},
		{"a 201 without it", noHosts, "success/page-example", 201, map[string]any{"plan_base": plans["plan_base"]}, false},
		{"an error answer of the same body field name", noHosts, "matrix/invalid_body", 400, errBody(300, "hosts"), false},
		{"a 201 after a new required field", required, "success/page-example", 201, plans, true},
		{"a row after the body check", required, "matrix/self_pay", 400, errBody(2100, "This sub account is on self pay mode."), true},
		{"a row before it, placeholder filled", required, "matrix/account_missing", 404, errBody(2001, "Account does not exist: {accounts.missing}."), false},
		{"a 201 holding a code after the new one", code, "success/plan/zwb_monthly", 201, plans, true},
		{"a 201 holding only the base plan", code, "success/x", 201, map[string]any{"plan_base": plans["plan_base"]}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			why := tt.ch.Recorded(tt.golden, tt.status, tt.body)
			require.Equal(t, tt.hit, len(why) > 0, "reasons: %q", why)
		})
	}
}

func TestRereadCorpusEntries(t *testing.T) {
	required := diffTo(t, "required-field")
	msg := diffTo(t, "message")
	page := []byte(`{"type":"webinar500_monthly","hosts":18}`)
	tests := []struct {
		name, reason string
		ch           *Changes
		p            Probe
		want         string
	}{
		{"a body made invalid, answered after the body check", "already_has needs a valid body: the entry now meets invalid_body first",
			required, Probe{Rows: []string{"already_has"}, ContentType: "application/json", Body: page}, "is not under required-field.yaml: currency"},
		{"a body made invalid, answered before the body check", "the token check answers before the body is read",
			required, Probe{Rows: []string{"invalid_token", "invalid_token"}, ContentType: "application/json", Body: page}, ""},
		{"a row that changed", "the entry judges the self_pay answer",
			msg, Probe{Rows: []string{"self_pay", "self_pay"}, Body: page}, "names row self_pay"},
		{"a finding row with a class suffix", "invalid_body/out-of-range is the invalid_body row",
			msg, Probe{Rows: []string{"invalid_body", "invalid_body/out-of-range"}, Body: page}, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			why, err := tt.ch.Reread(tt.p)
			require.NoError(t, err)
			if tt.want == "" {
				require.Empty(t, why, tt.reason)
				return
			}
			require.NotEmpty(t, why, tt.reason)
			require.Contains(t, why[0], tt.want, tt.reason)
		})
	}
}

func TestFits(t *testing.T) {
	tests := []struct {
		tmpl, msg string
		want      bool
	}{
		{"This sub account is on self pay mode.", "This sub account is on self pay mode.", true},
		{"This sub account is on self pay mode.", "This sub account pays its own bills.", false},
		{"Account does not exist: {subAccountId}.", "Account does not exist: {accounts.missing}.", true},
		{"Account does not exist: {subAccountId}.", "Account does not exist.", false},
		{"{detail}", "hosts: must be >= 1", true},
		{"a {x} b {y} c", "a 1 b 2 c", true},
		{"a {x} b {y} c", "a 1 c 2 b", false},
	}
	for _, tt := range tests {
		require.Equal(t, tt.want, fits(tt.tmpl, tt.msg), "%q ~ %q", tt.tmpl, tt.msg)
	}
}

func TestOverlapsAndHasField(t *testing.T) {
	require.True(t, overlaps("plan_whiteboard", "plan_whiteboard.hosts"))
	require.True(t, overlaps("plan_zcc.plan_usage[]", "plan_zcc.plan_usage[].hosts"))
	require.False(t, overlaps("plan_zoom", "plan_zoom_iq"), "a name prefix is not a field prefix")
	body := map[string]any{"plan_zcc": map[string]any{"plan_usage": []any{map[string]any{"hosts": 1}}}}
	require.True(t, hasField(body, "plan_zcc.plan_usage[].hosts"))
	require.False(t, hasField(body, "plan_zcc.plan_usage[].type"))
	require.True(t, hasField(body, "*.plan_usage"))
}
