package runner_test

import (
	"context"
	"testing"
	"time"

	"github.com/addons-contract/contract/contract/runner"
	"github.com/addons-contract/contract/contract/suite"
	"github.com/addons-contract/contract/contract/target"

	"github.com/addons-contract/contract/contract"
	"github.com/addons-contract/contract/internal/contracttest"
	"github.com/addons-contract/contract/spec"
)

// Short names for the shared test helpers (package contracttest).
func addons(t testing.TB) (*spec.Document, *spec.Operation, *spec.Validator) {
	t.Helper()
	return contracttest.Addons(t)
}

func mockTarget(t testing.TB, fault string, slowBy time.Duration) target.Target {
	t.Helper()
	return contracttest.MockTarget(t, fault, slowBy)
}

func smallConfig(t testing.TB, tg target.Target) runner.Config {
	t.Helper()
	return contracttest.SmallConfig(t, tg)
}

func run(t testing.TB, cfg runner.Config) *contract.Result {
	t.Helper()
	return contracttest.Run(t, cfg)
}

var (
	findingLines = contracttest.FindingLines
	checksFound  = contracttest.ChecksFound
)

// runWith runs cfg's default suite with ctx: Run's result and error.
func runWith(ctx context.Context, cfg runner.Config) (*contract.Result, error) {
	s, err := suite.For(cfg)
	if err != nil {
		return nil, err
	}
	return runner.Run(ctx, cfg, s)
}
