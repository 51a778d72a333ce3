package contract

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/addons-contract/contract/golden"
	"github.com/addons-contract/contract/spec"
)

// Row ids the checks refer to by name (x-error-codes ids in the spec).
const (
	rowInvalidToken   = "invalid_token"
	rowAlreadyHas     = "already_has"
	rowRoomsBase      = "rooms_base"
	rowInvalidBody    = "invalid_body"
	rowBodyTooLarge   = "body_too_large"
	rowUnsupported    = "unsupported_media_type"
	rowRateLimited    = "rate_limited"
	rowVolume         = "volume_license"
	rowSelfPay        = "self_pay"
	rowFreePlan       = "free_plan"
	rowUserMissing    = "user_missing"
	rowAccountMissing = "account_missing"
)

// rejectionRows are the rows that answer a request the client got wrong
// (its body or its media type), which invalid-rejected guards.
var rejectionRows = map[string]bool{rowInvalidBody: true, rowBodyTooLarge: true, rowUnsupported: true}

// noServerError: no 5xx and no dropped connection, whatever was sent.
type noServerError struct{}

var _ Check = noServerError{}

func (noServerError) ID() string { return CheckNoServerError }
func (noServerError) Doc() string {
	return "no answer is a 5xx and no connection is dropped, whatever the request"
}
func (noServerError) Applies(*Judgement) bool { return true }
func (noServerError) Judge(j *Judgement) []Failure {
	ex := j.Exchange
	switch {
	case ex.Err != nil && isTimeout(ex.Err):
		return []Failure{{Row: expectKey(j.Case), Detail: "no answer within the timeout: " + unwrapURLError(ex.Err).Error()}}
	case ex.Err != nil:
		return []Failure{{Row: expectKey(j.Case), Detail: "no answer: " + unwrapURLError(ex.Err).Error()}}
	case ex.Status >= 500:
		a := j.answer()
		return []Failure{{Row: expectKey(j.Case), Detail: fmt.Sprintf("got %s, want no 5xx", statusText(a))}}
	}
	return nil
}

// statusDocumented: the status is one the operation documents.
type statusDocumented struct{}

var _ Check = statusDocumented{}

func (statusDocumented) ID() string { return CheckStatusDocumented }
func (statusDocumented) Doc() string {
	return "every status is one the operation documents"
}
func (statusDocumented) Applies(j *Judgement) bool { return j.answered() }
func (statusDocumented) Judge(j *Judgement) []Failure {
	if documented(j.Op, j.Exchange.Status) != nil {
		return nil
	}
	var list []string
	for _, r := range j.Op.Responses {
		if r.Status != 0 {
			list = append(list, strconv.Itoa(r.Status))
		}
	}
	return []Failure{{
		Row:    strconv.Itoa(j.Exchange.Status),
		Detail: fmt.Sprintf("status %d is not documented for %s %s (documented: %s)", j.Exchange.Status, j.Op.Method, j.Op.Path, strings.Join(list, ", ")),
	}}
}

// documented returns the response documenting status (or the default one), nil when none.
func documented(op *spec.Operation, status int) *spec.Response {
	var def *spec.Response
	for _, r := range op.Responses {
		if r.Status == status {
			return r
		}
		if r.Status == 0 {
			def = r
		}
	}
	return def
}

// contentType: a documented answer with content carries its media type.
type contentType struct{}

var _ Check = contentType{}

func (contentType) ID() string { return CheckContentType }
func (contentType) Doc() string {
	return "answers with a documented body carry its media type (application/json)"
}
func (contentType) Applies(j *Judgement) bool {
	if !j.answered() || j.Exchange.Status == http.StatusMethodNotAllowed {
		return false // the body of a 405 is left open by the contract
	}
	r := documented(j.Op, j.Exchange.Status)
	return r != nil && r.MediaType != ""
}
func (contentType) Judge(j *Judgement) []Failure {
	want := documented(j.Op, j.Exchange.Status).MediaType
	got := j.answer().mediaType
	if strings.EqualFold(got, want) {
		return nil
	}
	raw := j.Exchange.Header.Get("Content-Type")
	row := got
	if row == "" {
		row = "none"
	}
	return []Failure{{
		Row:    row,
		Detail: fmt.Sprintf("status %d: got Content-Type %q, want %s", j.Exchange.Status, raw, want),
		Want:   want, Got: raw,
	}}
}

