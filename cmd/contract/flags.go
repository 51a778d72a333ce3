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
	"github.com/addons-contract/contract/contract/report"
	"github.com/addons-contract/contract/contract/runner"
	"github.com/addons-contract/contract/contract/target"
	"github.com/addons-contract/contract/fixtures"
	"github.com/addons-contract/contract/internal/atomicfile"
	"github.com/addons-contract/contract/spec"
)

// sendFlags are how requests are sent: the flags run, replay and diff
// share, defined once so that they read and check alike.
type sendFlags struct {
	spec, caFile string
	workers      int
	rate         float64
	timeout      time.Duration
	allowWrites  bool
}

func (s *sendFlags) define(fs *flag.FlagSet) {
	fs.StringVar(&s.spec, "spec", "", "OpenAPI file to read instead of the embedded addons.yaml")
	fs.IntVar(&s.workers, "workers", runner.DefaultWorkers, "concurrent senders")
	fs.Float64Var(&s.rate, "rate", 0, fmt.Sprintf("requests per second, inf for no limit (default: no limit for the embedded mock and loopback targets, %v for any other)", target.DefaultRemoteRate))
	fs.DurationVar(&s.timeout, "timeout", runner.DefaultTimeout, "timeout of one request")
	fs.StringVar(&s.caFile, "ca-file", "", "PEM file of CA certificates to trust besides the system's (a staging with its own CA)")
	fs.BoolVar(&s.allowWrites, "allow-writes", false, "against -target, also send cases that add plans (they change billing state)")
}

func (s *sendFlags) check() error {
	switch {
	case s.workers < 1:
		return usageError("-workers %d: want at least 1", s.workers)
	case s.rate < 0 || s.rate != s.rate:
		return usageError("-rate %v: want a positive number of requests per second, or inf", s.rate)
	case s.timeout <= 0:
		return usageError("-timeout %v: want a positive duration", s.timeout)
	}
	return nil
}

// side is one target with its fixtures and the OAuth credentials of
// its fixtures' token roles (nil without any).
type side struct {
	fx     fixtures.Fixtures
	target target.Target
	creds  *oauthCredentials
}

// loadSide loads the fixtures at fxPath and makes the target at url (the
// embedded mock, with fault, for "" or "embedded"), then fetches the
// first tokens of the fixtures' OAuth roles.
func (s *sendFlags) loadSide(ctx context.Context, doc *spec.Document, url, fxPath, fault string) (side, error) {
	fx, err := loadFixtures(fxPath)
	if err != nil {
		return side{}, err
	}
	tg, err := makeTarget(doc, fx, url, fault, s.timeout, s.caFile)
	if err != nil {
		return side{}, err
	}
	creds, err := newCredentials(ctx, fx, tg, s.timeout)
	return side{fx: fx, target: tg, creds: creds}, err
}

// targetFlags are the flags of run and replay: how to send, to which one
// target, which checks apply and which reports are written.
type targetFlags struct {
	sendFlags
	target, fixtures, fault string
	checks, skipChecks      listFlag
	golden, json, junit     string
	verbose                 bool
}

func (t *targetFlags) define(fs *flag.FlagSet) {
	t.sendFlags.define(fs)
	fs.StringVar(&t.target, "target", "", "base URL of the server to test, e.g. https://staging.example.com/v2 (default: the embedded mock, in-process)")
	fs.StringVar(&t.fixtures, "fixtures", "", "fixtures file of the target (required with -target; default: the mock's shipped fixtures)")
	fs.StringVar(&t.fault, "fault", "", "serve the embedded mock with this fault, to test the harness (see 'contract mock -faults')")
	fs.Var(&t.checks, "checks", "comma-separated check `ids` to run (default: all; see -list-checks)")
	fs.Var(&t.skipChecks, "skip-checks", "comma-separated check `ids` to skip")
	fs.StringVar(&t.golden, "golden", "", "directory of golden files (default: the embedded set for the embedded mock; none for -target)")
	fs.StringVar(&t.json, "json", "", "also write the report as JSON to this file")
	fs.StringVar(&t.junit, "junit", "", "also write the report as JUnit XML to this file")
	fs.BoolVar(&t.verbose, "v", false, "verbose report: each finding's answer and every coverage count")
}

