package mock

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"testing"
)

// FuzzHandler holds the mock's promise that nothing a client sends yields a
// 5xx or a panic: every answer is a JSON body with a JSON content type.
// Seeds live in testdata/fuzz/FuzzHandler and run with plain go test.
func FuzzHandler(f *testing.F) {
	f.Add(fx.Accounts.Paid+"/plans/addons", "Bearer "+fx.Tokens.Master, "application/json", []byte(validBody))
	f.Add(fx.Accounts.HasAddon+"/plans/addons", "bearer "+fx.Tokens.Master, "application/json; charset=utf-8",
		[]byte(`{"plan_details":{"plan_calling":[{"type":"phone_calling_usca_monthly_unlimited","hosts":1.8e1}]}}`))
	f.Add("/plans/addons", "Bearer "+fx.Tokens.VolumeLicense, "text/plain", []byte(`{"type":`))
	s := newServer(f, Config{})
	f.Fuzz(func(t *testing.T, suffix, auth, ctype string, body []byte) {
		u, err := url.Parse("/accounts/" + suffix)
		if err != nil {
			return // no client can send this target
		}
		r := &http.Request{
			Method:     http.MethodPost,
			URL:        u,
			RequestURI: u.RequestURI(),
			Proto:      "HTTP/1.1", ProtoMajor: 1, ProtoMinor: 1,
			Header: http.Header{"Authorization": {auth}, "Content-Type": {ctype}},
			Body:   io.NopCloser(bytes.NewReader(body)),
			Host:   "mock",
		}
		rec := httptest.NewRecorder()
		s.ServeHTTP(rec, r)
		if rec.Code >= 500 {
			t.Fatalf("status %d for %q: %s", rec.Code, body, rec.Body.Bytes())
		}
		if ct := rec.Header().Get("Content-Type"); ct != "application/json" {
			t.Fatalf("Content-Type %q", ct)
		}
		var v map[string]any
		if err := json.Unmarshal(rec.Body.Bytes(), &v); err != nil {
			t.Fatalf("body is not a JSON object: %v: %s", err, rec.Body.Bytes())
		}
		if rec.Code != http.StatusCreated {
			if _, ok := v["code"].(float64); !ok {
				t.Fatalf("error body without a numeric code: %s", rec.Body.Bytes())
			}
		}
	})
}
