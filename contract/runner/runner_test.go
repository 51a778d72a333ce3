package runner_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/addons-contract/contract/contract"
	"github.com/addons-contract/contract/contract/report"
	"github.com/addons-contract/contract/contract/runner"
	"github.com/addons-contract/contract/contract/target"
	"github.com/addons-contract/contract/fixtures"
	"github.com/addons-contract/contract/golden"
	"github.com/addons-contract/contract/internal/hostile"
	"github.com/addons-contract/contract/mock"
	"github.com/google/go-cmp/cmp"
	"github.com/stretchr/testify/require"
)

// The default suite against the clean mock, compared with the committed
// golden set: the product's main job must pass, reach every error row a
// request can reach, every invalid class and every catalog code.
func TestDefaultSuiteAgainstMockPasses(t *testing.T) {
	_, op, v := addons(t)
	set := golden.Default()
	start := time.Now()
	res := run(t, runner.Config{Op: op, Validator: v, Fixtures: fixtures.Default(), Target: mockTarget(t, "", 0), Seed: 1, Shrink: true,
		With: []contract.Check{contract.Golden(&set, nil, false), contract.ResponseTime(runner.DefaultMaxResponseTime)}})
	t.Logf("default suite: %d cases, %d requests in %v", res.Cases, res.Sent, time.Since(start))
	require.Empty(t, res.Findings, "findings against the clean mock:\n%s", findingLines(res))
	require.Empty(t, res.Aborted)
	require.Empty(t, res.Skipped)
	require.Greater(t, res.Sent, 1000)
	require.Equal(t, []string{"token_expired"}, contract.Unreached(res.Coverage.Rows), "every row but the expired OAuth token, the rate limit by the mock's own (rules/rate-limit)")
	require.Empty(t, contract.Unreached(res.Coverage.Classes))
	require.Empty(t, contract.Unreached(res.Coverage.Plans))
	for _, s := range res.Stats {
		require.Positive(t, s.Passed, "check %s never applied", s.Check)
	}
}

// A handful of faults with the exact finding they must produce: the row,
// the diff and the count say it is one cause, reported once.
func TestFindingsNameTheirCause(t *testing.T) {
	tests := []struct {
		fault, check, row, reason string
		diffHas                   string
	}{
		{"wrong-error-code", contract.CheckErrorRow, "account_missing", "account_missing answers 2002: the row and its code are named", "int64(2001)"},
		{"success-200", contract.CheckValidAccepted, "created", "a 200 for a valid add is not the 201 the contract promises", "Status: 201"},
		{"auth-ignored", contract.CheckAuthEnforced, "invalid_token", "every credential case collapses into one finding", "Status: 401"},
		{"forget-state", contract.CheckStateModel, "already_has", "the repeat of a successful add is answered 201 again", "int64(2100)"},
		{"drop-connection", contract.CheckNoServerError, "created", "dropped connections where a 201 is due", ""},
		{"accept-zero-hosts", contract.CheckInvalidRejected, "invalid_body", "the hosts 0 scenario is accepted", "Status: 400"},
	}
	for _, tc := range tests {
		t.Run(tc.fault, func(t *testing.T) {
			res := run(t, smallConfig(t, mockTarget(t, tc.fault, 0)))
			var got *contract.Finding
			for i := range res.Findings {
				if f := &res.Findings[i]; f.Check == tc.check && f.Row == tc.row {
					got = f
				}
			}
			require.NotNil(t, got, "%s: want a [%s] %s finding; got:\n%s", tc.reason, tc.check, tc.row, findingLines(res))
			require.Positive(t, got.Count)
			require.NotNil(t, got.Example)
			require.Contains(t, got.Diff, tc.diffHas)
			require.Contains(t, report.Curl(got), "$TOKEN")
			require.Equal(t, res.Seed, got.CaseSeed, "hand-built and stateful cases are reproduced by the run's seed")
		})
	}
}

