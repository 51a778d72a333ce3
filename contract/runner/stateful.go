package runner

import (
	"context"
	"errors"
	"fmt"

	"github.com/addons-contract/contract/contract"
	"github.com/addons-contract/contract/contract/target"

	"github.com/addons-contract/contract/gen"
	"github.com/leanovate/gopter"
	"github.com/leanovate/gopter/commands"
)

// stateAccounts are the accounts stateful sequences add plans to: those
// where adds succeed, with and without a Zoom Rooms base plan or a held
// add-on.
var stateAccounts = []string{contract.AccountPaid, contract.AccountRoomsBase, contract.AccountHasAddon}

// maxSequenceShrinks bounds gopter's shrinking of a failing sequence.
const maxSequenceShrinks = 100

// stateExample is the shrunk counterexample of a failing sequence.
type stateExample struct {
	ex      *contract.Exchange
	failure contract.Failure
	steps   []contract.Step
}

// machine is the gopter commands model of the endpoint: random sequences of
// adds on the accounts where adds succeed, each answer predicted by the
// plan model (see ledger). A sequence starts from a fresh server when the
// target is embedded, else from the one server the run shares.
//
// The model learns from answers (holdings of fixture accounts are unknown
// until the run sees them), so the expected answer is computed in
// PostCondition from the sequence's ledger as it stood before the step:
// each run of a sequence, shrink runs included, gets its own ledger from
// the initial state generator, so shrunk counterexamples never carry a
// stale expectation.
type machine struct {
	r   *runner
	ctx context.Context
	g   *gen.Generator

	seq       int          // sequences started while recording
	shrinking bool         // a sequence failed: runs from now on are shrink candidates
	original  *seqRun      // the failing sequence as first run
	last      *seqRun      // the last failing shrink candidate: the shrunk counterexample
	err       error        // a setup error (a fresh handler could not be built)
	bodies    []*stateStep // hand-picked focus adds
}

// seqState is the model state: the ledger of this run of the sequence
// (shared, mutated only in PostCondition) and the adds so far (immutable).
type seqState struct {
	know    *ledger
	history []*stateStep
}

// seqRun is the system under test of one run of a sequence.
type seqRun struct {
	target    target.Target
	seq       int
	recording bool
	failed    bool
	log       []contract.Step
	failStep  *contract.Exchange
	failAt    int // len(log) after the failing step
	failures  []contract.Failure
	skipped   bool
}

// stateStep is one command: add a body to an account with the master token.
type stateStep struct {
	m       *machine
	account string
	body    []byte
	adds    []contract.Add
}

// String makes counterexamples readable.
func (s *stateStep) String() string {
	return fmt.Sprintf("add(%s, %s)", s.account, s.body)
}

// stepResult is what Run returns to PostCondition.
type stepResult struct {
	run *seqRun
	c   *contract.Case
	ex  *contract.Exchange
}

var _ commands.Commands = (*machine)(nil)
var _ commands.Command = (*stateStep)(nil)

// runSequences runs cfg.Sequences random sequences of cfg.Steps adds as a
// gopter commands property seeded with the run's seed; a falsified
// sequence is shrunk and kept as the example of its findings.
func (r *runner) runSequences(ctx context.Context) error {
	m := &machine{r: r, ctx: ctx, g: r.gen}
	fx := r.cfg.Fixtures
	if rooms, ok := r.cfg.Op.RoomsAddon(); ok {
		m.bodies = append(m.bodies, m.step(contract.AccountRoomsBase, gen.PlainBody(rooms.Code, 1)))
	}
	m.bodies = append(m.bodies, m.step(contract.AccountHasAddon, gen.PlainBody(fx.HasAddonPlan, 2)))
	if phone, ok := gen.PhoneBody(r.cfg.Op); ok {
		for _, acct := range stateAccounts {
			m.bodies = append(m.bodies, m.step(acct, phone))
		}
	}

	params := gopter.DefaultTestParametersWithSeed(r.cfg.Seed)
	params.MinSuccessfulTests = r.cfg.Sequences
	params.MinSize = r.cfg.Steps
	params.MaxSize = r.cfg.Steps
	params.MaxShrinkCount = maxSequenceShrinks
	params.Workers = 1
	res := commands.Prop(m).Check(params)
	if m.err != nil {
		return m.err
	}
	if res.Status == gopter.TestError && res.Error != nil {
		return fmt.Errorf("contract: stateful sequences: %w", res.Error)
	}
	cx := m.last
	if cx == nil {
		cx = m.original
	}
	if cx != nil && cx.failStep != nil {
		r.mu.Lock()
		for _, f := range cx.failures {
			k := groupKey{f.Check, f.Row}
			if _, ok := r.stateEx[k]; !ok {
				r.stateEx[k] = &stateExample{ex: cx.failStep, failure: f, steps: cx.steps()}
			}
		}
		r.mu.Unlock()
	}
	return nil
}

