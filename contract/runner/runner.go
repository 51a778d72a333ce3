// Package runner sends a suite (package suite) or given cases to a target
// and judges every answer with the checks of package contract: pacing and
// retrying, the plan model that predicts stateful answers, the gopter
// state-machine sequences, grouping and shrinking findings, and the
// evidence a PASS needs.
package runner

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/addons-contract/contract/contract"
	"github.com/addons-contract/contract/contract/target"

	"github.com/addons-contract/contract/fixtures"
	"github.com/addons-contract/contract/gen"
	"github.com/addons-contract/contract/spec"
)

// ErrUnreachable is wrapped by the error of a run whose target did not
// answer its first requests (refused, no such host, timeout).
var ErrUnreachable = errors.New("target unreachable")

// Defaults of a Config's zero fields.
const (
	DefaultValid           = 150
	DefaultInvalid         = 400
	DefaultSequences       = 30
	DefaultSteps           = 12
	DefaultWorkers         = 4
	DefaultTimeout         = 10 * time.Second
	DefaultMaxResponseTime = 2 * time.Second // the response-time budget for the mock (embedded or on loopback)
	// DefaultRemoteMaxResponseTime is the budget against any other target:
	// what a real billing server with network latency meets.
	DefaultRemoteMaxResponseTime = 5 * time.Second
	DefaultMaxShrinks            = 200
)

// Limits of sending.
const (
	maxRetries429   = 5  // resends of one case answered 429; then it is unjudged
	maxDialFailures = 10 // consecutive refused or unreachable requests that abort a run
	maxTimeouts     = 3  // consecutive timed-out requests that abort a run
)

// Config configures a run. Zero fields take the documented defaults.
type Config struct {
	Op        *spec.Operation   // the operation under test (required)
	Validator *spec.Validator   // the spec's validator (required for response-schema)
	Fixtures  fixtures.Fixtures // the roles on the target
	// Credentials fetch the tokens of roles that are not literal in the
	// fixtures (OAuth); nil sends the fixtures' tokens.
	Credentials Credentials
	Target      target.Target // where requests go (required)
	Seed        int64         // the same seed sends the same cases

	Valid     int // generated valid bodies (each sent 4 times); 0 = DefaultValid, < 0 = none
	Invalid   int // generated invalid cases; 0 = DefaultInvalid, < 0 = none
	Sequences int // stateful sequences; 0 = DefaultSequences, < 0 = none
	Steps     int // requests per sequence; 0 = DefaultSteps

	Workers      int           // concurrent senders; 0 = DefaultWorkers
	Rate         float64       // requests per second; 0 = unlimited embedded or on loopback, target.DefaultRemoteRate otherwise; < 0 or +Inf = unlimited
	RatePatience time.Duration // how long to wait out a target answering only 429; 0 = DefaultRatePatience
	Timeout      time.Duration // per request; 0 = DefaultTimeout
	MaxRequests  int           // cap on requests sent (retries and shrinking included); 0 = none
	FailFast     bool          // stop sending at the first failure; the cases not sent are skipped, the finding still shrunk
	AllowWrites  bool          // send cases that change state to a non-embedded target
	// RequireEvidence makes the verdict INCONCLUSIVE unless the run saw
	// what a PASS claims: see Evidence.
	RequireEvidence bool

	Checks, SkipChecks []string // check ids to run (empty: all) and to skip

	// With are checks built with their settings (contract.Golden with its
	// set, contract.ResponseTime with its budget); each takes the place of
	// the selected check of its id. A selected check still without its
	// settings (contract.Traits.Idle) is left out.
	With []contract.Check

	Progress   io.Writer // when set, a progress line is kept up to date on it (a terminal)
	Shrink     bool      // shrink the example of each finding on a generated case
	MaxShrinks int       // resends per shrunk finding (the run's resends are capped at maxResends in all); 0 = DefaultMaxShrinks

	// Shard is the part of the run this runner sends (Run only); the zero
	// Shard is the whole run.
	Shard contract.Shard
}

// Generator is the payload generator of a run of c: the operation's
// request schema, its valid bodies held to c.Validator when there is one.
// The suite and the runner's shrinking draw from alike generators, so the
// same seed gives the same payloads to both.
func (c Config) Generator() (*gen.Generator, error) {
	opts := gen.Options{}
	if v, op, mt := c.Validator, c.Op, mediaType(c.Op); v != nil {
		opts.Validate = func(b []byte) []spec.Problem { return v.Body(op, mt, b) }
	}
	g, err := gen.New(c.Op, opts)
	if err != nil {
		return nil, fmt.Errorf("contract: %w", err)
	}
	return g, nil
}

// mediaType is op's request media type, application/json when it names none.
func mediaType(op *spec.Operation) string {
	if op.Body != nil && op.Body.MediaType != "" {
		return op.Body.MediaType
	}
	return "application/json"
}

// Generate is how many valid and invalid payloads a run of c generates,
// its defaults applied.
func (c Config) Generate() (valid, invalid int) {
	return count(c.Valid, DefaultValid), count(c.Invalid, DefaultInvalid)
}

// count is n, or def when n is 0; a negative n is none.
func count(n, def int) int {
	if n == 0 {
		return def
	}
	return max(n, 0)
}

