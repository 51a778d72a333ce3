package contract

import (
	"time"

	"github.com/addons-contract/contract/contract/target"
)

// Result is everything a run found and covered; reporters render it.
type Result struct {
	Target string // target name as shown to users (no secrets)
	// Operation is "METHOD path" of the operation under test, e.g.
	// "POST /accounts/{accountId}/plans/addons"; it prefixes every finding line.
	Operation string
	Spec      string // the spec revision the run judged by (spec.Operation.Revision)
	Seed      int64
	Shard     Shard // the part of a sharded run this result is; zero when unsharded
	Started   time.Time
	Duration  time.Duration
	Checks    []string    // ids of the checks that ran
	Cases     int         // cases built
	Sent      int         // requests sent (retries included)
	Skipped   []Skip      // cases not sent, and why
	Stats     []CheckStat // per check, in Checks order
	Findings  []Finding   // grouped by (check, row), in check order then row
	Coverage  Coverage
	Aborted   string // non-empty when the run stopped early (target unreachable, -max-requests hit, interrupted)
	Pace      string // how requests were paced, in words: "no limit (loopback target)", "5 requests/s (...)"
	RateLimit target.RateLimit
	// Unjudged lists the cases the target did not really answer (their
	// last answer was still a 429): neither passed nor failed by any check
	// that judges what the case expected.
	Unjudged      []Unjudged // the first few, by case id
	UnjudgedCount int        // all of them
	// Created counts the 201 answers judged, and how many of them answered
	// generated (not hand-built) payloads.
	Created, CreatedGenerated int
	// Held lists, per account, the codes a target answered "already has"
	// for without this run having added them: state from earlier runs.
	Held []Held
	// Inconclusive lists what a run that had to prove itself did not
	// observe (see Evidence); non-empty means the verdict is INCONCLUSIVE.
	Inconclusive []string
	// Detected says, per check that failed, when the run first saw it
	// fail. It measures time to detection; being a matter of timing, it is
	// not part of a run's reproducible outcome.
	Detected []Detection
}

// Passed reports whether the run found nothing and saw what it needed to.
func (r *Result) Passed() bool {
	return len(r.Findings) == 0 && r.Aborted == "" && len(r.Inconclusive) == 0
}

// Verdict is the result in one word: ABORTED, FAIL, INCONCLUSIVE or PASS.
func (r *Result) Verdict() string {
	switch {
	case r.Aborted != "":
		return "ABORTED"
	case len(r.Findings) > 0:
		return "FAIL"
	case len(r.Inconclusive) > 0:
		return "INCONCLUSIVE"
	}
	return "PASS"
}

// Unjudged is a case the target did not really answer.
type Unjudged struct {
	CaseID string
	Reason string
}

// Held is what one account held before this run touched it, as far as
// "already has" answers showed.
type Held struct {
	Account string   // account role
	Codes   []string // catalog codes, sorted
}

// Skip is a group of cases the run did not send.
type Skip struct {
	Reason string // "writes need -allow-writes", "-max-requests reached", ...
	Count  int
}

// CheckStat counts how often one check was applied and how often it failed.
type CheckStat struct {
	Check  string
	Passed int
	Failed int
}

// Coverage says which parts of the contract the run exercised.
type Coverage struct {
	Rows    []Covered // every error matrix row, in spec order
	Classes []Covered // every invalid class the generators know
	Plans   []Covered // every catalog code
}

// Covered is one item and how many exchanges reached it (0 = never reached).
type Covered struct {
	ID    string
	Count int
}

// Unreached returns the ids in items with a zero count.
func Unreached(items []Covered) []string {
	var ids []string
	for _, c := range items {
		if c.Count == 0 {
			ids = append(ids, c.ID)
		}
	}
	return ids
}

// Detection is when a run first saw one check fail: how many requests it had
// sent and how long it had run by then. It is how quickly a defect is caught;
// with several workers the count includes requests still in flight, so it
// varies a little between runs of one seed.
type Detection struct {
	Check  string        // the check that failed
	Row    string        // the row (or other cause) of that first failure
	CaseID string        // the case whose answer failed
	Sent   int           // requests sent when the failure was judged, its own included
	After  time.Duration // time from the start of the run
}
