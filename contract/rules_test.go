package contract

import (
	"net/http"
	"testing"

	"github.com/addons-contract/contract/fixtures"
	"github.com/addons-contract/contract/gen"
	"github.com/addons-contract/contract/golden"
	"github.com/addons-contract/contract/mock"
	"github.com/addons-contract/contract/spec"
	"github.com/stretchr/testify/require"
)

// suiteOf is the suite of seed 1 for fx with nValid and nInvalid
// generated cases.
func suiteOf(t *testing.T, fx fixtures.Fixtures, nValid, nInvalid int) (*spec.Operation, *Suite) {
	t.Helper()
	doc, err := spec.Default()
	require.NoError(t, err)
	op, err := doc.Operation(spec.AddonsOperationID)
	require.NoError(t, err)
	g, err := gen.New(op, gen.Options{})
	require.NoError(t, err)
	s, err := BuildSuite(op, fx, g, 1, nValid, nInvalid)
	require.NoError(t, err)
	return op, s
}

// ruleSuite is the default suite's scenarios for fx, by id.
func ruleSuite(t *testing.T, fx fixtures.Fixtures) (*spec.Operation, map[string]*Case, []*Case) {
	t.Helper()
	op, s := suiteOf(t, fx, 1, 1)
	byID := map[string]*Case{}
	for _, c := range s.Scenarios {
		byID[c.ID] = c
	}
	return op, byID, s.Scenarios
}

// Every rule scenario expects what the spec says, not what the mock does:
// the row (or status and code) a correct server must answer, or nothing
// at all where the spec leaves the answer open (x-left-open).
func TestRuleScenariosExpectTheSpec(t *testing.T) {
	_, byID, _ := ruleSuite(t, fixtures.Default())
	row := func(r string) Expect { return Expect{Row: r} }
	tests := []struct {
		id     string
		want   Expect
		reason string
	}{
		{"rules/size/before-token", row(spec.RowBodyTooLarge), "413 answers whatever else is wrong: before the token check"},
		{"rules/size/before-account", row(spec.RowBodyTooLarge), "before the account check"},
		{"rules/size/before-media-type", row(spec.RowBodyTooLarge), "before the Content-Type check"},
		{"rules/size/before-body", row(spec.RowBodyTooLarge), "before the body check"},
		{"rules/media-type/charset-parameter", row(spec.RowSelfPay), "a charset parameter leaves the media type application/json: the self_pay row proves the media check passed"},
		{"rules/media-type/other-case", row(spec.RowSelfPay), "media types compare case-insensitively"},
		{"rules/path/percent-encoded-id", Expect{Status: 404, Code: 2001}, "the decoded id names no sub account: account_missing, not the route's 404/404"},
		{"rules/path/query-string", Expect{Status: 404, Code: 2001}, "a query string is no part of the route"},
		{"rules/path/trailing-slash", Expect{Open: true}, "left open: another path or the same route"},
		{"rules/path/encoded-slash-in-id", Expect{Open: true}, "left open: one segment or two"},
		{"rules/method/head", Expect{Status: http.StatusMethodNotAllowed}, "HEAD is another method on the path"},
		{"rules/method/options", Expect{Status: http.StatusMethodNotAllowed}, "OPTIONS is another method on the path"},
		{"rules/edge/base-plan-as-add-on", row(spec.RowInvalidBody), "the base plan yearly is no add-on"},
		{"rules/edge/hosts-over-maximum", row(spec.RowInvalidBody), "hosts maximum 2147483647"},
		{"rules/dates/not-a-real-day", row(spec.RowInvalidBody), "format date is a real calendar day"},
		{"rules/dates/wrong-format", row(spec.RowInvalidBody), "format date is YYYY-MM-DD"},
		{"rules/dates/phone-form-has-no-dates", row(spec.RowInvalidBody), "the phone form has no date fields"},
		{"rules/dates/leap-day-added", Expect{}, "a leap day is a real day: added, judged from the plan model"},
		{"rules/rate-limit/over-limit", Expect{Row: spec.RowRateLimited, LimitProbe: true}, "one request over the mock's limit"},
	}
	for _, tt := range tests {
		t.Run(tt.id, func(t *testing.T) {
			c, ok := byID[tt.id]
			require.True(t, ok, "the default suite has %s", tt.id)
			require.Equal(t, tt.want, c.Expect, tt.reason)
			require.Equal(t, KindScenario, c.Kind)
		})
	}
	leap := byID["rules/dates/leap-day-added"]
	require.True(t, leap.Writes && leap.Stateful, "the leap-day add writes and is predicted by the plan model")
	require.Len(t, byID["rules/size/before-token"].Req.Body, maxBody+1, "one byte over 1 MiB")
	require.Equal(t, TokenNone, byID["rules/size/before-token"].Req.Token)
	require.Equal(t, "Application/JSON", byID["rules/media-type/other-case"].Req.ContentType)
	require.Equal(t, "/accounts/sub-missing-9999%20%C3%A9/plans/addons", byID["rules/path/percent-encoded-id"].Req.Path)
	require.Equal(t, `{"type":"webinar500_monthly","hosts":2147483648}`, string(byID["rules/edge/hosts-over-maximum"].Req.Body))
}