// The stateful property shrinks its counterexample: the steps end with the
// failing repeat, and the repeat adds what an earlier step added.
func TestStateModelCounterexampleIsShrunk(t *testing.T) {
	cfg := smallConfig(t, mockTarget(t, "forget-state", 0))
	cfg.Valid, cfg.Invalid = -1, -1 // only the scenarios and the sequences
	cfg.Sequences, cfg.Steps = 10, 12
	res := run(t, cfg)
	var f *contract.Finding
	for i := range res.Findings {
		if res.Findings[i].Check == contract.CheckStateModel && res.Findings[i].Steps != nil {
			f = &res.Findings[i]
		}
	}
	require.NotNil(t, f, "want a state-model finding with the sequence; got:\n%s", findingLines(res))
	require.True(t, strings.HasPrefix(f.CaseID, "state/"), f.CaseID)
	require.LessOrEqual(t, len(f.Steps), 3, "shrunk to the add and its repeat (steps: %q)", f.Steps)
	last := f.Steps[len(f.Steps)-1]
	require.Equal(t, "201", last.Answer, "the failing step is the repeat answered 201")
	var earlier []string
	for _, st := range f.Steps[:len(f.Steps)-1] {
		earlier = append(earlier, string(st.Case.Req.Body))
	}
	require.Contains(t, earlier, string(last.Case.Req.Body), "an earlier step sent the same body")
}

// A finding on a generated case carries the shrunk body, smaller than the
// example, and a curl command that sends the shrunk body.
func TestGeneratedExamplesAreShrunk(t *testing.T) {
	cfg := smallConfig(t, mockTarget(t, "accept-unknown-property", 0))
	cfg.Shrink = true
	res := run(t, cfg)
	var f *contract.Finding
	for i := range res.Findings {
		if res.Findings[i].Check == contract.CheckInvalidRejected {
			f = &res.Findings[i]
		}
	}
	require.NotNil(t, f, findingLines(res))
	require.NotNil(t, f.Shrunk, "the unknown-property example shrinks")
	require.Less(t, len(f.Shrunk), len(f.Example.Case.Req.Body))
	require.Contains(t, report.Curl(f), string(f.Shrunk))
}

// Same seed, same cases, same findings, same bytes of every report part
// that does not measure time; another seed sends other generated cases.
func TestSameSeedSameFindings(t *testing.T) {
	for _, fault := range []string{"", "wrong-hosts", "accept-zero-hosts"} {
		t.Run("fault="+fault, func(t *testing.T) {
			a := run(t, smallConfig(t, mockTarget(t, fault, 0)))
			b := run(t, smallConfig(t, mockTarget(t, fault, 0)))
			require.Empty(t, cmp.Diff(comparable(a), comparable(b)))
		})
	}
	cfg := smallConfig(t, mockTarget(t, "", 0))
	a := run(t, cfg)
	cfg.Seed++
	b := run(t, cfg)
	require.NotEqual(t, a.Coverage.Plans, b.Coverage.Plans, "another seed sends other valid bodies")
}

// comparable strips a result of what depends on the clock.
func comparable(r *contract.Result) any {
	type finding struct {
		Check, Row, Detail, Diff, Curl, CaseID string
		Count                                  int
		Shrunk                                 string
		Steps                                  []string
	}
	var fs []finding
	for _, f := range r.Findings {
		fs = append(fs, finding{f.Check, f.Row, f.Failure.Detail, f.Diff, report.Curl(&f), f.CaseID, f.Count, string(f.Shrunk), stepLines(f.Steps)})
	}
	return struct {
		Sent, Cases int
		Stats       []contract.CheckStat
		Findings    []finding
		Coverage    contract.Coverage
	}{r.Sent, r.Cases, r.Stats, fs, r.Coverage}
}

// -update writes the same bytes whatever the seed and however often; the
// set then passes, and a drifted server fails with the diff.
func TestGoldenFilesAreStableAndCompared(t *testing.T) {
	dirs := []string{t.TempDir(), t.TempDir()}
	for i, dir := range dirs {
		set := golden.Open(dir)
		cfg := smallConfig(t, mockTarget(t, "", 0))
		cfg.Seed = int64(100 + i)
		cfg.With = append(cfg.With, contract.Golden(&set, nil, true))
		res := run(t, cfg)
		require.Empty(t, res.Findings, findingLines(res))
	}
	names, err := golden.Open(dirs[0]).Names()
	require.NoError(t, err)
	require.GreaterOrEqual(t, len(names), 18)
	for _, n := range names {
		a, err := os.ReadFile(filepath.Join(dirs[0], n+".json"))
		require.NoError(t, err)
		b, err := os.ReadFile(filepath.Join(dirs[1], n+".json"))
		require.NoError(t, err)
		require.Equal(t, string(a), string(b), "golden file %s differs between runs", n)
		require.NotContains(t, string(a), fixtures.Default().Accounts.Missing, "fixture ids become placeholders")
	}
	entries, err := os.ReadDir(filepath.Join(dirs[0], "matrix"))
	require.NoError(t, err)
	for _, e := range entries {
		require.False(t, strings.HasPrefix(e.Name(), "."), "no temporary file left behind: %s", e.Name())
	}

	set := golden.Open(dirs[0])
	cfg := smallConfig(t, mockTarget(t, "", 0))
	cfg.With = append(cfg.With, contract.Golden(&set, nil, false))
	require.Empty(t, run(t, cfg).Findings)

	cfg = smallConfig(t, mockTarget(t, "golden-drift", 0))
	cfg.With = append(cfg.With, contract.Golden(&set, nil, false))
	res := run(t, cfg)
	var diff string
	for _, f := range res.Findings {
		if f.Check == contract.CheckGolden && f.Row == "success/page-example" {
			diff = f.Diff
		}
	}
	require.Contains(t, diff, "25", "the drifted plan_base hosts shows in the diff:\n%s", findingLines(res))

	cfg = smallConfig(t, mockTarget(t, "", 0))
	empty := golden.Open(t.TempDir())
	cfg.With = append(cfg.With, contract.Golden(&empty, nil, false))
	res = run(t, cfg)
	require.Len(t, res.Findings, 1, "missing golden files are one finding: %s", findingLines(res))
	require.Equal(t, "missing", res.Findings[0].Row)
}

