package runner_test

import (
	"fmt"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/addons-contract/contract/contract"
	"github.com/addons-contract/contract/contract/runner"
	"github.com/addons-contract/contract/contract/suite"
)

// testConfig is a small suite against the embedded mock with fault.
func testConfig(t *testing.T, fault string) runner.Config {
	t.Helper()
	return smallConfig(t, mockTarget(t, fault, 0))
}

// runSuite runs cfg's default suite on r, as Run does, and returns the
// result.
func runSuite(t *testing.T, r *runner.TestRunner, cfg runner.Config) *contract.Result {
	t.Helper()
	s, err := suite.For(cfg)
	require.NoError(t, err)
	res, err := r.Run(s)
	require.NoError(t, err)
	return res
}

// A run keeps the answer of an exchange only while a finding shows it:
// every finding's example has its body, every other judged exchange has
// dropped it. Judge's exchanges keep theirs for the caller.
func TestRunKeepsOnlyTheAnswersFindingsShow(t *testing.T) {
	cfg := testConfig(t, "wrong-error-code")
	r, err := runner.NewTestRunner(cfg)
	require.NoError(t, err)
	res := runSuite(t, r, cfg)
	require.NotEmpty(t, res.Findings)
	examples := map[*contract.Exchange]bool{}
	for _, f := range res.Findings {
		examples[f.Example] = true
		require.NotEmpty(t, f.Example.Body, "the example of [%s] %s shows its answer", f.Check, f.Row)
		require.NotNil(t, f.Example.Header)
	}
	var kept, dropped int
	for _, ex := range r.Exchanges() {
		if examples[ex] {
			kept++
			continue
		}
		require.Nil(t, ex.Body, "%s is no finding's example", ex.Case.ID)
		require.Nil(t, ex.Header, "%s is no finding's example", ex.Case.ID)
		dropped++
	}
	require.Positive(t, kept)
	require.Greater(t, dropped, 100)

	// Dropping changes nothing of the result: the same run keeping every
	// answer finds and covers the same.
	keeper, err := runner.NewTestRunner(cfg)
	require.NoError(t, err)
	keeper.KeepAnswers()
	all := runSuite(t, keeper, cfg)
	require.Equal(t, all.Coverage, res.Coverage)
	require.Equal(t, findingKeys(all), findingKeys(res))
	for _, ex := range keeper.Exchanges() {
		if ex.Err == nil {
			require.NotNil(t, ex.Header, "%s keeps its answer", ex.Case.ID)
		}
	}
}

// findingKeys is each finding's check, row, count, example and detail.
func findingKeys(res *contract.Result) []string {
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
	shrunk := func(res *contract.Result) bool {
		for _, f := range res.Findings {
			if f.Shrunk != nil {
				return true
			}
		}
		return false
	}

	r, err := runner.NewTestRunner(cfg)
	require.NoError(t, err)
	res := runSuite(t, r, cfg)
	require.True(t, shrunk(res), "with budget left, the invalid-rejected example shrinks")
	require.Positive(t, r.Resends())
	require.Greater(t, res.Sent, len(r.Exchanges()), "shrinking resent requests")

	r, err = runner.NewTestRunner(cfg)
	require.NoError(t, err)
	r.SpendResends()
	res = runSuite(t, r, cfg)
	require.False(t, shrunk(res), "no budget, no shrinking")
	require.Equal(t, int64(runner.MaxResends), r.Resends())
	require.Equal(t, len(r.Exchanges()), res.Sent, "every request sent is a case of the run, none a resend")
}
