package runner

import (
	"context"

	"github.com/addons-contract/contract/contract"
)

// The external tests (package runner_test) build suites with package
// suite, which imports this package; these hooks let them look inside the
// runner that sends one.

// MaxResends is the run's budget of resends for shrinking.
const MaxResends = maxResends

// TestRunner is a runner the tests look inside.
type TestRunner struct{ r *runner }

// NewTestRunner is the runner Run would make of cfg.
func NewTestRunner(cfg Config) (*TestRunner, error) {
	r, err := newRunner(cfg)
	return &TestRunner{r}, err
}

// KeepAnswers makes the runner keep every answer, as Judge's does.
func (t *TestRunner) KeepAnswers() { t.r.keepAnswers = true }

// SpendResends leaves the runner no resends for shrinking.
func (t *TestRunner) SpendResends() { t.r.resends.Store(maxResends) }

// Resends is how many requests the runner resent shrinking.
func (t *TestRunner) Resends() int64 { return t.r.resends.Load() }

// Run sends s as Run does (unsharded) and returns the result.
func (t *TestRunner) Run(s *contract.Suite) (*contract.Result, error) {
	res, _, err := t.r.run(context.Background(), s.Scenarios, s.Cases, true)
	return res, err
}

// Exchanges are the exchanges the run recorded, one per case sent.
func (t *TestRunner) Exchanges() []*contract.Exchange {
	var out []*contract.Exchange
	for _, rec := range t.r.records {
		out = append(out, rec.ex)
	}
	return out
}
