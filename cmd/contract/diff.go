package main

import (
	"context"
	"flag"
	"fmt"

	"github.com/addons-contract/contract/contract/drift"
	"github.com/addons-contract/contract/contract/target"
)

func init() {
	register(command{
		name:    "diff",
		summary: "send the same cases to two targets and report where their answers drift apart",
		flags:   func(fs *flag.FlagSet) { defineDiffFlags(fs) },
		run:     runDiff,
	})
}

// diffFlags are the flags of diff.
type diffFlags struct {
	sendFlags
	a, b, fxA, fxB, faultA, faultB string
	seed                           int64
	nValid, nInvalid, maxReq       int
	json                           string
}

func defineDiffFlags(fs *flag.FlagSet) *diffFlags {
	o := &diffFlags{}
	o.sendFlags.define(fs)
	fs.StringVar(&o.a, "a", "", "base URL of target a (default: the embedded mock, also spelt \"embedded\")")
	fs.StringVar(&o.b, "b", "", "base URL of target b (default: the embedded mock, also spelt \"embedded\")")
	fs.StringVar(&o.fxA, "fixtures-a", "", "fixtures file of target a (required with a URL; default: the mock's shipped fixtures)")
	fs.StringVar(&o.fxB, "fixtures-b", "", "fixtures file of target b (required with a URL; default: the mock's shipped fixtures)")
	fs.StringVar(&o.faultA, "fault-a", "", "serve the embedded mock of a with this fault (see 'contract mock -faults')")
	fs.StringVar(&o.faultB, "fault-b", "", "serve the embedded mock of b with this fault")
	fs.Int64Var(&o.seed, "seed", 1, "seed of the generated cases; the same seed sends the same cases")
	fs.IntVar(&o.nValid, "valid", 40, "generated valid bodies (each sent to 4 accounts or tokens)")
	fs.IntVar(&o.nInvalid, "invalid", 120, "generated invalid cases")
	fs.IntVar(&o.maxReq, "max-requests", 0, "stop after this many requests per target (0 = no cap)")
	fs.StringVar(&o.json, "json", "", "also write the drift as JSON to this file")
	reword(fs, map[string]string{
		"workers":      "concurrent senders per target",
		"rate":         fmt.Sprintf("requests per second per target, inf for no limit (default: no limit for the embedded mock and loopback targets, %v for any other URL)", target.DefaultRemoteRate),
		"allow-writes": "also send the cases that add plans when a target is a URL (they change billing state)",
	})
	return o
}

func runDiff(ctx context.Context, e *env, args []string) error {
	fs := newFlags(e, "diff", "[-a URL -fixtures-a FILE] -b URL -fixtures-b FILE [flags]")
	o := defineDiffFlags(fs)
	if err := parseWithConfig(fs, args); err != nil {
		return err
	}
	if err := o.resolve(fs); err != nil {
		return err
	}
	cfg, err := o.load(ctx)
	if err != nil {
		return err
	}
	d, err := drift.Compare(ctx, cfg)
	if err != nil {
		return sendError(err)
	}
	if err := d.WriteText(e.stdout); err != nil {
		return unreachableError("writing the report: %v", err)
	}
	if err := writeFile(o.json, d.WriteJSON); err != nil {
		return err
	}
	if ctx.Err() != nil {
		return unreachableError("diff interrupted: %v", ctx.Err())
	}
	if d.Drifted() {
		return findingsError("%d of %d cases drifted (seed %d)", len(d.Cases), d.Compared, d.Seed)
	}
	return nil
}

// resolve checks the flags: a URL needs its fixtures, faults are the
// embedded mock's.
func (o *diffFlags) resolve(fs *flag.FlagSet) error {
	embedded := func(u string) bool { return u == "" || u == "embedded" }
	switch {
	case fs.NArg() > 0:
		return usageError("unexpected argument %q (see 'contract diff -h')", fs.Arg(0))
	case !embedded(o.a) && o.fxA == "":
		return usageError("-a %s needs -fixtures-a FILE: the tokens and sub accounts of that target", o.a)
	case !embedded(o.b) && o.fxB == "":
		return usageError("-b %s needs -fixtures-b FILE: the tokens and sub accounts of that target", o.b)
	case !embedded(o.a) && o.faultA != "", !embedded(o.b) && o.faultB != "":
		return usageError("-fault-a and -fault-b apply to the embedded mock only, not to a URL")
	case o.nValid < 0 || o.nInvalid < 0 || o.maxReq < 0:
		return usageError("-valid, -invalid and -max-requests must not be negative")
	}
	return o.check()
}

// load loads the spec and both sides, and makes the drift config.
func (o *diffFlags) load(ctx context.Context) (drift.Config, error) {
	doc, op, val, err := loadValidated(o.spec)
	if err != nil {
		return drift.Config{}, err
	}
	a, err := o.loadSide(ctx, doc, o.a, o.fxA, o.faultA)
	if err != nil {
		return drift.Config{}, err
	}
	b, err := o.loadSide(ctx, doc, o.b, o.fxB, o.faultB)
	if err != nil {
		return drift.Config{}, err
	}
	return drift.Config{
		Op: op, Validator: val, A: a.driftSide(), B: b.driftSide(), Seed: o.seed,
		Valid: noneIfZero(o.nValid), Invalid: noneIfZero(o.nInvalid),
		Workers: o.workers, Rate: o.rate, Timeout: o.timeout, MaxRequests: o.maxReq, AllowWrites: o.allowWrites,
	}, nil
}

// driftSide is the side as drift.Compare takes it.
func (s side) driftSide() drift.Side {
	return drift.Side{Target: s.target, Fixtures: s.fx, Credentials: credentialsOf(s.creds)}
}
