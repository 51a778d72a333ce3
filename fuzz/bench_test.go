package fuzz

import (
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

// BenchmarkFuzzRawRequest runs FuzzRawRequest's body over its seeds.
func BenchmarkFuzzRawRequest(b *testing.B) {
	e := newEnv(b)
	benchExecs(b, func(i int) { e.rawRequest(b, rawSeeds[i%len(rawSeeds)]) })
}

// BenchmarkFuzzStructured runs FuzzStructured's body over its seeds, one
// invalid case of every class the generator rotates through and as many
// valid ones: the mix the fuzzer's (seed, index, valid) inputs meet.
func BenchmarkFuzzStructured(b *testing.B) {
	e := newEnv(b)
	seeds := append([]structuredSeed(nil), structuredSeeds...)
	for i := range e.gen.Active() {
		seeds = append(seeds, structuredSeed{7, uint16(i), false}, structuredSeed{int64(i), 0, true})
	}
	benchExecs(b, func(i int) { e.structured(b, seeds[i%len(seeds)]) })
}
