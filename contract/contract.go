// Package contract is what a run is made of and judged by: cases,
// exchanges and findings, and the named checks derived from the spec (the
// error matrix, the response schemas, the plan catalog and the state rule
// of the endpoint) that judge each answer. Package suite builds the cases,
// package runner sends them to a target and applies the checks. None of
// them knows how any server, the mock included, stores its accounts.
package contract

import (
	"bytes"
	"fmt"
	"net/http"
	"time"
)

// Kind says what a case is for; it decides which checks apply.
type Kind string

// Case kinds.
const (
	KindScenario Kind = "scenario" // deterministic, compared with a golden file
	KindValid    Kind = "valid"    // a generated valid body
	KindInvalid  Kind = "invalid"  // a generated invalid request (one mutation class)
	KindAuth     Kind = "auth"     // missing, malformed or unknown credentials
	KindMethod   Kind = "method"   // another method on the operation's path
	KindState    Kind = "state"    // one step of a stateful sequence
	KindFuzz     Kind = "fuzz"     // a fuzz input replayed from a corpus: any documented answer (Expect.Any)
)

// TokenVar is the shell variable a reproduction command reads the bearer
// token from; exchanges and reports carry it in place of every token.
const TokenVar = "$TOKEN"

// Token roles a case may send; anything else in Request.Token is sent literally.
const (
	TokenMaster        = "master"
	TokenVolumeLicense = "volume_license"
	TokenUnknownUser   = "unknown_user"
	TokenNone          = "none" // no Authorization header
)

// TokenExpiredMaster is the token role of the case that sends, on purpose,
// a master token kept past its lifetime (only with Credentials).
const TokenExpiredMaster = "expired_master"

// Account roles of the fixtures, as cases name them.
const (
	AccountPaid      = "paid"
	AccountFree      = "free"
	AccountSelfPay   = "self_pay"
	AccountRoomsBase = "rooms_base"
	AccountHasAddon  = "has_addon"
	AccountMissing   = "missing"
)

// IsTokenRole reports whether s names a fixture token.
func IsTokenRole(s string) bool {
	return s == TokenMaster || s == TokenVolumeLicense || s == TokenUnknownUser
}

// Request is a request described by fixture roles, not by fixture values, so
// the same case runs against any target and prints without secrets.
type Request struct {
	Method      string `json:"method,omitempty"`       // "" = the operation's method
	Account     string `json:"account"`                // account role ("paid", "free", ...) or, with a "=" prefix, a literal id ("=" alone is the empty id)
	Token       string `json:"token"`                  // token role (TokenMaster, ...) or TokenNone; see Auth to send a raw header
	Auth        string `json:"auth,omitempty"`         // when set, the raw Authorization header, with "{token}" standing for the Token role's value
	Path        string `json:"path,omitempty"`         // when set, a literal path sent instead of the operation's (unknown routes)
	ContentType string `json:"content_type,omitempty"` // "" = no Content-Type header
	Body        []byte `json:"body,omitempty"`         // base64 in JSON, so any bytes survive a save
}

// Expect is what a correct server must answer to a case.
type Expect struct {
	Row         string `json:"row,omitempty"`           // error row id the answer must match; "" when success is expected
	Status      int    `json:"status,omitempty"`        // expected status when no row applies (405, route 404); 0 = from Row or 201
	Code        int    `json:"code,omitempty"`          // expected body "code" when no row applies (route 404: 404); 0 = not judged
	Plans       []Add  `json:"plans,omitempty"`         // plans a success adds; checked at their catalog place
	MayHoldPlan bool   `json:"may_hold_plan,omitempty"` // the account may already hold the plan (state unknown): "already_has" naming it is correct too
	// Held lists, in body order, the codes an "already_has" answer may name:
	// with Row already_has, the ones it must name one of; with MayHoldPlan,
	// the ones whose holding the run does not know.
	Held []string `json:"held,omitempty"`
	// State is true when the expectation comes from what earlier answers of
	// this run showed (the plan model), not from the input and the fixtures
	// alone: the state-model check judges it instead of error-row.
	State bool `json:"state,omitempty"`
	// LimitProbe marks the cases of a scenario that reaches the target's
	// rate limit on purpose (the embedded mock's only): a 429 to one is
	// judged against what it expected, never waited out or resent.
	LimitProbe bool `json:"limit_probe,omitempty"`
	// Kept lists the codes this run saw added to the account before: a
	// 201 shows the account's whole plan set, so each must still be in it
	// (judged by state-model).
	Kept []string `json:"kept,omitempty"`
	// Any is true when any documented answer is right (fuzz inputs): no
	// 5xx, a schema-conformant body, and an error's status and code those
	// of some row of the matrix.
	Any bool `json:"any,omitempty"`
	// Open is true when the contract leaves the answer open on purpose
	// (the spec's x-left-open): the case is sent for coverage, and only
	// what holds for every request is judged (no 5xx, the response-time
	// budget); see judgesOpen.
	Open bool `json:"open,omitempty"`
}