// model reports whether the run's check id judges the plan model
// (contract.Traits.Model).
func (r *runner) model(id string) bool {
	for _, c := range r.checks {
		if c.ID() == id {
			return contract.TraitsOf(c).Model
		}
	}
	return false
}

// Budget is the response-time budget of a run against t:
// DefaultMaxResponseTime for the mock (embedded or on loopback),
// DefaultRemoteMaxResponseTime for any other target.
func Budget(t target.Target) time.Duration {
	if t.Embedded || target.IsLoopback(t.BaseURL) {
		return DefaultMaxResponseTime
	}
	return DefaultRemoteMaxResponseTime
}

// withDefaults fills zero fields and checks the rest.
func (c Config) withDefaults() (Config, error) {
	if c.Op == nil {
		return c, errors.New("contract: no operation to test")
	}
	if c.Target.Client == nil {
		return c, errors.New("contract: no target")
	}
	def := func(v *int, d int) { *v = count(*v, d) }
	if c.Shard != (contract.Shard{}) && (c.Shard.N < 1 || c.Shard.K < 1 || c.Shard.K > c.Shard.N) {
		return c, fmt.Errorf("contract: shard %s: want 1 ≤ k ≤ n", c.Shard)
	}
	def(&c.Valid, DefaultValid)
	def(&c.Invalid, DefaultInvalid)
	def(&c.Sequences, DefaultSequences)
	def(&c.Steps, DefaultSteps)
	def(&c.MaxShrinks, DefaultMaxShrinks)
	if c.Workers <= 0 {
		c.Workers = DefaultWorkers
	}
	if c.Timeout <= 0 {
		c.Timeout = DefaultTimeout
	}
	if c.MaxRequests < 0 {
		return c, fmt.Errorf("contract: max requests %d must not be negative", c.MaxRequests)
	}
	return c, nil
}

// runner is one run in progress.
type runner struct {
	cfg    Config
	checks []contract.Check
	target target.Target
	gen    *gen.Generator
	thr    *target.Throttle
	pace   string // how the run is paced, for the report
	ledger *ledger
	mt     string // the request media type
	// foreign reports the plan codes another shard owns; nil unsharded.
	foreign func(code string) bool

	sent     atomic.Int64
	done     atomic.Int64
	total    atomic.Int64
	dialFail atomic.Int64 // consecutive requests refused or unreachable
	hung     atomic.Int64 // consecutive requests that timed out
	resends  atomic.Int64 // requests spent shrinking (findings and sequences), against maxResends
	cancel   context.CancelFunc

	// keepAnswers keeps every exchange's answer (Judge hands them all to
	// its caller); a run keeps only those its findings show.
	keepAnswers bool
	off         []string // why selected checks are off (offLine), for the verdict

	mu        sync.Mutex
	records   []*record
	skipped   map[string]int
	aborted   string
	stateEx   map[groupKey]*stateExample
	pos       int // next record position of stateful steps
	stateRuns int // stateful steps recorded
	start     time.Time
	stopped   string                        // why sending stopped early on purpose (-fail-fast, -max-requests)
	detected  map[string]contract.Detection // per check, its first failure in time
	groups    map[groupKey]*group           // failures by (check, row), grouped as records come in
	alike     alikeRun                      // the requests that failed the same way, latest last
}

// record is one judged exchange. Once judged, a record keeps its answer's
// body and header only while it is the example of a finding.
type record struct {
	pos       int // position in the run's case order, for deterministic reports
	ex        *contract.Exchange
	applied   []string
	fails     []contract.Failure
	throttled bool     // a 429 the case did not ask for, judged only as an answer
	unjudged  string   // why the case was not judged (its last answer was such a 429); "" when judged
	row       string   // the error row the answer matched, for coverage ("" when none)
	created   bool     // the answer was a 201
	shown     []string // codes the case added that a 201 showed at their catalog place
	examples  int      // groups this record is the example of
}

// errBudget means -max-requests is spent.
var errBudget = errors.New("request budget spent")

func newRunner(cfg Config) (*runner, error) {
	cfg, err := cfg.withDefaults()
	if err != nil {
		return nil, err
	}
	selected, err := contract.SelectChecks(cfg.Checks, cfg.SkipChecks)
	if err != nil {
		return nil, fmt.Errorf("contract: %w", err)
	}
	// A check with nothing to judge by does not run (nor show as run).
	var checks []contract.Check
	var off []string // selected checks the spec's tables cannot support
	for _, c := range selected {
		if why := contract.OffLine(c, cfg.Op); why != "" {
			off = append(off, why)
			continue
		}
		for _, w := range cfg.With {
			if w.ID() == c.ID() {
				c = w
			}
		}
		if !contract.TraitsOf(c).Idle {
			checks = append(checks, contract.ForRun(c))
		}
	}
	if len(checks) == 0 {
		return nil, fmt.Errorf("contract: no check left to run (golden needs a golden set, response-time a budget%s)", strings.Join(append([]string{""}, off...), "; "))
	}
	t, err := cfg.Target.Fresh()
	if err != nil {
		return nil, err
	}
	mt := mediaType(cfg.Op)
	rate, pace := target.Pace(t, cfg.Rate)
	r := &runner{
		cfg: cfg, checks: checks, target: t, thr: target.NewThrottle(rate, cfg.RatePatience), pace: pace,
		mt:      mt,
		skipped: map[string]int{}, stateEx: map[groupKey]*stateExample{}, groups: map[groupKey]*group{}, off: off,
	}
	r.ledger = r.newLedger()
	if cfg.Op.Body != nil && cfg.Op.Body.Schema != nil {
		if r.gen, err = cfg.Generator(); err != nil {
			return nil, err
		}
	}
	return r, nil
}

