package contract_test

import (
	"context"
	"github.com/addons-contract/contract/contract/target"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/addons-contract/contract/contract"
	"github.com/addons-contract/contract/fixtures"
	"github.com/addons-contract/contract/gen"
	"github.com/addons-contract/contract/mock"
	"github.com/stretchr/testify/require"
)

// benchCases is the default suite's cases (scenarios and generated ones).
func benchCases(b *testing.B) []*contract.Case {
	b.Helper()
	_, op, _ := addons(b)
	g, err := gen.New(op, gen.Options{})
	require.NoError(b, err)
	s, err := contract.BuildSuite(op, fixtures.Default(), g, 1, contract.DefaultValid, contract.DefaultInvalid)
	require.NoError(b, err)
	return s.All()
}

// benchJudge sends cases to tg b.N times with every check and reports
// judged cases per second.
func benchJudge(b *testing.B, tg target.Target) {
	b.Helper()
	cases := benchCases(b)
	_, op, v := addons(b)
	cfg := contract.Config{Op: op, Validator: v, Fixtures: fixtures.Default(), Target: tg, Seed: 1,
		Rate: -1, AllowWrites: true, Workers: contract.DefaultWorkers, Timeout: 10 * time.Second}
	b.ResetTimer()
	for range b.N {
		res, _, err := contract.Judge(context.Background(), cfg, cases)
		require.NoError(b, err)
		require.Empty(b, res.Findings)
	}
	b.ReportMetric(float64(b.N*len(cases))/b.Elapsed().Seconds(), "cases/s")
}

// BenchmarkCasesInProcess: the default suite's cases against the embedded
// mock, no socket.
func BenchmarkCasesInProcess(b *testing.B) {
	benchJudge(b, mockTarget(b, "", 0))
}

// BenchmarkCasesLoopback: the same cases against the mock behind a real
// HTTP server on 127.0.0.1.
func BenchmarkCasesLoopback(b *testing.B) {
	doc, _, _ := addons(b)
	fx := fixtures.Default()
	m, err := mock.New(mock.Config{Doc: doc, Fixtures: &fx})
	require.NoError(b, err)
	srv := httptest.NewServer(m)
	defer srv.Close()
	tg, err := target.Remote(srv.URL, 10*time.Second)
	require.NoError(b, err)
	// One server for every iteration: plans added by one are "already
	// held" in the next, which the plan model accepts (it starts unknowing).
	benchJudge(b, tg)
}
