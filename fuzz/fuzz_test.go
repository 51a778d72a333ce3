package fuzz

import (
	"bytes"
	"encoding/json"
	"io"
	"mime"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/addons-contract/contract/contract"
	"github.com/addons-contract/contract/contract/corpus"
	"github.com/addons-contract/contract/fixtures"
	"github.com/addons-contract/contract/gen"
	"github.com/addons-contract/contract/internal/contracttest"
	"github.com/addons-contract/contract/mock"
	"github.com/addons-contract/contract/spec"
)

// env is what every fuzz iteration shares: the spec, its validator, the
// decoder of fuzz arguments and one mock (its state grows over a fuzz run,
// which the invariants below do not depend on).
type env struct {
	op  *spec.Operation
	val *spec.Validator
	// dec turns fuzz arguments into cases, as 'contract replay' turns the
	// inputs in testdata/fuzz into cases (corpus.LoadCorpus).
	dec *corpus.Decoder
	gen *gen.Generator
	srv http.Handler
	// verdict judges bodies by the body rules, independently of the
	// validator the mock uses (oracle_test.go).
	verdict *oracle
	// rows maps status and code to the matrix rows that answer with them.
	rows map[[2]int][]spec.ErrorRow
}

func newEnv(tb testing.TB) *env {
	tb.Helper()
	doc, op, val := contracttest.Addons(tb)
	g, err := gen.New(op, gen.Options{})
	if err != nil {
		tb.Fatal(err)
	}
	fx := fixtures.Default()
	// No unknown_user limit: a long fuzz run would otherwise meet it and see
	// only 429s for that token.
	srv, err := mock.New(mock.Config{Doc: doc, Fixtures: &fx, UnknownUserLimit: -1})
	if err != nil {
		tb.Fatal(err)
	}
	e := &env{op: op, val: val, dec: &corpus.Decoder{Op: op, Gen: g, Fixtures: fx}, gen: g, srv: srv,
		verdict: newOracle(op), rows: map[[2]int][]spec.ErrorRow{}}
	for _, r := range op.Errors {
		k := [2]int{r.Status, r.Code}
		e.rows[k] = append(e.rows[k], r)
	}
	return e
}

// send sends c to the mock as replay sends it, the request of its roles
// (corpus.Decoder.Request), served in-process so that a panic fails the
// fuzz target with its stack.
func (e *env) send(t testing.TB, c *contract.Case) (*http.Request, *httptest.ResponseRecorder) {
	t.Helper()
	req, err := e.dec.Request(c)
	if err != nil {
		t.Fatalf("case %s: %v", c.ID, err)
	}
	req.RequestURI = req.URL.RequestURI() // as a server sees it
	rec := httptest.NewRecorder()
	e.srv.ServeHTTP(rec, req)
	return req, rec
}

// answer is a decoded error body.
type answer struct {
	Code    *int    `json:"code"`
	Message *string `json:"message"`
}

// invariants holds for every answer, whatever was sent: no 5xx, a JSON body
// that conforms to the spec for its status, and an error code that belongs
// to the error matrix row of that status.
func (e *env) invariants(t testing.TB, req *http.Request, rec *httptest.ResponseRecorder, sent []byte) {
	t.Helper()
	if rec.Code >= 500 {
		t.Fatalf("status %d for body %q: %s", rec.Code, sent, rec.Body.Bytes())
	}
	if mt, _, err := mime.ParseMediaType(rec.Header().Get("Content-Type")); err != nil || mt != "application/json" {
		t.Fatalf("Content-Type %q, want application/json", rec.Header().Get("Content-Type"))
	}
	// The validator reads the request body again: give it the bytes sent.
	req.Body = io.NopCloser(bytes.NewReader(sent))
	if probs := e.val.Response(req, rec.Code, rec.Header(), rec.Body.Bytes()); len(probs) > 0 {
		t.Fatalf("status %d answer breaks the spec: %v\nbody: %s", rec.Code, probs, rec.Body.Bytes())
	}
	if rec.Code == http.StatusCreated {
		return
	}
	var a answer
	if err := json.Unmarshal(rec.Body.Bytes(), &a); err != nil || a.Code == nil {
		t.Fatalf("status %d without an error code: %s", rec.Code, rec.Body.Bytes())
	}
	if len(e.rows[[2]int{rec.Code, *a.Code}]) == 0 {
		t.Fatalf("status %d with code %d: no row of the error matrix answers so", rec.Code, *a.Code)
	}
}

// isInvalidBody reports whether the answer is the matrix's body-validation row.
func isInvalidBody(rec *httptest.ResponseRecorder) bool {
	var a answer
	return rec.Code == http.StatusBadRequest && json.Unmarshal(rec.Body.Bytes(), &a) == nil && a.Code != nil && *a.Code == 300
}

// judgeBody holds the answer to a body the master sent as
// application/json to the paid account, within the size limit, to the
// oracle's verdict in both directions: a valid body is never answered
// 400/300 (it may be 201 or "already has", depending on what the fuzzer
// sent before), an invalid one always is.
func (e *env) judgeBody(t testing.TB, body []byte, rec *httptest.ResponseRecorder) {
	t.Helper()
	switch v := e.verdict.judge(body); {
	case v == valid && isInvalidBody(rec):
		t.Fatalf("a valid body was rejected as invalid: %s\nanswer: %d %s", body, rec.Code, rec.Body.Bytes())
	case v == invalid && !isInvalidBody(rec):
		t.Fatalf("an invalid body was not answered 400/300: %s\nanswer: %d %s", body, rec.Code, rec.Body.Bytes())
	}
}

