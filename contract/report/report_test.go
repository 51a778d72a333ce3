package report

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"encoding/xml"
	"errors"
	"flag"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/addons-contract/contract/contract"
	"github.com/addons-contract/contract/internal/atomicfile"

	"github.com/google/go-cmp/cmp"
	"github.com/stretchr/testify/require"
)

// The -update flag rewrites testdata/*.golden. It is registered only
// if another test file of the package has not registered it already.
func init() {
	if flag.Lookup("update") == nil {
		flag.Bool("update", false, "rewrite golden files")
	}
}

func updating() bool {
	f := flag.Lookup("update")
	return f != nil && f.Value.String() == "true"
}

const addonsOp = "POST /accounts/{accountId}/plans/addons"

// sampleResult is a failed run with two findings, skips and partial
// coverage: every part of every report has something to show.
func sampleResult() *contract.Result {
	selfPay := &contract.Case{
		ID: "matrix/self_pay", Kind: contract.KindScenario,
		Req:    contract.Request{Account: "self_pay", Token: contract.TokenVolumeLicense, ContentType: "application/json", Body: []byte(`{"type":"zoomevents1000_yearly","hosts":1}`)},
		Expect: contract.Expect{Row: "self_pay"},
	}
	wrongType := &contract.Case{
		ID: "invalid/wrong-type/0017", Kind: contract.KindInvalid, Class: "wrong-type", Field: "hosts", Seed: 42, Index: 17,
		Req: contract.Request{Account: "paid", Token: contract.TokenMaster, ContentType: "application/json", Body: []byte(`{"type":"zoomevents1000_yearly","hosts":"1"}`)},
	}
	return &contract.Result{
		Target:    "mock",
		Operation: addonsOp,
		Seed:      42,
		Started:   time.Date(2024, 5, 1, 12, 0, 0, 0, time.UTC),
		Duration:  1234567 * time.Microsecond,
		Checks:    []string{contract.CheckNoServerError, contract.CheckStatusDocumented, contract.CheckErrorRow, contract.CheckInvalidRejected},
		Cases:     120,
		Sent:      123,
		Skipped: []contract.Skip{
			{Reason: "writes need -allow-writes", Count: 14},
			{Reason: "-max-requests reached", Count: 1},
		},
		Stats: []contract.CheckStat{
			{Check: contract.CheckNoServerError, Passed: 123},
			{Check: contract.CheckStatusDocumented, Passed: 123},
			{Check: contract.CheckErrorRow, Passed: 10, Failed: 3},
			{Check: contract.CheckInvalidRejected, Passed: 40, Failed: 1},
		},
		Findings: []contract.Finding{
			{
				Check: contract.CheckErrorRow, Row: "self_pay", Count: 3,
				Example: &contract.Exchange{
					Case: selfPay, Method: "POST",
					URL:       "http://127.0.0.1:8080/accounts/sub-selfpay-0003/plans/addons",
					ReqHeader: http.Header{"Authorization": {"Bearer $TOKEN"}, "Content-Type": {"application/json"}, "User-Agent": {"Go-http-client/1.1"}},
					Header:    http.Header{"Content-Type": {"application/json"}},
					Status:    400,
					Body:      []byte(`{"code":300,"message":"hosts: invalid"}`),
					Elapsed:   3 * time.Millisecond,
				},
				Failure: contract.Failure{Check: contract.CheckErrorRow, Row: "self_pay", Detail: "got code 300, want 2100",
					Want: map[string]any{"code": 2100}, Got: map[string]any{"code": 300}},
				Diff:   "  map[string]any{\n- \t\"code\": int(2100),\n+ \t\"code\": int(300),\n  }\n",
				CaseID: "matrix/self_pay",
			},
			{
				Check: contract.CheckInvalidRejected, Row: "wrong-type", Count: 1,
				Example: &contract.Exchange{
					Case: wrongType, Method: "POST",
					URL:       "http://127.0.0.1:8080/accounts/sub-paid-0001/plans/addons",
					ReqHeader: http.Header{"Authorization": {"Bearer $TOKEN"}, "Content-Type": {"application/json"}},
					Header:    http.Header{"Content-Type": {"application/json"}},
					Status:    201,
					Body:      []byte(`{"plan_zoom_events":[{"type":"zoomevents1000_yearly","hosts":1}]}`),
				},
				Failure:  contract.Failure{Check: contract.CheckInvalidRejected, Row: "wrong-type", Detail: "got 201, want 4xx for hosts as a string"},
				Shrunk:   []byte(`{"type":"zoomevents1000_yearly","hosts":"` + strings.Repeat("9", 400) + `"}`),
				CaseID:   "invalid/wrong-type/0017",
				CaseSeed: 42,
			},
		},
		Coverage: contract.Coverage{
			Rows: []contract.Covered{
				{ID: "volume_license", Count: 2}, {ID: "self_pay", Count: 3}, {ID: "free_plan", Count: 2}, {ID: "rooms_base", Count: 2}, {ID: "already_has", Count: 2},
				{ID: "invalid_body", Count: 40}, {ID: "invalid_token", Count: 5}, {ID: "user_missing", Count: 1}, {ID: "account_missing", Count: 2},
				{ID: "body_too_large", Count: 1}, {ID: "unsupported_media_type", Count: 3}, {ID: "rate_limited", Count: 0},
			},
			Classes: []contract.Covered{{ID: "wrong-type", Count: 20}, {ID: "missing-required", Count: 20}},
			Plans:   []contract.Covered{{ID: "zoomevents1000_yearly", Count: 30}, {ID: "webinar500_monthly", Count: 0}, {ID: "zroom_monthly", Count: 0}},
		},
	}
}

