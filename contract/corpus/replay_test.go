package corpus_test

import (
	"context"
	"errors"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/addons-contract/contract/contract/corpus"
	"github.com/addons-contract/contract/contract/runner"
	"github.com/addons-contract/contract/contract/target"
	"github.com/addons-contract/contract/internal/contracttest"

	"github.com/addons-contract/contract/contract"
	"github.com/addons-contract/contract/fixtures"
	"github.com/addons-contract/contract/mock"
	"github.com/stretchr/testify/require"
)

// replayConfig is a replay against tg with every check but golden.
func replayConfig(t testing.TB, tg target.Target) runner.Config {
	t.Helper()
	_, op, v := contracttest.Addons(t)
	return runner.Config{Op: op, Validator: v, Fixtures: fixtures.Default(), Target: tg}
}

// replay loads paths and replays them against the mock with fault.
func replay(t *testing.T, fault string, paths ...string) *corpus.ReplayResult {
	t.Helper()
	_, op, _ := contracttest.Addons(t)
	entries, err := corpus.LoadCorpus(op, generator(t), paths)
	require.NoError(t, err)
	rr, err := corpus.Replay(context.Background(), replayConfig(t, contracttest.MockTarget(t, fault, 0)), entries)
	require.NoError(t, err)
	require.Len(t, rr.Entries, len(entries))
	return rr
}

// The whole cycle, for faults caught by different checks: the fault
// yields findings; they are saved; replaying them fails the same check
// while the fault is on, and passes once it is off.
func TestReplayFaultCycle(t *testing.T) {
	for _, fault := range []string{"wrong-error-code", "accept-zero-hosts", "auth-ignored", "drop-added-plan", "forget-state"} {
		t.Run(fault, func(t *testing.T) {
			res := faultResult(t, fault)
			dir := t.TempDir()
			saved, err := corpus.SaveFindings(dir, res, fixtures.Default().Secrets())
			require.NoError(t, err)
			require.NotEmpty(t, saved.Paths, "nothing saved of %s", contracttest.FindingLines(res))

			on := replay(t, fault, dir)
			require.Equal(t, len(on.Entries), on.Failed(), "every entry fails while the fault is on")
			for _, o := range on.Entries {
				f := o.Entry.Finding
				require.True(t, o.Fails(f.Check, f.Row), "%s no longer fails [%s] %s with the fault on", o.Entry.Name, f.Check, f.Row)
			}
			require.NotEmpty(t, on.Result.Findings)

			off := replay(t, "", dir)
			require.Zero(t, off.Failed(), "findings with the fault off:\n%s", contracttest.FindingLines(off.Result))
			require.Empty(t, off.Result.Findings)
			require.Positive(t, off.Result.Sent)
		})
	}
}

// The committed regression corpus and the fuzz seed corpora pass against
// the clean mock; a fault breaks the fuzz inputs it concerns, judged as
// their targets judge them (some row's status and code).
func TestReplayCommittedCorpora(t *testing.T) {
	paths := []string{filepath.Join("..", "..", "corpus"), filepath.Join("..", "..", "fuzz", "testdata", "fuzz"), filepath.Join("..", "..", "mock", "testdata", "fuzz")}
	rr := replay(t, "", paths...)
	require.Zero(t, rr.Failed(), "findings against the clean mock:\n%s", contracttest.FindingLines(rr.Result))
	require.GreaterOrEqual(t, len(rr.Entries), 25)

	fuzzOnly := replay(t, "wrong-error-code", paths[1:]...)
	var failing []string
	for _, o := range fuzzOnly.Entries {
		if len(o.Findings) > 0 {
			require.True(t, o.Fails(contract.CheckErrorRow, "any"), "%s: %v", o.Entry.Name, o.Findings)
			failing = append(failing, o.Entry.Name)
		}
	}
	require.Equal(t, []string{"empty-account-id", "seed-escaped-id"}, failing, "the inputs answered account_missing")
}