// responseSchema: the answer conforms to the spec (body schema of its
// status, formats asserted, documented headers), as libopenapi-validator
// judges it. Status and media type are left to their own checks.
type responseSchema struct{}

var _ Check = responseSchema{}

func (responseSchema) ID() string { return CheckResponseSchema }
func (responseSchema) Doc() string {
	return "the body conforms to the schema of its status (formats asserted) and documented headers are present"
}
func (responseSchema) Applies(j *Judgement) bool {
	return j.answered() && j.Validator != nil && j.toOperation() && documented(j.Op, j.Exchange.Status) != nil
}
func (responseSchema) Judge(j *Judgement) []Failure {
	id := j.AccountID
	if id == "" {
		id = "_" // the route must still match to find the operation; the id is not judged
	}
	path := strings.Replace(j.Op.Path, "{"+pathParamName(j.Op)+"}", url.PathEscape(id), 1)
	req, err := http.NewRequest(j.Op.Method, path, nil)
	if err != nil {
		return []Failure{{Row: "request", Detail: err.Error()}}
	}
	var out []Failure
	for _, p := range j.Validator.Response(req, j.Exchange.Status, j.Exchange.Header, j.Exchange.Body) {
		if p.Keyword == "status" || p.Keyword == "content-type" {
			continue
		}
		out = append(out, Failure{
			Row:    schemaGroup(j.Exchange.Status, p),
			Detail: fmt.Sprintf("status %d: %s", j.Exchange.Status, p.Message),
		})
	}
	return out
}

// schemaGroup groups schema failures by cause: the status class, the
// keyword and the last element of the field (indices dropped), so a
// string "hosts" in every plan of a 201 is one finding.
func schemaGroup(status int, p spec.Problem) string {
	field := p.Field
	if i := strings.LastIndexAny(field, ".]"); i >= 0 && i+1 < len(field) {
		field = field[i+1:]
	}
	if i := strings.IndexByte(field, '['); i >= 0 {
		field = field[:i]
	}
	s := fmt.Sprintf("%dxx %s", status/100, p.Keyword)
	if field != "" {
		s += " " + field
	}
	return s
}

// pathParamName is the name of the operation's (first) path parameter.
func pathParamName(op *spec.Operation) string {
	for _, p := range op.Parameters {
		if p.In == "path" {
			return p.Name
		}
	}
	return "accountId"
}

// errorRow: a case that must hit a row of the error matrix gets exactly
// that row: status, code, and a message fitting its template with the
// placeholders filled. Any 429 must be the rate_limited row with a
// Retry-After header.
type errorRow struct{}

var _ Check = errorRow{}

func (errorRow) ID() string { return CheckErrorRow }
func (errorRow) Doc() string {
	return "status, code and message match the error-matrix row the input must hit; a 429 carries code 429 and Retry-After"
}
func (errorRow) Applies(j *Judgement) bool {
	if !j.answered() {
		return false
	}
	if j.Exchange.Status == http.StatusTooManyRequests {
		return true
	}
	e := j.Case.Expect
	if e.Any {
		// A fuzz input may get any row; an error must still be one (5xx are
		// no-server-error's, routes other than the operation's have no row).
		return j.toOperation() && j.Exchange.Status >= 400 && j.Exchange.Status < 500
	}
	if e.State || e.Status == http.StatusMethodNotAllowed {
		return false // the state model and method-not-allowed judge those
	}
	return e.Row != "" || e.Status != 0
}
func (errorRow) Judge(j *Judgement) []Failure {
	a := j.answer()
	if a.status == http.StatusTooManyRequests {
		return judgeRateLimited(j, a)
	}
	e := j.Case.Expect
	if e.Any {
		return judgeAnyRow(j, a)
	}
	if e.Row == "" {
		want := errorAnswer{Status: e.Status}
		got := errorAnswer{Status: a.status}
		if e.Code != 0 {
			want.Code = int64(e.Code)
			if a.hasCode {
				got.Code = a.code
			}
		}
		if want == got {
			return nil
		}
		return []Failure{{Row: expectKey(j.Case), Detail: fmt.Sprintf("got %s, want %s", statusText(a), describeWant(want)), Want: want, Got: got}}
	}
	row, ok := j.row()
	if !ok {
		return []Failure{{Row: e.Row, Detail: fmt.Sprintf("the case expects row %q, which the spec does not define", e.Row)}}
	}
	fill := j.fill()
	if matchesRow(row, a, fill) {
		return nil
	}
	return []Failure{{
		Row:    row.ID,
		Detail: fmt.Sprintf("got %s, want %s", statusText(a), describeRow(row, fill)),
		Want:   wantError(row, fill, a), Got: gotError(a),
	}}
}

