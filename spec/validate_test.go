package spec

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/stretchr/testify/require"
)

const addonsPath = "/accounts/x/plans/addons"

func addonsValidator(t testing.TB) (*Operation, *Validator) {
	t.Helper()
	d, op := addonsOp(t)
	v, err := d.Validator()
	require.NoError(t, err)
	return op, v
}

func post(t testing.TB, target, contentType, body string) *http.Request {
	t.Helper()
	r := httptest.NewRequest(http.MethodPost, target, strings.NewReader(body))
	if contentType != "" {
		r.Header.Set("Content-Type", contentType)
	}
	return r
}

// brief keeps what a test pins of a problem: the field and the keyword.
type brief struct{ Field, Keyword string }

func briefs(ps []Problem) []brief {
	var out []brief
	for _, p := range ps {
		out = append(out, brief{p.Field, p.Keyword})
	}
	return out
}

func TestSpecExamplesValidate(t *testing.T) {
	op, v := addonsValidator(t)
	require.NotEmpty(t, op.Body.Examples)
	for _, ex := range op.Body.Examples {
		body, err := json.Marshal(ex.Value)
		require.NoError(t, err)
		if ps := v.Body(op, "application/json", body); len(ps) > 0 {
			t.Errorf("request example %q fails its own spec: %v", ex.Name, ps)
		}
		if ps := v.Request(post(t, addonsPath, "application/json", string(body))); len(ps) > 0 {
			t.Errorf("request example %q as a request: %v", ex.Name, ps)
		}
	}
	n := 0
	for _, r := range op.Responses {
		for _, ex := range r.Examples {
			n++
			body, err := json.Marshal(ex.Value)
			require.NoError(t, err)
			h := http.Header{"Content-Type": {r.MediaType}}
			for _, hd := range r.Headers {
				if hd.Required {
					h.Set(hd.Name, "1")
				}
			}
			if ps := v.Response(post(t, addonsPath, "application/json", "{}"), r.Status, h, body); len(ps) > 0 {
				t.Errorf("%d example %q fails its own spec: %v", r.Status, ex.Name, ps)
			}
		}
	}
	require.NotZero(t, n, "the spec has response examples (the page's 201)")
}

func TestBody(t *testing.T) {
	op, v := addonsValidator(t)
	tests := []struct {
		name, reason, contentType, body string
		want                            []brief
		mention                         string // a word the first message must contain
	}{
		{"plain form", "the page's shape", "", `{"type":"webinar500_monthly","hosts":18}`, nil, ""},
		{"phone form", "the second branch", "", `{"plan_details":{"plan_calling":[{"type":"phone_calling_usca_monthly_unlimited","hosts":2}]}}`, nil, ""},
		{"integer as float", "18.0 is the integer 18", "", `{"type":"webinar500_monthly","hosts":18.0}`, nil, ""},
		{"integer as exponent", "1.8e1 is the integer 18", "", `{"type":"webinar500_monthly","hosts":1.8e1}`, nil, ""},
		{"content type with charset", "parameters of the media type are allowed", "application/json; charset=utf-8", `{"type":"a","hosts":1}`, nil, ""},
		{"hosts zero", "hosts < 1", "", `{"type":"webinar500_monthly","hosts":0}`, []brief{{"hosts", "minimum"}}, "hosts"},
		{"hosts too big", "hosts > 2147483647", "", `{"type":"webinar500_monthly","hosts":2147483648}`, []brief{{"hosts", "maximum"}}, "hosts"},
		{"hosts fraction", "1.5 is not an integer", "", `{"type":"webinar500_monthly","hosts":1.5}`, []brief{{"hosts", "type"}}, "hosts"},
		{"hosts string", "wrong type", "", `{"type":"webinar500_monthly","hosts":"18"}`, []brief{{"hosts", "type"}}, "hosts"},
		{"not a calendar day", "formats are asserted", "", `{"type":"webinar500_monthly","hosts":1,"service_effective_date":"2021-02-30"}`, []brief{{"service_effective_date", "format"}}, "service_effective_date"},
		{"not a date", "formats are asserted", "", `{"type":"webinar500_monthly","hosts":1,"paid_period_start_date":"31/12/2021"}`, []brief{{"paid_period_start_date", "format"}}, "paid_period_start_date"},
		{"missing hosts", "required, named in the message", "", `{"type":"webinar500_monthly"}`, []brief{{"hosts", "required"}}, "hosts"},
		{"unknown property", "additionalProperties false", "", `{"type":"webinar500_monthly","hosts":1,"colour":"red"}`, []brief{{"colour", "additionalProperties"}}, "colour"},
		{"neither branch", "both forms mixed: the plain branch (more keys) is reported", "", `{"type":"webinar500_monthly","hosts":1,"plan_details":{}}`, []brief{{"plan_details", "additionalProperties"}}, "plan_details"},
		{"phone item type", "a nested field is named by its path", "", `{"plan_details":{"plan_calling":[{"type":5,"hosts":1}]}}`, []brief{{"plan_details.plan_calling[0].type", "type"}}, "plan_details.plan_calling[0].type"},
		{"phone item hosts", "the $ref'd Hosts bounds apply", "", `{"plan_details":{"plan_number":[{"type":"phone_toll_free_number_usca_monthly","hosts":0}]}}`, []brief{{"plan_details.plan_number[0].hosts", "minimum"}}, "hosts"},
		{"two missing", "several missing properties name their object", "", `{"plan_details":{"plan_calling":[{}]}}`, []brief{{"plan_details.plan_calling[0]", "required"}}, "'type', 'hosts'"},
		{"empty plan_details", "minProperties 1", "", `{"plan_details":{}}`, []brief{{"plan_details", "minProperties"}}, "plan_details"},
		{"not an object", "the body itself is wrong", "", `[1,2]`, []brief{{"", "type"}}, "array"},
		{"malformed JSON", "no field to name", "", `{"type":`, []brief{{"", "body"}}, "decode"},
		{"wrong media type", "text/plain is not documented", "text/plain", `{"type":"a","hosts":1}`, []brief{{"", "content-type"}}, "text/plain"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ct := tt.contentType
			if ct == "" {
				ct = "application/json"
			}
			got := v.Body(op, ct, []byte(tt.body))
			if diff := cmp.Diff(tt.want, briefs(got)); diff != "" {
				t.Fatalf("%s (-want +got):\n%s\nproblems: %v", tt.reason, diff, got)
			}
			for _, p := range got {
				if strings.ContainsAny(p.Message, "\n\r") || strings.Contains(p.Message, "\"$schema\"") || strings.Contains(p.Message, "\"properties\"") {
					t.Errorf("message is not one line without the schema: %q", p.Message)
				}
			}
			if tt.mention != "" && !strings.Contains(got[0].Message, tt.mention) {
				t.Errorf("message %q does not mention %q", got[0].Message, tt.mention)
			}
			// Request must agree with Body on the same exchange.
			if diff := cmp.Diff(got, v.Request(post(t, addonsPath, ct, tt.body))); diff != "" {
				t.Errorf("Request and Body disagree (-body +request):\n%s", diff)
			}
		})
	}
}

