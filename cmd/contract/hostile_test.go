package main

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/addons-contract/contract/fixtures"
	"github.com/addons-contract/contract/internal/hostile"
	"github.com/addons-contract/contract/mock"
	"github.com/addons-contract/contract/spec"
	"github.com/stretchr/testify/require"
)

// runDeadline is how long a run against a broken server may take before
// the test calls it hung. It is no measure of speed (benchmarks measure
// that): runs here take a few seconds at most, -timeout included.
const runDeadline = 60 * time.Second

// hostileRun is `contract run` against url as a new user tries it on a
// staging server (-allow-writes -rate inf), with -timeout 2s, the quick
// suite and both report files. It fails the test if the run is still going
// after runDeadline.
type hostileRun struct {
	code           int
	stdout, stderr string
	json, junit    string // the report files' contents
}

func runAgainst(t *testing.T, url string, extra ...string) hostileRun {
	t.Helper()
	dir := t.TempDir()
	jsonPath, junitPath := filepath.Join(dir, "report.json"), filepath.Join(dir, "report.xml")
	ctx, cancel := context.WithTimeout(context.Background(), runDeadline)
	defer cancel()
	args := append([]string{"run", "-target", url, "-fixtures", fixturesFile(t), "-allow-writes", "-rate", "inf",
		"-timeout", "2s", "-json", jsonPath, "-junit", junitPath}, quick...)
	var out, errb bytes.Buffer
	code := run(ctx, append(args, extra...), strings.NewReader(""), &out, &errb)
	require.NoError(t, ctx.Err(), "the run was still going after %v; stdout:\n%s", runDeadline, out.String())
	r := hostileRun{code: code, stdout: out.String(), stderr: errb.String()}
	data, err := os.ReadFile(jsonPath)
	require.NoError(t, err, "the -json report is written whatever the outcome; stderr: %s", r.stderr)
	r.json = string(data)
	data, err = os.ReadFile(junitPath)
	require.NoError(t, err, "the -junit report is written whatever the outcome")
	r.junit = string(data)
	return r
}

// Against a server that misbehaves at the transport level, every run ends
// well within its deadline with exit 3 (aborted: the server fails whatever
// it is asked, or never answers the first request), says why on stderr and
// in both report files, reports the no-server-error findings it has, and
// shows no token anywhere.
func TestBrokenServers(t *testing.T) {
	tests := []struct {
		name, reason string
		h            http.Handler
		detail       string // in every finding's detail
	}{
		{"2 GiB streamed", "the body is read up to 64 KiB and the connection closed: never drained, never kept",
			hostile.Huge(2<<30, false), "status 201: answer body over 64 KiB: not judged"},
		{"2 GiB declared", "a Content-Length over the cap is refused before reading",
			hostile.Huge(2<<30, true), "status 201: answer body over 64 KiB: not judged"},
		{"gzip bomb", "the transport inflates as it is read, so the cap counts inflated bytes",
			hostile.GzipBomb(4 << 30), "status 201: answer body over 64 KiB: not judged"},
		{"reset mid-body", "a reset on every request aborts the run instead of shrinking every finding",
			hostile.ResetMidBody(), "connection reset by peer"},
		{"100k-deep nesting", "200 KB of brackets is over the size cap",
			hostile.Nested(100_000), "answer body over 64 KiB: not judged"},
		{"30k-deep nesting", "under the size cap, refused by the depth scan before any decoder sees it",
			hostile.Nested(30_000), "answer body nested deeper than 64: not judged"},
		{"header flood", "the header is cut off at 64 KiB, not net/http's 10 MB",
			hostile.HeaderFlood(), "server response headers exceeded 65536 bytes"},
		{"no headers", "the first request times out: the target did not answer",
			hostile.Silent(), "did not answer"},
		{"drip", "a body one byte a second is cut off by the request timeout",
			hostile.Drip(time.Second), "did not answer"},
		{"100-continue then nothing", "an interim answer does not stop the timeout",
			hostile.ContinueThenNothing(), "did not answer"},
	}
	secrets := fixtures.Default().Secrets()
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			srv := httptest.NewServer(tc.h)
			defer srv.Close()
			r := runAgainst(t, srv.URL)
			require.Equal(t, exitUnreachable, r.code, "%s\nstdout:\n%s\nstderr:\n%s", tc.reason, r.stdout, r.stderr)
			require.Equal(t, 1, strings.Count(r.stderr, "\n"), "one line: %q", r.stderr)
			require.NotContains(t, r.stdout+r.stderr, "panic")

			var rep jsonReport
			require.NoError(t, json.Unmarshal([]byte(r.json), &rep))
			require.False(t, rep.Passed)
			require.NotEmpty(t, rep.Aborted, "the report says the run was aborted")
			require.Contains(t, r.stderr, rep.Aborted, "stderr and the report give the same reason")
			require.Contains(t, r.junit, `<error message="aborted: `, "JUnit shows the abort as an error")
			require.NotEmpty(t, rep.Findings, "the findings so far are reported")
			for _, f := range rep.Findings {
				require.Equal(t, "no-server-error", f.Check, tc.reason)
				if tc.detail != "did not answer" {
					require.Contains(t, f.Detail, tc.detail, tc.reason)
				}
			}
			if tc.detail == "did not answer" {
				require.Contains(t, rep.Aborted, srv.URL+" did not answer", tc.reason)
				require.Equal(t, 1, rep.Sent, "nothing is sent after the first request goes unanswered")
			} else {
				require.Contains(t, rep.Aborted, "failed 20 requests in a row the same way", tc.reason)
				require.Less(t, rep.Sent, 40, "sending stops after the run of alike failures (and the requests in flight)")
			}
			for _, s := range []string{r.stdout, r.stderr, r.json, r.junit} {
				for _, secret := range secrets {
					require.NotContains(t, s, secret)
				}
			}
		})
	}
}