func describeWant(w errorAnswer) string {
	s := fmt.Sprint(w.Status)
	if w.Code != nil {
		s += fmt.Sprintf("/%v", w.Code)
	}
	if m, ok := w.Message.(string); ok {
		s += fmt.Sprintf(" %q", clip(m, 120))
	}
	return s
}

// describeRow is what a row's answer must be, in words: status/code and the
// message with the placeholders the runner can fill; a message that is
// free text ({detail}) is left out, since any non-empty one is right.
func describeRow(row spec.ErrorRow, fill map[string][]string) string {
	s := fmt.Sprintf("%d/%d", row.Status, row.Code)
	msg := fillTemplate(row.Message, fill)
	if msg == "{detail}" {
		return s + " with a message"
	}
	return s + fmt.Sprintf(" %q", clip(msg, 120))
}

// judgeAnyRow holds an error answer to a fuzz input to the matrix: its
// status and code must be those of some row (which row is the input's
// business, so the message is not judged).
func judgeAnyRow(j *Judgement, a answer) []Failure {
	if a.hasCode {
		for _, r := range j.Op.Errors {
			if r.Status == a.status && int64(r.Code) == a.code {
				return nil
			}
		}
	}
	return []Failure{{Row: expectKey(j.Case), Detail: fmt.Sprintf("got %s, want the status and code of some error-matrix row", statusText(a)), Got: gotError(a)}}
}

// judgeRateLimited holds a 429 to the rate_limited row and its Retry-After header.
func judgeRateLimited(j *Judgement, a answer) []Failure {
	var out []Failure
	if row, ok := j.Op.Row(rowRateLimited); ok && !matchesRow(row, a, nil) {
		out = append(out, Failure{Row: rowRateLimited, Detail: fmt.Sprintf("got %s, want %s", statusText(a), describeRow(row, nil)), Want: wantError(row, nil, a), Got: gotError(a)})
	}
	ra := strings.TrimSpace(j.Exchange.Header.Get("Retry-After"))
	if n, err := strconv.Atoi(ra); err != nil || n < 0 {
		out = append(out, Failure{Row: rowRateLimited, Detail: fmt.Sprintf("429 with Retry-After %q, want a number of seconds", ra)})
	}
	return out
}

// invalidRejected: an invalid request (a generated invalid payload, or a
// scenario whose body or media type is wrong) is answered 4xx, never 2xx.
type invalidRejected struct{}

var _ Check = invalidRejected{}

func (invalidRejected) ID() string { return CheckInvalidRejected }
func (invalidRejected) Doc() string {
	return "every invalid payload is rejected with a 4xx, never accepted"
}
func (invalidRejected) Applies(j *Judgement) bool {
	return j.answered() && (j.Case.Kind == KindInvalid || rejectionRows[j.Case.Expect.Row])
}
func (invalidRejected) Judge(j *Judgement) []Failure {
	s := j.Exchange.Status
	expected := j.Case.Expect.Row
	var passed string // a row the server reached only by taking the input for valid
	if s >= 400 {
		if s >= 500 {
			return nil // no-server-error's
		}
		if passed = laterRow(j.Op, expected, rowOf(j.Op, j.answer())); passed == "" {
			return nil // rejected; whether with the right row is error-row's
		}
	}
	key := expected
	if j.Case.Class != "" {
		key += "/" + j.Case.Class
	}
	want := 0
	if row, ok := j.row(); ok {
		want = row.Status
	}
	var detail string
	if passed != "" {
		detail = fmt.Sprintf("got %s (%s), want %s: the server took the input past the %s check", statusText(j.answer()), passed, expected, expected)
	} else {
		detail = fmt.Sprintf("got %d, want %d (%s)", s, want, expected)
	}
	if j.Case.Field != "" {
		detail += fmt.Sprintf(" (bad %s)", j.Case.Field)
	}
	// The row is part of the diff: a server may answer the right status
	// with a row further down the check order (say 400/2100 for a body it
	// should have refused as 400/300).
	return []Failure{{Row: key, Detail: detail, Want: rejection{want, expected}, Got: rejection{s, passed}}}
}