func checkGolden(t *testing.T, name string, got []byte) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if updating() {
		require.NoError(t, os.MkdirAll(filepath.Dir(path), 0o755))
		require.NoError(t, os.WriteFile(path, got, 0o644))
		return
	}
	want, err := os.ReadFile(path)
	require.NoError(t, err, "run go test ./contract/report -run Report -update to record it")
	if diff := cmp.Diff(string(want), string(got)); diff != "" {
		t.Errorf("%s mismatch (-want +got):\n%s\n(rerun with -update if the change is intended)", path, diff)
	}
}

func report(t *testing.T, rep Reporter, r *contract.Result) []byte {
	t.Helper()
	var b bytes.Buffer
	require.NoError(t, rep.Report(&b, r))
	return b.Bytes()
}

func TestConsoleReportGolden(t *testing.T) {
	tests := []struct {
		golden string
		reason string
		rep    ConsoleReporter
	}{
		{"console.golden", "the default console output, line for line", ConsoleReporter{}},
		{"console_verbose.golden", "verbose adds answers and per-item coverage counts", ConsoleReporter{Verbose: true}},
	}
	for _, tt := range tests {
		t.Run(tt.golden, func(t *testing.T) {
			got := report(t, tt.rep, sampleResult())
			checkGolden(t, tt.golden, got)
			// Determinism: the same result renders to the same bytes.
			for i := 0; i < 20; i++ {
				require.Equal(t, string(got), string(report(t, tt.rep, sampleResult())), tt.reason)
			}
		})
	}
}

func TestConsoleFindingLinesGreppable(t *testing.T) {
	out := string(report(t, ConsoleReporter{}, sampleResult()))
	for _, want := range []string{
		"POST /accounts/{accountId}/plans/addons [error-row] self_pay: got code 300, want 2100 (3 cases)\n",
		"POST /accounts/{accountId}/plans/addons [invalid-rejected] wrong-type: got 201, want 4xx for hosts as a string (1 case)\n",
	} {
		require.Contains(t, out, want)
	}
	// Every line between FINDINGS and the skips either is a finding line or
	// is indented, so grep '\[' finds exactly the findings.
	_, after, _ := strings.Cut(out, "FINDINGS (2)\n")
	block, _, _ := strings.Cut(after, "\n\n")
	heads := 0
	for _, line := range strings.Split(block, "\n") {
		if !strings.HasPrefix(line, "    ") {
			require.True(t, strings.HasPrefix(line, addonsOp+" ["), "unindented non-finding line %q", line)
			heads++
		}
	}
	require.Equal(t, 2, heads)
}