// A remote target gets only what is safe to send: no writes without
// AllowWrites, no literal path, no account outside the fixtures.
func TestReplaySkipsUnsafeOnRemote(t *testing.T) {
	doc, _, _ := contracttest.Addons(t)
	fx := fixtures.Default()
	m, err := mock.New(mock.Config{Doc: doc, Fixtures: &fx})
	require.NoError(t, err)
	srv := httptest.NewServer(m)
	defer srv.Close()
	tg, err := target.Remote(srv.URL, 0)
	require.NoError(t, err)

	mk := func(name string, req contract.Request, writes bool) *corpus.Entry {
		return &corpus.Entry{Name: name, Case: &contract.Case{ID: name, Kind: contract.KindFuzz, Writes: writes, Req: req, Expect: contract.Expect{Any: true}}}
	}
	entries := []*corpus.Entry{
		mk("write", contract.Request{Account: "paid", Token: "master", ContentType: "application/json", Body: []byte(`{"type":"zwb_monthly","hosts":1}`)}, true),
		mk("path", contract.Request{Account: "paid", Token: "master", Path: "/accounts/x/y"}, false),
		mk("foreign", contract.Request{Account: "=someone-else", Token: "master"}, false),
		mk("missing", contract.Request{Account: "missing", Token: "master", ContentType: "application/json", Body: []byte(`{}`)}, false),
	}
	rr, err := corpus.Replay(context.Background(), replayConfig(t, tg), entries)
	require.NoError(t, err)
	var got []string
	for _, o := range rr.Entries {
		got = append(got, o.Entry.Name+": "+o.Skipped)
	}
	require.Equal(t, []string{
		"write: writes need -allow-writes (a correct server adds a plan)",
		`path: sends the literal path "/accounts/x/y", replayed against the embedded mock only`,
		`foreign: addresses account "someone-else", which is no fixture account of the target`,
		"missing: ",
	}, got)
	require.True(t, rr.Entries[3].Passed())
	require.Equal(t, 1, rr.Result.Sent)
}

// A target that does not answer stops the replay with ErrUnreachable, and
// with a result, aborted, in which the entry sent and those after it are
// skipped (not judged) and the unanswered request is the finding.
func TestReplayUnreachable(t *testing.T) {
	tg, err := target.Remote("http://127.0.0.1:1", 0)
	require.NoError(t, err)
	entry := func(name string) *corpus.Entry {
		return &corpus.Entry{Name: name, Case: &contract.Case{ID: name, Kind: contract.KindFuzz, Expect: contract.Expect{Any: true},
			Req: contract.Request{Account: "missing", Token: "master"}}}
	}
	rr, err := corpus.Replay(context.Background(), replayConfig(t, tg), []*corpus.Entry{entry("x"), entry("y")})
	require.ErrorIs(t, err, runner.ErrUnreachable)
	require.NotNil(t, rr)
	require.Contains(t, rr.Result.Aborted, "http://127.0.0.1:1 did not answer")
	require.Len(t, rr.Entries, 2)
	for _, o := range rr.Entries {
		require.Equal(t, rr.Result.Aborted, o.Skipped, o.Entry.Name)
	}
	require.Zero(t, rr.Failed())
	require.Equal(t, 1, rr.Result.Sent)
	require.Len(t, rr.Result.Findings, 1)
	require.Equal(t, contract.CheckNoServerError, rr.Result.Findings[0].Check)
}