// A target that does not answer stops the run at once with ErrUnreachable,
// and with a result, aborted, that says so and holds the probe's finding,
// so that reports can still be written.
func TestUnreachableTarget(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	closed := "http://" + ln.Addr().String()
	require.NoError(t, ln.Close())
	for _, base := range []string{"http://127.0.0.1:1", closed} {
		tg, err := target.Remote(base, 2*time.Second)
		require.NoError(t, err)
		start := time.Now()
		res, err := runWith(context.Background(), smallConfig(t, tg))
		require.ErrorIs(t, err, runner.ErrUnreachable)
		require.Less(t, time.Since(start), 3*time.Second)
		require.Equal(t, 1, strings.Count(err.Error(), "\n")+1, "one line: %q", err)
		require.Contains(t, err.Error(), base)
		require.NotNil(t, res, "the result comes with the error")
		require.Contains(t, res.Aborted, base+" did not answer")
		require.Equal(t, 1, res.Sent)
		require.Equal(t, map[string]bool{contract.CheckNoServerError: true}, checksFound(res), findingLines(res))
		require.False(t, res.Passed())
	}
}

// A server that answers, then hangs, ends the run after a few timeouts in a
// row (exit 3 material), instead of costing every remaining case its whole
// timeout; what it answered before is still judged.
func TestHangingServerAbortsTheRun(t *testing.T) {
	var hits, hanging atomic.Int32
	release := make(chan struct{})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if hits.Add(1) > 2 {
			hanging.Add(1)
			defer hanging.Add(-1)
			// net/http notices a client hanging up only once the body is read.
			_, _ = io.Copy(io.Discard, r.Body)
			select { // hang until the client gives up (or the test ends)
			case <-r.Context().Done():
			case <-release:
			}
			return
		}
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusUnauthorized)
		_, _ = w.Write([]byte(`{"code":124,"message":"Invalid access token."}`))
	}))
	defer srv.Close()
	defer close(release)
	tg, err := target.Remote(srv.URL, time.Second)
	require.NoError(t, err)
	cfg := smallConfig(t, tg)
	cfg.Rate, cfg.Timeout = -1, 100*time.Millisecond
	start := time.Now()
	res := run(t, cfg)
	require.Contains(t, res.Aborted, "stopped answering: 3 requests in a row got no answer within 100ms")
	require.Less(t, time.Since(start), 5*time.Second, "a hanging server must not hold the run for every case's timeout")
	require.Less(t, res.Sent, 20)
	require.True(t, checksFound(res)[contract.CheckNoServerError], "the hang itself is a finding:\n%s", findingLines(res))
	require.Eventually(t, func() bool { return hanging.Load() == 0 }, 2*time.Second, 10*time.Millisecond,
		"every request of the run was given up when Run returned (%d still open)", hanging.Load())
}

