package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/addons-contract/contract/contract"
	"github.com/addons-contract/contract/contract/runner"
	"github.com/addons-contract/contract/contract/suite"
	"github.com/addons-contract/contract/contract/target"
	"github.com/addons-contract/contract/golden"
	"github.com/addons-contract/contract/spec"
)

func init() {
	register(command{
		name:    "run",
		summary: "run the contract suite against the embedded mock or a -target URL",
		flags:   func(fs *flag.FlagSet) { defineRunFlags(fs) },
		run:     runSuite,
	})
}

// modulePath is this module's path, to find its root for -update.
const modulePath = "github.com/addons-contract/contract"

// runFlags are the flags of run.
type runFlags struct {
	targetFlags
	seed                           int64
	patience, maxRT                time.Duration
	maxReq, nValid, nInvalid, nSeq int
	listChecks, update, requireCov bool
	failFast                       bool
	save                           string
	shard                          contract.Shard
	given                          map[string]bool // on the command line or in -config
}

func defineRunFlags(fs *flag.FlagSet) *runFlags {
	o := &runFlags{}
	o.targetFlags.define(fs)
	fs.Int64Var(&o.seed, "seed", 0, "seed of the generated cases; the same seed sends the same cases (default: time-based, printed)")
	fs.DurationVar(&o.patience, "rate-limit-patience", target.DefaultRatePatience, "how long to wait out a target that answers only 429 (or asks for a longer Retry-After) before the run ends, exit 3")
	fs.DurationVar(&o.maxRT, "max-response-time", 0, fmt.Sprintf("response-time budget; slower answers are findings (default %v for the mock, embedded or on loopback, %v for any other target; -1s = none)", runner.DefaultMaxResponseTime, runner.DefaultRemoteMaxResponseTime))
	fs.IntVar(&o.maxReq, "max-requests", 0, "stop after this many requests (0 = no cap)")
	fs.BoolVar(&o.listChecks, "list-checks", false, "list the check ids and exit")
	fs.BoolVar(&o.update, "update", false, "rewrite the golden files from this run's answers")
	fs.BoolVar(&o.requireCov, "require-coverage", false, "INCONCLUSIVE (exit 1) unless the run observed what a PASS claims: a 201 (with writes), every error row a case expected, few unjudged cases (default: on with -target)")
	fs.IntVar(&o.nValid, "valid", runner.DefaultValid, "generated valid bodies (each sent to 4 accounts or tokens)")
	fs.IntVar(&o.nInvalid, "invalid", runner.DefaultInvalid, "generated invalid cases")
	fs.IntVar(&o.nSeq, "sequences", runner.DefaultSequences, "stateful sequences")
	fs.StringVar(&o.save, "save", "", "write each finding as a corpus entry in this directory, to replay with 'contract replay DIR'")
	fs.BoolVar(&o.failFast, "fail-fast", false, "stop sending at the first finding (it is still shrunk and reported)")
	fs.Var(shardFlag{&o.shard}, "shard", "send part `k/n` of the suite (needs -seed; 'contract merge' joins the n shards' -json reports)")
	return o
}

func runSuite(ctx context.Context, e *env, args []string) error {
	fs := newFlags(e, "run", "[-target URL -fixtures FILE [-allow-writes]] [flags]")
	o := defineRunFlags(fs)
	if err := parseWithConfig(fs, args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return usageError("unexpected argument %q (see 'contract run -h')", fs.Arg(0))
	}
	if o.listChecks {
		for _, c := range contract.AllChecks() {
			fmt.Fprintf(e.stdout, "%-19s %s\n", c.ID(), c.Doc())
		}
		return nil
	}
	if err := o.resolve(fs); err != nil {
		return err
	}
	s, err := o.loadRun(ctx)
	if err != nil {
		return err
	}
	gs, err := goldenSet(s.target, o.golden, o.update)
	if err != nil {
		return err
	}
	cfg := o.config(e, s, gs)
	all, err := suite.For(cfg)
	if err != nil {
		return err
	}
	res, err := runner.Run(ctx, cfg, all)
	if err != nil {
		return o.sendFailed(err, res)
	}
	// Written before the exit code is decided: an aborted run (exit 3)
	// leaves its reports too.
	if err := o.writeAll(e, res, gs, allSecrets(s.fx, s.creds)); err != nil {
		return err
	}
	return runVerdict(res)
}

// loadRun is targetFlags.load, except that against a -spec without our x-
// tables (the vendor's own document) the embedded mock keeps serving the
// embedded spec: the mock answers by those tables, while the run judges
// by the document given, with the checks that need them off.
func (o *runFlags) loadRun(ctx context.Context) (*sendSetup, error) {
	doc, op, val, err := loadValidated(o.spec)
	if err != nil {
		return nil, err
	}
	served := doc
	if len(op.Missing()) > 0 {
		if served, err = spec.Default(); err != nil {
			return nil, usageError("%v", err)
		}
	}
	sd, err := o.loadSide(ctx, served, o.target, o.fixtures, o.fault)
	if err != nil {
		return nil, err
	}
	if served != doc && sd.target.Embedded {
		sd.target.Name += " (serving the embedded spec: " + doc.Name() + " lacks " + strings.Join(op.Missing(), ", ") + ")"
	}
	return &sendSetup{doc: doc, op: op, val: val, side: sd}, nil
}

