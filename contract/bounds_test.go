package contract

import (
	"context"
	"errors"
	"fmt"
	"github.com/addons-contract/contract/contract/target"
	"net/http"
	"strings"
	"testing"

	"github.com/addons-contract/contract/fixtures"
	"github.com/addons-contract/contract/mock"
	"github.com/addons-contract/contract/spec"
	"github.com/stretchr/testify/require"
)

// The depth scan counts arrays and objects inside one another, whatever
// the bytes around them, and never counts brackets inside strings.
func TestJSONTooDeep(t *testing.T) {
	tests := []struct {
		name, reason string
		body         string
		max          int
		want         bool
	}{
		{"flat", "a 201 is a few levels deep", `{"plan_webinar":[{"type":"zwb_monthly","hosts":1}]}`, 3, false},
		{"at the limit", "max levels are allowed", strings.Repeat("[", 64) + strings.Repeat("]", 64), 64, false},
		{"over the limit", "one more is not", strings.Repeat("[", 65) + strings.Repeat("]", 65), 64, true},
		{"mixed", "objects and arrays count alike", `{"a":[{"b":[{}]}]}`, 4, true},
		{"siblings", "depth is nesting, not the number of containers", strings.Repeat(`[],{},`, 1000), 1, false},
		{"in a string", "brackets inside strings are text", `["` + strings.Repeat("[{", 100) + `"]`, 1, false},
		{"escaped quote", "an escaped quote does not end the string", `["\"[[[[", 1]`, 1, false},
		{"escaped backslash", "a string ending in a backslash does end", `["\\", [[1]]]`, 2, true},
		{"unclosed", "invalid JSON is scanned all the same", strings.Repeat("{", 70), 64, true},
		{"not JSON", "text with few brackets is not deep", "<html>{ok}</html>", 64, false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			require.Equal(t, tc.want, jsonTooDeep([]byte(tc.body), tc.max), tc.reason)
		})
	}
	_, ok := decodeJSON([]byte(strings.Repeat("[", 100_000) + strings.Repeat("]", 100_000)))
	require.False(t, ok, "decodeJSON refuses a body nested deeper than maxJSONDepth")
}

// A run of alike failures aborts only when it is long and the requests
// asked for different answers; any answer that is not broken ends it.
func TestAlikeRun(t *testing.T) {
	reset := errors.New(`read tcp 127.0.0.1:50000->127.0.0.1:8080: read: connection reset by peer`)
	exchange := func(i int, row string, err error, status int) *Exchange {
		if err != nil && !refused(err) {
			// Another client port each time, as a real reset would show.
			err = errors.New(strings.Replace(err.Error(), "50000", strings.Repeat("1", 1+i%5), 1))
		}
		return &Exchange{Case: &Case{Expect: Expect{Row: row}}, Err: err, Status: status}
	}
	rows := []string{"self_pay", "free_plan", "invalid_body", "account_missing"}
	tests := []struct {
		name, reason string
		ex           func(i int) *Exchange
		abortAt      int // 1-based request that aborts; 0 = none within 3*maxSameFailures
	}{
		{"resets", "every request reset, whatever it asked", func(i int) *Exchange { return exchange(i, rows[i%4], reset, 0) }, maxSameFailures},
		{"huge answers", "every answer refused as too large", func(i int) *Exchange { return exchange(i, rows[i%4], ErrAnswerTooLarge, 201) }, maxSameFailures},
		{"5xx", "every answer a 500 or a 503", func(i int) *Exchange { return exchange(i, rows[i%4], nil, 500+3*(i%2)) }, maxSameFailures},
		{"one kind", "a server that breaks only what expects a 201 is being found out, not broken", func(i int) *Exchange { return exchange(i, "", reset, 0) }, 0},
		{"two kinds", "two different answers asked are not yet whatever was asked", func(i int) *Exchange { return exchange(i, rows[i%2], reset, 0) }, 0},
		{"interrupted", "a good answer every 10 requests starts the count again", func(i int) *Exchange {
			if i%10 == 9 {
				return exchange(i, rows[i%4], nil, 400)
			}
			return exchange(i, rows[i%4], reset, 0)
		}, 0},
		{"two ways", "failing two ways in turn is not failing alike", func(i int) *Exchange {
			if i%2 == 0 {
				return exchange(i, rows[i%4], ErrAnswerTooDeep, 201)
			}
			return exchange(i, rows[i%4], reset, 0)
		}, 0},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var a alikeRun
			got := 0
			for i := 0; i < 3*maxSameFailures && got == 0; i++ {
				if a.note(tc.ex(i)) != "" {
					got = i + 1
				}
			}
			require.Equal(t, tc.abortAt, got, tc.reason)
		})
	}
}

