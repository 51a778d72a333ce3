package mock

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/addons-contract/contract/fixtures"
	"github.com/addons-contract/contract/spec"
)

var fx = fixtures.Default()

var (
	docOnce sync.Once
	doc     *spec.Document
	docErr  error
)

// testDoc is the embedded spec, loaded once: its validator is shared and
// safe for concurrent use, while each Server keeps its own state.
func testDoc(t testing.TB) *spec.Document {
	t.Helper()
	docOnce.Do(func() { doc, docErr = spec.Default() })
	require.NoError(t, docErr)
	return doc
}

func newServer(t testing.TB, cfg Config) *Server {
	t.Helper()
	cfg.Doc = testDoc(t)
	s, err := New(cfg)
	require.NoError(t, err)
	return s
}

// req is one request to the mock; the zero value is a master POST of an
// empty body to the paid account's path.
type req struct {
	method  string // "" = POST
	path    string // "" = the paid account's addons path
	auth    string // the Authorization header; "" = Bearer master, "-" = none
	ctype   string // "" = application/json, "-" = none
	body    string
	account string // used when path is ""
}

func addonsPath(account string) string { return "/accounts/" + account + "/plans/addons" }

func (q req) build() *http.Request {
	method := q.method
	if method == "" {
		method = http.MethodPost
	}
	path := q.path
	if path == "" {
		acct := q.account
		if acct == "" {
			acct = fx.Accounts.Paid
		}
		path = addonsPath(acct)
	}
	r := httptest.NewRequest(method, path, strings.NewReader(q.body))
	switch q.auth {
	case "":
		r.Header.Set("Authorization", "Bearer "+fx.Tokens.Master)
	case "-":
	default:
		r.Header.Set("Authorization", q.auth)
	}
	switch q.ctype {
	case "":
		r.Header.Set("Content-Type", "application/json")
	case "-":
	default:
		r.Header.Set("Content-Type", q.ctype)
	}
	return r
}

// resp is a recorded answer, with the Error body decoded where there is one.
type resp struct {
	status  int
	header  http.Header
	body    []byte
	code    int
	message string
}

func call(t testing.TB, h http.Handler, q req) resp {
	t.Helper()
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, q.build())
	res := rec.Result()
	out := resp{status: res.StatusCode, header: res.Header, body: rec.Body.Bytes()}
	var e struct {
		Code    int    `json:"code"`
		Message string `json:"message"`
	}
	if json.Unmarshal(out.body, &e) == nil {
		out.code, out.message = e.Code, e.Message
	}
	return out
}

// plain is an add-on plan form body.
func plain(code string, hosts int) string {
	b, _ := json.Marshal(map[string]any{"type": code, "hosts": hosts})
	return string(b)
}

// decode parses a JSON body into a generic value.
func decode(t testing.TB, body []byte) map[string]any {
	t.Helper()
	var v map[string]any
	require.NoError(t, json.Unmarshal(body, &v), "body %s", body)
	return v
}

// valueAt returns the value at a catalog place ("plan_zcc.plan_usage[]") of
// a decoded 201 body.
func valueAt(body map[string]any, place string) any {
	var cur any = body
	for _, seg := range strings.Split(strings.TrimSuffix(place, "[]"), ".") {
		m, ok := cur.(map[string]any)
		if !ok {
			return nil
		}
		cur = m[seg]
	}
	return cur
}

// responseProblems validates an answer against the spec.
func responseProblems(t testing.TB, q req, r resp) []spec.Problem {
	t.Helper()
	v, err := testDoc(t).Validator()
	require.NoError(t, err)
	return v.Response(q.build(), r.status, r.header, r.body)
}
