package main

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// -fail-fast stops at the first finding: the run still fails with exit 1
// (not 3: stopping is not an abort), reports the finding and says how
// many cases it did not send and why.
func TestRunFailFast(t *testing.T) {
	code, stdout, stderr := runCLI(t, "run", "-seed", "1", "-fault", "wrong-status", "-fail-fast")
	require.Equal(t, exitFindings, code, "stdout:\n%s\nstderr:\n%s", stdout, stderr)
	require.Contains(t, stdout, "[error-row] account_missing")
	require.Contains(t, stdout, "stopped at the first finding (-fail-fast)")
	require.True(t, strings.HasPrefix(stderr, "contract run: "), stderr)
}