// Run sends s, the suite of cfg (see package suite), and judges every answer:
// the scenarios one at a time (the first is the probe that the target
// answers), then the other cases on cfg.Workers goroutines (cases that
// depend on an account's plans in order on that account's lane), then the
// stateful sequences. An error means the run could not start: a bad
// config (and a nil Result), or a target that does not answer its first
// request (ErrUnreachable), in which case the Result is returned too, its
// Aborted saying why and its findings holding that first exchange, so
// that reports can still be written. A run that stopped early says why in
// Result.Aborted.
//
// A run holds on to little of what it sends: an answer is read up to
// contract.MaxAnswerBytes, and its body is dropped once judged unless a finding
// shows it. A target that fails maxSameFailures requests in a row the same
// way, whatever they asked, aborts the run, and shrinking spends at most
// maxResends requests and about as long as sending took.
func Run(ctx context.Context, cfg Config, s *contract.Suite) (*contract.Result, error) {
	r, err := newRunner(cfg)
	if err != nil {
		return nil, err
	}
	if r.gen == nil {
		return nil, fmt.Errorf("contract: operation %s has no request body schema to generate from", r.cfg.Op.ID)
	}
	r.leaveOut(s) // the whole suite's groups, before it is split
	suite, foreign := Part(s, r.cfg.Shard)
	r.foreign = foreign
	r.ledger = r.newLedger()
	res, _, err := r.run(ctx, suite.Scenarios, suite.Cases, true)
	return res, err
}

// Judge sends the given cases to cfg.Target in order (stateful cases on
// their account's lane, their expectations predicted afresh from the plan
// model; others on cfg.Workers goroutines) and judges them with the same
// checks as Run. It is what replaying saved cases needs: the result and
// every exchange, in the order of cases (nil where a case was not sent),
// each with its answer. Errors are Run's.
func Judge(ctx context.Context, cfg Config, cases []*contract.Case) (*contract.Result, []*contract.Exchange, error) {
	r, err := newRunner(cfg)
	if err != nil {
		return nil, nil, err
	}
	r.keepAnswers = true
	return r.run(ctx, nil, cases, false)
}

// run sends scenarios one by one, then cases concurrently, then (when
// stateful) the gopter sequences, and builds the result.
func (r *runner) run(parent context.Context, scenarios, cases []*contract.Case, stateful bool) (*contract.Result, []*contract.Exchange, error) {
	start := time.Now()
	r.start = start
	ctx, cancel := context.WithCancel(parent)
	defer cancel()
	r.cancel = cancel

	all := append(append([]*contract.Case(nil), scenarios...), cases...)
	send := r.sendable(all, stateful)
	r.total.Store(int64(len(send)))
	r.pos = len(all)
	stopProgress := r.progress()
	defer stopProgress()

	p := &phase{all: all, exchanges: make([]*contract.Exchange, len(all))}
	if len(send) > 0 {
		if reason, err := r.probe(ctx, p, send[0]); err != nil {
			return nil, nil, err
		} else if reason != "" {
			// The result comes with the error, so that reports say why.
			r.abort(reason)
			r.skipN(reason, len(send)-1)
			if stateful && r.cfg.Sequences > 0 && (r.cfg.Target.Embedded || r.cfg.AllowWrites) {
				r.skipN("stateful sequences: "+reason, r.ownSequences())
			}
			stopProgress()
			return r.result(ctx, start, len(all)), p.exchanges, fmt.Errorf("%w: %s", ErrUnreachable, reason)
		}
		send = send[1:]
	}
	// The other scenarios, one at a time.
	for len(send) > 0 && send[0] < len(scenarios) && ctx.Err() == nil {
		if err := r.execAt(ctx, p, send[0]); err != nil {
			return nil, nil, err
		}
		send = send[1:]
	}
	if err := r.sendConcurrently(ctx, parent, cancel, p, jobsOf(all, send)); err != nil {
		return nil, nil, err
	}
	if stateful {
		if err := r.runStateful(ctx, parent); err != nil {
			return nil, nil, err
		}
	}
	if err := parent.Err(); err != nil {
		r.abort("interrupted: " + err.Error())
	}
	stopProgress()
	if err := r.finishChecks(); err != nil {
		return nil, nil, err
	}
	judged := ctx
	if r.stoppedEarly() && parent.Err() == nil {
		judged = parent // sending stopped on purpose, but findings are still shrunk
	}
	return r.result(judged, start, len(all)), p.exchanges, nil
}

// phase is the cases of a run and the exchanges they got, by position.
type phase struct {
	all       []*contract.Case
	exchanges []*contract.Exchange // nil where a case was not sent
}

