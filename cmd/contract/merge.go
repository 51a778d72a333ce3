package main

import (
	"context"
	"io"
	"os"
	"strings"

	"github.com/addons-contract/contract/contract/report"
	"github.com/addons-contract/contract/internal/atomicfile"
)

func init() {
	register(command{
		name:    "merge",
		summary: "merge the -json reports of a run's shards into one report and verdict",
		run:     mergeReports,
	})
}

// mergeReports prints the report of the run whose shards wrote the given
// -json reports, writes it as -json and -junit, and exits as that run
// would have: 0 pass, 1 findings or INCONCLUSIVE, 3 aborted.
func mergeReports(_ context.Context, e *env, args []string) error {
	fs := newFlags(e, "merge", "[-json FILE] [-junit FILE] [-v] REPORT.json...")
	jsonPath := fs.String("json", "", "also write the merged report as JSON to this file")
	junitPath := fs.String("junit", "", "also write the merged report as JUnit XML to this file")
	verbose := fs.Bool("v", false, "verbose report: each finding's answer and every coverage count")
	if err := parseWithConfig(fs, args); err != nil {
		return err
	}
	if fs.NArg() == 0 {
		return usageError("no reports to merge (see 'contract merge -h')")
	}
	docs := make([]*report.Doc, 0, fs.NArg())
	for _, path := range fs.Args() {
		if strings.HasPrefix(path, "-") {
			return usageError("flag %s after the reports: flags come first (see 'contract merge -h')", path)
		}
		data, err := os.ReadFile(path)
		if err != nil {
			return usageError("%v", err)
		}
		d, err := report.ReadJSON(path, data)
		if err != nil {
			return usageError("%v", err)
		}
		docs = append(docs, d)
	}
	merged, err := report.Merge(docs...)
	if err != nil {
		return usageError("%v", err)
	}
	if err := merged.Render(e.stdout, report.ConsoleReporter{Verbose: *verbose, Color: e.terminal}); err != nil {
		return unreachableError("writing the report: %v", err)
	}
	for _, out := range []struct {
		path string
		rep  report.Reporter
	}{{*jsonPath, report.JSONReporter{Indent: true}}, {*junitPath, report.JUnitReporter{}}} {
		if out.path == "" {
			continue
		}
		if err := atomicfile.Write(out.path, func(w io.Writer) error { return merged.Render(w, out.rep) }); err != nil {
			return usageError("%v", err)
		}
	}
	switch merged.Verdict() {
	case "ABORTED":
		return unreachableError("run aborted: %s", merged.Summary())
	case "FAIL", "INCONCLUSIVE":
		return findingsError("%s", merged.Summary())
	}
	return nil
}
