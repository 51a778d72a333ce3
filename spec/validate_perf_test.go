package spec

import (
	"net/http"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/pb33f/libopenapi-validator/cache"
	"github.com/stretchr/testify/require"
)

// plainValidator is the document's validator as libopenapi-validator
// builds it by default: its own schema cache (rendered text kept) and no
// memo of verdicts.
func plainValidator(t testing.TB, d *Document) *Validator {
	t.Helper()
	v := d.libValidator(cache.NewDefaultCache())
	require.NotNil(t, v)
	return &Validator{doc: d, v: v, seen: newVerdicts(0)}
}

// verdictBodies are request bodies of every kind the validator judges:
// both forms valid, each schema keyword broken, not JSON at all.
var verdictBodies = []struct{ name, body string }{
	{"plain form", `{"type":"webinar500_monthly","hosts":18,"service_effective_date":"2021-12-31"}`},
	{"phone form", `{"plan_details":{"plan_calling":[{"type":"phone_calling_usca_monthly_unlimited","hosts":2}]}}`},
	{"hosts zero", `{"type":"webinar500_monthly","hosts":0}`},
	{"hosts a string", `{"type":"webinar500_monthly","hosts":"18"}`},
	{"hosts a fraction", `{"type":"webinar500_monthly","hosts":1.5}`},
	{"type missing", `{"hosts":18}`},
	{"unknown property", `{"type":"webinar500_monthly","hosts":18,"colour":"red"}`},
	{"both forms", `{"type":"webinar500_monthly","hosts":18,"plan_details":{}}`},
	{"no form", `{}`},
	{"not a day", `{"type":"webinar500_monthly","hosts":18,"paid_period_start_date":"2021-02-30"}`},
	{"two phone items", `{"plan_details":{"plan_number":[{"type":"a","hosts":1},{"type":"a","hosts":1}]}}`},
	{"empty plan_details", `{"plan_details":{}}`},
	{"an array", `[{"type":"webinar500_monthly","hosts":18}]`},
	{"null", `null`},
	{"a number", `7`},
	{"malformed", `{"type":`},
	{"trailing data", `{"type":"webinar500_monthly","hosts":18} {}`},
	{"empty", ``},
}

// TestLeanValidatorSameProblems: the document's validator, whose schema
// cache drops the text libopenapi-validator would parse again on each
// failure and which remembers verdicts, finds exactly the problems of
// the library's default set-up, for bodies and for answers, asked twice.
func TestLeanValidatorSameProblems(t *testing.T) {
	d, op := addonsOp(t)
	lean, err := d.Validator()
	require.NoError(t, err)
	plain := plainValidator(t, d)
	for _, c := range verdictBodies {
		want := plain.Body(op, "application/json", []byte(c.body))
		for range 2 {
			require.Empty(t, cmp.Diff(want, lean.Body(op, "application/json", []byte(c.body))), "body %s", c.name)
		}
	}
	for _, c := range verdictAnswers(t, op) {
		req := post(t, addonsPath, "application/json", "{}")
		want := plain.Response(req, c.status, c.header, []byte(c.body))
		if c.fails {
			require.NotEmpty(t, want, "answer %s", c.name)
		}
		for range 2 {
			require.Empty(t, cmp.Diff(want, lean.Response(req, c.status, c.header, []byte(c.body))), "answer %s", c.name)
		}
	}
}

type verdictAnswer struct {
	name   string
	status int
	header http.Header
	body   string
	fails  bool
}

// verdictAnswers are answers that pass and answers that break the spec in
// status, header, media type or body.
func verdictAnswers(t *testing.T, op *Operation) []verdictAnswer {
	t.Helper()
	jsonType := http.Header{"Content-Type": {"application/json"}}
	return []verdictAnswer{
		{"201", 201, jsonType, `{"plan_base":{"type":"monthly","hosts":1}}`, false},
		{"201 hosts a string", 201, jsonType, `{"plan_webinar":[{"type":"webinar500_monthly","hosts":"18"}]}`, true},
		{"400", 400, jsonType, `{"code":300,"message":"Validation Failed."}`, false},
		{"400 without message", 400, jsonType, `{"code":300}`, true},
		{"400 code a string", 400, jsonType, `{"code":"300","message":"x"}`, true},
		{"400 as text", 400, http.Header{"Content-Type": {"text/plain"}}, `{"code":300,"message":"x"}`, true},
		{"418", 418, jsonType, `{"code":418,"message":"teapot"}`, true},
		{"429 without Retry-After", 429, jsonType, `{"code":429,"message":"Too many requests."}`, requiredHeader(op, 429)},
	}
}

// requiredHeader reports whether the spec requires a header on status.
func requiredHeader(op *Operation, status int) bool {
	for _, r := range op.Responses {
		for _, h := range r.Headers {
			if r.Status == status && h.Required {
				return true
			}
		}
	}
	return false
}

// TestFailingBodyCheap: judging a failing body costs a few times a passing
// one, not twenty (the failing body's cost was libopenapi-validator parsing
// the rendered schema again to locate each failure, which the lean schema
// cache avoids). Measured in allocations, which load does not change.
func TestFailingBodyCheap(t *testing.T) {
	d, op := addonsOp(t)
	lean, err := d.Validator()
	require.NoError(t, err)
	plain := plainValidator(t, d)
	cost := func(v *Validator, body string) float64 {
		return testing.AllocsPerRun(20, func() { v.body(op, "application/json", []byte(body)) })
	}
	pass := cost(lean, verdictBodies[0].body)
	failing := `{"type":"webinar500_monthly","hosts":0,"plan_details":{}}`
	require.NotEmpty(t, lean.body(op, "application/json", []byte(failing)))
	got, before := cost(lean, failing), cost(plain, failing)
	t.Logf("allocations: passing body %.0f, failing body %.0f (default cache: %.0f)", pass, got, before)
	require.Less(t, got, 5*pass, "a failing body costs %.0f allocations, a passing one %.0f", got, pass)
	require.Less(t, got, before/2, "the lean cache saves nothing: %.0f allocations, %.0f with the default cache", got, before)
}

// TestVerdictsMemo: a memo hands out copies, and starts afresh when full.
func TestVerdictsMemo(t *testing.T) {
	m := newVerdicts(2)
	k1, k2, k3 := verdictKey([]byte("{}"), "a"), verdictKey([]byte("{}"), "b"), verdictKey(nil, "a", "{}")
	require.NotEqual(t, k1, k3, "parts are length-prefixed: moving bytes between them changes the key")
	m.put(k1, []Problem{{Field: "hosts"}})
	got, ok := m.get(k1)
	require.True(t, ok)
	got[0].Field = "changed"
	again, _ := m.get(k1)
	require.Equal(t, "hosts", again[0].Field, "a caller's change reaches the memo")
	m.put(k2, nil)
	m.put(k3, nil)
	_, ok = m.get(k1)
	require.False(t, ok, "a full memo keeps growing")
	_, ok = m.get(k3)
	require.True(t, ok)
}

// BenchmarkBodyJudged: a body judged afresh (no memo), passing and failing.
func BenchmarkBodyJudged(b *testing.B) {
	d, op := addonsOp(b)
	v, err := d.Validator()
	require.NoError(b, err)
	for _, c := range []struct{ name, body string }{
		{"valid", verdictBodies[0].body},
		{"invalid", `{"type":"webinar500_monthly","hosts":0,"plan_details":{}}`},
	} {
		b.Run(c.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				v.body(op, "application/json", []byte(c.body))
			}
		})
	}
}
