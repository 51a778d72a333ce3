package corpus_test

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/addons-contract/contract/contract"
	"github.com/addons-contract/contract/contract/corpus"
	"github.com/addons-contract/contract/fixtures"
	"github.com/addons-contract/contract/gen"
	"github.com/addons-contract/contract/internal/contracttest"
	"github.com/google/go-cmp/cmp"
	"github.com/stretchr/testify/require"
)

// generator is the generator the runner and the fuzz targets use.
func generator(t testing.TB) *gen.Generator {
	t.Helper()
	_, op, _ := contracttest.Addons(t)
	g, err := gen.New(op, gen.Options{})
	require.NoError(t, err)
	return g
}

// faultResult runs a small suite against the mock with fault, which must
// yield findings.
func faultResult(t *testing.T, fault string) *contract.Result {
	t.Helper()
	cfg := contracttest.SmallConfig(t, contracttest.MockTarget(t, fault, 0))
	cfg.Shrink = true
	res := contracttest.Run(t, cfg)
	require.NotEmpty(t, res.Findings, "fault %s found nothing", fault)
	return res
}

// dirFiles maps each file name in dir to its bytes.
func dirFiles(t *testing.T, dir string) map[string][]byte {
	t.Helper()
	out := map[string][]byte{}
	ents, err := os.ReadDir(dir)
	require.NoError(t, err)
	for _, e := range ents {
		data, err := os.ReadFile(filepath.Join(dir, e.Name()))
		require.NoError(t, err)
		out[e.Name()] = data
	}
	return out
}

// Saving the same run twice writes the same names and bytes (a committed
// corpus does not churn), the names say check and row, no fixture token
// is written, and every file decodes back to the case that failed.
func TestSaveFindingsStableAndSecretFree(t *testing.T) {
	res := faultResult(t, "unfilled-message")
	secrets := fixtures.Default().Secrets()
	d1, d2 := t.TempDir(), t.TempDir()
	s1, err := corpus.SaveFindings(d1, res, secrets)
	require.NoError(t, err)
	s2, err := corpus.SaveFindings(d2, res, secrets)
	require.NoError(t, err)
	require.NotEmpty(t, s1.Paths)
	require.Equal(t, len(s1.Paths), len(s2.Paths))
	require.Equal(t, len(s1.Paths)+len(s1.NotSaved), len(res.Findings), "every finding is saved or said not to be")

	f1, f2 := dirFiles(t, d1), dirFiles(t, d2)
	if diff := cmp.Diff(f1, f2); diff != "" {
		t.Fatalf("two saves of one result differ (-first +second):\n%s", diff)
	}
	// A second run with the same seed finds the same cases: same names.
	s3, err := corpus.SaveFindings(t.TempDir(), faultResult(t, "unfilled-message"), secrets)
	require.NoError(t, err)
	base := func(ps []string) []string {
		var out []string
		for _, p := range ps {
			out = append(out, filepath.Base(p))
		}
		sort.Strings(out)
		return out
	}
	require.Equal(t, base(s1.Paths), base(s3.Paths), "names are stable across runs of one seed")

	byName := map[string]*contract.Finding{}
	for i := range res.Findings {
		f := &res.Findings[i]
		if e, _ := corpus.EntryOf(res, f); e != nil {
			byName[e.FileName()] = f
		}
	}
	for name, data := range f1 {
		for _, s := range secrets {
			require.NotContains(t, string(data), s, "%s holds a fixture token", name)
		}
		require.Regexp(t, `^[a-z-]+__[A-Za-z0-9._-]+__[0-9a-f]{12}\.json$`, name)
		e, err := corpus.DecodeEntry(name, data)
		require.NoError(t, err)
		f := byName[name]
		require.NotNil(t, f, "no finding named %s", name)
		require.True(t, strings.HasPrefix(name, f.Check+"__"), name)
		require.Equal(t, corpus.EntryFinding{Check: f.Check, Row: f.Row, Detail: f.Failure.Detail}, e.Finding)
		want := *f.Example.Case
		if diff := cmp.Diff(want, *e.Case); diff != "" {
			t.Errorf("%s does not decode to the failing case (-want +got):\n%s", name, diff)
		}
		again, err := e.Encode()
		require.NoError(t, err)
		require.Equal(t, string(data), string(again), "decode then encode changes %s", name)
	}
}