// rejection is the Want/Got shape of invalid-rejected: the status and the
// error row it stands for ("" where the answer is no row).
type rejection struct {
	Status int
	Row    string
}

// laterRow returns got when the operation's check order (x-check-order)
// runs got's check after want's: a server answering got never rejected the
// input as want says it must. "" when got is no row, is want, or either
// is not in the order.
func laterRow(op *spec.Operation, want, got string) string {
	if got == "" || got == want {
		return ""
	}
	wi, gi := -1, -1
	for i, id := range op.CheckOrder {
		switch id {
		case want:
			wi = i
		case got:
			gi = i
		}
	}
	if wi >= 0 && gi > wi {
		return got
	}
	return ""
}

// validAccepted: a valid add is answered 201 with the plan at its catalog
// place and the hosts sent; where the run does not know whether the account
// already holds the plan, "already has" naming it is correct too.
type validAccepted struct{}

var _ Check = validAccepted{}

func (validAccepted) ID() string { return CheckValidAccepted }
func (validAccepted) Doc() string {
	return "a valid add is answered 201 with the plan at its catalog place, hosts echoed where the place has them and dropped where not; rooms_base keeps its base plan"
}
func (validAccepted) Applies(j *Judgement) bool {
	e := j.Case.Expect
	return j.answered() && j.Exchange.Status != http.StatusTooManyRequests &&
		e.Row == "" && e.Status == 0 && len(e.Plans) > 0
}
func (validAccepted) Judge(j *Judgement) []Failure {
	a := j.answer()
	e := j.Case.Expect
	if a.status != http.StatusCreated {
		if e.MayHoldPlan {
			if row, ok := j.Op.Row(rowAlreadyHas); ok && matchesRow(row, a, j.fill()) {
				return nil
			}
		}
		want := "201"
		if e.MayHoldPlan {
			want += " (or 400/2100 already has " + strings.Join(e.Held, " or ") + ")"
		}
		return []Failure{{Row: "created", Detail: fmt.Sprintf("got %s, want %s", statusText(a), want), Want: statusOnly{201}, Got: statusOnly{a.status}}}
	}
	var out []Failure
	for _, add := range e.Plans {
		plan, ok := catalogPlan(j.Op, add.Code)
		if !ok {
			continue // not a catalog code: nothing to look for
		}
		got, found, hostsOK := lookPlace(a.body, plan, add)
		want := placeWant(plan, add)
		switch {
		case !found:
			out = append(out, Failure{Row: "created:place", Detail: fmt.Sprintf("201 without %s at %s", add.Code, plan.Place), Want: want, Got: got})
		case !hostsOK:
			out = append(out, Failure{Row: "created:hosts", Detail: fmt.Sprintf("201 with %s at %s, but hosts is not the %d sent", add.Code, plan.Place, add.Hosts), Want: want, Got: got})
		case !plan.Hosts && showsHosts(got):
			out = append(out, Failure{Row: "created:hosts-dropped", Detail: fmt.Sprintf("201 with %s at %s carrying hosts; the place has no hosts field, so the hosts sent are dropped", add.Code, plan.Place), Want: want, Got: got})
		}
	}
	return append(out, keepsRoomsBase(j, a)...)
}

// showsHosts reports whether the value lookPlace found at a place (got)
// carries a "hosts" member: in the object there, or in an item of the
// array there. The spec's x-success-rule: places without a hosts field
// drop the hosts sent.
func showsHosts(got any) bool {
	for _, v := range got.(map[string]any) {
		items, isList := v.([]any)
		if !isList {
			items = []any{v}
		}
		for _, it := range items {
			if m, ok := it.(map[string]any); ok {
				if _, has := m["hosts"]; has {
					return true
				}
			}
		}
	}
	return false
}

