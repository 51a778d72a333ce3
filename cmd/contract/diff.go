package main

import (
	"context"
	"errors"
	"fmt"
	"github.com/addons-contract/contract/contract/target"
	"io"
	"strings"

	"github.com/addons-contract/contract/contract"
)

func init() {
	register(command{
		name:    "diff",
		summary: "send the same cases to two targets and report where their answers drift apart",
		run:     runDiff,
	})
}

func runDiff(ctx context.Context, e *env, args []string) error {
	fs := newFlags(e, "diff", "[-a URL -fixtures-a FILE] -b URL -fixtures-b FILE [flags]")
	a := fs.String("a", "", "base URL of target a (default: the embedded mock, also spelt \"embedded\")")
	b := fs.String("b", "", "base URL of target b (default: the embedded mock, also spelt \"embedded\")")
	fxA := fs.String("fixtures-a", "", "fixtures file of target a (required with a URL; default: the mock's shipped fixtures)")
	fxB := fs.String("fixtures-b", "", "fixtures file of target b (required with a URL; default: the mock's shipped fixtures)")
	faultA := fs.String("fault-a", "", "serve the embedded mock of a with this fault (see 'contract mock -faults')")
	faultB := fs.String("fault-b", "", "serve the embedded mock of b with this fault")
	specPath := fs.String("spec", "", "OpenAPI file to read instead of the embedded addons.yaml")
	seed := fs.Int64("seed", 1, "seed of the generated cases; the same seed sends the same cases")
	nValid := fs.Int("valid", 40, "generated valid bodies (each sent to 4 accounts or tokens)")
	nInvalid := fs.Int("invalid", 120, "generated invalid cases")
	workers := fs.Int("workers", contract.DefaultWorkers, "concurrent senders per target")
	rate := fs.Float64("rate", 0, fmt.Sprintf("requests per second per target, inf for no limit (default: no limit for the embedded mock and loopback targets, %v for any other URL)", target.DefaultRemoteRate))
	timeout := fs.Duration("timeout", contract.DefaultTimeout, "timeout of one request")
	caFile := fs.String("ca-file", "", "PEM file of CA certificates to trust besides the system's (a staging with its own CA)")
	maxReq := fs.Int("max-requests", 0, "stop after this many requests per target (0 = no cap)")
	allowWrites := fs.Bool("allow-writes", false, "also send the cases that add plans when a target is a URL (they change billing state)")
	jsonPath := fs.String("json", "", "also write the drift as JSON to this file")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	embedded := func(u string) bool { return u == "" || u == "embedded" }
	switch {
	case fs.NArg() > 0:
		return usageError("unexpected argument %q (see 'contract diff -h')", fs.Arg(0))
	case !embedded(*a) && *fxA == "":
		return usageError("-a %s needs -fixtures-a FILE: the tokens and sub accounts of that target", *a)
	case !embedded(*b) && *fxB == "":
		return usageError("-b %s needs -fixtures-b FILE: the tokens and sub accounts of that target", *b)
	case !embedded(*a) && *faultA != "", !embedded(*b) && *faultB != "":
		return usageError("-fault-a and -fault-b apply to the embedded mock only, not to a URL")
	case *nValid < 0 || *nInvalid < 0 || *maxReq < 0:
		return usageError("-valid, -invalid and -max-requests must not be negative")
	}
	if err := checkSendFlags("", "", "", *workers, *rate, *timeout); err != nil {
		return err
	}
	doc, op, val, err := loadValidated(*specPath)
	if err != nil {
		return err
	}
	side := func(url, fxPath, fault string) (contract.DriftSide, error) {
		fx, err := loadFixtures(fxPath)
		if err != nil {
			return contract.DriftSide{}, err
		}
		tg, err := makeTarget(doc, fx, url, fault, *timeout, *caFile)
		if err != nil {
			return contract.DriftSide{}, err
		}
		creds, err := newCredentials(ctx, fx, tg, *timeout)
		return contract.DriftSide{Target: tg, Fixtures: fx, Credentials: credentialsOf(creds)}, err
	}
	sa, err := side(*a, *fxA, *faultA)
	if err != nil {
		return err
	}
	sb, err := side(*b, *fxB, *faultB)
	if err != nil {
		return err
	}
	d, err := contract.CompareTargets(ctx, contract.DriftConfig{
		Op: op, Validator: val, A: sa, B: sb, Seed: *seed,
		Valid: noneIfZero(*nValid), Invalid: noneIfZero(*nInvalid),
		Workers: *workers, Rate: *rate, Timeout: *timeout, MaxRequests: *maxReq, AllowWrites: *allowWrites,
	})
	if err != nil {
		if errors.Is(err, contract.ErrUnreachable) {
			return unreachableError("%s", strings.Replace(err.Error(), contract.ErrUnreachable.Error()+": ", "", 1))
		}
		return usageError("%s", strings.TrimPrefix(err.Error(), "contract: "))
	}
	if err := d.WriteText(e.stdout); err != nil {
		return unreachableError("writing the report: %v", err)
	}
	if *jsonPath != "" {
		if err := contract.WriteFileAtomic(*jsonPath, func(w io.Writer) error { return d.WriteJSON(w) }); err != nil {
			return usageError("%v", err)
		}
	}
	if ctx.Err() != nil {
		return unreachableError("diff interrupted: %v", ctx.Err())
	}
	if d.Drifted() {
		return findingsError("%d of %d cases drifted (seed %d)", len(d.Cases), d.Compared, d.Seed)
	}
	return nil
}