func TestConsoleFinalLine(t *testing.T) {
	one := sampleResult()
	one.Findings = one.Findings[:1]
	pass := sampleResult()
	pass.Findings = nil
	aborted := sampleResult()
	aborted.Aborted = "target unreachable: connection refused"
	abortedClean := sampleResult()
	abortedClean.Findings, abortedClean.Aborted = nil, "interrupted"
	tests := []struct {
		name   string
		reason string
		r      *contract.Result
		want   string
	}{
		{"fail", "the count of findings, plural", sampleResult(), "FAIL: 2 findings"},
		{"fail one", "singular", one, "FAIL: 1 finding"},
		{"pass", "nothing found, nothing aborted", pass, "PASS"},
		{"aborted with findings", "an early stop is not a pass, and findings still count", aborted, "ABORTED: target unreachable: connection refused (2 findings so far)"},
		{"aborted clean", "no findings but stopped early", abortedClean, "ABORTED: interrupted"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			out := strings.TrimRight(string(report(t, ConsoleReporter{}, tt.r)), "\n")
			last := out[strings.LastIndex(out, "\n")+1:]
			if last != tt.want {
				t.Errorf("final line = %q, want %q (%s)", last, tt.want, tt.reason)
			}
		})
	}
}

func TestConsoleColor(t *testing.T) {
	plain := string(report(t, ConsoleReporter{}, sampleResult()))
	color := string(report(t, ConsoleReporter{Color: true}, sampleResult()))
	require.NotContains(t, plain, "\x1b[")
	require.Contains(t, color, ansiRed+"FAIL: 2 findings"+ansiReset)
	// Stripping the escapes gives back the plain output exactly.
	stripped := color
	for _, code := range []string{ansiRed, ansiGreen, ansiYellow, ansiBold, ansiReset} {
		stripped = strings.ReplaceAll(stripped, code, "")
	}
	if diff := cmp.Diff(plain, stripped); diff != "" {
		t.Errorf("colour changed more than escapes (-plain +stripped):\n%s", diff)
	}
}

func TestConsoleEmptyResult(t *testing.T) {
	out := string(report(t, ConsoleReporter{}, &contract.Result{Target: "t"}))
	want := "contract run: target t, seed 0, 0 requests, 0 cases in 0s\n\nPASS\n"
	if diff := cmp.Diff(want, out); diff != "" {
		t.Errorf("empty result (-want +got):\n%s", diff)
	}
}

func TestShowBody(t *testing.T) {
	tests := []struct {
		name string
		body []byte
		max  int
		want string
	}{
		{"short text", []byte(`{"a":1}`), 300, `{"a":1}`},
		{"cut with size", []byte(strings.Repeat("x", 10)), 4, "xxxx… (10 bytes)"},
		{"newline quoted", []byte("a\nb"), 300, `"a\nb"`},
		{"rune not split", []byte("ééé"), 3, "é… (6 bytes)"},
		{"binary cut anywhere", []byte{0xff, 0xfe, 0xfd, 0xfc}, 2, `"\xff\xfe"… (4 bytes)`},
		{"empty", nil, 300, "(empty)"},
	}
	for _, tt := range tests {
		if got := showBody(tt.body, tt.max); got != tt.want {
			t.Errorf("%s: showBody = %q, want %q", tt.name, got, tt.want)
		}
	}
}