// sendable returns the positions of the cases in all that this run sends,
// counting the others as skipped with the reason.
func (r *runner) sendable(all []*contract.Case, stateful bool) []int {
	var send []int
	for i, c := range all {
		if c.Expect.LimitProbe && !r.cfg.Target.Embedded {
			r.skip("the rate-limit scenario provokes the embedded mock's limit only")
			continue
		}
		if c.Writes && !r.cfg.Target.Embedded && !r.cfg.AllowWrites {
			r.skip("writes need -allow-writes (cases expected to change state)")
			continue
		}
		send = append(send, i)
	}
	if stateful && r.cfg.Sequences > 0 && !r.cfg.Target.Embedded && !r.cfg.AllowWrites {
		r.skipN("stateful sequences: writes need -allow-writes", r.ownSequences())
	}
	return send
}

// probe sends the case at i, the first of the run, which must be
// answered: it returns why the target is unreachable, "" when it answered.
func (r *runner) probe(ctx context.Context, p *phase, i int) (string, error) {
	rec, err := r.exec(ctx, r.target, p.all[i], i)
	if err != nil || rec == nil {
		return "", err
	}
	p.exchanges[i] = rec.ex
	if e := rec.ex.Err; e != nil && (target.IsDialError(e) || target.IsTimeout(e)) {
		return fmt.Sprintf("%s did not answer: %v", r.target.Name, contract.Cause(e)), nil
	}
	return "", nil
}

// execAt sends and judges the case at position i of p.
func (r *runner) execAt(ctx context.Context, p *phase, i int) error {
	rec, err := r.exec(ctx, r.target, p.all[i], i)
	if err != nil {
		return err
	}
	if rec != nil {
		p.exchanges[i] = rec.ex
	}
	return nil
}

// jobsOf groups the positions in send into jobs for the workers. An
// account that stateful cases add plans to gets a lane, one job: all
// cases addressed to it run in order, one at a time, so that what it
// holds when each is sent does not depend on scheduling, even on a server
// that wrongly accepts an invalid payload. Other cases are single jobs for
// any worker; lanes come first.
func jobsOf(all []*contract.Case, send []int) [][]int {
	laneAccount := map[string]bool{}
	for _, i := range send {
		if all[i].Stateful {
			laneAccount[all[i].Req.Account] = true
		}
	}
	var jobs [][]int
	lanes := map[string][]int{}
	var laneOrder []string
	for _, i := range send {
		c := all[i]
		if laneAccount[c.Req.Account] {
			if _, ok := lanes[c.Req.Account]; !ok {
				laneOrder = append(laneOrder, c.Req.Account)
			}
			lanes[c.Req.Account] = append(lanes[c.Req.Account], i)
			continue
		}
		jobs = append(jobs, []int{i})
	}
	out := make([][]int, 0, len(laneOrder)+len(jobs))
	for _, a := range laneOrder {
		out = append(out, lanes[a])
	}
	return append(out, jobs...)
}

// sendConcurrently runs jobs on cfg.Workers goroutines. The first error
// stops every worker; cases left unsent once ctx is done are skipped.
func (r *runner) sendConcurrently(ctx, parent context.Context, cancel context.CancelFunc, p *phase, jobs [][]int) error {
	var wg sync.WaitGroup
	var errMu sync.Mutex
	var firstErr error
	queue := make(chan []int)
	for w := 0; w < r.cfg.Workers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for job := range queue {
				for _, i := range job {
					if ctx.Err() != nil {
						r.skip(r.stopReason(parent))
						continue
					}
					if err := r.execAt(ctx, p, i); err != nil {
						errMu.Lock()
						if firstErr == nil {
							firstErr = err
						}
						errMu.Unlock()
						cancel()
					}
				}
			}
		}()
	}
	for _, job := range jobs {
		queue <- job
	}
	close(queue)
	wg.Wait()
	return firstErr
}

// runStateful sends what needs the run's plan model: the expired-token
// case and the gopter sequences.
func (r *runner) runStateful(ctx, parent context.Context) error {
	// A token past its lifetime must get the 401 row, never be served. The
	// case is the first shard's (K is 0 unsharded).
	if ctx.Err() == nil && r.cfg.Shard.K <= 1 {
		if c, why := r.expiredTokenCase(ctx); c != nil {
			if _, err := r.exec(ctx, r.target, c, r.nextPos()); err != nil {
				return err
			}
		} else if why != "" {
			r.skip(why)
		}
	}
	if r.cfg.Sequences > 0 && (r.cfg.Target.Embedded || r.cfg.AllowWrites) {
		if ctx.Err() != nil {
			r.skipN("stateful sequences: "+r.stopReason(parent), r.ownSequences())
		} else if err := r.runSequences(ctx); err != nil {
			return err
		}
	}
	return nil
}

// ownSequences is how many of the stateful sequences this shard runs.
func (r *runner) ownSequences() int {
	n := 0
	for seq := 1; seq <= r.cfg.Sequences; seq++ {
		if ownsSequence(r.cfg.Shard, seq) {
			n++
		}
	}
	return n
}

// finishChecks lets the checks with work left after the last judgement
// do it (the golden check rewriting the set with -update).
func (r *runner) finishChecks() error {
	for _, c := range r.checks {
		if err := contract.Finish(c); err != nil {
			return fmt.Errorf("contract: %w", err)
		}
	}
	return nil
}

