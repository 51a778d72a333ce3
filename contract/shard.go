package contract

import (
	"fmt"
	"strconv"
	"strings"
)

// Shard names one part of a run split across CI runners: the K-th of N,
// counted from 1. The zero Shard is the whole run.
//
// Every shard builds the same seed's suite and sends its own part of it:
// together the N shards send every case of the unsharded suite once. The
// cases that read or change the same server state stay in one shard, in
// suite order (see package runner), so each shard owns a disjoint part of the
// write space: the plan codes it adds, on every account. A stateful
// sequence runs whole in one shard.
type Shard struct{ K, N int }

// ParseShard reads "k/n", 1 ≤ k ≤ n.
func ParseShard(s string) (Shard, error) {
	ks, ns, ok := strings.Cut(s, "/")
	k, kerr := strconv.Atoi(ks)
	n, nerr := strconv.Atoi(ns)
	if !ok || kerr != nil || nerr != nil {
		return Shard{}, fmt.Errorf("shard %q: want k/n, such as 2/3", s)
	}
	if n < 1 || k < 1 || k > n {
		return Shard{}, fmt.Errorf("shard %q: want 1 ≤ k ≤ n", s)
	}
	return Shard{K: k, N: n}, nil
}

// Whole reports whether s is the whole run (unsharded, or 1/1).
func (s Shard) Whole() bool { return s.N <= 1 }

// String is "k/n".
func (s Shard) String() string { return fmt.Sprintf("%d/%d", s.K, s.N) }
