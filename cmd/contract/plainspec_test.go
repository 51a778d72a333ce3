package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"sort"
	"testing"

	"github.com/addons-contract/contract/golden"
	"github.com/addons-contract/contract/spec"
	"github.com/stretchr/testify/require"
)

// plainSpec is the vendor's kind of document: our operation without the x-
// tables (spec/testdata/diff/plain.yaml).
var plainSpec = filepath.Join("..", "..", "spec", "testdata", "diff", "plain.yaml")

// offLines are the checks a spec without any of our tables turns off.
var offLines = []string{
	"check error-row off: it needs x-error-codes and x-check-order, which the spec lacks (leave it out with -skip-checks error-row)",
	"check valid-accepted off: it needs x-plan-catalog, which the spec lacks (leave it out with -skip-checks valid-accepted)",
	"check state-model off: it needs x-error-codes and x-plan-catalog, which the spec lacks (leave it out with -skip-checks state-model)",
}

// verdictReport is what these tests read of a -json report.
type verdictReport struct {
	Verdict      string   `json:"verdict"`
	Checks       []string `json:"checks"`
	Inconclusive []string `json:"inconclusive"`
	Findings     []struct {
		Check string `json:"check"`
		Row   string `json:"row"`
	} `json:"findings"`
	Skipped []struct {
		Reason string `json:"reason"`
	} `json:"skipped"`
}

// run -spec with the vendor's plain document judges the embedded mock (which
// keeps our spec) by the schemas alone: the checks that need a table are
// off and say so, a PASS is only claimed once they are left out, and a
// fault the schemas see is still found. The vendor's document documents
// neither 405, 413 nor 415, which the mock answers (our x-assumptions):
// status-documented says so.
func TestRunPlainVendorSpec(t *testing.T) {
	const schemaOnly = "status-documented,error-row,valid-accepted,state-model"
	for _, tc := range []struct {
		name     string
		flags    []string
		code     int
		verdict  string
		findings []string // check/row, sorted
		off      []string
	}{
		{"every check", nil, exitFindings, "FAIL",
			[]string{"status-documented/405", "status-documented/413", "status-documented/415"}, offLines},
		{"without status-documented", []string{"-skip-checks", "status-documented"}, exitFindings, "INCONCLUSIVE", nil, offLines},
		{"the checks the schemas support", []string{"-skip-checks", schemaOnly}, exitPass, "PASS", nil, nil},
		// The fault changes the page example's golden answer too, but the
		// file was recorded against our spec: stale, so no finding.
		{"a response-schema fault", []string{"-skip-checks", schemaOnly, "-fault", "hosts-string"}, exitFindings, "FAIL",
			[]string{"response-schema/2xx type hosts"}, []string{staleLine(t, "success/page-example")}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			out := filepath.Join(t.TempDir(), "report.json")
			code, stdout, stderr := runCLI(t, args(append([]string{"-spec", plainSpec, "-json", out}, tc.flags...)...)...)
			require.Equal(t, tc.code, code, "stdout:\n%s\nstderr:\n%s", stdout, stderr)
			require.Contains(t, stdout, " (serving the embedded spec: plain.yaml lacks x-error-codes, x-plan-catalog, x-check-order), seed")
			data, err := os.ReadFile(out)
			require.NoError(t, err)
			var rep verdictReport
			require.NoError(t, json.Unmarshal(data, &rep))
			if require.Equal(t, tc.verdict, rep.Verdict); tc.off == nil {
				require.Empty(t, rep.Inconclusive)
			} else {
				require.Equal(t, tc.off, rep.Inconclusive)
			}
			for _, line := range tc.off {
				require.Contains(t, stdout, "  - "+line+"\n", "the console lists the checks off, whatever the verdict")
			}
			var got []string
			for _, f := range rep.Findings {
				got = append(got, f.Check+"/"+f.Row)
			}
			sort.Strings(got)
			require.Equal(t, tc.findings, got)
			require.NotContains(t, rep.Checks, "error-row", "an off check does not show as run")
			var skipped []string
			for _, s := range rep.Skipped {
				skipped = append(skipped, s.Reason)
			}
			require.Contains(t, skipped, "matrix scenarios need x-error-codes, which the spec lacks")
			require.Contains(t, skipped, "stateful sequences need x-error-codes and x-plan-catalog, which the spec lacks")
		})
	}
}

// staleLine is what a run with the plain spec says of the embedded golden
// file name when the answer differs from it.
func staleLine(t *testing.T, name string) string {
	t.Helper()
	want, err := golden.Default().Load(name)
	require.NoError(t, err)
	doc, err := spec.Load(plainSpec)
	require.NoError(t, err)
	return "golden " + name + " recorded against spec " + want.Spec + ", the run uses " + doc.Hash() + ": re-record with -update (docs/SPEC-CHANGES.md)"
}
