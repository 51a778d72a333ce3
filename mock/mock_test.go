package mock

import (
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/stretchr/testify/require"

	"github.com/addons-contract/contract/spec"
)

// The English messages of the spec (spec/addons.yaml), written out here rather than read from
// the spec, so a drift in either breaks this test.
const (
	msgVolume     = "Master account with volume license cannot use the API to configure, update or cancel sub account plans. Please use the billing portal or contact support."
	msgSelfPay    = "This sub account is on self pay mode."
	msgFree       = "Cannot update Additional plan for a sub account under free plan."
	msgRooms      = "Additional Zoom Rooms plan cannot be added to a sub account that already has a Zoom Rooms base plan."
	msgAlreadyFmt = "This sub account already has an additional plan: %s."
	msgUser       = "User does not exist."
	msgAccountFmt = "Account does not exist: %s."
	msgToken      = "Invalid access token."
)

type outcome struct {
	Status  int
	Code    int
	Message string // "" = not compared (free text such as {detail})
}

func outcomeOf(r resp, compareMessage bool) outcome {
	o := outcome{Status: r.status, Code: r.code}
	if compareMessage {
		o.Message = r.message
	}
	return o
}

var validBody = plain("large500_monthly", 18)

func TestMatrix(t *testing.T) {
	big := `{"type":"large500_monthly","hosts":1,"service_effective_date":"` + strings.Repeat("x", MaxBody) + `"}`
	tests := []struct {
		name   string
		reason string
		q      req
		want   outcome
		// validate: the answer is a documented response of the operation.
		validate bool
	}{
		{"created", "a valid add on the paid account succeeds", req{body: validBody}, outcome{Status: 201}, true},
		{"v2 prefix", "the spec's server base path may prefix the route", req{path: "/v2" + addonsPath(fx.Accounts.Paid), body: validBody}, outcome{Status: 201}, true},
		{"no token", "a missing Authorization header is 401/124", req{auth: "-", body: validBody}, outcome{401, 124, msgToken}, true},
		{"unknown token", "a token the server does not know is 401/124", req{auth: "Bearer nope", body: validBody}, outcome{401, 124, msgToken}, true},
		{"basic scheme", "only the Bearer scheme carries a token", req{auth: "Basic " + fx.Tokens.Master, body: validBody}, outcome{401, 124, msgToken}, true},
		{"bearer without token", "the scheme alone is no token", req{auth: "Bearer ", body: validBody}, outcome{401, 124, msgToken}, true},
		{"lower-case scheme", "the Bearer scheme is case-insensitive", req{auth: "bearer " + fx.Tokens.Master, body: validBody}, outcome{Status: 201}, true},
		{"upper-case scheme", "the Bearer scheme is case-insensitive", req{auth: "BEARER " + fx.Tokens.Master, body: validBody}, outcome{Status: 201}, true},
		{"user missing", "the unknown_user token's user no longer exists", req{auth: "Bearer " + fx.Tokens.UnknownUser, body: validBody}, outcome{404, 1001, msgUser}, true},
		{"account missing", "the missing account is no sub account of the master", req{account: fx.Accounts.Missing, body: validBody}, outcome{404, 2001, fmt.Sprintf(msgAccountFmt, fx.Accounts.Missing)}, true},
		{"empty account id", "the page's own curl sample has an empty id: an account that does not exist", req{path: "/accounts//plans/addons", body: validBody}, outcome{404, 2001, fmt.Sprintf(msgAccountFmt, "")}, true},
		{"escaped account id", "the id is path-decoded before it is looked up and echoed", req{path: "/accounts/a%2Fb/plans/addons", body: validBody}, outcome{404, 2001, fmt.Sprintf(msgAccountFmt, "a/b")}, false},
		{"text/plain", "only application/json bodies are read", req{ctype: "text/plain", body: validBody}, outcome{Status: 415, Code: 300}, true},
		{"no content type", "a body without Content-Type is 415", req{ctype: "-", body: validBody}, outcome{Status: 415, Code: 300}, true},
		{"charset parameter", "parameters of the media type are fine", req{ctype: "application/json; charset=utf-8", body: validBody}, outcome{Status: 201}, true},
		{"upper-case media type", "media types are case-insensitive", req{ctype: "Application/JSON", body: validBody}, outcome{Status: 201}, true},
		{"invalid body", "hosts 0 is below the minimum", req{body: plain("large500_monthly", 0)}, outcome{Status: 400, Code: 300}, true},
		{"volume license", "the volume license master may not change plans", req{auth: "Bearer " + fx.Tokens.VolumeLicense, body: validBody}, outcome{400, 2100, msgVolume}, true},
		{"self pay", "the self pay account pays its own bills", req{account: fx.Accounts.SelfPay, body: validBody}, outcome{400, 2100, msgSelfPay}, true},
		{"free plan", "the free account has no paid plan", req{account: fx.Accounts.Free, body: validBody}, outcome{400, 2100, msgFree}, true},
		{"rooms base", "zroom_monthly on the account with a Zoom Rooms base plan", req{account: fx.Accounts.RoomsBase, body: plain("zroom_monthly", 5)}, outcome{400, 2100, msgRooms}, true},
		{"rooms base other add-on", "rooms_base is otherwise a paid account", req{account: fx.Accounts.RoomsBase, body: validBody}, outcome{Status: 201}, true},
		{"already has", "has_addon already holds has_addon_plan", req{account: fx.Accounts.HasAddon, body: plain(fx.HasAddonPlan, 5)}, outcome{400, 2100, fmt.Sprintf(msgAlreadyFmt, fx.HasAddonPlan)}, true},
		{"has_addon other add-on", "has_addon is otherwise a paid account", req{account: fx.Accounts.HasAddon, body: validBody}, outcome{Status: 201}, true},
		{"too large", "a body over 1 MiB is 413 with code 300", req{body: big}, outcome{Status: 413, Code: 300}, true},
		{"too large beats everything", "413 answers whatever else is wrong, even the route", req{method: "GET", path: "/nowhere", auth: "-", ctype: "-", body: big}, outcome{Status: 413, Code: 300}, false},
		{"exactly 1 MiB", "1 MiB itself is not over the limit", req{body: validBody + strings.Repeat(" ", MaxBody-len(validBody))}, outcome{Status: 201}, true},
		{"route 404", "an unknown path answers a JSON 404", req{path: "/accounts/x/plans", body: validBody}, outcome{Status: 404, Code: 404}, false},
		{"route trailing slash", "the route is matched exactly", req{path: addonsPath(fx.Accounts.Paid) + "/", body: validBody}, outcome{Status: 404, Code: 404}, false},
		{"route before auth", "an unknown path is 404 even without a token", req{path: "/", auth: "-"}, outcome{Status: 404, Code: 404}, false},
		{"method", "another method on the path is 405", req{method: "GET"}, outcome{Status: 405, Code: 405}, false},
		{"method before auth", "405 comes before the token check", req{method: "DELETE", auth: "-"}, outcome{Status: 405, Code: 405}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := newServer(t, Config{})
			got := call(t, s, tt.q)
			if diff := cmp.Diff(tt.want, outcomeOf(got, tt.want.Message != "")); diff != "" {
				t.Fatalf("%s (-want +got):\n%s\nbody: %.300s", tt.reason, diff, got.body)
			}
			if ct := got.header.Get("Content-Type"); ct != "application/json" {
				t.Errorf("Content-Type: got %q, want application/json", ct)
			}
			if got.status != 201 && got.message == "" {
				t.Errorf("error body has no message: %s", got.body)
			}
			if strings.Contains(got.message, "{") {
				t.Errorf("message has an unfilled placeholder: %q", got.message)
			}
			if tt.validate {
				if ps := responseProblems(t, tt.q, got); len(ps) > 0 {
					t.Errorf("answer breaks the spec: %v\nbody: %.300s", ps, got.body)
				}
			}
			if got.status == 405 {
				if diff := cmp.Diff("POST", got.header.Get("Allow")); diff != "" {
					t.Errorf("Allow (-want +got):\n%s", diff)
				}
			}
		})
	}
}

