// Package suite builds the cases of a default run from the spec and the
// fixtures: a scenario group per table of the contract (error rows,
// successes, catalog, precedence, boundaries, rules, route, methods, auth)
// and the generated valid and invalid payloads. The same seed gives the same
// cases; package runner sends them and package contract's checks judge
// the answers.
package suite

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math"
	"net/http"
	"strconv"
	"strings"

	"github.com/addons-contract/contract/contract"
	"github.com/addons-contract/contract/contract/runner"
	"github.com/addons-contract/contract/fixtures"
	"github.com/addons-contract/contract/gen"
	"github.com/addons-contract/contract/spec"
)

// maxBody is the body size over which the contract answers 413.
const maxBody = 1 << 20

// unknownToken is the bearer token of the invalid_token cases: no server
// issues it, and it is no secret.
const unknownToken = "contract-unknown-token-0000"

// For is the default suite of a run of cfg: Build with cfg's operation,
// fixtures, seed, generator and counts.
func For(cfg runner.Config) (*contract.Suite, error) {
	if cfg.Op == nil {
		return nil, fmt.Errorf("contract: no operation to test")
	}
	g, err := cfg.Generator()
	if err != nil {
		return nil, err
	}
	valid, invalid := cfg.Generate()
	return Build(cfg.Op, cfg.Fixtures, g, cfg.Seed, valid, invalid)
}

// Build makes the default suite of op from the fixtures and the
// generator: one scenario per error row reachable by input and per success
// path, the route and method cases, the auth cases, nInvalid generated
// invalid payloads (each expecting the row of its layer) and nValid
// generated valid payloads, sent to the paid account (writes, judged by the
// plan model) and to the accounts and token that must refuse them. The same
// seed gives the same cases.
func Build(op *spec.Operation, fx fixtures.Fixtures, g *gen.Generator, seed int64, nValid, nInvalid int) (*contract.Suite, error) {
	b, err := newSuiteBuilder(op, fx, g, seed)
	if err != nil {
		return nil, err
	}
	s := &contract.Suite{}
	s.Scenarios = append(s.Scenarios, gate(s, op, "matrix scenarios", b.matrix(), spec.TableErrors)...)
	s.Scenarios = append(s.Scenarios, b.successes()...)
	s.Scenarios = append(s.Scenarios, gate(s, op, "catalog sweep", b.catalogSweep(s.Scenarios), spec.TableCatalog)...)
	// Precedence: for every pair of rows in the spec's x-check-order, one
	// request that trips both checks must get the earlier row. A server that
	// runs its checks in another order passes every single-fault scenario
	// and fails only here.
	s.Scenarios = append(s.Scenarios, gate(s, op, "precedence scenarios", precedence(op, fx, b.mt, b.pageMap), spec.TableErrors, spec.TableCheckOrder)...)
	s.Scenarios = append(s.Scenarios, gate(s, op, "boundary scenarios", b.boundaries(), spec.TableErrors)...)
	s.Scenarios = append(s.Scenarios, b.route()...)
	rules := ruleScenarios(op, fx, b.mt, b.page, s.Scenarios) // contract/rules.go
	s.Scenarios = append(s.Scenarios, gate(s, op, "rule scenarios", rules, spec.TableErrors)...)

	s.Cases = append(s.Cases, b.methods()...)
	s.Cases = append(s.Cases, b.auth()...)
	s.Cases = append(s.Cases, b.generatedInvalid(g, seed, nInvalid)...)
	s.Cases = append(s.Cases, b.generatedValid(g, seed, nValid)...)
	return s, nil
}

// gate returns cases, a scenario group made of the spec's tables needs,
// when op carries them all. Otherwise the group is left out and counted in
// s.Left: its cases would expect rows, codes or an order the spec does not
// state, and judge the server by rules it never saw.
func gate(s *contract.Suite, op *spec.Operation, group string, cases []*contract.Case, needs ...string) []*contract.Case {
	lack := op.Lacks(needs...)
	if len(lack) == 0 {
		return cases
	}
	if len(cases) > 0 {
		s.Left = append(s.Left, contract.LeftOut(group, lack, len(cases)))
	}
	return nil
}

// suiteBuilder holds what the scenario groups of a suite share: the
// operation, the fixtures, the request media type and the page example
// the scenarios send (with what is read from it).
type suiteBuilder struct {
	op          *spec.Operation
	fx          fixtures.Fixtures
	mt          string
	page        []byte         // the page's request example (or a generated valid body)
	pageMap     map[string]any // page decoded, nil when it is no object
	hosts       int64          // the page's hosts, 1 when it has none
	invalidBody []byte         // a body that matches no form: the body row whatever the schema
	tooLarge    []byte         // page padded past the size limit
}