// keepsRoomsBase holds a 201 to the rooms_base account to the plan its
// role promises (spec: x-success-rule and plan_zoom_rooms; fixtures: a sub
// account with a Zoom Rooms base plan): the 201 is the whole plan set, so
// the Zoom Rooms place still holds a plan whose type is not the add-on.
func keepsRoomsBase(j *Judgement, a answer) []Failure {
	plan, ok := catalogPlan(j.Op, roomsAddon)
	if j.Case.Req.Account != AccountRoomsBase || !ok || strings.HasSuffix(plan.Place, "[]") {
		return nil
	}
	var v any = a.body
	for _, seg := range strings.Split(plan.Place, ".") {
		m, _ := v.(map[string]any)
		v = m[seg]
	}
	if m, ok := v.(map[string]any); ok {
		if t, ok := m["type"].(string); ok && t != "" && t != roomsAddon {
			return nil
		}
	}
	return []Failure{{
		Row:    "created:rooms-base",
		Detail: fmt.Sprintf("201 for rooms_base without its Zoom Rooms base plan at %s (a type other than %s): the 201 is the whole plan set", plan.Place, roomsAddon),
		Want:   map[string]any{plan.Place: map[string]any{"type": "(a Zoom Rooms base plan, not " + roomsAddon + ")"}},
		Got:    map[string]any{plan.Place: v},
	}}
}

// catalogPlan returns the catalog entry of code.
func catalogPlan(op *spec.Operation, code string) (spec.Plan, bool) {
	for _, p := range op.Catalog {
		if p.Code == code {
			return p, true
		}
	}
	return spec.Plan{}, false
}

// placeWant is what a 201 must show at the plan's place, for diffs.
func placeWant(plan spec.Plan, add Add) any {
	item := map[string]any{"type": add.Code}
	if plan.Hosts && add.Hosts > 0 {
		item["hosts"] = json.Number(strconv.FormatInt(add.Hosts, 10))
	}
	name := strings.TrimSuffix(plan.Place, "[]")
	if strings.HasSuffix(plan.Place, "[]") {
		return map[string]any{name: []any{item}}
	}
	if !plan.Hosts && !strings.Contains(name, ".") && len(item) == 1 {
		return map[string]any{name: add.Code} // a string place, such as plan_recording
	}
	return map[string]any{name: item}
}

// lookPlace finds add's code at the plan's place in a 201 body. got is the
// value at the place (for diffs), found whether the code is there, hostsOK
// whether some item with the code has the hosts sent (true when the place
// has no hosts or none were sent). Numbers compare by value: 18 and 18.0
// are the same hosts.
func lookPlace(body any, plan spec.Plan, add Add) (got any, found, hostsOK bool) {
	name := strings.TrimSuffix(plan.Place, "[]")
	v := body
	for _, seg := range strings.Split(name, ".") {
		m, ok := v.(map[string]any)
		if !ok {
			return map[string]any{name: nil}, false, false
		}
		v = m[seg]
	}
	got = map[string]any{name: v}
	check := func(item any) (bool, bool) {
		switch x := item.(type) {
		case string:
			return x == add.Code, true
		case map[string]any:
			if x["type"] != add.Code {
				return false, false
			}
			if !plan.Hosts || add.Hosts == 0 {
				return true, true
			}
			return true, sameNumber(x["hosts"], add.Hosts)
		}
		return false, false
	}
	if strings.HasSuffix(plan.Place, "[]") {
		items, _ := v.([]any)
		for _, it := range items {
			f, h := check(it)
			if f && h {
				return got, true, true
			}
			found = found || f
		}
		return got, found, false
	}
	found, hostsOK = check(v)
	return got, found, hostsOK
}

// sameNumber reports whether a JSON number equals n by value.
func sameNumber(v any, n int64) bool {
	num, ok := v.(json.Number)
	if !ok {
		return false
	}
	if i, err := num.Int64(); err == nil {
		return i == n
	}
	f, err := strconv.ParseFloat(string(num), 64)
	return err == nil && f == float64(n)
}

// authEnforced: missing, malformed and unknown credentials get 401; a
// valid token whose scheme is spelt in another case does not.
type authEnforced struct{}

var _ Check = authEnforced{}