// hugeEveryOther serves the clean mock, but answers every other request
// with a 2 GiB 201 instead: a server whose answers are never all broken,
// so the run goes to its end, sending every case, half of them answered
// with gigabytes.
func hugeEveryOther(t testing.TB) *httptest.Server {
	t.Helper()
	m := cleanMock(t)
	huge := hostile.Huge(2<<30, false)
	var n atomic.Int64
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if n.Add(1)%2 == 0 {
			huge.ServeHTTP(w, r)
			return
		}
		m.ServeHTTP(w, r)
	}))
	t.Cleanup(srv.Close)
	return srv
}

// cleanMock is the mock with the shipped fixtures and no fault.
func cleanMock(t testing.TB) http.Handler {
	t.Helper()
	doc, err := spec.Default()
	require.NoError(t, err)
	fx := fixtures.Default()
	m, err := mock.New(mock.Config{Doc: doc, Fixtures: &fx, UnknownUserLimit: -1}) // served to runs that repeat
	require.NoError(t, err)
	return m
}

// peakHeap samples the heap in use every few milliseconds while f runs and
// returns the largest sample.
func peakHeap(f func()) uint64 {
	var peak atomic.Uint64
	note := func() {
		var ms runtime.MemStats
		runtime.ReadMemStats(&ms)
		if ms.HeapInuse > peak.Load() {
			peak.Store(ms.HeapInuse)
		}
	}
	stop := make(chan struct{})
	done := make(chan struct{})
	go func() {
		defer close(done)
		tick := time.NewTicker(5 * time.Millisecond)
		defer tick.Stop()
		for {
			select {
			case <-stop:
				return
			case <-tick.C:
				note()
			}
		}
	}()
	f()
	close(stop)
	<-done
	note()
	return peak.Load()
}

// maxPeakHeap is the memory a run may use whatever the server sends.
const maxPeakHeap = 150 << 20

// A run whose every other answer is 2 GiB sends its whole suite, reports
// those answers as findings (exit 1, not an abort: the server does answer
// the rest) and keeps its heap under 150 MB: each answer is read up to the
// cap only, and a judged answer's body is dropped unless a finding shows it.
// Keeping 1 MiB of every answer, as the runner once did, went past 150 MB
// within 300 requests.
func TestHugeAnswersKeepMemoryBounded(t *testing.T) {
	srv := hugeEveryOther(t)
	runtime.GC()
	var r hostileRun
	peak := peakHeap(func() {
		r = runAgainst(t, srv.URL, "-valid", "60", "-invalid", "120")
	})
	t.Logf("peak heap in use %.1f MB", float64(peak)/(1<<20))
	require.Equal(t, exitFindings, r.code, "stdout:\n%s\nstderr:\n%s", r.stdout, r.stderr)
	var rep jsonReport
	require.NoError(t, json.Unmarshal([]byte(r.json), &rep))
	require.Empty(t, rep.Aborted)
	require.Greater(t, rep.Sent, 300)
	var huge bool
	for _, f := range rep.Findings {
		huge = huge || f.Check == "no-server-error" && strings.Contains(f.Detail, "answer body over 64 KiB: not judged")
	}
	require.True(t, huge, "the 2 GiB answers are findings:\n%s", r.stdout)
	require.Less(t, peak, uint64(maxPeakHeap), "peak heap in use %.1f MB", float64(peak)/(1<<20))
}

// BenchmarkBrokenServers measures a run (the quick suite) against each
// broken server that fails fast, against the server answering every other
// request with 2 GiB, and, for comparison, against the clean mock over
// loopback: time per run and the peak heap in use.
func BenchmarkBrokenServers(b *testing.B) {
	servers := []struct {
		name string
		h    http.Handler
	}{
		{"healthy", cleanMock(b)},
		{"2GiB-streamed", hostile.Huge(2<<30, false)},
		{"gzip-bomb", hostile.GzipBomb(4 << 30)},
		{"reset-mid-body", hostile.ResetMidBody()},
		{"nested-30k", hostile.Nested(30_000)},
		{"header-flood", hostile.HeaderFlood()},
	}
	bench := func(b *testing.B, url string) {
		fx := filepath.Join(b.TempDir(), "fixtures.json")
		require.NoError(b, os.WriteFile(fx, fixtures.DefaultJSON(), 0o644))
		args := append([]string{"run", "-target", url, "-fixtures", fx, "-allow-writes", "-rate", "inf"}, quick...)
		var peak uint64
		for b.Loop() {
			var out, errb bytes.Buffer
			peak = max(peak, peakHeap(func() { run(context.Background(), args, strings.NewReader(""), &out, &errb) }))
		}
		b.ReportMetric(float64(peak)/(1<<20), "peak-heap-MB")
	}
	for _, s := range servers {
		b.Run(s.name, func(b *testing.B) {
			srv := httptest.NewServer(s.h)
			defer srv.Close()
			bench(b, srv.URL)
		})
	}
	b.Run("2GiB-every-other", func(b *testing.B) { bench(b, hugeEveryOther(b).URL) })
}