func newSuiteBuilder(op *spec.Operation, fx fixtures.Fixtures, g *gen.Generator, seed int64) (*suiteBuilder, error) {
	if op == nil || op.Body == nil || op.Body.Schema == nil {
		return nil, fmt.Errorf("contract: the operation has no request body schema")
	}
	b := &suiteBuilder{op: op, fx: fx, mt: op.Body.MediaType, hosts: 1, invalidBody: []byte(`{}`)}
	if b.mt == "" {
		b.mt = "application/json"
	}
	page, err := pageExample(op, g, seed)
	if err != nil {
		return nil, err
	}
	b.page = page
	if err := json.Unmarshal(page, &b.pageMap); err == nil {
		if h, ok := b.pageMap["hosts"].(float64); ok && h >= 1 && h == math.Trunc(h) {
			b.hosts = int64(h)
		}
		if _, ok := b.pageMap["hosts"]; ok {
			b.invalidBody = mustJSON(withKey(b.pageMap, "hosts", 0))
		}
	}
	b.tooLarge = append(bytes.Clone(page), bytes.Repeat([]byte(" "), max(0, maxBody+1-len(page)))...)
	if len(page) > maxBody {
		b.tooLarge = page
	}
	return b, nil
}

// post is a scenario POSTing body to account with token and media type ct.
func (b *suiteBuilder) post(id, account, token, ct string, body []byte) *contract.Case {
	c := &contract.Case{ID: id, Kind: contract.KindScenario, Req: contract.Request{Account: account, Token: token, ContentType: ct, Body: body}}
	c.Adds = contract.AddsOf(b.op, body)
	return c
}

// expectRow makes c expect error row r.
func expectRow(c *contract.Case, r string) *contract.Case { c.Expect.Row = r; return c }

// writes marks c as a case a correct server adds plans on, judged by the plan model.
func writes(c *contract.Case) *contract.Case { c.Writes, c.Stateful = true, true; return c }

// matrix is the error rows, each reached by input alone; the harmless
// invalid_token case comes first: it is also the probe that the target
// answers.
func (b *suiteBuilder) matrix() []*contract.Case {
	mt, page := b.mt, b.page
	out := []*contract.Case{
		expectRow(b.post("matrix/invalid_token", contract.AccountPaid, unknownToken, mt, page), spec.RowInvalidToken),
		expectRow(b.post("matrix/user_missing", contract.AccountPaid, contract.TokenUnknownUser, mt, page), spec.RowUserMissing),
		expectRow(b.post("matrix/account_missing", contract.AccountMissing, contract.TokenMaster, mt, page), spec.RowAccountMissing),
		expectRow(b.post("matrix/unsupported_media_type", contract.AccountPaid, contract.TokenMaster, "text/plain", page), spec.RowUnsupportedMedia),
		expectRow(b.post("matrix/invalid_body", contract.AccountPaid, contract.TokenMaster, mt, b.invalidBody), spec.RowInvalidBody),
		expectRow(b.post("matrix/body_too_large", contract.AccountPaid, contract.TokenMaster, mt, b.tooLarge), spec.RowBodyTooLarge),
		expectRow(b.post("matrix/volume_license", contract.AccountPaid, contract.TokenVolumeLicense, mt, page), spec.RowVolumeLicense),
		expectRow(b.post("matrix/self_pay", contract.AccountSelfPay, contract.TokenMaster, mt, page), spec.RowSelfPay),
		expectRow(b.post("matrix/free_plan", contract.AccountFree, contract.TokenMaster, mt, page), spec.RowFreePlan),
	}
	if rooms, ok := b.op.RoomsAddon(); ok {
		out = append(out, expectRow(b.post("matrix/rooms_base", contract.AccountRoomsBase, contract.TokenMaster, mt, gen.PlainBody(rooms.Code, b.hosts)), spec.RowRoomsBase))
	}
	already := b.post("matrix/already_has", contract.AccountHasAddon, contract.TokenMaster, mt, gen.PlainBody(b.fx.HasAddonPlan, b.hosts))
	already.Stateful = true // the model knows has_addon_plan is held: already_has, judged as an error row
	return append(out, already)
}

