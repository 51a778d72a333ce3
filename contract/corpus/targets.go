package corpus

import (
	"bytes"
	"cmp"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"reflect"
	"slices"
	"strings"

	"github.com/addons-contract/contract/contract"
	"github.com/addons-contract/contract/contract/target"
	"github.com/addons-contract/contract/fixtures"
	"github.com/addons-contract/contract/gen"
	"github.com/addons-contract/contract/internal/words"
	"github.com/addons-contract/contract/spec"
)

// Decoder turns the arguments of the native fuzz targets into the cases
// they send. The fuzz targets (fuzz/fuzz_test.go, mock/fuzz_test.go) and
// LoadCorpus both decode with it, so a committed fuzz input replays as the
// request its fuzz target sent.
type Decoder struct {
	Op       *spec.Operation
	Gen      *gen.Generator    // regenerates FuzzStructured inputs; nil refuses them
	Fixtures fixtures.Fixtures // the values the fuzz targets send: the mock's, fixtures.Default()
}

// FuzzTarget is one native fuzz target whose inputs replay as cases: its
// name (the directory of its inputs), the types of its fuzz arguments and
// the Decoder method that makes its case.
type FuzzTarget struct {
	Name   string
	Types  []reflect.Type
	decode func(d *Decoder, args []any) (*contract.Case, error)
}

// FuzzTargets are the native fuzz targets whose inputs replay as cases.
var FuzzTargets = []FuzzTarget{
	target4("FuzzHandler", (*Decoder).Handler),
	target4("FuzzRawRequest", func(d *Decoder, account, token byte, contentType string, body []byte) (*contract.Case, error) {
		return d.RawRequest(account, token, contentType, body), nil
	}),
	target3("FuzzStructured", (*Decoder).Structured),
}

// Decode makes the case of one input of t; its arguments must have t's types.
func (t FuzzTarget) Decode(d *Decoder, args []any) (*contract.Case, error) {
	got := make([]reflect.Type, len(args))
	for i, a := range args {
		got[i] = reflect.TypeOf(a)
	}
	if !slices.Equal(got, t.Types) {
		return nil, fmt.Errorf("%s takes (%s), the file holds (%s)", t.Name, typeNames(t.Types), typeNames(got))
	}
	return t.decode(d, args)
}

// fuzzTarget finds a target of FuzzTargets by name.
func fuzzTarget(name string) (FuzzTarget, bool) {
	i := slices.IndexFunc(FuzzTargets, func(t FuzzTarget) bool { return t.Name == name })
	if i < 0 {
		return FuzzTarget{}, false
	}
	return FuzzTargets[i], true
}

func target3[A, B, C any](name string, f func(*Decoder, A, B, C) (*contract.Case, error)) FuzzTarget {
	return FuzzTarget{Name: name, Types: []reflect.Type{reflect.TypeFor[A](), reflect.TypeFor[B](), reflect.TypeFor[C]()},
		decode: func(d *Decoder, a []any) (*contract.Case, error) { return f(d, a[0].(A), a[1].(B), a[2].(C)) }}
}

func target4[A, B, C, D any](name string, f func(*Decoder, A, B, C, D) (*contract.Case, error)) FuzzTarget {
	return FuzzTarget{Name: name, Types: []reflect.Type{reflect.TypeFor[A](), reflect.TypeFor[B](), reflect.TypeFor[C](), reflect.TypeFor[D]()},
		decode: func(d *Decoder, a []any) (*contract.Case, error) { return f(d, a[0].(A), a[1].(B), a[2].(C), a[3].(D)) }}
}

// accountRoles are the fixtures' account roles, in the order of
// accountIDs. FuzzRawRequest picks from them by index (rawAccounts), so
// the order is part of every committed FuzzRawRequest input.
var accountRoles = []string{contract.AccountPaid, contract.AccountFree, contract.AccountSelfPay,
	contract.AccountRoomsBase, contract.AccountHasAddon, contract.AccountMissing}

// accountIDs are a's ids of accountRoles, in their order.
func accountIDs(a fixtures.Accounts) []string {
	return []string{a.Paid, a.Free, a.SelfPay, a.RoomsBase, a.HasAddon, a.Missing}
}

// tokenRoles are the fixtures' token roles, in the order of tokenValues:
// the order FuzzHandler's Authorization header is searched for them in.
var tokenRoles = []string{contract.TokenVolumeLicense, contract.TokenUnknownUser, contract.TokenMaster}

func tokenValues(t fixtures.Tokens) []string {
	return []string{t.VolumeLicense, t.UnknownUser, t.Master}
}

// FuzzRawRequest's role tables: its bytes pick a role modulo the table
// ("=" is the empty account id). Length and order are part of every
// committed FuzzRawRequest input.
var (
	rawAccounts = append(slices.Clone(accountRoles), "=")
	rawTokens   = []string{contract.TokenMaster, contract.TokenVolumeLicense, contract.TokenUnknownUser, "not-a-fixture-token"}
)

// RawRequest is FuzzRawRequest's case: contentType and body sent to the
// account role and with the token role its bytes pick; any answer that
// holds the invariants passes.
func (d *Decoder) RawRequest(account, token byte, contentType string, body []byte) *contract.Case {
	c := &contract.Case{Kind: contract.KindFuzz, Expect: contract.Expect{Any: true}, Req: contract.Request{
		Account: rawAccounts[int(account)%len(rawAccounts)], Token: rawTokens[int(token)%len(rawTokens)],
		ContentType: contentType, Body: body}}
	c.Writes = mayWrite(c.Req)
	return c
}