// A server that fails every request the same way, whatever it asks for,
// aborts the run after 20 in a row: the rest is not sent, the findings so
// far are reported, and no finding is shrunk by resending.
func TestServerFailingAlikeAbortsTheRun(t *testing.T) {
	var hits atomic.Int32
	h := hostile.ResetMidBody()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hits.Add(1)
		h.ServeHTTP(w, r)
	}))
	defer srv.Close()
	tg, err := target.Remote(srv.URL, 5*time.Second)
	require.NoError(t, err)
	cfg := smallConfig(t, tg)
	cfg.Rate, cfg.AllowWrites, cfg.Shrink = -1, true, true
	res := run(t, cfg)
	require.Contains(t, res.Aborted, srv.URL+" failed 20 requests in a row the same way, whatever they asked: no answer: ")
	require.Contains(t, res.Aborted, "connection reset by peer")
	require.Less(t, res.Sent, 20+cfg.Workers+1, "sending stopped at the 20th (bar the requests in flight)")
	require.Equal(t, res.Sent, int(hits.Load()), "nothing was resent to shrink")
	require.Equal(t, map[string]bool{contract.CheckNoServerError: true}, checksFound(res), findingLines(res))
	var skipped int
	for _, s := range res.Skipped {
		skipped += s.Count
	}
	require.Positive(t, skipped)
}

// A server that breaks one kind of request, however many in a row, is
// being found out, not broken: the run goes on. Here every 201 due is a
// dropped connection, and the success scenarios come one after another.
func TestServerFailingOneKindIsNotAborted(t *testing.T) {
	res := run(t, smallConfig(t, mockTarget(t, "drop-connection", 0)))
	require.Empty(t, res.Aborted)
	require.Empty(t, res.Skipped)
	require.True(t, checksFound(res)[contract.CheckNoServerError], findingLines(res))
}

// A 429 is retried after its Retry-After, and the answer after it judged.
func TestRetryHonoursRetryAfter(t *testing.T) {
	doc, _, _ := addons(t)
	fx := fixtures.Default()
	m, err := mock.New(mock.Config{Doc: doc, Fixtures: &fx})
	require.NoError(t, err)
	var hits atomic.Int32
	var times []time.Time
	var mu sync.Mutex
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		times = append(times, time.Now())
		mu.Unlock()
		if hits.Add(1) == 1 {
			w.Header().Set("Content-Type", "application/json")
			w.Header().Set("Retry-After", "1")
			w.WriteHeader(http.StatusTooManyRequests)
			fmt.Fprint(w, `{"code":429,"message":"Too many requests."}`)
			return
		}
		m.ServeHTTP(w, r)
	}))
	defer srv.Close()
	tg, err := target.Remote(srv.URL, 5*time.Second)
	require.NoError(t, err)
	cfg := smallConfig(t, tg)
	cfg.Rate = -1
	c := &contract.Case{ID: "matrix/self_pay", Kind: contract.KindScenario,
		Req:    contract.Request{Account: contract.AccountSelfPay, Token: contract.TokenMaster, ContentType: "application/json", Body: []byte(`{"type":"zwb_monthly","hosts":2}`)},
		Expect: contract.Expect{Row: "self_pay"}}
	res, exs, err := runner.Judge(context.Background(), cfg, []*contract.Case{c})
	require.NoError(t, err)
	require.Empty(t, res.Findings, findingLines(res))
	require.Equal(t, int32(2), hits.Load())
	require.Equal(t, 1, exs[0].Retries)
	require.Equal(t, 2, res.Sent, "the retry counts as a request")
	require.GreaterOrEqual(t, times[1].Sub(times[0]), 900*time.Millisecond, "waited for Retry-After")
}

// -max-requests ends the run: exactly that many requests, the rest skipped;
// the cap is the user's choice, so the run is judged, not aborted.
func TestMaxRequestsCapsTheRun(t *testing.T) {
	cfg := smallConfig(t, mockTarget(t, "", 0))
	cfg.MaxRequests = 40
	res := run(t, cfg)
	require.Equal(t, 40, res.Sent)
	require.Empty(t, res.Aborted)
	require.NotEmpty(t, res.Skipped)
	require.Contains(t, res.Skipped[0].Reason, "-max-requests 40")
	require.True(t, res.Passed(), "what was sent kept the contract")
}

