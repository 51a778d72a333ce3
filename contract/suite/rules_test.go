package suite

import (
	"net/http"
	"testing"

	"github.com/addons-contract/contract/contract"
	"github.com/addons-contract/contract/fixtures"
	"github.com/addons-contract/contract/gen"
	"github.com/addons-contract/contract/mock"
	"github.com/addons-contract/contract/spec"
	"github.com/stretchr/testify/require"
)

// suiteOf is the suite of seed 1 for fx with nValid and nInvalid
// generated cases.
func suiteOf(t *testing.T, fx fixtures.Fixtures, nValid, nInvalid int) (*spec.Operation, *contract.Suite) {
	t.Helper()
	doc, err := spec.Default()
	require.NoError(t, err)
	op, err := doc.Operation(spec.AddonsOperationID)
	require.NoError(t, err)
	g, err := gen.New(op, gen.Options{})
	require.NoError(t, err)
	s, err := Build(op, fx, g, 1, nValid, nInvalid)
	require.NoError(t, err)
	return op, s
}

// ruleSuite is the default suite's scenarios for fx, by id.
func ruleSuite(t *testing.T, fx fixtures.Fixtures) (*spec.Operation, map[string]*contract.Case, []*contract.Case) {
	t.Helper()
	op, s := suiteOf(t, fx, 1, 1)
	byID := map[string]*contract.Case{}
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
	row := func(r string) contract.Expect { return contract.Expect{Row: r} }
	tests := []struct {
		id     string
		want   contract.Expect
		reason string
	}{
		{"rules/size/before-token", row(spec.RowBodyTooLarge), "413 answers whatever else is wrong: before the token check"},
		{"rules/size/before-account", row(spec.RowBodyTooLarge), "before the account check"},
		{"rules/size/before-media-type", row(spec.RowBodyTooLarge), "before the Content-Type check"},
		{"rules/size/before-body", row(spec.RowBodyTooLarge), "before the body check"},
		{"rules/media-type/charset-parameter", row(spec.RowSelfPay), "a charset parameter leaves the media type application/json: the self_pay row proves the media check passed"},
		{"rules/media-type/other-case", row(spec.RowSelfPay), "media types compare case-insensitively"},
		{"rules/path/percent-encoded-id", contract.Expect{Status: 404, Code: 2001}, "the decoded id names no sub account: account_missing, not the route's 404/404"},
		{"rules/path/query-string", contract.Expect{Status: 404, Code: 2001}, "a query string is no part of the route"},
		{"rules/path/trailing-slash", contract.Expect{Open: true}, "left open: another path or the same route"},
		{"rules/path/encoded-slash-in-id", contract.Expect{Open: true}, "left open: one segment or two"},
		{"rules/method/head", contract.Expect{Status: http.StatusMethodNotAllowed}, "HEAD is another method on the path"},
		{"rules/method/options", contract.Expect{Status: http.StatusMethodNotAllowed}, "OPTIONS is another method on the path"},
		{"rules/edge/base-plan-as-add-on", row(spec.RowInvalidBody), "the base plan yearly is no add-on"},
		{"rules/edge/hosts-over-maximum", row(spec.RowInvalidBody), "hosts maximum 2147483647"},
		{"rules/dates/not-a-real-day", row(spec.RowInvalidBody), "format date is a real calendar day"},
		{"rules/dates/wrong-format", row(spec.RowInvalidBody), "format date is YYYY-MM-DD"},
		{"rules/dates/phone-form-has-no-dates", row(spec.RowInvalidBody), "the phone form has no date fields"},
		{"rules/dates/leap-day-added", contract.Expect{}, "a leap day is a real day: added, judged from the plan model"},
		{"rules/rate-limit/over-limit", contract.Expect{Row: spec.RowRateLimited, LimitProbe: true}, "one request over the mock's limit"},
	}
	for _, tt := range tests {
		t.Run(tt.id, func(t *testing.T) {
			c, ok := byID[tt.id]
			require.True(t, ok, "the default suite has %s", tt.id)
			require.Equal(t, tt.want, c.Expect, tt.reason)
			require.Equal(t, contract.KindScenario, c.Kind)
		})
	}
	leap := byID["rules/dates/leap-day-added"]
	require.True(t, leap.Writes && leap.Stateful, "the leap-day add writes and is predicted by the plan model")
	require.Len(t, byID["rules/size/before-token"].Req.Body, maxBody+1, "one byte over 1 MiB")
	require.Equal(t, contract.TokenNone, byID["rules/size/before-token"].Req.Token)
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
		if c.Req.Token == contract.TokenUnknownUser && len(c.Req.Body) <= maxBody {
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