func TestJSONReport(t *testing.T) {
	r := sampleResult()
	r.Findings[0].Example.Err = errors.New("read: connection reset")
	r.Findings[1].Shrunk = []byte{0xff, 0x00, 'a'}
	out := report(t, JSONReporter{Indent: true}, r)
	require.Equal(t, string(out), string(report(t, JSONReporter{Indent: true}, r)), "JSON output is not deterministic")

	var doc struct {
		Target    string `json:"target"`
		Operation string `json:"operation"`
		Seed      int64  `json:"seed"`
		Shard     *struct {
			Index, Count int
		} `json:"shard"`
		Started    string   `json:"started"`
		DurationMS int64    `json:"duration_ms"`
		Cases      int      `json:"cases"`
		Sent       int      `json:"sent"`
		Checks     []string `json:"checks"`
		Stats      []struct {
			Check          string
			Passed, Failed int
		} `json:"stats"`
		Findings []struct {
			Check            string          `json:"check"`
			Row              string          `json:"row"`
			Count            int             `json:"count"`
			Case             string          `json:"case"`
			Seed             int64           `json:"seed"`
			Line             string          `json:"line"`
			Detail           string          `json:"detail"`
			Diff             string          `json:"diff"`
			Want             json.RawMessage `json:"want"`
			Got              json.RawMessage `json:"got"`
			ShrunkBody       *string         `json:"shrunk_body"`
			ShrunkBodyBase64 string          `json:"shrunk_body_base64"`
			Steps            []string        `json:"steps"`
			Curl             string          `json:"curl"`
			TokenHint        string          `json:"token_hint"`
			Request          struct {
				Method        string              `json:"method"`
				URL           string              `json:"url"`
				Headers       map[string][]string `json:"headers"`
				Body          *string             `json:"body"`
				BodyBase64    string              `json:"body_base64"`
				BodySize      int                 `json:"body_size"`
				BodyTruncated bool                `json:"body_truncated"`
			} `json:"request"`
			Response struct {
				Status        int                 `json:"status"`
				Headers       map[string][]string `json:"headers"`
				Body          *string             `json:"body"`
				BodyBase64    string              `json:"body_base64"`
				BodySize      int                 `json:"body_size"`
				BodyTruncated bool                `json:"body_truncated"`
				Error         string              `json:"error"`
				ElapsedMS     int64               `json:"elapsed_ms"`
				Retries       int                 `json:"retries"`
			} `json:"response"`
		} `json:"findings"`
		Skipped []struct {
			Reason string `json:"reason"`
			Count  int    `json:"count"`
		} `json:"skipped"`
		Coverage struct {
			Rows, Classes, Plans []struct {
				ID    string `json:"id"`
				Count int    `json:"count"`
			}
		} `json:"coverage"`
		Passed    bool   `json:"passed"`
		Verdict   string `json:"verdict"`
		Aborted   string `json:"aborted"`
		Pace      string `json:"pace"`
		RateLimit struct {
			Answers  int     `json:"answers_429"`
			PausedMS int64   `json:"paused_ms"`
			Slowest  float64 `json:"slowest_rate"`
		} `json:"rate_limit"`
		Unjudged []struct {
			Case   string `json:"case"`
			Reason string `json:"reason"`
		} `json:"unjudged"`
		UnjudgedCount    int `json:"unjudged_count"`
		Created          int `json:"created"`
		CreatedGenerated int `json:"created_generated"`
		Held             []struct {
			Account string   `json:"account"`
			Codes   []string `json:"codes"`
		} `json:"held_before_run"`
		Inconclusive []string `json:"inconclusive"`
	}
	dec := json.NewDecoder(bytes.NewReader(out))
	dec.DisallowUnknownFields() // the schema above is the whole schema
	require.NoError(t, dec.Decode(&doc))

	require.Equal(t, "mock", doc.Target)
	require.Equal(t, addonsOp, doc.Operation)
	require.Equal(t, int64(42), doc.Seed)
	require.Equal(t, "2024-05-01T12:00:00Z", doc.Started)
	require.Equal(t, int64(1234), doc.DurationMS)
	require.Equal(t, 120, doc.Cases)
	require.Equal(t, 123, doc.Sent)
	require.Equal(t, r.Checks, doc.Checks)
	require.Len(t, doc.Stats, 4)
	require.Equal(t, 3, doc.Stats[2].Failed)
	require.False(t, doc.Passed)
	require.Empty(t, doc.Aborted)
	require.Len(t, doc.Skipped, 2)
	require.Len(t, doc.Coverage.Rows, 12)
	require.Equal(t, "rate_limited", doc.Coverage.Rows[11].ID)
	require.Len(t, doc.Coverage.Plans, 3)

	require.Len(t, doc.Findings, 2)
	f := doc.Findings[0]
	require.Equal(t, contract.CheckErrorRow, f.Check)
	require.Equal(t, "self_pay", f.Row)
	require.Equal(t, 3, f.Count)
	require.Equal(t, "matrix/self_pay", f.Case)
	require.Equal(t, "got code 300, want 2100", f.Detail)
	require.Equal(t, addonsOp+" [error-row] self_pay: got code 300, want 2100", f.Line)
	require.Contains(t, f.Diff, `"code": int(2100)`)
	require.JSONEq(t, `{"code":2100}`, string(f.Want))
	require.JSONEq(t, `{"code":300}`, string(f.Got))
	require.Contains(t, f.Curl, `-H "Authorization: Bearer $TOKEN"`)
	require.Equal(t, "set TOKEN to the tokens.volume_license fixture (for an OAuth role, a token fetched for its client)", f.TokenHint)
	require.Nil(t, doc.Shard, "an unsharded run has no shard")
	require.Equal(t, "POST", f.Request.Method)
	require.Equal(t, "http://127.0.0.1:8080/accounts/sub-selfpay-0003/plans/addons", f.Request.URL)
	require.Equal(t, []string{"Bearer $TOKEN"}, f.Request.Headers["Authorization"])
	require.NotNil(t, f.Request.Body)
	require.Equal(t, `{"type":"zoomevents1000_yearly","hosts":1}`, *f.Request.Body)
	require.Equal(t, len(*f.Request.Body), f.Request.BodySize)
	require.Equal(t, 400, f.Response.Status)
	require.Equal(t, "read: connection reset", f.Response.Error, "errors are strings")
	require.Equal(t, []string{"application/json"}, f.Response.Headers["Content-Type"])
	require.Equal(t, `{"code":300,"message":"hosts: invalid"}`, *f.Response.Body)
	require.Equal(t, int64(3), f.Response.ElapsedMS)
	require.Nil(t, f.ShrunkBody)

	g := doc.Findings[1]
	require.Equal(t, int64(42), g.Seed)
	require.Nil(t, g.ShrunkBody, "a non-UTF-8 body is not a string")
	got, err := base64.StdEncoding.DecodeString(g.ShrunkBodyBase64)
	require.NoError(t, err)
	require.Equal(t, []byte{0xff, 0x00, 'a'}, got)
	require.Nil(t, g.Want, "no want when the detail says it all")
}

