package main

import (
	"encoding/json"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/addons-contract/contract/fixtures"
	"github.com/addons-contract/contract/mock"
	"github.com/addons-contract/contract/spec"
	"github.com/stretchr/testify/require"
)

// quick are flags for a small suite: every scenario, a few generated cases.
var quick = []string{"-seed", "3", "-valid", "8", "-invalid", "26", "-sequences", "3"}

func args(extra ...string) []string { return append(append([]string{"run"}, quick...), extra...) }

// fixturesFile writes the shipped fixtures to a file, for -fixtures.
func fixturesFile(t *testing.T) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), "fixtures.json")
	require.NoError(t, os.WriteFile(p, fixtures.DefaultJSON(), 0o644))
	return p
}

// mockServer serves a fresh mock with the shipped fixtures on a loopback
// port until the test ends.
func mockServer(t *testing.T) *httptest.Server {
	t.Helper()
	doc, err := spec.Default()
	require.NoError(t, err)
	fx := fixtures.Default()
	m, err := mock.New(mock.Config{Doc: doc, Fixtures: &fx})
	require.NoError(t, err)
	srv := httptest.NewServer(m)
	t.Cleanup(srv.Close)
	return srv
}

// jsonReport is what tests read back of a -json report.
type jsonReport struct {
	Passed   bool   `json:"passed"`
	Aborted  string `json:"aborted"`
	Sent     int    `json:"sent"`
	Findings []struct {
		Check  string `json:"check"`
		Detail string `json:"detail"`
	} `json:"findings"`
}

// The default command, with no flags at all, passes against the embedded mock
// and its committed golden files, and prints the seed it used.
func TestRunDefaultPassesAgainstMock(t *testing.T) {
	start := time.Now()
	code, stdout, stderr := runCLI(t)
	t.Logf("default run: %v", time.Since(start))
	require.Equal(t, exitPass, code, "stdout:\n%s\nstderr:\n%s", stdout, stderr)
	require.Empty(t, stderr)
	require.Contains(t, stdout, "target embedded mock, seed ")
	require.Contains(t, stdout, "\nPASS\n")
	require.Contains(t, stdout, "error rows reached: 12/13 — not reached: token_expired\n", "rate_limited too, by the mock's own limit; token_expired needs OAuth")
}

// -require-coverage against the embedded mock demands every row, the
// rate limit included: the suite reaches the mock's on purpose.
func TestRunRequireCoverageReachesEveryRowOfTheMock(t *testing.T) {
	code, stdout, stderr := runCLI(t, args("-require-coverage")...)
	require.Equal(t, exitPass, code, "stdout:\n%s\nstderr:\n%s", stdout, stderr)
	require.Contains(t, stdout, "error rows reached: 12/13 — not reached: token_expired\n")
}

// A fault is a finding: exit 1, the greppable line, and a curl command with
// $TOKEN where the token was; the token itself appears nowhere.
func TestRunReportsFindingWithRepro(t *testing.T) {
	code, stdout, stderr := runCLI(t, args("-fault", "wrong-error-code", "-v")...)
	require.Equal(t, exitFindings, code, stdout)
	require.Contains(t, stdout, "POST /accounts/{accountId}/plans/addons [error-row] account_missing: got 404/2002")
	var repro string
	for _, line := range strings.Split(stdout, "\n") {
		if strings.Contains(line, "repro: curl") && strings.Contains(line, "sub-missing-9999") {
			repro = line
		}
	}
	require.NotEmpty(t, repro, stdout)
	require.Contains(t, repro, `"Authorization: Bearer $TOKEN"`)
	for _, secret := range fixtures.Default().Secrets() {
		require.NotContains(t, stdout+stderr, secret)
	}
	require.Regexp(t, `^contract run: \d+ findings \(seed 3\)\n$`, stderr)
}

// Bad input is exit 2 with one line that says what to do.
func TestRunUsageErrors(t *testing.T) {
	fx := fixturesFile(t)
	tests := []struct {
		name, reason string
		args         []string
		want         string
	}{
		{"unknown flag", "flag typos are caught", []string{"run", "-bogus"}, "flag provided but not defined: -bogus"},
		{"unknown check", "the valid ids are listed", []string{"run", "-checks", "error-rows"}, "unknown check error-rows (valid: no-server-error,"},
		{"target without fixtures", "staging needs its roles", []string{"run", "-target", "http://127.0.0.1:1"}, "-target needs -fixtures FILE"},
		{"fault with target", "faults are the mock's", []string{"run", "-target", "http://127.0.0.1:1", "-fixtures", fx, "-fault", "slow"}, "-fault applies to the embedded mock only"},
		{"unknown fault", "the mock lists its faults", []string{"run", "-fault", "nope"}, `unknown fault "nope"`},
		{"bad fixtures", "a fixtures file that does not parse", []string{"run", "-fixtures", "/nonexistent/fx.json"}, "fixtures"},
		{"bad target URL", "a base URL with a scheme", []string{"run", "-target", "localhost:8080", "-fixtures", fx}, "want an http or https URL"},
		{"update remote without golden", "the embedded set is the mock's", []string{"run", "-target", "http://127.0.0.1:1", "-fixtures", fx, "-update"}, "-update with -target needs -golden DIR"},
		{"argument", "run takes flags only", []string{"run", "extra"}, `unexpected argument "extra"`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			code, _, stderr := runCLI(t, tc.args...)
			require.Equal(t, exitUsage, code, tc.reason)
			require.Equal(t, 1, strings.Count(stderr, "\n"), "one line: %q", stderr)
			require.Contains(t, stderr, tc.want, tc.reason)
		})
	}
}

