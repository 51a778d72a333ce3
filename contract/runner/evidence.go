package runner

import (
	"fmt"
	"sort"
	"strings"

	"github.com/addons-contract/contract/contract"
	"github.com/addons-contract/contract/internal/words"
)

// maxUnjudgedShare is the share of cases a run may leave unjudged (rate
// limited) and still claim a verdict with RequireEvidence.
const maxUnjudgedShare = 0.02

// maxUnjudgedListed bounds the unjudged cases a result lists by id.
const maxUnjudgedListed = 50

// evidence fills what a result says about cases the target did not
// answer, the 201s judged, the plans held from earlier runs and, when the
// run must prove itself (Config.RequireEvidence), what it did not observe.
// A PASS then needs: with writes, at least one 201 on an account that adds
// succeed on; every error row that a sent case expected, observed in an
// answer; and unjudged cases under maxUnjudgedShare of the cases sent.
func (r *runner) evidence(res *contract.Result, recs []*record) {
	expected := map[string]int{}  // row → final answers to cases expecting it
	limited := map[string]int{}   // row → of those, unjudged
	observed := map[string]bool{} // row → an answer matched it
	final := 0
	for _, rec := range recs {
		if rec.row != "" {
			observed[rec.row] = true
		}
		if rec.throttled && rec.unjudged == "" {
			continue // a 429 that was resent: the case's last answer counts
		}
		final++
		c := rec.ex.Case
		if rec.unjudged != "" {
			if len(res.Unjudged) < maxUnjudgedListed {
				res.Unjudged = append(res.Unjudged, contract.Unjudged{CaseID: c.ID, Reason: rec.unjudged})
			}
			res.UnjudgedCount++
		}
		if row := c.Expect.Row; row != "" {
			expected[row]++
			if rec.unjudged != "" {
				limited[row]++
			}
		}
		if rec.created && !rec.throttled {
			res.Created++
			if c.Kind == contract.KindValid || c.Kind == contract.KindState {
				res.CreatedGenerated++
			}
		}
	}
	res.Held = r.ledger.heldBefore()
	if !r.cfg.RequireEvidence {
		return
	}
	var why []string
	if r.cfg.Target.Embedded || r.cfg.AllowWrites {
		if res.Created == 0 {
			why = append(why, "no add was answered 201: "+r.noCreatedReason(res))
		}
	} else {
		why = append(why, "no add was sent, so no 201 was judged: writes not allowed (give -allow-writes)")
	}
	for _, row := range r.cfg.Op.Errors {
		n := expected[row.ID]
		if n == 0 || observed[row.ID] {
			continue
		}
		switch {
		case limited[row.ID] == n:
			why = append(why, fmt.Sprintf("error row %s not observed: %s rate limited", row.ID, map[bool]string{true: "its case was", false: fmt.Sprintf("all %d of its cases were", n)}[n == 1]))
		default:
			why = append(why, fmt.Sprintf("error row %s not observed in the answers to %s expecting it", row.ID, words.Count(n, "case")))
		}
	}
	if final > 0 && float64(res.UnjudgedCount) > maxUnjudgedShare*float64(final) {
		why = append(why, fmt.Sprintf("%d of %d cases unjudged (rate limited), over the %.0f%% a verdict allows", res.UnjudgedCount, final, 100*maxUnjudgedShare))
	}
	res.Inconclusive = why
}

// noCreatedReason says why a run that could add plans saw no 201.
func (r *runner) noCreatedReason(res *contract.Result) string {
	var held int
	for _, h := range res.Held {
		held += len(h.Codes)
	}
	switch {
	case res.RateLimit.Answers > 0 && res.UnjudgedCount > 0:
		return fmt.Sprintf("the target was rate limiting (%d answers 429, %d cases unjudged)", res.RateLimit.Answers, res.UnjudgedCount)
	case held > 0:
		var parts []string
		for _, h := range res.Held {
			parts = append(parts, fmt.Sprintf("%s %d", h.Account, len(h.Codes)))
		}
		sort.Strings(parts)
		return fmt.Sprintf("every add was answered \"already has\" (codes held before this run: %s); list fresh paid accounts in the fixtures' accounts.paid", strings.Join(parts, ", "))
	}
	return "no write case got a 201"
}
