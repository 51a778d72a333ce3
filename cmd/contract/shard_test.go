package main

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"sync"
	"testing"

	yaml "github.com/pb33f/go-yaml"
	"github.com/stretchr/testify/require"
)

// runOutcome is what the shard tests compare of a -json report.
type runOutcome struct {
	Verdict  string `json:"verdict"`
	Cases    int    `json:"cases"`
	Sent     int    `json:"sent"`
	Findings []struct {
		Check string `json:"check"`
		Row   string `json:"row"`
	} `json:"findings"`
	Coverage     json.RawMessage `json:"coverage"`
	Inconclusive []string        `json:"inconclusive"`
}

func readOutcome(t *testing.T, path string) runOutcome { return readJSON[runOutcome](t, path) }

// groups are a report's findings as "check row", sorted.
func (r runOutcome) groups() []string {
	var out []string
	for _, f := range r.Findings {
		out = append(out, f.Check+" "+f.Row)
	}
	sort.Strings(out)
	return out
}

// Three shards of a suite, merged, give what one unsharded run
// gives: the same findings, the same coverage, the same cases sent and the
// same exit code, against the clean mock and against a faulty one.
func TestShardsMergeLikeOneRun(t *testing.T) {
	for _, fault := range []string{"", "wrong-error-code"} {
		t.Run("fault="+fault, func(t *testing.T) {
			t.Parallel()
			dir := t.TempDir()
			// Every scenario, fewer generated cases: -race runs are slow.
			base := []string{"run", "-seed", "7", "-valid", "40", "-invalid", "120", "-sequences", "9"}
			if fault != "" {
				base = append(base, "-fault", fault)
			}
			whole := filepath.Join(dir, "whole.json")
			wantCode, stdout, stderr := runCLI(t, append(base, "-json", whole)...)
			require.Contains(t, []int{exitPass, exitFindings}, wantCode, "stdout:\n%s\nstderr:\n%s", stdout, stderr)
			var parts []string
			for k := 1; k <= 3; k++ {
				p := filepath.Join(dir, fmt.Sprintf("shard-%d.json", k))
				code, stdout, stderr := runCLI(t, append(base, "-shard", fmt.Sprintf("%d/3", k), "-json", p)...)
				require.NotEqual(t, exitUsage, code, "stdout:\n%s\nstderr:\n%s", stdout, stderr)
				require.Contains(t, stdout, fmt.Sprintf("shard %d/3", k), "the report names its shard")
				parts = append(parts, p)
			}
			merged := filepath.Join(dir, "merged.json")
			code, stdout, stderr := runCLI(t, append([]string{"merge", "-json", merged}, parts...)...)
			require.Equal(t, wantCode, code, "stdout:\n%s\nstderr:\n%s", stdout, stderr)

			w, m := readOutcome(t, whole), readOutcome(t, merged)
			require.Equal(t, w.groups(), m.groups(), "findings")
			require.JSONEq(t, string(w.Coverage), string(m.Coverage), "coverage")
			require.Equal(t, w.Verdict, m.Verdict)
			require.Equal(t, w.Cases, m.Cases, "cases built")
			require.Equal(t, w.Sent, m.Sent, "requests sent")
			if fault != "" {
				require.NotEmpty(t, m.Findings, "the fault is found")
			}
		})
	}
}

// Two shards sent at the same time to one mock on a port, both adding
// plans to the same accounts, raise no false alarm: each adds only its own
// plan codes, and neither learns from what the other's adds change.
func TestConcurrentShardsShareOneServer(t *testing.T) {
	srv := mockServer(t)
	fxFile := fixturesFile(t)
	dir := t.TempDir()
	type outcome struct {
		code           int
		stdout, stderr string
	}
	out := make([]outcome, 2)
	var wg sync.WaitGroup
	for k := 1; k <= 2; k++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			o := &out[k-1]
			o.code, o.stdout, o.stderr = runCLI(t, "run", "-seed", "11", "-shard", fmt.Sprintf("%d/2", k),
				"-target", srv.URL, "-fixtures", fxFile, "-allow-writes", "-rate", "inf",
				"-json", filepath.Join(dir, fmt.Sprintf("shard-%d.json", k)))
		}()
	}
	wg.Wait()
	for k, o := range out {
		require.Equal(t, exitPass, o.code, "shard %d/2:\nstdout:\n%s\nstderr:\n%s", k+1, o.stdout, o.stderr)
	}
	code, stdout, stderr := runCLI(t, "merge", filepath.Join(dir, "shard-1.json"), filepath.Join(dir, "shard-2.json"))
	require.Equal(t, exitPass, code, "stdout:\n%s\nstderr:\n%s", stdout, stderr)
}