// The rate-limit scenario is the mock's alone: it fills the unknown_user
// token's window exactly (the requests the suite sent before count), ends
// with one request over it, and is never built for other fixtures, so a
// run against staging never provokes its limit.
func TestRateLimitScenarioOnlyForTheMock(t *testing.T) {
	require.Equal(t, mock.DefaultUnknownUserLimit, mockUnknownUserLimit, "the suite counts to the mock's limit")

	_, _, scenarios := ruleSuite(t, fixtures.Default())
	used, last := 0, -1
	for i, c := range scenarios {
		if c.Req.Token == TokenUnknownUser && len(c.Req.Body) <= maxBody {
			used++
			if c.Expect.Row == spec.RowRateLimited {
				last = i
				require.Equal(t, mockUnknownUserLimit+1, used, "the over-limit request is the first one past the limit")
			}
		}
	}
	require.Equal(t, len(scenarios)-1, last, "the over-limit request is the last scenario: nothing the suite judges comes after it on that token")

	other := fixtures.Default()
	other.Tokens.UnknownUser = "staging-gone-user"
	_, _, scenarios = ruleSuite(t, other)
	for _, c := range scenarios {
		require.NotEqual(t, spec.RowRateLimited, c.Expect.Row, "%s: no rate-limit case for fixtures other than the mock's", c.ID)
	}
}

// A case the contract leaves open is sent but never judged: against a
// server answering it with any documented status, in any shape, no check
// fires (no-server-error still holds every answer to no 5xx).
func TestOpenCasesAreNeverJudged(t *testing.T) {
	op, _, scenarios := ruleSuite(t, fixtures.Default())
	doc, err := spec.Default()
	require.NoError(t, err)
	v, err := doc.Validator()
	require.NoError(t, err)
	set := golden.Open(t.TempDir()) // empty: golden would report every file missing
	var open []*Case
	for _, c := range scenarios {
		if c.Expect.Open {
			open = append(open, c)
		}
	}
	require.Len(t, open, 2, "the trailing slash and the encoded slash")
	answers := []struct {
		ct, body, reason string
	}{
		{"application/json", `{"code":404}`, "the route's own 404 body"},
		{"application/json", `{"code":300,"message":"x"}`, "an error body"},
		{"text/html", `<h1>moved</h1>`, "an HTML page"},
		{"", ``, "no body at all"},
	}
	for _, c := range open {
		var checks []Check // every check, golden with a set
		for _, c := range AllChecks() {
			if c.ID() == CheckGolden {
				c = Golden(&set, nil, false)
			}
			checks = append(checks, c)
		}
		for _, r := range op.Responses {
			if r.Status == 0 {
				continue
			}
			for _, a := range answers {
				h := http.Header{}
				if a.ct != "" {
					h.Set("Content-Type", a.ct)
				}
				if r.Status == http.StatusTooManyRequests {
					h.Set("Retry-After", "x") // even a broken 429 is not judged here
				}
				ex := &Exchange{Case: c, Method: http.MethodPost, Status: r.Status, Header: h, Body: []byte(a.body)}
				j := &Judgement{Op: op, Validator: v, Fixtures: fixtures.Default(), Case: c, Exchange: ex,
					AccountID: fixtures.Default().Accounts.Missing}
				applied, fails := applyChecks(checks, j)
				require.Empty(t, fails, "%s answered %d with %s: the contract leaves it open", c.ID, r.Status, a.reason)
				require.Equal(t, []string{CheckNoServerError}, applied, "%s: only no-server-error judges an open case", c.ID)
			}
		}
	}
}

