package fuzz

import (
	"bytes"
	"testing"

	"github.com/addons-contract/contract/internal/perf"
)

// The fuzz targets' bodies, serially: what one fuzz worker executes per
// second, without the fuzzer's coverage instrumentation. make bench holds
// execs/s against its goal (internal/perf/table).

// benchExecs runs exec b.N times and reports executions per second and per
// CPU-second.
func benchExecs(b *testing.B, exec func(i int)) {
	b.Helper()
	b.ReportAllocs()
	c0 := perf.CPU()
	b.ResetTimer()
	for i := range b.N {
		exec(i)
	}
	b.StopTimer()
	perf.Rates(b, b.N, b.Elapsed(), perf.CPU()-c0, perf.ExecsPerSec, perf.ExecsPerCPUSec)
}

// BenchmarkFuzzRawRequest runs FuzzRawRequest's body over its seeds, each
// time with one byte changed as the fuzzer's mutator would: new bytes every
// time, so no cache keyed by a body's bytes answers (the fuzzer rarely
// sends the same input twice).
func BenchmarkFuzzRawRequest(b *testing.B) {
	e := newEnv(b)
	benchExecs(b, func(i int) {
		s := rawSeeds[i%len(rawSeeds)]
		s.body = bytes.Clone(s.body)
		if n := len(s.body); n > 0 {
			s.body[(i/len(rawSeeds))%n] ^= byte(1 + i%255)
		}
		e.rawRequest(b, s)
	})
}

// BenchmarkFuzzStructured runs FuzzStructured's body over new inputs
// every time, valid and invalid in turn, the invalid ones rotating through
// every class: the mix the fuzzer's (seed, index, valid) inputs meet,
// never the same body twice.
func BenchmarkFuzzStructured(b *testing.B) {
	e := newEnv(b)
	benchExecs(b, func(i int) { e.structured(b, structuredSeed{int64(i / 2), uint16(i / 2), i%2 == 0}) })
}
