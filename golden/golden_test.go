package golden

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/stretchr/testify/require"
)

// ids are the default fixture ids the mock uses, as the runner passes them.
var ids = map[string]string{
	"sub-missing-9999": "{accounts.missing}",
	"sub-paid-0001":    "{accounts.paid}",
	"sub-paid-00010":   "{accounts.other}",
}

func TestNormalize(t *testing.T) {
	tests := []struct {
		name   string
		reason string
		body   string
		mask   []string
		want   any
	}{
		{
			name:   "id inside a message",
			reason: "error messages embed the sub account id, which differs per target",
			body:   `{"code":2001,"message":"Account does not exist: sub-missing-9999."}`,
			want:   map[string]any{"code": json.Number("2001"), "message": "Account does not exist: {accounts.missing}."},
		},
		{
			name:   "longest id first",
			reason: "an id extending another must not become a placeholder plus a digit",
			body:   `["sub-paid-00010","sub-paid-0001","sub-paid-0001/sub-paid-00010"]`,
			want:   []any{"{accounts.other}", "{accounts.paid}", "{accounts.paid}/{accounts.other}"},
		},
		{
			name:   "object keys untouched",
			reason: "keys are schema names; rewriting them could merge two keys",
			body:   `{"sub-paid-0001":true}`,
			want:   map[string]any{"sub-paid-0001": true},
		},
		{
			name:   "masks nested fields and array items",
			reason: "server-chosen values (dates, generated codes) must not flake a golden",
			body:   `{"plan_base":{"type":"x","hosts":18},"plan_zoom_events":[{"type":"a","hosts":1},{"type":"b","hosts":2}],"next":"2024-01-01"}`,
			mask:   []string{"plan_base.hosts", "plan_zoom_events[].type", "next", "absent.field"},
			want: map[string]any{
				"plan_base":        map[string]any{"type": "x", "hosts": Masked},
				"plan_zoom_events": []any{map[string]any{"type": Masked, "hosts": json.Number("1")}, map[string]any{"type": Masked, "hosts": json.Number("2")}},
				"next":             Masked,
			},
		},
		{
			name:   "masks a whole array",
			reason: "a path may name an object or array, not only a leaf",
			body:   `{"a":[1,2],"b":{"c":1}}`,
			mask:   []string{"a", "b"},
			want:   map[string]any{"a": Masked, "b": Masked},
		},
		{
			name:   "top-level array items",
			reason: `"[]" is the path of a root array's items`,
			body:   `[{"id":1},{"id":2}]`,
			mask:   []string{"[].id"},
			want:   []any{map[string]any{"id": Masked}, map[string]any{"id": Masked}},
		},
		{
			name:   "numbers kept as written",
			reason: "18 and 18.0 are the same integer to a validator but a changed answer to a golden",
			body:   `{"a":18,"b":18.0,"c":1.8e1,"d":12345678901234567890}`,
			want:   map[string]any{"a": json.Number("18"), "b": json.Number("18.0"), "c": json.Number("1.8e1"), "d": json.Number("12345678901234567890")},
		},
		{
			name:   "non-JSON body",
			reason: "an HTML error page is stored as text, ids still replaced",
			body:   "<h1>no sub-missing-9999</h1>",
			want:   "<h1>no {accounts.missing}</h1>",
		},
		{
			name:   "trailing data is not JSON",
			reason: "two JSON values are one broken body, stored as the text",
			body:   `{"a":1} {"b":2}`,
			want:   `{"a":1} {"b":2}`,
		},
		{
			name:   "empty body",
			reason: "a 204 or HEAD answer has no body",
			body:   "",
			want:   "",
		},
		{
			name:   "scalar JSON",
			reason: "a body may be a bare JSON string",
			body:   `"sub-paid-0001"`,
			want:   "{accounts.paid}",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := Normalize([]byte(tt.body), ids, tt.mask)
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("Normalize(%q) mismatch (-want +got):\n%s\nreason: %s", tt.body, diff, tt.reason)
			}
		})
	}
}