func TestPrecedence(t *testing.T) {
	invalid := plain("large500_monthly", 0)
	vl := "Bearer " + fx.Tokens.VolumeLicense
	tests := []struct {
		name   string
		reason string
		q      req
		want   outcome
	}{
		{"token before user", "an unknown token never reaches the user check", req{auth: "Bearer x", account: fx.Accounts.Missing, body: invalid}, outcome{401, 124, msgToken}},
		{"user before account", "a missing user beats a missing account", req{auth: "Bearer " + fx.Tokens.UnknownUser, account: fx.Accounts.Missing, ctype: "text/plain"}, outcome{404, 1001, msgUser}},
		{"account before media type", "a missing account beats a wrong Content-Type", req{account: fx.Accounts.Missing, ctype: "text/plain", body: invalid}, outcome{404, 2001, fmt.Sprintf(msgAccountFmt, fx.Accounts.Missing)}},
		{"account before body", "a missing account beats an invalid body", req{account: fx.Accounts.Missing, body: invalid}, outcome{404, 2001, fmt.Sprintf(msgAccountFmt, fx.Accounts.Missing)}},
		{"media type before body", "a wrong Content-Type beats an invalid body", req{ctype: "text/plain", body: "not json"}, outcome{Status: 415, Code: 300}},
		{"body before volume license", "an invalid body beats the volume license row", req{auth: vl, body: invalid}, outcome{Status: 400, Code: 300}},
		{"body before self pay", "an invalid body beats self pay", req{account: fx.Accounts.SelfPay, body: invalid}, outcome{Status: 400, Code: 300}},
		{"volume license before self pay", "the volume license row beats self pay", req{auth: vl, account: fx.Accounts.SelfPay, body: validBody}, outcome{400, 2100, msgVolume}},
		{"volume license before already has", "the volume license row beats already has", req{auth: vl, account: fx.Accounts.HasAddon, body: plain(fx.HasAddonPlan, 1)}, outcome{400, 2100, msgVolume}},
		{"volume license before rooms base", "the volume license row beats rooms base", req{auth: vl, account: fx.Accounts.RoomsBase, body: plain("zroom_monthly", 1)}, outcome{400, 2100, msgVolume}},
		{"self pay before free", "self pay is checked before the free plan (distinct accounts, so each answers its own)", req{account: fx.Accounts.Free, body: validBody}, outcome{400, 2100, msgFree}},
		{"too large before route", "413 answers whatever else is wrong", req{path: "/x", body: strings.Repeat("a", MaxBody+1)}, outcome{Status: 413, Code: 300}},
		{"route before token", "the route comes first", req{path: "/accounts/x", auth: "-"}, outcome{Status: 404, Code: 404}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := call(t, newServer(t, Config{}), tt.q)
			if diff := cmp.Diff(tt.want, outcomeOf(got, tt.want.Message != "")); diff != "" {
				t.Fatalf("%s (-want +got):\n%s\nbody: %s", tt.reason, diff, got.body)
			}
		})
	}
}

