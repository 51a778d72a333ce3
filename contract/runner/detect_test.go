package runner_test

import (
	"flag"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/addons-contract/contract/contract"
	"github.com/addons-contract/contract/contract/runner"
	"github.com/addons-contract/contract/fixtures"
	"github.com/addons-contract/contract/golden"
	"github.com/addons-contract/contract/mock"
	"github.com/google/go-cmp/cmp"
	"github.com/stretchr/testify/require"
)

// make detect sets these: the fault matrix over many seeds, with the time
// to detection of every cell printed.
var (
	detect      = flag.Bool("detect", false, "run the fault matrix over -detect.seeds seeds and print the time to detection (make detect)")
	detectSeeds = flag.Int("detect.seeds", 10, "number of seeds (1..N) of -detect")
)

// detectBudget is the longest the default suite may take to catch a fault.
const detectBudget = 10 * time.Second

// matrixSeeds are the seeds of the fault matrix that make test runs: a
// few, so that a fault caught only by one seed's generated cases fails CI,
// and fixed, so that CI never depends on the CLI's time-based default seed.
// make detect runs ten.
var matrixSeeds = []int64{1, 2, 3}

// skipUnderRace skips a test that runs the default suite many times: the
// race detector makes each run 5-10 times slower and finds nothing there
// the runner's own tests under -race do not. make test runs these without
// -race.
func skipUnderRace(t *testing.T) {
	t.Helper()
	if raceDetector {
		t.Skip("runs the default suite many times; make test runs it without -race")
	}
}

// defaultRun is `contract run -seed SEED [-fault FAULT]`: the default suite
// against the embedded mock. The slow fault adds -fail-fast: it is caught by
// the first answer, but each of the suite's 1,400 answers is 3s late, so
// the full run would take some twenty minutes.
func defaultRun(t testing.TB, fault string, seed int64) runner.Config {
	t.Helper()
	_, op, v := addons(t)
	cfg := runner.DefaultConfig(op, v, fixtures.Default(), mockTarget(t, fault, 0), seed)
	cfg.FailFast = fault == "slow"
	return cfg
}

// detection is when res first saw check fail.
func detection(res *contract.Result, check string) (contract.Detection, bool) {
	for _, d := range res.Detected {
		if d.Check == check {
			return d, true
		}
	}
	return contract.Detection{}, false
}

// The matrix is worth something only if it is wide: enough faults, and
// together they break every check the runner has.
func TestFaultsTouchEveryCheck(t *testing.T) {
	faults := mock.Faults()
	require.GreaterOrEqual(t, len(faults), 20, "at least 20 distinct faults")
	broken := map[string]bool{}
	names := map[string]bool{}
	for _, f := range faults {
		require.False(t, names[f.Name], "fault %s listed twice", f.Name)
		names[f.Name] = true
		broken[f.Breaks] = true
	}
	var got []string
	for id := range broken {
		got = append(got, id)
	}
	sort.Strings(got)
	want := append([]string(nil), contract.CheckIDs()...)
	sort.Strings(want)
	if d := cmp.Diff(want, got); d != "" {
		t.Fatalf("checks the faults break (-want every check +got):\n%s", d)
	}
	require.Greater(t, mock.DefaultSlowBy, runner.DefaultMaxResponseTime, "the slow fault's default delay must exceed the default budget")
}

// The default suite, exactly as `contract run` sends it, against the mock
// with each fault on: the run fails, and the check the fault breaks is
// among the findings (other checks may fail too: a fault can break more
// than one promise). Against the clean mock it passes with no finding.
func TestDefaultSuiteCatchesEveryFault(t *testing.T) {
	skipUnderRace(t)
	for _, seed := range matrixSeeds {
		t.Run(fmt.Sprintf("seed=%d", seed), func(t *testing.T) { catchesEveryFault(t, seed) })
	}
}

// catchesEveryFault is the matrix for one seed.
func catchesEveryFault(t *testing.T, seed int64) {
	t.Run("clean", func(t *testing.T) {
		res := run(t, defaultRun(t, "", seed))
		require.Empty(t, res.Findings, "false alarms against the clean mock:\n%s", findingLines(res))
		require.True(t, res.Passed())
		require.Empty(t, res.Detected)
	})
	for _, f := range mock.Faults() {
		t.Run(f.Name, func(t *testing.T) {
			res := run(t, defaultRun(t, f.Name, seed))
			require.False(t, res.Passed(), "fault %s (%s) went unnoticed", f.Name, f.Description)
			require.True(t, checksFound(res)[f.Breaks], "fault %s (%s) must be caught by %s; findings:\n%s", f.Name, f.Description, f.Breaks, findingLines(res))
			d, ok := detection(res, f.Breaks)
			require.True(t, ok, "a finding of %s has a detection", f.Breaks)
			require.Positive(t, d.Sent)
			require.LessOrEqual(t, d.Sent, res.Sent)
			require.Less(t, d.After, detectBudget, "caught after %d requests", d.Sent)
			require.Empty(t, res.Aborted, "a run that finds something is not aborted")
		})
	}
}