// A target that does not answer is exit 3 with one line, at once; the
// report files are written all the same, marked aborted, so that CI shows
// why.
func TestRunUnreachableTarget(t *testing.T) {
	dir := t.TempDir()
	jsonPath, junitPath := filepath.Join(dir, "r.json"), filepath.Join(dir, "r.xml")
	start := time.Now()
	code, stdout, stderr := runCLI(t, "run", "-target", "http://127.0.0.1:1", "-fixtures", fixturesFile(t), "-timeout", "2s",
		"-json", jsonPath, "-junit", junitPath)
	require.Equal(t, exitUnreachable, code)
	require.Empty(t, stdout)
	require.Equal(t, 1, strings.Count(stderr, "\n"), "one line: %q", stderr)
	require.Contains(t, stderr, "contract run: http://127.0.0.1:1 did not answer")
	require.Less(t, time.Since(start), 5*time.Second)

	var rep jsonReport
	data, err := os.ReadFile(jsonPath)
	require.NoError(t, err)
	require.NoError(t, json.Unmarshal(data, &rep))
	require.Contains(t, rep.Aborted, "http://127.0.0.1:1 did not answer")
	require.False(t, rep.Passed)
	require.Len(t, rep.Findings, 1, "the unanswered first request is the finding")
	require.Equal(t, "no-server-error", rep.Findings[0].Check)
	data, err = os.ReadFile(junitPath)
	require.NoError(t, err)
	require.Contains(t, string(data), `<error message="aborted: http://127.0.0.1:1 did not answer`)
}

// Against a remote target the billing-safe default skips writes and says
// so; JSON and JUnit reports are written and hold no token.
func TestRunRemoteWritesReports(t *testing.T) {
	srv := mockServer(t)
	dir := t.TempDir()
	jsonPath, junitPath := filepath.Join(dir, "r.json"), filepath.Join(dir, "r.xml")
	code, stdout, stderr := runCLI(t, args("-target", srv.URL, "-fixtures", fixturesFile(t), "-rate", "inf", "-workers", "2",
		"-json", jsonPath, "-junit", junitPath)...)
	// Without writes no 201 is judged: against a remote target that is no
	// PASS (-require-coverage is on by default there).
	require.Equal(t, exitFindings, code, "stdout:\n%s\nstderr:\n%s", stdout, stderr)
	require.Contains(t, stdout, "writes need -allow-writes")
	require.Contains(t, lastLine(stdout), "INCONCLUSIVE: no add was sent, so no 201 was judged: writes not allowed (give -allow-writes)")
	for _, p := range []string{jsonPath, junitPath} {
		data, err := os.ReadFile(p)
		require.NoError(t, err)
		for _, secret := range fixtures.Default().Secrets() {
			require.NotContains(t, string(data), secret)
		}
	}
	var doc2 map[string]any
	data, _ := os.ReadFile(jsonPath)
	require.NoError(t, json.Unmarshal(data, &doc2))
	require.Equal(t, float64(3), doc2["seed"])
}

// lastLine is the last non-empty line of s.
func lastLine(s string) string {
	lines := strings.Split(strings.TrimRight(s, "\n"), "\n")
	return lines[len(lines)-1]
}

// -update with -golden DIR records a set; a run against it passes; an
// unreached row fails -require-coverage.
func TestRunGoldenAndCoverage(t *testing.T) {
	dir := t.TempDir()
	code, stdout, _ := runCLI(t, args("-golden", dir, "-update")...)
	require.Equal(t, exitPass, code, stdout)
	require.Contains(t, stdout, "golden files written to "+dir)
	_, err := os.Stat(filepath.Join(dir, "matrix", "self_pay.json"))
	require.NoError(t, err)
	code, stdout, _ = runCLI(t, args("-golden", dir, "-require-coverage")...)
	require.Equal(t, exitPass, code, stdout)

	code, stdout, stderr := runCLI(t, args("-fault", "ignore-self-pay", "-skip-checks", "error-row,golden", "-require-coverage")...)
	require.Equal(t, exitFindings, code, stdout)
	require.Equal(t, "contract run: INCONCLUSIVE: error row self_pay not observed in the answers to 12 cases expecting it (seed 3)\n", stderr)
}

// -max-requests ends the run early: the report says what was skipped, and
// the exit code judges what was sent (0 here; 1 with a fault).
func TestRunMaxRequestsCaps(t *testing.T) {
	code, stdout, stderr := runCLI(t, args("-max-requests", "30")...)
	require.Equal(t, exitPass, code, stdout)
	require.Contains(t, stdout, "-max-requests 30 reached")
	require.Empty(t, stderr)
	code, _, _ = runCLI(t, args("-max-requests", "30", "-fault", "auth-ignored")...)
	require.Equal(t, exitFindings, code)
}

// -list-checks names every check with what it holds the server to.
func TestRunListChecks(t *testing.T) {
	code, stdout, _ := runCLI(t, "run", "-list-checks")
	require.Equal(t, exitPass, code)
	for _, id := range []string{"no-server-error", "error-row", "state-model", "response-time"} {
		require.Contains(t, stdout, id+" ")
	}
}
