package spec

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/stretchr/testify/require"
)

// revisions memoises revision: parsing the contract takes a while under
// -race, and a Document is read-only once loaded.
var revisions sync.Map // name -> *Document

// revision applies testdata/diff/<name>.edit to the embedded addons.yaml.
// An edit replaces one block of the current contract, so the diff holds
// exactly that change whatever else the contract says by then.
func revision(t testing.TB, name string) *Document {
	t.Helper()
	if d, ok := revisions.Load(name); ok {
		return d.(*Document)
	}
	data, err := os.ReadFile(filepath.Join("testdata", "diff", name+".edit"))
	require.NoError(t, err)
	_, rest, _ := strings.Cut(string(data), "-- replace --\n")
	from, to, ok := strings.Cut(rest, "-- with --\n")
	if !ok || bytes.Count(addonsYAML, []byte(from)) != 1 {
		t.Fatalf("%s.edit: its replace block must occur once in spec/addons.yaml (update the edit)", name)
	}
	doc, err := Parse(name+".yaml", bytes.Replace(addonsYAML, []byte(from), []byte(to), 1))
	require.NoError(t, err)
	revisions.Store(name, doc)
	return doc
}

// diffTo compares the embedded contract with a revision of it.
func diffTo(t testing.TB, name string) *Changes {
	t.Helper()
	d, _ := addonsOp(t)
	ch, err := Diff(d, revision(t, name), AddonsOperationID)
	require.NoError(t, err)
	return ch
}

// changeBrief is what a test checks of a change.
type changeBrief struct {
	Area, Where, Kind, Property string
	Client, Server              bool
}

func changeBriefs(ch *Changes) []changeBrief {
	var out []changeBrief
	for _, c := range ch.Items {
		out = append(out, changeBrief{c.Area, c.Where, c.Kind, c.Property, c.Client, c.Server})
	}
	return out
}

func TestDiffRevisions(t *testing.T) {
	tests := []struct {
		name, reason        string
		want                []changeBrief
		rows, codes, layers []string
	}{
		{
			name:   "add-code",
			reason: "a new catalog code: a server must accept it, a client need not send it; the body check and the catalog classes change",
			want:   []changeBrief{{AreaCatalog, "catalog code webinar1000_monthly", Added, "code", false, true}},
			rows:   []string{"invalid_body"}, codes: []string{"webinar1000_monthly"}, layers: []string{"catalog"},
		},
		{
			name:   "remove-201-property",
			reason: "a 201 property gone from an open object: the server may send anything there now, which breaks a client that read it; the code placed there is touched",
			want:   []changeBrief{{AreaResponse, "201 body (PlanSet): plan_whiteboard.hosts", Removed, "properties", true, false}},
			codes:  []string{"zwb_monthly"},
		},
		{
			name:   "message",
			reason: "a reworded message: the suite (and so a server) must give the new text; a client keys on the code",
			want:   []changeBrief{{AreaErrors, "error row self_pay (400)", Modified, "message", false, true}},
			rows:   []string{"self_pay"},
		},
		{
			name:   "required-field",
			reason: "a new required field: bodies without it are rejected now (both break); declaring it in a closed object also widens what a server accepts",
			want: []changeBrief{
				{AreaRequest, "request body (AddonPlanForm): currency", Added, "properties", false, true},
				{AreaRequest, "request body (AddonPlanForm): currency", Added, "required", true, true},
			},
			rows: []string{"invalid_body"}, layers: []string{"schema"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ch := diffTo(t, tt.name)
			if diff := cmp.Diff(tt.want, changeBriefs(ch)); diff != "" {
				t.Errorf("%s: changes (-want +got):\n%s", tt.reason, diff)
			}
			require.Equal(t, tt.rows, ch.Rows(), "rows: %s", tt.reason)
			require.Equal(t, tt.codes, ch.Codes(), "codes: %s", tt.reason)
			require.Equal(t, tt.layers, ch.Layers(), "layers: %s", tt.reason)
			require.True(t, ch.Breaking())
			require.NotEqual(t, ch.Old.Hash, ch.New.Hash)
			for _, c := range ch.Items {
				require.NotZero(t, c.Line, "%s: every change names its line", c.Where)
			}
		})
	}
}