// valid-accepted holds a 201 to the rules of its body: a place without a
// hosts field drops the hosts sent, and rooms_base keeps its Zoom Rooms
// base plan.
func TestValidAcceptedPlaceRules(t *testing.T) {
	doc, err := spec.Default()
	require.NoError(t, err)
	op, err := doc.Operation(spec.AddonsOperationID)
	require.NoError(t, err)
	rooms := `"plan_zoom_rooms":{"type":"zroom_base_annual","hosts":10}`
	tests := []struct {
		name, account string
		add           Add
		body          string
		failRow       string // "" = passes
		reason        string
	}{
		{"audio without hosts", AccountPaid, Add{"tollfree_payongo", 5}, `{"plan_audio":{"type":"tollfree_payongo"}}`, "", "plan_audio has no hosts field"},
		{"audio with hosts", AccountPaid, Add{"tollfree_payongo", 5}, `{"plan_audio":{"type":"tollfree_payongo","hosts":5}}`, "created:hosts-dropped", "places without hosts drop it"},
		{"package with hosts", AccountPaid, Add{"zccp_monthly", 5}, `{"plan_zcc":{"plan_package":{"type":"zccp_monthly","hosts":5}}}`, "created:hosts-dropped", "CalloutPlan has no hosts"},
		{"recording string", AccountPaid, Add{"cmr_monthly_commitment_40", 5}, `{"plan_recording":"cmr_monthly_commitment_40"}`, "", "a string place cannot carry hosts"},
		{"hosts place", AccountPaid, Add{"zwb_monthly", 5}, `{"plan_whiteboard":{"type":"zwb_monthly","hosts":5}}`, "", "a place with hosts echoes them"},
		{"rooms base kept", AccountRoomsBase, Add{"zwb_monthly", 5}, `{"plan_whiteboard":{"type":"zwb_monthly","hosts":5},` + rooms + `}`, "", "rooms_base shows its base plan"},
		{"rooms base dropped", AccountRoomsBase, Add{"zwb_monthly", 5}, `{"plan_whiteboard":{"type":"zwb_monthly","hosts":5}}`, "created:rooms-base", "the 201 is the whole set: the base plan stays"},
		{"rooms base replaced by add-on", AccountRoomsBase, Add{"zwb_monthly", 5}, `{"plan_whiteboard":{"type":"zwb_monthly","hosts":5},"plan_zoom_rooms":{"type":"zroom_monthly","hosts":1}}`, "created:rooms-base", "the base plan's type is not the add-on"},
		{"other account", AccountPaid, Add{"zwb_monthly", 5}, `{"plan_whiteboard":{"type":"zwb_monthly","hosts":5}}`, "", "only rooms_base promises a Zoom Rooms base plan"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := &Case{Kind: KindScenario, Req: Request{Account: tt.account}, Expect: Expect{Plans: []Add{tt.add}}}
			ex := &Exchange{Case: c, Status: 201, Header: http.Header{"Content-Type": {"application/json"}}, Body: []byte(tt.body)}
			fails := validAccepted{}.Judge(&Judgement{Op: op, Case: c, Exchange: ex})
			var rows []string
			for _, f := range fails {
				rows = append(rows, f.Row)
			}
			if tt.failRow == "" {
				require.Empty(t, rows, tt.reason)
			} else {
				require.Equal(t, []string{tt.failRow}, rows, tt.reason)
			}
		})
	}
}
