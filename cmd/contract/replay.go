package main

import (
	"context"
	"errors"
	"fmt"
	"github.com/addons-contract/contract/contract/corpus"
	"github.com/addons-contract/contract/contract/report"
	"io"
	"strings"

	"github.com/addons-contract/contract/contract"
	"github.com/addons-contract/contract/gen"
	"github.com/addons-contract/contract/spec"
)

func init() {
	register(command{
		name:    "replay",
		summary: "replay saved corpus entries and Go fuzz inputs against the embedded mock or a -target URL",
		run:     runReplay,
	})
}

func runReplay(ctx context.Context, e *env, args []string) error {
	fs := newFlags(e, "replay", "[-target URL -fixtures FILE [-allow-writes]] [flags] PATH...")
	target := fs.String("target", "", "base URL of the server to replay against (default: the embedded mock, in-process)")
	fixturesPath := fs.String("fixtures", "", "fixtures file of the target (required with -target; default: the mock's shipped fixtures)")
	specPath := fs.String("spec", "", "OpenAPI file to read instead of the embedded addons.yaml")
	fault := fs.String("fault", "", "serve the embedded mock with this fault (see 'contract mock -faults')")
	workers := fs.Int("workers", contract.DefaultWorkers, "concurrent senders within an entry")
	rate := fs.Float64("rate", 0, rateHelp)
	timeout := fs.Duration("timeout", contract.DefaultTimeout, "timeout of one request")
	caFile := fs.String("ca-file", "", "PEM file of CA certificates to trust besides the system's (a staging with its own CA)")
	maxRT := fs.Duration("max-response-time", contract.DefaultMaxResponseTime, "response-time budget; slower answers are findings (0 = none)")
	allowWrites := fs.Bool("allow-writes", false, "against -target, also replay entries that add plans (they change billing state)")
	checks := fs.String("checks", "", "comma-separated check ids to apply (default: all; see 'contract run -list-checks')")
	skipChecks := fs.String("skip-checks", "", "comma-separated check ids to skip")
	goldenDir := fs.String("golden", "", "directory of golden files (default: the embedded set for the embedded mock; none for -target)")
	jsonPath := fs.String("json", "", "also write the report as JSON to this file")
	junitPath := fs.String("junit", "", "also write the report as JUnit XML to this file")
	minimize := fs.Bool("minimize", false, "shrink each failing entry to the smallest body still failing the same check, written beside it as NAME.min.json")
	maxShrinks := fs.Int("max-shrinks", contract.DefaultMaxShrinks, "requests spent minimising one entry")
	verbose := fs.Bool("v", false, "verbose report: each finding's answer and every coverage count")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if fs.NArg() == 0 {
		return usageError("no PATH to replay: give corpus files or directories, such as corpus/ or fuzz/testdata/fuzz (see 'contract replay -h')")
	}
	if err := checkSendFlags(*target, *fixturesPath, *fault, *workers, *rate, *timeout); err != nil {
		return err
	}
	if *maxRT < 0 || *maxShrinks < 1 {
		return usageError("-max-response-time must not be negative and -max-shrinks must be at least 1")
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
	g, err := gen.New(op, gen.Options{Validate: func(b []byte) []spec.Problem { return val.Body(op, bodyMediaType(op), b) }})
	if err != nil {
		return usageError("%v", err)
	}
	entries, err := corpus.LoadCorpus(op, g, fs.Args())
	if err != nil {
		return usageError("%v", err)
	}
	gs, err := goldenSet(tg, *goldenDir, false)
	if err != nil {
		return err
	}
	cfg := contract.Config{
		Op: op, Validator: val, Fixtures: fx, Target: tg, Credentials: credentialsOf(creds),
		Workers: *workers, Rate: *rate, Timeout: *timeout, MaxResponseTime: *maxRT, MaxShrinks: *maxShrinks,
		AllowWrites: *allowWrites, Checks: splitList(*checks), SkipChecks: splitList(*skipChecks), Golden: gs,
	}
	if *maxRT == 0 {
		cfg.MaxResponseTime = -1
	}
	rr, err := corpus.Replay(ctx, cfg, entries)
	if err != nil {
		if errors.Is(err, contract.ErrUnreachable) {
			// As for run: one line on stderr, and the report files, aborted.
			if rr != nil {
				if err := writeReports(rr.Result, *jsonPath, *junitPath); err != nil {
					return err
				}
			}
			return unreachableError("%s", strings.Replace(err.Error(), contract.ErrUnreachable.Error()+": ", "", 1))
		}
		return usageError("%s", strings.TrimPrefix(err.Error(), "contract: "))
	}
	writeOutcomes(e.stdout, rr)
	fmt.Fprintln(e.stdout)
	if err := (report.ConsoleReporter{Verbose: *verbose, Color: e.terminal, Replay: true}).Report(e.stdout, rr.Result); err != nil {
		return unreachableError("writing the report: %v", err)
	}
	if err := writeReports(rr.Result, *jsonPath, *junitPath); err != nil {
		return err
	}
	if *minimize {
		if err := minimizeFailing(ctx, e.stdout, cfg, g, rr); err != nil {
			return err
		}
	}
	failed := rr.Failed()
	switch {
	case rr.Result.Aborted != "":
		return unreachableError("replay aborted: %s", rr.Result.Aborted)
	case failed > 0:
		return findingsError("%d of %s still fail", failed, plural(len(rr.Entries), "entry", "entries"))
	}
	return nil
}

// writeOutcomes prints one line per entry: whether it still fails (and
// which checks), now passes, or was skipped, then a count.
func writeOutcomes(w io.Writer, rr *corpus.ReplayResult) {
	var fails, passes, skips int
	for i := range rr.Entries {
		o := &rr.Entries[i]
		name := o.Entry.Path
		switch {
		case o.Skipped != "":
			skips++
			fmt.Fprintf(w, "skipped      %s: %s\n", name, o.Skipped)
		case o.Passed():
			passes++
			if f := o.Entry.Finding; f.Check != "" {
				fmt.Fprintf(w, "now passes   %s (was [%s] %s)\n", name, f.Check, f.Row)
			} else {
				fmt.Fprintf(w, "passes       %s\n", name)
			}
		default:
			fails++
			var parts []string
			for _, f := range o.Findings {
				parts = append(parts, fmt.Sprintf("[%s] %s: %s", f.Check, f.Row, singleLine(f.Failure.Detail)))
			}
			fmt.Fprintf(w, "still fails  %s: %s\n", name, strings.Join(parts, "; "))
		}
	}
	fmt.Fprintf(w, "contract replay: %s against %s: %d still fail, %d pass, %d skipped\n",
		plural(len(rr.Entries), "entry", "entries"), rr.Result.Target, fails, passes, skips)
}

// plural is "1 entry", "2 entries".
func plural(n int, one, many string) string {
	if n == 1 {
		return "1 " + one
	}
	return fmt.Sprintf("%d %s", n, many)
}

// minimizeFailing shrinks every failing entry and writes the smaller one
// beside it.
func minimizeFailing(ctx context.Context, w io.Writer, cfg contract.Config, g *gen.Generator, rr *corpus.ReplayResult) error {
	for i := range rr.Entries {
		o := &rr.Entries[i]
		check, row, ok := corpus.MinimizeKey(o)
		if !ok || o.Skipped != "" {
			continue
		}
		min, err := corpus.Minimize(ctx, cfg, g, o.Entry, check, row)
		switch {
		case errors.Is(err, corpus.ErrNotMinimizable):
			fmt.Fprintf(w, "not minimised %s\n", err)
			continue
		case err != nil:
			return usageError("minimise %s: %v", o.Entry.Path, err)
		case min == nil:
			fmt.Fprintf(w, "minimal      %s: no smaller body fails [%s] %s\n", o.Entry.Path, check, row)
			continue
		}
		if err := corpus.WriteEntry(min); err != nil {
			return usageError("%v", err)
		}
		fmt.Fprintf(w, "minimised    %s: body %d → %d bytes, still fails [%s] %s: %s\n",
			o.Entry.Path, len(o.Entry.Case.Req.Body), len(min.Case.Req.Body), check, row, min.Path)
	}
	return nil
}

// saveFindings writes the findings of res to dir as corpus entries (run -save).
func saveFindings(w io.Writer, dir string, res *contract.Result, secrets []string) error {
	if len(res.Findings) == 0 {
		return nil
	}
	saved, err := corpus.SaveFindings(dir, res, secrets)
	if err != nil {
		return usageError("-save: %v", err)
	}
	fmt.Fprintf(w, "saved %s to %s (replay: contract replay %s)\n", plural(len(saved.Paths), "corpus entry", "corpus entries"), dir, dir)
	// One line per reason: a fault that changes every 201 leaves out a
	// golden finding per success scenario, for the same reason.
	var reasons []string
	which := map[string][]string{}
	for _, n := range saved.NotSaved {
		if which[n.Reason] == nil {
			reasons = append(reasons, n.Reason)
		}
		which[n.Reason] = append(which[n.Reason], n.Check+" "+n.Row)
	}
	for _, r := range reasons {
		list := which[r]
		shown := strings.Join(list[:min(len(list), 3)], ", ")
		if len(list) > 3 {
			shown += fmt.Sprintf(" and %d more", len(list)-3)
		}
		fmt.Fprintf(w, "not saved: %s (%s)\n", shown, r)
	}
	return nil
}

// singleLine folds a detail onto one line.
func singleLine(s string) string { return strings.Join(strings.Fields(s), " ") }

// bodyMediaType is the operation's request media type.
func bodyMediaType(op *spec.Operation) string {
	if op.Body != nil && op.Body.MediaType != "" {
		return op.Body.MediaType
	}
	return "application/json"
}

// writeReports writes the JSON and JUnit reports asked for, atomically.
func writeReports(res *contract.Result, jsonPath, junitPath string) error {
	for _, out := range []struct {
		path string
		rep  report.Reporter
	}{{jsonPath, report.JSONReporter{Indent: true}}, {junitPath, report.JUnitReporter{}}} {
		if out.path == "" {
			continue
		}
		rep := out.rep
		if err := contract.WriteFileAtomic(out.path, func(w io.Writer) error { return rep.Report(w, res) }); err != nil {
			return usageError("%v", err)
		}
	}
	return nil
}
