package suite

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math"
	"net/http"
	"net/url"
	"strings"

	"github.com/addons-contract/contract/contract"
	"github.com/addons-contract/contract/fixtures"
	"github.com/addons-contract/contract/gen"
	"github.com/addons-contract/contract/spec"
)

// mockUnknownUserLimit is how many requests the mock lets the fixtures'
// unknown_user token make in one window before it answers 429 (the mock's
// DefaultUnknownUserLimit; a test holds the two equal, since contract does
// not import mock).
const mockUnknownUserLimit = 12

// hostsMax is the largest hosts the spec allows (AddonPlanForm.hosts:
// maximum 2147483647), used when the schema gives none.
const hostsMax = math.MaxInt32

// ruleScenarios are the scenarios of the contract's rules that the rest of
// the suite leaves unsent or unjudged, each judged by an existing check:
//
//   - 413 comes before every other check (x-check-order-note: body_too_large
//     "answers whatever else is wrong"): a body over 1 MiB with no token, a
//     missing account, a wrong media type, or bytes that are no JSON (not
//     with the unknown_user token, whose requests the rate-limit scenario
//     counts: a server that checks size late would shift that count);
//   - the media type is compared as RFC 9110 says (415's "when"): with a
//     charset parameter or in another case it is still application/json;
//   - the path (accountId, "Path and method"): a percent-encoded id is
//     decoded, a query string is no part of the route, HEAD and OPTIONS
//     are other methods; a trailing slash and an encoded slash in the id
//     are left open (x-left-open) and sent unjudged (Expect.Open);
//   - the edges of the body rules: the base plan as an add-on, hosts one
//     over the maximum;
//   - dates (service_effective_date, paid_period_start_date): a leap day is
//     a real day and is added (201), a day that does not exist and another
//     format are invalid, and the phone form has no date fields;
//   - the rate_limited row, reached only against the mock (see rateLimit).
//
// Requests that must not change state go to the self_pay account: a
// correct server answers its self_pay row, which proves every earlier
// check passed without writing anything, and a server that wrongly takes
// an invalid body past its check answers that later row, which
// invalid-rejected reports. sent are the scenarios built before these, in
// the order they are sent.
func ruleScenarios(op *spec.Operation, fx fixtures.Fixtures, mt string, page []byte, sent []*contract.Case) []*contract.Case {
	var out []*contract.Case
	add := func(c *contract.Case) *contract.Case {
		if c.Kind == "" {
			c.Kind = contract.KindScenario
		}
		if c.Req.Method == "" {
			c.Adds = contract.AddsOf(op, c.Req.Body)
		}
		out = append(out, c)
		return c
	}
	post := func(id, account, token, ct string, body []byte, row string) *contract.Case {
		return add(&contract.Case{ID: "rules/" + id, Req: contract.Request{Account: account, Token: token, ContentType: ct, Body: body}, Expect: contract.Expect{Row: row}})
	}

	// 413 first. Where 413 falls against the route is left open, so these
	// all use the operation's path.
	tooLarge := padTo(page, maxBody+1)
	post("size/before-token", contract.AccountPaid, contract.TokenNone, mt, tooLarge, spec.RowBodyTooLarge)
	post("size/before-account", contract.AccountMissing, contract.TokenMaster, mt, tooLarge, spec.RowBodyTooLarge)
	post("size/before-media-type", contract.AccountPaid, contract.TokenMaster, "text/plain", tooLarge, spec.RowBodyTooLarge)
	post("size/before-body", contract.AccountPaid, contract.TokenMaster, mt, padTo([]byte(`{"hosts":`), maxBody+1), spec.RowBodyTooLarge)

	// Media types: the same type, written as clients do.
	post("media-type/charset-parameter", contract.AccountSelfPay, contract.TokenMaster, mt+"; charset=utf-8", page, spec.RowSelfPay)
	post("media-type/other-case", contract.AccountSelfPay, contract.TokenMaster, otherCase(mt), page, spec.RowSelfPay)

	// The path, as literal paths built on the missing account's id (so no
	// other account is addressed): account_missing's status and code prove
	// the route matched and the id was read, where the route's own 404
	// carries code 404. The message echoes the id; in which form is not
	// judged.
	missing := func(id, path string, open bool) {
		c := post(id, contract.AccountMissing, contract.TokenMaster, mt, page, "")
		c.Req.Path = path
		if row, ok := op.Row(spec.RowAccountMissing); ok && !open {
			c.Expect = contract.Expect{Status: row.Status, Code: row.Code}
		}
		c.Expect.Open = open
	}
	// A percent-encoded id is the decoded string: a space and a non-ASCII
	// letter, which no server issues in an id.
	missing("path/percent-encoded-id", op.PathFor(url.PathEscape(fx.Accounts.Missing+" é")), false)
	// A query string is no part of the path: the route matches, and the
	// operation has no query parameter for any check to judge.
	missing("path/query-string", op.PathFor(url.PathEscape(fx.Accounts.Missing))+"?contract=1", false)
	// Left open (x-left-open): sent, judged by nothing but no-server-error.
	missing("path/trailing-slash", op.PathFor(url.PathEscape(fx.Accounts.Missing))+"/", true)
	missing("path/encoded-slash-in-id", op.PathFor(url.PathEscape(fx.Accounts.Missing)+"%2Fx"), true)
	// HEAD and OPTIONS are other methods on the path.
	for _, m := range []string{http.MethodHead, http.MethodOptions} {
		add(&contract.Case{ID: "rules/method/" + strings.ToLower(m), Req: contract.Request{Method: m, Account: contract.AccountPaid, Token: contract.TokenMaster},
			Expect: contract.Expect{Status: http.StatusMethodNotAllowed}})
	}

	// Edges of the body rules, each one step past what is valid.
	var pageMap map[string]any
	_ = json.Unmarshal(page, &pageMap)
	code, _ := pageMap["type"].(string)
	if _, plain := pageMap["hosts"]; plain && code != "" {
		for _, p := range op.Catalog {
			if p.Base {
				post("edge/base-plan-as-add-on", contract.AccountSelfPay, contract.TokenMaster, mt, gen.PlainBody(p.Code, 18), spec.RowInvalidBody)
				break
			}
		}
		post("edge/hosts-over-maximum", contract.AccountSelfPay, contract.TokenMaster, mt,
			[]byte(`{"type":`+quote(code)+`,"hosts":`+itoa(hostsMaximum(op)+1)+`}`), spec.RowInvalidBody)

		// Dates: format date is an RFC 3339 full-date of a real day.
		dated := func(k, v string) []byte { return mustJSON(withKey(map[string]any{"type": code, "hosts": 18}, k, v)) }
		post("dates/not-a-real-day", contract.AccountSelfPay, contract.TokenMaster, mt, dated("service_effective_date", "2021-02-30"), spec.RowInvalidBody)
		post("dates/wrong-format", contract.AccountSelfPay, contract.TokenMaster, mt, dated("paid_period_start_date", "12/31/2021"), spec.RowInvalidBody)
		if leap, ok := freshAddon(op, contract.AccountRoomsBase, append(append([]*contract.Case(nil), sent...), out...)); ok {
			c := post("dates/leap-day-added", contract.AccountRoomsBase, contract.TokenMaster, mt, mustJSON(map[string]any{
				"type": leap, "hosts": 7, "service_effective_date": "2024-02-29", "paid_period_start_date": "2024-02-29",
			}), "")
			c.Writes, c.Stateful = true, true // a 201, judged by valid-accepted from the plan model
		}
	}
	if phone, ok := gen.PhoneBody(op); ok {
		var m map[string]any
		if json.Unmarshal(phone, &m) == nil {
			post("dates/phone-form-has-no-dates", contract.AccountSelfPay, contract.TokenMaster, mt,
				mustJSON(withKey(m, "service_effective_date", "2021-12-31")), spec.RowInvalidBody)
		}
	}

	return append(out, rateLimit(op, fx, mt, page, append(append([]*contract.Case(nil), sent...), out...))...)
}