// -fail-fast stops sending at the first failure: the rest is skipped (and
// said so), the run fails with its finding, and is not aborted.
func TestFailFastStopsAtTheFirstFinding(t *testing.T) {
	cfg := smallConfig(t, mockTarget(t, "wrong-status", 0))
	cfg.FailFast = true
	res := run(t, cfg)
	require.False(t, res.Passed())
	require.Empty(t, res.Aborted)
	require.NotEmpty(t, res.Findings)
	require.Less(t, res.Sent, 40, "stopped within a few requests of the first failure")
	var skipped int
	for _, s := range res.Skipped {
		require.Contains(t, s.Reason, "-fail-fast")
		skipped += s.Count
	}
	require.Positive(t, skipped)
	require.True(t, checksFound(res)[contract.CheckErrorRow], findingLines(res))

	// A generated finding is still shrunk after sending stopped.
	cfg = smallConfig(t, mockTarget(t, "accept-unknown-property", 0))
	cfg.Valid, cfg.Sequences, cfg.FailFast, cfg.Shrink = -1, -1, true, true
	res = run(t, cfg)
	var shrunk bool
	for _, f := range res.Findings {
		shrunk = shrunk || f.Check == contract.CheckInvalidRejected && f.Shrunk != nil
	}
	require.True(t, shrunk, "the invalid-rejected finding is shrunk:\n%s", findingLines(res))
}

// Same seed, same result: five runs of the default suite with one seed
// give the same findings (shrunk examples, sequences and curl commands
// included) and write byte-identical golden files.
func TestFiveRunsOneSeedOneResult(t *testing.T) {
	skipUnderRace(t)
	for _, fault := range []string{"", "accept-unknown-property", "forget-state"} {
		t.Run("fault="+fault, func(t *testing.T) {
			var first any
			var firstDir string
			for i := 0; i < 5; i++ {
				dir := t.TempDir()
				set := golden.Open(dir)
				cfg := defaultRun(t, fault, 42)
				cfg.With = append(cfg.With, contract.Golden(&set, nil, true))
				res := run(t, cfg)
				if fault == "" {
					require.Empty(t, res.Findings, findingLines(res))
				} else {
					require.NotEmpty(t, res.Findings)
				}
				got := comparable(res)
				if i == 0 {
					first, firstDir = got, dir
					continue
				}
				if d := cmp.Diff(first, got); d != "" {
					t.Fatalf("run %d of seed 42 differs from run 1 (-run1 +run%d):\n%s", i+1, i+1, d)
				}
				if d := cmp.Diff(readTree(t, firstDir), readTree(t, dir)); d != "" {
					t.Fatalf("golden files of run %d differ from run 1 (-run1 +run%d):\n%s", i+1, i+1, d)
				}
			}
			require.GreaterOrEqual(t, len(readTree(t, firstDir)), 18, "the scenarios wrote their golden files")
		})
	}
}

