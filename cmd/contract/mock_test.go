package main

import (
	"bufio"
	"context"
	"io"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/addons-contract/contract/fixtures"
	"github.com/addons-contract/contract/mock"
)

// TestMockServesAndStops starts the mock on a free port in-process, sends
// one request, cancels the context as SIGINT would, and expects a clean exit.
func TestMockServesAndStops(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	pr, pw := io.Pipe()
	lines := make(chan string, 32)
	go func() {
		sc := bufio.NewScanner(pr)
		for sc.Scan() {
			lines <- sc.Text()
		}
		close(lines)
	}()
	done := make(chan int, 1)
	var stderr strings.Builder
	go func() {
		done <- run(ctx, []string{"mock", "-addr", "127.0.0.1:0"}, strings.NewReader(""), pw, &stderr)
		pw.Close()
	}()

	var first string
	select {
	case first = <-lines:
	case code := <-done:
		t.Fatalf("mock exited %d before listening: %s", code, stderr.String())
	case <-time.After(10 * time.Second):
		t.Fatal("mock printed nothing in 10s")
	}
	base, ok := strings.CutPrefix(first, "mock listening on ")
	require.True(t, ok, "first line %q", first)

	fx := fixtures.Default()
	req, err := http.NewRequest(http.MethodPost, base+"/accounts/"+fx.Accounts.Paid+"/plans/addons",
		strings.NewReader(`{"type":"zwb_monthly","hosts":3}`))
	require.NoError(t, err)
	req.Header.Set("Authorization", "Bearer "+fx.Tokens.Master)
	req.Header.Set("Content-Type", "application/json")
	res, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	res.Body.Close()
	require.Equal(t, http.StatusCreated, res.StatusCode)
	http.DefaultClient.CloseIdleConnections()

	cancel()
	select {
	case code := <-done:
		require.Equal(t, exitPass, code, "stderr: %s", stderr.String())
	case <-time.After(10 * time.Second):
		t.Fatal("mock did not stop within 10s of cancel")
	}
	var rest []string
	for l := range lines {
		rest = append(rest, l)
	}
	banner := strings.Join(rest, "\n")
	for _, want := range []string{fx.Tokens.Master, fx.Tokens.VolumeLicense, fx.Tokens.UnknownUser, fx.Accounts.Paid, fx.Accounts.Missing, fx.HasAddonPlan} {
		require.Contains(t, banner, want)
	}
}

func TestMockListsFaults(t *testing.T) {
	code, stdout, stderr := runCLI(t, "mock", "-faults")
	require.Equal(t, exitPass, code, stderr)
	lines := strings.Split(strings.TrimSpace(stdout), "\n")
	require.Len(t, lines, len(mock.Faults())+1, "a header and a line per fault")
	for i, f := range mock.Faults() {
		fields := strings.Fields(lines[i+1])
		require.Equal(t, []string{f.Name, f.Breaks}, fields[:2])
	}
}

func TestMockBadInput(t *testing.T) {
	dir := t.TempDir()
	broken := filepath.Join(dir, "broken.json")
	require.NoError(t, os.WriteFile(broken, []byte(`{"tokens": {`), 0o600))
	typo := filepath.Join(dir, "typo.json")
	require.NoError(t, os.WriteFile(typo, []byte(strings.Replace(string(fixtures.DefaultJSON()), `"paid"`, `"payd"`, 1)), 0o600))
	baseAddon := filepath.Join(dir, "base.json")
	require.NoError(t, os.WriteFile(baseAddon, []byte(strings.Replace(string(fixtures.DefaultJSON()), `"webinar500_monthly"`, `"yearly"`, 1)), 0o600))

	busy, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	defer busy.Close()

	tests := []struct {
		name string
		args []string
		want string // in the one stderr line
	}{
		{"malformed fixtures", []string{"-fixtures", broken}, "broken.json"},
		{"unknown key in fixtures", []string{"-fixtures", typo}, `unknown key "payd"`},
		{"missing fixtures file", []string{"-fixtures", filepath.Join(dir, "nope.json")}, "nope.json"},
		{"has_addon_plan not an add-on", []string{"-fixtures", baseAddon}, `has_addon_plan "yearly"`},
		{"unknown fault", []string{"-fault", "nope"}, `unknown fault "nope"`},
		{"negative rate", []string{"-rate", "-1"}, "rate -1"},
		{"port in use", []string{"-addr", busy.Addr().String()}, "cannot listen on " + busy.Addr().String()},
		{"bad spec", []string{"-spec", filepath.Join(dir, "nope.yaml")}, "nope.yaml"},
		{"stray argument", []string{"extra"}, `unexpected argument "extra"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			args := append([]string{"mock", "-addr", "127.0.0.1:0"}, tt.args...)
			// A cancelled context: a case that wrongly starts serving exits
			// at once instead of hanging the test.
			ctx, cancel := context.WithCancel(context.Background())
			cancel()
			var stdout, errb strings.Builder
			code := run(ctx, args, strings.NewReader(""), &stdout, &errb)
			stderr := errb.String()
			require.Equal(t, exitUsage, code, "stderr: %s", stderr)
			require.Equal(t, 1, strings.Count(stderr, "\n"), "one line: %q", stderr)
			require.Contains(t, stderr, tt.want)
			require.True(t, strings.HasPrefix(stderr, "contract mock: "), "stderr: %q", stderr)
			require.NotContains(t, stderr, "mock: mock:")
		})
	}
}