// rateLimit is the scenario that reaches the rate_limited row: requests
// with the unknown_user token up to the mock's limit (each answered
// user_missing), then one over it, which must be answered 429 with
// Retry-After. It needs the runner to send that last case once, never
// retried, and to judge its 429.
//
// Only the mock's limit is known, so the scenario is built only when the
// fixtures are the mock's shipped ones, and Run sends it only to the
// embedded mock (LimitProbe): a run against any other target never
// provokes its limit. sent are the cases sent before, in order: their
// unknown_user requests count toward the limit.
func rateLimit(op *spec.Operation, fx fixtures.Fixtures, mt string, page []byte, sent []*contract.Case) []*contract.Case {
	if fx.Tokens != fixtures.Default().Tokens {
		return nil
	}
	// The mock checks the limit where the full check order puts
	// rate_limited (x-check-placement): after the size check, a body over
	// the limit spends nothing.
	sizeFirst := spec.Before(op.FullCheckOrder, spec.RowBodyTooLarge, spec.RowRateLimited)
	used := 0
	for _, c := range sent {
		if c.Req.Token == contract.TokenUnknownUser && c.Req.Auth == "" && !(sizeFirst && len(c.Req.Body) > maxBody) {
			used++
		}
	}
	if used > mockUnknownUserLimit {
		return nil // the limit is spent before: the suite has outgrown it
	}
	var out []*contract.Case
	for i := used; i < mockUnknownUserLimit; i++ {
		out = append(out, &contract.Case{ID: fmt.Sprintf("rules/rate-limit/within-limit-%02d", i+1), Kind: contract.KindScenario,
			Req:    contract.Request{Account: contract.AccountPaid, Token: contract.TokenUnknownUser, ContentType: mt, Body: page},
			Expect: contract.Expect{Row: spec.RowUserMissing, LimitProbe: true}})
	}
	return append(out, &contract.Case{ID: "rules/rate-limit/over-limit", Kind: contract.KindScenario,
		Req:    contract.Request{Account: contract.AccountPaid, Token: contract.TokenUnknownUser, ContentType: mt, Body: page},
		Expect: contract.Expect{Row: spec.RowRateLimited, LimitProbe: true}})
}

