package runner

import (
	"fmt"
	"regexp"
	"time"

	"github.com/addons-contract/contract/contract"
)

// What keeps a run against a broken server short. A hanging server is
// caught by maxTimeouts and an unreachable one by maxDialFailures (see
// send); these catch a server that answers, or drops the connection,
// badly on every request, and bound the resending that shrinking does.
const (
	// maxSameFailures requests in a row failing the same way, asking for
	// at least minAlikeExpects different answers, abort the run: the
	// server fails whatever it is asked, so the rest would only repeat it.
	// The variety keeps a server that breaks one kind of request (every
	// 201 dropped, say) from ending a run that is finding its defect.
	maxSameFailures = 20
	minAlikeExpects = 3

	// maxResends caps the requests a run spends shrinking, its findings'
	// examples and its stateful counterexamples together, on top of each
	// finding's MaxShrinks.
	maxResends = 500

	// minShrinkTime is the least time shrinking findings may take; it may
	// take as long as sending took (see shrinkTime).
	minShrinkTime = 10 * time.Second
)

// alikeRun is the latest requests that failed the same way, as far as the
// server's own failure goes (see brokenAnswer).
type alikeRun struct {
	shape   string          // the failure with its numbers (ports, sizes, statuses) blurred
	count   int             // requests in a row that failed so
	expects map[string]bool // the answers they asked for (expectKey)
}

// note counts ex in the current run of alike failures, or starts a new
// one. It returns ex's failure when that makes the run maxSameFailures
// long, asking for minAlikeExpects different answers or more; "" otherwise.
func (a *alikeRun) note(ex *contract.Exchange) string {
	what := brokenAnswer(ex)
	if what == "" {
		*a = alikeRun{}
		return ""
	}
	if shape := blurNumbers(what); shape != a.shape {
		*a = alikeRun{shape: shape, expects: map[string]bool{}}
	}
	a.count++
	a.expects[contract.ExpectKey(ex.Case)] = true
	if a.count >= maxSameFailures && len(a.expects) >= minAlikeExpects {
		return what
	}
	return ""
}

// brokenAnswer says how ex shows a broken server: no answer (a dropped
// connection, a timeout, a header over the limit), an answer refused
// unread, or a 5xx. It is "" for any other answer, right or wrong. It
// looks at the exchange, not at failures, so that it holds whichever
// checks run.
func brokenAnswer(ex *contract.Exchange) string {
	switch {
	case contract.Refused(ex.Err):
		return fmt.Sprintf("status %d: %v", ex.Status, ex.Err)
	case ex.Err != nil:
		return "no answer: " + contract.Cause(ex.Err).Error()
	case ex.Status >= 500:
		return fmt.Sprintf("status %d", ex.Status)
	}
	return ""
}

var digitsRE = regexp.MustCompile(`[0-9]+`)

// blurNumbers replaces every run of digits by "#": the client port of a
// reset connection, or the status of a 5xx, does not make another failure.
func blurNumbers(s string) string { return digitsRE.ReplaceAllString(s, "#") }

// takeResend spends one request of the run's shrinking budget; false when
// maxResends are spent.
func (r *runner) takeResend() bool {
	if r.resends.Add(1) > maxResends {
		r.resends.Add(-1)
		return false
	}
	return true
}

// shrinkTime is how long shrinking the findings may take: as long as the
// run has taken so far, and at least minShrinkTime. Against a healthy
// server it is rarely reached; against one that is slow to fail, it keeps
// a run within about twice its sending time.
func (r *runner) shrinkTime() time.Duration {
	return max(minShrinkTime, time.Since(r.start))
}
