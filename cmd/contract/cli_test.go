package main

import (
	"bytes"
	"context"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// runCLI runs the program in-process and returns its exit code and outputs.
func runCLI(t *testing.T, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	var out, errb bytes.Buffer
	code = run(context.Background(), args, strings.NewReader(""), &out, &errb)
	return code, out.String(), errb.String()
}

func TestUnknownSubcommandIsUsageError(t *testing.T) {
	code, _, stderr := runCLI(t, "frobnicate")
	require.Equal(t, exitUsage, code)
	require.Equal(t, 1, strings.Count(stderr, "\n"), "one line: %q", stderr)
	require.Contains(t, stderr, `unknown subcommand "frobnicate"`)
}

func TestHelpListsSubcommands(t *testing.T) {
	code, stdout, _ := runCLI(t, "help")
	require.Equal(t, exitPass, code)
	for name := range commands {
		require.Contains(t, stdout, "  "+name+" ")
	}
	require.Contains(t, stdout, "Exit codes: 0 pass, 1 findings, 2 usage or config error, 3 target unreachable or aborted")
}
