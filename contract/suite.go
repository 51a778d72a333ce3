package contract

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math"
	"net/http"
	"slices"
	"strconv"
	"strings"

	"github.com/addons-contract/contract/fixtures"
	"github.com/addons-contract/contract/gen"
	"github.com/addons-contract/contract/spec"
)

// maxBody is the body size over which the contract answers 413.
const maxBody = 1 << 20

// unknownToken is the bearer token of the invalid_token cases: no server
// issues it, and it is no secret.
const unknownToken = "contract-unknown-token-0000"

// Suite is the cases of one run: the deterministic scenarios, sent first
// and one at a time, then the rest, sent by workers (stateful cases on the
// lane of their account, in order).
type Suite struct {
	Scenarios []*Case
	Cases     []*Case
	// Left lists the scenario groups left out for want of a spec table
	// (spec.Operation.Missing), with the cases each would have had.
	Left []Skip
}

// All returns every case, scenarios first.
func (s *Suite) All() []*Case {
	return append(append([]*Case(nil), s.Scenarios...), s.Cases...)
}

// BuildSuite makes the default suite of op from the fixtures and the
// generator: one scenario per error row reachable by input and per success
// path, the route and method cases, the auth cases, nInvalid generated
// invalid payloads (each expecting the row of its layer) and nValid
// generated valid payloads, sent to the paid account (writes, judged by the
// plan model) and to the accounts and token that must refuse them. The same
// seed gives the same cases.
func BuildSuite(op *spec.Operation, fx fixtures.Fixtures, g *gen.Generator, seed int64, nValid, nInvalid int) (*Suite, error) {
	b, err := newSuiteBuilder(op, fx, g, seed)
	if err != nil {
		return nil, err
	}
	s := &Suite{}
	s.Scenarios = append(s.Scenarios, s.gate(op, "matrix scenarios", b.matrix(), spec.TableErrors)...)
	s.Scenarios = append(s.Scenarios, b.successes()...)
	s.Scenarios = append(s.Scenarios, s.gate(op, "catalog sweep", b.catalogSweep(s.Scenarios), spec.TableCatalog)...)
	// Precedence: for every pair of rows in the spec's x-check-order, one
	// request that trips both checks must get the earlier row. A server that
	// runs its checks in another order passes every single-fault scenario
	// and fails only here.
	s.Scenarios = append(s.Scenarios, s.gate(op, "precedence scenarios", precedence(op, fx, b.mt, b.pageMap), spec.TableErrors, spec.TableCheckOrder)...)
	s.Scenarios = append(s.Scenarios, s.gate(op, "boundary scenarios", b.boundaries(), spec.TableErrors)...)
	s.Scenarios = append(s.Scenarios, b.route()...)
	rules := ruleScenarios(op, fx, b.mt, b.page, s.Scenarios) // contract/rules.go
	s.Scenarios = append(s.Scenarios, s.gate(op, "rule scenarios", rules, spec.TableErrors)...)

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
func (s *Suite) gate(op *spec.Operation, group string, cases []*Case, needs ...string) []*Case {
	lack := lacking(op, needs)
	if len(lack) == 0 {
		return cases
	}
	if len(cases) > 0 {
		s.Left = append(s.Left, Skip{Reason: lackReason(group, lack), Count: len(cases)})
	}
	return nil
}

// lacking returns the tables of needs that op lacks (spec.Operation.Missing).
func lacking(op *spec.Operation, needs []string) []string {
	var out []string
	for _, t := range needs {
		if slices.Contains(op.Missing(), t) {
			out = append(out, t)
		}
	}
	return out
}

// lackReason says that what needs the tables in lack is left out.
func lackReason(what string, lack []string) string {
	return fmt.Sprintf("%s need %s, which the spec lacks", what, strings.Join(lack, " and "))
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
func (b *suiteBuilder) post(id, account, token, ct string, body []byte) *Case {
	c := &Case{ID: id, Kind: KindScenario, Req: Request{Account: account, Token: token, ContentType: ct, Body: body}}
	c.Adds = AddsOf(b.op, body)
	return c
}

// expectRow makes c expect error row r.
func expectRow(c *Case, r string) *Case { c.Expect.Row = r; return c }

// writes marks c as a case a correct server adds plans on, judged by the plan model.
func writes(c *Case) *Case { c.Writes, c.Stateful = true, true; return c }

// matrix is the error rows, each reached by input alone; the harmless
// invalid_token case comes first: it is also the probe that the target
// answers.
func (b *suiteBuilder) matrix() []*Case {
	mt, page := b.mt, b.page
	out := []*Case{
		expectRow(b.post("matrix/invalid_token", AccountPaid, unknownToken, mt, page), spec.RowInvalidToken),
		expectRow(b.post("matrix/user_missing", AccountPaid, TokenUnknownUser, mt, page), spec.RowUserMissing),
		expectRow(b.post("matrix/account_missing", AccountMissing, TokenMaster, mt, page), spec.RowAccountMissing),
		expectRow(b.post("matrix/unsupported_media_type", AccountPaid, TokenMaster, "text/plain", page), spec.RowUnsupportedMedia),
		expectRow(b.post("matrix/invalid_body", AccountPaid, TokenMaster, mt, b.invalidBody), spec.RowInvalidBody),
		expectRow(b.post("matrix/body_too_large", AccountPaid, TokenMaster, mt, b.tooLarge), spec.RowBodyTooLarge),
		expectRow(b.post("matrix/volume_license", AccountPaid, TokenVolumeLicense, mt, page), spec.RowVolumeLicense),
		expectRow(b.post("matrix/self_pay", AccountSelfPay, TokenMaster, mt, page), spec.RowSelfPay),
		expectRow(b.post("matrix/free_plan", AccountFree, TokenMaster, mt, page), spec.RowFreePlan),
	}
	if rooms, ok := b.op.RoomsAddon(); ok {
		out = append(out, expectRow(b.post("matrix/rooms_base", AccountRoomsBase, TokenMaster, mt, plainBody(rooms.Code, b.hosts)), spec.RowRoomsBase))
	}
	already := b.post("matrix/already_has", AccountHasAddon, TokenMaster, mt, plainBody(b.fx.HasAddonPlan, b.hosts))
	already.Stateful = true // the model knows has_addon_plan is held: already_has, judged as an error row
	return append(out, already)
}

// successes is the success paths, and the repeat that must then be refused.
func (b *suiteBuilder) successes() []*Case {
	mt := b.mt
	out := []*Case{
		writes(b.post("success/page-example", AccountPaid, TokenMaster, mt, b.page)),
		writes(b.post("success/page-example-repeat", AccountPaid, TokenMaster, mt, b.page)),
	}
	if phone, ok := phoneBody(b.op); ok {
		out = append(out, writes(b.post("success/phone-form", AccountPaid, TokenMaster, mt, phone)))
	}
	rooms, _ := b.op.RoomsAddon()
	if code, ok := otherAddon(b.op, rooms.Code); ok {
		out = append(out, writes(b.post("success/rooms-base-other-addon", AccountRoomsBase, TokenMaster, mt, plainBody(code, b.hosts))))
	}
	if code, ok := otherAddon(b.op, b.fx.HasAddonPlan); ok {
		out = append(out, writes(b.post("success/has-addon-other-addon", AccountHasAddon, TokenMaster, mt, plainBody(code, b.hosts))))
	}
	return out
}

// catalogSweep adds every other add-on of the catalog, once, on paid:
// which codes a run reaches, and the place each lands at, must not depend
// on the seed. Hosts differ per code so an echo of the wrong request
// shows. Codes the earlier scenarios add to paid are left out.
func (b *suiteBuilder) catalogSweep(earlier []*Case) []*Case {
	used := map[string]bool{}
	for _, c := range earlier {
		if c.Req.Account == AccountPaid {
			for _, a := range c.Adds {
				used[a.Code] = true
			}
		}
	}
	var out []*Case
	for i, p := range b.op.Catalog {
		if p.Base || used[p.Code] {
			continue
		}
		out = append(out, writes(b.post("success/plan/"+p.Code, AccountPaid, TokenMaster, b.mt, plainBodyAs(p.Code, int64(i+2), i))))
	}
	return out
}

// boundaries are the edges the contract draws: an empty account id is an
// account that does not exist; a body of exactly the size limit is not too
// large; plan codes match case-sensitively. None of these writes.
func (b *suiteBuilder) boundaries() []*Case {
	atLimit := append(bytes.Clone(b.page), bytes.Repeat([]byte(" "), max(0, maxBody-len(b.page)))...)
	out := []*Case{
		expectRow(b.post("boundary/empty-account-id", "=", TokenMaster, b.mt, b.page), spec.RowAccountMissing),
		expectRow(b.post("boundary/body-at-size-limit", AccountSelfPay, TokenMaster, b.mt, atLimit), spec.RowSelfPay),
	}
	if code, ok := b.pageMap["type"].(string); ok && strings.ToUpper(code) != code {
		upper := mustJSON(withKey(b.pageMap, "type", strings.ToUpper(code)))
		out = append(out, expectRow(b.post("boundary/code-in-upper-case", AccountPaid, TokenMaster, b.mt, upper), spec.RowInvalidBody))
	}
	return out
}

// route is an unknown path, and GET on the operation's path.
func (b *suiteBuilder) route() []*Case {
	route := b.post("route/unknown-path", AccountPaid, TokenMaster, b.mt, b.page)
	route.Req.Path = "/contract-unknown-route"
	route.Expect = Expect{Status: http.StatusNotFound, Code: http.StatusNotFound}
	route.Adds = nil
	get := &Case{ID: "method/get", Kind: KindScenario, Req: Request{Method: http.MethodGet, Account: AccountPaid, Token: TokenMaster}, Expect: Expect{Status: http.StatusMethodNotAllowed}}
	return []*Case{route, get}
}

// methods are the other methods on the path, each to get 405.
func (b *suiteBuilder) methods() []*Case {
	var out []*Case
	for _, m := range []string{http.MethodPut, http.MethodPatch, http.MethodDelete} {
		c := &Case{ID: "method/" + strings.ToLower(m), Kind: KindMethod,
			Req:    Request{Method: m, Account: AccountPaid, Token: TokenMaster},
			Expect: Expect{Status: http.StatusMethodNotAllowed}}
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
func (b *suiteBuilder) auth() []*Case {
	auth := func(id, token, header, account, r string) *Case {
		return &Case{ID: "auth/" + id, Kind: KindAuth,
			Req:    Request{Account: account, Token: token, Auth: header, ContentType: b.mt, Body: b.page},
			Expect: Expect{Row: r}}
	}
	return []*Case{
		auth("no-header", TokenNone, "", AccountPaid, spec.RowInvalidToken),
		auth("bearer-without-token", TokenNone, "Bearer", AccountPaid, spec.RowInvalidToken),
		auth("basic-scheme", TokenNone, "Basic eHl6", AccountPaid, spec.RowInvalidToken),
		auth("unknown-token", "contract-unknown-token-0001", "", AccountPaid, spec.RowInvalidToken),
		auth("master-token-with-basic-scheme", TokenMaster, "Basic {token}", AccountPaid, spec.RowInvalidToken),
		auth("lowercase-bearer-scheme", TokenMaster, "bearer {token}", AccountMissing, spec.RowAccountMissing),
	}
}

// generatedInvalid is n generated invalid payloads, each expecting the row
// its layer answers.
func (b *suiteBuilder) generatedInvalid(g *gen.Generator, seed int64, n int) []*Case {
	var out []*Case
	for _, gc := range g.Cases(seed, n, false) {
		c := Generated(b.op, gc, false)
		c.ID = fmt.Sprintf("invalid/%s/%04d", gc.Class, gc.Index)
		c.Req.Account, c.Req.Token = AccountPaid, TokenMaster
		out = append(out, c)
	}
	return out
}

// generatedValid is n generated valid payloads: added where a 201 is
// still possible (the plan model judges), and refused by the self-pay and
// free accounts and the volume-license token. The catalog sweep adds every
// code to paid, so they go to the accounts that sweep leaves room on, in
// turn.
func (b *suiteBuilder) generatedValid(g *gen.Generator, seed int64, n int) []*Case {
	valid := g.Cases(seed, n, true)
	spare := spareAccounts(b.fx)
	var out []*Case
	for _, gc := range valid {
		c := Generated(b.op, gc, true)
		account := spare[gc.Index%len(spare)]
		c.ID = fmt.Sprintf("valid/%s/%04d", account, gc.Index)
		c.Req.Account, c.Req.Token = account, TokenMaster
		c.Writes, c.Stateful = true, true
		out = append(out, c)
	}
	refusals := []struct{ name, account, token, row string }{
		{"self_pay", AccountSelfPay, TokenMaster, spec.RowSelfPay},
		{"free", AccountFree, TokenMaster, spec.RowFreePlan},
		{"volume_license", AccountPaid, TokenVolumeLicense, spec.RowVolumeLicense},
	}
	for _, r := range refusals {
		for _, gc := range valid {
			c := Generated(b.op, gc, true)
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
		out = append(out, morePaidRole(i))
	}
	return append(out, AccountHasAddon, AccountRoomsBase)
}

// morePaidRole is the account role of the fixtures' i-th paid account
// after the first: "paid.2", "paid.3", ...
func morePaidRole(i int) string { return AccountPaid + "." + strconv.Itoa(i+2) }

// MorePaidIndex is the inverse of morePaidRole: which further paid
// account ("paid.2" is 0) a role names.
func MorePaidIndex(role string) (int, bool) {
	n, err := strconv.Atoi(strings.TrimPrefix(role, AccountPaid+"."))
	if !strings.HasPrefix(role, AccountPaid+".") || err != nil || n < 2 {
		return 0, false
	}
	return n - 2, true
}

// Generated turns a generated payload into a case, as the suite sends
// it: a valid one adds its plans, an invalid one expects the row its
// layer answers. The caller sets the id, the roles and what else it
// expects.
func Generated(op *spec.Operation, gc gen.Case, valid bool) *Case {
	c := &Case{Kind: KindInvalid, Class: gc.Class, Layer: string(gc.Layer), Field: gc.Field, Seed: gc.Seed, Index: gc.Index,
		Req: Request{ContentType: gc.ContentType, Body: gc.Body}}
	if valid {
		c.Kind, c.Adds = KindValid, AddsOf(op, gc.Body)
	} else {
		c.Expect.Row = layerRow(gc.Layer)
	}
	return c
}

// GenCase is the generated payload of c, for shrinking it.
func (c *Case) GenCase() gen.Case {
	return gen.Case{Seed: c.Seed, Index: c.Index, Class: c.Class, Layer: gen.Layer(c.Layer), Field: c.Field,
		ContentType: c.Req.ContentType, Body: c.Req.Body}
}

// layerRow is the row a correct server answers to an invalid case of layer.
func layerRow(l gen.Layer) string {
	switch l {
	case gen.LayerMedia:
		return spec.RowUnsupportedMedia
	case gen.LayerSize:
		return spec.RowBodyTooLarge
	}
	return spec.RowInvalidBody // schema, catalog and syntax
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

// plainBody is an add-on plan form body.
func plainBody(code string, hosts int64) []byte {
	return mustJSON(map[string]any{"type": code, "hosts": hosts})
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
func precedence(op *spec.Operation, fx fixtures.Fixtures, mt string, page map[string]any) []*Case {
	if _, ok := page["hosts"]; !ok {
		return nil // not the plain form: no body to vary
	}
	triggers := map[string]trigger{
		spec.RowInvalidToken:     {token: unknownToken},
		spec.RowUserMissing:      {token: TokenUnknownUser},
		spec.RowAccountMissing:   {account: AccountMissing},
		spec.RowUnsupportedMedia: {contentType: "text/plain"},
		spec.RowInvalidBody:      {set: map[string]any{"hosts": 0}},
		spec.RowVolumeLicense:    {token: TokenVolumeLicense},
		spec.RowSelfPay:          {account: AccountSelfPay},
		spec.RowFreePlan:         {account: AccountFree},
		spec.RowAlreadyHas:       {account: AccountHasAddon, set: map[string]any{"type": fx.HasAddonPlan}},
	}
	if rooms, ok := op.RoomsAddon(); ok {
		triggers[spec.RowRoomsBase] = trigger{account: AccountRoomsBase, set: map[string]any{"type": rooms.Code}}
	}
	var out []*Case
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
			req := Request{Token: TokenMaster, Account: AccountPaid, ContentType: mt}
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
			out = append(out, &Case{ID: "precedence/" + first + "-before-" + second, Kind: KindScenario,
				Req: req, Expect: Expect{Row: first}, Adds: AddsOf(op, req.Body)})
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

// phoneBody is a phone plan form body naming the code of each phone slot of
// the catalog.
func phoneBody(op *spec.Operation) ([]byte, bool) {
	code := func(place string) (string, bool) {
		for _, p := range op.Catalog {
			if p.Place == place && !p.Base {
				return p.Code, true
			}
		}
		return "", false
	}
	base, ok1 := code("plan_phone.plan_base")
	calling, ok2 := code("plan_phone.plan_calling[]")
	number, ok3 := code("plan_phone.plan_number[]")
	if !ok1 || !ok2 || !ok3 {
		return nil, false
	}
	return mustJSON(map[string]any{"plan_details": map[string]any{
		"plan_base":    map[string]any{"type": base, "callout_countries": "US,CA"},
		"plan_calling": []any{map[string]any{"type": calling, "hosts": 5}},
		"plan_number":  []any{map[string]any{"type": number, "hosts": 3}},
	}}), true
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

// AddsOf returns the catalog codes a body adds, in body order (the schema's
// property order), with the hosts sent beside each: string values of
// properties marked x-catalog, found by walking the body with the request
// schema. Bodies that are not JSON add nothing.
func AddsOf(op *spec.Operation, body []byte) []Add {
	v, ok := decodeJSON(body)
	if !ok || op.Body == nil {
		return nil
	}
	var out []Add
	walkAdds(op.Body.Schema, v, 0, &out)
	return out
}

func walkAdds(s *spec.Schema, v any, depth int, out *[]Add) {
	if s == nil || depth > 32 {
		return
	}
	switch x := v.(type) {
	case map[string]any:
		s = branchFor(s, x, depth)
		for _, p := range properties(s, depth) {
			val, ok := x[p.Name]
			if !ok || p.Schema == nil {
				continue
			}
			if _, cat := p.Schema.Extensions["x-catalog"]; cat {
				if code, ok := val.(string); ok {
					*out = append(*out, Add{Code: code, Hosts: hostsOf(x["hosts"])})
				}
				continue
			}
			walkAdds(p.Schema, val, depth+1, out)
		}
	case []any:
		for _, it := range x {
			walkAdds(s.Items, it, depth+1, out)
		}
	}
}

// branchFor picks, of a oneOf/anyOf schema, the first branch declaring
// every key of x; s itself when it has no branches or none fits.
func branchFor(s *spec.Schema, x map[string]any, depth int) *spec.Schema {
	branches := append(append([]*spec.Schema(nil), s.OneOf...), s.AnyOf...)
	for _, b := range branches {
		fits := true
		for k := range x {
			if b.Property(k) == nil {
				fits = false
				break
			}
		}
		if fits && depth < 32 {
			return branchFor(b, x, depth+1)
		}
	}
	return s
}

// properties lists s's properties in document order, allOf members' after its own.
func properties(s *spec.Schema, depth int) []spec.Property {
	if s == nil || depth > 32 {
		return nil
	}
	out := append([]spec.Property(nil), s.Properties...)
	for _, a := range s.AllOf {
		out = append(out, properties(a, depth+1)...)
	}
	return out
}

// hostsOf reads a JSON number that is an integer (18, 18.0, 1.8e1); 0 otherwise.
func hostsOf(v any) int64 {
	switch n := v.(type) {
	case json.Number:
		if i, err := n.Int64(); err == nil {
			return i
		}
		if f, err := strconv.ParseFloat(string(n), 64); err == nil && f == math.Trunc(f) && math.Abs(f) < 1<<53 {
			return int64(f)
		}
	case float64:
		if n == math.Trunc(n) && math.Abs(n) < 1<<53 {
			return int64(n)
		}
	}
	return 0
}

// sequenceNeeds are the tables the stateful sequences are made of: their
// adds are catalog codes, and the plan model that judges them refuses a
// held code with the matrix's already_has row.
var sequenceNeeds = []string{spec.TableErrors, spec.TableCatalog}

// leaveOut counts the scenario groups s left out for want of a spec table
// as skipped, and leaves out the stateful sequences likewise.
func (r *runner) leaveOut(s *Suite) {
	if r.cfg.Shard.K <= 1 { // the first shard's: merged reports add skips up
		for _, l := range s.Left {
			r.skipN(l.Reason, l.Count)
		}
	}
	lack := lacking(r.cfg.Op, sequenceNeeds)
	if len(lack) == 0 || r.cfg.Sequences == 0 {
		return
	}
	r.skipN(lackReason("stateful sequences", lack), r.ownSequences())
	r.cfg.Sequences = 0
}
