package contract

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/addons-contract/contract/spec"
)

// Shard names one part of a run split across CI runners: the K-th of N,
// counted from 1. The zero Shard is the whole run.
//
// Every shard builds the same seed's suite and sends its own part of it:
// together the N shards send every case of the unsharded suite once. The
// cases that read or change the same server state stay in one shard, in
// suite order (see stateKeys), so each shard owns a disjoint part of the
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

// ownsSequence reports whether the seq-th stateful sequence (from 1) is
// this shard's: sequences are dealt round the shards.
func (s Shard) ownsSequence(seq int) bool { return s.Whole() || (seq-1)%s.N == s.K-1 }

// stateKeys are the parts of the server's state that a case changes or
// that its expected answer depends on: the plan codes it adds (on any
// account, when it writes or the plan model predicts its answer), and the
// request count of the unknown_user token, which the mock's rate limit
// counts (contract/suite/rules.go). Cases sharing a key stay in one shard, in order.
func stateKeys(c *Case) []string {
	var keys []string
	if c.Writes || c.Stateful {
		for _, a := range c.Adds {
			keys = append(keys, "plan:"+a.Code)
		}
	}
	if c.Req.Token == TokenUnknownUser || c.Expect.LimitProbe {
		keys = append(keys, "token:"+TokenUnknownUser)
	}
	return keys
}

// unitKeys are the state keys of a unit's cases.
func unitKeys(unit []*Case) []string {
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
func Split(units [][]*Case, n int) []int {
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
func (s *Suite) Part(sh Shard) (*Suite, func(code string) bool) {
	if sh.Whole() {
		return s, nil
	}
	all := s.All()
	units := make([][]*Case, len(all))
	for i, c := range all {
		units[i] = []*Case{c}
	}
	of := Split(units, sh.N)
	owner := map[string]int{}
	out := &Suite{}
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

// dropPlans removes from a 201 body (decoded JSON) the plans whose codes
// drop reports, at their catalog places, and the objects and arrays left
// empty by that. A shard compares the plan sets of its 201s with golden
// files recorded by an unsharded run with the other shards' plans taken
// out of both sides: the plans a shard adds land where they would have.
func dropPlans(body any, catalog []spec.Plan, drop func(code string) bool) any {
	for _, p := range catalog {
		if drop(p.Code) {
			body = dropAt(body, strings.Split(p.Place, "."), p.Code)
		}
	}
	return body
}

// dropAt removes code from the place path (its last segment "name[]" for
// an array of plans) below v, returning v with empty containers pruned;
// nil when v itself became empty.
func dropAt(v any, path []string, code string) any {
	obj, ok := v.(map[string]any)
	if !ok || len(path) == 0 {
		return v
	}
	key, isArray := strings.CutSuffix(path[0], "[]")
	child, ok := obj[key]
	if !ok {
		return v
	}
	var kept any
	switch {
	case len(path) > 1:
		kept = dropAt(child, path[1:], code)
	case isArray:
		kept = dropItems(child, code)
	case !isPlan(child, code):
		kept = child
	}
	out := make(map[string]any, len(obj))
	for k, x := range obj {
		out[k] = x
	}
	if kept == nil {
		delete(out, key)
	} else {
		out[key] = kept
	}
	if len(out) == 0 {
		return nil
	}
	return out
}

// dropItems is an array of plans without those of code; nil when none is left.
func dropItems(v any, code string) any {
	items, ok := v.([]any)
	if !ok {
		return v
	}
	var out []any
	for _, it := range items {
		if !isPlan(it, code) {
			out = append(out, it)
		}
	}
	if len(out) == 0 {
		return nil
	}
	return out
}

// isPlan reports whether v is the plan code: the code itself, or an
// object whose "type" is the code.
func isPlan(v any, code string) bool {
	switch x := v.(type) {
	case string:
		return x == code
	case map[string]any:
		return x["type"] == code
	}
	return false
}
