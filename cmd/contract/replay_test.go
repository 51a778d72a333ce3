package main

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/addons-contract/contract/fixtures"
	"github.com/addons-contract/contract/mock"
	"github.com/stretchr/testify/require"
)

// The committed corpora are replayed against the embedded mock by make
// test: the regression entries in corpus/ and the Go fuzz seed corpora.
func TestReplayCommittedCorporaPass(t *testing.T) {
	code, stdout, stderr := runCLI(t, "replay", "../../corpus", "../../fuzz/testdata/fuzz", "../../mock/testdata/fuzz")
	require.Equal(t, exitPass, code, "stdout:\n%s\nstderr:\n%s", stdout, stderr)
	require.Empty(t, stderr)
	require.Regexp(t, `contract replay: \d+ entries against embedded mock: 0 still fail, \d+ pass, 0 skipped\n`, stdout)
	require.Contains(t, stdout, "passes       ../../fuzz/testdata/fuzz/FuzzStructured/valid-seed-7\n")
	require.Contains(t, stdout, "now passes   ../../corpus/wrong-error-code/error-row__account_missing__")
	require.Contains(t, stdout, "\nPASS\n")
}

// corpus/README.md's promise, both halves: every committed entry passes
// against the clean mock (TestReplayCommittedCorporaPass) and fails again
// with the fault it was saved under, named by its directory.
func TestCommittedCorpusFailsAgainWithItsFault(t *testing.T) {
	dirs, err := os.ReadDir("../../corpus")
	require.NoError(t, err)
	known := map[string]bool{}
	for _, f := range mock.Faults() {
		known[f.Name] = true
	}
	var checked int
	for _, d := range dirs {
		if !d.IsDir() {
			continue
		}
		fault := d.Name()
		t.Run(fault, func(t *testing.T) {
			require.True(t, known[fault], "corpus/%s names no mock fault: a directory is the fault its entries were saved under", fault)
			dir := filepath.Join("../../corpus", fault)
			files, err := filepath.Glob(filepath.Join(dir, "*.json"))
			require.NoError(t, err)
			require.NotEmpty(t, files)
			code, stdout, stderr := runCLI(t, "replay", "-fault", fault, dir)
			require.Equal(t, exitFindings, code, "stdout:\n%s", stdout)
			require.True(t, strings.HasPrefix(stderr, fmt.Sprintf("contract replay: %d of %d entr", len(files), len(files))),
				"every entry fails again with its fault on: %s\n%s", stderr, stdout)
		})
		checked++
	}
	require.Positive(t, checked)
}

// The cycle end to end: a mock fault is a finding; -save writes it;
// replaying fails while the fault is on (exit 1, naming the check) and
// passes once it is off (exit 0); -json and -junit are written as for run.
func TestSaveReplayCycle(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "corpus")
	code, stdout, _ := runCLI(t, args("-fault", "wrong-error-code", "-save", dir)...)
	require.Equal(t, exitFindings, code, stdout)
	files, err := filepath.Glob(filepath.Join(dir, "*.json"))
	require.NoError(t, err)
	n := len(files)
	require.GreaterOrEqual(t, n, 2, "the error-row finding and the golden ones of every scenario on the missing account")
	require.Contains(t, stdout, fmt.Sprintf("saved %d corpus entries to %s", n, dir))
	for _, f := range files {
		data, err := os.ReadFile(f)
		require.NoError(t, err)
		for _, s := range fixtures.Default().Secrets() {
			require.NotContains(t, string(data), s)
		}
	}

	rep := t.TempDir()
	jsonPath, junitPath := filepath.Join(rep, "r.json"), filepath.Join(rep, "r.xml")
	code, stdout, stderr := runCLI(t, "replay", "-fault", "wrong-error-code", "-json", jsonPath, "-junit", junitPath, dir)
	require.Equal(t, exitFindings, code, stdout)
	require.Contains(t, stdout, "still fails  "+filepath.Join(dir, "error-row__account_missing__"))
	require.Contains(t, stdout, "[error-row] account_missing: got 404/2002")
	require.Contains(t, stdout, "POST /accounts/{accountId}/plans/addons [error-row] account_missing: got 404/2002")
	require.Equal(t, fmt.Sprintf("contract replay: %d of %d entries still fail\n", n, n), stderr)
	var doc map[string]any
	data, err := os.ReadFile(jsonPath)
	require.NoError(t, err)
	require.NoError(t, json.Unmarshal(data, &doc))
	require.Equal(t, false, doc["passed"])
	xml, err := os.ReadFile(junitPath)
	require.NoError(t, err)
	require.Contains(t, string(xml), "account_missing")

	code, stdout, stderr = runCLI(t, "replay", dir)
	require.Equal(t, exitPass, code, stdout)
	require.Empty(t, stderr)
	require.Contains(t, stdout, "now passes   "+filepath.Join(dir, "error-row__account_missing__"))
	require.Contains(t, stdout, "(was [error-row] account_missing)")
	require.Contains(t, stdout, fmt.Sprintf("%d entries against embedded mock: 0 still fail, %d pass, 0 skipped", n, n))
}