func TestJSONReportEmptyArrays(t *testing.T) {
	out := string(report(t, JSONReporter{}, &contract.Result{}))
	for _, key := range []string{`"checks":[]`, `"stats":[]`, `"findings":[]`, `"skipped":[]`, `"rows":[]`, `"classes":[]`, `"plans":[]`} {
		require.Contains(t, out, key, "arrays must be [] rather than null")
	}
	require.Contains(t, out, `"passed":true`)
	require.NotContains(t, out, "\n  ", "Indent false must not indent")
	require.True(t, strings.HasSuffix(out, "}\n"))
}

func TestJSONReportOddValues(t *testing.T) {
	r := sampleResult()
	r.Findings[0].Failure.Want = func() {}                      // JSON cannot hold it
	r.Findings[0].Example.Case.Req.Body = make([]byte, 200<<10) // capped in the report
	r.Findings[0].Example.Body = []byte{0xff}                   // base64
	out := report(t, JSONReporter{}, r)
	var doc map[string]any
	require.NoError(t, json.Unmarshal(out, &doc))
	f := doc["findings"].([]any)[0].(map[string]any)
	require.IsType(t, "", f["want"], "an unencodable want becomes its text")
	req := f["request"].(map[string]any)
	require.Equal(t, float64(200<<10), req["body_size"])
	require.Equal(t, true, req["body_truncated"])
	require.Len(t, req["body"], 64<<10)
	resp := f["response"].(map[string]any)
	require.Equal(t, "/w==", resp["body_base64"])
}

// junitDoc is the part of JUnit XML CI systems read.
type junitDoc struct {
	XMLName  xml.Name `xml:"testsuites"`
	Tests    int      `xml:"tests,attr"`
	Failures int      `xml:"failures,attr"`
	Errors   int      `xml:"errors,attr"`
	Skipped  int      `xml:"skipped,attr"`
	Suites   []struct {
		Name       string `xml:"name,attr"`
		Tests      int    `xml:"tests,attr"`
		Failures   int    `xml:"failures,attr"`
		Errors     int    `xml:"errors,attr"`
		Skipped    int    `xml:"skipped,attr"`
		Time       string `xml:"time,attr"`
		Properties []struct {
			Name  string `xml:"name,attr"`
			Value string `xml:"value,attr"`
		} `xml:"properties>property"`
		Cases []struct {
			Classname string `xml:"classname,attr"`
			Name      string `xml:"name,attr"`
			Failure   *struct {
				Message string `xml:"message,attr"`
				Type    string `xml:"type,attr"`
				Text    string `xml:",chardata"`
			} `xml:"failure"`
			Error *struct {
				Message string `xml:"message,attr"`
			} `xml:"error"`
			Skipped *struct {
				Message string `xml:"message,attr"`
			} `xml:"skipped"`
		} `xml:"testcase"`
	} `xml:"testsuite"`
}