// check checks the target flags and then the send flags.
func (t *targetFlags) check() error {
	switch {
	case t.target != "" && t.fixtures == "":
		return usageError("-target needs -fixtures FILE: the tokens and sub accounts of the target")
	case t.target != "" && t.fault != "":
		return usageError("-fault applies to the embedded mock only, not to -target")
	}
	return t.sendFlags.check()
}

// checkChecks checks -checks and -skip-checks name known checks.
func (t *targetFlags) checkChecks() error {
	if _, err := contract.SelectChecks(t.checks, t.skipChecks); err != nil {
		return usageError("%v", err)
	}
	return nil
}

// sendSetup is what run and replay load before sending: the spec, its
// operation and validator, and the one target.
type sendSetup struct {
	doc *spec.Document
	op  *spec.Operation
	val *spec.Validator
	side
}

// load loads the spec (with its validator), the fixtures, the target and
// its credentials.
func (t *targetFlags) load(ctx context.Context) (*sendSetup, error) {
	doc, op, val, err := loadValidated(t.spec)
	if err != nil {
		return nil, err
	}
	sd, err := t.loadSide(ctx, doc, t.target, t.fixtures, t.fault)
	if err != nil {
		return nil, err
	}
	return &sendSetup{doc: doc, op: op, val: val, side: sd}, nil
}

// sendFailed is the exit of a run or replay that returned err: for an
// unreachable target the report files are still written (aborted, with
// the probe's finding), so that CI shows why, while the one line on
// stderr says it all.
func (t *targetFlags) sendFailed(err error, res *contract.Result) error {
	if errors.Is(err, runner.ErrUnreachable) && res != nil {
		if err := writeReports(res, t.json, t.junit); err != nil {
			return err
		}
	}
	return sendError(err)
}

// sendError maps the error of sending to its exit: an unreachable
// target is exit 3, anything else a usage error.
func sendError(err error) error {
	if errors.Is(err, runner.ErrUnreachable) {
		return unreachableError("%s", strings.Replace(err.Error(), runner.ErrUnreachable.Error()+": ", "", 1))
	}
	return usageError("%s", strings.TrimPrefix(err.Error(), "contract: "))
}

// report prints res on stdout and writes the report files asked for.
func (t *targetFlags) report(e *env, res *contract.Result, replay bool) error {
	console := report.ConsoleReporter{Verbose: t.verbose, Color: e.terminal, Replay: replay}
	if err := console.Report(e.stdout, res); err != nil {
		return unreachableError("writing the report: %v", err)
	}
	return writeReports(res, t.json, t.junit)
}

// writeReports writes the JSON and JUnit reports asked for, atomically.
func writeReports(res *contract.Result, jsonPath, junitPath string) error {
	for _, out := range []struct {
		path string
		rep  report.Reporter
	}{{jsonPath, report.JSONReporter{Indent: true}}, {junitPath, report.JUnitReporter{}}} {
		rep := out.rep
		if err := writeFile(out.path, func(w io.Writer) error { return rep.Report(w, res) }); err != nil {
			return err
		}
	}
	return nil
}

// writeFile writes a report file atomically; an empty path is a report
// not asked for.
func writeFile(path string, write func(io.Writer) error) error {
	if path == "" {
		return nil
	}
	if err := atomicfile.Write(path, write); err != nil {
		return usageError("%v", err)
	}
	return nil
}

// listFlag is a comma-separated list flag, such as -checks a,b; empty
// items are dropped. A -config file may give it as a list.
type listFlag []string

func (l *listFlag) String() string { return strings.Join(*l, ",") }

// Set replaces the list, as a repeated string flag replaces its value.
func (l *listFlag) Set(s string) error {
	*l = splitList(s)
	return nil
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

// givenFlags are the flags set on the command line or, after -config is
// applied, by its file.
func givenFlags(fs *flag.FlagSet) map[string]bool {
	given := map[string]bool{}
	fs.Visit(func(f *flag.Flag) { given[f.Name] = true })
	return given
}

// reword replaces the help text of flags a shared definition gave, where
// a subcommand says it its own way.
func reword(fs *flag.FlagSet, usage map[string]string) {
	for name, text := range usage {
		fs.Lookup(name).Usage = text
	}
}

// shardFlag is -shard k/n.
type shardFlag struct{ s *contract.Shard }

func (f shardFlag) String() string {
	if f.s == nil || f.s.Whole() {
		return ""
	}
	return f.s.String()
}

func (f shardFlag) Set(v string) error {
	s, err := contract.ParseShard(v)
	if err != nil {
		return err
	}
	*f.s = s
	return nil
}