func (m *machine) step(account string, body []byte) *stateStep {
	return &stateStep{m: m, account: account, body: body, adds: contract.AddsOf(m.r.cfg.Op, body)}
}

// NewSystemUnderTest starts one run of a sequence: a fresh embedded server,
// or the shared remote one.
func (m *machine) NewSystemUnderTest(commands.State) commands.SystemUnderTest {
	if !m.shrinking && !ownsSequence(m.r.cfg.Shard, m.seq+1) {
		// Another shard's sequence: generated alike in every shard, so the
		// sequences after it are too, and sent by that shard only.
		m.seq++
		return &seqRun{seq: m.seq, skipped: true}
	}
	t, err := m.r.target.Fresh()
	if err != nil && m.err == nil {
		m.err = err
	}
	s := &seqRun{target: t, recording: !m.shrinking}
	if s.recording {
		m.seq++
	}
	s.seq = m.seq
	if err != nil {
		s.skipped = true
	}
	return s
}

// DestroySystemUnderTest keeps failing runs: the first is the original
// counterexample, the last shrink candidate that failed is the shrunk one.
func (m *machine) DestroySystemUnderTest(sut commands.SystemUnderTest) {
	s := sut.(*seqRun)
	if !s.failed {
		return
	}
	if s.recording {
		m.original = s
		m.shrinking = true
		return
	}
	m.last = s
}

// GenInitialState makes a fresh model each time it is asked: gopter calls
// it once per run of a sequence.
func (m *machine) GenInitialState() gopter.Gen {
	return func(*gopter.GenParameters) *gopter.GenResult {
		return gopter.NewGenResult(&seqState{know: m.r.newLedger()}, gopter.NoShrinker)
	}
}

// InitialPreCondition accepts every initial state.
func (m *machine) InitialPreCondition(commands.State) bool { return true }

// GenCommand draws the next add: a third of the time the repeat of an
// earlier one (which a correct server must then refuse as already held),
// sometimes a hand-picked add (the Zoom Rooms add-on on rooms_base, the held
// plan on has_addon, the phone form), otherwise a generated valid body on a
// random account.
func (m *machine) GenCommand(state commands.State) gopter.Gen {
	st := state.(*seqState)
	valid := m.g.Valid()
	return func(p *gopter.GenParameters) *gopter.GenResult {
		if n := len(st.history); n > 0 && p.Rng.Intn(3) == 0 {
			return gopter.NewGenResult(st.history[p.Rng.Intn(n)], gopter.NoShrinker)
		}
		if len(m.bodies) > 0 && p.Rng.Intn(5) == 0 {
			return gopter.NewGenResult(m.bodies[p.Rng.Intn(len(m.bodies))], gopter.NoShrinker)
		}
		account := stateAccounts[p.Rng.Intn(len(stateAccounts))]
		var body []byte
		if v, ok := valid(p).Retrieve(); ok {
			body = v.(gen.Case).Body
		} else {
			body = gen.PlainBody(m.r.cfg.Fixtures.HasAddonPlan, 1)
		}
		return gopter.NewGenResult(m.step(account, body), gopter.NoShrinker)
	}
}