// Bad corpus input is exit 2 with one line naming the file.
func TestReplayUsageErrors(t *testing.T) {
	bad := filepath.Join("..", "..", "contract", "corpus", "testdata", "bad")
	tests := []struct {
		name, reason string
		args         []string
		want         string
	}{
		{"no path", "replay needs something to replay", []string{"replay"}, "no PATH to replay"},
		{"truncated entry", "a cut-off write", []string{"replay", filepath.Join(bad, "truncated.json")}, filepath.Join(bad, "truncated.json") + ": not a corpus entry"},
		{"unknown fuzz target", "the directory names the target", []string{"replay", filepath.Join(bad, "FuzzNope")}, `unknown fuzz target "FuzzNope"`},
		{"bad directory", "the first bad file stops the load", []string{"replay", bad}, filepath.Join(bad, "FuzzNope", "input")},
		{"missing path", "a typo in a path", []string{"replay", "nope/"}, "nope/: no such file or directory"},
		{"target without fixtures", "staging needs its roles", []string{"replay", "-target", "http://127.0.0.1:1", "../../corpus"}, "-target needs -fixtures FILE"},
		{"unknown fault", "the mock lists its faults", []string{"replay", "-fault", "nope", "../../corpus"}, `unknown fault "nope"`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			code, stdout, stderr := runCLI(t, tc.args...)
			require.Equal(t, exitUsage, code, tc.reason)
			require.Empty(t, stdout)
			require.Equal(t, 1, strings.Count(stderr, "\n"), "one line: %q", stderr)
			require.Contains(t, stderr, tc.want, tc.reason)
		})
	}
}

// A target that does not answer is exit 3 with one line, and the report
// files written, aborted.
func TestReplayUnreachable(t *testing.T) {
	dir := t.TempDir()
	jsonPath, junitPath := filepath.Join(dir, "r.json"), filepath.Join(dir, "r.xml")
	code, stdout, stderr := runCLI(t, "replay", "-target", "http://127.0.0.1:1", "-fixtures", fixturesFile(t), "-timeout", "2s",
		"-json", jsonPath, "-junit", junitPath, "../../fuzz/testdata/fuzz/FuzzRawRequest")
	require.Equal(t, exitUnreachable, code, stdout)
	require.Equal(t, 1, strings.Count(stderr, "\n"), "one line: %q", stderr)
	require.Contains(t, stderr, "did not answer")
	var rep jsonReport
	data, err := os.ReadFile(jsonPath)
	require.NoError(t, err)
	require.NoError(t, json.Unmarshal(data, &rep))
	require.Contains(t, rep.Aborted, "http://127.0.0.1:1 did not answer")
	data, err = os.ReadFile(junitPath)
	require.NoError(t, err)
	require.Contains(t, string(data), `<error message="aborted: `)
}

// -minimize writes NAME.min.json beside a failing entry, smaller and
// failing the same check; golden entries are left as they are.
func TestReplayMinimize(t *testing.T) {
	dir := t.TempDir()
	for _, name := range []string{"invalid-rejected__invalid_body__31f3819aee32.json", "golden__matrix-invalid_body__31f3819aee32.json"} {
		data, err := os.ReadFile(filepath.Join("..", "..", "corpus", "accept-zero-hosts", name))
		require.NoError(t, err)
		require.NoError(t, os.WriteFile(filepath.Join(dir, name), data, 0o644))
	}
	code, stdout, _ := runCLI(t, "replay", "-fault", "accept-zero-hosts", "-minimize", dir)
	require.Equal(t, exitFindings, code, stdout)
	require.Regexp(t, `minimised    \S+invalid-rejected__invalid_body__31f3819aee32.json: body 115 → \d+ bytes, still fails \[invalid-rejected\] invalid_body: \S+\.min\.json`, stdout)
	require.Contains(t, stdout, "not minimised "+filepath.Join(dir, "golden__matrix-invalid_body__31f3819aee32.json"))
	min := filepath.Join(dir, "invalid-rejected__invalid_body__31f3819aee32.min.json")
	data, err := os.ReadFile(min)
	require.NoError(t, err)
	require.Contains(t, string(data), `"body": "{\"hosts\":0,\"type\":\"webinar500_monthly\"}"`)

	code, stdout, _ = runCLI(t, "replay", "-fault", "accept-zero-hosts", min)
	require.Equal(t, exitFindings, code, stdout)
	code, stdout, _ = runCLI(t, "replay", min)
	require.Equal(t, exitPass, code, stdout)
}
