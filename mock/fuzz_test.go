package mock

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/addons-contract/contract/contract/corpus"
	"github.com/addons-contract/contract/spec"
	"github.com/stretchr/testify/require"
)

// FuzzHandler holds the mock's promise that nothing a client sends yields a
// 5xx or a panic: every answer is a JSON body with a JSON content type.
// Its arguments (a path suffix after "/accounts/" and an Authorization
// header, raw) become a case with corpus.Decoder, as 'contract replay'
// reads the seeds in testdata/fuzz/FuzzHandler, which run with plain go test.
func FuzzHandler(f *testing.F) {
	f.Add(fx.Accounts.Paid+"/plans/addons", "Bearer "+fx.Tokens.Master, "application/json", []byte(validBody))
	f.Add(fx.Accounts.HasAddon+"/plans/addons", "bearer "+fx.Tokens.Master, "application/json; charset=utf-8",
		[]byte(`{"plan_details":{"plan_calling":[{"type":"phone_calling_usca_monthly_unlimited","hosts":1.8e1}]}}`))
	f.Add("/plans/addons", "Bearer "+fx.Tokens.VolumeLicense, "text/plain", []byte(`{"type":`))
	op, err := testDoc(f).Operation(spec.AddonsOperationID)
	require.NoError(f, err)
	dec := &corpus.Decoder{Op: op, Fixtures: fx}
	s := newServer(f, Config{})
	f.Fuzz(func(t *testing.T, suffix, auth, ctype string, body []byte) {
		c, err := dec.Handler(suffix, auth, ctype, body)
		if err != nil {
			return // no client can send this path, or no case can hold this header
		}
		r, err := dec.Request(c)
		if err != nil {
			t.Fatalf("case of %q, %q: %v", suffix, auth, err)
		}
		r.RequestURI = r.URL.RequestURI() // as a server sees it
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