// Bodies survive a save byte for byte: text stays readable, other bytes go
// as base64, and the 1 MiB padding of an oversize body is kept as a count.
func TestEntryBodiesRoundTrip(t *testing.T) {
	tests := []struct {
		name, reason string
		body         []byte
		inFile       string // must appear in the file
	}{
		{"json", "readable in review", []byte(`{"type":"zwb_monthly","hosts":1,"x":"<&>"}`), `"body": "{\"type\":\"zwb_monthly\",\"hosts\":1,\"x\":\"<&>\"}"`},
		{"empty", "a missing body is a case too", nil, `"account": "paid"`},
		{"binary", "fuzzers send any bytes", []byte{0xff, 0xfe, '{', 0}, `"body_encoding": "base64"`},
		{"oversize", "a 1 MiB file would bloat the corpus", append([]byte(`{"hosts":1}`), bytes.Repeat([]byte(" "), 1<<20)...), `"count": 1048576`},
		{"short run", "runs under 256 bytes stay inline", append([]byte(`{}`), bytes.Repeat([]byte(" "), 100)...), `"body": "{}    `},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			e := &corpus.Entry{Case: &contract.Case{ID: "x", Kind: contract.KindFuzz, Expect: contract.Expect{Any: true},
				Req: contract.Request{Account: contract.AccountPaid, Token: contract.TokenMaster, Body: tc.body}}}
			data, err := e.Encode()
			require.NoError(t, err)
			require.Contains(t, string(data), tc.inFile, tc.reason)
			require.Less(t, len(data), 4096, tc.reason)
			back, err := corpus.DecodeEntry("x.json", data)
			require.NoError(t, err)
			require.True(t, bytes.Equal(tc.body, back.Case.Req.Body), "body changed: %q", back.Case.Req.Body)
		})
	}
}

// Every bad corpus file is one error line naming the file and what is wrong.
func TestLoadCorpusErrors(t *testing.T) {
	_, op, _ := contracttest.Addons(t)
	g := generator(t)
	dir := filepath.Join("testdata", "bad")
	tests := []struct {
		file, reason, want string
	}{
		{"truncated.json", "a cut-off write", "not a corpus entry: unexpected EOF"},
		{"wrong-format.json", "a future format is refused, not guessed", `format "addons-contract-corpus/2", want "addons-contract-corpus/1"`},
		{"unknown-key.json", "typos are caught", `unknown field "bodyy"`},
		{"account-not-a-role.json", "entries hold roles, not a target's ids", `request account "sub-paid-0001": want paid, free`},
		{"bad-base64.json", "the flag promises base64", "request body is not base64"},
		{"unknown-kind.json", "kinds decide the checks", `case kind "guess"`},
		{"unknown-row.json", "a row the spec lacks would be a finding on every server", `case x expects row "self_paid", which the spec does not define`},
		{"FuzzNope/input", "the directory names the fuzz target", `unknown fuzz target "FuzzNope" (the directory name; known: FuzzHandler, FuzzRawRequest, FuzzStructured)`},
		{"FuzzRawRequest/wrong-types", "arguments are checked against the target", "FuzzRawRequest takes (byte, byte, string, []byte), the file holds (string, byte, string, []byte)"},
		{"FuzzRawRequest/byte-overflow", "a byte is one byte", `line 3 "byte(0x100)"`},
		{"FuzzStructured/bad-bool", "Go literals only", "bool takes true or false"},
		{"not-an-entry.txt", "named files must be entries", "neither a corpus entry (*.json) nor a Go fuzz input"},
		{"does-not-exist.json", "a typo in a path", "no such file or directory"},
	}
	for _, tc := range tests {
		t.Run(tc.file, func(t *testing.T) {
			path := filepath.Join(dir, tc.file)
			_, err := corpus.LoadCorpus(op, g, []string{path})
			require.Error(t, err, tc.reason)
			require.NotContains(t, err.Error(), "\n", "one line")
			require.Contains(t, err.Error(), path, "names the file")
			require.Contains(t, err.Error(), tc.want, tc.reason)
		})
	}
	_, err := corpus.LoadCorpus(op, g, []string{filepath.Join("testdata", "good", "entries", "README.md")})
	require.ErrorContains(t, err, "neither a corpus entry")
	_, err = corpus.LoadCorpus(op, g, []string{t.TempDir()})
	require.ErrorContains(t, err, "no corpus entries (*.json) or Go fuzz inputs in the directory")
}