func TestOneOfBothBranches(t *testing.T) {
	d := mustLoad(t, "testdata/petstore.yaml")
	op, err := d.Operation("updatePet")
	require.NoError(t, err)
	v, err := d.Validator()
	require.NoError(t, err)
	tests := []struct {
		name, body, reason string
		want               []brief
	}{
		{"first only", `{"name":"a"}`, "exactly one branch", nil},
		{"second only", `{"tag":"b"}`, "exactly one branch", nil},
		{"both", `{"name":"a","tag":"b"}`, "oneOf forbids matching both", []brief{{"", "oneOf"}}},
		{"neither", `{"age":3}`, "matching no branch is invalid too", []brief{{"name", "required"}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := v.Body(op, "application/json", []byte(tt.body))
			if diff := cmp.Diff(tt.want, briefs(got)); diff != "" {
				t.Errorf("%s (-want +got):\n%s\nproblems: %v", tt.reason, diff, got)
			}
		})
	}
}

func TestRequestRoutes(t *testing.T) {
	_, v := addonsValidator(t)
	const body = `{"type":"webinar500_monthly","hosts":18}`
	tests := []struct {
		name, method, target, reason string
		want                         []brief
	}{
		{"path only", "POST", "/accounts/x/plans/addons", "a mock serves the path without the server base", nil},
		{"with base path", "POST", "/v2/accounts/x/plans/addons", "the server's base path /v2 is stripped", nil},
		{"vendor URL", "POST", "https://api.zoom.us/v2/accounts/x/plans/addons", "the documented server", nil},
		{"other host", "POST", "http://127.0.0.1:8080/accounts/x/plans/addons", "hosts are not compared", nil},
		{"unknown base", "POST", "/v3/accounts/x/plans/addons", "only the document's base path is stripped", []brief{{"", "route"}}},
		{"unknown path", "POST", "/accounts/x/plans", "no such route", []brief{{"", "route"}}},
		{"other method", "GET", "/accounts/x/plans/addons", "only POST is documented", []brief{{"", "route"}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := httptest.NewRequest(tt.method, tt.target, strings.NewReader(body))
			r.Header.Set("Content-Type", "application/json")
			// No Authorization header: security is the server's business.
			got := v.Request(r)
			if diff := cmp.Diff(tt.want, briefs(got)); diff != "" {
				t.Errorf("%s (-want +got):\n%s\nproblems: %v", tt.reason, diff, got)
			}
			rest, err := io.ReadAll(r.Body)
			require.NoError(t, err)
			if string(rest) != body {
				t.Errorf("r.Body not restored: got %q", rest)
			}
		})
	}
}

