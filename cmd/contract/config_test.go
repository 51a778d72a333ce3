package main

import (
	"encoding/json"
	"errors"
	"io"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// configFile writes a config file named name with text in a fresh
// directory and returns its path.
func configFile(t *testing.T, name, text string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), name)
	require.NoError(t, os.WriteFile(p, []byte(text), 0o644))
	return p
}

// runSettings are the flags of run the -config tests look at.
type runSettings struct {
	Target             string
	Seed               int64
	Rate               float64
	AllowWrites, V     bool
	Checks, SkipChecks []string
}

// parseRun parses args, -config included, as run does.
func parseRun(t *testing.T, args ...string) (runSettings, error) {
	t.Helper()
	fs := newFlags(&env{stdout: io.Discard}, "run", "")
	o := defineRunFlags(fs)
	err := parseWithConfig(fs, args)
	return runSettings{o.target, o.seed, o.rate, o.allowWrites, o.verbose, o.checks, o.skipChecks}, err
}

// A config file sets any flag the command line leaves unset, through the
// flag's own parsing: YAML and JSON alike, lists as lists or "a,b".
func TestConfigSetsFlags(t *testing.T) {
	tests := []struct {
		name, file, text string
		args             []string
		want             runSettings
	}{
		{"yaml", "ci.yaml", "target: https://staging.example.com/v2\nseed: 7\nrate: 20\n", nil,
			runSettings{Target: "https://staging.example.com/v2", Seed: 7, Rate: 20}},
		{"json", "ci.json", `{"seed": 7, "rate": "inf", "allow-writes": true, "checks": ["error-row", "golden"]}`, nil,
			runSettings{Seed: 7, Rate: math.Inf(1), AllowWrites: true, Checks: []string{"error-row", "golden"}}},
		{"list as a list", "ci.yaml", "skip-checks:\n  - golden\n  - response-time\n", nil,
			runSettings{SkipChecks: []string{"golden", "response-time"}}},
		{"list as a string", "ci.yaml", "checks: error-row, golden\n", nil,
			runSettings{Checks: []string{"error-row", "golden"}}},
		{"bool flag", "ci.yaml", "allow-writes: true\nv: true\n", nil,
			runSettings{AllowWrites: true, V: true}},
		{"command line wins", "ci.yaml", "seed: 7\nchecks: [golden]\nv: true\n", []string{"-seed", "9", "-checks", "error-row", "-v=false"},
			runSettings{Seed: 9, Checks: []string{"error-row"}}},
		{"empty file", "ci.yaml", "", []string{"-seed", "9"}, runSettings{Seed: 9}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			path := configFile(t, tc.file, tc.text)
			got, err := parseRun(t, append([]string{"-config", path}, tc.args...)...)
			require.NoError(t, err)
			require.Equal(t, tc.want, got)
		})
	}
}