// testConfig is a small suite against the embedded mock with fault.
func testConfig(t *testing.T, fault string) Config {
	t.Helper()
	doc, err := spec.Default()
	require.NoError(t, err)
	op, err := doc.Operation(spec.AddonsOperationID)
	require.NoError(t, err)
	v, err := doc.Validator()
	require.NoError(t, err)
	fx := fixtures.Default()
	tg, err := target.Embedded(func() (http.Handler, error) {
		return mock.New(mock.Config{Doc: doc, Fixtures: &fx, Fault: fault})
	})
	require.NoError(t, err)
	return Config{Op: op, Validator: v, Fixtures: fx, Target: tg, Seed: 7, Valid: 12, Invalid: 26, Sequences: 4, Steps: 8}
}

// runSuite runs cfg's default suite on r, as Run does, and returns the
// result.
func runSuite(t *testing.T, r *runner) *Result {
	t.Helper()
	s, err := BuildSuite(r.cfg.Op, r.cfg.Fixtures, r.gen, r.cfg.Seed, r.cfg.Valid, r.cfg.Invalid)
	require.NoError(t, err)
	res, _, err := r.run(context.Background(), s.Scenarios, s.Cases, true)
	require.NoError(t, err)
	return res
}

// A run keeps the answer of an exchange only while a finding shows it:
// every finding's example has its body, every other judged exchange has
// dropped it. Judge's exchanges keep theirs for the caller.
func TestRunKeepsOnlyTheAnswersFindingsShow(t *testing.T) {
	r, err := newRunner(testConfig(t, "wrong-error-code"))
	require.NoError(t, err)
	res := runSuite(t, r)
	require.NotEmpty(t, res.Findings)
	examples := map[*Exchange]bool{}
	for _, f := range res.Findings {
		examples[f.Example] = true
		require.NotEmpty(t, f.Example.Body, "the example of [%s] %s shows its answer", f.Check, f.Row)
		require.NotNil(t, f.Example.Header)
	}
	var kept, dropped int
	for _, rec := range r.records {
		if examples[rec.ex] {
			kept++
			continue
		}
		require.Nil(t, rec.ex.Body, "%s is no finding's example", rec.ex.Case.ID)
		require.Nil(t, rec.ex.Header, "%s is no finding's example", rec.ex.Case.ID)
		dropped++
	}
	require.Positive(t, kept)
	require.Greater(t, dropped, 100)

	// Dropping changes nothing of the result: the same run keeping every
	// answer finds and covers the same.
	keeper, err := newRunner(testConfig(t, "wrong-error-code"))
	require.NoError(t, err)
	keeper.keepAnswers = true
	all := runSuite(t, keeper)
	require.Equal(t, all.Coverage, res.Coverage)
	require.Equal(t, findingKeys(all), findingKeys(res))
	for _, rec := range keeper.records {
		if rec.ex.Err == nil {
			require.NotNil(t, rec.ex.Header, "%s keeps its answer", rec.ex.Case.ID)
		}
	}
}

// findingKeys is each finding's check, row, count, example and detail.
func findingKeys(res *Result) []string {
	var out []string
	for _, f := range res.Findings {
		out = append(out, fmt.Sprintf("[%s] %s x%d %s: %s", f.Check, f.Row, f.Count, f.CaseID, f.Failure.Detail))
	}
	return out
}

// Shrinking spends the run's resend budget, not only each finding's: once
// it is spent, nothing more is resent, and findings keep their examples
// unshrunk.
func TestShrinkingStopsWhenResendsAreSpent(t *testing.T) {
	cfg := testConfig(t, "accept-unknown-property")
	cfg.Shrink = true
	shrunk := func(res *Result) bool {
		for _, f := range res.Findings {
			if f.Shrunk != nil {
				return true
			}
		}
		return false
	}

	r, err := newRunner(cfg)
	require.NoError(t, err)
	res := runSuite(t, r)
	require.True(t, shrunk(res), "with budget left, the invalid-rejected example shrinks")
	require.Positive(t, r.resends.Load())
	require.Greater(t, res.Sent, len(r.records), "shrinking resent requests")

	r, err = newRunner(cfg)
	require.NoError(t, err)
	r.resends.Store(maxResends)
	res = runSuite(t, r)
	require.False(t, shrunk(res), "no budget, no shrinking")
	require.Equal(t, int64(maxResends), r.resends.Load())
	require.Equal(t, len(r.records), res.Sent, "every request sent is a case of the run, none a resend")
}