func TestJUnitReport(t *testing.T) {
	out := report(t, JUnitReporter{}, sampleResult())
	require.True(t, bytes.HasPrefix(out, []byte(xml.Header)))
	var doc junitDoc
	require.NoError(t, xml.Unmarshal(out, &doc), "%s", out)

	require.Equal(t, 6, doc.Tests, "2 passing checks + 2 findings + 2 skip reasons")
	require.Equal(t, 2, doc.Failures)
	require.Equal(t, 2, doc.Skipped)
	require.Equal(t, 0, doc.Errors)
	require.Len(t, doc.Suites, 1)
	s := doc.Suites[0]
	require.Equal(t, "contract", s.Name)
	require.Equal(t, "1.235", s.Time)
	require.Equal(t, doc.Tests, s.Tests)
	require.Equal(t, doc.Failures, s.Failures)
	props := map[string]string{}
	for _, p := range s.Properties {
		props[p.Name] = p.Value
	}
	require.Equal(t, "42", props["seed"])
	require.Equal(t, "mock", props["target"])

	var names []string
	for _, c := range s.Cases {
		names = append(names, c.Classname+" "+c.Name)
	}
	want := []string{
		"contract.no-server-error no-server-error",
		"contract.status-documented status-documented",
		"contract.error-row error-row self_pay",
		"contract.invalid-rejected invalid-rejected wrong-type",
		"contract.skipped writes need -allow-writes",
		"contract.skipped -max-requests reached",
	}
	if diff := cmp.Diff(want, names); diff != "" {
		t.Errorf("test cases (-want +got):\n%s", diff)
	}

	f := s.Cases[2].Failure
	require.NotNil(t, f)
	require.Equal(t, "[error-row] self_pay: got code 300, want 2100", f.Message)
	require.Equal(t, contract.CheckErrorRow, f.Type)
	for _, part := range []string{"case: matrix/self_pay (seed 0)", "diff (-want +got):", `"code": int(2100)`, "repro: curl -sS", "answer: 400"} {
		require.Contains(t, f.Text, part)
	}
	require.Contains(t, s.Cases[3].Failure.Text, "case: invalid/wrong-type/0017 (seed 42)")
	require.NotNil(t, s.Cases[4].Skipped)
	require.Equal(t, "14 cases: writes need -allow-writes", s.Cases[4].Skipped.Message)
}

func TestJUnitAbortedAndControlChars(t *testing.T) {
	r := sampleResult()
	r.Aborted = "interrupted"
	r.Findings[0].Failure.Detail = "got \x00\x1b[31m odd <bytes> & \"quotes\""
	r.Findings[0].Diff = "- \x00\x1b ]]> <tag> \xff\n"
	out := report(t, JUnitReporter{}, r)
	var doc junitDoc
	require.NoError(t, xml.Unmarshal(out, &doc), "control characters must not break the XML:\n%s", out)
	require.Equal(t, 1, doc.Errors)
	last := doc.Suites[0].Cases[len(doc.Suites[0].Cases)-1]
	require.Equal(t, "run", last.Name)
	require.NotNil(t, last.Error)
	require.Equal(t, "aborted: interrupted", last.Error.Message)
	require.Contains(t, doc.Suites[0].Cases[2].Failure.Message, `odd <bytes> & "quotes"`)
	require.Contains(t, doc.Suites[0].Cases[2].Failure.Text, "- \uFFFD\uFFFD ]]> <tag> \uFFFD\n", "CDATA must survive ]]> and control bytes")
}

// TestNoSecrets renders results whose exchanges were made with a real token
// and checks the token never reaches any output, including from a careless
// caller that stored it raw.
func TestNoSecrets(t *testing.T) {
	careful := sampleResult()
	careless := sampleResult()
	ex := careless.Findings[0].Example
	ex.ReqHeader = http.Header{"Authorization": {"Bearer " + secretToken}, "Content-Type": {"application/json"}}
	ex.Err = errors.New(`Post "http://h/a": auth Bearer ` + secretToken + ` refused`)
	careless.Findings[0].Failure.Detail = "sent Bearer " + secretToken
	careless.Findings[0].Diff = "- Bearer " + secretToken + "\n"
	repro := *careless.Findings[1].Example
	repro.ReqHeader = http.Header{"Authorization": {"Bearer " + secretToken}}
	careless.Findings[1].Repro = &repro

	for _, r := range []*contract.Result{careful, careless} {
		for name, rep := range map[string]Reporter{
			"console":         ConsoleReporter{},
			"console verbose": ConsoleReporter{Verbose: true, Color: true},
			"json":            JSONReporter{Indent: true},
			"junit":           JUnitReporter{},
		} {
			out := report(t, rep, r)
			if bytes.Contains(out, []byte(secretToken)) {
				t.Errorf("%s output holds the token:\n%s", name, out)
			}
			require.Contains(t, string(out), "Bearer $TOKEN", "%s output lost the placeholder", name)
		}
	}
}

