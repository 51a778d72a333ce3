package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"sync/atomic"
	"testing"

	"github.com/addons-contract/contract/fixtures"
	"github.com/addons-contract/contract/mock"
	"github.com/addons-contract/contract/spec"
	"github.com/stretchr/testify/require"
)

// Servers that behave like a real deployment, each built in the test in
// front of the mock, and what a run against each must conclude. None of
// them may PASS.

// stagingRun runs a small suite against srv with writes and no pace, and
// returns the exit code, the console report, stderr and the JSON report.
func stagingRun(t *testing.T, url string, extra ...string) (int, string, string, map[string]any) {
	t.Helper()
	jsonPath := filepath.Join(t.TempDir(), "r.json")
	a := append([]string{"run", "-target", url, "-fixtures", fixturesFile(t), "-allow-writes", "-rate", "inf",
		"-seed", "3", "-valid", "20", "-invalid", "40", "-sequences", "2", "-json", jsonPath}, extra...)
	code, stdout, stderr := runCLI(t, a...)
	var doc map[string]any
	if data, err := os.ReadFile(jsonPath); err == nil {
		require.NoError(t, json.Unmarshal(data, &doc), "the JSON report parses")
	}
	for _, secret := range fixtures.Default().Secrets() {
		require.NotContains(t, stdout+stderr, secret)
	}
	return code, stdout, stderr, doc
}

func tooMany(w http.ResponseWriter, retryAfter string) {
	w.Header().Set("Content-Type", "application/json")
	if retryAfter != "" {
		w.Header().Set("Retry-After", retryAfter)
	}
	w.WriteHeader(http.StatusTooManyRequests)
	io.WriteString(w, `{"code":429,"message":"You have reached the maximum per-second rate limit for this API. Try again later."}`)
}

// A target that answers every POST 429 (Retry-After: 0) answered nothing:
// the run ends, exit 3, saying so, instead of passing.
func TestStagingRateLimitedThroughoutIsNoPass(t *testing.T) {
	t.Parallel() // it waits out pauses, not the CPU
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { tooMany(w, "0") }))
	defer srv.Close()
	code, stdout, stderr, doc := stagingRun(t, srv.URL, "-rate-limit-patience", "2s")
	require.Equal(t, exitUnreachable, code, "stdout:\n%s\nstderr:\n%s", stdout, stderr)
	require.Contains(t, stderr, "target rate-limited throughout")
	require.NotContains(t, stdout, "\nPASS")
	require.Equal(t, "ABORTED", doc["verdict"])
	for _, s := range doc["stats"].([]any) {
		st := s.(map[string]any)
		if st["check"] == "invalid-rejected" || st["check"] == "valid-accepted" || st["check"] == "golden" {
			require.Zero(t, st["passed"], "a 429 passes no check of what the case expected: %v", st)
		}
	}
}

// A Retry-After of a day cannot be waited out: exit 3 at once, naming it.
func TestStagingDayLongRetryAfterEndsTheRun(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { tooMany(w, "86400") }))
	defer srv.Close()
	code, stdout, stderr, doc := stagingRun(t, srv.URL)
	require.Equal(t, exitUnreachable, code, "stdout:\n%s\nstderr:\n%s", stdout, stderr)
	require.Contains(t, stderr, `Retry-After "86400"`)
	require.Equal(t, "ABORTED", doc["verdict"])
}

// Every fifth POST answered 429 without Retry-After: the run finishes, the
// 429s are counted and judged as answers (the spec's 429 row needs
// Retry-After), and each case is judged on the answer that came after.
func TestStagingOccasional429Finishes(t *testing.T) {
	t.Parallel() // it waits out pauses, not the CPU
	m := cleanMock(t)
	var n atomic.Int64
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method == http.MethodPost && n.Add(1)%5 == 0 {
			tooMany(w, "")
			return
		}
		m.ServeHTTP(w, r)
	}))
	defer srv.Close()
	code, stdout, stderr, doc := stagingRun(t, srv.URL)
	require.Equal(t, exitFindings, code, "stdout:\n%s\nstderr:\n%s", stdout, stderr)
	require.Contains(t, stdout, "[error-row] rate_limited: 429 with Retry-After \"\", want a number of seconds")
	require.Contains(t, stdout, "rate limited: ")
	require.Positive(t, doc["rate_limit"].(map[string]any)["answers_429"])
	require.Contains(t, doc, "unjudged_count")
	for _, f := range doc["findings"].([]any) {
		resp := f.(map[string]any)["response"].(map[string]any)
		require.Equal(t, float64(429), resp["status"], "the only findings are about the 429s themselves: %v", f)
	}
}