func TestNormalizeIgnoresEmptyKey(t *testing.T) {
	got := Normalize([]byte(`"abc"`), map[string]string{"": "{x}"}, nil)
	if got != "abc" {
		t.Errorf(`Normalize with an empty replace key = %q, want "abc"`, got)
	}
}

// mapHeavy has enough keys at every level that an encoder iterating maps in
// Go's random order would almost surely differ between two runs.
func mapHeavy() Entry {
	inner := map[string]any{}
	for _, k := range strings.Split("q w e r t y u i o p a s d f g h j k l z x c v b n m", " ") {
		inner[k] = map[string]any{"n": json.Number("1.50"), "s": "<" + k + ">", "l": []any{k, true, nil}}
	}
	return Entry{Status: 201, ContentType: "application/json", Body: map[string]any{"z": inner, "a": inner, "m": 3.25}}
}

func TestEncodeStable(t *testing.T) {
	first := Encode(mapHeavy())
	for i := 0; i < 100; i++ {
		if got := Encode(mapHeavy()); !bytes.Equal(got, first) {
			t.Fatalf("Encode run %d differs from run 0:\n%s", i, cmp.Diff(string(first), string(got)))
		}
	}
	s := string(first)
	require.True(t, strings.HasSuffix(s, "}\n"), "no trailing newline")
	require.False(t, strings.HasSuffix(s, "\n\n"), "two trailing newlines")
	if !strings.Contains(s, `"s": "<q>"`) {
		t.Errorf("Encode escaped HTML characters or lost a value:\n%.300s", s)
	}
	if !strings.Contains(s, `"n": 1.50`) {
		t.Errorf("Encode changed the number 1.50:\n%.300s", s)
	}
	if ia, iz := strings.Index(s, `"a":`), strings.Index(s, `"z":`); ia < 0 || iz < ia {
		t.Errorf("keys not sorted: \"a\" at %d, \"z\" at %d", ia, iz)
	}
	if !strings.HasPrefix(s, "{\n  \"status\": 201,\n  \"content_type\": \"application/json\",\n  \"body\": {") {
		t.Errorf("Encode header layout changed:\n%.120s", s)
	}
}

func TestEncodeMatchesFile(t *testing.T) {
	// The testdata file was written by hand in the canonical layout; Encode
	// of what Load returns must reproduce it byte for byte, or -update would
	// rewrite every committed file.
	for _, name := range []string{"matrix/account_missing", "success/phone"} {
		want, err := os.ReadFile(filepath.Join("testdata", "set", filepath.FromSlash(name)+".json"))
		require.NoError(t, err)
		e, err := Open("testdata/set").Load(name)
		require.NoError(t, err)
		if got := Encode(e); !bytes.Equal(got, want) {
			t.Errorf("Encode(Load(%q)) mismatch (-want +got):\n%s", name, cmp.Diff(string(want), string(got)))
		}
	}
}

func TestEncodePanicsOnUnencodable(t *testing.T) {
	require.Panics(t, func() { Encode(Entry{Body: make(chan int)}) })
}

