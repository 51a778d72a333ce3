package mock

import (
	"net/http"
	"net/http/httptest"
	"regexp"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/stretchr/testify/require"
)

func TestFaultList(t *testing.T) {
	fs := Faults()
	require.GreaterOrEqual(t, len(fs), 22)
	require.True(t, sort.SliceIsSorted(fs, func(i, j int) bool { return fs[i].Name < fs[j].Name }), "sorted by name")
	kebab := regexp.MustCompile(`^[a-z0-9]+(-[a-z0-9]+)*$`)
	seen := map[string]bool{}
	for _, f := range fs {
		require.Regexp(t, kebab, f.Name)
		require.False(t, seen[f.Name], "duplicate %s", f.Name)
		seen[f.Name] = true
		require.NotEmpty(t, f.Breaks, "%s names the check that catches it", f.Name)
		require.NotEmpty(t, f.Description)
		require.NotContains(t, f.Description, "\n")
	}
	// That each names a check of the runner, and every check is broken by
	// some fault, is held where both are known: contract's fault matrix.
	fs[0].Name = "changed"
	require.NotEqual(t, "changed", Faults()[0].Name, "Faults returns a copy")
}

// representative requests; each fault declares which of them it may change,
// and every other one must be answered exactly as the clean mock answers it.
var representatives = map[string][]req{
	"created":         {{body: validBody}},
	"self-pay":        {{account: fx.Accounts.SelfPay, body: validBody}},
	"invalid-hosts":   {{body: plain("large500_monthly", 0)}},
	"no-token":        {{auth: "-", body: validBody}},
	"method":          {{method: http.MethodGet}},
	"account-missing": {{account: fx.Accounts.Missing, body: validBody}},
	"already-has":     {{account: fx.Accounts.HasAddon, body: plain(fx.HasAddonPlan, 1)}},
	"readd":           {{body: validBody}, {body: validBody}},
	"rooms":           {{account: fx.Accounts.RoomsBase, body: plain("zroom_monthly", 1)}},
}

var allErrors = []string{"self-pay", "invalid-hosts", "no-token", "method", "account-missing", "already-has", "readd", "rooms"}

// callSafe is call, reporting a dropped connection (net/http's
// ErrAbortHandler panic, in-process) as status -1.
func callSafe(t *testing.T, h http.Handler, q req) (r resp) {
	t.Helper()
	defer func() {
		if v := recover(); v != nil {
			require.Equal(t, http.ErrAbortHandler, v, "only an abort may escape the handler")
			r = resp{status: -1}
		}
	}()
	return call(t, h, q)
}

func runSteps(t *testing.T, s *Server, steps []req) resp {
	t.Helper()
	var last resp
	for _, q := range steps {
		last = callSafe(t, s, q)
	}
	return last
}