// freshAddon is an add-on of the plain form with a hosts place that no
// case in sent adds to account, other than the Zoom Rooms add-on: adding
// it answers 201 unless the account held it from the start.
func freshAddon(op *spec.Operation, account string, sent []*contract.Case) (string, bool) {
	used := map[string]bool{}
	if rooms, ok := op.RoomsAddon(); ok {
		used[rooms.Code] = true
	}
	for _, c := range sent {
		if c.Req.Account == account {
			for _, a := range c.Adds {
				used[a.Code] = true
			}
		}
	}
	for _, p := range op.Catalog {
		if !p.Base && p.Hosts && !used[p.Code] && !strings.HasPrefix(p.Place, "plan_phone.") {
			return p.Code, true
		}
	}
	return "", false
}

// hostsMaximum is the maximum of the plain form's hosts in the request
// schema, hostsMax when the schema states none.
func hostsMaximum(op *spec.Operation) int64 {
	body := op.Body.Schema
	for _, s := range append([]*spec.Schema{body}, append(body.OneOf, body.AnyOf...)...) {
		if p := s.Property("hosts"); p != nil && p.Maximum != nil && s.Property("type") != nil {
			return int64(*p.Maximum)
		}
	}
	return hostsMax
}

// padTo pads b with spaces (JSON whitespace) to n bytes.
func padTo(b []byte, n int) []byte {
	return append(bytes.Clone(b), bytes.Repeat([]byte(" "), max(0, n-len(b)))...)
}

// otherCase writes a media type as Application/JSON: the type with a
// capital, the subtype in capitals. Media types compare case-insensitively
// (RFC 9110, 8.3.1).
func otherCase(mt string) string {
	typ, sub, _ := strings.Cut(mt, "/")
	if typ == "" {
		return strings.ToUpper(mt)
	}
	return strings.ToUpper(typ[:1]) + typ[1:] + "/" + strings.ToUpper(sub)
}

func quote(s string) string { return string(mustJSON(s)) }

func itoa(n int64) string { return string(mustJSON(n)) }