// Add is one plan a request adds, with the hosts it sends (0 = no hosts sent).
type Add struct {
	Code  string `json:"code"`
	Hosts int64  `json:"hosts,omitempty"`
}

// Case is one request of a run and what it must get back.
type Case struct {
	ID     string `json:"id"`               // stable, unique within a run: "matrix/self_pay", "invalid/wrong-type/0017", ...
	Kind   Kind   `json:"kind"`             //
	Class  string `json:"class,omitempty"`  // mutation class for invalid cases, "" otherwise
	Layer  string `json:"layer,omitempty"`  // generator layer of a generated case ("schema", "catalog", "syntax", "media", "size")
	Field  string `json:"field,omitempty"`  // JSON path the mutation touched
	Seed   int64  `json:"seed,omitempty"`   // generator seed, 0 for hand-built scenarios
	Index  int    `json:"index,omitempty"`  // generator index
	Writes bool   `json:"writes,omitempty"` // a correct server changes state on this case (expected 201)
	// Stateful cases depend on what the account holds: they run in order on
	// their account's lane and their Expect is filled in from the run's plan
	// model just before they are sent (Adds says what the body adds).
	Stateful bool    `json:"stateful,omitempty"`
	Adds     []Add   `json:"adds,omitempty"` // catalog codes (and hosts) the body adds, in body order; nil for bodies that add nothing
	Req      Request `json:"request"`
	Expect   Expect  `json:"expect"`
}

// Clone copies c deeply enough that sending the copy (which fills in the
// Expect of stateful cases) never touches c.
func (c *Case) Clone() *Case {
	cp := *c
	cp.Req.Body = bytes.Clone(c.Req.Body)
	cp.Adds = append([]Add(nil), c.Adds...)
	cp.Expect.Plans = append([]Add(nil), c.Expect.Plans...)
	cp.Expect.Held = append([]string(nil), c.Expect.Held...)
	cp.Expect.Kept = append([]string(nil), c.Expect.Kept...)
	return &cp
}

// Exchange is one case as sent and as answered.
type Exchange struct {
	Case      *Case
	Method    string
	URL       string      // the full URL as sent (account ids are not secrets)
	ReqHeader http.Header // request headers as sent, every token replaced by "$TOKEN"
	Header    http.Header // response header
	Status    int         // 0 when no answer came (kept when the answer was refused unread)
	Body      []byte      // response body, at most 64 KiB; a run drops it once judged unless a finding shows it
	Err       error       // transport error (refused, reset, timeout) or a refused answer (ErrAnswerTooLarge, ErrAnswerTooDeep)
	Elapsed   time.Duration
	Retries   int // 429 answers retried before this one
	// Throttled holds the 429 answers to this case before this one: each
	// is judged as an answer (its status, body and Retry-After), not as
	// the answer the case expected.
	Throttled []*Exchange
}

// Answered reports whether a response came back.
func (ex *Exchange) Answered() bool { return ex.Err == nil && ex.Status != 0 }

// Failure is one way one exchange broke one check.
type Failure struct {
	Check  string // check id
	Row    string // matrix row or class the failure is about, for grouping
	Detail string // one line: "got 200, want 201"
	Want   any    // expected value, for a go-cmp diff (nil when Detail says it all)
	Got    any
}

// Finding is every failure of one (check, row) group: a cause, counted once.
type Finding struct {
	Check    string
	Row      string
	Count    int       // exchanges that failed this way
	Example  *Exchange // the smallest failing exchange
	Failure  Failure   // its failure
	Diff     string    // cmp.Diff(want, got), "(-want +got)"
	Shrunk   []byte    // the shrunk body still failing this check, nil when not shrunk
	Repro    *Exchange // the request reproducing the failure: the shrunk one when there is one, else Example
	CaseID   string
	CaseSeed int64
	// Steps is the shrunk sequence of a stateful counterexample, ending
	// with the failing step; nil otherwise.
	Steps []Step
}

// Step is one request of a stateful sequence and the answer it got.
type Step struct {
	Case     *Case
	Answer   string // the answer in one line: "201", `400/300 "…"`, "no answer: …"
	Unjudged bool   // the target did not really answer (rate limited): the model learnt nothing
}

// String renders the step as reports show it: `POST paid {"type":…} -> 201`.
func (s Step) String() string {
	line := fmt.Sprintf("POST %s %s -> %s", s.Case.Req.Account, s.Case.Req.Body, s.Answer)
	if s.Unjudged {
		line += " (unjudged)"
	}
	return line
}
