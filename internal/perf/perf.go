// Package perf holds what the benchmarks of the inner loop share (make
// bench): the process's CPU time, a child process's peak memory, and the
// figures they report, by the names internal/perf/table reads back.
package perf

import (
	"os"
	"syscall"
	"testing"
	"time"
)

// Metric units the benchmarks report and the table reads.
const (
	CasesPerSec    = "cases/s"     // cases judged per second of sending (a run's "N cases in D")
	CasesPerCPUSec = "cases/cpu-s" // the same per second of CPU time (load on the machine barely moves it)
	ExecsPerSec    = "execs/s"     // fuzz target bodies run per second, one worker
	ExecsPerCPUSec = "execs/cpu-s" // the same per second of CPU time
	PeakMB         = "peak-MB"     // peak resident memory of a process, MiB
)

// CPU returns the CPU time, user and system, this process has used so far.
func CPU() time.Duration {
	var ru syscall.Rusage
	if syscall.Getrusage(syscall.RUSAGE_SELF, &ru) != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// PeakRSS returns the peak resident set size of an exited process, in
// bytes; 0 when the platform does not say.
func PeakRSS(ps *os.ProcessState) int64 {
	if ru, ok := ps.SysUsage().(*syscall.Rusage); ok {
		return ru.Maxrss << 10 // Linux reports KiB
	}
	return 0
}

// Rates reports n things done over wall and cpu as unit per second and
// cpuUnit per CPU-second.
func Rates(b *testing.B, n int, wall, cpu time.Duration, unit, cpuUnit string) {
	b.Helper()
	if wall > 0 {
		b.ReportMetric(float64(n)/wall.Seconds(), unit)
	}
	if cpu > 0 {
		b.ReportMetric(float64(n)/cpu.Seconds(), cpuUnit)
	}
}
