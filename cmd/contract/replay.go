package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/addons-contract/contract/contract"
	"github.com/addons-contract/contract/contract/corpus"
	"github.com/addons-contract/contract/contract/runner"
	"github.com/addons-contract/contract/gen"
	"github.com/addons-contract/contract/golden"
)

func init() {
	register(command{
		name:    "replay",
		summary: "replay saved corpus entries and Go fuzz inputs against the embedded mock or a -target URL",
		flags:   func(fs *flag.FlagSet) { defineReplayFlags(fs) },
		run:     runReplay,
	})
}

// replayFlags are the flags of replay.
type replayFlags struct {
	targetFlags
	maxRT      time.Duration
	minimize   bool
	maxShrinks int
	shard      contract.Shard
}

func defineReplayFlags(fs *flag.FlagSet) *replayFlags {
	o := &replayFlags{}
	o.targetFlags.define(fs)
	fs.DurationVar(&o.maxRT, "max-response-time", runner.DefaultMaxResponseTime, "response-time budget; slower answers are findings (0 = none)")
	fs.BoolVar(&o.minimize, "minimize", false, "shrink each failing entry to the smallest body still failing the same check, written beside it as NAME.min.json")
	fs.IntVar(&o.maxShrinks, "max-shrinks", runner.DefaultMaxShrinks, "requests spent minimising one entry")
	fs.Var(shardFlag{&o.shard}, "shard", "replay part `k/n` of the entries ('contract merge' joins the n shards' -json reports)")
	reword(fs, map[string]string{
		"target":       "base URL of the server to replay against (default: the embedded mock, in-process)",
		"fault":        "serve the embedded mock with this fault (see 'contract mock -faults')",
		"workers":      "concurrent senders within an entry",
		"allow-writes": "against -target, also replay entries that add plans (they change billing state)",
		"checks":       "comma-separated check `ids` to apply (default: all; see 'contract run -list-checks')",
	})
	return o
}

func runReplay(ctx context.Context, e *env, args []string) error {
	fs := newFlags(e, "replay", "[-target URL -fixtures FILE [-allow-writes]] [flags] PATH...")
	o := defineReplayFlags(fs)
	if err := parseWithConfig(fs, args); err != nil {
		return err
	}
	if err := o.resolve(fs); err != nil {
		return err
	}
	s, err := o.load(ctx)
	if err != nil {
		return err
	}
	g, entries, err := loadEntries(s, fs.Args())
	if err != nil {
		return err
	}
	entries = corpus.Part(entries, o.shard)
	gs, err := goldenSet(s.target, o.golden, false)
	if err != nil {
		return err
	}
	cfg := o.config(s, gs)
	rr, err := corpus.Replay(ctx, cfg, entries)
	if err != nil {
		var res *contract.Result
		if rr != nil {
			res = rr.Result
		}
		return o.sendFailed(err, res)
	}
	if err := o.writeAll(ctx, e, cfg, g, rr); err != nil {
		return err
	}
	return replayVerdict(rr)
}

// resolve checks the flags and that there is something to replay.
func (o *replayFlags) resolve(fs *flag.FlagSet) error {
	if fs.NArg() == 0 {
		return usageError("no PATH to replay: give corpus files or directories, such as corpus/ or fuzz/testdata/fuzz (see 'contract replay -h')")
	}
	if err := o.check(); err != nil {
		return err
	}
	if o.maxRT < 0 || o.maxShrinks < 1 {
		return usageError("-max-response-time must not be negative and -max-shrinks must be at least 1")
	}
	return o.checkChecks()
}

// loadEntries loads the corpus entries and fuzz inputs at paths, with the
// generator that turns (seed, index) inputs back into cases.
func loadEntries(s *sendSetup, paths []string) (*gen.Generator, []*corpus.Entry, error) {
	op := s.op
	g, err := runner.Config{Op: op, Validator: s.val}.Generator() // the generator a run draws from
	if err != nil {
		return nil, nil, usageError("%v", err)
	}
	entries, err := corpus.LoadCorpus(op, g, paths)
	if err != nil {
		return nil, nil, usageError("%v", err)
	}
	return g, entries, nil
}

// config is the replay's runner.Config: 0 for -max-response-time is no
// budget.
func (o *replayFlags) config(s *sendSetup, gs *golden.Set) runner.Config {
	cfg := runner.Config{
		Op: s.op, Validator: s.val, Fixtures: s.fx, Target: s.target, Credentials: credentialsOf(s.creds),
		Workers: o.workers, Rate: o.rate, Timeout: o.timeout, MaxShrinks: o.maxShrinks,
		AllowWrites: o.allowWrites, Checks: o.checks, SkipChecks: o.skipChecks, Shard: o.shard,
		With: []contract.Check{contract.ResponseTime(o.maxRT)},
	}
	if gs != nil {
		cfg.With = append(cfg.With, contract.Golden(gs, nil, false))
	}
	return cfg
}

// writeAll prints each entry's outcome and the report, writes the report
// files, and with -minimize the smaller failing entries.
func (o *replayFlags) writeAll(ctx context.Context, e *env, cfg runner.Config, g *gen.Generator, rr *corpus.ReplayResult) error {
	writeOutcomes(e.stdout, rr)
	fmt.Fprintln(e.stdout)
	if err := o.report(e, rr.Result, true); err != nil {
		return err
	}
	if !o.minimize {
		return nil
	}
	return minimizeFailing(ctx, e.stdout, cfg, g, rr)
}

// replayVerdict is the exit of a completed replay.
func replayVerdict(rr *corpus.ReplayResult) error {
	failed := rr.Failed()
	switch {
	case rr.Result.Aborted != "":
		return unreachableError("replay aborted: %s", rr.Result.Aborted)
	case failed > 0:
		return findingsError("%d of %s still fail", failed, plural(len(rr.Entries), "entry", "entries"))
	case len(rr.Result.Inconclusive) > 0:
		// As run: a replay that could not judge what it claims is no pass.
		return findingsError("INCONCLUSIVE: %s", strings.Join(rr.Result.Inconclusive, "; "))
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
		if o.Stale != "" {
			name += " (" + o.Stale + ")"
		}
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
func minimizeFailing(ctx context.Context, w io.Writer, cfg runner.Config, g *gen.Generator, rr *corpus.ReplayResult) error {
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
