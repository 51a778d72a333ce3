package runner

import (
	"strings"

	"github.com/addons-contract/contract/contract"
)

// ownsSequence reports whether the seq-th stateful sequence (from 1) is
// shard s's: sequences are dealt round the shards.
func ownsSequence(s contract.Shard, seq int) bool { return s.Whole() || (seq-1)%s.N == s.K-1 }

// stateKeys are the parts of the server's state that a case changes or
// that its expected answer depends on: the plan codes it adds (on any
// account, when it writes or the plan model predicts its answer), and the
// request count of the unknown_user token, which the mock's rate limit
// counts (contract/suite/rules.go). Cases sharing a key stay in one shard, in order.
func stateKeys(c *contract.Case) []string {
	var keys []string
	if c.Writes || c.Stateful {
		for _, a := range c.Adds {
			keys = append(keys, "plan:"+a.Code)
		}
	}
	if c.Req.Token == contract.TokenUnknownUser || c.Expect.LimitProbe {
		keys = append(keys, "token:"+contract.TokenUnknownUser)
	}
	return keys
}

// unitKeys are the state keys of a unit's cases.
func unitKeys(unit []*contract.Case) []string {
	var keys []string
	for _, c := range unit {
		keys = append(keys, stateKeys(c)...)
	}
	return keys
}

// Split deals units of cases (a suite's cases, or a corpus's entries)
// over n shards and returns the shard of each, from 0. Units joined by a
// state key form a group; groups go, in order of first appearance, to
// the shard with the fewest cases so far, then the units without state
// fill the shards up in order. The same units always split the same way,
// so every shard computes the same split.
func Split(units [][]*contract.Case, n int) []int {
	of := make([]int, len(units))
	if n <= 1 {
		return of
	}
	parent := make([]int, len(units)) // union-find over unit positions
	for i := range parent {
		parent[i] = i
	}
	var find func(int) int
	find = func(i int) int {
		if parent[i] != i {
			parent[i] = find(parent[i])
		}
		return parent[i]
	}
	keys := make([][]string, len(units))
	for i, u := range units {
		keys[i] = unitKeys(u)
	}
	firstWith := map[string]int{}
	for i := range units {
		for _, k := range keys[i] {
			if j, ok := firstWith[k]; ok {
				parent[find(i)] = find(j)
			} else {
				firstWith[k] = i
			}
		}
	}
	size := map[int]int{}
	var roots []int
	for i, u := range units {
		if len(keys[i]) == 0 {
			continue
		}
		r := find(i)
		if size[r] == 0 {
			roots = append(roots, r)
		}
		size[r] += len(u)
	}
	load := make([]int, n)
	shardOf := map[int]int{}
	for _, r := range roots {
		s := lightest(load)
		shardOf[r] = s
		load[s] += size[r]
	}
	for i, u := range units {
		if len(keys[i]) > 0 {
			of[i] = shardOf[find(i)]
			continue
		}
		of[i] = lightest(load)
		load[of[i]] += len(u)
	}
	return of
}

// lightest is the index of the smallest load, the first of equals.
func lightest(load []int) int {
	best := 0
	for i, l := range load {
		if l < load[best] {
			best = i
		}
	}
	return best
}

// Part returns the cases of s that shard sh sends, scenarios and cases
// each in their order, and a function reporting whether another shard
// owns a plan code (nil for the whole run). A code no case of the suite
// adds belongs to no shard.
func Part(s *contract.Suite, sh contract.Shard) (*contract.Suite, func(code string) bool) {
	if sh.Whole() {
		return s, nil
	}
	all := s.All()
	units := make([][]*contract.Case, len(all))
	for i, c := range all {
		units[i] = []*contract.Case{c}
	}
	of := Split(units, sh.N)
	owner := map[string]int{}
	out := &contract.Suite{}
	for i, c := range all {
		for _, k := range stateKeys(c) {
			if code, ok := strings.CutPrefix(k, "plan:"); ok {
				owner[code] = of[i]
			}
		}
		if of[i] != sh.K-1 {
			continue
		}
		if i < len(s.Scenarios) {
			out.Scenarios = append(out.Scenarios, c)
		} else {
			out.Cases = append(out.Cases, c)
		}
	}
	foreign := func(code string) bool {
		o, ok := owner[code]
		return ok && o != sh.K-1
	}
	return out, foreign
}
