package report

import (
	"bytes"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/addons-contract/contract/contract"
	"github.com/addons-contract/contract/contract/target"
	"github.com/google/go-cmp/cmp"
	"github.com/stretchr/testify/require"
)

// shardJSON is r's JSON report, marked as shard index of count unless
// count is 0 (an unsharded run).
func shardJSON(t *testing.T, r *contract.Result, index, count int) []byte {
	t.Helper()
	v := newView(r)
	if count > 0 {
		v.Shard = &jsonShard{index, count}
	}
	var b bytes.Buffer
	require.NoError(t, JSONReporter{Indent: true}.render(&b, v))
	return b.Bytes()
}

// readShard is r's JSON report read back, as shard index of count.
func readShard(t *testing.T, name string, r *contract.Result, index, count int) *Doc {
	t.Helper()
	d, err := ReadJSON(name, shardJSON(t, r, index, count))
	require.NoError(t, err)
	return d
}

func render(t *testing.T, d *Doc, rep Reporter) string {
	t.Helper()
	var b bytes.Buffer
	require.NoError(t, d.Render(&b, rep))
	return b.String()
}

// stepsResult has a state-model finding with steps and one that sent a
// made-up token (the parts of a finding only the console used to show), in
// check order as a run lists them.
func stepsResult() *contract.Result {
	c := &contract.Case{ID: "matrix/invalid_token", Kind: contract.KindScenario,
		Req: contract.Request{Account: "paid", Token: "contract-unknown-token-0000", Body: []byte(`{}`)}}
	ex := &contract.Exchange{Case: c, Method: "POST", URL: "http://127.0.0.1:8089/accounts/sub-paid-0001/plans/addons",
		ReqHeader: http.Header{"Authorization": {"Bearer $TOKEN"}}, Status: 201, Retries: 2}
	step := contract.Step{Case: &contract.Case{Req: contract.Request{Account: "paid", Body: []byte(`{"type":"zwb_monthly"}`)}}, Answer: "201"}
	return &contract.Result{Target: "mock", Operation: addonsOp, Seed: 7, Duration: 2 * time.Second,
		Checks: []string{contract.CheckAuthEnforced, contract.CheckStateModel},
		Findings: []contract.Finding{
			{Check: contract.CheckAuthEnforced, Row: "invalid_token", Count: 1, Example: ex, CaseID: c.ID, Failure: contract.Failure{Detail: "got 201, want 401"}},
			{Check: contract.CheckStateModel, Row: "already_has", Count: 1, Example: ex, CaseID: c.ID, Steps: []contract.Step{step, step}},
		},
		RateLimit:     target.RateLimit{Answers: 3, Paused: 1500 * time.Millisecond, Slowest: 2.5},
		Unjudged:      []contract.Unjudged{{CaseID: "valid/0001/paid", Reason: "429"}},
		UnjudgedCount: 4,
		Held:          []contract.Held{{Account: "paid", Codes: []string{"a", "b"}}},
		Inconclusive:  []string{"no add was answered 201: no write case got a 201"},
		Aborted:       "interrupted",
	}
}

// The JSON report holds all the console and JUnit reports show: rendered
// from it read back, they are the result's own, and so is the JSON; an
// unsharded report merges to itself.
func TestReadJSONRendersAsTheResult(t *testing.T) {
	sample := sampleResult()
	sample.Duration = 1234 * time.Millisecond // the JSON keeps milliseconds
	for name, r := range map[string]*contract.Result{"sample": sample, "steps, tokens, rate limit, abort": stepsResult(), "empty": {Operation: addonsOp}} {
		data := shardJSON(t, r, 0, 0)
		d, err := ReadJSON("r.json", data)
		require.NoError(t, err, name)
		merged, err := Merge(d)
		require.NoError(t, err, name)
		for rname, rep := range map[string]Reporter{
			"console":         ConsoleReporter{},
			"console verbose": ConsoleReporter{Verbose: true, Color: true},
			"junit":           JUnitReporter{},
			"json":            JSONReporter{Indent: true},
		} {
			want := string(report(t, rep, r))
			if diff := cmp.Diff(want, render(t, d, rep)); diff != "" {
				t.Errorf("%s: %s read back from JSON (-result +read):\n%s", name, rname, diff)
			}
			if diff := cmp.Diff(want, render(t, merged, rep)); diff != "" {
				t.Errorf("%s: %s of the report merged alone (-result +merged):\n%s", name, rname, diff)
			}
		}
	}
}

