package suite

import (
	"testing"

	"github.com/addons-contract/contract/contract"
	"github.com/addons-contract/contract/contract/runner"
	"github.com/addons-contract/contract/fixtures"
	"github.com/stretchr/testify/require"
)

// keys are the plan codes whose holding c depends on: those a case that
// writes, or is judged by what is held, adds (on any account).
func keys(c *contract.Case) []string {
	var codes []string
	for _, a := range c.Adds {
		if c.Writes || c.Stateful {
			codes = append(codes, a.Code)
		}
	}
	return codes
}

// defaultSuite is the default suite of seed 1.
func defaultSuite(t *testing.T) *contract.Suite {
	t.Helper()
	_, s := suiteOf(t, fixtures.Default(), runner.DefaultValid, runner.DefaultInvalid)
	return s
}

// The shards of a suite together send every case once, each in the order
// of the whole suite, and no two shards share a state key: no plan code is
// added by two shards, and the unknown_user token's requests (which the
// mock's rate limit counts) are all in one.
func TestPartsSendEveryCaseOnceAndOwnTheirState(t *testing.T) {
	s := defaultSuite(t)
	all := s.All()
	for _, n := range []int{1, 2, 3, 5} {
		seen := map[*contract.Case]int{}
		keyShard := map[string]int{}
		sizes := make([]int, n)
		unknownUser := map[int]bool{} // shards sending the unknown_user token
		for k := 1; k <= n; k++ {
			part, foreign := runner.Part(s, contract.Shard{K: k, N: n})
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
				if c.Req.Token == contract.TokenUnknownUser {
					unknownUser[k] = true
				}
				for _, key := range keys(c) {
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

func indexOf(all []*contract.Case, c *contract.Case) int {
	for i, x := range all {
		if x == c {
			return i
		}
	}
	return -1
}

// Every shard of three adds plans, so each can show its own 201.
func TestEveryShardWrites(t *testing.T) {
	s := defaultSuite(t)
	for k := 1; k <= 3; k++ {
		part, _ := runner.Part(s, contract.Shard{K: k, N: 3})
		writes := 0
		for _, c := range part.All() {
			if c.Writes {
				writes++
			}
		}
		require.Positive(t, writes, "shard %d/3", k)
	}
}