// Against a non-embedded target, cases that add plans are not sent without
// AllowWrites, and the result says how many were skipped.
func TestRemoteIsBillingSafeWithoutAllowWrites(t *testing.T) {
	doc, op, _ := addons(t)
	fx := fixtures.Default()
	m, err := mock.New(mock.Config{Doc: doc, Fixtures: &fx, UnknownUserLimit: -1}) // served to two runs
	require.NoError(t, err)
	var created atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		rec := httptest.NewRecorder()
		m.ServeHTTP(rec, r)
		if rec.Code == http.StatusCreated {
			created.Add(1)
		}
		for k, v := range rec.Header() {
			w.Header()[k] = v
		}
		w.WriteHeader(rec.Code)
		_, _ = w.Write(rec.Body.Bytes())
	}))
	defer srv.Close()
	tg, err := target.Remote(srv.URL, 5*time.Second)
	require.NoError(t, err)

	cfg := smallConfig(t, tg)
	cfg.Rate = -1
	res := run(t, cfg)
	require.Empty(t, res.Findings, findingLines(res))
	require.Zero(t, created.Load(), "no request was answered 201")
	var skipped int
	for _, s := range res.Skipped {
		if strings.Contains(s.Reason, "-allow-writes") {
			skipped += s.Count
		}
	}
	// Success scenarios: the page example, its repeat, the phone form, one add
	// on rooms_base and one on has_addon, then one per other add-on on paid
	// (the catalog less the base plan, the page's code and the 3 phone codes).
	// And the leap-day add on rooms_base (rules/dates/leap-day-added).
	successes := 5 + len(op.Catalog) - 1 - 1 - 3 + 1
	require.Equal(t, successes+cfg.Valid+cfg.Sequences, skipped, "the success scenarios, the valid adds to paid and the sequences")

	cfg.AllowWrites = true
	res = run(t, cfg)
	require.Empty(t, res.Findings, findingLines(res))
	require.Positive(t, created.Load(), "aborted %q, skipped %v", res.Aborted, res.Skipped)
}

// Checks are selected by id; unknown ids are an error naming the valid ones.
func TestCheckSelection(t *testing.T) {
	all, err := contract.SelectChecks(nil, nil)
	require.NoError(t, err)
	require.Equal(t, contract.CheckIDs(), ids(all))
	only, err := contract.SelectChecks([]string{"error-row", "golden"}, []string{"golden"})
	require.NoError(t, err)
	require.Equal(t, []string{"error-row"}, ids(only))
	_, err = contract.SelectChecks([]string{"error-rows"}, nil)
	require.ErrorContains(t, err, `unknown check error-rows (valid: no-server-error, status-documented`)
	_, err = contract.SelectChecks(nil, contract.CheckIDs())
	require.ErrorContains(t, err, "no check left")

	cfg := smallConfig(t, mockTarget(t, "wrong-error-code", 0))
	cfg.Checks = []string{contract.CheckErrorRow}
	res := run(t, cfg)
	require.Equal(t, []string{contract.CheckErrorRow}, res.Checks)
	require.Equal(t, map[string]bool{contract.CheckErrorRow: true}, checksFound(res))

	cfg.Checks, cfg.SkipChecks = nil, []string{contract.CheckErrorRow}
	res = run(t, cfg)
	require.NotContains(t, res.Checks, contract.CheckErrorRow)
	require.Empty(t, res.Findings, "error-row skipped: nothing else catches a wrong code")

	cfg.SkipChecks = []string{"nope"}
	_, err = runWith(context.Background(), cfg)
	require.ErrorContains(t, err, "unknown check nope")
}

func ids(cs []contract.Check) []string {
	var out []string
	for _, c := range cs {
		out = append(out, c.ID())
	}
	return out
}

// No fixture token reaches an exchange, a finding or any report: requests
// carry $TOKEN in their recorded headers and reproduction commands.
func TestReportsCarryNoToken(t *testing.T) {
	for _, fault := range []string{"auth-ignored", "ignore-volume-license", "wrong-error-code"} {
		t.Run(fault, func(t *testing.T) {
			res := run(t, smallConfig(t, mockTarget(t, fault, 0)))
			require.NotEmpty(t, res.Findings)
			var out bytes.Buffer
			for _, rep := range []report.Reporter{report.ConsoleReporter{Verbose: true}, report.JSONReporter{Indent: true}, report.JUnitReporter{}} {
				require.NoError(t, rep.Report(&out, res))
			}
			for _, f := range res.Findings {
				switch f.Example.Case.Req.Token {
				case contract.TokenMaster, contract.TokenVolumeLicense, contract.TokenUnknownUser:
					require.Contains(t, f.Example.ReqHeader.Get("Authorization"), "$TOKEN", "a fixture token is recorded as $TOKEN")
				}
			}
			text := out.String()
			require.Contains(t, text, "$TOKEN")
			for _, secret := range fixtures.Default().Secrets() {
				require.NotContains(t, text, secret)
			}
			raw, err := json.Marshal(res.Findings)
			require.NoError(t, err)
			for _, secret := range fixtures.Default().Secrets() {
				require.NotContains(t, string(raw), secret)
			}
		})
	}
}