// successes is the success paths, and the repeat that must then be refused.
func (b *suiteBuilder) successes() []*contract.Case {
	mt := b.mt
	out := []*contract.Case{
		writes(b.post("success/page-example", contract.AccountPaid, contract.TokenMaster, mt, b.page)),
		writes(b.post("success/page-example-repeat", contract.AccountPaid, contract.TokenMaster, mt, b.page)),
	}
	if phone, ok := gen.PhoneBody(b.op); ok {
		out = append(out, writes(b.post("success/phone-form", contract.AccountPaid, contract.TokenMaster, mt, phone)))
	}
	rooms, _ := b.op.RoomsAddon()
	if code, ok := otherAddon(b.op, rooms.Code); ok {
		out = append(out, writes(b.post("success/rooms-base-other-addon", contract.AccountRoomsBase, contract.TokenMaster, mt, gen.PlainBody(code, b.hosts))))
	}
	if code, ok := otherAddon(b.op, b.fx.HasAddonPlan); ok {
		out = append(out, writes(b.post("success/has-addon-other-addon", contract.AccountHasAddon, contract.TokenMaster, mt, gen.PlainBody(code, b.hosts))))
	}
	return out
}

// catalogSweep adds every other add-on of the catalog, once, on paid:
// which codes a run reaches, and the place each lands at, must not depend
// on the seed. Hosts differ per code so an echo of the wrong request
// shows. Codes the earlier scenarios add to paid are left out.
func (b *suiteBuilder) catalogSweep(earlier []*contract.Case) []*contract.Case {
	used := map[string]bool{}
	for _, c := range earlier {
		if c.Req.Account == contract.AccountPaid {
			for _, a := range c.Adds {
				used[a.Code] = true
			}
		}
	}
	var out []*contract.Case
	for i, p := range b.op.Catalog {
		if p.Base || used[p.Code] {
			continue
		}
		out = append(out, writes(b.post("success/plan/"+p.Code, contract.AccountPaid, contract.TokenMaster, b.mt, plainBodyAs(p.Code, int64(i+2), i))))
	}
	return out
}

// boundaries are the edges the contract draws: an empty account id is an
// account that does not exist; a body of exactly the size limit is not too
// large; plan codes match case-sensitively. None of these writes.
func (b *suiteBuilder) boundaries() []*contract.Case {
	atLimit := append(bytes.Clone(b.page), bytes.Repeat([]byte(" "), max(0, maxBody-len(b.page)))...)
	out := []*contract.Case{
		expectRow(b.post("boundary/empty-account-id", "=", contract.TokenMaster, b.mt, b.page), spec.RowAccountMissing),
		expectRow(b.post("boundary/body-at-size-limit", contract.AccountSelfPay, contract.TokenMaster, b.mt, atLimit), spec.RowSelfPay),
	}
	if code, ok := b.pageMap["type"].(string); ok && strings.ToUpper(code) != code {
		upper := mustJSON(withKey(b.pageMap, "type", strings.ToUpper(code)))
		out = append(out, expectRow(b.post("boundary/code-in-upper-case", contract.AccountPaid, contract.TokenMaster, b.mt, upper), spec.RowInvalidBody))
	}
	return out
}

// route is an unknown path, and GET on the operation's path.
func (b *suiteBuilder) route() []*contract.Case {
	route := b.post("route/unknown-path", contract.AccountPaid, contract.TokenMaster, b.mt, b.page)
	route.Req.Path = "/contract-unknown-route"
	route.Expect = contract.Expect{Status: http.StatusNotFound, Code: http.StatusNotFound}
	route.Adds = nil
	get := &contract.Case{ID: "method/get", Kind: contract.KindScenario, Req: contract.Request{Method: http.MethodGet, Account: contract.AccountPaid, Token: contract.TokenMaster}, Expect: contract.Expect{Status: http.StatusMethodNotAllowed}}
	return []*contract.Case{route, get}
}

// methods are the other methods on the path, each to get 405.
func (b *suiteBuilder) methods() []*contract.Case {
	var out []*contract.Case
	for _, m := range []string{http.MethodPut, http.MethodPatch, http.MethodDelete} {
		c := &contract.Case{ID: "method/" + strings.ToLower(m), Kind: contract.KindMethod,
			Req:    contract.Request{Method: m, Account: contract.AccountPaid, Token: contract.TokenMaster},
			Expect: contract.Expect{Status: http.StatusMethodNotAllowed}}
		if m != http.MethodDelete {
			c.Req.ContentType, c.Req.Body = b.mt, b.page
		}
		out = append(out, c)
	}
	return out
}

