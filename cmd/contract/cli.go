package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"net/http"
	"os"
	"sort"
	"strings"
	"time"

	"github.com/addons-contract/contract/contract/target"
	"github.com/addons-contract/contract/fixtures"
	"github.com/addons-contract/contract/mock"
	"github.com/addons-contract/contract/spec"
)

// Exit codes, the same for every subcommand.
const (
	exitPass        = 0 // everything checked held
	exitFindings    = 1 // the target broke the contract
	exitUsage       = 2 // bad flag, spec or fixtures file
	exitUnreachable = 3 // the target did not answer, or the run was aborted
)

// exitError carries the exit code a failure maps to.
type exitError struct {
	code int
	err  error
}

func (e *exitError) Error() string { return e.err.Error() }
func (e *exitError) Unwrap() error { return e.err }

// usageError is a bad flag, argument or input file: exit 2.
func usageError(format string, args ...any) error {
	return &exitError{exitUsage, fmt.Errorf(format, args...)}
}

// findingsError means the run completed and found contract breaks: exit 1.
// The report has been printed already, so the message is a short summary.
func findingsError(format string, args ...any) error {
	return &exitError{exitFindings, fmt.Errorf(format, args...)}
}

// unreachableError means the target did not answer or the run was aborted: exit 3.
func unreachableError(format string, args ...any) error {
	return &exitError{exitUnreachable, fmt.Errorf(format, args...)}
}

// env is what a subcommand may touch of the outside world.
type env struct {
	stdin          io.Reader
	stdout, stderr io.Writer
	// terminal is true when stdout is a terminal (progress lines are shown only then).
	terminal bool
}

// command is one subcommand.
type command struct {
	name    string
	summary string
	// flags defines the subcommand's flags on a flag set, so that a
	// -config key of another subcommand is named as such; nil for none.
	flags func(fs *flag.FlagSet)
	run   func(ctx context.Context, e *env, args []string) error
}

// commands holds every subcommand; each file registers its own in init.
var commands = map[string]command{}

func register(c command) { commands[c.name] = c }

// run is the whole program: it returns the process exit code.
func run(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	e := &env{stdin: stdin, stdout: stdout, stderr: stderr, terminal: isTerminal(stdout)}
	name := "run"
	if len(args) > 0 && !strings.HasPrefix(args[0], "-") {
		name, args = args[0], args[1:]
	}
	if name == "help" {
		printHelp(stdout)
		return exitPass
	}
	cmd, ok := commands[name]
	if !ok {
		fmt.Fprintf(stderr, "contract: unknown subcommand %q (want one of %s; 'contract help' lists them)\n", name, strings.Join(commandNames(), ", "))
		return exitUsage
	}
	err := cmd.run(ctx, e, args)
	if err == nil {
		return exitPass
	}
	if errors.Is(err, flag.ErrHelp) {
		return exitPass
	}
	var ee *exitError
	if errors.As(err, &ee) {
		fmt.Fprintf(stderr, "contract %s: %v\n", name, ee.err)
		return ee.code
	}
	fmt.Fprintf(stderr, "contract %s: %v\n", name, err)
	return exitUsage
}

func commandNames() []string {
	var names []string
	for n := range commands {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}

func printHelp(w io.Writer) {
	fmt.Fprintln(w, "usage: contract [subcommand] [flags]")
	fmt.Fprintln(w, "\nsubcommands (run is the default):")
	for _, n := range commandNames() {
		fmt.Fprintf(w, "  %-8s %s\n", n, commands[n].summary)
	}
	fmt.Fprintln(w, "\n'contract SUBCOMMAND -h' shows its flags. Exit codes: 0 pass, 1 findings, 2 usage or config error, 3 target unreachable or aborted.")
}

// newFlags returns a flag set that reports a bad flag as one line (exit 2)
// and prints its usage to stdout only for -h.
func newFlags(e *env, name, synopsis string) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	fs.Usage = func() {
		fmt.Fprintf(e.stdout, "usage: contract %s %s\n\nflags:\n", name, synopsis)
		fs.SetOutput(e.stdout)
		fs.PrintDefaults()
		fs.SetOutput(io.Discard)
	}
	return fs
}

// parseFlags parses args; -h prints usage and returns flag.ErrHelp (exit 0),
// anything else wrong is a usage error naming the flag.
func parseFlags(fs *flag.FlagSet, args []string) error {
	// The flag package calls Usage on every parse error; only -h should
	// print it, so it is silenced while parsing.
	usage := fs.Usage
	fs.Usage = func() {}
	err := fs.Parse(args)
	fs.Usage = usage
	if err != nil {
		if errors.Is(err, flag.ErrHelp) {
			usage()
			return flag.ErrHelp
		}
		return usageError("%v (see 'contract %s -h')", err, fs.Name())
	}
	return nil
}

// loadValidated is loadOperation plus the document's validator.
func loadValidated(specPath string) (*spec.Document, *spec.Operation, *spec.Validator, error) {
	doc, op, err := loadOperation(specPath)
	if err != nil {
		return nil, nil, nil, err
	}
	val, err := doc.Validator()
	if err != nil {
		return nil, nil, nil, usageError("%v", err)
	}
	return doc, op, val, nil
}

// loadOperation loads the spec (the embedded one when path is "") and picks
// the addons operation.
func loadOperation(path string) (*spec.Document, *spec.Operation, error) {
	var doc *spec.Document
	var err error
	if path == "" {
		doc, err = spec.Default()
	} else {
		doc, err = spec.Load(path)
	}
	if err != nil {
		return nil, nil, usageError("%v", err)
	}
	op, err := doc.Operation(spec.AddonsOperationID)
	if err != nil {
		return nil, nil, usageError("%v", err)
	}
	return doc, op, nil
}

// isTerminal reports whether w is a character device (a terminal).
func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	if !ok {
		return false
	}
	st, err := f.Stat()
	return err == nil && st.Mode()&os.ModeCharDevice != 0
}

// loadFixtures reads a fixtures file, or the shipped one for "".
func loadFixtures(path string) (fixtures.Fixtures, error) {
	if path == "" {
		return fixtures.Default(), nil
	}
	fx, err := fixtures.Load(path)
	if err != nil {
		return fixtures.Fixtures{}, usageError("%v", err)
	}
	return fx, nil
}

// makeTarget is the embedded mock (with fault) when url is "" or
// "embedded", else a remote target.
func makeTarget(doc *spec.Document, fx fixtures.Fixtures, url, fault string, timeout time.Duration, caFile string) (target.Target, error) {
	if url == "" || url == "embedded" {
		newHandler := func() (http.Handler, error) {
			return mock.New(mock.Config{Doc: doc, Fixtures: &fx, Fault: fault})
		}
		tg, err := target.Embedded(newHandler)
		if err != nil {
			return tg, usageError("%s", strings.TrimPrefix(strings.TrimPrefix(err.Error(), "contract: embedded target: "), "mock: "))
		}
		if fault != "" {
			tg.Name += " (fault " + fault + ")"
		}
		return tg, nil
	}
	tg, err := target.Remote(url, timeout)
	if err != nil {
		return tg, usageError("%s", strings.TrimPrefix(err.Error(), "contract: "))
	}
	if caFile != "" {
		pem, err := os.ReadFile(caFile)
		if err != nil {
			return tg, usageError("-ca-file: %v", err)
		}
		if tg, err = target.WithRootCAs(tg, pem); err != nil {
			return tg, usageError("-ca-file %s: %v", caFile, strings.TrimPrefix(err.Error(), "contract: "))
		}
	}
	return tg, nil
}
