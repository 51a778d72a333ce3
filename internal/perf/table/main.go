// Command table reads `go test -bench` output on stdin and prints the
// inner loop's figures against their goals (make bench). The baselines
// are the scale issue's measurements on a 2-core machine; a figure is
// judged per second of wall time, its per-CPU-second twin shown beside it
// because load from other processes moves the one and barely the other.
package main

import (
	"bufio"
	"flag"
	"fmt"
	"io"
	"os"
	"slices"
	"strconv"
	"strings"

	"github.com/addons-contract/contract/internal/perf"
)

// Baselines: the scale issue's measurements, before this work.
const (
	// IssueEmbeddedCasesPerSec: `contract run`, embedded mock, 1,448 cases
	// in 0.45-0.54 s.
	IssueEmbeddedCasesPerSec = 3000.0
	// IssueLoopbackCasesPerSec: `contract run -target <our mock> -rate inf`,
	// 1,448 cases in about 0.95 s.
	IssueLoopbackCasesPerSec = 1500.0
	// IssuePrismReqPerSec: Prism's validating proxy in front of our mock,
	// under the load that gave a raw net/http server 16.4 k req/s.
	IssuePrismReqPerSec = 820.0
	// IssueRawRequestExecs and IssueStructuredExecs: FuzzRawRequest and
	// FuzzStructured under go test -fuzz.
	IssueRawRequestExecs = 2000.0
	IssueStructuredExecs = 1000.0
	// IssuePeakMB: peak RSS of the default embedded run.
	IssuePeakMB = 80.0
)

// Goals: the issue's, as ratios to the baselines or as bounds.
const (
	EmbeddedSpeedup = 2.5    // embedded cases/s over IssueEmbeddedCasesPerSec
	PrismMultiple   = 3.0    // loopback cases/s over Prism's req/s
	FuzzExecsGoal   = 5000.0 // execs/s per worker, each fuzz target
	PeakMBGoal      = 150.0  // peak RSS of the default run, below
)

// row is one figure of the table.
type row struct {
	name      string
	bench     string // benchmark name without the -GOMAXPROCS suffix
	unit      string // the metric judged
	cpuUnit   string // its per-CPU-second twin, "" when none
	baseline  float64
	goal      float64 // the figure the metric must reach (or stay below, when below)
	below     bool
	goalWords string
}

func rows(prism float64) []row {
	return []row{
		{"embedded default suite", "BenchmarkRunInProcess", perf.CasesPerSec, perf.CasesPerCPUSec, IssueEmbeddedCasesPerSec,
			EmbeddedSpeedup * IssueEmbeddedCasesPerSec, false, fmt.Sprintf(">= %.1f x %.0f cases/s", EmbeddedSpeedup, IssueEmbeddedCasesPerSec)},
		{"loopback default suite", "BenchmarkRunLoopback", perf.CasesPerSec, perf.CasesPerCPUSec, prism,
			PrismMultiple * prism, false, fmt.Sprintf(">= %.0f x Prism's %.0f req/s", PrismMultiple, prism)},
		{"FuzzRawRequest, 1 worker", "BenchmarkFuzzRawRequest", perf.ExecsPerSec, perf.ExecsPerCPUSec, IssueRawRequestExecs,
			FuzzExecsGoal, false, fmt.Sprintf(">= %.0f execs/s", FuzzExecsGoal)},
		{"FuzzStructured, 1 worker", "BenchmarkFuzzStructured", perf.ExecsPerSec, perf.ExecsPerCPUSec, IssueStructuredExecs,
			FuzzExecsGoal, false, fmt.Sprintf(">= %.0f execs/s", FuzzExecsGoal)},
		{"peak RSS, default run", "BenchmarkRunPeakRSS", perf.PeakMB, "", IssuePeakMB,
			PeakMBGoal, true, fmt.Sprintf("< %.0f MB", PeakMBGoal)},
	}
}

func main() {
	prism := flag.Float64("prism", IssuePrismReqPerSec, "Prism's validating proxy in req/s (make bench-compare measures it)")
	flag.Parse()
	metrics, failed := parse(os.Stdin)
	if failed {
		fmt.Fprintln(os.Stderr, "table: a benchmark failed (see its output)")
		os.Exit(1)
	}
	print(os.Stdout, rows(*prism), metrics)
}

// parse collects every reported metric by benchmark and unit; failed
// reports a FAIL line.
func parse(r io.Reader) (map[string]map[string][]float64, bool) {
	out := map[string]map[string][]float64{}
	failed := false
	sc := bufio.NewScanner(r)
	for sc.Scan() {
		f := strings.Fields(sc.Text())
		if len(f) > 0 && (f[0] == "FAIL" || f[0] == "---" && len(f) > 1 && f[1] == "FAIL:") {
			failed = true
		}
		if len(f) < 4 || !strings.HasPrefix(f[0], "Benchmark") {
			continue
		}
		name := f[0]
		if i := strings.LastIndexByte(name, '-'); i > 0 {
			name = name[:i]
		}
		for i := 2; i+1 < len(f); i += 2 {
			if v, err := strconv.ParseFloat(f[i], 64); err == nil {
				if out[name] == nil {
					out[name] = map[string][]float64{}
				}
				out[name][f[i+1]] = append(out[name][f[i+1]], v)
			}
		}
	}
	return out, failed
}

// median of the runs of a metric (go test -count N gives N).
func median(vs []float64) (float64, bool) {
	if len(vs) == 0 {
		return 0, false
	}
	s := slices.Sorted(slices.Values(vs))
	return s[len(s)/2], true
}

func print(w io.Writer, rs []row, m map[string]map[string][]float64) {
	fmt.Fprintf(w, "\n%-26s %12s %14s %10s %-28s %7s  %s\n", "figure", "measured", "per CPU-s", "baseline", "goal", "ratio", "verdict")
	for _, r := range rs {
		v, ok := median(m[r.bench][r.unit])
		if !ok {
			fmt.Fprintf(w, "%-26s %12s %14s %10.0f %-28s %7s  %s\n", r.name, "-", "-", r.baseline, r.goalWords, "-", "not run ("+r.bench+")")
			continue
		}
		cpu := "-"
		if c, ok := median(m[r.bench][r.cpuUnit]); ok {
			cpu = fmt.Sprintf("%.0f", c)
		}
		met := v >= r.goal
		if r.below {
			met = v < r.goal
		}
		verdict := map[bool]string{true: "meets the goal", false: "MISSES the goal"}[met]
		fmt.Fprintf(w, "%-26s %12.0f %14s %10.0f %-28s %6.2fx  %s\n", r.name, v, cpu, r.baseline, r.goalWords, v/r.baseline, verdict)
	}
	if load, err := os.ReadFile("/proc/loadavg"); err == nil {
		fmt.Fprintf(w, "load average while measuring (2 cores make 2.0 a full machine): %s", load)
	}
}
