package main

import (
	"encoding/json"
	"encoding/xml"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// shardReport is what the merge tests read of a -json report.
type shardReport struct {
	Sent     int `json:"sent"`
	Findings []struct {
		Check string `json:"check"`
		Row   string `json:"row"`
		Count int    `json:"count"`
	} `json:"findings"`
	Coverage struct {
		Rows []struct {
			ID    string `json:"id"`
			Count int    `json:"count"`
		} `json:"rows"`
	} `json:"coverage"`
	Verdict string `json:"verdict"`
}

func readReport(t *testing.T, path string) shardReport { return readJSON[shardReport](t, path) }

// readJSON decodes the JSON file at path as a T.
func readJSON[T any](t *testing.T, path string) T {
	t.Helper()
	data, err := os.ReadFile(path)
	require.NoError(t, err)
	var v T
	require.NoError(t, json.Unmarshal(data, &v))
	return v
}

// runReport runs a small suite (no generated cases) against the mock
// with a fault that error-row and golden find, and writes its -json report.
func runReport(t *testing.T, path string) {
	t.Helper()
	code, stdout, stderr := runCLI(t, "run", "-seed", "3", "-valid", "0", "-invalid", "0", "-sequences", "0",
		"-fault", "wrong-error-code", "-json", path)
	require.Equal(t, exitFindings, code, "stdout:\n%s\nstderr:\n%s", stdout, stderr)
}

// craft writes to out the JSON report at in, changed by edit.
func craft(t *testing.T, in, out string, edit func(doc map[string]any)) string {
	t.Helper()
	data, err := os.ReadFile(in)
	require.NoError(t, err)
	var doc map[string]any
	require.NoError(t, json.Unmarshal(data, &doc))
	edit(doc)
	data, err = json.Marshal(doc)
	require.NoError(t, err)
	require.NoError(t, os.WriteFile(out, data, 0o644))
	return out
}

// A real run's report, as two shards of one run (the second found only
// golden's findings), merges into one report: every finding once, with the
// counts of both shards, coverage counts added, exit 1 as the run would,
// and the -json and -junit files of the whole. (One run serves as both
// shards: -race runs are slow.)
func TestMergeRealShards(t *testing.T) {
	dir := t.TempDir()
	one, two := filepath.Join(dir, "shard1.json"), filepath.Join(dir, "shard2.json")
	runReport(t, one)
	craft(t, one, two, func(doc map[string]any) {
		doc["shard"] = map[string]any{"index": 2, "count": 2}
		var golden []any
		for _, f := range doc["findings"].([]any) {
			if f.(map[string]any)["check"] == "golden" {
				golden = append(golden, f)
			}
		}
		doc["findings"] = golden
	})
	craft(t, one, one, func(doc map[string]any) { doc["shard"] = map[string]any{"index": 1, "count": 2} })
	a, b := readReport(t, one), readReport(t, two)
	require.Greater(t, len(a.Findings), len(b.Findings), "the fault breaks error-row too")
	require.NotEmpty(t, b.Findings, "the fault breaks golden")

	jsonOut, junitOut := filepath.Join(dir, "merged.json"), filepath.Join(dir, "merged.xml")
	code, stdout, stderr := runCLI(t, "merge", "-json", jsonOut, "-junit", junitOut, two, one)
	n := len(a.Findings)
	require.Equal(t, exitFindings, code, "stdout:\n%s\nstderr:\n%s", stdout, stderr)
	require.Equal(t, fmt.Sprintf("contract merge: %d findings (seed 3)\n", n), stderr)
	require.True(t, strings.HasSuffix(stdout, fmt.Sprintf("\nFAIL: %d findings\n", n)), stdout)
	require.Contains(t, stdout, fmt.Sprintf("contract run: target embedded mock (fault wrong-error-code), seed 3, %d requests", 2*a.Sent))

	m := readReport(t, jsonOut)
	require.Equal(t, "FAIL", m.Verdict)
	require.Equal(t, 2*a.Sent, m.Sent)
	var want, got []string
	for _, f := range a.Findings {
		count := f.Count
		if f.Check == "golden" {
			count *= 2 // found by both shards
		}
		want = append(want, fmt.Sprintf("%s %s %d", f.Check, f.Row, count))
	}
	for _, f := range m.Findings {
		got = append(got, fmt.Sprintf("%s %s %d", f.Check, f.Row, f.Count))
	}
	require.Equal(t, want, got, "the run's findings in its order, golden's counted twice")
	for i, row := range m.Coverage.Rows {
		require.Equal(t, 2*a.Coverage.Rows[i].Count, row.Count, "coverage of %s adds up", row.ID)
	}

	data, err := os.ReadFile(junitOut)
	require.NoError(t, err)
	var junit struct {
		Failures int `xml:"failures,attr"`
	}
	require.NoError(t, xml.Unmarshal(data, &junit))
	require.Equal(t, n, junit.Failures, "one failing test case per finding")

	t.Run("errors", func(t *testing.T) { mergeErrors(t, dir, one, two, junitOut) })
	t.Run("exit codes", func(t *testing.T) { mergeExitCodes(t, dir, one) })
}

// mergeErrors: reports that are no shards of one run, each once, are a
// usage error (exit 2) in one line, and nothing is written.
func mergeErrors(t *testing.T, dir, one, two, junitOut string) {
	otherSeed := craft(t, two, filepath.Join(dir, "seed.json"), func(doc map[string]any) { doc["seed"] = 4 })
	otherSpec := craft(t, two, filepath.Join(dir, "spec.json"), func(doc map[string]any) { doc["spec"] = "sha256:0000" })
	tests := []struct {
		name string
		args []string
		want string
	}{
		{"no reports", nil, "no reports to merge"},
		{"a shard twice", []string{one, two, one}, fmt.Sprintf("shard 1/2 given twice: %s and %s", one, one)},
		{"a shard missing", []string{two}, "missing shard 1/2"},
		{"not a report", []string{one, junitOut}, junitOut + ": not a contract JSON report: invalid character '<'"},
		{"no such file", []string{one, filepath.Join(dir, "none.json")}, "none.json: no such file"},
		{"another seed", []string{one, otherSeed}, `differ in seed ("3", "4"): not shards of one run`},
		{"another spec revision", []string{one, otherSpec}, "differ in spec revision"},
		{"a flag after the reports", []string{one, two, "-junit", "x.xml"}, "flag -junit after the reports"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			out := filepath.Join(t.TempDir(), "m.json")
			code, stdout, stderr := runCLI(t, append([]string{"merge", "-json", out}, tt.args...)...)
			require.Equal(t, exitUsage, code, stderr)
			require.Empty(t, stdout)
			require.Equal(t, 1, strings.Count(stderr, "\n"), "one line: %q", stderr)
			require.Contains(t, stderr, tt.want)
			require.NoFileExists(t, out)
		})
	}
}

// mergeExitCodes: the merged verdict exits as 'contract run' does.
func mergeExitCodes(t *testing.T, dir, one string) {
	tests := []struct {
		name   string
		edit   func(doc map[string]any)
		code   int
		stderr string
	}{
		{"pass", func(doc map[string]any) { doc["findings"] = []any{} }, exitPass, ""},
		{"inconclusive", func(doc map[string]any) {
			doc["findings"], doc["inconclusive"] = []any{}, []string{"no add was answered 201"}
		}, exitFindings, "contract merge: INCONCLUSIVE: no add was answered 201 (seed 3)\n"},
		{"aborted", func(doc map[string]any) { doc["aborted"] = "interrupted" }, exitUnreachable, "contract merge: run aborted: interrupted\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			alone := craft(t, one, filepath.Join(dir, tt.name+".json"), func(doc map[string]any) {
				delete(doc, "shard") // an unsharded run merges to itself
				tt.edit(doc)
			})
			code, _, stderr := runCLI(t, "merge", alone)
			require.Equal(t, tt.code, code, stderr)
			require.Equal(t, tt.stderr, stderr)
		})
	}
}
