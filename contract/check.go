package contract

import (
	"fmt"
	"net/http"
	"sort"
	"strings"

	"github.com/addons-contract/contract/internal/words"

	"github.com/addons-contract/contract/fixtures"
	"github.com/addons-contract/contract/spec"
)

// Check is one named rule that judges exchanges. Checks are small values
// that compose: a run applies every selected check to every exchange it
// applies to, and collects every failure.
type Check interface {
	// ID is the name users select the check by (-checks, -skip-checks).
	ID() string
	// Doc is one line saying what the check holds the server to.
	Doc() string
	// Applies reports whether the check has anything to say about j.
	Applies(j *Judgement) bool
	// Judge returns the ways j breaks the check; nil when it holds.
	Judge(j *Judgement) []Failure
}

// Judgement is one exchange with everything a check needs to judge it.
type Judgement struct {
	Op        *spec.Operation
	Validator *spec.Validator
	Fixtures  fixtures.Fixtures
	Case      *Case
	Exchange  *Exchange
	AccountID string // the account id the request addressed
	Embedded  bool   // the target is the embedded mock, in its known initial state
	// Foreign reports the plan codes other shards of the run add (nil
	// unsharded): a 201's plan set shows them or not depending on timing.
	Foreign func(code string) bool

	ans    answer
	parsed bool
}

// answer returns the parsed response, parsing it once.
func (j *Judgement) answer() answer {
	if !j.parsed {
		j.ans = parseAnswer(j.Exchange)
		j.parsed = true
	}
	return j.ans
}

// answered reports whether a response came back.
func (j *Judgement) answered() bool { return j.Exchange.Err == nil && j.Exchange.Status != 0 }

// toOperation reports whether the request went to the operation itself
// (its method and path), not to another method or an unknown route.
func (j *Judgement) toOperation() bool {
	m := j.Case.Req.Method
	return (m == "" || m == j.Op.Method) && j.Case.Req.Path == ""
}

// row returns the expected error row, if the case expects one.
func (j *Judgement) row() (spec.ErrorRow, bool) {
	return j.Op.Row(j.Case.Expect.Row)
}

// fill returns the placeholder values a correct answer to j uses.
func (j *Judgement) fill() spec.Fill {
	f := spec.Fill{"subAccountId": {j.AccountID}}
	e := j.Case.Expect
	codes := append([]string(nil), e.Held...)
	if len(codes) == 0 {
		for _, a := range e.Plans {
			codes = append(codes, a.Code)
		}
	}
	if len(codes) > 0 {
		f["planCode"] = codes
	}
	return f
}

// ExpectKey names what a case expects, for grouping failures of checks
// that are not about one row: the row id, the expected status, or
// "created".
func ExpectKey(c *Case) string {
	switch {
	case c.Expect.Any:
		return "any"
	case c.Expect.Row != "":
		return c.Expect.Row
	case c.Expect.Status != 0:
		return fmt.Sprint(c.Expect.Status)
	}
	return "created"
}

// registry holds every check, in the order reports list them. A check
// with settings is registered by its zero value and configured for a run
// by its configure method.
var registry = []Check{
	noServerError{}, statusDocumented{}, contentType{}, responseSchema{}, errorRow{},
	invalidRejected{}, validAccepted{}, authEnforced{}, methodNotAllowed{}, stateModel{},
	goldenMatch{}, responseTime{}, uniqueKeys{},
}

// AllChecks returns every check, in the order reports list them.
func AllChecks() []Check { return append([]Check(nil), registry...) }

// Traits say how a run uses a check beyond Applies and Judge. A check
// declares them with a Traits method; the zero Traits are the usual case.
type Traits struct {
	// AnswerAlone: the check judges an answer by itself, whatever its case
	// expected, so it also judges a 429 the case did not ask for.
	AnswerAlone bool
	// Open: the check holds for every request, so it also judges cases
	// whose answer the contract leaves open (Expect.Open).
	Open bool
	// Unread: the check also judges an answer refused unread (over the
	// size or depth bound), which no other check can read.
	Unread bool
	// Model: the check judges the plan model, so its failure falsifies a
	// stateful sequence (and makes gopter shrink it).
	Model bool
	// NoShrink: the check's verdict is not a function of the payload alone
	// (a file, the clock, a sequence), so its examples are not shrunk.
	NoShrink bool
	// Needs lists the spec's x- tables the check judges by (spec.TableErrors,
	// spec.TableCatalog, spec.TableCheckOrder). Against a spec lacking one,
	// such as the vendor's own document, the check is off: it does not run,
	// and a run that selected it is INCONCLUSIVE (docs/SPEC-CHANGES.md).
	Needs []string
	// Idle: the check is without the settings it judges by (the golden
	// check without a set, response-time without a budget), as it stands
	// in the registry; a run leaves it out. Its constructor (Golden,
	// ResponseTime) builds it with them.
	Idle bool
}

// TraitsOf returns the traits c declares.
func TraitsOf(c Check) Traits {
	if t, ok := c.(interface{ Traits() Traits }); ok {
		return t.Traits()
	}
	return Traits{}
}

// OffLine says why c is off against op, "" when op carries every table
// c needs (Traits.Needs, spec.Operation.Missing).
func OffLine(c Check, op *spec.Operation) string {
	lack := op.Lacks(TraitsOf(c).Needs...)
	if len(lack) == 0 {
		return ""
	}
	return fmt.Sprintf("check %s off: it needs %s, which the spec lacks (leave it out with -skip-checks %s)",
		c.ID(), strings.Join(lack, " and "), c.ID())
}