func TestBody(t *testing.T) {
	phone := func(details string) string { return `{"plan_details":` + details + `}` }
	tests := []struct {
		name   string
		reason string
		body   string
		valid  bool
		field  string // for invalid bodies: the field the message must name ("" = none required)
	}{
		{"plain", "the page's own example", `{"service_effective_date":"2021-12-31","hosts":18,"type":"webinar500_monthly","paid_period_start_date":"2021-12-31"}`, true, ""},
		{"18.0", "JSON Schema reads 18.0 as the integer 18", `{"type":"large500_monthly","hosts":18.0}`, true, ""},
		{"1.8e1", "JSON Schema reads 1.8e1 as the integer 18", `{"type":"large500_monthly","hosts":1.8e1}`, true, ""},
		{"max hosts", "2147483647 is the largest hosts", plain("large500_monthly", 2147483647), true, ""},
		{"phone all", "the phone form with its three slots", phone(`{"plan_base":{"type":"phone_payongo","callout_countries":"US"},"plan_calling":[{"type":"phone_calling_usca_monthly_unlimited","hosts":2}],"plan_number":[{"type":"phone_toll_free_number_usca_monthly","hosts":3}]}`), true, ""},
		{"phone one", "one slot is enough", phone(`{"plan_number":[{"type":"phone_toll_free_number_usca_monthly","hosts":3}]}`), true, ""},
		{"phone addon by plain form", "zp_power_pack_monthly is added with the plain form", plain("zp_power_pack_monthly", 2), true, ""},

		{"1.5", "1.5 is not an integer", `{"type":"large500_monthly","hosts":1.5}`, false, "hosts"},
		{"hosts 0", "hosts below 1", plain("large500_monthly", 0), false, "hosts"},
		{"hosts too big", "hosts above the int32 range", `{"type":"large500_monthly","hosts":2147483648}`, false, "hosts"},
		{"hosts huge", "a number outside float64", `{"type":"large500_monthly","hosts":1e400}`, false, "hosts"},
		{"hosts string", "hosts must be a number", `{"type":"large500_monthly","hosts":"18"}`, false, "hosts"},
		{"hosts missing", "hosts is required", `{"type":"large500_monthly"}`, false, "hosts"},
		{"type missing", "type is required", `{"hosts":1}`, false, "type"},
		{"type number", "type must be a string", `{"type":5,"hosts":1}`, false, "type"},
		{"type empty", "type must not be empty", `{"type":"","hosts":1}`, false, "type"},
		{"type unknown", "a code outside the catalog", plain("webinar999_monthly", 1), false, "type"},
		{"type case", "codes match case-sensitively", plain("LARGE500_MONTHLY", 1), false, "type"},
		{"type base", "the base plan is not an add-on", plain("yearly", 1), false, "type"},
		{"bad date", "2021-02-30 is no calendar day", `{"type":"large500_monthly","hosts":1,"service_effective_date":"2021-02-30"}`, false, "service_effective_date"},
		{"us date", "dates are RFC 3339 full-dates", `{"type":"large500_monthly","hosts":1,"paid_period_start_date":"12/31/2021"}`, false, "paid_period_start_date"},
		{"unknown property", "unknown properties are invalid", `{"type":"large500_monthly","hosts":1,"note":"x"}`, false, "note"},
		{"duplicate key", "an object that repeats a key", `{"type":"large500_monthly","hosts":1,"hosts":2}`, false, "hosts"},
		{"duplicate nested key", "repeated keys are found at any depth", phone(`{"plan_base":{"type":"phone_payongo","type":"phone_payongo"}}`), false, "plan_details.plan_base.type"},
		{"trailing data", "one JSON value only", validBody + ` {}`, false, ""},
		{"trailing garbage", "one JSON value only", validBody + `x`, false, ""},
		{"malformed", "not JSON", `{"type":`, false, ""},
		{"empty", "no body at all", ``, false, ""},
		{"array", "the body must be an object", `[` + validBody + `]`, false, ""},
		{"string", "the body must be an object", `"x"`, false, ""},
		{"null", "the body must be an object", `null`, false, ""},
		{"deep", "nesting is bounded", strings.Repeat("[", 10000) + strings.Repeat("]", 10000), false, ""},
		{"both forms", "the forms are disjoint", `{"type":"large500_monthly","hosts":1,"plan_details":{"plan_number":[{"type":"phone_toll_free_number_usca_monthly","hosts":3}]}}`, false, ""},
		{"phone empty", "plan_details needs a key", phone(`{}`), false, "plan_details"},
		{"phone empty array", "arrays are non-empty", phone(`{"plan_calling":[]}`), false, "plan_details.plan_calling"},
		{"phone wrong slot", "each slot takes its own code", phone(`{"plan_calling":[{"type":"phone_toll_free_number_usca_monthly","hosts":1}]}`), false, "plan_details.plan_calling[0].type"},
		{"phone addon code in slot", "an add-on code is not a phone slot code", phone(`{"plan_number":[{"type":"large500_monthly","hosts":1}]}`), false, "plan_details.plan_number[0].type"},
		{"phone missing hosts", "array items need hosts", phone(`{"plan_calling":[{"type":"phone_calling_usca_monthly_unlimited"}]}`), false, "plan_details.plan_calling[0]"},
		{"phone base unknown property", "unknown properties at any level", phone(`{"plan_base":{"type":"phone_payongo","hosts":1}}`), false, "plan_details.plan_base"},
		{"phone same code twice", "a code may appear once", phone(`{"plan_calling":[{"type":"phone_calling_usca_monthly_unlimited","hosts":1},{"type":"phone_calling_usca_monthly_unlimited","hosts":1}]}`), false, "plan_details.plan_calling"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			q := req{body: tt.body}
			got := call(t, newServer(t, Config{}), q)
			if tt.valid {
				require.Equal(t, 201, got.status, "%s: body %s", tt.reason, got.body)
				return
			}
			if diff := cmp.Diff(outcome{Status: 400, Code: 300}, outcomeOf(got, false)); diff != "" {
				t.Fatalf("%s (-want +got):\n%s\nbody: %.300s", tt.reason, diff, got.body)
			}
			if !strings.Contains(got.message, tt.field) || got.message == "" {
				t.Errorf("%s: message %q does not name %q", tt.reason, got.message, tt.field)
			}
			if ps := responseProblems(t, q, got); len(ps) > 0 {
				t.Errorf("400 breaks the spec: %v", ps)
			}
		})
	}
}