func TestShardFlagErrors(t *testing.T) {
	tests := []struct {
		args []string
		want string
	}{
		{[]string{"run", "-seed", "1", "-shard", "4/3"}, "want 1 ≤ k ≤ n"},
		{[]string{"run", "-seed", "1", "-shard", "two"}, "want k/n"},
		{[]string{"run", "-shard", "1/3"}, "-shard 1/3 needs -seed"},
		{[]string{"run", "-seed", "1", "-shard", "1/3", "-update"}, "golden files are recorded by an unsharded run"},
		{[]string{"replay", "-shard", "0/2", "x"}, "want 1 ≤ k ≤ n"},
	}
	for _, tc := range tests {
		code, _, stderr := runCLI(t, tc.args...)
		require.Equal(t, exitUsage, code, "%v: %s", tc.args, stderr)
		require.Equal(t, 1, strings.Count(stderr, "\n"), "one line: %q", stderr)
		require.Contains(t, stderr, tc.want, "%v", tc.args)
	}
}

// ciExample is the CI example's workflow, as far as the test reads it.
type ciExample struct {
	Jobs map[string]struct {
		Strategy struct {
			Matrix struct {
				Shard []int `yaml:"shard"`
			} `yaml:"matrix"`
		} `yaml:"strategy"`
		Steps []struct {
			Run string `yaml:"run"`
		} `yaml:"steps"`
	} `yaml:"jobs"`
}

// The CI example (docs/ci/shards.yml) runs as written: each shard job's
// command for every value of its matrix, then the merge job's command, with
// the workflow's expressions filled in and its file glob expanded, give
// one merged report that passes against the embedded mock.
func TestCIExampleRunsAsWritten(t *testing.T) {
	root, err := filepath.Abs("../..")
	require.NoError(t, err)
	data, err := os.ReadFile(filepath.Join(root, "docs/ci/shards.yml"))
	require.NoError(t, err)
	var wf ciExample
	require.NoError(t, yaml.Unmarshal(data, &wf))
	shardJob, mergeJob := wf.Jobs["shard"], wf.Jobs["merge"]
	shards := shardJob.Strategy.Matrix.Shard
	require.Equal(t, []int{1, 2, 3}, shards, "the example splits over 3 runners")
	shardCmd, mergeCmd := contractStep(t, shardJob.Steps), contractStep(t, mergeJob.Steps)

	dir := t.TempDir()
	for _, k := range shards {
		line := strings.NewReplacer("${{ matrix.shard }}", fmt.Sprint(k), "${{ github.run_id }}", "20261201").Replace(shardCmd)
		require.NotContains(t, line, "${{", "every expression of the step is one the test fills in")
		code, stdout, stderr := runCLI(t, ciArgs(t, line, root, dir)...)
		require.Contains(t, []int{exitPass, exitFindings}, code, "%s\nstdout:\n%s\nstderr:\n%s", line, stdout, stderr)
	}
	code, stdout, stderr := runCLI(t, ciArgs(t, mergeCmd, root, dir)...)
	require.Equal(t, exitPass, code, "%s\nstdout:\n%s\nstderr:\n%s", mergeCmd, stdout, stderr)
	require.FileExists(t, filepath.Join(dir, "contract.xml"), "the merge job's JUnit report")
	require.Equal(t, "PASS", readOutcome(t, filepath.Join(dir, "contract.json")).Verdict)
}

// contractStep is the one step of a job that runs the harness.
func contractStep(t *testing.T, steps []struct {
	Run string `yaml:"run"`
}) string {
	t.Helper()
	var found []string
	for _, s := range steps {
		if strings.Contains(s.Run, "./cmd/contract") {
			found = append(found, strings.TrimSpace(s.Run))
		}
	}
	require.Len(t, found, 1, "one harness step per job")
	return found[0]
}

// ciArgs turns a step's "go run ./cmd/contract ARGS" line into the
// program's arguments: the repository's files found under root, the files
// a job writes and reads (shard-*.json, contract.*) under dir.
func ciArgs(t *testing.T, line, root, dir string) []string {
	t.Helper()
	rest, ok := strings.CutPrefix(line, "go run ./cmd/contract ")
	require.True(t, ok, "the step runs the harness with go run: %q", line)
	require.NotRegexp(t, regexp.MustCompile(`["'|;&$]`), rest, "plain words only, no shell beyond a glob")
	var out []string
	for _, w := range strings.Fields(rest) {
		switch {
		case strings.Contains(w, "*"):
			matches, err := filepath.Glob(filepath.Join(dir, w))
			require.NoError(t, err)
			require.NotEmpty(t, matches, "%s matches the shard reports", w)
			out = append(out, matches...)
		case strings.HasPrefix(w, "shard-") || strings.HasPrefix(w, "contract."):
			out = append(out, filepath.Join(dir, w))
		case strings.Contains(w, "/") && !strings.HasPrefix(w, "-"):
			if _, err := os.Stat(filepath.Join(root, w)); err == nil {
				out = append(out, filepath.Join(root, w))
				continue
			}
			out = append(out, w)
		default:
			out = append(out, w)
		}
	}
	return out
}