// Minimising keeps the same check failing for the same row and drops the
// padding: JSON members of a body the fault accepts, bytes of a body that
// is not JSON. Golden failures are not minimised: a smaller body has no
// recorded answer.
func TestMinimize(t *testing.T) {
	g := generator(t)
	pad := strings.Repeat(" ", 200)
	padded := `{"service_effective_date":"2021-12-31",` + pad + `"hosts":0,"type":"zwb_monthly",` + pad + `"paid_period_start_date":"2021-12-31"}`
	tests := []struct {
		name, fault, reason string
		c                   contract.Case
		check, row          string
		want                string
	}{
		{
			name: "padded JSON", fault: "accept-zero-hosts", reason: "only hosts 0 and a valid type are the defect; dates and whitespace go",
			c: contract.Case{ID: "x", Kind: contract.KindInvalid, Class: "out-of-range", Field: "hosts", Expect: contract.Expect{Row: "invalid_body"},
				Req: contract.Request{Account: "paid", Token: "master", ContentType: "application/json", Body: []byte(padded)}},
			check: contract.CheckInvalidRejected, row: "invalid_body/out-of-range",
			want: `{"hosts":0,"type":"zwb_monthly"}`,
		},
		{
			name: "bytes", fault: "wrong-error-code", reason: "the missing account is the defect, not the body",
			c: contract.Case{ID: "y", Kind: contract.KindFuzz, Expect: contract.Expect{Any: true},
				Req: contract.Request{Account: "missing", Token: "master", ContentType: "text/plain", Body: []byte("not json " + strings.Repeat("z", 300))}},
			check: contract.CheckErrorRow, row: "any",
			want: ``,
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			e := &corpus.Entry{Name: "e.json", Path: filepath.Join(dir, "e.json"), Source: "corpus", Case: &tc.c,
				Finding: corpus.EntryFinding{Check: tc.check, Row: tc.row}}
			cfg := replayConfig(t, contracttest.MockTarget(t, tc.fault, 0))
			min, err := corpus.Minimize(context.Background(), cfg, g, e, tc.check, tc.row)
			require.NoError(t, err)
			require.NotNil(t, min, tc.reason)
			require.Equal(t, tc.want, string(min.Case.Req.Body), tc.reason)
			require.Equal(t, filepath.Join(dir, "e.min.json"), min.Path)
			require.NoError(t, corpus.WriteEntry(min))
			data, err := os.ReadFile(min.Path)
			require.NoError(t, err)
			back, err := corpus.DecodeEntry(min.Path, data)
			require.NoError(t, err)
			require.Equal(t, tc.check, back.Finding.Check)

			// The minimised entry fails the same way, and passes on the clean mock.
			rr := replay(t, tc.fault, min.Path)
			require.True(t, rr.Entries[0].Fails(tc.check, tc.row))
			require.Zero(t, replay(t, "", min.Path).Failed())
		})
	}

	e := &corpus.Entry{Name: "g.json", Path: "g.json", Case: &contract.Case{ID: "matrix/self_pay", Kind: contract.KindScenario,
		Req: contract.Request{Account: "self_pay", Token: "master", Body: []byte(padded)}}}
	_, err := corpus.Minimize(context.Background(), replayConfig(t, contracttest.MockTarget(t, "", 0)), g, e, contract.CheckGolden, "matrix/self_pay")
	require.True(t, errors.Is(err, corpus.ErrNotMinimizable), "%v", err)
}

// A Go fuzz input is minimised into its own format beside it, so plain
// go test still reads the directory.
func TestMinimizeNativeStaysNative(t *testing.T) {
	_, op, _ := contracttest.Addons(t)
	dir := filepath.Join(t.TempDir(), "FuzzRawRequest")
	require.NoError(t, os.MkdirAll(dir, 0o755))
	p := filepath.Join(dir, "padded")
	require.NoError(t, os.WriteFile(p, []byte("go test fuzz v1\nbyte('\\x05')\nbyte('\\x00')\nstring(\"application/json\")\n[]byte(\"{\\\"type\\\":\\\"zwb_monthly\\\",\\\"hosts\\\":1,\\\"pad\\\":\\\"xxxxxxxxxxxxxxxxxxxxxxxx\\\"}\")\n"), 0o644))
	entries, err := corpus.LoadCorpus(op, nil, []string{p})
	require.NoError(t, err)
	min, err := corpus.Minimize(context.Background(), replayConfig(t, contracttest.MockTarget(t, "wrong-error-code", 0)), nil, entries[0], contract.CheckErrorRow, "any")
	require.NoError(t, err)
	require.NotNil(t, min)
	require.NoError(t, corpus.WriteEntry(min))
	data, err := os.ReadFile(p + ".min")
	require.NoError(t, err)
	require.Equal(t, "go test fuzz v1\nbyte('\\x05')\nbyte('\\x00')\nstring(\"application/json\")\n[]byte(\"{}\")\n", string(data))
}
