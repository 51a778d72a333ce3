package runner_test

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"math"
	"net"
	"net/http"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/addons-contract/contract/contract/runner"
	"github.com/addons-contract/contract/contract/target"
	"github.com/addons-contract/contract/fixtures"
	"github.com/addons-contract/contract/internal/perf"
	"github.com/addons-contract/contract/mock"
	"github.com/stretchr/testify/require"
)

// The default suite as `contract run` sends it (runner.DefaultConfig),
// judged with every check. make bench reads the metrics (internal/perf)
// into its table of goals.

// benchRun runs the default suite b.N times against the target newTarget
// returns for each run (seeds 1..b.N) and reports cases per second of
// sending, as `contract run` prints it ("N cases in D"), and per CPU-second.
func benchRun(b *testing.B, newTarget func() (target.Target, func())) {
	b.Helper()
	_, op, v := addons(b)
	cases, sending, cpu := 0, time.Duration(0), time.Duration(0)
	for i := range b.N {
		b.StopTimer()
		tg, stop := newTarget()
		cfg := runner.DefaultConfig(op, v, fixtures.Default(), tg, int64(1+i))
		cfg.AllowWrites, cfg.Rate = true, math.Inf(1)
		c0 := perf.CPU()
		b.StartTimer()
		res, err := runWith(context.Background(), cfg)
		b.StopTimer()
		cpu += perf.CPU() - c0
		stop()
		require.NoError(b, err)
		require.Empty(b, findingLines(res), "seed %d", 1+i)
		cases += res.Cases
		sending += res.Duration
	}
	perf.Rates(b, cases, sending, cpu, perf.CasesPerSec, perf.CasesPerCPUSec)
}

// BenchmarkRunInProcess: the default suite against the embedded mock, no
// socket (`contract run`).
func BenchmarkRunInProcess(b *testing.B) {
	tg := mockTarget(b, "", 0)
	benchRun(b, func() (target.Target, func()) { return tg, func() {} })
}

// BenchmarkRunLoopback: the default suite against `contract mock` in
// another process on 127.0.0.1 (`contract run -target URL -rate inf
// -allow-writes`), a fresh mock for each run: the one a user starts. Its
// cases/s is what make bench holds against Prism's validating proxy.
func BenchmarkRunLoopback(b *testing.B) {
	benchRun(b, func() (target.Target, func()) {
		url, stop := startMockProcess(b)
		tg, err := target.Remote(url, 10*time.Second)
		require.NoError(b, err)
		return tg, stop
	})
}

// BenchmarkRunPeakRSS: the peak resident memory of a process that loads the
// spec and makes one default run against the embedded mock, as `contract
// run` does.
func BenchmarkRunPeakRSS(b *testing.B) {
	var peak int64
	for range b.N {
		cmd := exec.Command(os.Args[0], "-test.run=^$", "-test.bench=^BenchmarkChildProcess$", "-test.benchtime=1x")
		cmd.Env = append(os.Environ(), childRole+"=run")
		out, err := cmd.CombinedOutput()
		require.NoError(b, err, "child: %s", out)
		peak = max(peak, perf.PeakRSS(cmd.ProcessState))
	}
	b.ReportMetric(float64(peak)/(1<<20), perf.PeakMB)
}

// childRole names what BenchmarkChildProcess does in a child process.
const childRole = "CONTRACT_BENCH_CHILD"

// startMockProcess starts this binary as `contract mock` on a free
// loopback port and returns its base URL and a stop function.
func startMockProcess(b *testing.B) (string, func()) {
	b.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^$", "-test.bench=^BenchmarkChildProcess$", "-test.benchtime=1x")
	cmd.Env = append(os.Environ(), childRole+"=mock")
	stdin, err := cmd.StdinPipe()
	require.NoError(b, err)
	stdout, err := cmd.StdoutPipe()
	require.NoError(b, err)
	require.NoError(b, cmd.Start())
	line, err := bufio.NewReader(stdout).ReadString('\n')
	require.NoError(b, err, "the mock process printed no address")
	return "http://" + strings.TrimSpace(strings.TrimPrefix(line, "addr ")), func() {
		stdin.Close() // the child serves until its stdin closes
		_ = cmd.Wait()
	}
}

// BenchmarkChildProcess is the child process of the benchmarks above:
// with role "mock" it serves the mock on 127.0.0.1 until its stdin
// closes, with role "run" it makes one default run. Run directly, it does
// nothing.
func BenchmarkChildProcess(b *testing.B) {
	switch os.Getenv(childRole) {
	case "mock":
		serveMockChild(b)
	case "run":
		_, op, v := addons(b)
		res, err := runWith(context.Background(), runner.DefaultConfig(op, v, fixtures.Default(), mockTarget(b, "", 0), 1))
		require.NoError(b, err)
		require.Empty(b, findingLines(res))
	default:
		b.Skip("the child process of BenchmarkRunLoopback and BenchmarkRunPeakRSS")
	}
}

// serveMockChild serves a fresh mock, as `contract mock` does, printing
// its address, until stdin closes.
func serveMockChild(b *testing.B) {
	doc, _, _ := addons(b)
	fx := fixtures.Default()
	m, err := mock.New(mock.Config{Doc: doc, Fixtures: &fx})
	require.NoError(b, err)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(b, err)
	srv := &http.Server{Handler: m, ReadHeaderTimeout: 10 * time.Second}
	go func() { _ = srv.Serve(ln) }()
	fmt.Printf("addr %s\n", ln.Addr())
	_, _ = io.Copy(io.Discard, os.Stdin)
	require.NoError(b, srv.Close())
}