// A document that is not a contract JSON report is one line naming the
// file and what is wrong.
func TestReadJSONRejects(t *testing.T) {
	good := string(shardJSON(t, sampleResult(), 0, 0))
	tests := []struct {
		name, data, want string
	}{
		{"not JSON", "PASS\n", "r.json: not a contract JSON report: invalid character"},
		{"an array", "[]", "r.json: not a contract JSON report: json: cannot unmarshal array"},
		{"another tool's object", `{"name":"x","tests":3}`, `r.json: not a contract JSON report: no "operation"`},
		{"no findings", strings.Replace(good, `"findings"`, `"finding"`, 1), `no "checks", "stats" or "findings"`},
		{"no coverage", strings.Replace(good, `"coverage"`, `"cover"`, 1), `no "coverage"`},
		{"odd verdict", strings.Replace(good, `"verdict": "FAIL"`, `"verdict": "MAYBE"`, 1), `verdict "MAYBE"`},
		{"two documents", good + good, "more after its object"},
		{"bad start", strings.Replace(good, `"2024-05-01T12:00:00Z"`, `"yesterday"`, 1), `started "yesterday"`},
		{"shard index 0", string(shardJSON(t, sampleResult(), 0, 2)), "shard 0/2: want an index from 1 to the count"},
		{"shard index over count", string(shardJSON(t, sampleResult(), 3, 2)), "shard 3/2"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := ReadJSON("r.json", []byte(tt.data))
			require.Error(t, err)
			require.Contains(t, err.Error(), tt.want)
			require.NotContains(t, err.Error(), "\n", "one line")
		})
	}
}

// Reports that are not the shards of one run, each once, do not merge.
func TestMergeRejects(t *testing.T) {
	other := func(f func(r *contract.Result)) *contract.Result {
		r := sampleResult()
		f(r)
		return r
	}
	a := readShard(t, "a.json", sampleResult(), 1, 3)
	b := readShard(t, "b.json", sampleResult(), 2, 3)
	c := readShard(t, "c.json", sampleResult(), 3, 3)
	tests := []struct {
		name string
		docs []*Doc
		want string
	}{
		{"none", nil, "no reports to merge"},
		{"another seed", []*Doc{a, readShard(t, "s.json", other(func(r *contract.Result) { r.Seed = 43 }), 2, 3), c},
			`a.json and s.json differ in seed ("42", "43"): not shards of one run`},
		{"another operation", []*Doc{a, b, readShard(t, "o.json", other(func(r *contract.Result) { r.Operation = "GET /x" }), 3, 3)},
			`a.json and o.json differ in operation`},
		{"another target", []*Doc{a, b, readShard(t, "t.json", other(func(r *contract.Result) { r.Target = "staging" }), 3, 3)},
			`a.json and t.json differ in target ("mock", "staging")`},
		{"another shard count", []*Doc{a, b, readShard(t, "n.json", sampleResult(), 3, 4)}, `a.json and n.json differ in shard count ("3", "4")`},
		{"unsharded with sharded", []*Doc{a, readShard(t, "u.json", sampleResult(), 0, 0)}, `differ in shard count ("3", "1")`},
		{"a shard twice", []*Doc{a, b, readShard(t, "b2.json", sampleResult(), 2, 3)}, "shard 2/3 given twice: b.json and b2.json"},
		{"a shard missing", []*Doc{c, a}, "missing shard 2/3"},
		{"many missing", []*Doc{readShard(t, "x.json", sampleResult(), 9, 1000)}, "missing shard 1/1000, 2/1000, 3/1000, 4/1000, 5/1000 (and 994 more)"},
		{"two unsharded runs", []*Doc{readShard(t, "u1.json", sampleResult(), 0, 0), readShard(t, "u2.json", sampleResult(), 0, 0)},
			"shard 1/1 given twice: u1.json and u2.json"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Merge(tt.docs...)
			require.Error(t, err)
			require.Contains(t, err.Error(), tt.want)
		})
	}
}

