// Package contracttest provides what tests of the runner and of the
// packages around it share: the embedded spec, the mock as a target (with
// a fault), a small suite's config and a run that fails the test on error.
package contracttest

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/addons-contract/contract/contract/runner"
	"github.com/addons-contract/contract/contract/suite"
	"github.com/addons-contract/contract/contract/target"

	"github.com/addons-contract/contract/contract"
	"github.com/addons-contract/contract/fixtures"
	"github.com/addons-contract/contract/mock"
	"github.com/addons-contract/contract/spec"
	"github.com/stretchr/testify/require"
)

var (
	specOnce sync.Once
	specDoc  *spec.Document
	specErr  error
)

// Addons returns the embedded spec, its operation and validator, loaded once.
func Addons(t testing.TB) (*spec.Document, *spec.Operation, *spec.Validator) {
	t.Helper()
	specOnce.Do(func() { specDoc, specErr = spec.Default() })
	require.NoError(t, specErr)
	op, err := specDoc.Operation(spec.AddonsOperationID)
	require.NoError(t, err)
	v, err := specDoc.Validator()
	require.NoError(t, err)
	return specDoc, op, v
}

// MockTarget is the embedded mock, started with fault ("" for none) and
// answering slowBy late.
func MockTarget(t testing.TB, fault string, slowBy time.Duration) target.Target {
	t.Helper()
	doc, _, _ := Addons(t)
	fx := fixtures.Default()
	tg, err := target.Embedded(func() (http.Handler, error) {
		return mock.New(mock.Config{Doc: doc, Fixtures: &fx, Fault: fault, SlowBy: slowBy})
	})
	require.NoError(t, err)
	return tg
}

// SmallConfig is a quick suite against tg: every scenario, a few generated
// cases of each kind and a few sequences, every check but golden, within the
// default response-time budget.
func SmallConfig(t testing.TB, tg target.Target) runner.Config {
	t.Helper()
	_, op, v := Addons(t)
	return runner.Config{
		Op: op, Validator: v, Fixtures: fixtures.Default(), Target: tg, Seed: 7,
		Valid: 12, Invalid: 26, Sequences: 4, Steps: 8,
		With: []contract.Check{contract.ResponseTime(runner.DefaultMaxResponseTime)},
	}
}

// Run runs cfg's default suite and fails the test on a run error.
func Run(t testing.TB, cfg runner.Config) *contract.Result {
	t.Helper()
	s, err := suite.For(cfg)
	require.NoError(t, err)
	res, err := runner.Run(context.Background(), cfg, s)
	require.NoError(t, err)
	return res
}

// FindingLines is one line per finding, for failure messages.
func FindingLines(res *contract.Result) string {
	var b strings.Builder
	for _, f := range res.Findings {
		fmt.Fprintf(&b, "  [%s] %s x%d: %s\n", f.Check, f.Row, f.Count, f.Failure.Detail)
	}
	return b.String()
}

// ChecksFound is the set of checks with findings.
func ChecksFound(res *contract.Result) map[string]bool {
	m := map[string]bool{}
	for _, f := range res.Findings {
		m[f.Check] = true
	}
	return m
}
