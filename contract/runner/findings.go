package runner

import (
	"bytes"
	"context"
	"sort"

	"github.com/addons-contract/contract/contract"
	"github.com/addons-contract/contract/gen"
	"github.com/addons-contract/contract/spec"
	"github.com/google/go-cmp/cmp"
)

// groupKey is what makes failures one finding: the check and the row (or
// class, or other cause) the failure is about.
type groupKey struct{ check, row string }

// group gathers the failures of one key.
type group struct {
	key     groupKey
	count   int
	example *record
	failure contract.Failure
}

// findings turns the run's groups (see runner.group) into findings: a
// count, the smallest failing example (shrunk when it is a generated case
// and cfg.Shrink), its diff and a curl command. Findings come in check
// order, then by row. Shrinking shares the run's resend budget
// (takeResend) and stops after shrinkTime.
func (r *runner) findings(ctx context.Context) []contract.Finding {
	ctx, cancel := context.WithTimeout(ctx, r.shrinkTime())
	defer cancel()
	order := map[string]int{}
	for i, id := range contract.CheckIDs() {
		order[id] = i
	}
	r.mu.Lock()
	list := make([]*group, 0, len(r.groups))
	for _, g := range r.groups {
		list = append(list, g)
	}
	r.mu.Unlock()
	sort.Slice(list, func(i, j int) bool {
		a, b := list[i].key, list[j].key
		if a.check != b.check {
			return order[a.check] < order[b.check]
		}
		return a.row < b.row
	})
	out := make([]contract.Finding, 0, len(list))
	for _, g := range list {
		ex := g.example.ex
		f := contract.Finding{Check: g.key.check, Row: g.key.row, Count: g.count, Example: ex, Failure: g.failure, CaseID: ex.Case.ID}
		if se := r.stateEx[g.key]; se != nil {
			f.Example, f.Failure, f.Steps, f.CaseID = se.ex, se.failure, se.steps, se.ex.Case.ID
		}
		// A generated case names its generator seed; every other case is
		// reproduced by the run's seed.
		f.CaseSeed = f.Example.Case.Seed
		if f.CaseSeed == 0 {
			f.CaseSeed = r.cfg.Seed
		}
		repro := f.Example
		if r.cfg.Shrink && contract.Shrinks(f.Check) && f.Steps == nil {
			if body, shrunkEx := r.shrink(ctx, f.Example, g.key); shrunkEx != nil {
				f.Shrunk, repro = body, shrunkEx
			}
		}
		if f.Failure.Want != nil || f.Failure.Got != nil {
			f.Diff = cmp.Diff(f.Failure.Want, f.Failure.Got)
		}
		f.Repro = repro
		out = append(out, f)
	}
	return out
}

// smaller orders examples: the shorter request body, then the earlier case.
func smaller(a, b *record) bool {
	la, lb := len(a.ex.Case.Req.Body), len(b.ex.Case.Req.Body)
	if la != lb {
		return la < lb
	}
	return a.pos < b.pos
}

// shrink minimises a generated example with the generator's shrinker,
// resending each candidate (to a fresh embedded server, where there is
// one) and keeping it while the same check still fails for the same row,
// at most cfg.MaxShrinks times and while the run's resend budget lasts.
// It returns the shrunk body and its exchange, or nils when the example is
// not a generated case, writes are not allowed, or nothing got smaller.
func (r *runner) shrink(ctx context.Context, ex *contract.Exchange, key groupKey) ([]byte, *contract.Exchange) {
	c := ex.Case
	if r.gen == nil || c.Writes && !r.cfg.Target.Embedded && !r.cfg.AllowWrites {
		return nil, nil
	}
	tries := 0
	var lastEx *contract.Exchange
	shrunk := ShrinkGenerated(r.cfg.Op, r.gen, c, func(cand *contract.Case) bool {
		if tries >= r.cfg.MaxShrinks || ctx.Err() != nil || !r.takeResend() {
			return false
		}
		tries++
		t, err := r.target.Fresh()
		if err != nil {
			return false
		}
		if cand.Stateful {
			// A fresh server (or, remote, one whose holdings the model does
			// not know): predicted from the fixtures alone.
			cand.Expect = newLedger(r.cfg.Op, r.cfg.Fixtures).predict(cand.Req.Account, cand.Adds)
		}
		got, err := r.send(ctx, t, cand)
		if err != nil || got == nil {
			return false
		}
		for _, f := range r.judge(got, -1).fails {
			if f.Check == key.check && f.Row == key.row {
				lastEx = got
				return true
			}
		}
		return false
	})
	if shrunk == nil || lastEx == nil || lastEx.Case != shrunk {
		return nil, nil
	}
	return shrunk.Req.Body, lastEx
}

// ShrinkGenerated shrinks the body of a generated case with g's shrinker,
// the one shrink-and-resend loop of a run's findings and of replay's
// minimiser. Each candidate is a copy of c with the shrunk body, its
// content type, class and field, and the plans it adds; fails resends it
// and says whether it still fails the same way. It returns the smallest
// candidate that failed, or nil when none did or c is no generated case
// (syntax and size cases are left alone: their bytes are the defect).
func ShrinkGenerated(op *spec.Operation, g *gen.Generator, c *contract.Case, fails func(*contract.Case) bool) *contract.Case {
	if c.Kind != contract.KindValid && c.Kind != contract.KindInvalid {
		return nil
	}
	if l := gen.Layer(c.Layer); l == gen.LayerSyntax || l == gen.LayerSize {
		return nil
	}
	var last *contract.Case
	shrunk := g.Shrink(c.GenCase(), func(gc gen.Case) bool {
		cand := c.Clone()
		cand.Req.Body, cand.Req.ContentType = gc.Body, gc.ContentType
		cand.Class, cand.Field = gc.Class, gc.Field
		if cand.Kind == contract.KindValid || cand.Stateful {
			cand.Adds = contract.AddsOf(op, gc.Body)
		}
		if !fails(cand) {
			return false
		}
		last = cand
		return true
	})
	if last == nil || bytes.Equal(shrunk.Body, c.Req.Body) || !bytes.Equal(last.Req.Body, shrunk.Body) {
		return nil
	}
	return last
}

// coverage counts, over recs, the error rows answers matched, the invalid
// classes sent and the catalog codes sent in bodies that add plans.
func (r *runner) coverage(recs []*record) contract.Coverage {
	var cov contract.Coverage
	rows := map[string]int{}
	classes := map[string]int{}
	plans := map[string]int{}
	// Coverage counts what came back, not what was sent (see seen).
	for _, rec := range recs {
		if rec.row != "" {
			rows[rec.row]++
		}
		if c := rec.ex.Case; rec.answeredCase() && c.Kind == contract.KindInvalid && c.Class != "" {
			classes[c.Class]++
		}
		for _, code := range rec.shown {
			plans[code]++
		}
	}
	for _, row := range r.cfg.Op.Errors {
		cov.Rows = append(cov.Rows, contract.Covered{ID: row.ID, Count: rows[row.ID]})
	}
	for _, ci := range gen.Classes() {
		cov.Classes = append(cov.Classes, contract.Covered{ID: ci.ID, Count: classes[ci.ID]})
	}
	for _, p := range r.cfg.Op.Catalog {
		if !p.Base {
			cov.Plans = append(cov.Plans, contract.Covered{ID: p.Code, Count: plans[p.Code]})
		}
	}
	return cov
}