// secondShard is the other half of sampleResult's run: it started 2s
// later, found self_pay with a smaller body, and a status-documented
// finding; it reached rate_limited, and met the rate limit.
func secondShard() *contract.Result {
	r := sampleResult()
	r.Started = r.Started.Add(2 * time.Second)
	r.Duration = 500 * time.Millisecond
	r.Cases, r.Sent = 80, 81
	r.Skipped = []contract.Skip{{Reason: "writes need -allow-writes", Count: 6}}
	r.Stats = []contract.CheckStat{
		{Check: contract.CheckNoServerError, Passed: 81},
		{Check: contract.CheckStatusDocumented, Passed: 80, Failed: 1},
		{Check: contract.CheckErrorRow, Passed: 5, Failed: 2},
		{Check: contract.CheckInvalidRejected, Passed: 30},
	}
	selfPay := r.Findings[0]
	small := *selfPay.Example.Case
	small.ID, small.Req.Body = "matrix/self_pay-2", []byte(`{"type":"z","hosts":1}`)
	ex := *selfPay.Example
	ex.Case = &small
	selfPay.Example, selfPay.CaseID, selfPay.Count = &ex, small.ID, 2
	undocumented := contract.Finding{Check: contract.CheckStatusDocumented, Row: "418", Count: 1, Example: &ex, CaseID: small.ID,
		Failure: contract.Failure{Detail: "418 is not documented"}}
	r.Findings = []contract.Finding{undocumented, selfPay}
	for i := range r.Coverage.Rows {
		r.Coverage.Rows[i].Count = 1
	}
	r.RateLimit = target.RateLimit{Answers: 2, Paused: 300 * time.Millisecond, Slowest: 4}
	r.Held = []contract.Held{{Account: "paid", Codes: []string{"b", "c"}}}
	return r
}

// Two shards merge into the report one run would make: findings grouped by
// check and row in check order, counts added, the smallest example kept;
// stats, skips and coverage added; the run's time spans both shards.
func TestMergeShards(t *testing.T) {
	first := sampleResult()
	first.Held = []contract.Held{{Account: "paid", Codes: []string{"a", "b"}}}
	m, err := Merge(readShard(t, "2.json", secondShard(), 2, 2), readShard(t, "1.json", first, 1, 2))
	require.NoError(t, err)
	v := m.v
	var lines []string
	for _, f := range v.Findings {
		lines = append(lines, fmt.Sprintf("%s %s %d %s", f.Check, f.Row, f.Count, f.Case))
	}
	tests := []struct {
		name      string
		got, want any
	}{
		{"findings in check order, counts added, the smaller body's example", lines, []string{
			"status-documented 418 1 matrix/self_pay-2",
			"error-row self_pay 5 matrix/self_pay-2",
			"invalid-rejected wrong-type 1 invalid/wrong-type/0017",
		}},
		{"verdict", [2]string{v.Verdict, m.Summary()}, [2]string{"FAIL", "3 findings (seed 42)"}},
		{"stats added", v.Stats[1:3], []jsonStat{{"status-documented", 203, 1}, {"error-row", 15, 5}}},
		{"cases and requests added", [2]int{v.Cases, v.Sent}, [2]int{200, 204}},
		{"skips added by reason", v.Skipped, []jsonSkip{{"writes need -allow-writes", 20}, {"-max-requests reached", 1}}},
		{"a row one shard reached is reached", v.Coverage.Rows[11], jsonCovered{"rate_limited", 1}},
		{"row counts added", v.Coverage.Rows[1], jsonCovered{"self_pay", 4}},
		{"plans kept", len(v.Coverage.Plans), 3},
		{"from the first start to the last end", [2]string{v.Started, fmt.Sprint(v.DurationMS)}, [2]string{"2024-05-01T12:00:00Z", "2500"}},
		{"rate limit added, the lowest pace", v.RateLimit, jsonRateLimit{2, 300, 4}},
		{"held codes united", v.Held, []jsonHeld{{"paid", []string{"a", "b", "c"}}}},
		{"the merged report is no shard", v.Shard, (*jsonShard)(nil)},
	}
	for _, tt := range tests {
		if diff := cmp.Diff(tt.want, tt.got); diff != "" {
			t.Errorf("%s (-want +got):\n%s", tt.name, diff)
		}
	}
	out := render(t, m, ConsoleReporter{})
	require.Contains(t, out, "contract run: target mock, seed 42, 204 requests, 200 cases in 2.5s\n")
	require.Contains(t, out, addonsOp+" [error-row] self_pay: got code 300, want 2100 (5 cases)\n    case: matrix/self_pay-2 (seed 0)\n")
	require.True(t, strings.HasSuffix(out, "\nFAIL: 3 findings\n"), out)
}