func TestCompare(t *testing.T) {
	set := Open("testdata/set")
	missing := Entry{Status: 404, ContentType: "application/json", Body: Normalize(
		[]byte(`{"code":2001,"message":"Account does not exist: sub-missing-9999."}`), ids, nil)}
	tests := []struct {
		name     string
		reason   string
		scenario string
		got      Entry
		wantDiff []string // substrings of the diff; nil = equal
	}{
		{
			name:     "equal after normalisation",
			reason:   "the normalised live answer equals the recorded one",
			scenario: "matrix/account_missing",
			got:      missing,
		},
		{
			name:     "go types compare as stored",
			reason:   "a float64 18 and the stored 18 are the same JSON",
			scenario: "success/phone",
			got: Entry{Status: 201, ContentType: "application/json", Body: map[string]any{
				"plan_base":        map[string]any{"hosts": 18.0, "type": Masked},
				"plan_zoom_events": []map[string]any{{"hosts": 1000, "type": "zoomevents1000_yearly"}},
			}},
		},
		{
			name:     "changed message",
			reason:   "the diff must name the field that changed",
			scenario: "matrix/account_missing",
			got: Entry{Status: 404, ContentType: "application/json", Body: map[string]any{
				"code": json.Number("2001"), "message": "Account not found.",
			}},
			wantDiff: []string{`"message"`, `-`, `Account does not exist: {accounts.missing}.`, `+`, `Account not found.`},
		},
		{
			name:     "number text changed",
			reason:   "18 becoming 18.0 is a change of the server's answer",
			scenario: "success/phone",
			got: Entry{Status: 201, ContentType: "application/json", Body: Normalize(
				[]byte(`{"plan_base":{"hosts":18.0,"type":"x"},"plan_zoom_events":[{"hosts":1000,"type":"zoomevents1000_yearly"}]}`),
				nil, []string{"plan_base.type"})},
			wantDiff: []string{`"hosts"`, `"18"`, `"18.0"`},
		},
		{
			name:     "status changed",
			reason:   "status and content type are part of the answer",
			scenario: "matrix/account_missing",
			got:      Entry{Status: 400, ContentType: "text/plain", Body: missing.Body},
			wantDiff: []string{"Status", "404", "400", "ContentType", "text/plain"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			diff, err := set.Compare(tt.scenario, tt.got)
			require.NoError(t, err)
			if tt.wantDiff == nil {
				if diff != "" {
					t.Errorf("Compare(%q) = diff, want equal (%s):\n%s", tt.scenario, tt.reason, diff)
				}
				return
			}
			for _, s := range tt.wantDiff {
				if !strings.Contains(diff, s) {
					t.Errorf("Compare(%q) diff lacks %q (%s):\n%s", tt.scenario, s, tt.reason, diff)
				}
			}
		})
	}
}

func TestCanonical(t *testing.T) {
	got, err := Canonical(Entry{Status: 201, Body: map[string]int{"hosts": 18}})
	require.NoError(t, err)
	if diff := cmp.Diff(Entry{Status: 201, Body: map[string]any{"hosts": json.Number("18")}}, got); diff != "" {
		t.Errorf("Canonical mismatch (-want +got):\n%s", diff)
	}
	_, err = Canonical(Entry{Body: func() {}})
	require.Error(t, err)
}

func TestLoadMissing(t *testing.T) {
	for _, set := range []Set{Open("testdata/set"), Open(filepath.Join(t.TempDir(), "none")), Default()} {
		_, err := set.Load("matrix/nope")
		require.Error(t, err)
		if !errors.Is(err, fs.ErrNotExist) {
			t.Errorf("%s: Load of a missing file: error %v does not wrap fs.ErrNotExist", set, err)
		}
		if !strings.Contains(err.Error(), "-update") {
			t.Errorf("%s: Load of a missing file: error %q does not say to run -update", set, err)
		}
		_, err = set.Compare("matrix/nope", Entry{})
		if !errors.Is(err, fs.ErrNotExist) {
			t.Errorf("%s: Compare of a missing file: error %v does not wrap fs.ErrNotExist", set, err)
		}
	}
}

func TestLoadRejectsBadFiles(t *testing.T) {
	tests := []struct{ name, content, want string }{
		{"unknown key", `{"status":200,"body":null,"extra":1}`, "unknown field"},
		{"trailing data", `{"status":200} {}`, "trailing data"},
		{"not JSON", `status: 200`, "invalid golden file"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			require.NoError(t, os.WriteFile(filepath.Join(dir, "x.json"), []byte(tt.content), 0o644))
			_, err := Open(dir).Load("x")
			require.Error(t, err)
			require.Contains(t, err.Error(), tt.want)
			require.Contains(t, err.Error(), "x.json")
		})
	}
}

func TestNames(t *testing.T) {
	names, err := Open("testdata/set").Names()
	require.NoError(t, err)
	if diff := cmp.Diff([]string{"matrix/account_missing", "success/phone"}, names); diff != "" {
		t.Errorf("Names() mismatch (-want +got):\n%s", diff)
	}
	names, err = Open(filepath.Join(t.TempDir(), "not-yet")).Names()
	require.NoError(t, err, "a set not recorded yet has no names, not an error")
	require.Empty(t, names)
	// The embedded set must list only golden files, never its README.
	names, err = Default().Names()
	require.NoError(t, err)
	for _, n := range names {
		require.NotContains(t, n, "README")
	}
}

