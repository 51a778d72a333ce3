package contract

import (
	"testing"

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
