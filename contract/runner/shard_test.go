package runner

import (
	"testing"

	"github.com/addons-contract/contract/contract"
	"github.com/stretchr/testify/require"
)

func TestSequencesAreDealtRound(t *testing.T) {
	var owners []int
	for seq := 1; seq <= 7; seq++ {
		for k := 1; k <= 3; k++ {
			if ownsSequence(contract.Shard{K: k, N: 3}, seq) {
				owners = append(owners, k)
			}
		}
		require.True(t, ownsSequence(contract.Shard{}, seq))
	}
	require.Equal(t, []int{1, 2, 3, 1, 2, 3, 1}, owners, "each sequence in exactly one shard")
}
