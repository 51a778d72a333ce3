package runner

import (
	"github.com/addons-contract/contract/contract"
	"github.com/addons-contract/contract/contract/target"
	"github.com/addons-contract/contract/fixtures"
	"github.com/addons-contract/contract/golden"
	"github.com/addons-contract/contract/spec"
)

// DefaultConfig is the run `contract run` makes when given no flag but the
// seed: the default suite (DefaultValid valid bodies, DefaultInvalid
// invalid cases, DefaultSequences sequences), every check within the
// target's Budget, findings shrunk, and against the embedded
// mock its committed golden set. The fault matrix runs exactly this, so what
// the tool is proven to catch is what users run.
func DefaultConfig(op *spec.Operation, v *spec.Validator, fx fixtures.Fixtures, tg target.Target, seed int64) Config {
	cfg := Config{
		Op: op, Validator: v, Fixtures: fx, Target: tg, Seed: seed,
		Valid: DefaultValid, Invalid: DefaultInvalid, Sequences: DefaultSequences, Steps: DefaultSteps,
		Workers: DefaultWorkers, Timeout: DefaultTimeout, Shrink: true,
		With: []contract.Check{contract.ResponseTime(Budget(tg))},
	}
	if tg.Embedded {
		set := golden.Default()
		cfg.With = append(cfg.With, contract.Golden(&set, nil, false))
	}
	return cfg
}