func TestResponse(t *testing.T) {
	_, v := addonsValidator(t)
	jsonH := http.Header{"Content-Type": {"application/json"}}
	tests := []struct {
		name, reason string
		status       int
		header       http.Header
		body         string
		want         []brief
	}{
		{"201", "a small plan set", 201, jsonH, `{"plan_webinar":[{"type":"webinar500_monthly","hosts":18}]}`, nil},
		{"201 open object", "response objects are open", 201, jsonH, `{"plan_new_thing":{"x":1}}`, nil},
		{"201 wrong type", "a nested field is named", 201, jsonH, `{"plan_webinar":[{"type":"webinar500_monthly","hosts":"18"}]}`, []brief{{"plan_webinar[0].hosts", "type"}}},
		{"400", "an error body", 400, jsonH, `{"code":300,"message":"hosts: must be at least 1"}`, nil},
		{"400 code string", "code is an integer", 400, jsonH, `{"code":"300","message":"x"}`, []brief{{"code", "type"}}},
		{"undocumented status", "500 is not documented", 500, jsonH, `{"code":500,"message":"x"}`, []brief{{"", "status"}}},
		{"html error", "error bodies are JSON", 401, http.Header{"Content-Type": {"text/html"}}, `<html></html>`, []brief{{"", "content-type"}}},
		{"429 without Retry-After", "Retry-After is required", 429, jsonH, `{"code":429,"message":"slow down"}`, []brief{{"", "header"}}},
		{"429 with Retry-After", "the documented answer", 429, http.Header{"Content-Type": {"application/json"}, "Retry-After": {"2"}}, `{"code":429,"message":"slow down"}`, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := v.Response(post(t, addonsPath, "application/json", "{}"), tt.status, tt.header, []byte(tt.body))
			if diff := cmp.Diff(tt.want, briefs(got)); diff != "" {
				t.Errorf("%s (-want +got):\n%s\nproblems: %v", tt.reason, diff, got)
			}
		})
	}
}

func TestValidatorSharedAndConcurrent(t *testing.T) {
	d, op := addonsOp(t)
	v1, err := d.Validator()
	require.NoError(t, err)
	v2, err := d.Validator()
	require.NoError(t, err)
	require.Same(t, v1, v2, "built once per document")

	var wg sync.WaitGroup
	errs := make(chan string, 64)
	for g := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range 20 {
				good := i%2 == 0
				body := `{"type":"webinar500_monthly","hosts":18}`
				if !good {
					body = `{"type":"webinar500_monthly","hosts":0}`
				}
				ps := v1.Request(post(t, addonsPath, "application/json", body))
				if (len(ps) == 0) != good {
					errs <- "goroutine " + string(rune('0'+g)) + ": wrong verdict"
				}
				if ps := v1.Body(op, "application/json", []byte(body)); (len(ps) == 0) != good {
					errs <- "Body: wrong verdict"
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for e := range errs {
		t.Error(e)
	}
}

func BenchmarkRequest(b *testing.B) {
	_, v := addonsValidator(b)
	for _, c := range []struct{ name, body string }{
		{"valid", `{"type":"webinar500_monthly","hosts":18,"service_effective_date":"2021-12-31"}`},
		{"invalid", `{"type":"webinar500_monthly","hosts":0,"plan_details":{}}`},
	} {
		b.Run(c.name, func(b *testing.B) {
			r := post(b, addonsPath, "application/json", c.body)
			b.ReportAllocs()
			for b.Loop() {
				v.Request(r)
			}
		})
	}
}

func BenchmarkResponse(b *testing.B) {
	op, v := addonsValidator(b)
	body, err := json.Marshal(response(b, op, 201).Examples[0].Value)
	require.NoError(b, err)
	r := post(b, addonsPath, "application/json", "{}")
	h := http.Header{"Content-Type": {"application/json"}}
	b.ReportAllocs()
	b.SetBytes(int64(len(body)))
	for b.Loop() {
		if ps := v.Response(r, 201, h, body); len(ps) > 0 {
			b.Fatal(ps)
		}
	}
}

func TestValidatorOddInputs(t *testing.T) {
	op, v := addonsValidator(t)
	// None of these may panic; each must say something is wrong.
	tests := []struct {
		name string
		run  func() []Problem
	}{
		{"no body at all", func() []Problem {
			r := httptest.NewRequest(http.MethodPost, addonsPath, nil)
			r.Header.Set("Content-Type", "application/json")
			return v.Request(r)
		}},
		{"invalid UTF-8", func() []Problem { return v.Body(op, "application/json", []byte("{\"type\":\"\xff\",\"hosts\":1,}")) }},
		{"deep nesting", func() []Problem {
			return v.Body(op, "application/json", []byte(strings.Repeat("[", 5000)+strings.Repeat("]", 5000)))
		}},
		{"trailing data", func() []Problem { return v.Body(op, "application/json", []byte(`{"type":"a","hosts":1} {}`)) }},
		{"nil operation", func() []Problem { return v.Body(nil, "application/json", []byte(`{}`)) }},
		{"nil request", func() []Problem { return v.Request(nil) }},
		{"nil request for a response", func() []Problem { return v.Response(nil, 201, nil, nil) }},
		{"status zero", func() []Problem { return v.Response(post(t, addonsPath, "", ""), 0, nil, nil) }},
		{"escaped path", func() []Problem {
			r := httptest.NewRequest(http.MethodPost, "/accounts/%2F%2e%2e/plans/addons/..", strings.NewReader("{}"))
			return v.Request(r)
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			require.NotEmpty(t, tt.run())
		})
	}
}