func TestDiffOfARevisionWithItselfIsEmpty(t *testing.T) {
	d, _ := addonsOp(t)
	ch, err := Diff(d, d, AddonsOperationID)
	require.NoError(t, err)
	require.Empty(t, ch.Items)
	require.False(t, ch.Breaking())
	require.Empty(t, ch.Added)
	require.Empty(t, ch.Removed)
}

func TestDiffNamesAMissingOperation(t *testing.T) {
	d, _ := addonsOp(t)
	pet := mustLoad(t, "testdata/petstore.yaml")
	_, err := Diff(pet, d, AddonsOperationID)
	require.ErrorContains(t, err, `petstore.yaml: no operation with operationId "accountPlanAddonCreate"`)
}

func TestDiffVendorDocumentListsWhatOursAdds(t *testing.T) {
	d, op := addonsOp(t)
	plain := mustLoad(t, "testdata/diff/plain.yaml")
	ch, err := Diff(plain, d, AddonsOperationID)
	require.NoError(t, err)
	require.Equal(t, []string{TableErrors, TableCatalog, TableCheckOrder}, ch.OldMissing)
	require.Empty(t, ch.NewMissing)
	require.Equal(t, op.Assumptions, ch.Added, "every note of ours is an addition to the vendor's document")
	count := map[string]int{}
	for _, c := range ch.Items {
		if c.Kind == Added {
			count[c.Area]++
		}
	}
	require.Equal(t, len(op.Errors), count[AreaErrors], "each row of the matrix is ours")
	// The catalog codes, plus the x-catalog rules that bind four fields to it.
	require.Equal(t, len(op.Catalog)+4, count[AreaCatalog])
	require.Equal(t, 1, count[AreaOrder])
	want := changeBrief{AreaRequest, "request body (AddonPlanForm): hosts", Added, "minimum", true, true}
	require.Contains(t, changeBriefs(ch), want, "the hosts bound is an assumption of ours: it narrows what the vendor accepts")
}

func TestKeywordEffect(t *testing.T) {
	tests := []struct {
		name, kw, kind, old, new string
		closed                   bool
		want                     effect
	}{
		{"a required member narrows", "required", Added, "", "currency", false, narrows},
		{"a member no longer required widens", "required", Removed, "currency", "", false, widens},
		{"a body made required narrows", "required", Modified, "false", "true", false, narrows},
		{"a member added to a closed object widens", "properties", Added, "", "x", true, widens},
		{"a member added to an open object documents", "properties", Added, "", "x", false, none},
		{"a member removed from a closed object narrows", "properties", Removed, "x", "", true, narrows},
		{"a member removed from an open object widens", "properties", Removed, "x", "", false, widens},
		{"an enum value added widens", "enum", Added, "", "a", false, widens},
		{"an enum value removed narrows", "enum", Removed, "a", "", false, narrows},
		{"a maximum lowered narrows", "maximum", Modified, "2147483647", "1000", false, narrows},
		{"a maximum raised widens", "maximum", Modified, "10", "20", false, widens},
		{"a minimum raised narrows", "minimum", Modified, "1", "2", false, narrows},
		{"a minLength dropped widens", "minLength", Removed, "1", "", false, widens},
		{"a type changed moves values both ways", "type", Modified, "number", "string", false, both},
		{"a format added narrows", "format", Added, "", "date", false, narrows},
		{"an x-catalog rule changed moves values both ways", "x-catalog", Modified, "addon", "plan_base", false, both},
		{"a description documents", "description", Modified, "a", "b", false, none},
		{"a note documents", "x-success-rule", Added, "", "b", false, none},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			require.Equal(t, tt.want, keywordEffect(tt.kw, tt.kind, tt.old, tt.new, tt.closed))
		})
	}
}

func TestClassifyBySide(t *testing.T) {
	tests := []struct {
		name           string
		area           string
		e              effect
		client, server bool
	}{
		{"requests narrowed break both", AreaRequest, narrows, true, true},
		{"requests widened break a server only", AreaRequest, widens, false, true},
		{"answers widened break a client only", AreaResponse, widens, true, false},
		{"answers narrowed break a server only", AreaResponse, narrows, false, true},
		{"documentation breaks nobody", AreaResponse, none, false, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, s, why := classify(tt.area, tt.e)
			require.Equal(t, []bool{tt.client, tt.server}, []bool{c, s})
			require.NotEmpty(t, why)
		})
	}
}