// TestEighteen checks that 18.0 and 1.8e1 land as the integer 18.
func TestEighteen(t *testing.T) {
	for _, hosts := range []string{"18", "18.0", "1.8e1", "180e-1"} {
		t.Run(hosts, func(t *testing.T) {
			got := call(t, newServer(t, Config{}), req{body: `{"type":"zwb_monthly","hosts":` + hosts + `}`})
			require.Equal(t, 201, got.status, "%s", got.body)
			want := map[string]any{"hosts": 18.0, "type": "zwb_monthly"}
			if diff := cmp.Diff(want, valueAt(decode(t, got.body), "plan_whiteboard")); diff != "" {
				t.Errorf("plan_whiteboard (-want +got):\n%s", diff)
			}
		})
	}
}

func TestNew(t *testing.T) {
	base := fx
	base.HasAddonPlan = "yearly"
	unknown := fx
	unknown.HasAddonPlan = "nope_monthly"
	sharedID := fx
	sharedID.Accounts.Free = fx.Accounts.Paid
	noToken := fx
	noToken.Tokens.Master = ""
	tests := []struct {
		name string
		cfg  Config
		want string // substring of the error
	}{
		{"shared account id", Config{Fixtures: &sharedID}, "five distinct"},
		{"empty token", Config{Fixtures: &noToken}, "three distinct"},
		{"unknown fault", Config{Fault: "nope"}, `unknown fault "nope"`},
		{"base has_addon_plan", Config{Fixtures: &base}, `has_addon_plan "yearly" is not an add-on`},
		{"unknown has_addon_plan", Config{Fixtures: &unknown}, `has_addon_plan "nope_monthly" is not an add-on`},
		{"negative rate", Config{Rate: -1}, "rate -1"},
		{"negative slow-by", Config{SlowBy: -1}, "slow-by"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tt.cfg.Doc = testDoc(t)
			_, err := New(tt.cfg)
			require.Error(t, err)
			require.Contains(t, err.Error(), tt.want)
		})
	}
	t.Run("zero config", func(t *testing.T) {
		s, err := New(Config{})
		require.NoError(t, err)
		require.Equal(t, 201, call(t, s, req{body: validBody}).status)
	})
}

