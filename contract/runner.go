package contract

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"sort"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/addons-contract/contract/fixtures"
	"github.com/addons-contract/contract/gen"
	"github.com/addons-contract/contract/golden"
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
	DefaultRemoteRate      = 5.0 // requests per second against a non-embedded target
	DefaultTimeout         = 10 * time.Second
	DefaultMaxResponseTime = 2 * time.Second
	DefaultMaxShrinks      = 200
)

// Limits of sending.
const (
	maxRetries429   = 3                // retries of one request answered 429
	maxRetryAfter   = 10 * time.Second // the longest Retry-After honoured; longer ones are cut to it
	maxAnswerBytes  = 1 << 20          // response bytes kept per exchange
	maxDialFailures = 10               // consecutive refused or unreachable requests that abort a run
	maxTimeouts     = 3                // consecutive timed-out requests that abort a run
)

// Config configures a run. Zero fields take the documented defaults.
type Config struct {
	Op        *spec.Operation   // the operation under test (required)
	Validator *spec.Validator   // the spec's validator (required for response-schema)
	Fixtures  fixtures.Fixtures // the roles on the target
	Target    Target            // where requests go (required)
	Seed      int64             // the same seed sends the same cases

	Valid     int // generated valid bodies (each sent 4 times); 0 = DefaultValid, < 0 = none
	Invalid   int // generated invalid cases; 0 = DefaultInvalid, < 0 = none
	Sequences int // stateful sequences; 0 = DefaultSequences, < 0 = none
	Steps     int // requests per sequence; 0 = DefaultSteps

	Workers         int           // concurrent senders; 0 = DefaultWorkers
	Rate            float64       // requests per second; 0 = unlimited embedded, DefaultRemoteRate remote; < 0 or +Inf = unlimited
	Timeout         time.Duration // per request; 0 = DefaultTimeout
	MaxResponseTime time.Duration // response-time budget; 0 = DefaultMaxResponseTime, < 0 = none
	MaxRequests     int           // cap on requests sent (retries and shrinking included); 0 = none
	FailFast        bool          // stop sending at the first failure; the cases not sent are skipped, the finding still shrunk
	AllowWrites     bool          // send cases that change state to a non-embedded target

	Checks, SkipChecks []string // check ids to run (empty: all) and to skip

	Golden       *golden.Set // the golden set scenarios are compared with; nil = golden not judged
	GoldenMask   []string    // JSON paths of volatile fields masked in golden bodies
	UpdateGolden bool        // rewrite the golden files instead of comparing

	Progress   io.Writer // when set, a progress line is kept up to date on it (a terminal)
	Shrink     bool      // shrink the example of each finding on a generated case
	MaxShrinks int       // resends per shrunk finding; 0 = DefaultMaxShrinks
}

// withDefaults fills zero fields and checks the rest.
func (c Config) withDefaults() (Config, error) {
	if c.Op == nil {
		return c, errors.New("contract: no operation to test")
	}
	if c.Target.Client == nil {
		return c, errors.New("contract: no target")
	}
	def := func(v *int, d int) {
		if *v == 0 {
			*v = d
		} else if *v < 0 {
			*v = 0
		}
	}
	def(&c.Valid, DefaultValid)
	def(&c.Invalid, DefaultInvalid)
	def(&c.Sequences, DefaultSequences)
	def(&c.Steps, DefaultSteps)
	def(&c.MaxShrinks, DefaultMaxShrinks)
	if c.Workers <= 0 {
		c.Workers = DefaultWorkers
	}
	if c.Rate == 0 && !c.Target.Embedded {
		c.Rate = DefaultRemoteRate
	}
	if c.Timeout <= 0 {
		c.Timeout = DefaultTimeout
	}
	if c.MaxResponseTime == 0 {
		c.MaxResponseTime = DefaultMaxResponseTime
	} else if c.MaxResponseTime < 0 {
		c.MaxResponseTime = 0
	}
	if c.MaxRequests < 0 {
		return c, fmt.Errorf("contract: max requests %d must not be negative", c.MaxRequests)
	}
	if c.UpdateGolden && c.Golden == nil {
		return c, errors.New("contract: updating golden files needs a golden set")
	}
	return c, nil
}

