package runner

import (
	"slices"
	"sort"
	"sync"

	"github.com/addons-contract/contract/contract"
	"github.com/addons-contract/contract/fixtures"
	"github.com/addons-contract/contract/spec"
)

// ledger is the run's model of what each account holds. The spec says a
// fixture account's starting plans are the server's business, so the model
// knows only what the fixtures promise (has_addon holds has_addon_plan) and
// what answers of this run showed:
//   - a 201 means every code of the body is now held, and, being the
//     account's whole plan set, that every catalog code absent from it is
//     not held (so a later "already has" for it is wrong);
//   - an "already has" naming a code means that code is held.
//
// A code the run knows nothing about may be held or not, and a correct
// server may answer either way. Holdings only grow, so the model stays true
// however other cases interleave (cases on one account run in order).
type ledger struct {
	mu   sync.Mutex
	held map[string]map[string]holding // account role → code → what the run knows
	// rooms is the code the rooms_base row refuses (Operation.RoomsAddon);
	// "" when the spec names none.
	rooms string
	// shared is set when other shards add plans to the same server at
	// the same time: an absence from a 201 then says nothing about later
	// (notHeld is never learnt), and codes other shards own (foreign) are
	// theirs, not plans held before this run.
	shared  bool
	foreign func(code string) bool
}

// holding is what the run knows of one code on one account.
type holding int

const (
	heldFixture holding = iota + 1 // the fixtures promise it (has_addon_plan)
	heldBefore                     // an answer showed it held, though this run never added it
	added                          // a 201 of this run added it
	notHeld                        // absent from the whole plan set of a 201
)

func (h holding) held() bool { return h == heldFixture || h == heldBefore || h == added }

func newLedger(op *spec.Operation, fx fixtures.Fixtures) *ledger {
	l := &ledger{held: map[string]map[string]holding{
		contract.AccountHasAddon: {fx.HasAddonPlan: heldFixture},
	}}
	if rooms, ok := op.RoomsAddon(); ok {
		l.rooms = rooms.Code
	}
	return l
}

// predict returns what a correct server answers when adds (a body's codes,
// in body order) are added to account with a master token.
func (l *ledger) predict(account string, adds []contract.Add) contract.Expect {
	l.mu.Lock()
	defer l.mu.Unlock()
	if account == contract.AccountRoomsBase && l.rooms != "" {
		for _, a := range adds {
			if a.Code == l.rooms {
				return contract.Expect{Row: spec.RowRoomsBase}
			}
		}
	}
	held := l.held[account]
	var unknown []string
	for _, a := range adds {
		h := held[a.Code]
		if h == 0 {
			unknown = append(unknown, a.Code)
			continue
		}
		if h.held() {
			// The first code the model knows is held: a correct server names
			// it, or an earlier code of the body it may hold unknown to the run.
			return contract.Expect{Row: spec.RowAlreadyHas, Held: append(unknown, a.Code), State: h != heldFixture}
		}
	}
	e := contract.Expect{Plans: adds, MayHoldPlan: len(unknown) > 0, Held: unknown}
	for code, h := range held {
		if h == added && !slices.ContainsFunc(adds, func(a contract.Add) bool { return a.Code == code }) {
			e.Kept = append(e.Kept, code)
		}
	}
	sort.Strings(e.Kept)
	return e
}

// learn records what an answer to adding adds to account shows.
func (l *ledger) learn(op *spec.Operation, account string, adds []contract.Add, a contract.Answer) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.held[account] == nil {
		l.held[account] = map[string]holding{}
	}
	held := l.held[account]
	if a.Status() == 201 {
		for _, ad := range adds {
			held[ad.Code] = added
		}
		if !a.IsObject() {
			return // no plan set to learn from
		}
		for _, p := range op.Catalog {
			if p.Base || held[p.Code] != 0 && held[p.Code] != notHeld {
				continue
			}
			if a.Shows(p, p.Code) {
				held[p.Code] = heldBefore
			} else if !l.shared {
				held[p.Code] = notHeld
			}
		}
		return
	}
	row, ok := op.Row(spec.RowAlreadyHas)
	if !ok {
		return
	}
	if code, ok := a.NamedPlan(row); ok {
		for _, ad := range adds {
			// A code known not held stays so: the answer is wrong, and the
			// check that judged it says so.
			if ad.Code == code && held[code] == 0 {
				held[code] = heldBefore
			}
		}
	}
}

// newLedger is the plan model of a run or of one run of a sequence: on a
// server that other shards write to at the same time, it learns only what
// stays true whatever they add.
func (r *runner) newLedger() *ledger {
	l := newLedger(r.cfg.Op, r.cfg.Fixtures)
	l.shared = !r.cfg.Shard.Whole() && !r.cfg.Target.Embedded
	l.foreign = r.foreign
	return l
}

// heldBefore returns, per account role, the codes the run found held
// without having added them: state from earlier runs or other clients.
func (l *ledger) heldBefore() []contract.Held {
	l.mu.Lock()
	defer l.mu.Unlock()
	var out []contract.Held
	for account, codes := range l.held {
		var h contract.Held
		for code, state := range codes {
			if state == heldBefore && (l.foreign == nil || !l.foreign(code)) {
				h.Codes = append(h.Codes, code)
			}
		}
		if len(h.Codes) > 0 {
			h.Account = account
			sort.Strings(h.Codes)
			out = append(out, h)
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Account < out[j].Account })
	return out
}
