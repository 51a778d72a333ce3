package corpus_test

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/addons-contract/contract/contract"
	"github.com/addons-contract/contract/contract/corpus"
	"github.com/addons-contract/contract/fixtures"
	"github.com/addons-contract/contract/internal/contracttest"
	"github.com/stretchr/testify/require"
)

// anyAnswer is a fuzz case the clean mock passes (account_missing is a
// row) and wrong-error-code fails (2002 is no row's code).
func anyAnswer() *contract.Case {
	return &contract.Case{ID: "hand/account-missing-any", Kind: contract.KindFuzz,
		Req:    contract.Request{Account: contract.AccountMissing, Token: contract.TokenMaster, ContentType: "application/json", Body: []byte(`{"type":"zwb_monthly","hosts":1}`)},
		Expect: contract.Expect{Any: true}}
}

// A saved entry records the spec revision of the run it came from, and
// reads it back; an entry saved before revisions were kept still loads.
func TestEntriesRecordTheirSpecRevision(t *testing.T) {
	_, op, _ := contracttest.Addons(t)
	res := &contract.Result{Target: "embedded mock", Spec: op.Revision, Findings: []contract.Finding{{
		Check: contract.CheckErrorRow, Row: "account_missing", Example: &contract.Exchange{Case: anyAnswer()},
		Failure: contract.Failure{Detail: "got 404/2002"}}}}
	dir := t.TempDir()
	saved, err := corpus.SaveFindings(dir, res, fixtures.Default().Secrets())
	require.NoError(t, err)
	require.Len(t, saved.Paths, 1)
	data, err := os.ReadFile(saved.Paths[0])
	require.NoError(t, err)
	require.Contains(t, string(data), `"spec": "`+op.Revision+`"`)

	old := filepath.Join("testdata", "good", "entries", "account-missing-any.json")
	entries, err := corpus.LoadCorpus(op, generator(t), []string{saved.Paths[0], old})
	require.NoError(t, err)
	require.Equal(t, op.Revision, entries[0].Spec)
	require.Empty(t, entries[1].Spec, "an entry without a revision loads without one")
}

// Replaying an entry saved against another spec revision says so, once
// per entry, whether it passes or fails; it is no failure by itself.
func TestReplayNamesStaleEntries(t *testing.T) {
	_, op, _ := contracttest.Addons(t)
	const other = "0123456789ab"
	for _, tc := range []struct {
		name, rev, fault string
		failed           int
		stale            bool
	}{
		{"no revision", "", "", 0, false},
		{"this revision", op.Revision, "", 0, false},
		{"another revision, passing", other, "", 0, true},
		{"another revision, failing", other, "wrong-error-code", 1, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e := &corpus.Entry{Case: anyAnswer(), Source: "corpus", Spec: tc.rev}
			e.Name = e.FileName()
			e.Path = filepath.Join(t.TempDir(), e.Name)
			require.NoError(t, corpus.WriteEntry(e))
			entries, err := corpus.LoadCorpus(op, generator(t), []string{e.Path})
			require.NoError(t, err)
			rr, err := corpus.Replay(context.Background(), replayConfig(t, contracttest.MockTarget(t, tc.fault, 0)), entries)
			require.NoError(t, err)
			require.Equal(t, tc.failed, rr.Failed())
			note := "saved against spec " + other + ", this replay uses " + op.Revision +
				": what it expects may be the old revision's; re-read it (docs/SPEC-CHANGES.md)"
			if !tc.stale {
				require.Empty(t, rr.Entries[0].Stale)
				require.Empty(t, rr.Result.Inconclusive)
				return
			}
			require.Equal(t, note, rr.Entries[0].Stale)
			require.Equal(t, []string{"corpus entry " + e.Path + ": " + note}, rr.Result.Inconclusive)
		})
	}
}