// doubter is a check that can leave an answer unjudged for a cause that is
// not the server's (a golden file recorded against another spec revision).
// After the run it says which, one line each, and the run is INCONCLUSIVE:
// neither a pass nor a finding can be claimed on such an answer.
type doubter interface {
	doubts() []string
}

// keeper is a check that keeps what it sees during a run (the golden
// check's recording and stale files); fresh is the same check with an
// empty record.
type keeper interface {
	fresh() Check
}

// ForRun is c as one run applies it: a check that keeps what it sees gets
// an empty record, so one value built with its settings serves many runs.
func ForRun(c Check) Check {
	if k, ok := c.(keeper); ok {
		return k.fresh()
	}
	return c
}

// Doubts are the answers c left unjudged for a cause that is not the
// server's, one line each, once the run is over (see doubter).
func Doubts(c Check) []string {
	if d, ok := c.(doubter); ok {
		return d.doubts()
	}
	return nil
}

// Finish does the work c has left after a run's last judgement (the
// golden check rewriting its files with -update).
func Finish(c Check) error {
	if f, ok := c.(finisher); ok {
		return f.finish()
	}
	return nil
}

// finisher is a check with work left after the run's last judgement
// (the golden check writing what it recorded with -update).
type finisher interface {
	finish() error
}

// checkByID returns the registered check with id.
func checkByID(id string) (Check, bool) {
	for _, c := range registry {
		if c.ID() == id {
			return c, true
		}
	}
	return nil, false
}

// Shrinks reports whether the examples of check id's findings are shrunk
// (see Traits.NoShrink).
func Shrinks(id string) bool {
	c, ok := checkByID(id)
	return ok && !TraitsOf(c).NoShrink
}

// CheckIDs returns the ids of every check, in report order.
func CheckIDs() []string {
	var ids []string
	for _, c := range AllChecks() {
		ids = append(ids, c.ID())
	}
	return ids
}

// SelectChecks returns the checks named in only (all when empty) minus those
// in skip, in report order. An unknown id is an error listing the valid ones.
func SelectChecks(only, skip []string) ([]Check, error) {
	all := AllChecks()
	known := map[string]bool{}
	for _, c := range all {
		known[c.ID()] = true
	}
	var unknown []string
	set := func(ids []string) map[string]bool {
		m := map[string]bool{}
		for _, id := range ids {
			id = strings.TrimSpace(id)
			if id == "" {
				continue
			}
			if !known[id] {
				unknown = append(unknown, id)
			}
			m[id] = true
		}
		return m
	}
	in, out := set(only), set(skip)
	if len(unknown) > 0 {
		sort.Strings(unknown)
		return nil, fmt.Errorf("unknown check %s (valid: %s)", strings.Join(unknown, ", "), strings.Join(CheckIDs(), ", "))
	}
	var sel []Check
	for _, c := range all {
		if (len(in) == 0 || in[c.ID()]) && !out[c.ID()] {
			sel = append(sel, c)
		}
	}
	if len(sel) == 0 {
		return nil, fmt.Errorf("no check left to run (valid: %s)", strings.Join(CheckIDs(), ", "))
	}
	return sel, nil
}

// Apply applies checks to j, as a run does: the ids of the checks that applied, and every failure.
func Apply(checks []Check, j *Judgement) (applied []string, fails []Failure) {
	for _, c := range checks {
		if j.Case.Expect.Open && !TraitsOf(c).Open {
			continue
		}
		if !c.Applies(j) {
			continue
		}
		applied = append(applied, c.ID())
		for _, f := range c.Judge(j) {
			f.Check = c.ID()
			fails = append(fails, f)
		}
	}
	return applied, fails
}

// statusText renders an answer's status and, for JSON errors, its code and message.
func statusText(a answer) string {
	s := fmt.Sprint(a.status)
	if a.hasCode {
		s += fmt.Sprintf("/%d", a.code)
	}
	switch {
	case a.hasMessage:
		s += fmt.Sprintf(" %q", words.Clip(a.message, 120))
	case a.isJSON && a.status >= 400:
		s += " without a message"
	}
	return s
}

// statusOnly is the Want/Got shape of failures about the status alone.
type statusOnly struct{ Status int }

// errorAnswer is the Want/Got shape of failures about an error answer.
type errorAnswer struct {
	Status  int
	Code    any // int64, or nil when the body has no integer code
	Message any // string, or nil when the body has no string message
}

func gotError(a answer) errorAnswer {
	e := errorAnswer{Status: a.status}
	if a.hasCode {
		e.Code = a.code
	}
	if a.hasMessage {
		e.Message = a.message
	}
	return e
}

// wantError is row's answer with placeholders filled from fill. Where the
// template leaves text open ({detail}) and got's message fits it, got's
// message is used, so the diff shows only what is wrong.
func wantError(row spec.ErrorRow, fill spec.Fill, got answer) errorAnswer {
	w := errorAnswer{Status: row.Status, Code: int64(row.Code), Message: spec.FillMessage(row.Message, fill)}
	if got.hasMessage && spec.CompileTemplate(row.Message, fill).Fits(got.message) {
		w.Message = got.message
	}
	return w
}

// allowed reports whether an Allow header lists method.
func allowed(h http.Header, method string) bool {
	for _, v := range h.Values("Allow") {
		for _, m := range strings.Split(v, ",") {
			if strings.TrimSpace(m) == method {
				return true
			}
		}
	}
	return false
}
