package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/addons-contract/contract/contract"
	"github.com/addons-contract/contract/fixtures"
	"github.com/addons-contract/contract/golden"
)

func init() {
	register(command{
		name:    "run",
		summary: "run the contract suite against the embedded mock or a -target URL",
		run:     runSuite,
	})
}

// modulePath is this module's path, to find its root for -update.
const modulePath = "github.com/addons-contract/contract"

// coverageExempt lists rows no input reaches on its own, which
// -require-coverage does not demand of a target other than the mock.
// Against the mock (its shipped fixtures) the suite knows the limit and
// reaches rate_limited on purpose (contract/rules.go), so nothing is
// exempt there.
var coverageExempt = map[string]string{
	"rate_limited": "reached only when the target's rate limit is hit; the suite provokes only the mock's",
}

func runSuite(ctx context.Context, e *env, args []string) error {
	fs := newFlags(e, "run", "[-target URL -fixtures FILE [-allow-writes]] [flags]")
	target := fs.String("target", "", "base URL of the server to test, e.g. https://staging.example.com/v2 (default: the embedded mock, in-process)")
	fixturesPath := fs.String("fixtures", "", "fixtures file of the target (required with -target; default: the mock's shipped fixtures)")
	specPath := fs.String("spec", "", "OpenAPI file to read instead of the embedded addons.yaml")
	seed := fs.Int64("seed", 0, "seed of the generated cases; the same seed sends the same cases (default: time-based, printed)")
	workers := fs.Int("workers", contract.DefaultWorkers, "concurrent senders")
	rate := fs.Float64("rate", 0, fmt.Sprintf("requests per second, inf for no limit (default: no limit embedded, %v against -target)", contract.DefaultRemoteRate))
	timeout := fs.Duration("timeout", contract.DefaultTimeout, "timeout of one request")
	maxRT := fs.Duration("max-response-time", contract.DefaultMaxResponseTime, "response-time budget; slower answers are findings (0 = none)")
	maxReq := fs.Int("max-requests", 0, "stop after this many requests (0 = no cap)")
	allowWrites := fs.Bool("allow-writes", false, "against -target, also send cases that add plans (they change billing state)")
	checks := fs.String("checks", "", "comma-separated check ids to run (default: all; see -list-checks)")
	skipChecks := fs.String("skip-checks", "", "comma-separated check ids to skip")
	listChecks := fs.Bool("list-checks", false, "list the check ids and exit")
	goldenDir := fs.String("golden", "", "directory of golden files (default: the embedded set for the embedded mock; none for -target)")
	update := fs.Bool("update", false, "rewrite the golden files from this run's answers")
	jsonPath := fs.String("json", "", "also write the report as JSON to this file")
	junitPath := fs.String("junit", "", "also write the report as JUnit XML to this file")
	requireCov := fs.Bool("require-coverage", false, "fail when an error-matrix row was never reached")
	nValid := fs.Int("valid", contract.DefaultValid, "generated valid bodies (each sent to 4 accounts or tokens)")
	nInvalid := fs.Int("invalid", contract.DefaultInvalid, "generated invalid cases")
	nSeq := fs.Int("sequences", contract.DefaultSequences, "stateful sequences")
	fault := fs.String("fault", "", "serve the embedded mock with this fault, to test the harness (see 'contract mock -faults')")
	verbose := fs.Bool("v", false, "verbose report: each finding's answer and every coverage count")
	save := fs.String("save", "", "write each finding as a corpus entry in this directory, to replay with 'contract replay DIR'")
	failFast := fs.Bool("fail-fast", false, "stop sending at the first finding (it is still shrunk and reported)")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return usageError("unexpected argument %q (see 'contract run -h')", fs.Arg(0))
	}
	if *listChecks {
		for _, c := range contract.AllChecks() {
			fmt.Fprintf(e.stdout, "%-19s %s\n", c.ID(), c.Doc())
		}
		return nil
	}
	set := map[string]bool{}
	fs.Visit(func(f *flag.Flag) { set[f.Name] = true })
	if !set["seed"] {
		*seed = time.Now().UnixNano()
	}
	if err := checkSendFlags(*target, *fixturesPath, *fault, *workers, *rate, *timeout); err != nil {
		return err
	}
	switch {
	case *target != "" && *update && *goldenDir == "":
		return usageError("-update with -target needs -golden DIR (the embedded set is the mock's)")
	case *maxRT < 0 || *maxReq < 0 || *nValid < 0 || *nInvalid < 0 || *nSeq < 0:
		return usageError("-max-response-time, -max-requests, -valid, -invalid and -sequences must not be negative")
	}
	if _, err := contract.SelectChecks(splitList(*checks), splitList(*skipChecks)); err != nil {
		return usageError("%v", err)
	}

	setup, err := prepareSend(*specPath, *fixturesPath, *target, *fault, *timeout)
	if err != nil {
		return err
	}
	op, val, fx, tg := setup.op, setup.val, setup.fx, setup.target

	gs, err := goldenSet(tg, *goldenDir, *update)
	if err != nil {
		return err
	}

	// The defaults are the fault matrix's (contract.DefaultConfig); flags
	// left unset hold the same values.
	cfg := contract.DefaultConfig(op, val, fx, tg, *seed)
	cfg.Valid, cfg.Invalid, cfg.Sequences = noneIfZero(*nValid), noneIfZero(*nInvalid), noneIfZero(*nSeq)
	cfg.Workers, cfg.Rate, cfg.Timeout, cfg.MaxResponseTime, cfg.MaxRequests = *workers, *rate, *timeout, *maxRT, *maxReq
	cfg.AllowWrites, cfg.Checks, cfg.SkipChecks, cfg.FailFast = *allowWrites, splitList(*checks), splitList(*skipChecks), *failFast
	cfg.Golden, cfg.UpdateGolden = gs, *update
	if *maxRT == 0 {
		cfg.MaxResponseTime = -1
	}
	if e.terminal {
		cfg.Progress = e.stdout
	}
	res, err := contract.Run(ctx, cfg)
	if err != nil {
		if errors.Is(err, contract.ErrUnreachable) {
			return unreachableError("%s", strings.TrimPrefix(err.Error(), contract.ErrUnreachable.Error()+": "))
		}
		return usageError("%s", strings.TrimPrefix(err.Error(), "contract: "))
	}

	if err := (contract.ConsoleReporter{Verbose: *verbose, Color: e.terminal}).Report(e.stdout, res); err != nil {
		return unreachableError("writing the report: %v", err)
	}
	for _, out := range []struct {
		path string
		rep  contract.Reporter
	}{{*jsonPath, contract.JSONReporter{Indent: true}}, {*junitPath, contract.JUnitReporter{}}} {
		if out.path == "" {
			continue
		}
		rep := out.rep
		if err := contract.WriteFileAtomic(out.path, func(w io.Writer) error { return rep.Report(w, res) }); err != nil {
			return usageError("%v", err)
		}
	}
	if *update && gs != nil {
		fmt.Fprintf(e.stdout, "golden files written to %s\n", gs)
	}
	if *save != "" {
		if err := saveFindings(e.stdout, *save, res, fx); err != nil {
			return err
		}
	}

	switch {
	case res.Aborted != "":
		return unreachableError("run aborted: %s", res.Aborted)
	case len(res.Findings) > 0:
		return findingsError("%d findings (seed %d)", len(res.Findings), res.Seed)
	}
	if *requireCov {
		var missed []string
		for _, id := range contract.Unreached(res.Coverage.Rows) {
			if _, ok := coverageExempt[id]; !ok || fx.Tokens == fixtures.Default().Tokens {
				missed = append(missed, id)
			}
		}
		if len(missed) > 0 {
			return findingsError("-require-coverage: error rows never reached: %s", strings.Join(missed, ", "))
		}
	}
	return nil
}

// goldenSet picks the golden set of a run: -golden DIR when given; for the
// embedded mock the embedded set, or its directory in this module when
// rewriting it; for a remote target none.
func goldenSet(tg contract.Target, dir string, update bool) (*golden.Set, error) {
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

// splitList splits a comma-separated flag value, dropping empty items.
func splitList(s string) []string {
	var out []string
	for _, p := range strings.Split(s, ",") {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}

// noneIfZero maps a count flag to Config's convention: 0 there means the
// default, so "none" is negative.
func noneIfZero(n int) int {
	if n == 0 {
		return -1
	}
	return n
}