// Structured is FuzzStructured's case: the generated payload (seed,
// index), valid or not, sent as the suite sends generated cases, to the
// paid account with the master token; a valid one is judged by the plan
// model.
func (d *Decoder) Structured(seed int64, index uint16, valid bool) (*contract.Case, error) {
	if d.Gen == nil {
		return nil, errors.New("FuzzStructured inputs need the operation's generator")
	}
	c := contract.Generated(d.Op, d.Gen.At(seed, int(index), valid), valid)
	c.Writes, c.Stateful = valid, valid
	c.Req.Account, c.Req.Token = contract.AccountPaid, contract.TokenMaster
	return c, nil
}

// Handler is FuzzHandler's case: a raw path suffix (after "/accounts/")
// and Authorization header, with fixture ids and tokens turned into roles
// so no token value travels into a case. A suffix that is not the
// operation's path is sent as a literal path. It fails for a suffix no
// client can send and for a header holding "{token}", which a case's Auth
// reserves.
func (d *Decoder) Handler(suffix, auth, contentType string, body []byte) (*contract.Case, error) {
	u, err := url.Parse("/accounts/" + suffix)
	if err != nil {
		return nil, fmt.Errorf("path suffix %q is no URL path a client can send: %v", words.Clip(suffix, 60), err)
	}
	if strings.Contains(auth, "{token}") {
		return nil, errors.New(`an Authorization header holding "{token}" cannot be replayed`)
	}
	r := contract.Request{Account: contract.AccountPaid, Path: u.RequestURI(), ContentType: contentType, Body: body}
	idPart, ok := strings.CutSuffix(suffix, "/plans/addons")
	id, uerr := url.PathUnescape(idPart)
	if ok && !strings.ContainsAny(idPart, "/?#") && uerr == nil && url.PathEscape(id) == idPart {
		// The operation's path as the runner builds it: an account role.
		r.Account, r.Path = "="+id, ""
		if i := slices.Index(accountIDs(d.Fixtures.Accounts), id); i >= 0 {
			r.Account = accountRoles[i]
		}
	}
	r.Token, r.Auth = contract.TokenNone, auth
	for i, v := range tokenValues(d.Fixtures.Tokens) {
		if v != "" && strings.Contains(auth, v) {
			r.Token, r.Auth = tokenRoles[i], strings.ReplaceAll(auth, v, "{token}")
			break
		}
	}
	c := &contract.Case{Kind: contract.KindFuzz, Req: r, Expect: contract.Expect{Any: true}}
	c.Writes = mayWrite(c.Req)
	return c, nil
}

// mayWrite reports whether a fuzz request could add a plan on a correct
// server: the master token to an account where adds succeed.
func mayWrite(r contract.Request) bool {
	if r.Token != contract.TokenMaster || r.Path != "" {
		return false
	}
	switch r.Account {
	case contract.AccountPaid, contract.AccountRoomsBase, contract.AccountHasAddon:
		return true
	}
	_, more := contract.MorePaidIndex(r.Account)
	return more
}

// Request is the request the runner sends for c to the embedded target
// (at target.EmbeddedBaseURL), c's roles resolved with d.Fixtures. The
// fuzz targets send it with an embedded target's client, as replay does;
// the fuzz package's tests hold it to what the runner sends.
func (d *Decoder) Request(c *contract.Case) (*http.Request, error) {
	path := c.Req.Path
	if path == "" {
		id, err := accountID(d.Fixtures.Accounts, c.Req.Account)
		if err != nil {
			return nil, err
		}
		// The operation has one path parameter, the account id.
		open, end := strings.Index(d.Op.Path, "{"), strings.Index(d.Op.Path, "}")
		path = d.Op.Path[:open] + url.PathEscape(id) + d.Op.Path[end+1:]
	}
	req, err := http.NewRequest(cmp.Or(c.Req.Method, d.Op.Method), target.EmbeddedBaseURL+path, bytes.NewReader(c.Req.Body))
	if err != nil {
		return nil, err
	}
	if c.Req.ContentType != "" {
		req.Header.Set("Content-Type", c.Req.ContentType)
	}
	tok := c.Req.Token
	if i := slices.Index(tokenRoles, tok); i >= 0 {
		tok = tokenValues(d.Fixtures.Tokens)[i]
	} else if tok == contract.TokenNone {
		tok = ""
	}
	switch {
	case c.Req.Auth != "":
		req.Header.Set("Authorization", strings.ReplaceAll(c.Req.Auth, "{token}", tok))
	case tok != "":
		req.Header.Set("Authorization", "Bearer "+tok)
	}
	return req, nil
}

// accountID resolves an account role, or a "=" literal, to an id of a.
func accountID(a fixtures.Accounts, role string) (string, error) {
	if id, ok := strings.CutPrefix(role, "="); ok {
		return id, nil
	}
	if i := slices.Index(accountRoles, role); i >= 0 {
		return accountIDs(a)[i], nil
	}
	if n, ok := contract.MorePaidIndex(role); ok && n < len(a.MorePaid) {
		return a.MorePaid[n], nil
	}
	return "", fmt.Errorf("account role %q is none of the fixtures'", role)
}
