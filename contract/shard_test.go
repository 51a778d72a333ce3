package contract

import (
	"testing"

	"github.com/addons-contract/contract/spec"
	"github.com/stretchr/testify/require"
)

func TestParseShard(t *testing.T) {
	tests := []struct {
		in   string
		want Shard
		err  string
	}{
		{"1/3", Shard{1, 3}, ""},
		{"3/3", Shard{3, 3}, ""},
		{"1/1", Shard{1, 1}, ""},
		{"0/3", Shard{}, "want 1 ≤ k ≤ n"},
		{"4/3", Shard{}, "want 1 ≤ k ≤ n"},
		{"1/0", Shard{}, "want 1 ≤ k ≤ n"},
		{"2", Shard{}, "want k/n"},
		{"a/b", Shard{}, "want k/n"},
		{"", Shard{}, "want k/n"},
	}
	for _, tc := range tests {
		got, err := ParseShard(tc.in)
		if tc.err != "" {
			require.ErrorContains(t, err, tc.err, tc.in)
			continue
		}
		require.NoError(t, err, tc.in)
		require.Equal(t, tc.want, got)
		require.Equal(t, tc.in, got.String())
	}
	require.True(t, Shard{}.Whole())
	require.True(t, Shard{1, 1}.Whole())
	require.False(t, Shard{1, 2}.Whole())
}

func TestSequencesAreDealtRound(t *testing.T) {
	var owners []int
	for seq := 1; seq <= 7; seq++ {
		for k := 1; k <= 3; k++ {
			if (Shard{k, 3}).ownsSequence(seq) {
				owners = append(owners, k)
			}
		}
		require.True(t, Shard{}.ownsSequence(seq))
	}
	require.Equal(t, []int{1, 2, 3, 1, 2, 3, 1}, owners, "each sequence in exactly one shard")
}

// dropPlans takes a code out at its catalog place, whatever the place's
// shape (an array item, an object, a bare code, nested), and prunes what
// that leaves empty; other plans stay.
func TestDropPlans(t *testing.T) {
	catalog := []spec.Plan{
		{Code: "zwb_monthly", Place: "plan_whiteboard"},
		{Code: "large500_monthly", Place: "plan_large_meeting[]"},
		{Code: "cmr_monthly_commitment_40", Place: "plan_recording"},
		{Code: "phone_payongo", Place: "plan_phone.plan_base"},
		{Code: "webinar500_monthly", Place: "plan_webinar[]"},
	}
	body := map[string]any{
		"plan_base":          map[string]any{"type": "yearly", "hosts": 20},
		"plan_whiteboard":    map[string]any{"type": "zwb_monthly", "hosts": 16},
		"plan_large_meeting": []any{map[string]any{"type": "large500_monthly", "hosts": 12}},
		"plan_recording":     "cmr_monthly_commitment_40",
		"plan_phone":         map[string]any{"plan_base": map[string]any{"type": "phone_payongo"}},
		"plan_webinar":       []any{map[string]any{"type": "webinar500_monthly", "hosts": 18}},
	}
	keep := map[string]bool{"webinar500_monthly": true}
	got := dropPlans(body, catalog, func(code string) bool { return !keep[code] })
	require.Equal(t, map[string]any{
		"plan_base":    map[string]any{"type": "yearly", "hosts": 20},
		"plan_webinar": []any{map[string]any{"type": "webinar500_monthly", "hosts": 18}},
	}, got)
	require.Contains(t, body, "plan_whiteboard", "the input is left as it was")
	require.Equal(t, body, dropPlans(body, catalog, func(string) bool { return false }))
}