// Equal bodies keep the example of the smaller case id, as a run keeps the
// earlier case.
func TestMergeTiesByCaseID(t *testing.T) {
	a, b := sampleResult(), sampleResult()
	a.Findings[0].CaseID = "matrix/self_pay-b"
	b.Findings[0].CaseID = "matrix/self_pay-a"
	m, err := Merge(readShard(t, "a.json", a, 1, 2), readShard(t, "b.json", b, 2, 2))
	require.NoError(t, err)
	require.Equal(t, "matrix/self_pay-a", m.v.Findings[0].Case)
	require.Equal(t, 6, m.v.Findings[0].Count)
}

// The merged verdict is decided as a run's: any shard aborted is an
// abort, naming the shard; any finding is a FAIL; what any shard did not
// observe keeps it INCONCLUSIVE.
func TestMergeVerdict(t *testing.T) {
	pass := func() *contract.Result {
		r := sampleResult()
		r.Findings = nil
		return r
	}
	aborted := pass()
	aborted.Aborted = "interrupted"
	unseen := pass()
	unseen.Inconclusive = []string{"no add was answered 201: no write case got a 201"}
	tests := []struct {
		name         string
		first, other *contract.Result
		verdict      string
		summary      string
	}{
		{"both pass", pass(), pass(), "PASS", ""},
		{"a finding in one", pass(), sampleResult(), "FAIL", "2 findings (seed 42)"},
		{"one aborted", pass(), aborted, "ABORTED", "shard 2/2: interrupted"},
		{"aborted beats findings", sampleResult(), aborted, "ABORTED", "shard 2/2: interrupted"},
		{"one inconclusive", unseen, pass(), "INCONCLUSIVE", "INCONCLUSIVE: no add was answered 201: no write case got a 201 (seed 42)"},
		{"both inconclusive alike, said once", unseen, unseen, "INCONCLUSIVE", "INCONCLUSIVE: no add was answered 201: no write case got a 201 (seed 42)"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m, err := Merge(readShard(t, "1.json", tt.first, 1, 2), readShard(t, "2.json", tt.other, 2, 2))
			require.NoError(t, err)
			require.Equal(t, tt.verdict, m.Verdict())
			require.Equal(t, tt.summary, m.Summary())
			require.Equal(t, tt.verdict == "PASS", m.v.Passed)
		})
	}
}

// Checks and their stats come in the order a run reports them, whichever
// shard ran them.
func TestMergeChecksInRunOrder(t *testing.T) {
	a, b := &contract.Result{Operation: addonsOp}, &contract.Result{Operation: addonsOp}
	a.Checks = []string{contract.CheckErrorRow, contract.CheckGolden}
	b.Checks = []string{contract.CheckNoServerError, contract.CheckErrorRow}
	b.Stats = []contract.CheckStat{{Check: contract.CheckErrorRow, Passed: 2}}
	a.Stats = []contract.CheckStat{{Check: contract.CheckErrorRow, Passed: 1, Failed: 1}}
	m, err := Merge(readShard(t, "a.json", a, 1, 2), readShard(t, "b.json", b, 2, 2))
	require.NoError(t, err)
	require.Equal(t, []string{contract.CheckNoServerError, contract.CheckErrorRow, contract.CheckGolden}, m.v.Checks)
	require.Equal(t, []jsonStat{{contract.CheckNoServerError, 0, 0}, {contract.CheckErrorRow, 3, 1}, {contract.CheckGolden, 0, 0}}, m.v.Stats)
}