// rawSeed is one input of FuzzRawRequest.
type rawSeed struct {
	accountRole, tokenRole byte
	contentType            string
	body                   []byte
}

// rawSeeds are FuzzRawRequest's seeds added in code (more live in
// testdata/fuzz/FuzzRawRequest); the benchmarks run the target's body over them.
var rawSeeds = []rawSeed{
	{0, 0, "application/json", []byte(`{"service_effective_date":"2021-12-31","hosts":18,"type":"webinar500_monthly","paid_period_start_date":"2021-12-31"}`)},
	{0, 0, "application/json; charset=utf-8", []byte(`{"plan_details":{"plan_number":[{"type":"phone_toll_free_number_usca_monthly","hosts":1.8e1}]}}`)},
	{1, 1, "text/plain", []byte(`{"type":"zwb_monthly","hosts":2}`)},
	{6, 2, "", []byte(`{"type":`)},
}

// FuzzRawRequest sends arbitrary bytes, with an arbitrary Content-Type, to
// every role pairing. Beyond the invariants: a body sent as
// application/json by the master to the paid account is answered as the
// oracle of the body rules says (judgeBody).
func FuzzRawRequest(f *testing.F) {
	e := newEnv(f)
	for _, s := range rawSeeds {
		f.Add(s.accountRole, s.tokenRole, s.contentType, s.body)
	}
	f.Fuzz(func(t *testing.T, accountRole, tokenRole byte, contentType string, body []byte) {
		e.rawRequest(t, rawSeed{accountRole, tokenRole, contentType, body})
	})
}

// rawRequest is FuzzRawRequest's body.
func (e *env) rawRequest(t testing.TB, s rawSeed) {
	t.Helper()
	c := e.dec.RawRequest(s.accountRole, s.tokenRole, s.contentType, s.body)
	req, rec := e.send(t, c)
	e.invariants(t, req, rec, s.body)
	if c.Req.Account == contract.AccountPaid && c.Req.Token == contract.TokenMaster && s.contentType == "application/json" && len(s.body) <= mock.MaxBody {
		e.judgeBody(t, s.body, rec)
	}
}

// structuredSeed is one input of FuzzStructured.
type structuredSeed struct {
	seed    int64
	index   uint16
	isValid bool
}

// structuredSeeds are FuzzStructured's seeds added in code (more live in
// testdata/fuzz/FuzzStructured); the benchmarks run the target's body over them.
var structuredSeeds = []structuredSeed{{1, 0, true}, {1, 3, false}, {42, 17, false}}

// FuzzStructured sends generated cases: the fuzzer picks (seed, index) and
// whether the case is valid, so coverage guidance steers the generators.
// Beyond the invariants: a valid case for the paid account is never 400/300,
// and an invalid case is never accepted (2xx) and always answered with the
// row its layer names (415 for media, 413 for size, 400/300 otherwise).
// The oracle of the body rules agrees with the generator's label, and
// judges the answer to every body sent as application/json.
func FuzzStructured(f *testing.F) {
	e := newEnv(f)
	for _, s := range structuredSeeds {
		f.Add(s.seed, s.index, s.isValid)
	}
	f.Fuzz(func(t *testing.T, seed int64, index uint16, isValid bool) {
		e.structured(t, structuredSeed{seed, index, isValid})
	})
}

// structured is FuzzStructured's body.
func (e *env) structured(t testing.TB, s structuredSeed) {
	t.Helper()
	cs, err := e.dec.Structured(s.seed, s.index, s.isValid)
	if err != nil {
		t.Fatal(err)
	}
	req, rec := e.send(t, cs)
	c := cs.GenCase()
	e.invariants(t, req, rec, c.Body)
	label := invalid
	if s.isValid {
		label = valid
	}
	if c.Layer != gen.LayerMedia && c.Layer != gen.LayerSize {
		if got := e.verdict.judge(c.Body); got != undecided && got != label {
			t.Fatalf("the oracle says %s, the generator %s: %s", got, label, c)
		}
		e.judgeBody(t, c.Body, rec)
	}
	if s.isValid {
		if isInvalidBody(rec) {
			t.Fatalf("valid case rejected as invalid: %s\nanswer: %s", c, rec.Body.Bytes())
		}
		return
	}
	want := map[gen.Layer]int{gen.LayerMedia: 415, gen.LayerSize: 413}[c.Layer]
	if want == 0 {
		want = 400
	}
	if rec.Code != want {
		t.Fatalf("invalid case %s answered %d, want %d: %s", c, rec.Code, want, rec.Body.Bytes())
	}
	var a answer
	if err := json.Unmarshal(rec.Body.Bytes(), &a); err != nil || a.Code == nil || *a.Code != 300 {
		t.Fatalf("invalid case %s answered %s, want code 300", c, rec.Body.Bytes())
	}
}