// stopReason says why a case was not sent once the run's context is done.
func (r *runner) stopReason(parent context.Context) string {
	if parent.Err() != nil {
		return "run interrupted"
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.aborted != "" {
		return r.aborted
	}
	if r.stopped != "" {
		return r.stopped
	}
	return "run stopped"
}

// exec sends one case, judges it and records it. It returns nil (and
// counts the case as skipped) when the case was not sent. Errors are
// programming or configuration errors (an unknown account role).
func (r *runner) exec(ctx context.Context, t target.Target, c *contract.Case, pos int) (*record, error) {
	defer r.done.Add(1)
	if c.Stateful {
		c.Expect = r.ledger.predict(c.Req.Account, c.Adds)
	}
	ex, err := r.send(ctx, t, c)
	if errors.Is(err, errBudget) {
		// A cap the user chose ends the run, it does not abort it: the
		// exit code still says whether what was sent broke the contract.
		r.skip(fmt.Sprintf("-max-requests %d reached", r.cfg.MaxRequests))
		r.stop(fmt.Sprintf("-max-requests %d reached", r.cfg.MaxRequests))
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	if ex == nil { // context done before sending
		r.skip(r.stopReason(ctx))
		return nil, nil
	}
	for _, tx := range ex.Throttled {
		trec := r.judge(tx, pos)
		trec.unjudged = "" // resent: the case's last answer decides
		r.add(trec)
	}
	rec := r.judge(ex, pos)
	if c.Stateful && ex.Err == nil && rec.unjudged == "" {
		r.ledger.learn(r.cfg.Op, c.Req.Account, c.Adds, rec.answer())
	}
	r.add(rec)
	return rec, nil
}

// judge applies the run's checks to ex. An answer refused unread (see
// refused) is judged by no-server-error alone, the reason its detail:
// every other check needs the body, and "no answer", what no-server-error
// says of an exchange with an error, would be wrong. A 429 the case did
// not ask for is judged only as an answer (Traits.AnswerAlone): the target did
// not answer the case, so nothing it expected is passed or failed. When
// it is the case's last answer, the case is unjudged.
func (r *runner) judge(ex *contract.Exchange, pos int) *record {
	rec := &record{pos: pos, ex: ex}
	if contract.Refused(ex.Err) {
		rec.applied, rec.fails = r.applyWith(func(t contract.Traits) bool { return t.Unread }, r.judgement(ex))
		return rec
	}
	j := r.judgement(ex)
	if ex.Status == http.StatusTooManyRequests && ex.Case.Expect.Row != spec.RowRateLimited && !ex.Case.Expect.LimitProbe {
		rec.applied, rec.fails = r.applyWith(func(t contract.Traits) bool { return t.AnswerAlone }, j)
		rec.throttled = true
		rec.seen(r.cfg.Op, j.Answer())
		rec.unjudged = fmt.Sprintf("still 429 after %d tries", ex.Retries+1)
		return rec
	}
	rec.applied, rec.fails = contract.Apply(r.checks, j)
	rec.seen(r.cfg.Op, j.Answer())
	return rec
}

// seen notes what the answer shows for coverage, so that the body need not
// be kept: the error row it matched, and the added codes a 201 showed at
// their catalog places.
func (rec *record) seen(op *spec.Operation, a contract.Answer) {
	if !rec.ex.Answered() {
		return
	}
	rec.row = a.Row(op)
	if a.Status() != http.StatusCreated {
		return
	}
	rec.created = true
	for _, add := range rec.ex.Case.Adds {
		if p, ok := op.Plan(add.Code); ok {
			if a.Shows(p, add.Code) {
				rec.shown = append(rec.shown, add.Code)
			}
		}
	}
}

// answeredCase reports whether the target answered the case itself (not
// with a dropped connection or a 429 it did not ask for).
func (rec *record) answeredCase() bool { return rec.ex.Answered() && !rec.throttled }

func (r *runner) judgement(ex *contract.Exchange) *contract.Judgement {
	id, _ := r.accountID(ex.Case.Req.Account)
	return &contract.Judgement{
		Op: r.cfg.Op, Validator: r.cfg.Validator, Fixtures: r.cfg.Fixtures, Case: ex.Case, Exchange: ex, Foreign: r.foreign,
		AccountID: id, Embedded: r.cfg.Target.Embedded,
	}
}

// applyWith applies the run's checks whose traits pass keep to j.
func (r *runner) applyWith(keep func(contract.Traits) bool, j *contract.Judgement) ([]string, []contract.Failure) {
	var checks []contract.Check
	for _, c := range r.checks {
		if keep(contract.TraitsOf(c)) {
			checks = append(checks, c)
		}
	}
	return contract.Apply(checks, j)
}

// answer parses the record's response; it is called before add, which may
// drop the body.
func (rec *record) answer() contract.Answer { return contract.ParseAnswer(rec.ex) }

// add keeps a judged record: its failures join their groups, its answer
// is dropped unless it is a group's example, and a target failing request
// after request alike aborts the run.
func (r *runner) add(rec *record) {
	r.mu.Lock()
	r.records = append(r.records, rec)
	r.detect(rec)
	r.group(rec)
	abort := r.alike.note(rec.ex)
	r.mu.Unlock()
	if abort != "" {
		r.abort(fmt.Sprintf("%s failed %d requests in a row the same way, whatever they asked: %s", r.target.Name, maxSameFailures, r.redact(abort)))
	}
	if r.cfg.FailFast && len(rec.fails) > 0 {
		r.stop("stopped at the first finding (-fail-fast)")
	}
}

// group adds rec's failures to their groups. A group's example is its
// smallest failing record (see smaller), so the groups come out the same
// whatever order records arrive in; a record that is no group's example
// any more loses its answer. r.mu is held.
func (r *runner) group(rec *record) {
	for _, f := range rec.fails {
		k := groupKey{f.Check, f.Row}
		g := r.groups[k]
		if g == nil {
			g = &group{key: k}
			r.groups[k] = g
		}
		g.count++
		if g.example == nil || smaller(rec, g.example) {
			if old := g.example; old != nil {
				old.examples--
				r.release(old)
			}
			g.example, g.failure = rec, f
			rec.examples++
		}
	}
	r.release(rec)
}

// release drops the answer of a record no finding shows: judging is done
// with it (golden files included, compared or written while judging), and
// coverage kept its row. Judge's exchanges keep theirs. r.mu is held.
func (r *runner) release(rec *record) {
	if rec.examples > 0 || r.keepAnswers {
		return
	}
	rec.ex.Body, rec.ex.Header = nil, nil
}

func (r *runner) skip(reason string) { r.skipN(reason, 1) }

func (r *runner) skipN(reason string, n int) {
	if n <= 0 {
		return
	}
	r.mu.Lock()
	r.skipped[reason] += n
	r.mu.Unlock()
}

// abort stops the run: the reason is kept (the first one wins) and every
// case not yet sent is skipped.
func (r *runner) abort(reason string) { r.halt(&r.aborted, reason) }

// accountID resolves an account role (or a "=literal" id) to the id sent.
func (r *runner) accountID(role string) (string, error) {
	if strings.HasPrefix(role, "=") {
		return role[1:], nil
	}
	a := r.cfg.Fixtures.Accounts
	switch role {
	case contract.AccountPaid:
		return a.Paid, nil
	case contract.AccountFree:
		return a.Free, nil
	case contract.AccountSelfPay:
		return a.SelfPay, nil
	case contract.AccountRoomsBase:
		return a.RoomsBase, nil
	case contract.AccountHasAddon:
		return a.HasAddon, nil
	case contract.AccountMissing:
		return a.Missing, nil
	}
	if n, ok := contract.MorePaidIndex(role); ok && n < len(a.MorePaid) {
		return a.MorePaid[n], nil
	}
	return "", fmt.Errorf("contract: unknown account role %q (want paid, free, self_pay, rooms_base, has_addon, missing, or =id)", role)
}

// fixtureAccount reports whether id is one of the fixtures' account ids.
func (r *runner) fixtureAccount(id string) bool {
	a := r.cfg.Fixtures.Accounts
	for _, x := range append([]string{a.Paid, a.Free, a.SelfPay, a.RoomsBase, a.HasAddon, a.Missing}, a.MorePaid...) {
		if id == x {
			return true
		}
	}
	return false
}

// token resolves a token role to its value; any other string is itself.
func (r *runner) token(role string) string {
	t := r.cfg.Fixtures.Tokens
	switch role {
	case contract.TokenMaster:
		return t.Master
	case contract.TokenVolumeLicense:
		return t.VolumeLicense
	case contract.TokenUnknownUser:
		return t.UnknownUser
	case contract.TokenNone:
		return ""
	}
	return role
}

// redact replaces every fixture token in s by $TOKEN.
func (r *runner) redact(s string) string {
	for _, sec := range r.cfg.Fixtures.Secrets() {
		if sec != "" {
			s = strings.ReplaceAll(s, sec, contract.TokenVar)
		}
	}
	return s
}

// takeRequest spends one request of the budget; false when it is spent.
func (r *runner) takeRequest() bool {
	n := r.sent.Add(1)
	if r.cfg.MaxRequests > 0 && n > int64(r.cfg.MaxRequests) {
		r.sent.Add(-1)
		return false
	}
	return true
}

// send sends c to t. A 429 pauses every sender (see throttle) and the case
// is sent again, up to maxRetries429 times; the 429 answers before the
// last are kept in the exchange's Throttled, to be judged as answers. A
// case that expects the rate_limited row is never resent. It returns
// (nil, nil) when ctx is done before the first attempt and errBudget when
// no request may be sent.
func (r *runner) send(ctx context.Context, t target.Target, c *contract.Case) (*contract.Exchange, error) {
	method, u, header, err := r.request(t, c)
	if err != nil {
		return nil, err
	}
	tok, err := r.tokenFor(ctx, c.Req.Token)
	if err != nil {
		return nil, err
	}
	shown := r.authorize(c, header, tok)
	refreshes := 0

	var last *contract.Exchange
	var throttled []*contract.Exchange
	defer func() {
		if last != nil {
			last.Throttled = throttled // the 429s resent before it; never last itself
		}
	}()
	for attempt := 0; ; attempt++ {
		if ctx.Err() != nil {
			return last, nil
		}
		if !r.takeRequest() {
			if last != nil {
				return last, nil
			}
			return nil, errBudget
		}
		if err := r.thr.Wait(ctx); err != nil {
			return last, nil
		}
		if last != nil && (len(throttled) == 0 || throttled[len(throttled)-1] != last) {
			throttled = append(throttled, last) // a 429, about to be resent
		}
		if attempt > 0 && r.cfg.Credentials != nil && c.Req.Token != contract.TokenExpiredMaster {
			// A pause for a 429 may outlast a short-lived token: take the
			// current one for each resend.
			if fresh, err := r.tokenFor(ctx, c.Req.Token); err == nil && fresh != tok {
				tok, shown = fresh, r.authorize(c, header, fresh)
			}
		}
		ex := r.roundTrip(ctx, t, c, method, u, header, shown)
		ex.Retries = attempt
		if refreshes < maxRefreshes && tok != "" && c.Req.Token != contract.TokenExpiredMaster && r.cfg.Credentials != nil && r.isExpiredAnswer(ex) {
			// The token expired in flight: fetch a new one and resend. The
			// target did not judge this request, so neither does the run.
			refreshes++
			fresh, err := r.cfg.Credentials.Expired(ctx, c.Req.Token, tok)
			if err != nil {
				r.abort(fmt.Sprintf("the %s token expired and a new one could not be fetched: %v", c.Req.Token, err))
				return last, nil
			}
			tok = fresh
			shown = r.authorize(c, header, tok)
			attempt--
			continue
		}
		last = ex
		r.noteTransport(t, ex)
		if ex.Status != http.StatusTooManyRequests {
			if ex.Err == nil {
				r.thr.Answered()
			}
			return ex, nil
		}
		if c.Expect.LimitProbe || c.Expect.Row == spec.RowRateLimited {
			return ex, nil // provoked on purpose: judged, not waited out
		}
		if giveUp := r.thr.Limited(ex.Header); giveUp != "" {
			r.abort(giveUp)
			return ex, nil
		}
		if attempt >= maxRetries429 {
			return ex, nil
		}
	}
}

// request is the method, URL and headers (without Authorization) of c on t.
// A case may address only fixture accounts of a real server: its other
// accounts are not ours to touch.
func (r *runner) request(t target.Target, c *contract.Case) (method, u string, header http.Header, err error) {
	method = c.Req.Method
	if method == "" {
		method = r.cfg.Op.Method
	}
	id, err := r.accountID(c.Req.Account)
	if err != nil {
		return "", "", nil, err
	}
	if !t.Embedded && id != "" && !r.fixtureAccount(id) {
		return "", "", nil, fmt.Errorf("contract: case %s addresses account %q, which is no fixture account; only fixture accounts are addressed on %s", c.ID, id, t.Name)
	}
	path := c.Req.Path
	if path == "" {
		path = r.cfg.Op.PathFor(url.PathEscape(id))
	}
	header = http.Header{}
	if c.Req.ContentType != "" {
		header.Set("Content-Type", c.Req.ContentType)
	}
	header.Set("User-Agent", "addons-contract")
	return method, t.BaseURL + path, header, nil
}

// noteTransport counts requests in a row that got no answer: a server that
// hangs would otherwise cost every remaining case its full timeout, so a
// few timeouts (or more refused connections) in a row end the run.
func (r *runner) noteTransport(t target.Target, ex *contract.Exchange) {
	switch {
	case ex.Err == nil:
		r.dialFail.Store(0)
		r.hung.Store(0)
	case target.IsTimeout(ex.Err):
		if r.hung.Add(1) >= maxTimeouts {
			r.abort(fmt.Sprintf("%s stopped answering: %d requests in a row got no answer within %v", t.Name, maxTimeouts, r.cfg.Timeout))
		}
	case target.IsDialError(ex.Err):
		if r.dialFail.Add(1) >= maxDialFailures {
			r.abort(fmt.Sprintf("%s stopped answering: %v", t.Name, contract.Cause(ex.Err)))
		}
	}
}

// authorize sets header's Authorization for c with tok and returns the
// headers as shown in reports: every token replaced by $TOKEN.
func (r *runner) authorize(c *contract.Case, header http.Header, tok string) http.Header {
	header.Del("Authorization")
	switch {
	case c.Req.Auth != "":
		header.Set("Authorization", strings.ReplaceAll(c.Req.Auth, "{token}", tok))
	case tok != "":
		header.Set("Authorization", "Bearer "+tok)
	}
	shown := http.Header{}
	for k, vs := range header {
		for _, v := range vs {
			if tok != "" {
				v = strings.ReplaceAll(v, tok, contract.TokenVar)
			}
			shown.Add(k, r.redact(v))
		}
	}
	return shown
}

// roundTrip makes one HTTP request of c and records it. An answer over
// contract.MaxAnswerBytes, or nested deeper than maxJSONDepth, is recorded without
// its body, refused (contract.ErrAnswerTooLarge, contract.ErrAnswerTooDeep).
func (r *runner) roundTrip(ctx context.Context, t target.Target, c *contract.Case, method, u string, header, shown http.Header) *contract.Exchange {
	ex := &contract.Exchange{Case: c, Method: method, URL: u, ReqHeader: shown}
	ctx, cancel := context.WithTimeout(ctx, r.cfg.Timeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, method, u, bytes.NewReader(c.Req.Body))
	if err != nil {
		ex.Err = fmt.Errorf("building request: %w", err)
		return ex
	}
	req.Header = header.Clone()
	start := time.Now()
	resp, err := t.Client.Do(req)
	if err != nil {
		ex.Elapsed = time.Since(start)
		ex.Err = err
		return ex
	}
	// At most contract.MaxAnswerBytes are read, then the body is closed, which
	// closes the connection of a body not read to its end: a server that
	// streams gigabytes is cut off, never drained. resp.Body is the
	// inflating reader when the transport decompresses (see Remote), so
	// the cap counts inflated bytes.
	var body []byte
	if resp.ContentLength > contract.MaxAnswerBytes {
		err = contract.ErrAnswerTooLarge
	} else if body, err = io.ReadAll(io.LimitReader(resp.Body, contract.MaxAnswerBytes+1)); err == nil && len(body) > contract.MaxAnswerBytes {
		body, err = nil, contract.ErrAnswerTooLarge
	}
	resp.Body.Close()
	ex.Elapsed = time.Since(start)
	ex.Status, ex.Header = resp.StatusCode, resp.Header
	switch {
	case errors.Is(err, contract.ErrAnswerTooLarge):
		ex.Err = err
	case err != nil:
		ex.Err = fmt.Errorf("reading the answer: %w", err)
		ex.Status = 0
	case contract.TooDeep(body):
		ex.Err = contract.ErrAnswerTooDeep
	default:
		ex.Body = body
	}
	return ex
}

// progress keeps a progress line on cfg.Progress until the returned stop is
// called (which is safe to call twice).
func (r *runner) progress() (stop func()) {
	w := r.cfg.Progress
	if w == nil {
		return func() {}
	}
	quit := make(chan struct{})
	finished := make(chan struct{})
	go func() {
		defer close(finished)
		tick := time.NewTicker(200 * time.Millisecond)
		defer tick.Stop()
		for {
			select {
			case <-quit:
				fmt.Fprint(w, "\r\033[K")
				return
			case <-tick.C:
				fmt.Fprintf(w, "\r\033[Kcontract: %d/%d cases, %d requests", r.done.Load(), r.total.Load(), r.sent.Load())
			}
		}
	}()
	var once sync.Once
	return func() {
		once.Do(func() {
			close(quit)
			<-finished
		})
	}
}

// result builds the run's Result from its records.
func (r *runner) result(ctx context.Context, start time.Time, built int) *contract.Result {
	r.mu.Lock()
	recs := append([]*record(nil), r.records...)
	r.mu.Unlock()
	sort.Slice(recs, func(i, j int) bool { return recs[i].pos < recs[j].pos })

	res := &contract.Result{
		Target:    r.target.Name,
		Operation: r.cfg.Op.Method + " " + r.cfg.Op.Path,
		Seed:      r.cfg.Seed,
		Shard:     r.cfg.Shard,
		Started:   start,
		Cases:     built + r.stateRuns,
	}
	for _, c := range r.checks {
		res.Checks = append(res.Checks, c.ID())
	}
	stats := map[string]*contract.CheckStat{}
	for _, id := range res.Checks {
		stats[id] = &contract.CheckStat{Check: id}
	}
	for _, rec := range recs {
		failed := map[string]bool{}
		for _, f := range rec.fails {
			failed[f.Check] = true
		}
		for _, id := range rec.applied {
			if failed[id] {
				stats[id].Failed++
			} else {
				stats[id].Passed++
			}
		}
	}
	for _, id := range res.Checks {
		res.Stats = append(res.Stats, *stats[id])
	}
	res.Findings = r.findings(ctx)
	r.redactFindings(res.Findings)
	res.Coverage = r.coverage(recs)
	res.Sent = int(r.sent.Load())
	r.mu.Lock()
	var reasons []string
	for k := range r.skipped {
		reasons = append(reasons, k)
	}
	sort.Strings(reasons)
	for _, k := range reasons {
		res.Skipped = append(res.Skipped, contract.Skip{Reason: k, Count: r.skipped[k]})
	}
	res.Aborted = r.aborted
	res.Detected = r.detections()
	r.mu.Unlock()
	res.Pace, res.RateLimit = r.pace, r.thr.Stats()
	r.evidence(res, recs)
	res.Inconclusive = append(res.Inconclusive, r.undecided()...)
	res.Spec = r.cfg.Op.Revision
	res.Duration = time.Since(start)
	return res
}

// sequenceNeeds are the tables the stateful sequences are made of: their
// adds are catalog codes, and the plan model that judges them refuses a
// held code with the matrix's already_has row.
var sequenceNeeds = []string{spec.TableErrors, spec.TableCatalog}

// leaveOut counts the scenario groups s left out for want of a spec table
// as skipped, and leaves out the stateful sequences likewise.
func (r *runner) leaveOut(s *contract.Suite) {
	if r.cfg.Shard.K <= 1 { // the first shard's: merged reports add skips up
		for _, l := range s.Left {
			r.skipN(l.Reason, l.Count)
		}
	}
	lack := r.cfg.Op.Lacks(sequenceNeeds...)
	if len(lack) == 0 || r.cfg.Sequences == 0 {
		return
	}
	r.skipN(contract.LeftOut("stateful sequences", lack, 0).Reason, r.ownSequences())
	r.cfg.Sequences = 0
}

// undecided is what keeps a run from its verdict besides what it did not
// observe (evidence): the checks off for want of a spec table, and the
// answers a check left unjudged (doubter).
func (r *runner) undecided() []string {
	out := append([]string(nil), r.off...)
	for _, c := range r.checks {
		out = append(out, contract.Doubts(c)...)
	}
	return out
}
