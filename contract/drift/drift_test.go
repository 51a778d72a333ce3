package drift_test

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"github.com/addons-contract/contract/contract"
	"github.com/addons-contract/contract/contract/drift"
	"github.com/addons-contract/contract/contract/target"
	"github.com/addons-contract/contract/fixtures"
	"github.com/addons-contract/contract/internal/contracttest"
	"github.com/addons-contract/contract/mock"
	"github.com/google/go-cmp/cmp"
	"github.com/stretchr/testify/require"
)

// side is the embedded mock with fault over fx.
func side(t *testing.T, fx fixtures.Fixtures, fault string) drift.Side {
	t.Helper()
	doc, _, _ := contracttest.Addons(t)
	tg, err := target.Embedded(func() (http.Handler, error) {
		return mock.New(mock.Config{Doc: doc, Fixtures: &fx, Fault: fault})
	})
	require.NoError(t, err)
	return drift.Side{Target: tg, Fixtures: fx, Name: "mock " + fault}
}

func compare(t *testing.T, a, b drift.Side) *drift.Report {
	t.Helper()
	_, op, v := contracttest.Addons(t)
	d, err := drift.Compare(context.Background(), drift.Config{Op: op, Validator: v, A: a, B: b, Seed: 5, Valid: 6, Invalid: 30})
	require.NoError(t, err)
	require.Greater(t, d.Compared, 50)
	return d
}

// otherFixtures are the shipped roles under other ids and tokens, as a
// staging server would have them.
func otherFixtures(t *testing.T) fixtures.Fixtures {
	t.Helper()
	data := fixtures.DefaultJSON()
	for _, r := range []struct{ old, new string }{
		{"sub-paid-0001", "stg-1111"}, {"sub-free-0002", "stg-2222"}, {"sub-selfpay-0003", "stg-3333"},
		{"sub-roomsbase-0004", "stg-4444"}, {"sub-hasaddon-0005", "stg-5555"}, {"sub-missing-9999", "stg-nobody"},
		{"mock-master-token", "stg-master-tok"}, {"mock-volume-license-token", "stg-vl-tok"}, {"mock-unknown-user-token", "stg-gone-tok"},
	} {
		require.Contains(t, string(data), r.old, "the shipped fixtures changed")
		data = bytes.ReplaceAll(data, []byte(r.old), []byte(r.new))
	}
	fx, err := fixtures.Parse("staging.json", data)
	require.NoError(t, err)
	return fx
}

// Two equal servers do not drift, even when their fixture ids and tokens
// differ: messages are compared with ids as placeholders.
func TestCompareNoDrift(t *testing.T) {
	tests := []struct {
		name, reason string
		b            fixtures.Fixtures
	}{
		{"same fixtures", "the mock is deterministic", fixtures.Default()},
		{"other ids", "Account does not exist: <id>. names each target's own id", otherFixtures(t)},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			d := compare(t, side(t, fixtures.Default(), ""), side(t, tc.b, ""))
			require.False(t, d.Drifted(), "%s: %+v", tc.reason, d.Cases)
			require.Empty(t, d.Skipped)
		})
	}
}

// A fault on either side is drift, seen from both directions with a and b
// swapped: the code of account_missing, the shape of a 201.
func TestCompareFaultBothDirections(t *testing.T) {
	tests := []struct {
		fault, reason string
		cas           string
		diff          drift.Difference // as a=clean, b=faulty
	}{
		{"wrong-error-code", "the error code", "matrix/account_missing", drift.Difference{Aspect: "code", A: "2001", B: "2002"}},
		{"hosts-string", "the body shape, not its values", "success/page-example", drift.Difference{Aspect: "shape $.plan_webinar[].hosts", A: "number", B: "string"}},
		{"wrong-message", "the message", "matrix/self_pay", drift.Difference{Aspect: "message", A: `"This sub account is on self pay mode."`}},
	}
	for _, tc := range tests {
		t.Run(tc.fault, func(t *testing.T) {
			clean, faulty := side(t, fixtures.Default(), ""), side(t, otherFixtures(t), tc.fault)
			for _, dir := range []string{"clean vs faulty", "faulty vs clean"} {
				a, b, want := clean, faulty, tc.diff
				if dir == "faulty vs clean" {
					a, b = faulty, clean
					want.A, want.B = want.B, want.A
				}
				d := compare(t, a, b)
				require.True(t, d.Drifted(), "%s: %s", dir, tc.reason)
				var got *drift.CaseDiff
				for i := range d.Cases {
					if d.Cases[i].Case == tc.cas {
						got = &d.Cases[i]
					}
				}
				require.NotNil(t, got, "%s: no drift at %s in %+v", dir, tc.cas, d.Cases)
				found := false
				for _, x := range got.Differences {
					if x.Aspect == want.Aspect && (want.A == "" || x.A == want.A) && (want.B == "" || x.B == want.B) {
						found = true
					}
				}
				require.True(t, found, "%s: want %+v in %+v", dir, want, got.Differences)
			}
		})
	}
}

// The text report has one line per drifting case and a verdict; the JSON
// report carries the same facts with arrays never null.
func TestDriftReports(t *testing.T) {
	d := &drift.Report{A: "embedded mock", B: "https://staging.example", Seed: 5, Compared: 3,
		Skipped: []contract.Skip{{Reason: "writes need -allow-writes (cases expected to change state)", Count: 7}},
		Cases: []drift.CaseDiff{{Case: "matrix/account_missing", Differences: []drift.Difference{
			{Aspect: "code", A: "2001", B: "2002"}, {Aspect: "shape $.extra", A: "-", B: "string"}}}}}
	var text bytes.Buffer
	require.NoError(t, d.WriteText(&text))
	want := `contract diff: a embedded mock, b https://staging.example, seed 5, 3 cases compared
skipped 7: writes need -allow-writes (cases expected to change state)
matrix/account_missing: code: a 2001, b 2002; shape $.extra: a -, b string
DRIFT: 1 of 3 cases answered differently
`
	if diff := cmp.Diff(want, text.String()); diff != "" {
		t.Fatalf("text report (-want +got):\n%s", diff)
	}
	var js bytes.Buffer
	require.NoError(t, d.WriteJSON(&js))
	var got map[string]any
	require.NoError(t, json.Unmarshal(js.Bytes(), &got))
	require.Equal(t, true, got["drifted"])
	require.Equal(t, "2002", got["cases"].([]any)[0].(map[string]any)["differences"].([]any)[0].(map[string]any)["b"])

	same := &drift.Report{A: "a", B: "b", Compared: 2}
	js.Reset()
	require.NoError(t, same.WriteJSON(&js))
	require.True(t, strings.Contains(js.String(), `"cases": []`) && strings.Contains(js.String(), `"skipped": []`), js.String())
}
