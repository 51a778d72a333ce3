package golden

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/addons-contract/contract/spec"
	"github.com/stretchr/testify/require"
)

func TestSpecHashIsStoredAndIgnoredByCompare(t *testing.T) {
	s := Open(t.TempDir())
	e := Entry{Spec: "0123456789ab", Status: 400, ContentType: "application/json", Body: map[string]any{"code": 300}}
	require.NoError(t, s.Write("matrix/x", e))
	data, err := os.ReadFile(filepath.Join(s.Dir, "matrix", "x.json"))
	require.NoError(t, err)
	require.True(t, strings.HasPrefix(string(data), "{\n  \"spec\": \"0123456789ab\",\n"), "the hash leads the file, where a reviewer sees it: %s", data)
	got, err := s.Load("matrix/x")
	require.NoError(t, err)
	require.Equal(t, "0123456789ab", got.Spec)

	e.Spec = "ffffffffffff"
	diff, err := s.Compare("matrix/x", e)
	require.NoError(t, err)
	require.Empty(t, diff, "the same answer made against another revision is the same answer")
}

func TestFilesWithoutAHashStillLoad(t *testing.T) {
	e, err := Open("testdata/set").Load("matrix/account_missing")
	require.NoError(t, err)
	require.Empty(t, e.Spec)
	require.Equal(t, 404, e.Status)
}

func TestCheckSaysStale(t *testing.T) {
	answer := Entry{Status: 400, ContentType: "application/json", Body: map[string]any{"code": 300}}
	tests := []struct {
		name, file, run string
		stale           bool
	}{
		{"recorded against the run's revision", "aaaaaaaaaaaa", "aaaaaaaaaaaa", false},
		{"recorded against another revision", "aaaaaaaaaaaa", "bbbbbbbbbbbb", true},
		{"recorded before hashes: unknown, never stale", "", "bbbbbbbbbbbb", false},
		{"a run that does not say its revision", "aaaaaaaaaaaa", "", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := Open(t.TempDir())
			stored := answer
			stored.Spec = tt.file
			stored.Body = map[string]any{"code": 2100}
			require.NoError(t, s.Write("m", stored))
			v, err := s.Check("m", answer, tt.run)
			require.NoError(t, err)
			require.Equal(t, tt.stale, v.Stale)
			require.NotEmpty(t, v.Diff, "the bodies differ either way")
			require.Equal(t, tt.file, v.Want.Spec)
		})
	}
}

// reworded is the embedded contract with account_missing's message changed.
func reworded(t *testing.T) *spec.Changes {
	t.Helper()
	old, err := spec.Default()
	require.NoError(t, err)
	from := []byte(`message: "Account does not exist: {subAccountId}."`)
	require.Equal(t, 1, bytes.Count(old.Raw(), from), "the test's edit must match spec/addons.yaml")
	data := bytes.Replace(old.Raw(), from, []byte(`message: "No such account: {subAccountId}."`), 1)
	doc, err := spec.Parse("reworded.yaml", data)
	require.NoError(t, err)
	ch, err := spec.Diff(old, doc, spec.AddonsOperationID)
	require.NoError(t, err)
	return ch
}

func TestAffectedListsGoldensToRerecord(t *testing.T) {
	ch := reworded(t)
	hits, err := Open("testdata/set").Affected(ch)
	require.NoError(t, err)
	require.Len(t, hits, 1, "the 201 of success/phone does not answer the row")
	require.Equal(t, "matrix/account_missing", hits[0].Name)
	require.Contains(t, hits[0].String(), "answers row account_missing: error row account_missing (404) message modified")

	// A file recorded against the new revision already is current.
	s := Open(t.TempDir())
	e, err := Open("testdata/set").Load("matrix/account_missing")
	require.NoError(t, err)
	e.Spec = ch.New.Hash
	require.NoError(t, s.Write("matrix/account_missing", e))
	hits, err = s.Affected(ch)
	require.NoError(t, err)
	require.Empty(t, hits)
}