func TestNameChecks(t *testing.T) {
	for _, name := range []string{"", "/abs", "a//b", "../up", "a/./b", "a/.hidden", `a\b`, "a b", "a:b", "é"} {
		err := Open(t.TempDir()).Write(name, Entry{})
		if err == nil {
			t.Errorf("Write(%q) succeeded, want a name error", name)
		}
		if _, err := Default().Load(name); err == nil || errors.Is(err, fs.ErrNotExist) {
			t.Errorf("Load(%q) error = %v, want a name error", name, err)
		}
	}
}

func TestWriteRoundTrip(t *testing.T) {
	dir := t.TempDir()
	set := Open(dir)
	e := Entry{Status: 400, ContentType: "application/json", Body: Normalize(
		[]byte(`{"code":300,"message":"hosts: must be >= 1","n":1.0}`), nil, nil)}
	require.NoError(t, set.Write("invalid/hosts_zero", e))
	data, err := os.ReadFile(filepath.Join(dir, "invalid", "hosts_zero.json"))
	require.NoError(t, err)
	if diff := cmp.Diff(string(Encode(e)), string(data)); diff != "" {
		t.Errorf("written file is not Encode(e) (-want +got):\n%s", diff)
	}
	info, err := os.Stat(filepath.Join(dir, "invalid", "hosts_zero.json"))
	require.NoError(t, err)
	if info.Mode().Perm() != 0o644 {
		t.Errorf("written file mode = %v, want 0644 (golden files are committed)", info.Mode().Perm())
	}
	diff, err := set.Compare("invalid/hosts_zero", e)
	require.NoError(t, err)
	if diff != "" {
		t.Errorf("Compare after Write = diff:\n%s", diff)
	}
	requireNoTemp(t, filepath.Join(dir, "invalid"))
}

func TestWriteEmbeddedIsReadOnly(t *testing.T) {
	err := Default().Write("x", Entry{})
	require.Error(t, err)
	require.Contains(t, err.Error(), "read-only")
}

func TestWriteFailureKeepsOldFile(t *testing.T) {
	dir := t.TempDir()
	set := Open(dir)
	old := Entry{Status: 201, ContentType: "application/json", Body: "old"}
	require.NoError(t, set.Write("s", old))
	oldBytes := Encode(old)

	t.Run("encoding fails", func(t *testing.T) {
		err := set.Write("s", Entry{Status: 201, Body: make(chan int)})
		require.Error(t, err)
		requireFile(t, filepath.Join(dir, "s.json"), oldBytes)
		requireNoTemp(t, dir)
	})
	t.Run("write fails midway", func(t *testing.T) {
		// Root ignores read-only directories, so the failure is injected:
		// half the new content reaches the temp file, then the write errors.
		boom := errors.New("disk full")
		err := writeAtomic(filepath.Join(dir, "s.json"), func(w io.Writer) error {
			if _, err := w.Write([]byte(`{"status": 5`)); err != nil {
				return err
			}
			return boom
		})
		require.ErrorIs(t, err, boom)
		requireFile(t, filepath.Join(dir, "s.json"), oldBytes)
		requireNoTemp(t, dir)
	})
	t.Run("directory missing", func(t *testing.T) {
		err := writeAtomic(filepath.Join(dir, "no", "such", "s.json"), func(w io.Writer) error { return nil })
		require.Error(t, err)
	})
}

func requireFile(t *testing.T, path string, want []byte) {
	t.Helper()
	got, err := os.ReadFile(path)
	require.NoError(t, err)
	if !bytes.Equal(got, want) {
		t.Fatalf("%s changed by a failed write (-want +got):\n%s", path, cmp.Diff(string(want), string(got)))
	}
}

func requireNoTemp(t *testing.T, dir string) {
	t.Helper()
	entries, err := os.ReadDir(dir)
	require.NoError(t, err)
	for _, e := range entries {
		if strings.Contains(e.Name(), ".tmp-") {
			t.Errorf("temporary file %s left in %s", e.Name(), dir)
		}
	}
}
