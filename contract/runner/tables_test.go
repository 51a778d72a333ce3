package runner_test

import (
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/addons-contract/contract/contract"
	"github.com/addons-contract/contract/contract/suite"
	"github.com/addons-contract/contract/fixtures"
	"github.com/addons-contract/contract/gen"
	"github.com/addons-contract/contract/spec"
	"github.com/stretchr/testify/require"
)

// orderTables matches the x-check-order list and the placement that
// refers to it, to cut them out of the spec.
var orderTables = regexp.MustCompile(`(?m)^      x-check-(order|placement):\n(        .*\n)+`)

// specVariant loads the spec in three forms: ours ("full"), ours without
// x-check-order ("no-order") and the vendor's plain document ("plain").
func specVariant(t *testing.T, name string) (*spec.Document, *spec.Operation) {
	t.Helper()
	var doc *spec.Document
	var err error
	switch name {
	case "full":
		doc, _, _ = addons(t)
	case "no-order":
		data, rerr := os.ReadFile(filepath.Join("..", "..", "spec", "addons.yaml"))
		require.NoError(t, rerr)
		doc, err = spec.Parse("no-order.yaml", orderTables.ReplaceAll(data, nil))
	case "plain":
		doc, err = spec.Load(filepath.Join("..", "..", "spec", "testdata", "diff", "plain.yaml"))
	}
	require.NoError(t, err)
	op, err := doc.Operation(spec.AddonsOperationID)
	require.NoError(t, err)
	return doc, op
}

// The suite leaves out the scenario groups made of a table the spec lacks
// and says how many cases each would have had; no scenario left in expects
// a row of a matrix the spec does not have.
func TestSuiteLeavesOutWhatMissingTablesMake(t *testing.T) {
	for _, tc := range []struct {
		spec    string
		absent  []string // scenario id prefixes not built
		present []string
		left    []string // contract.Suite.Left reasons
	}{
		{"full", nil, []string{"matrix/", "precedence/", "boundary/", "rules/", "success/plan/"}, nil},
		// The precedence pairs are the order's own: none to count.
		{"no-order", []string{"precedence/"}, []string{"matrix/", "boundary/", "rules/", "success/plan/"}, nil},
		{"plain", []string{"matrix/", "precedence/", "boundary/", "rules/", "success/plan/"}, []string{"success/page-example", "route/", "method/"},
			[]string{"matrix scenarios need x-error-codes, which the spec lacks", "boundary scenarios need x-error-codes, which the spec lacks",
				"rule scenarios need x-error-codes, which the spec lacks"}},
	} {
		t.Run(tc.spec, func(t *testing.T) {
			_, op := specVariant(t, tc.spec)
			g, err := gen.New(op, gen.Options{})
			require.NoError(t, err)
			s, err := suite.Build(op, fixtures.Default(), g, 1, 4, 26)
			require.NoError(t, err)
			has := func(prefix string) bool {
				return slices.ContainsFunc(s.Scenarios, func(c *contract.Case) bool { return strings.HasPrefix(c.ID, prefix) })
			}
			for _, p := range tc.absent {
				require.False(t, has(p), "%s scenarios built without their table", p)
			}
			for _, p := range tc.present {
				require.True(t, has(p), "%s scenarios missing", p)
			}
			var reasons []string
			for _, l := range s.Left {
				require.Positive(t, l.Count, l.Reason)
				reasons = append(reasons, l.Reason)
			}
			require.Equal(t, tc.left, reasons)
			if len(op.Errors) == 0 {
				for _, c := range s.Scenarios {
					require.Empty(t, c.Expect.Row, "scenario %s expects a row of a matrix the spec lacks", c.ID)
				}
			}
		})
	}
}

// A check is off when the spec lacks a table it declares it needs: it does
// not run, and the run says so and is not a PASS; the others still run.
func TestChecksOffForWantOfTheirTables(t *testing.T) {
	doc, op := specVariant(t, "no-order")
	v, err := doc.Validator()
	require.NoError(t, err)
	cfg := smallConfig(t, mockTarget(t, "", 0))
	cfg.Op, cfg.Validator = op, v
	cfg.Sequences = -1
	res := run(t, cfg)
	require.Empty(t, res.Findings, findingLines(res))
	require.Equal(t, "INCONCLUSIVE", res.Verdict())
	require.Equal(t, []string{"check error-row off: it needs x-check-order, which the spec lacks (leave it out with -skip-checks error-row)"}, res.Inconclusive)
	require.NotContains(t, res.Checks, contract.CheckErrorRow)
	require.Contains(t, res.Checks, contract.CheckValidAccepted, "the catalog is there")
	require.Contains(t, res.Checks, contract.CheckStateModel)

	cfg.SkipChecks = []string{contract.CheckErrorRow}
	res = run(t, cfg)
	require.Equal(t, "PASS", res.Verdict(), "left out, the check claims nothing: %v", res.Inconclusive)
}