// Go native fuzz inputs become the cases their fuzz targets send, with the
// shipped fixtures' values turned into roles; directories are walked in
// order, skipping hidden and foreign files.
func TestLoadCorpusNativeAndOurs(t *testing.T) {
	_, op, _ := contracttest.Addons(t)
	g := generator(t)
	entries, err := corpus.LoadCorpus(op, g, []string{filepath.Join("testdata", "good")})
	require.NoError(t, err)
	type got struct {
		Name, Source, ID       string
		Kind                   contract.Kind
		Req                    contract.Request
		Expect                 contract.Expect
		Writes                 bool
		Class, Layer           string
		Seed                   int64
		Index                  int
		BodyFromGenerator      bool
		HasSecretsInBodyOrAuth bool
	}
	var gots []got
	for _, e := range entries {
		c := e.Case
		x := got{Name: e.Name, Source: e.Source, ID: c.ID, Kind: c.Kind, Req: c.Req, Expect: c.Expect, Writes: c.Writes,
			Class: c.Class, Layer: c.Layer, Seed: c.Seed, Index: c.Index}
		if c.Seed != 0 {
			x.BodyFromGenerator = bytes.Equal(c.Req.Body, g.At(c.Seed, c.Index, c.Kind == contract.KindValid).Body)
			x.Req.Body, x.Req.ContentType = nil, ""
		}
		for _, s := range fixtures.Default().Secrets() {
			x.HasSecretsInBodyOrAuth = x.HasSecretsInBodyOrAuth || strings.Contains(c.Req.Auth+c.Req.Token, s)
		}
		gots = append(gots, x)
	}
	inv := g.At(7, 3, false)
	want := []got{
		{Name: "account-missing-any.json", Source: "corpus", ID: "hand/account-missing-any", Kind: contract.KindFuzz,
			Req:    contract.Request{Account: "missing", Token: "master", ContentType: "application/json", Body: []byte(`{"type":"zwb_monthly","hosts":1}`)},
			Expect: contract.Expect{Any: true}},
		{Name: "missing-volume", Source: "go-fuzz:FuzzHandler", ID: "fuzz/FuzzHandler/missing-volume", Kind: contract.KindFuzz,
			Req:    contract.Request{Account: "missing", Token: "volume_license", Auth: "bearer {token}", ContentType: "application/json", Body: []byte(`{"type":"zwb_monthly","hosts":1}`)},
			Expect: contract.Expect{Any: true}},
		{Name: "missing-account", Source: "go-fuzz:FuzzRawRequest", ID: "fuzz/FuzzRawRequest/missing-account", Kind: contract.KindFuzz,
			Req:    contract.Request{Account: "missing", Token: "master", ContentType: "application/json", Body: []byte(`{}`)},
			Expect: contract.Expect{Any: true}},
		{Name: "invalid-7-3", Source: "go-fuzz:FuzzStructured", ID: "fuzz/FuzzStructured/invalid-7-3", Kind: contract.KindInvalid,
			Req:    contract.Request{Account: "paid", Token: "master"},
			Expect: contract.Expect{Row: "invalid_body"}, Class: inv.Class, Layer: string(inv.Layer), Seed: 7, Index: 3, BodyFromGenerator: true},
	}
	if diff := cmp.Diff(want, gots); diff != "" {
		t.Fatalf("loaded entries (-want +got):\n%s", diff)
	}
}

// FuzzRawRequest's role tables (Decoder.RawRequest): the byte picks the role modulo the
// table, index 6 is the empty account id, and the master token on an
// account where adds succeed may write.
func TestNativeRawRequestRoles(t *testing.T) {
	_, op, _ := contracttest.Addons(t)
	tests := []struct {
		account, token byte
		wantAccount    string
		wantToken      string
		writes         bool
	}{
		{0, 0, "paid", "master", true},
		{1, 1, "free", "volume_license", false},
		{6, 2, "=", "unknown_user", false},
		{7, 3, "paid", "not-a-fixture-token", false},
		{13, 4, "=", "master", false},
		{4, 0, "has_addon", "master", true},
	}
	for _, tc := range tests {
		dir := filepath.Join(t.TempDir(), "FuzzRawRequest")
		require.NoError(t, os.MkdirAll(dir, 0o755))
		p := filepath.Join(dir, "in")
		data := "go test fuzz v1\nbyte(" + quoteByte(tc.account) + ")\nbyte(" + fmt.Sprint(tc.token) + ")\nstring(\"\")\n[]byte(\"\\xff\")\n"
		require.NoError(t, os.WriteFile(p, []byte(data), 0o644))
		es, err := corpus.LoadCorpus(op, nil, []string{p})
		require.NoError(t, err)
		c := es[0].Case
		require.Equal(t, tc.wantAccount, c.Req.Account)
		require.Equal(t, tc.wantToken, c.Req.Token)
		require.Equal(t, tc.writes, c.Writes)
		require.Equal(t, []byte{0xff}, c.Req.Body)
		require.Empty(t, c.Req.ContentType)
	}
}

func quoteByte(b byte) string { return fmt.Sprintf("'\\x%02x'", b) }

// Replay's shards together replay every entry once, in the order of the
// whole corpus.
func TestPartReplaysEveryEntryOnce(t *testing.T) {
	_, op, _ := contracttest.Addons(t)
	entries, err := corpus.LoadCorpus(op, generator(t), []string{filepath.Join("testdata", "good")})
	require.NoError(t, err)
	require.Greater(t, len(entries), 2)
	require.Equal(t, entries, corpus.Part(entries, contract.Shard{}))
	for _, n := range []int{2, 3} {
		var joined []*corpus.Entry
		for k := 1; k <= n; k++ {
			joined = append(joined, corpus.Part(entries, contract.Shard{K: k, N: n})...)
		}
		require.ElementsMatch(t, entries, joined, "n=%d: every entry once", n)
	}
}