// Interrupting a run stops it: the result says so and nothing hangs.
func TestInterruptedRunIsAborted(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cfg := smallConfig(t, mockTarget(t, "slow", 20*time.Millisecond))
	cfg.Workers = 2
	time.AfterFunc(200*time.Millisecond, cancel)
	start := time.Now()
	res, err := runWith(ctx, cfg)
	require.NoError(t, err)
	require.Less(t, time.Since(start), 3*time.Second)
	require.Contains(t, res.Aborted, "interrupted")
	require.NotEmpty(t, res.Skipped)
}

// Judge sends arbitrary cases with the run's checks: what replaying saved
// cases needs. Stateful cases are predicted afresh.
func TestJudgeSendsGivenCases(t *testing.T) {
	cfg := smallConfig(t, mockTarget(t, "", 0))
	body := []byte(`{"type":"zwb_monthly","hosts":3}`)
	add := &contract.Case{ID: "saved/add", Kind: contract.KindValid, Stateful: true, Writes: true,
		Adds: []contract.Add{{Code: "zwb_monthly", Hosts: 3}},
		Req:  contract.Request{Account: contract.AccountPaid, Token: contract.TokenMaster, ContentType: "application/json", Body: body}}
	again := *add
	again.ID = "saved/again"
	raw, err := json.Marshal([]*contract.Case{add, &again})
	require.NoError(t, err)
	var cases []*contract.Case
	require.NoError(t, json.Unmarshal(raw, &cases), "cases survive a JSON round trip")
	res, exs, err := runner.Judge(context.Background(), cfg, cases)
	require.NoError(t, err)
	require.Empty(t, res.Findings, findingLines(res))
	require.Equal(t, http.StatusCreated, exs[0].Status)
	require.Equal(t, http.StatusBadRequest, exs[1].Status)
	require.Equal(t, contract.Expect{Row: "already_has", Held: []string{"zwb_monthly"}, State: true}, cases[1].Expect)
}

// Only fixture accounts are addressed on a real server: a saved case naming
// another id is refused before anything is sent.
func TestRemoteAddressesOnlyFixtureAccounts(t *testing.T) {
	var hits atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { hits.Add(1) }))
	defer srv.Close()
	tg, err := target.Remote(srv.URL, time.Second)
	require.NoError(t, err)
	c := &contract.Case{ID: "saved/stranger", Kind: contract.KindScenario,
		Req:    contract.Request{Account: "=someone-elses-account", Token: contract.TokenMaster},
		Expect: contract.Expect{Row: "account_missing"}}
	_, _, err = runner.Judge(context.Background(), smallConfig(t, tg), []*contract.Case{c})
	require.ErrorContains(t, err, "only fixture accounts are addressed")
	require.Zero(t, hits.Load())
}

func stepLines(steps []contract.Step) []string {
	var out []string
	for _, s := range steps {
		out = append(out, s.String())
	}
	return out
}

// A shrunk example may be as long as the original and still smaller in
// value (hosts 9999999999 → 2147483648): the shrinker's result is kept
// whenever its bytes differ and it still fails the same way.
func TestShrunkExampleOfTheSameLengthIsKept(t *testing.T) {
	cfg := smallConfig(t, mockTarget(t, "accept-hosts-over-max", 0))
	cfg.Seed, cfg.Valid, cfg.Invalid, cfg.Shrink = 2, runner.DefaultValid, runner.DefaultInvalid, true
	res := run(t, cfg)
	var shrunk int
	for _, f := range res.Findings {
		if f.Check == contract.CheckInvalidRejected && f.Shrunk != nil {
			require.NotEqual(t, string(f.Example.Case.Req.Body), string(f.Shrunk))
			shrunk++
		}
	}
	require.Positive(t, shrunk, findingLines(res))
}

// The default response-time budget is the mock's against the embedded
// mock or anything on loopback, the remote one against any other host.
func TestBudgetByTarget(t *testing.T) {
	remote, err := target.Remote("https://staging.example.com/v2", time.Second)
	require.NoError(t, err)
	loopback, err := target.Remote("http://127.0.0.1:8080", time.Second)
	require.NoError(t, err)
	require.Equal(t, runner.DefaultMaxResponseTime, runner.Budget(mockTarget(t, "", 0)))
	require.Equal(t, runner.DefaultMaxResponseTime, runner.Budget(loopback))
	require.Equal(t, runner.DefaultRemoteMaxResponseTime, runner.Budget(remote))
}