// resolve checks the flags and fills the defaults that depend on others.
func (o *runFlags) resolve(fs *flag.FlagSet) error {
	o.given = givenFlags(fs)
	if !o.given["seed"] {
		o.seed = time.Now().UnixNano()
	}
	if err := o.check(); err != nil {
		return err
	}
	switch {
	case o.target != "" && o.update && o.golden == "":
		return usageError("-update with -target needs -golden DIR (the embedded set is the mock's)")
	case o.maxReq < 0 || o.nValid < 0 || o.nInvalid < 0 || o.nSeq < 0:
		return usageError("-max-requests, -valid, -invalid and -sequences must not be negative")
	case o.patience <= 0:
		return usageError("-rate-limit-patience %v: want a positive duration", o.patience)
	case !o.shard.Whole() && !o.given["seed"]:
		return usageError("-shard %s needs -seed: every shard must build the same suite", o.shard)
	case !o.shard.Whole() && o.update:
		return usageError("-update with -shard: golden files are recorded by an unsharded run")
	}
	if !o.given["require-coverage"] {
		o.requireCov = o.target != "" && o.target != "embedded"
	}
	return o.checkChecks()
}

// config is the run's runner.Config. The defaults are the fault
// matrix's (runner.DefaultConfig); flags left unset hold the same values.
func (o *runFlags) config(e *env, s *sendSetup, gs *golden.Set) runner.Config {
	cfg := runner.DefaultConfig(s.op, s.val, s.fx, s.target, o.seed)
	cfg.Valid, cfg.Invalid, cfg.Sequences = noneIfZero(o.nValid), noneIfZero(o.nInvalid), noneIfZero(o.nSeq)
	cfg.Workers, cfg.Rate, cfg.Timeout, cfg.MaxRequests = o.workers, o.rate, o.timeout, o.maxReq
	cfg.AllowWrites, cfg.Checks, cfg.SkipChecks, cfg.FailFast = o.allowWrites, o.checks, o.skipChecks, o.failFast
	budget := runner.Budget(s.target)
	if o.given["max-response-time"] {
		budget = o.maxRT // 0 or less: none
	}
	cfg.With = []contract.Check{contract.ResponseTime(budget)}
	if gs != nil {
		cfg.With = append(cfg.With, contract.Golden(gs, nil, o.update))
	}
	cfg.RatePatience, cfg.RequireEvidence = o.patience, o.requireCov
	cfg.Credentials = credentialsOf(s.creds)
	cfg.Shard = o.shard
	if e.terminal {
		cfg.Progress = e.stdout
	}
	return cfg
}

// writeAll prints the report and writes what was asked for: report
// files, golden files and corpus entries (free of secrets).
func (o *runFlags) writeAll(e *env, res *contract.Result, gs *golden.Set, secrets []string) error {
	if err := o.report(e, res, false); err != nil {
		return err
	}
	if o.update && gs != nil {
		fmt.Fprintf(e.stdout, "golden files written to %s\n", gs)
	}
	if o.save == "" {
		return nil
	}
	return saveFindings(e.stdout, o.save, res, secrets)
}

// runVerdict is the exit of a completed run.
func runVerdict(res *contract.Result) error {
	switch {
	case res.Aborted != "":
		return unreachableError("run aborted: %s", res.Aborted)
	case len(res.Findings) > 0:
		return findingsError("%d findings (seed %d)", len(res.Findings), res.Seed)
	case len(res.Inconclusive) > 0:
		return findingsError("INCONCLUSIVE: %s (seed %d)", strings.Join(res.Inconclusive, "; "), res.Seed)
	}
	return nil
}

// goldenSet picks the golden set of a run: -golden DIR when given; for the
// embedded mock the embedded set, or its directory in this module when
// rewriting it; for a remote target none.
func goldenSet(tg target.Target, dir string, update bool) (*golden.Set, error) {
	switch {
	case dir != "":
		s := golden.Open(dir)
		return &s, nil
	case !tg.Embedded:
		return nil, nil
	case update:
		root, err := moduleRoot()
		if err != nil {
			return nil, usageError("-update: %v; give -golden DIR", err)
		}
		s := golden.Open(filepath.Join(root, "golden", "mock"))
		return &s, nil
	}
	s := golden.Default()
	return &s, nil
}

// moduleRoot walks up from the working directory to this module's go.mod.
func moduleRoot() (string, error) {
	dir, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for {
		data, err := os.ReadFile(filepath.Join(dir, "go.mod"))
		if err == nil && modFileIs(data, modulePath) {
			return dir, nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", fmt.Errorf("no go.mod of %s in the working directory or above", modulePath)
		}
		dir = parent
	}
}

// modFileIs reports whether a go.mod declares module path.
func modFileIs(data []byte, path string) bool {
	for _, line := range strings.Split(string(data), "\n") {
		f := strings.Fields(line)
		if len(f) == 2 && f[0] == "module" && strings.Trim(f[1], `"`) == path {
			return true
		}
	}
	return false
}

// noneIfZero maps a count flag to Config's convention: 0 there means the
// default, so "none" is negative.
func noneIfZero(n int) int {
	if n == 0 {
		return -1
	}
	return n
}