// Run sends the add; the answer is judged in PostCondition, where the
// model's state is at hand.
func (s *stateStep) Run(sut commands.SystemUnderTest) commands.Result {
	run := sut.(*seqRun)
	m := s.m
	if run.skipped || m.ctx.Err() != nil {
		return &stepResult{run: run}
	}
	if !run.recording && !m.r.takeResend() {
		// The run's resend budget is spent: the candidate is not sent, so
		// it does not fail, and gopter keeps the smallest that did.
		run.skipped = true
		return &stepResult{run: run}
	}
	c := &contract.Case{
		ID:   fmt.Sprintf("state/%03d/%02d", run.seq, len(run.log)),
		Kind: contract.KindState, Writes: true, Stateful: true, Adds: s.adds,
		Req: contract.Request{Account: s.account, Token: contract.TokenMaster, ContentType: m.r.mt, Body: s.body},
	}
	ex, err := m.r.send(m.ctx, run.target, c)
	switch {
	case errors.Is(err, errBudget):
		run.skipped = true
		if run.recording {
			m.r.skip(fmt.Sprintf("-max-requests %d reached", m.r.cfg.MaxRequests))
			m.r.abort(fmt.Sprintf("-max-requests %d reached", m.r.cfg.MaxRequests))
		}
		return &stepResult{run: run}
	case err != nil:
		if m.err == nil {
			m.err = err
		}
		run.skipped = true
		return &stepResult{run: run}
	case ex == nil:
		run.skipped = true
		return &stepResult{run: run}
	}
	return &stepResult{run: run, c: c, ex: ex}
}

// NextState appends the add to the history; what the account then holds
// is learnt from the answer (see machine).
func (s *stateStep) NextState(state commands.State) commands.State {
	st := state.(*seqState)
	h := make([]*stateStep, len(st.history), len(st.history)+1)
	copy(h, st.history)
	return &seqState{know: st.know, history: append(h, s)}
}

// PreCondition allows every add in every state.
func (s *stateStep) PreCondition(commands.State) bool { return true }

// PostCondition predicts the answer from the ledger as it stood before this
// step, judges the exchange with the run's checks, then lets the ledger
// learn from the answer. The step falsifies the sequence when a model
// check fails.
func (s *stateStep) PostCondition(state commands.State, result commands.Result) *gopter.PropResult {
	res := result.(*stepResult)
	if res.ex == nil {
		return &gopter.PropResult{Status: gopter.PropTrue}
	}
	m, run := s.m, res.run
	know := state.(*seqState).know
	res.c.Expect = know.predict(s.account, s.adds)
	pos := -1
	if run.recording {
		pos = m.r.nextPos()
	}
	rec := m.r.judge(res.ex, pos)
	if run.recording {
		for _, tx := range res.ex.Throttled {
			trec := m.r.judge(tx, pos)
			trec.unjudged = ""
			m.r.add(trec)
		}
	}
	if rec.unjudged != "" {
		// The target did not answer the step (rate limited): the model
		// learns nothing and judges nothing, and the sequence goes on.
		run.log = append(run.log, contract.Step{Case: res.c, Answer: answerLine(res.ex), Unjudged: true})
		if run.recording {
			m.r.add(rec)
		}
		return &gopter.PropResult{Status: gopter.PropTrue}
	}
	if res.ex.Err == nil {
		know.learn(m.r.cfg.Op, s.account, s.adds, rec.answer())
	}
	run.log = append(run.log, contract.Step{Case: res.c, Answer: answerLine(res.ex)})
	var bad []contract.Failure
	for _, f := range rec.fails {
		if m.r.model(f.Check) {
			bad = append(bad, f)
		}
	}
	if len(bad) > 0 && !run.failed {
		// A copy, taken before add: add drops the answer of a recorded
		// exchange that is no finding's example, and this one is the
		// counterexample's.
		ex := *res.ex
		run.failed, run.failStep, run.failures = true, &ex, bad
		run.failAt = len(run.log)
	}
	if run.recording {
		m.r.add(rec)
		m.r.mu.Lock()
		m.r.stateRuns++
		m.r.mu.Unlock()
	}
	if len(bad) == 0 {
		return &gopter.PropResult{Status: gopter.PropTrue}
	}
	return &gopter.PropResult{Status: gopter.PropFalse}
}

// answerLine is an exchange's answer in a few words.
func answerLine(ex *contract.Exchange) string {
	if ex.Err != nil {
		return "no answer (" + contract.Cause(ex.Err).Error() + ")"
	}
	return contract.ParseAnswer(ex).String()
}

// nextPos is the record position of the next stateful step.
func (r *runner) nextPos() int {
	r.mu.Lock()
	defer r.mu.Unlock()
	p := r.pos
	r.pos++
	return p
}

// steps is the counterexample's log up to and including the failing step.
func (s *seqRun) steps() []contract.Step {
	if s.failAt > 0 && s.failAt <= len(s.log) {
		return append([]contract.Step(nil), s.log[:s.failAt]...)
	}
	return append([]contract.Step(nil), s.log...)
}
