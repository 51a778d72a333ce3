package contract

import (
	"testing"

	"github.com/addons-contract/contract/fixtures"
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

// defaultSuite is the default suite of seed 1.
func defaultSuite(t *testing.T) (*spec.Operation, *Suite) {
	t.Helper()
	return suiteOf(t, fixtures.Default(), DefaultValid, DefaultInvalid)
}

// The shards of a suite together send every case once, each in the order
// of the whole suite, and no two shards share a state key: no plan code is
// added by two shards, and the unknown_user token's requests (which the
// mock's rate limit counts) are all in one.
func TestPartsSendEveryCaseOnceAndOwnTheirState(t *testing.T) {
	_, s := defaultSuite(t)
	all := s.All()
	for _, n := range []int{1, 2, 3, 5} {
		seen := map[*Case]int{}
		keyShard := map[string]int{}
		sizes := make([]int, n)
		unknownUser := map[int]bool{} // shards sending the unknown_user token
		for k := 1; k <= n; k++ {
			part, foreign := s.Part(Shard{k, n})
			if n == 1 {
				require.Nil(t, foreign, "the whole run has no foreign codes")
			}
			cases := part.All()
			sizes[k-1] = len(cases)
			last := -1
			for _, c := range cases {
				seen[c]++
				pos := indexOf(all, c)
				require.Greater(t, pos, last, "n=%d shard %d: %s out of suite order", n, k, c.ID)
				last = pos
				if c.Req.Token == TokenUnknownUser {
					unknownUser[k] = true
				}
				for _, key := range stateKeys(c) {
					if prev, ok := keyShard[key]; ok {
						require.Equal(t, prev, k, "n=%d: state %s in shards %d and %d", n, key, prev, k)
					}
					keyShard[key] = k
				}
				if n > 1 {
					for _, a := range c.Adds {
						if c.Writes {
							require.False(t, foreign(a.Code), "n=%d shard %d writes %s, which it does not own", n, k, a.Code)
						}
					}
				}
			}
		}
		require.Len(t, unknownUser, 1, "n=%d: the unknown_user token's requests in one shard", n)
		require.Len(t, seen, len(all), "n=%d: every case is in some shard", n)
		for c, times := range seen {
			require.Equal(t, 1, times, "n=%d: %s sent %d times", n, c.ID, times)
		}
		for k, size := range sizes {
			require.Greater(t, size, len(all)/(2*n), "n=%d: shard %d gets a fair part (%v)", n, k+1, sizes)
		}
	}
}

func indexOf(all []*Case, c *Case) int {
	for i, x := range all {
		if x == c {
			return i
		}
	}
	return -1
}

// Every shard of three adds plans, so each can show its own 201.
func TestEveryShardWrites(t *testing.T) {
	_, s := defaultSuite(t)
	for k := 1; k <= 3; k++ {
		part, _ := s.Part(Shard{k, 3})
		writes := 0
		for _, c := range part.All() {
			if c.Writes {
				writes++
			}
		}
		require.Positive(t, writes, "shard %d/3", k)
	}
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