// A bad config file is exit 2 with one line naming the file and, where
// there is one, the line and key; every key is checked, even one the
// command line overrides.
func TestConfigErrors(t *testing.T) {
	tests := []struct {
		name, text string
		args       []string
		want       string
	}{
		{"unknown key", "seed: 3\nbogus: 1\n", nil, `, line 2: unknown key "bogus": keys are the flags of 'contract run -h'`},
		{"key of another subcommand", "fixtures-b: fx.json\n", nil, `, line 1: key "fixtures-b" is a flag of 'contract diff', not of 'contract run'`},
		{"wrong type for an int", "seed: abc\n", nil, `, line 1: invalid value "abc" for key "seed": parse error`},
		{"wrong type for a bool", `{"allow-writes": "maybe"}`, nil, `, line 1: invalid value "maybe" for key "allow-writes"`},
		{"list for a single value", "rate: [1, 2]\n", nil, `key "rate": want one value`},
		{"mapping for a list", "checks: {a: 1}\n", nil, `key "checks": want a list or a comma-separated string`},
		{"no value", "timeout:\n", nil, `key "timeout": want one value`},
		{"bad value the flag rejects", "timeout: 30\n", nil, `invalid value "30" for key "timeout"`},
		{"wrong type overridden", "seed: [1]\n", []string{"-seed", "3"}, `key "seed": want one value`},
		{"key twice", "seed: 1\nseed: 2\n", nil, `line 2: key "seed" given twice (first on line 1)`},
		{"nested config", "config: other.yaml\n", nil, `key "config": a config file cannot name another`},
		{"not a mapping", "- seed\n", nil, "line 1: want a mapping of flag names to values"},
		{"not YAML", "seed: [1\n", nil, "yaml"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			path := configFile(t, "ci.yaml", tc.text)
			_, err := parseRun(t, append([]string{"-config", path}, tc.args...)...)
			requireUsageError(t, err, "-config "+path)
			require.Contains(t, err.Error(), tc.want)
		})
	}
	t.Run("missing file", func(t *testing.T) {
		path := filepath.Join(t.TempDir(), "nope.yaml")
		_, err := parseRun(t, "-config", path)
		requireUsageError(t, err, "-config "+path+": no such file or directory")
	})
}

// requireUsageError asserts err is one line starting with prefix and
// maps to exit 2.
func requireUsageError(t *testing.T, err error, prefix string) {
	t.Helper()
	var ee *exitError
	require.True(t, errors.As(err, &ee), "%v", err)
	require.Equal(t, exitUsage, ee.code)
	require.True(t, strings.HasPrefix(err.Error(), prefix), "%q does not start with %q", err, prefix)
	require.NotContains(t, err.Error(), "\n")
}

// replay and diff take -config too, each with its own flags: a key of
// another subcommand is exit 2 before anything is sent.
func TestConfigOfEachSubcommand(t *testing.T) {
	tests := []struct {
		cmd, text, want string
	}{
		{"diff", "target: http://127.0.0.1:1\n", `key "target" is a flag of 'contract replay' and 'contract run', not of 'contract diff'`},
		{"replay", "seed: 3\n", `key "seed" is a flag of 'contract diff' and 'contract run', not of 'contract replay'`},
		{"run", "addr: 127.0.0.1:0\n", `key "addr" is a flag of 'contract mock', not of 'contract run'`},
	}
	for _, tc := range tests {
		t.Run(tc.cmd, func(t *testing.T) {
			path := configFile(t, "ci.yaml", tc.text)
			code, stdout, stderr := runCLI(t, tc.cmd, "-config", path, "../../corpus")
			require.Equal(t, exitUsage, code)
			require.Empty(t, stdout)
			require.Equal(t, "contract "+tc.cmd+": -config "+path+", line 1: "+tc.want+"\n", stderr)
		})
	}
}

// The CI line end to end: contract run -config FILE takes its
// seed, sizes, checks and report path from the file.
func TestRunWithConfigFile(t *testing.T) {
	jsonPath := filepath.Join(t.TempDir(), "report.json")
	path := configFile(t, "ci.yaml", "seed: 5\nvalid: 4\ninvalid: 20\nsequences: 1\nchecks: [no-server-error, error-row]\njson: "+jsonPath+"\n")
	code, stdout, stderr := runCLI(t, "run", "-config", path)
	require.Equal(t, exitPass, code, "stdout:\n%s\nstderr:\n%s", stdout, stderr)
	require.Contains(t, stdout, "seed 5,")
	data, err := os.ReadFile(jsonPath)
	require.NoError(t, err, "the -json path came from the file")
	var rep struct {
		Seed   int64    `json:"seed"`
		Checks []string `json:"checks"`
	}
	require.NoError(t, json.Unmarshal(data, &rep))
	require.Equal(t, int64(5), rep.Seed)
	require.ElementsMatch(t, []string{"no-server-error", "error-row"}, rep.Checks)
}