// readTree is every file under dir by slash path, as text.
func readTree(t *testing.T, dir string) map[string]string {
	t.Helper()
	out := map[string]string{}
	err := filepath.WalkDir(dir, func(p string, e fs.DirEntry, err error) error {
		if err != nil || e.IsDir() {
			return err
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		rel, err := filepath.Rel(dir, p)
		out[filepath.ToSlash(rel)] = string(b)
		return err
	})
	require.NoError(t, err)
	return out
}

// TestDetectMatrix is make detect: every fault under -detect.seeds seeds,
// each the default suite. It fails when a seed misses a fault or takes
// detectBudget or more to catch it, and prints per fault how many requests
// and how long the suite took to catch it.
func TestDetectMatrix(t *testing.T) {
	if !*detect {
		t.Skip("a measurement: run with -detect (make detect)")
	}
	require.Positive(t, *detectSeeds)
	type cell struct {
		sent      int
		after, in time.Duration
	}
	faults := mock.Faults()
	cells := make([][]cell, len(faults))
	start := time.Now()
	for i, f := range faults {
		for seed := int64(1); seed <= int64(*detectSeeds); seed++ {
			res := run(t, defaultRun(t, f.Name, seed))
			d, ok := detection(res, f.Breaks)
			if !ok {
				t.Errorf("seed %d: fault %s not caught by %s; findings:\n%s", seed, f.Name, f.Breaks, findingLines(res))
				continue
			}
			if d.After >= detectBudget {
				t.Errorf("seed %d: fault %s caught after %v, budget %v", seed, f.Name, d.After, detectBudget)
			}
			cells[i] = append(cells[i], cell{d.Sent, d.After, res.Duration})
		}
	}
	var b strings.Builder
	fmt.Fprintf(&b, "fault matrix: %d faults x %d seeds, default suite, GOMAXPROCS=%d\n", len(faults), *detectSeeds, runtime.GOMAXPROCS(0))
	fmt.Fprintf(&b, "%-24s %-19s %5s  %-20s  %-15s  %s\n", "fault", "caught by", "seeds", "requests min/med/max", "seconds min/max", "run max")
	for i, f := range faults {
		cs := cells[i]
		if len(cs) == 0 {
			fmt.Fprintf(&b, "%-24s %-19s %2d/%-2d  never\n", f.Name, f.Breaks, 0, *detectSeeds)
			continue
		}
		sent := make([]int, len(cs))
		var lo, hi, run time.Duration = cs[0].after, 0, 0
		for j, c := range cs {
			sent[j] = c.sent
			lo, hi, run = min(lo, c.after), max(hi, c.after), max(run, c.in)
		}
		sort.Ints(sent)
		fmt.Fprintf(&b, "%-24s %-19s %2d/%-2d  %6d/%6d/%6d  %7.3f/%7.3f  %6.2fs\n",
			f.Name, f.Breaks, len(cs), *detectSeeds, sent[0], sent[len(sent)/2], sent[len(sent)-1], lo.Seconds(), hi.Seconds(), run.Seconds())
	}
	fmt.Fprintf(&b, "total %.1fs\n", time.Since(start).Seconds())
	fmt.Print(b.String())
}

// update rewrites the generated fault tables instead of comparing them.
var update = flag.Bool("update", false, "rewrite the generated fault tables of the docs")

// docPaths are the pages that show users what the tool is proven to catch.
var docPaths = []string{"../../README.md", "../../docs/DETECTION.md"}

// The fault table of the README and docs/DETECTION.md is generated from the
// mock's own list, so the pages cannot drift from what the matrix proves;
// -update rewrites it.
func TestDetectionDocListsEveryFault(t *testing.T) {
	const begin, end = "<!-- fault table: generated by TestDetectionDocListsEveryFault; go test ./contract/runner -run DetectionDoc -update -->\n", "<!-- end of fault table -->\n"
	want := faultTable()
	for _, docPath := range docPaths {
		data, err := os.ReadFile(docPath)
		require.NoError(t, err)
		doc := string(data)
		i, j := strings.Index(doc, begin), strings.Index(doc, end)
		require.True(t, i >= 0 && j > i, "%s must hold the markers %q and %q", docPath, begin, end)
		got := doc[i+len(begin) : j]
		if *update {
			require.NoError(t, os.WriteFile(docPath, []byte(doc[:i+len(begin)]+want+doc[j:]), 0o644))
			continue
		}
		if d := cmp.Diff(want, got); d != "" {
			t.Errorf("%s: the fault table is out of date; rerun with -update (-want +got):\n%s", docPath, d)
		}
	}
}

// faultTable is the Markdown of every fault and the check that catches it,
// then every check and the faults that break it.
func faultTable() string {
	cell := func(s string) string { return strings.ReplaceAll(s, "|", `\|`) }
	var b strings.Builder
	b.WriteString("| fault (`-fault NAME`) | what the mock then does wrong | caught by |\n| --- | --- | --- |\n")
	by := map[string][]string{}
	for _, f := range mock.Faults() {
		fmt.Fprintf(&b, "| `%s` | %s | `%s` |\n", f.Name, cell(f.Description), f.Breaks)
		by[f.Breaks] = append(by[f.Breaks], "`"+f.Name+"`")
	}
	b.WriteString("\n| check | faults it catches |\n| --- | --- |\n")
	for _, id := range contract.CheckIDs() {
		fmt.Fprintf(&b, "| `%s` | %s |\n", id, strings.Join(by[id], ", "))
	}
	return b.String()
}