// auth is the credentials cases: missing, malformed and unknown get 401; a
// valid token with the scheme in lower case must get past the token check,
// which the missing account's 404 proves without writing anything.
func (b *suiteBuilder) auth() []*contract.Case {
	auth := func(id, token, header, account, r string) *contract.Case {
		return &contract.Case{ID: "auth/" + id, Kind: contract.KindAuth,
			Req:    contract.Request{Account: account, Token: token, Auth: header, ContentType: b.mt, Body: b.page},
			Expect: contract.Expect{Row: r}}
	}
	return []*contract.Case{
		auth("no-header", contract.TokenNone, "", contract.AccountPaid, spec.RowInvalidToken),
		auth("bearer-without-token", contract.TokenNone, "Bearer", contract.AccountPaid, spec.RowInvalidToken),
		auth("basic-scheme", contract.TokenNone, "Basic eHl6", contract.AccountPaid, spec.RowInvalidToken),
		auth("unknown-token", "contract-unknown-token-0001", "", contract.AccountPaid, spec.RowInvalidToken),
		auth("master-token-with-basic-scheme", contract.TokenMaster, "Basic {token}", contract.AccountPaid, spec.RowInvalidToken),
		auth("lowercase-bearer-scheme", contract.TokenMaster, "bearer {token}", contract.AccountMissing, spec.RowAccountMissing),
	}
}

// generatedInvalid is n generated invalid payloads, each expecting the row
// its layer answers.
func (b *suiteBuilder) generatedInvalid(g *gen.Generator, seed int64, n int) []*contract.Case {
	var out []*contract.Case
	for _, gc := range g.Cases(seed, n, false) {
		c := contract.Generated(b.op, gc, false)
		c.ID = fmt.Sprintf("invalid/%s/%04d", gc.Class, gc.Index)
		c.Req.Account, c.Req.Token = contract.AccountPaid, contract.TokenMaster
		out = append(out, c)
	}
	return out
}

// generatedValid is n generated valid payloads: added where a 201 is
// still possible (the plan model judges), and refused by the self-pay and
// free accounts and the volume-license token. The catalog sweep adds every
// code to paid, so they go to the accounts that sweep leaves room on, in
// turn.
func (b *suiteBuilder) generatedValid(g *gen.Generator, seed int64, n int) []*contract.Case {
	valid := g.Cases(seed, n, true)
	spare := spareAccounts(b.fx)
	var out []*contract.Case
	for _, gc := range valid {
		c := contract.Generated(b.op, gc, true)
		account := spare[gc.Index%len(spare)]
		c.ID = fmt.Sprintf("valid/%s/%04d", account, gc.Index)
		c.Req.Account, c.Req.Token = account, contract.TokenMaster
		c.Writes, c.Stateful = true, true
		out = append(out, c)
	}
	refusals := []struct{ name, account, token, row string }{
		{"self_pay", contract.AccountSelfPay, contract.TokenMaster, spec.RowSelfPay},
		{"free", contract.AccountFree, contract.TokenMaster, spec.RowFreePlan},
		{"volume_license", contract.AccountPaid, contract.TokenVolumeLicense, spec.RowVolumeLicense},
	}
	for _, r := range refusals {
		for _, gc := range valid {
			c := contract.Generated(b.op, gc, true)
			c.ID = fmt.Sprintf("valid/%s/%04d", r.name, gc.Index)
			c.Req.Account, c.Req.Token = r.account, r.token
			c.Expect.Row = r.row
			out = append(out, c)
		}
	}
	return out
}

// spareAccounts are the accounts generated valid bodies are added to:
// those where adds succeed (spec: any catalog add-on but the one each
// holds) and that the catalog sweep leaves room on.
func spareAccounts(fx fixtures.Fixtures) []string {
	var out []string
	for i := range fx.Accounts.MorePaid {
		out = append(out, contract.MorePaidRole(i))
	}
	return append(out, contract.AccountHasAddon, contract.AccountRoomsBase)
}

// pageExample is the request example of the spec (the page's), or a
// generated valid body when the spec has none.
func pageExample(op *spec.Operation, g *gen.Generator, seed int64) ([]byte, error) {
	for _, ex := range op.Body.Examples {
		if b, err := json.Marshal(ex.Value); err == nil {
			return b, nil
		}
	}
	cs := g.Cases(seed, 1, true)
	if len(cs) == 0 {
		return nil, fmt.Errorf("contract: no request example and no valid body to send")
	}
	return cs[0].Body, nil
}