// runner is one run in progress.
type runner struct {
	cfg    Config
	checks []Check
	target Target
	gen    *gen.Generator
	pace   *pacer
	ledger *ledger
	mt     string // the request media type

	sent     atomic.Int64
	done     atomic.Int64
	total    atomic.Int64
	dialFail atomic.Int64 // consecutive requests refused or unreachable
	hung     atomic.Int64 // consecutive requests that timed out
	cancel   context.CancelFunc

	mu        sync.Mutex
	records   []*record
	skipped   map[string]int
	aborted   string
	stateEx   map[groupKey]*stateExample
	pos       int // next record position of stateful steps
	stateRuns int // stateful steps recorded
	start     time.Time
	stopped   string               // why sending stopped early on purpose (-fail-fast, -max-requests)
	detected  map[string]Detection // per check, its first failure in time
}

// record is one judged exchange.
type record struct {
	pos     int // position in the run's case order, for deterministic reports
	ex      *Exchange
	applied []string
	fails   []Failure
}

// errBudget means -max-requests is spent.
var errBudget = errors.New("request budget spent")

func newRunner(cfg Config) (*runner, error) {
	cfg, err := cfg.withDefaults()
	if err != nil {
		return nil, err
	}
	selected, err := SelectChecks(cfg.Checks, cfg.SkipChecks)
	if err != nil {
		return nil, fmt.Errorf("contract: %w", err)
	}
	// A check with nothing to judge by does not run (nor show as run).
	var checks []Check
	for _, c := range selected {
		if c.ID() == CheckGolden && cfg.Golden == nil || c.ID() == CheckResponseTime && cfg.MaxResponseTime == 0 {
			continue
		}
		checks = append(checks, c)
	}
	if len(checks) == 0 {
		return nil, errors.New("contract: no check left to run (golden needs a golden set, response-time a budget)")
	}
	t, err := cfg.Target.fresh()
	if err != nil {
		return nil, err
	}
	mt := "application/json"
	if cfg.Op.Body != nil && cfg.Op.Body.MediaType != "" {
		mt = cfg.Op.Body.MediaType
	}
	r := &runner{
		cfg: cfg, checks: checks, target: t, pace: newPacer(cfg.Rate), ledger: newLedger(cfg.Fixtures), mt: mt,
		skipped: map[string]int{}, stateEx: map[groupKey]*stateExample{},
	}
	if cfg.Op.Body != nil && cfg.Op.Body.Schema != nil {
		opts := gen.Options{}
		if v, op := cfg.Validator, cfg.Op; v != nil {
			opts.Validate = func(b []byte) []spec.Problem { return v.Body(op, mt, b) }
		}
		if r.gen, err = gen.New(cfg.Op, opts); err != nil {
			return nil, fmt.Errorf("contract: %w", err)
		}
	}
	return r, nil
}

// Run builds the default suite for cfg, sends it and judges every answer:
// the scenarios one at a time (the first is the probe that the target
// answers), then the other cases on cfg.Workers goroutines (cases that
// depend on an account's plans in order on that account's lane), then the
// stateful sequences. An error means the run could not start (bad config,
// or a target that does not answer: ErrUnreachable); a run that stopped
// early says why in Result.Aborted.
func Run(ctx context.Context, cfg Config) (*Result, error) {
	r, err := newRunner(cfg)
	if err != nil {
		return nil, err
	}
	if r.gen == nil {
		return nil, fmt.Errorf("contract: operation %s has no request body schema to generate from", r.cfg.Op.ID)
	}
	suite, err := BuildSuite(r.cfg.Op, r.cfg.Fixtures, r.gen, r.cfg.Seed, r.cfg.Valid, r.cfg.Invalid)
	if err != nil {
		return nil, err
	}
	res, _, err := r.run(ctx, suite.Scenarios, suite.Cases, true)
	return res, err
}

// Judge sends the given cases to cfg.Target in order (stateful cases on
// their account's lane, their expectations predicted afresh from the plan
// model; others on cfg.Workers goroutines) and judges them with the same
// checks as Run. It is what replaying saved cases needs: the result and
// every exchange, in the order of cases (nil where a case was not sent).
func Judge(ctx context.Context, cfg Config, cases []*Case) (*Result, []*Exchange, error) {
	r, err := newRunner(cfg)
	if err != nil {
		return nil, nil, err
	}
	return r.run(ctx, nil, cases, false)
}