func TestFaults(t *testing.T) {
	date := `{"type":"large500_monthly","hosts":1,"service_effective_date":"2021-02-30"}`
	tests := map[string]struct {
		steps   []req
		check   func(t *testing.T, faulty resp)
		changes []string // representatives this fault may change
	}{
		faultAcceptBadDate:         {steps: []req{{body: date}}, check: wantStatus(201)},
		faultAcceptBasePlan:        {steps: []req{{body: plain("yearly", 1)}}, check: wantStatus(201)},
		faultAcceptDuplicateKey:    {steps: []req{{body: `{"type":"zwb_monthly","hosts":1,"hosts":2}`}}, check: wantPlan("plan_whiteboard", map[string]any{"type": "zwb_monthly", "hosts": 2.0})},
		faultAcceptUnknownPlan:     {steps: []req{{body: plain("webinar999_monthly", 1)}}, check: wantStatus(201)},
		faultAcceptUnknownProperty: {steps: []req{{body: `{"type":"zwb_monthly","hosts":1,"note":"x"}`}}, check: wantStatus(201)},
		faultAcceptZeroHosts:       {steps: []req{{body: plain("zwb_monthly", 0)}}, check: wantPlan("plan_whiteboard", map[string]any{"type": "zwb_monthly", "hosts": 0.0}), changes: []string{"invalid-hosts"}},
		faultAuthIgnored:           {steps: []req{{auth: "Bearer made-up", body: validBody}}, check: wantStatus(201), changes: []string{"no-token"}},
		faultBodyBeforeAccount:     {steps: []req{{account: fx.Accounts.Missing, body: plain("zwb_monthly", 0)}}, check: wantCode(400, 300)},
		faultCodesIgnoreCase:       {steps: []req{{body: plain("ZWB_MONTHLY", 1)}}, check: wantPlan("plan_whiteboard", map[string]any{"type": "zwb_monthly", "hosts": 1.0})},
		faultSmallSizeLimit:        {steps: []req{{account: fx.Accounts.SelfPay, body: validBody + strings.Repeat(" ", MaxBody/2)}}, check: wantCode(413, 300)},
		faultDropAddedPlan: {steps: []req{{body: plain("zwb_monthly", 1)}}, changes: []string{"created", "readd"}, check: func(t *testing.T, r resp) {
			require.Equal(t, 201, r.status)
			require.Nil(t, valueAt(decode(t, r.body), "plan_whiteboard"))
		}},
		faultDropConnection: {steps: []req{{body: validBody}}, check: wantStatus(-1), changes: []string{"created", "readd"}},
		faultDuplicateErrorCode: {steps: []req{{auth: "-", body: validBody}}, changes: allErrors, check: func(t *testing.T, r resp) {
			require.Equal(t, `{"code":0,"code":124,"message":"Invalid access token."}`, string(r.body))
		}},
		faultErrorNoMessage: {steps: []req{{auth: "-", body: validBody}}, changes: allErrors, check: func(t *testing.T, r resp) {
			require.Equal(t, `{"code":124}`, string(r.body))
			require.NotEmpty(t, responseProblems(t, req{auth: "-", body: validBody}, r))
		}},
		faultForgetState: {steps: []req{{body: validBody}, {body: validBody}}, check: wantStatus(201), changes: []string{"readd"}},
		faultGoldenDrift: {steps: []req{{body: validBody}}, check: wantPlan("plan_base", map[string]any{"type": "yearly", "hosts": 25.0, "increasing_hosts": 0.0}), changes: []string{"created"}},
		faultHostsString: {steps: []req{{body: plain("zwb_monthly", 18)}}, changes: []string{"created"}, check: func(t *testing.T, r resp) {
			wantPlan("plan_whiteboard", map[string]any{"type": "zwb_monthly", "hosts": "18"})(t, r)
			require.NotEmpty(t, responseProblems(t, req{body: plain("zwb_monthly", 18)}, r))
		}},
		faultIgnoreContentType:   {steps: []req{{ctype: "text/plain", body: validBody}}, check: wantStatus(201)},
		faultIgnoreFreePlan:      {steps: []req{{account: fx.Accounts.Free, body: validBody}}, check: wantStatus(201)},
		faultIgnoreRoomsBase:     {steps: []req{{account: fx.Accounts.RoomsBase, body: plain("zroom_monthly", 1)}}, check: wantPlan("plan_zoom_rooms", map[string]any{"type": "zroom_monthly", "hosts": 1.0}), changes: []string{"rooms"}},
		faultIgnoreSelfPay:       {steps: []req{{account: fx.Accounts.SelfPay, body: validBody}}, check: wantStatus(201), changes: []string{"self-pay"}},
		faultIgnoreVolumeLicense: {steps: []req{{auth: "Bearer " + fx.Tokens.VolumeLicense, body: validBody}}, check: wantStatus(201)},
		faultMethodAllowed:       {steps: []req{{method: http.MethodDelete}}, check: wantStatus(200), changes: []string{"method"}},
		faultServerError:         {steps: []req{{body: plain("webinar999_monthly", 1)}}, check: wantStatus(500)},
		faultSlow: {steps: []req{{body: validBody}}, check: func(t *testing.T, r resp) {
			require.Equal(t, 201, r.status)
		}},
		faultSuccess200: {steps: []req{{body: validBody}}, check: wantStatus(200), changes: []string{"created", "readd"}},
		faultTextContentType: {steps: []req{{body: validBody}}, changes: append([]string{"created"}, allErrors...), check: func(t *testing.T, r resp) {
			require.Equal(t, "text/plain; charset=utf-8", r.header.Get("Content-Type"))
		}},
		faultUndocumentedStatus: {steps: []req{{body: plain("zwb_monthly", 0)}}, changes: []string{"invalid-hosts"}, check: func(t *testing.T, r resp) {
			require.Equal(t, 422, r.status)
			require.NotEmpty(t, responseProblems(t, req{body: plain("zwb_monthly", 0)}, r))
		}},
		faultUnfilledMessage: {steps: []req{{account: fx.Accounts.HasAddon, body: plain(fx.HasAddonPlan, 1)}}, changes: []string{"already-has", "account-missing", "invalid-hosts", "readd"}, check: func(t *testing.T, r resp) {
			require.Equal(t, "This sub account already has an additional plan: {planCode}.", r.message)
		}},
		faultWrongErrorCode: {steps: []req{{account: fx.Accounts.Missing, body: validBody}}, check: wantCode(404, 2002), changes: []string{"account-missing"}},
		faultWrongHosts:     {steps: []req{{body: plain("zwb_monthly", 18)}}, check: wantPlan("plan_whiteboard", map[string]any{"type": "zwb_monthly", "hosts": 19.0}), changes: []string{"created"}},
		faultWrongMessage: {steps: []req{{account: fx.Accounts.SelfPay, body: validBody}}, changes: []string{"self-pay"}, check: func(t *testing.T, r resp) {
			require.Equal(t, 2100, r.code)
			require.NotEqual(t, msgSelfPay, r.message)
		}},
		faultWrongStatus: {steps: []req{{account: fx.Accounts.Missing, body: validBody}}, check: wantCode(400, 2001), changes: []string{"account-missing"}},

		faultAcceptHostsOverMax: {steps: []req{{body: `{"type":"zwb_monthly","hosts":2147483648}`}}, check: wantPlan("plan_whiteboard", map[string]any{"type": "zwb_monthly", "hosts": 2147483648.0})},
		faultDropRoomsBasePlan: {steps: []req{{account: fx.Accounts.RoomsBase, body: plain("zwb_monthly", 1)}}, check: func(t *testing.T, r resp) {
			require.Equal(t, 201, r.status)
			require.Nil(t, valueAt(decode(t, r.body), "plan_zoom_rooms"), "the base plan is gone")
		}},
		faultEscapedIDNotFound: {steps: []req{{path: "/accounts/sub-missing-9999%20%C3%A9/plans/addons", body: validBody}}, check: wantCode(404, 404)},
		faultHeadAllowed:       {steps: []req{{method: http.MethodHead}}, check: wantStatus(200)},
		faultHostlessPlaceHosts: {steps: []req{{body: plain("tollfree_payongo", 5)}}, check: func(t *testing.T, r resp) {
			require.Equal(t, 201, r.status)
			require.Equal(t, 5.0, valueAt(decode(t, r.body), "plan_audio").(map[string]any)["hosts"])
		}},
		faultLateSizeCheck:     {steps: []req{{auth: "-", body: validBody + strings.Repeat(" ", MaxBody)}}, check: wantCode(401, 124)},
		faultMediaTypeCaseSens: {steps: []req{{account: fx.Accounts.SelfPay, ctype: "Application/JSON", body: validBody}}, check: wantCode(415, 300)},
		faultMediaTypeNoParams: {steps: []req{{account: fx.Accounts.SelfPay, ctype: "application/json; charset=utf-8", body: validBody}}, check: wantCode(415, 300)},
		faultOptionsAllowed:    {steps: []req{{method: http.MethodOptions}}, check: wantStatus(204)},
		faultPhoneFormDates:    {steps: []req{{body: `{"plan_details":{"plan_calling":[{"type":"phone_calling_usca_monthly_unlimited","hosts":2}]},"service_effective_date":"2021-12-31"}`}}, check: wantStatus(201)},
		faultQueryNotFound:     {steps: []req{{path: addonsPath(fx.Accounts.SelfPay) + "?contract=1", body: validBody}}, check: wantCode(404, 404)},
		faultRateLimitNoRetryAfter: {steps: overLimit(), check: func(t *testing.T, r resp) {
			require.Equal(t, 429, r.status)
			require.Empty(t, r.header.Values("Retry-After"))
		}},
		faultRejectLeapDay: {steps: []req{{body: `{"type":"zwb_monthly","hosts":1,"service_effective_date":"2024-02-29"}`}}, check: wantCode(400, 300)},
	}
	for _, f := range Faults() {
		tt, ok := tests[f.Name]
		if !ok {
			t.Errorf("fault %s has no test case", f.Name)
			continue
		}
		t.Run(f.Name, func(t *testing.T) {
			cfg := Config{Fault: f.Name, SlowBy: 20 * time.Millisecond}
			clean := runSteps(t, newServer(t, Config{}), tt.steps)
			start := time.Now()
			faulty := runSteps(t, newServer(t, cfg), tt.steps)
			if f.Name == faultSlow {
				require.GreaterOrEqual(t, time.Since(start), 20*time.Millisecond, "the slow fault delays the answer")
			}
			tt.check(t, faulty)
			if f.Name != faultSlow && cmp.Equal(summary(clean), summary(faulty)) { // slow changes only the time
				t.Fatalf("the fault changed nothing: %s", faulty.body)
			}
			changes := map[string]bool{}
			for _, c := range tt.changes {
				changes[c] = true
			}
			for name, steps := range representatives {
				if changes[name] {
					continue
				}
				want := runSteps(t, newServer(t, Config{}), steps)
				got := runSteps(t, newServer(t, cfg), steps)
				if diff := cmp.Diff(summary(want), summary(got)); diff != "" {
					t.Errorf("%s changed %s, a decision it does not own (-clean +faulty):\n%s", f.Name, name, diff)
				}
			}
		})
	}
}