func TestRouteAnswersAreJSON(t *testing.T) {
	s := newServer(t, Config{})
	for _, q := range []req{{path: "/"}, {path: "/accounts"}, {method: http.MethodPut}, {method: http.MethodHead}} {
		got := call(t, s, q)
		require.Equal(t, "application/json", got.header.Get("Content-Type"))
		if q.method != http.MethodHead {
			decode(t, got.body)
		}
	}
}

// TestNewRejectsSpecsItCannotServe edits the embedded spec: the mock
// derives its behaviour from the spec, so a spec lacking a piece is an error
// at start, not a wrong answer later.
func TestNewRejectsSpecsItCannotServe(t *testing.T) {
	raw := string(testDoc(t).Raw())
	tests := []struct {
		name     string
		old, new string
		want     string
	}{
		{"row missing", "rooms_base", "rooms_based", "lacks row rooms_base"},
		{"check missing", "        - self_pay\n        - free_plan", "        - free_plan", `lacks "self_pay"`},
		{"unknown placeholder", "already has an additional plan: {planCode}.", "already has an additional plan: {plan}.", "unknown placeholder {plan}"},
		{"check not placed", "        - id: rate_limited\n          after: route\n", "", `lacks "rate_limited"`},
		{"no rooms add-on", "              plans: [zroom_monthly]\n", "", "rooms_base row names no single plan"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			require.Contains(t, raw, tt.old)
			doc, err := spec.Parse("edited.yaml", []byte(strings.ReplaceAll(raw, tt.old, tt.new)))
			require.NoError(t, err)
			_, err = New(Config{Doc: doc})
			require.Error(t, err)
			require.Contains(t, err.Error(), tt.want)
		})
	}
}