// run sends scenarios one by one, then cases concurrently, then (when
// stateful) the gopter sequences, and builds the result.
func (r *runner) run(parent context.Context, scenarios, cases []*Case, stateful bool) (*Result, []*Exchange, error) {
	start := time.Now()
	r.start = start
	ctx, cancel := context.WithCancel(parent)
	defer cancel()
	r.cancel = cancel

	all := append(append([]*Case(nil), scenarios...), cases...)
	var send []int // positions of the cases to send
	for i, c := range all {
		if c.Writes && !r.cfg.Target.Embedded && !r.cfg.AllowWrites {
			r.skip("writes need -allow-writes (cases expected to change state)")
			continue
		}
		send = append(send, i)
	}
	if stateful && r.cfg.Sequences > 0 && !r.cfg.Target.Embedded && !r.cfg.AllowWrites {
		r.skipN("stateful sequences: writes need -allow-writes", r.cfg.Sequences)
	}
	r.total.Store(int64(len(send)))
	r.pos = len(all)
	stopProgress := r.progress()
	defer stopProgress()

	exchanges := make([]*Exchange, len(all))
	nScen := len(scenarios)
	// The probe: the first case sent must be answered.
	k := 0
	if len(send) > 0 {
		i := send[0]
		rec, err := r.exec(ctx, r.target, all[i], i)
		if err != nil {
			return nil, nil, err
		}
		if rec != nil {
			if e := rec.ex.Err; e != nil && (isDialError(e) || isTimeout(e)) {
				return nil, nil, fmt.Errorf("%w: %s did not answer: %v", ErrUnreachable, r.target.Name, unwrapURLError(e))
			}
			exchanges[i] = rec.ex
		}
		k = 1
	}
	// The other scenarios, one at a time.
	for ; k < len(send) && send[k] < nScen && ctx.Err() == nil; k++ {
		i := send[k]
		if rec, err := r.exec(ctx, r.target, all[i], i); err != nil {
			return nil, nil, err
		} else if rec != nil {
			exchanges[i] = rec.ex
		}
	}
	// The rest. An account that stateful cases add plans to gets a lane: all
	// cases addressed to it run in order, one at a time, so that what it
	// holds when each is sent does not depend on scheduling, even on a
	// server that wrongly accepts an invalid payload. Other cases are single
	// jobs for any worker.
	laneAccount := map[string]bool{}
	for _, i := range send[k:] {
		if all[i].Stateful {
			laneAccount[all[i].Req.Account] = true
		}
	}
	var jobs [][]int
	lanes := map[string][]int{}
	var laneOrder []string
	for ; k < len(send); k++ {
		i := send[k]
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
	for j := len(laneOrder) - 1; j >= 0; j-- {
		jobs = append([][]int{lanes[laneOrder[j]]}, jobs...)
	}
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
					rec, err := r.exec(ctx, r.target, all[i], i)
					if err != nil {
						errMu.Lock()
						if firstErr == nil {
							firstErr = err
						}
						errMu.Unlock()
						cancel()
						continue
					}
					if rec != nil {
						exchanges[i] = rec.ex
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
	if firstErr != nil {
		return nil, nil, firstErr
	}
	if stateful && r.cfg.Sequences > 0 && (r.cfg.Target.Embedded || r.cfg.AllowWrites) {
		if ctx.Err() != nil {
			r.skipN("stateful sequences: "+r.stopReason(parent), r.cfg.Sequences)
		} else if err := r.runSequences(ctx); err != nil {
			return nil, nil, err
		}
	}
	if err := parent.Err(); err != nil {
		r.abort("interrupted: " + err.Error())
	}
	stopProgress()
	judged := ctx
	if r.stoppedEarly() && parent.Err() == nil {
		judged = parent // sending stopped on purpose, but findings are still shrunk
	}
	res := r.result(judged, start, len(all))
	return res, exchanges, nil
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
func (r *runner) exec(ctx context.Context, t Target, c *Case, pos int) (*record, error) {
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
	rec := r.judge(ex, pos)
	if c.Stateful && ex.Err == nil {
		r.ledger.learn(r.cfg.Op, c.Req.Account, c.Adds, rec.answer())
	}
	r.add(rec)
	return rec, nil
}

// judge applies the run's checks to ex.
func (r *runner) judge(ex *Exchange, pos int) *record {
	j := r.judgement(ex)
	applied, fails := applyChecks(r.checks, j)
	return &record{pos: pos, ex: ex, applied: applied, fails: fails}
}

func (r *runner) judgement(ex *Exchange) *Judgement {
	id, _ := r.accountID(ex.Case.Req.Account)
	return &Judgement{
		Op: r.cfg.Op, Validator: r.cfg.Validator, Fixtures: r.cfg.Fixtures, Case: ex.Case, Exchange: ex,
		AccountID: id, MaxResponseTime: r.cfg.MaxResponseTime,
		Golden: r.cfg.Golden, GoldenMask: r.cfg.GoldenMask, UpdateGolden: r.cfg.UpdateGolden,
	}
}

// answer parses the record's response.
func (rec *record) answer() answer { return parseAnswer(rec.ex) }

func (r *runner) add(rec *record) {
	r.mu.Lock()
	r.records = append(r.records, rec)
	r.detect(rec)
	r.mu.Unlock()
	if r.cfg.FailFast && len(rec.fails) > 0 {
		r.stop("stopped at the first finding (-fail-fast)")
	}
}

func (r *runner) skip(reason string) { r.skipN(reason, 1) }

func (r *runner) skipN(reason string, n int) {
	r.mu.Lock()
	r.skipped[reason] += n
	r.mu.Unlock()
}

// abort stops the run: the reason is kept (the first one wins) and every
// case not yet sent is skipped.
func (r *runner) abort(reason string) {
	r.mu.Lock()
	if r.aborted == "" {
		r.aborted = reason
	}
	r.mu.Unlock()
	if r.cancel != nil {
		r.cancel()
	}
}

// accountID resolves an account role (or a "=literal" id) to the id sent.
func (r *runner) accountID(role string) (string, error) {
	if strings.HasPrefix(role, "=") {
		return role[1:], nil
	}
	a := r.cfg.Fixtures.Accounts
	switch role {
	case AccountPaid:
		return a.Paid, nil
	case AccountFree:
		return a.Free, nil
	case AccountSelfPay:
		return a.SelfPay, nil
	case AccountRoomsBase:
		return a.RoomsBase, nil
	case AccountHasAddon:
		return a.HasAddon, nil
	case AccountMissing:
		return a.Missing, nil
	}
	return "", fmt.Errorf("contract: unknown account role %q (want paid, free, self_pay, rooms_base, has_addon, missing, or =id)", role)
}

// fixtureAccount reports whether id is one of the fixtures' account ids.
func (r *runner) fixtureAccount(id string) bool {
	a := r.cfg.Fixtures.Accounts
	for _, x := range []string{a.Paid, a.Free, a.SelfPay, a.RoomsBase, a.HasAddon, a.Missing} {
		if id == x {
			return true
		}
	}
	return false
}

// isTokenRole reports whether s names a fixture token.
func isTokenRole(s string) bool {
	return s == TokenMaster || s == TokenVolumeLicense || s == TokenUnknownUser
}

// token resolves a token role to its value; any other string is itself.
func (r *runner) token(role string) string {
	t := r.cfg.Fixtures.Tokens
	switch role {
	case TokenMaster:
		return t.Master
	case TokenVolumeLicense:
		return t.VolumeLicense
	case TokenUnknownUser:
		return t.UnknownUser
	case TokenNone:
		return ""
	}
	return role
}

// redact replaces every fixture token in s by $TOKEN.
func (r *runner) redact(s string) string {
	for _, sec := range r.cfg.Fixtures.Secrets() {
		if sec != "" {
			s = strings.ReplaceAll(s, sec, TokenVar)
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

// send sends c to t, retrying 429 answers up to maxRetries429 times after
// their Retry-After. It returns (nil, nil) when ctx is done before the
// first attempt and errBudget when no request may be sent.
func (r *runner) send(ctx context.Context, t Target, c *Case) (*Exchange, error) {
	method := c.Req.Method
	if method == "" {
		method = r.cfg.Op.Method
	}
	id, err := r.accountID(c.Req.Account)
	if err != nil {
		return nil, err
	}
	if !t.Embedded && id != "" && !r.fixtureAccount(id) {
		// A real server's other accounts are not ours to touch.
		return nil, fmt.Errorf("contract: case %s addresses account %q, which is no fixture account; only fixture accounts are addressed on %s", c.ID, id, t.Name)
	}
	path := c.Req.Path
	if path == "" {
		path = strings.Replace(r.cfg.Op.Path, "{"+pathParamName(r.cfg.Op)+"}", url.PathEscape(id), 1)
	}
	u := t.BaseURL + path
	header := http.Header{}
	switch tok := r.token(c.Req.Token); {
	case c.Req.Auth != "":
		header.Set("Authorization", strings.ReplaceAll(c.Req.Auth, "{token}", tok))
	case tok != "":
		header.Set("Authorization", "Bearer "+tok)
	}
	if c.Req.ContentType != "" {
		header.Set("Content-Type", c.Req.ContentType)
	}
	header.Set("User-Agent", "addons-contract")
	shown := http.Header{}
	for k, vs := range header {
		for _, v := range vs {
			shown.Add(k, r.redact(v))
		}
	}

	var last *Exchange
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
		if err := r.pace.wait(ctx); err != nil {
			return last, nil
		}
		ex := r.roundTrip(ctx, t, c, method, u, header, shown)
		ex.Retries = attempt
		last = ex
		switch {
		case ex.Err == nil:
			r.dialFail.Store(0)
			r.hung.Store(0)
		case isTimeout(ex.Err):
			// A server that hangs would otherwise cost every remaining
			// case its full timeout: a few in a row end the run.
			if r.hung.Add(1) >= maxTimeouts {
				r.abort(fmt.Sprintf("%s stopped answering: %d requests in a row got no answer within %v", t.Name, maxTimeouts, r.cfg.Timeout))
			}
		case isDialError(ex.Err):
			if r.dialFail.Add(1) >= maxDialFailures {
				r.abort(fmt.Sprintf("%s stopped answering: %v", t.Name, unwrapURLError(ex.Err)))
			}
		}
		// A case expecting the rate_limited row provoked its 429 on purpose:
		// it is judged as answered, never retried (contract/rules.go).
		if ex.Status != http.StatusTooManyRequests || attempt >= maxRetries429 || c.Expect.Row == rowRateLimited {
			return ex, nil
		}
		wait := time.Second
		if n, err := strconv.Atoi(strings.TrimSpace(ex.Header.Get("Retry-After"))); err == nil && n >= 0 {
			wait = time.Duration(n) * time.Second
		}
		if wait > maxRetryAfter {
			wait = maxRetryAfter
		}
		if err := sleep(ctx, wait); err != nil {
			return ex, nil
		}
	}
}

// roundTrip makes one HTTP request of c and records it.
func (r *runner) roundTrip(ctx context.Context, t Target, c *Case, method, u string, header, shown http.Header) *Exchange {
	ex := &Exchange{Case: c, Method: method, URL: u, ReqHeader: shown}
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
	body, err := io.ReadAll(io.LimitReader(resp.Body, maxAnswerBytes))
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10)) // let the connection be reused
	resp.Body.Close()
	ex.Elapsed = time.Since(start)
	ex.Status, ex.Header, ex.Body = resp.StatusCode, resp.Header, body
	if err != nil {
		ex.Err = fmt.Errorf("reading the answer: %w", err)
		ex.Status = 0
	}
	return ex
}

// unwrapURLError drops net/http's "Post \"url\":" prefix, which repeats
// what the message around it says.
func unwrapURLError(err error) error {
	var ue *url.Error
	if errors.As(err, &ue) {
		return ue.Err
	}
	return err
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
func (r *runner) result(ctx context.Context, start time.Time, built int) *Result {
	r.mu.Lock()
	recs := append([]*record(nil), r.records...)
	r.mu.Unlock()
	sort.Slice(recs, func(i, j int) bool { return recs[i].pos < recs[j].pos })

	res := &Result{
		Target:    r.target.Name,
		Operation: r.cfg.Op.Method + " " + r.cfg.Op.Path,
		Seed:      r.cfg.Seed,
		Started:   start,
		Cases:     built + r.stateRuns,
	}
	for _, c := range r.checks {
		res.Checks = append(res.Checks, c.ID())
	}
	stats := map[string]*CheckStat{}
	for _, id := range res.Checks {
		stats[id] = &CheckStat{Check: id}
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
	res.Findings = r.findings(ctx, recs)
	res.Coverage = r.coverage(recs)
	res.Sent = int(r.sent.Load())
	r.mu.Lock()
	var reasons []string
	for k := range r.skipped {
		reasons = append(reasons, k)
	}
	sort.Strings(reasons)
	for _, k := range reasons {
		res.Skipped = append(res.Skipped, Skip{Reason: k, Count: r.skipped[k]})
	}
	res.Aborted = r.aborted
	res.Detected = r.detections()
	r.mu.Unlock()
	res.Duration = time.Since(start)
	return res
}