// overLimit is one request more with the unknown_user token than the
// mock's default limit lets through in a window.
func overLimit() []req {
	steps := make([]req, DefaultUnknownUserLimit+1)
	for i := range steps {
		steps[i] = req{auth: "Bearer " + fx.Tokens.UnknownUser, body: validBody}
	}
	return steps
}

// answerSummary is what a runner sees of an answer.
type answerSummary struct {
	Status      int
	ContentType string
	Allow       string
	RetryAfter  string
	Body        string
}

func summary(r resp) answerSummary {
	return answerSummary{r.status, r.header.Get("Content-Type"), r.header.Get("Allow"), r.header.Get("Retry-After"), string(r.body)}
}

func wantStatus(status int) func(*testing.T, resp) {
	return func(t *testing.T, r resp) {
		t.Helper()
		require.Equal(t, status, r.status, "body: %s", r.body)
	}
}

func wantCode(status, code int) func(*testing.T, resp) {
	return func(t *testing.T, r resp) {
		t.Helper()
		require.Equal(t, status, r.status, "body: %s", r.body)
		require.Equal(t, code, r.code, "body: %s", r.body)
	}
}

func wantPlan(place string, want any) func(*testing.T, resp) {
	return func(t *testing.T, r resp) {
		t.Helper()
		require.Equal(t, 201, r.status, "body: %s", r.body)
		if diff := cmp.Diff(want, valueAt(decode(t, r.body), place)); diff != "" {
			t.Errorf("%s (-want +got):\n%s", place, diff)
		}
	}
}

// TestDropConnectionOverSocket checks the hijack path: a real client sees
// the connection closed without an answer.
func TestDropConnectionOverSocket(t *testing.T) {
	srv := httptest.NewServer(newServer(t, Config{Fault: faultDropConnection}))
	defer srv.Close()
	r := req{body: validBody}.build()
	out, err := http.NewRequest(http.MethodPost, srv.URL+r.URL.Path, strings.NewReader(validBody))
	require.NoError(t, err)
	out.Header = r.Header
	res, err := srv.Client().Do(out)
	if err == nil {
		res.Body.Close()
		t.Fatalf("got status %d, want a dropped connection", res.StatusCode)
	}
	// Errors still answer normally.
	out, err = http.NewRequest(http.MethodGet, srv.URL+r.URL.Path, nil)
	require.NoError(t, err)
	res, err = srv.Client().Do(out)
	require.NoError(t, err)
	res.Body.Close()
	require.Equal(t, 405, res.StatusCode)
}
