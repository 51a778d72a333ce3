package contract

import (
	"sync"

	"github.com/addons-contract/contract/fixtures"
	"github.com/addons-contract/contract/spec"
)

// roomsAddon is the Zoom Rooms add-on code, the only one the rooms_base row
// refuses (ADDONS.md; the spec states it in the row's "when" prose).
const roomsAddon = "zroom_monthly"

// Account roles of the fixtures, as cases name them.
const (
	AccountPaid      = "paid"
	AccountFree      = "free"
	AccountSelfPay   = "self_pay"
	AccountRoomsBase = "rooms_base"
	AccountHasAddon  = "has_addon"
	AccountMissing   = "missing"
)

// ledger is the run's model of what each account holds. The contract says
// a fixture account's starting plans are the server's business, so the
// model knows only what the fixtures promise (has_addon holds
// has_addon_plan) and what answers of this run showed: a 201 means every
// code of the body is now held, an "already has" naming a code means that
// code is held. A code the run knows nothing about may be held or not, and
// a correct server may answer either way. Holdings only grow, so the model
// stays true however other cases interleave.
type ledger struct {
	mu   sync.Mutex
	held map[string]map[string]bool // account role → code → learned from this run (false: from the fixtures)
}

func newLedger(fx fixtures.Fixtures) *ledger {
	return &ledger{held: map[string]map[string]bool{
		AccountHasAddon: {fx.HasAddonPlan: false},
	}}
}

// predict returns what a correct server answers when adds (a body's codes,
// in body order) are added to account with a master token.
func (l *ledger) predict(account string, adds []Add) Expect {
	l.mu.Lock()
	defer l.mu.Unlock()
	if account == AccountRoomsBase {
		for _, a := range adds {
			if a.Code == roomsAddon {
				return Expect{Row: rowRoomsBase}
			}
		}
	}
	held := l.held[account]
	var unknown []string
	for _, a := range adds {
		learned, known := held[a.Code]
		if !known {
			unknown = append(unknown, a.Code)
			continue
		}
		// The first code the model knows is held: a correct server names it,
		// or an earlier code of the body it may hold unknown to the run.
		return Expect{Row: rowAlreadyHas, Held: append(unknown, a.Code), State: learned}
	}
	return Expect{Plans: adds, MayHoldPlan: len(unknown) > 0, Held: unknown}
}

// learn records what an answer to adding adds to account shows.
func (l *ledger) learn(op *spec.Operation, account string, adds []Add, a answer) {
	l.mu.Lock()
	defer l.mu.Unlock()
	mark := func(code string) {
		if l.held[account] == nil {
			l.held[account] = map[string]bool{}
		}
		if _, known := l.held[account][code]; !known {
			l.held[account][code] = true
		}
	}
	if a.status == 201 {
		for _, ad := range adds {
			mark(ad.Code)
		}
		return
	}
	row, ok := findRow(op, rowAlreadyHas)
	if !ok {
		return
	}
	if code, ok := namedPlan(row, a); ok {
		for _, ad := range adds {
			if ad.Code == code {
				mark(code)
			}
		}
	}
}
