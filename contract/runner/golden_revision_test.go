package runner_test

import (
	"testing"

	"github.com/addons-contract/contract/contract"
	"github.com/addons-contract/contract/golden"
	"github.com/stretchr/testify/require"
)

// scenariosOnly is a run of the scenarios alone, judged by the golden check.
func scenariosOnly(t *testing.T, fault string, set *golden.Set, update bool) *contract.Result {
	t.Helper()
	cfg := smallConfig(t, mockTarget(t, fault, 0))
	cfg.Valid, cfg.Invalid, cfg.Sequences = -1, -1, -1
	cfg.Checks = []string{contract.CheckGolden}
	cfg.With = append(cfg.With, contract.Golden(set, nil, update))
	return run(t, cfg)
}

// restamp rewrites every file of set as recorded against spec revision rev.
func restamp(t *testing.T, set golden.Set, rev string) {
	t.Helper()
	names, err := set.Names()
	require.NoError(t, err)
	for _, n := range names {
		e, err := set.Load(n)
		require.NoError(t, err)
		e.Spec = rev
		require.NoError(t, set.Write(n, e))
	}
}

// -update records the spec revision in every golden file; an answer that
// differs from a file recorded against another revision is no finding but
// keeps the run from a PASS, naming the file and both revisions; a file
// of this revision, or of none, still fails as before.
func TestGoldenFilesKnowTheirSpecRevision(t *testing.T) {
	_, op, _ := addons(t)
	set := golden.Open(t.TempDir())
	res := scenariosOnly(t, "", &set, true)
	require.Equal(t, op.Revision, res.Spec)
	names, err := set.Names()
	require.NoError(t, err)
	require.NotEmpty(t, names)
	for _, n := range names {
		e, err := set.Load(n)
		require.NoError(t, err)
		require.Equal(t, op.Revision, e.Spec, "golden %s records the revision it was recorded against", n)
	}

	const other = "0123456789ab"
	stale := "golden success/page-example recorded against spec " + other + ", the run uses " + op.Revision +
		": re-record with -update (docs/SPEC-CHANGES.md)"
	for _, tc := range []struct {
		name, rev, fault string
		verdict          string
		finding          bool   // the page example's golden diff is a finding
		note             string // among the inconclusive lines
	}{
		{"this revision, same answers", op.Revision, "", "PASS", false, ""},
		{"this revision, drifted", op.Revision, "golden-drift", "FAIL", true, ""},
		{"no revision, drifted", "", "golden-drift", "FAIL", true, ""},
		{"another revision, same answers", other, "", "PASS", false, ""},
		{"another revision, drifted", other, "golden-drift", "INCONCLUSIVE", false, stale},
	} {
		t.Run(tc.name, func(t *testing.T) {
			restamp(t, set, tc.rev)
			res := scenariosOnly(t, tc.fault, &set, false)
			require.Equal(t, tc.verdict, res.Verdict(), findingLines(res))
			found := false
			for _, f := range res.Findings {
				found = found || f.Row == "success/page-example"
			}
			require.Equal(t, tc.finding, found, findingLines(res))
			if tc.note != "" {
				require.Contains(t, res.Inconclusive, tc.note)
			}
		})
	}
}

// A check's settings travel in its value: runner.Config.With puts the
// built value in place of the registered one, a check without its settings
// (Traits.Idle) is left out, and one golden value serves many runs, each
// starting with an empty record (what one run found stale is not carried
// into the next).
func TestChecksTakeTheirSettingsFromWith(t *testing.T) {
	_, op, _ := addons(t)
	cfg := smallConfig(t, mockTarget(t, "golden-drift", 0))
	cfg.Valid, cfg.Invalid, cfg.Sequences = -1, -1, -1
	cfg.MaxRequests = 3 // the checks a run applies are chosen before it sends
	res := run(t, cfg)
	require.NotContains(t, res.Checks, contract.CheckGolden, "no golden set, no golden check")
	require.Contains(t, res.Checks, contract.CheckResponseTime)

	cfg.With = []contract.Check{contract.ResponseTime(0)}
	res = run(t, cfg)
	require.NotContains(t, res.Checks, contract.CheckResponseTime, "no budget, no response-time check")
	cfg.MaxRequests = 0

	set := golden.Open(t.TempDir())
	scenariosOnly(t, "", &set, true)
	restamp(t, set, "0123456789ab")
	cfg.With = []contract.Check{contract.Golden(&set, nil, false)}
	first := run(t, cfg)
	require.Contains(t, first.Checks, contract.CheckGolden)
	require.Equal(t, "INCONCLUSIVE", first.Verdict(), findingLines(first))
	second := run(t, cfg)
	require.Equal(t, first.Inconclusive, second.Inconclusive, "the second run with the same value reports its own stale files only")
	require.Equal(t, op.Revision, second.Spec)
}