// A target that never adds a plan (every add answered "already has") shows
// no 201: the run cannot tell it from a staging full of earlier runs'
// plans, so it is INCONCLUSIVE, exit 1, saying which, never PASS.
func TestStagingNeverAddsIsInconclusive(t *testing.T) {
	m := cleanMock(t)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		r.Body = io.NopCloser(bytes.NewReader(body))
		rec := httptest.NewRecorder()
		m.ServeHTTP(rec, r)
		if rec.Code != http.StatusCreated {
			for k, v := range rec.Header() {
				w.Header()[k] = v
			}
			w.WriteHeader(rec.Code)
			w.Write(rec.Body.Bytes())
			return
		}
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusBadRequest)
		fmt.Fprintf(w, `{"code":2100,"message":"This sub account already has an additional plan: %s."}`, firstCode(body))
	}))
	defer srv.Close()
	code, stdout, stderr, doc := stagingRun(t, srv.URL)
	require.Equal(t, exitFindings, code, "stdout:\n%s\nstderr:\n%s", stdout, stderr)
	require.Contains(t, lastLine(stdout), "INCONCLUSIVE: no add was answered 201: every add was answered \"already has\"")
	require.Contains(t, stdout, "catalog plans reached: 0/30")
	require.Equal(t, "INCONCLUSIVE", doc["verdict"])
	require.Zero(t, doc["created"])
}

// firstCode is the first plan code of an add body, in the order the spec
// names them (type; plan_base, plan_calling, plan_number).
func firstCode(body []byte) string {
	var v struct {
		Type        string `json:"type"`
		PlanDetails struct {
			PlanBase    *struct{ Type string }  `json:"plan_base"`
			PlanCalling []struct{ Type string } `json:"plan_calling"`
			PlanNumber  []struct{ Type string } `json:"plan_number"`
		} `json:"plan_details"`
	}
	_ = json.Unmarshal(body, &v)
	switch d := v.PlanDetails; {
	case v.Type != "":
		return v.Type
	case d.PlanBase != nil:
		return d.PlanBase.Type
	case len(d.PlanCalling) > 0:
		return d.PlanCalling[0].Type
	case len(d.PlanNumber) > 0:
		return d.PlanNumber[0].Type
	}
	return "?"
}

// Against a correct server on loopback, with writes: not paced, generated
// valid bodies get 201s that are judged, and the run PASSes with the
// evidence it needs. A second run against the same (now full) server
// cannot add anything to the same accounts: INCONCLUSIVE, naming the held
// codes, never a false alarm.
func TestStagingCorrectServerPassesThenFullServerIsInconclusive(t *testing.T) {
	srv := httptest.NewServer(cleanMock(t))
	defer srv.Close()
	code, stdout, stderr, doc := stagingRun(t, srv.URL, "-rate", "0") // the default pace
	require.Equal(t, exitPass, code, "stdout:\n%s\nstderr:\n%s", stdout, stderr)
	require.Contains(t, stdout, "pace: no limit (loopback target)")
	require.Equal(t, "PASS", lastLine(stdout))
	require.Equal(t, "PASS", doc["verdict"])
	require.Positive(t, doc["created_generated"], "generated valid bodies were answered 201 and judged")
	require.Empty(t, doc["findings"])

	code, stdout, stderr, doc = stagingRun(t, srv.URL)
	require.NotEqual(t, exitPass, code)
	require.Empty(t, doc["findings"], "a full server is no contract break:\n%s\n%s", stdout, stderr)
	require.Contains(t, stdout, "held before this run on paid: ")
	require.Equal(t, "INCONCLUSIVE", doc["verdict"])
}

// The way out of a full staging needs no vendor support: list a fresh paid
// account in accounts.paid, and the generated valid bodies find room there.
func TestStagingFreshPaidAccountGivesRoom(t *testing.T) {
	doc, err := spec.Default()
	require.NoError(t, err)
	both := bytes.Replace(fixtures.DefaultJSON(), []byte(`"paid": "sub-paid-0001"`), []byte(`"paid": ["sub-paid-0001", "sub-paid-0101"]`), 1)
	fx, err := fixtures.Parse("two-paid.json", both)
	require.NoError(t, err)
	require.Equal(t, []string{"sub-paid-0101"}, fx.Accounts.MorePaid)
	m, err := mock.New(mock.Config{Doc: doc, Fixtures: &fx, UnknownUserLimit: -1}) // served to runs that repeat
	require.NoError(t, err)
	srv := httptest.NewServer(m)
	defer srv.Close()

	code, stdout, stderr, _ := stagingRun(t, srv.URL) // fills sub-paid-0001, has_addon and rooms_base
	require.Equal(t, exitPass, code, "stdout:\n%s\nstderr:\n%s", stdout, stderr)
	code, _, _, _ = stagingRun(t, srv.URL)
	require.Equal(t, exitFindings, code, "full: inconclusive")

	fxPath := filepath.Join(t.TempDir(), "two-paid.json")
	require.NoError(t, os.WriteFile(fxPath, both, 0o644))
	code, stdout, stderr, rep := stagingRun(t, srv.URL, "-fixtures", fxPath)
	require.Equal(t, exitPass, code, "stdout:\n%s\nstderr:\n%s", stdout, stderr)
	require.Positive(t, rep["created_generated"])
}
