package main

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// small keeps diff runs quick: every scenario, a few generated cases.
var small = []string{"-seed", "3", "-valid", "4", "-invalid", "20"}

func diffArgs(extra ...string) []string { return append(append([]string{"diff"}, small...), extra...) }

// The embedded mock against itself does not drift: exit 0.
func TestDiffNoDrift(t *testing.T) {
	code, stdout, stderr := runCLI(t, diffArgs("-b", "embedded")...)
	require.Equal(t, exitPass, code, "stdout:\n%s\nstderr:\n%s", stdout, stderr)
	require.Empty(t, stderr)
	require.Regexp(t, `^contract diff: a embedded mock, b embedded mock, seed 3, \d+ cases compared\nSAME: \d+ cases answered alike\n$`, stdout)
}

// A fault on one side is drift naming account_missing's code, in both
// directions; -json carries the same.
func TestDiffFaultBothDirections(t *testing.T) {
	tests := []struct {
		name string
		args []string
		want string
	}{
		{"fault on b", []string{"-fault-b", "wrong-error-code"}, "matrix/account_missing: code: a 2001, b 2002\n"},
		{"fault on a", []string{"-fault-a", "wrong-error-code"}, "matrix/account_missing: code: a 2002, b 2001\n"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			jsonPath := filepath.Join(t.TempDir(), "drift.json")
			code, stdout, stderr := runCLI(t, diffArgs(append(tc.args, "-json", jsonPath)...)...)
			require.Equal(t, exitFindings, code, stdout)
			require.Contains(t, stdout, tc.want)
			require.Contains(t, stdout, "(fault wrong-error-code)")
			// Every case sent to the missing account drifts, and only those.
			lines := strings.Split(strings.TrimSpace(stdout), "\n")
			drifted := lines[1 : len(lines)-1]
			require.GreaterOrEqual(t, len(drifted), 2)
			for _, l := range drifted {
				require.Regexp(t, `: code: a 200[12], b 200[12]$`, l)
			}
			require.Regexp(t, fmt.Sprintf(`DRIFT: %d of \d+ cases answered differently\n$`, len(drifted)), stdout)
			require.Regexp(t, fmt.Sprintf(`^contract diff: %d of \d+ cases drifted \(seed 3\)\n$`, len(drifted)), stderr)
			var doc struct {
				Drifted bool `json:"drifted"`
				Cases   []struct {
					Case        string `json:"case"`
					Differences []struct{ Aspect, A, B string }
				} `json:"cases"`
			}
			data, err := os.ReadFile(jsonPath)
			require.NoError(t, err)
			require.NoError(t, json.Unmarshal(data, &doc))
			require.True(t, doc.Drifted)
			require.Equal(t, "matrix/account_missing", doc.Cases[0].Case)
			require.Equal(t, "code", doc.Cases[0].Differences[0].Aspect)
		})
	}
}

// Bad input is exit 2 with one line.
func TestDiffUsageErrors(t *testing.T) {
	tests := []struct {
		name string
		args []string
		want string
	}{
		{"url without fixtures", []string{"diff", "-b", "http://127.0.0.1:1"}, "-b http://127.0.0.1:1 needs -fixtures-b FILE"},
		{"fault on a url", []string{"diff", "-b", "http://127.0.0.1:1", "-fixtures-b", "x.json", "-fault-b", "slow"}, "apply to the embedded mock only"},
		{"unknown fault", []string{"diff", "-fault-a", "nope"}, `unknown fault "nope"`},
		{"argument", []string{"diff", "extra"}, `unexpected argument "extra"`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			code, _, stderr := runCLI(t, tc.args...)
			require.Equal(t, exitUsage, code)
			require.Equal(t, 1, strings.Count(stderr, "\n"), "one line: %q", stderr)
			require.Contains(t, stderr, tc.want)
		})
	}
}

// A target that does not answer is exit 3.
func TestDiffUnreachable(t *testing.T) {
	code, _, stderr := runCLI(t, "diff", "-b", "http://127.0.0.1:1", "-fixtures-b", fixturesFile(t), "-timeout", "2s")
	require.Equal(t, exitUnreachable, code, stderr)
	require.Equal(t, 1, strings.Count(stderr, "\n"), "one line: %q", stderr)
	require.Contains(t, stderr, "did not answer")
}