func (authEnforced) ID() string { return CheckAuthEnforced }
func (authEnforced) Doc() string {
	return "missing, malformed and unknown tokens get 401; the Bearer scheme is case-insensitive"
}
func (authEnforced) Applies(j *Judgement) bool {
	return j.answered() && j.Exchange.Status != http.StatusTooManyRequests &&
		(j.Case.Kind == KindAuth || j.Case.Expect.Row == rowInvalidToken || j.Case.Expect.Row == rowTokenExpired)
}
func (authEnforced) Judge(j *Judgement) []Failure {
	s := j.Exchange.Status
	auth := describeAuth(j.Case.Req)
	if row := j.Case.Expect.Row; row == rowInvalidToken || row == rowTokenExpired {
		if s == http.StatusUnauthorized {
			return nil
		}
		detail := fmt.Sprintf("%s: got %d, want 401", auth, s)
		if row == rowTokenExpired && s < 300 {
			detail += ": a token past its lifetime was served"
		}
		return []Failure{{Row: row, Detail: detail, Want: statusOnly{401}, Got: statusOnly{s}}}
	}
	if s != http.StatusUnauthorized {
		return nil
	}
	return []Failure{{Row: "scheme-case", Detail: fmt.Sprintf("%s: a valid token got 401; the Bearer scheme is case-insensitive", auth)}}
}

// describeAuth says in words what credentials a request carried, without secrets.
func describeAuth(r Request) string {
	switch {
	case r.Auth != "":
		return fmt.Sprintf("Authorization %q", strings.ReplaceAll(r.Auth, "{token}", "<"+r.Token+" token>"))
	case r.Token == TokenNone:
		return "no Authorization header"
	case r.Token == TokenExpiredMaster:
		return "a master token past its lifetime"
	case isTokenRole(r.Token):
		return "the " + r.Token + " token"
	}
	return "an unknown token"
}

// methodNotAllowed: another method on the operation's path gets 405 with
// an Allow header that lists the operation's method.
type methodNotAllowed struct{}

var _ Check = methodNotAllowed{}

func (methodNotAllowed) ID() string { return CheckMethodNotAllowed }
func (methodNotAllowed) Doc() string {
	return "other methods on the path get 405 with an Allow header listing POST"
}
func (methodNotAllowed) Applies(j *Judgement) bool {
	return j.answered() && j.Case.Expect.Status == http.StatusMethodNotAllowed
}
func (methodNotAllowed) Judge(j *Judgement) []Failure {
	m := j.Exchange.Method
	if s := j.Exchange.Status; s != http.StatusMethodNotAllowed {
		return []Failure{{Row: "405", Detail: fmt.Sprintf("%s: got %d, want 405", m, s), Want: statusOnly{405}, Got: statusOnly{s}}}
	}
	if !allowed(j.Exchange.Header, j.Op.Method) {
		return []Failure{{Row: "allow", Detail: fmt.Sprintf("%s: 405 with Allow %q, want it to list %s", m, strings.Join(j.Exchange.Header.Values("Allow"), ", "), j.Op.Method)}}
	}
	return nil
}

// stateModel: answers follow the run's model of each account's plans: an
// add the run has seen succeed (or refused as already held) is refused as
// "already has" naming the plan, every time after.
type stateModel struct{}

var _ Check = stateModel{}

func (stateModel) ID() string { return CheckStateModel }
func (stateModel) Doc() string {
	return "a plan the run has added is answered \"already has\" naming it, and stays in every later 201 of that account"
}
func (stateModel) Applies(j *Judgement) bool {
	e := j.Case.Expect
	return j.answered() && j.Exchange.Status != http.StatusTooManyRequests &&
		(e.State && e.Row != "" || j.Exchange.Status == http.StatusCreated && len(e.Kept) > 0)
}
func (stateModel) Judge(j *Judgement) []Failure {
	a := j.answer()
	if j.Case.Expect.Row == "" {
		return judgeKept(j, a) // a 201 to an add the model expected to succeed
	}
	row, ok := j.row()
	if !ok {
		return []Failure{{Row: j.Case.Expect.Row, Detail: fmt.Sprintf("the model expects row %q, which the spec does not define", j.Case.Expect.Row)}}
	}
	fill := j.fill()
	if matchesRow(row, a, fill) {
		return nil
	}
	held := strings.Join(j.Case.Expect.Held, " or ")
	return []Failure{{
		Row:    row.ID,
		Detail: fmt.Sprintf("earlier answers of this run show the account holds %s: got %s, want %s", held, statusText(a), describeRow(row, fill)),
		Want:   wantError(row, fill, a), Got: gotError(a),
	}}
}