func TestWriteFileAtomic(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "report.json")
	require.NoError(t, atomicfile.Write(path, func(w io.Writer) error {
		return JSONReporter{}.Report(w, sampleResult())
	}))
	info, err := os.Stat(path)
	require.NoError(t, err)
	require.Equal(t, os.FileMode(0o644), info.Mode().Perm())
	old, err := os.ReadFile(path)
	require.NoError(t, err)
	require.True(t, json.Valid(old))

	// A reporter failing midway leaves the old report whole and no temp file.
	boom := errors.New("boom")
	err = atomicfile.Write(path, func(w io.Writer) error {
		_, _ = w.Write([]byte(`{"trunc`))
		return boom
	})
	require.ErrorIs(t, err, boom)
	require.Contains(t, err.Error(), path)
	now, err := os.ReadFile(path)
	require.NoError(t, err)
	require.Equal(t, string(old), string(now))
	entries, err := os.ReadDir(dir)
	require.NoError(t, err)
	require.Len(t, entries, 1, "temporary file left behind")

	err = atomicfile.Write(filepath.Join(dir, "missing", "r.xml"), func(io.Writer) error { return nil })
	require.Error(t, err)
}

// A state-model finding shows the shrunk sequence that leads to it, and a
// case that sent a made-up token says which, since $TOKEN alone would send
// the reader looking for a fixture.
func TestConsoleShowsStepsAndLiteralTokens(t *testing.T) {
	repeat := &contract.Case{ID: "state/001/01", Kind: contract.KindState,
		Req: contract.Request{Account: "paid", Token: contract.TokenMaster, ContentType: "application/json", Body: []byte(`{"type":"zwb_monthly","hosts":2}`)}}
	unknown := &contract.Case{ID: "matrix/invalid_token", Kind: contract.KindScenario,
		Req: contract.Request{Account: "paid", Token: "contract-unknown-token-0000", ContentType: "application/json", Body: []byte(`{}`)}}
	ex := func(c *contract.Case) *contract.Exchange {
		return &contract.Exchange{Case: c, Method: "POST", URL: "http://127.0.0.1:8089/accounts/sub-paid-0001/plans/addons",
			ReqHeader: http.Header{"Authorization": {"Bearer $TOKEN"}}, Status: 201}
	}
	r := &contract.Result{Operation: addonsOp, Checks: []string{contract.CheckStateModel, contract.CheckAuthEnforced}, Findings: []contract.Finding{
		{Check: contract.CheckStateModel, Row: "already_has", Count: 1, Example: ex(repeat), CaseID: repeat.ID,
			Failure: contract.Failure{Detail: "got 201, want 400/2100"},
			Steps: []contract.Step{
				{Case: &contract.Case{Req: contract.Request{Account: "paid", Body: []byte(`{"type":"zwb_monthly","hosts":1}`)}}, Answer: "201"},
				{Case: &contract.Case{Req: contract.Request{Account: "paid", Body: []byte(`{"type":"zwb_monthly","hosts":2}`)}}, Answer: "201"},
			}},
		{Check: contract.CheckAuthEnforced, Row: "invalid_token", Count: 1, Example: ex(unknown), CaseID: unknown.ID,
			Failure: contract.Failure{Detail: "got 201, want 401"}},
	}}
	var out strings.Builder
	require.NoError(t, ConsoleReporter{}.Report(&out, r))
	require.Contains(t, out.String(), "steps (shrunk sequence, the last one failed):\n        1. POST paid {\"type\":\"zwb_monthly\",\"hosts\":1} -> 201\n        2. ")
	require.Contains(t, out.String(), "token: set TOKEN to a token the server never issued, e.g. contract-unknown-token-0000")
	require.Contains(t, out.String(), "token: set TOKEN to the tokens.master fixture")
}

// A replay's report says it is one, and leaves out the seed and the
// coverage of the contract: saved entries, not a seed, chose what was sent.
func TestConsoleReplayHeader(t *testing.T) {
	var out strings.Builder
	require.NoError(t, ConsoleReporter{Replay: true}.Report(&out, sampleResult()))
	require.True(t, strings.HasPrefix(out.String(), "contract replay: target mock, 123 requests, 120 cases in "), out.String())
	require.NotContains(t, out.String(), "seed 42,")
	require.NotContains(t, out.String(), " reached: ")
}
