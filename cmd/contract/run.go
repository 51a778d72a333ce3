package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"github.com/addons-contract/contract/contract/report"
	"github.com/addons-contract/contract/contract/target"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/addons-contract/contract/contract"
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

func runSuite(ctx context.Context, e *env, args []string) error {
	fs := newFlags(e, "run", "[-target URL -fixtures FILE [-allow-writes]] [flags]")
	// Before -target: that name shadows package target below.
	patience := fs.Duration("rate-limit-patience", target.DefaultRatePatience, "how long to wait out a target that answers only 429 (or asks for a longer Retry-After) before the run ends, exit 3")
	target := fs.String("target", "", "base URL of the server to test, e.g. https://staging.example.com/v2 (default: the embedded mock, in-process)")
	fixturesPath := fs.String("fixtures", "", "fixtures file of the target (required with -target; default: the mock's shipped fixtures)")
	specPath := fs.String("spec", "", "OpenAPI file to read instead of the embedded addons.yaml")
	seed := fs.Int64("seed", 0, "seed of the generated cases; the same seed sends the same cases (default: time-based, printed)")
	workers := fs.Int("workers", contract.DefaultWorkers, "concurrent senders")
	rate := fs.Float64("rate", 0, rateHelp)
	timeout := fs.Duration("timeout", contract.DefaultTimeout, "timeout of one request")
	maxRT := fs.Duration("max-response-time", 0, fmt.Sprintf("response-time budget; slower answers are findings (default %v for the mock, embedded or on loopback, %v for any other target; -1s = none)", contract.DefaultMaxResponseTime, contract.DefaultRemoteMaxResponseTime))
	caFile := fs.String("ca-file", "", "PEM file of CA certificates to trust besides the system's (a staging with its own CA)")
	maxReq := fs.Int("max-requests", 0, "stop after this many requests (0 = no cap)")
	allowWrites := fs.Bool("allow-writes", false, "against -target, also send cases that add plans (they change billing state)")
	checks := fs.String("checks", "", "comma-separated check ids to run (default: all; see -list-checks)")
	skipChecks := fs.String("skip-checks", "", "comma-separated check ids to skip")
	listChecks := fs.Bool("list-checks", false, "list the check ids and exit")
	goldenDir := fs.String("golden", "", "directory of golden files (default: the embedded set for the embedded mock; none for -target)")
	update := fs.Bool("update", false, "rewrite the golden files from this run's answers")
	jsonPath := fs.String("json", "", "also write the report as JSON to this file")
	junitPath := fs.String("junit", "", "also write the report as JUnit XML to this file")
	requireCov := fs.Bool("require-coverage", false, "INCONCLUSIVE (exit 1) unless the run observed what a PASS claims: a 201 (with writes), every error row a case expected, few unjudged cases (default: on with -target)")
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
	case *maxReq < 0 || *nValid < 0 || *nInvalid < 0 || *nSeq < 0:
		return usageError("-max-requests, -valid, -invalid and -sequences must not be negative")
	case *patience <= 0:
		return usageError("-rate-limit-patience %v: want a positive duration", *patience)
	}
	if !set["require-coverage"] {
		*requireCov = *target != "" && *target != "embedded"
	}
	if _, err := contract.SelectChecks(splitList(*checks), splitList(*skipChecks)); err != nil {
		return usageError("%v", err)
	}

	setup, err := prepareSend(*specPath, *fixturesPath, *target, *fault, *timeout, *caFile)
	if err != nil {
		return err
	}
	op, val, fx, tg := setup.op, setup.val, setup.fx, setup.target
	creds, err := newCredentials(ctx, fx, tg, *timeout)
	if err != nil {
		return err
	}

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
	cfg.RatePatience, cfg.RequireEvidence = *patience, *requireCov
	cfg.Credentials = credentialsOf(creds)
	if set["max-response-time"] && *maxRT <= 0 {
		cfg.MaxResponseTime = -1
	}
	if e.terminal {
		cfg.Progress = e.stdout
	}
	res, err := contract.Run(ctx, cfg)
	if err != nil {
		if errors.Is(err, contract.ErrUnreachable) {
			// The one line on stderr says it all; the report files are
			// still written (aborted, with the probe's finding), so that CI
			// shows why the run failed.
			if res != nil {
				if err := writeReports(res, *jsonPath, *junitPath); err != nil {
					return err
				}
			}
			return unreachableError("%s", strings.TrimPrefix(err.Error(), contract.ErrUnreachable.Error()+": "))
		}
		return usageError("%s", strings.TrimPrefix(err.Error(), "contract: "))
	}

	if err := (report.ConsoleReporter{Verbose: *verbose, Color: e.terminal}).Report(e.stdout, res); err != nil {
		return unreachableError("writing the report: %v", err)
	}
	// Written before the exit code is decided: an aborted run (exit 3)
	// leaves its reports too.
	if err := writeReports(res, *jsonPath, *junitPath); err != nil {
		return err
	}
	if *update && gs != nil {
		fmt.Fprintf(e.stdout, "golden files written to %s\n", gs)
	}
	if *save != "" {
		if err := saveFindings(e.stdout, *save, res, allSecrets(fx, creds)); err != nil {
			return err
		}
	}

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