// judgeKept holds a 201 to the rest-of-set rule, on what this run saw: a
// 201 body is the account's whole plan set, so every plan the run added to
// the account earlier is still at its catalog place.
func judgeKept(j *Judgement, a answer) []Failure {
	var out []Failure
	for _, code := range j.Case.Expect.Kept {
		plan, ok := catalogPlan(j.Op, code)
		if !ok {
			continue
		}
		if got, found, _ := lookPlace(a.body, plan, Add{Code: code}); !found {
			out = append(out, Failure{Row: "created:kept",
				Detail: fmt.Sprintf("201 without %s at %s, which this run added to the account earlier (a 201 is the whole plan set)", code, plan.Place),
				Want:   placeWant(plan, Add{Code: code}), Got: got})
		}
	}
	return out
}

// goldenMatch: a deterministic scenario's answer (status, content type,
// normalized body) matches its golden file.
type goldenMatch struct{}

var _ Check = goldenMatch{}

func (goldenMatch) ID() string { return CheckGolden }
func (goldenMatch) Doc() string {
	return "deterministic scenarios match their golden files (status, content type, normalized body)"
}
func (goldenMatch) Applies(j *Judgement) bool {
	// Against a real server a scenario that writes meets whatever earlier
	// runs left on the account, so only the ones that write nothing compare.
	return j.answered() && j.Golden != nil && j.Case.Kind == KindScenario &&
		(j.Embedded || !j.Case.Writes && !j.Case.Stateful)
}
func (goldenMatch) Judge(j *Judgement) []Failure {
	got := goldenEntry(j)
	name := j.Case.ID
	if j.UpdateGolden {
		if err := j.Golden.Write(name, got); err != nil {
			return []Failure{{Row: name, Detail: err.Error()}}
		}
		return nil
	}
	diff, err := j.Golden.Compare(name, got)
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			// One finding for every missing file: the set is not recorded.
			return []Failure{{Row: "missing", Detail: fmt.Sprintf("no golden file %s.json in %s (record the set with -update)", name, j.Golden)}}
		}
		return []Failure{{Row: name, Detail: err.Error()}}
	}
	if diff == "" {
		return nil
	}
	want, _ := j.Golden.Load(name)
	return []Failure{{
		Row:    name,
		Detail: fmt.Sprintf("answer differs from %s.json in %s", name, j.Golden),
		Want:   want, Got: canonicalEntry(got),
	}}
}

// goldenEntry is the normalized answer stored for a scenario. The body and
// content type of a 405 are left open by the contract, so they are not kept.
func goldenEntry(j *Judgement) golden.Entry {
	ex := j.Exchange
	if ex.Status == http.StatusMethodNotAllowed {
		return golden.Entry{Status: ex.Status}
	}
	var body any
	if len(ex.Body) > 0 {
		body = golden.Normalize(ex.Body, j.Fixtures.Placeholders(), j.GoldenMask)
	}
	// The media type, not the raw header: a server may add a charset
	// (application/json;charset=UTF-8) without changing its answer.
	return golden.Entry{Status: ex.Status, ContentType: j.answer().mediaType, Body: body}
}

// canonicalEntry is e as a golden file would hold it, so a diff against a
// loaded file shows only real differences.
func canonicalEntry(e golden.Entry) golden.Entry {
	var out golden.Entry
	dec := json.NewDecoder(strings.NewReader(string(golden.Encode(e))))
	dec.UseNumber()
	if err := dec.Decode(&out); err != nil {
		return e
	}
	return out
}

// responseTime: every answer arrives within the budget.
type responseTime struct{}

var _ Check = responseTime{}

func (responseTime) ID() string { return CheckResponseTime }
func (responseTime) Doc() string {
	return "every answer arrives within -max-response-time"
}
func (responseTime) Applies(j *Judgement) bool {
	return j.answered() && j.MaxResponseTime > 0
}
func (responseTime) Judge(j *Judgement) []Failure {
	if j.Exchange.Elapsed <= j.MaxResponseTime {
		return nil
	}
	return []Failure{{Row: "budget", Detail: fmt.Sprintf("answered in %v, budget %v", j.Exchange.Elapsed.Round(1e6), j.MaxResponseTime)}}
}