// plainBodyAs is plainBody with hosts written in one of the forms JSON
// Schema counts as the same integer (the spec (spec/addons.yaml): 18, 18.0 and 1.8e1 are all
// 18), chosen by i, and once as the largest int32: a server must take them
// all.
func plainBodyAs(code string, hosts int64, i int) []byte {
	h := strconv.FormatInt(hosts, 10)
	switch i % 4 {
	case 1:
		h += ".0"
	case 2:
		h += "e0"
	case 3:
		h = strconv.Itoa(math.MaxInt32)
	}
	return []byte(`{"type":` + strconv.Quote(code) + `,"hosts":` + h + `}`)
}

// trigger is how a request trips one check of the server: the request
// parts it sets, and the members it sets in the base body. A part left
// empty keeps the base request's.
type trigger struct {
	token, account, contentType string
	set                         map[string]any
}

// precedence builds, for each ordered pair of rows in op.CheckOrder whose
// triggers touch different parts of the request, one scenario that trips
// both and expects the earlier row. The base request (master token, paid
// account, the page example as JSON) trips none; body triggers change one
// member of it each (hosts 0 makes it invalid, a type makes it a plan the
// account cannot take), so two of them combine when they touch different
// members.
func precedence(op *spec.Operation, fx fixtures.Fixtures, mt string, page map[string]any) []*contract.Case {
	if _, ok := page["hosts"]; !ok {
		return nil // not the plain form: no body to vary
	}
	triggers := map[string]trigger{
		spec.RowInvalidToken:     {token: unknownToken},
		spec.RowUserMissing:      {token: contract.TokenUnknownUser},
		spec.RowAccountMissing:   {account: contract.AccountMissing},
		spec.RowUnsupportedMedia: {contentType: "text/plain"},
		spec.RowInvalidBody:      {set: map[string]any{"hosts": 0}},
		spec.RowVolumeLicense:    {token: contract.TokenVolumeLicense},
		spec.RowSelfPay:          {account: contract.AccountSelfPay},
		spec.RowFreePlan:         {account: contract.AccountFree},
		spec.RowAlreadyHas:       {account: contract.AccountHasAddon, set: map[string]any{"type": fx.HasAddonPlan}},
	}
	if rooms, ok := op.RoomsAddon(); ok {
		triggers[spec.RowRoomsBase] = trigger{account: contract.AccountRoomsBase, set: map[string]any{"type": rooms.Code}}
	}
	var out []*contract.Case
	for i, first := range op.CheckOrder {
		a, ok := triggers[first]
		if !ok {
			continue
		}
		for _, second := range op.CheckOrder[i+1:] {
			b, ok := triggers[second]
			if !ok || clash(a, b) {
				continue
			}
			req := contract.Request{Token: contract.TokenMaster, Account: contract.AccountPaid, ContentType: mt}
			body := page
			for _, t := range []trigger{b, a} {
				if t.token != "" {
					req.Token = t.token
				}
				if t.account != "" {
					req.Account = t.account
				}
				if t.contentType != "" {
					req.ContentType = t.contentType
				}
				for k, v := range t.set {
					body = withKey(body, k, v)
				}
			}
			req.Body = mustJSON(body)
			out = append(out, &contract.Case{ID: "precedence/" + first + "-before-" + second, Kind: contract.KindScenario,
				Req: req, Expect: contract.Expect{Row: first}, Adds: contract.AddsOf(op, req.Body)})
		}
	}
	return out
}

// clash reports whether two triggers set the same part of a request, so
// that one request cannot trip both.
func clash(a, b trigger) bool {
	if (a.token != "" && b.token != "") || (a.account != "" && b.account != "") || (a.contentType != "" && b.contentType != "") {
		return true
	}
	for k := range a.set {
		if _, ok := b.set[k]; ok {
			return true
		}
	}
	return false
}

// otherAddon is the first add-on code of the catalog with a hosts place
// that is not except.
func otherAddon(op *spec.Operation, except string) (string, bool) {
	for _, p := range op.Catalog {
		if !p.Base && p.Hosts && p.Code != except && !strings.HasPrefix(p.Place, "plan_phone.") {
			return p.Code, true
		}
	}
	return "", false
}

func withKey(m map[string]any, k string, v any) map[string]any {
	out := make(map[string]any, len(m))
	for kk, vv := range m {
		out[kk] = vv
	}
	out[k] = v
	return out
}

func mustJSON(v any) []byte {
	b, err := json.Marshal(v)
	if err != nil {
		panic("contract: " + err.Error()) // only plain maps of strings and numbers are marshalled here
	}
	return b
}
