package corpus

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"path/filepath"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/addons-contract/contract/contract"
	"github.com/addons-contract/contract/contract/runner"
	"github.com/addons-contract/contract/contract/target"
	"github.com/addons-contract/contract/gen"
	"github.com/addons-contract/contract/internal/atomicfile"
	"github.com/addons-contract/contract/internal/jsonorder"
	"github.com/addons-contract/contract/internal/words"
	"github.com/addons-contract/contract/spec"
)

// ReplayResult is what replaying a corpus found.
type ReplayResult struct {
	// Result holds every entry's exchanges judged together, for the
	// reporters; findings of the same (check, row) across entries are one.
	Result  *contract.Result
	Entries []EntryOutcome // one per entry, in corpus order
}

// Failed counts the entries that still fail.
func (r *ReplayResult) Failed() int {
	n := 0
	for _, o := range r.Entries {
		if o.Skipped == "" && len(o.Findings) > 0 {
			n++
		}
	}
	return n
}

// EntryOutcome is one entry replayed.
type EntryOutcome struct {
	Entry    *Entry
	Skipped  string             // why the entry was not sent; "" when it was
	Findings []contract.Finding // what failed this time, grouped by (check, row); empty when the entry passes
	// Stale says that the entry was saved against another spec revision
	// than the replay's, so what it expects may be the old revision's; ""
	// when the revisions match or the entry records none.
	Stale string
}

// Passed reports whether the entry was sent and nothing failed.
func (o *EntryOutcome) Passed() bool { return o.Skipped == "" && len(o.Findings) == 0 }

// Fails reports whether the entry failed check for row this time.
func (o *EntryOutcome) Fails(check, row string) bool {
	for _, f := range o.Findings {
		if f.Check == check && f.Row == row {
			return true
		}
	}
	return false
}

// Replay sends each entry to cfg.Target (an embedded target afresh for
// every entry, so entries never see each other's state) and judges it with
// the same checks as a run. An error means the replay could not go on: a
// bad configuration (and a nil result), or a target that does not answer
// (ErrUnreachable), in which case the result is returned too, aborted:
// the entries replayed so far, the one that went unanswered and those
// left skipped, so that reports can still be written.
func Replay(ctx context.Context, cfg runner.Config, entries []*Entry) (*ReplayResult, error) {
	start := time.Now()
	out := &ReplayResult{}
	var results []*contract.Result
	var unreachable error // the target's, once it did not answer
	var aborted string    // why, as the result says it
	for _, e := range entries {
		if unreachable != nil {
			out.Entries = append(out.Entries, EntryOutcome{Entry: e, Skipped: aborted})
			continue
		}
		o := EntryOutcome{Entry: e}
		if ctx.Err() != nil {
			o.Skipped = "replay interrupted"
			out.Entries = append(out.Entries, o)
			continue
		}
		cases := prepare(cfg, e)
		if why := unsendable(cfg, cases); why != "" {
			o.Skipped = why
			out.Entries = append(out.Entries, o)
			continue
		}
		res, _, err := runner.Judge(ctx, cfg, cases)
		if err != nil && res == nil {
			return nil, fmt.Errorf("%s: %w", entryName(e), err)
		}
		if err != nil {
			// The target did not answer: this entry and the rest are not
			// judged; the unanswered request is the result's finding.
			unreachable, aborted = fmt.Errorf("%s: %w", entryName(e), err), res.Aborted
			results = append(results, res)
			o.Skipped = aborted
			out.Entries = append(out.Entries, o)
			continue
		}
		results = append(results, res)
		pause(ctx, cfg)
		o.Findings = res.Findings
		if res.Aborted != "" && len(res.Findings) == 0 {
			o.Skipped = res.Aborted
		}
		o.Stale = staleNote(e, cfg.Op)
		out.Entries = append(out.Entries, o)
	}
	out.Result = mergeResults(cfg, results, start)
	for _, o := range out.Entries {
		if o.Stale != "" && o.Skipped == "" {
			// Not a failure by itself: the entry passes or fails as before,
			// and the report says what either may owe to the spec.
			out.Result.Inconclusive = append(out.Result.Inconclusive, "corpus entry "+entryName(o.Entry)+": "+o.Stale)
		}
	}
	for _, o := range out.Entries {
		if o.Skipped != "" && !strings.HasPrefix(o.Skipped, "replay interrupted") {
			addSkip(out.Result, o.Skipped)
		}
	}
	if ctx.Err() != nil && out.Result.Aborted == "" {
		out.Result.Aborted = "interrupted: " + ctx.Err().Error()
	}
	return out, unreachable
}

// staleNote says that e was saved against another revision of the spec
// than op's, "" when it was not or e records none.
func staleNote(e *Entry, op *spec.Operation) string {
	if e.Spec == "" || op == nil || op.Revision == "" || e.Spec == op.Revision {
		return ""
	}
	return fmt.Sprintf("saved against spec %s, this replay uses %s: what it expects may be the old revision's; re-read it (docs/SPEC-CHANGES.md)", e.Spec, op.Revision)
}

// pause keeps the rate limit across Judge calls: each call paces its own
// requests from its first, so one interval passes before the next call.
func pause(ctx context.Context, cfg runner.Config) {
	rate := cfg.Rate
	if rate == 0 && !cfg.Target.Embedded {
		rate = target.DefaultRemoteRate
	}
	if rate > 0 && !math.IsInf(rate, 0) {
		_ = target.Sleep(ctx, time.Duration(float64(time.Second)/rate))
	}
}

// entryName is the entry's path, or its name when it was never saved.
func entryName(e *Entry) string {
	if e.Path != "" {
		return e.Path
	}
	return e.Name
}

// prepare copies the entry's cases for one send. Stateful cases without
// the codes they add (the earlier steps of a sequence) get them from the
// body, as the suite computes them.
func prepare(cfg runner.Config, e *Entry) []*contract.Case {
	var out []*contract.Case
	for _, c := range e.Cases() {
		cp := c.Clone()
		if cp.Stateful && cp.Adds == nil && cfg.Op != nil {
			cp.Adds = contract.AddsOf(cfg.Op, cp.Req.Body)
		}
		out = append(out, cp)
	}
	return out
}

// unsendable says why cases may not go to a remote target: a literal path
// or an account that is not one of the fixtures' (a real server's other
// accounts are not ours to touch), or a write without AllowWrites.
func unsendable(cfg runner.Config, cases []*contract.Case) string {
	if cfg.Target.Embedded {
		return ""
	}
	a := cfg.Fixtures.Accounts
	ids := map[string]bool{}
	for _, id := range append(accountIDs(a), a.MorePaid...) {
		ids[id] = true
	}
	for _, c := range cases {
		switch {
		case c.Req.Path != "" && c.Kind == contract.KindFuzz:
			return fmt.Sprintf("sends the literal path %q, replayed against the embedded mock only", words.Clip(c.Req.Path, 60))
		case strings.HasPrefix(c.Req.Account, "=") && c.Req.Account != "=" && !ids[c.Req.Account[1:]]:
			return fmt.Sprintf("addresses account %q, which is no fixture account of the target", words.Clip(c.Req.Account[1:], 60))
		case c.Writes && !cfg.AllowWrites:
			return "writes need -allow-writes (a correct server adds a plan)"
		}
	}
	return ""
}

func addSkip(r *contract.Result, reason string) {
	for i := range r.Skipped {
		if r.Skipped[i].Reason == reason {
			r.Skipped[i].Count++
			return
		}
	}
	r.Skipped = append(r.Skipped, contract.Skip{Reason: reason, Count: 1})
	sort.Slice(r.Skipped, func(i, j int) bool { return r.Skipped[i].Reason < r.Skipped[j].Reason })
}

// mergeResults adds up the results of the entries: stats, counts,
// coverage and skips summed, findings of one (check, row) made one with
// the first entry's example.
func mergeResults(cfg runner.Config, results []*contract.Result, start time.Time) *contract.Result {
	m := &contract.Result{Target: cfg.Target.Name, Seed: cfg.Seed, Started: start}
	if cfg.Op != nil {
		m.Operation = cfg.Op.Method + " " + cfg.Op.Path
	}
	if checks, err := contract.SelectChecks(cfg.Checks, cfg.SkipChecks); err == nil {
		for _, c := range checks {
			m.Checks = append(m.Checks, c.ID())
			m.Stats = append(m.Stats, contract.CheckStat{Check: c.ID()})
		}
	}
	type key struct{ check, row string }
	index := map[key]int{}
	for _, r := range results {
		if r.Target != "" {
			m.Target = r.Target
		}
		m.Cases += r.Cases
		m.Sent += r.Sent
		for _, s := range r.Stats {
			for i := range m.Stats {
				if m.Stats[i].Check == s.Check {
					m.Stats[i].Passed += s.Passed
					m.Stats[i].Failed += s.Failed
				}
			}
		}
		for _, f := range r.Findings {
			k := key{f.Check, f.Row}
			if i, ok := index[k]; ok {
				m.Findings[i].Count += f.Count
				continue
			}
			index[k] = len(m.Findings)
			m.Findings = append(m.Findings, f)
		}
		for _, s := range r.Skipped {
			for n := 0; n < s.Count; n++ {
				addSkip(m, s.Reason)
			}
		}
		m.Coverage.Rows = addCovered(m.Coverage.Rows, r.Coverage.Rows)
		m.Coverage.Classes = addCovered(m.Coverage.Classes, r.Coverage.Classes)
		m.Coverage.Plans = addCovered(m.Coverage.Plans, r.Coverage.Plans)
		if m.Aborted == "" {
			m.Aborted = r.Aborted
		}
		for _, why := range r.Inconclusive {
			if !slices.Contains(m.Inconclusive, why) {
				m.Inconclusive = append(m.Inconclusive, why)
			}
		}
	}
	order := map[string]int{}
	for i, id := range contract.CheckIDs() {
		order[id] = i
	}
	sort.SliceStable(m.Findings, func(i, j int) bool {
		a, b := m.Findings[i], m.Findings[j]
		if a.Check != b.Check {
			return order[a.Check] < order[b.Check]
		}
		return a.Row < b.Row
	})
	if len(results) == 0 && cfg.Op != nil {
		// Nothing was sent: coverage still lists what there was to reach.
		for _, row := range cfg.Op.Errors {
			m.Coverage.Rows = append(m.Coverage.Rows, contract.Covered{ID: row.ID})
		}
		for _, ci := range gen.Classes() {
			m.Coverage.Classes = append(m.Coverage.Classes, contract.Covered{ID: ci.ID})
		}
		for _, p := range cfg.Op.Catalog {
			if !p.Base {
				m.Coverage.Plans = append(m.Coverage.Plans, contract.Covered{ID: p.Code})
			}
		}
	}
	m.Duration = time.Since(start)
	return m
}

// addCovered sums b into a by id, keeping a's order and appending ids new to it.
func addCovered(a, b []contract.Covered) []contract.Covered {
	pos := map[string]int{}
	for i, c := range a {
		pos[c.ID] = i
	}
	for _, c := range b {
		if i, ok := pos[c.ID]; ok {
			a[i].Count += c.Count
			continue
		}
		pos[c.ID] = len(a)
		a = append(a, c)
	}
	return a
}

// MinimizeKey picks the failure a minimised entry must keep: the one the
// entry was saved for when it still fails so, else the first of this
// replay's findings. ok is false when the entry passes.
func MinimizeKey(o *EntryOutcome) (check, row string, ok bool) {
	if len(o.Findings) == 0 {
		return "", "", false
	}
	if f := o.Entry.Finding; f.Check != "" && o.Fails(f.Check, f.Row) {
		return f.Check, f.Row, true
	}
	return o.Findings[0].Check, o.Findings[0].Row, true
}

// ErrNotMinimizable is wrapped by Minimize's error for an entry whose body
// cannot be written back in its own format.
var ErrNotMinimizable = errors.New("cannot be minimised")

// Minimize shrinks the body of a failing entry while check still fails
// for row, resending every candidate (to a fresh embedded server, where
// there is one) at most cfg.MaxShrinks times. A generated case shrinks
// with g's shrinker first (it keeps the case valid, or invalid for the
// same reason); any body then loses JSON members, items and string
// lengths, or, when it is not JSON, byte ranges (delta debugging). It
// returns the smaller entry, named <name>.min.json beside the original (a
// Go fuzz input stays in its format, as <name>.min), or nil when nothing
// smaller fails the same way.
func Minimize(ctx context.Context, cfg runner.Config, g *gen.Generator, e *Entry, check, row string) (*Entry, error) {
	if e.Source == "go-fuzz:FuzzStructured" {
		return nil, fmt.Errorf("%s: %w: a FuzzStructured input is a (seed, index) pair, not a body; save the failing case with 'contract run -save' and minimise that entry", entryName(e), ErrNotMinimizable)
	}
	if !contract.Shrinks(check) {
		return nil, fmt.Errorf("%s: %w: %s compares the answer to this exact request (or its timing, or a sequence), so a smaller body proves nothing", entryName(e), ErrNotMinimizable, check)
	}
	if cfg.MaxShrinks <= 0 {
		cfg.MaxShrinks = runner.DefaultMaxShrinks
	}
	cfg.Shrink = false
	tries := 0
	var lastDetail string
	fails := func(c *contract.Case) bool {
		if tries >= cfg.MaxShrinks || ctx.Err() != nil {
			return false
		}
		tries++
		cand := &Entry{Before: e.Before, Case: c}
		cases := prepare(cfg, cand)
		if unsendable(cfg, cases) != "" {
			return false
		}
		res, _, err := runner.Judge(ctx, cfg, cases)
		pause(ctx, cfg)
		if err != nil {
			return false
		}
		for _, f := range res.Findings {
			if f.Check == check && f.Row == row {
				lastDetail = f.Failure.Detail
				return true
			}
		}
		return false
	}
	cur := e.Case.Clone()
	if g != nil {
		if shrunk := runner.ShrinkGenerated(cfg.Op, g, cur, fails); shrunk != nil {
			cur = shrunk
		}
	}
	keep := func(body []byte) bool { return fails(withBodyOf(cur, body, cfg)) }
	var body []byte
	if tree, ok := parseOrdered(cur.Req.Body); ok {
		body = shrinkJSON(tree, cur.Req.Body, keep)
	} else {
		body = ddmin(cur.Req.Body, keep)
	}
	if len(body) < len(cur.Req.Body) {
		cur = withBodyOf(cur, body, cfg)
	}
	if len(cur.Req.Body) >= len(e.Case.Req.Body) {
		return nil, nil
	}
	if lastDetail == "" {
		lastDetail = e.Finding.Detail
	}
	min := &Entry{Source: e.Source, Before: e.Before, Case: cur, SavedFrom: cfg.Target.Name, Spec: cfg.Op.Revision,
		Finding: EntryFinding{Check: check, Row: row, Detail: lastDetail}}
	dir := filepath.Dir(e.Path)
	if strings.HasPrefix(e.Source, "go-fuzz:") {
		min.Name = e.Name + ".min"
		min.Args = withNativeBody(e.Args, cur.Req.Body)
	} else {
		min.Name = strings.TrimSuffix(e.Name, ".json") + ".min.json"
	}
	if e.Path != "" {
		min.Path = filepath.Join(dir, min.Name)
	}
	return min, nil
}

// withBodyOf is c with another body (and, for cases that add plans, the
// codes it adds).
func withBodyOf(c *contract.Case, body []byte, cfg runner.Config) *contract.Case {
	cp := c.Clone()
	cp.Req.Body = body
	if cp.Kind == contract.KindValid || cp.Kind == contract.KindState || cp.Stateful {
		cp.Adds = contract.AddsOf(cfg.Op, body)
	}
	return cp
}

// WriteEntry writes e to its Path atomically, in its own format.
func WriteEntry(e *Entry) error {
	if e.Path == "" {
		return errors.New("write entry: no path")
	}
	data, err := e.Encode()
	if err != nil {
		return err
	}
	return atomicfile.Write(e.Path, func(w io.Writer) error { _, err := w.Write(data); return err })
}

// ddmin removes byte ranges from b while keep holds (Zeller's delta
// debugging, halving the chunk size whenever no chunk can go).
func ddmin(b []byte, keep func([]byte) bool) []byte {
	if len(b) == 0 {
		return b
	}
	if keep(nil) {
		return nil
	}
	n := 2
	for len(b) >= 2 {
		chunk := (len(b) + n - 1) / n
		removed := false
		for start := 0; start < len(b); start += chunk {
			end := min(start+chunk, len(b))
			cand := append(append([]byte(nil), b[:start]...), b[end:]...)
			if keep(cand) {
				b, removed = cand, true
				n = max(n-1, 2)
				break
			}
		}
		if removed {
			continue
		}
		if n >= len(b) {
			break
		}
		n = min(2*n, len(b))
	}
	return b
}

// maxShrinkDepth is the deepest a JSON body is read for shrinking; a
// deeper one is shrunk as bytes.
const maxShrinkDepth = 1000

// parseOrdered reads exactly one JSON value, member order and repeated
// keys kept, so a shrunk body differs from the original only where
// shrinking changed it.
func parseOrdered(b []byte) (jsonorder.Value, bool) {
	v, err := jsonorder.Parse(b, jsonorder.Options{MaxDepth: maxShrinkDepth, AllowDuplicates: true})
	return v, err == nil
}

// encodeJSON writes v compactly, members in order and numbers as written.
func encodeJSON(b *bytes.Buffer, v jsonorder.Value) {
	switch v.Kind {
	case jsonorder.Object:
		b.WriteByte('{')
		for i, m := range v.Members {
			if i > 0 {
				b.WriteByte(',')
			}
			writeJSONString(b, m.Name)
			b.WriteByte(':')
			encodeJSON(b, m.Value)
		}
		b.WriteByte('}')
	case jsonorder.Array:
		b.WriteByte('[')
		for i, it := range v.Items {
			if i > 0 {
				b.WriteByte(',')
			}
			encodeJSON(b, it)
		}
		b.WriteByte(']')
	case jsonorder.String:
		writeJSONString(b, v.Text)
	case jsonorder.Number:
		b.WriteString(v.Text)
	case jsonorder.Bool:
		b.WriteString(strconv.FormatBool(v.Bool))
	default:
		b.WriteString("null")
	}
}

func writeJSONString(b *bytes.Buffer, s string) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	_ = enc.Encode(s) // a string always encodes
	b.Write(bytes.TrimSuffix(buf.Bytes(), []byte("\n")))
}

func jsonBytes(v jsonorder.Value) []byte {
	var b bytes.Buffer
	encodeJSON(&b, v)
	return b.Bytes()
}

// shrinkJSON makes the JSON body smaller, one edit at a time, while keep
// holds: members and items removed, containers emptied, strings cut,
// numbers toward 0 and 1. It returns orig when no edit keeps the failure.
func shrinkJSON(tree jsonorder.Value, orig []byte, keep func([]byte) bool) []byte {
	best := orig
	cur := tree
	// The compact re-encoding is the first candidate: whitespace is rarely
	// the defect.
	if enc := jsonBytes(cur); len(enc) < len(best) && keep(enc) {
		best = enc
	}
	for {
		improved := false
		for _, cand := range jsonCandidates(cur) {
			enc := jsonBytes(cand)
			if len(enc) >= len(best) {
				continue
			}
			if keep(enc) {
				cur, best, improved = cand, enc, true
				break
			}
		}
		if !improved {
			return best
		}
	}
}

// jsonCandidates are the trees one edit smaller than root, biggest cuts
// first (shallow before deep).
func jsonCandidates(root jsonorder.Value) []jsonorder.Value {
	var out []jsonorder.Value
	type pathValue struct {
		path []int // member or item indices from root
		v    jsonorder.Value
	}
	queue := []pathValue{{nil, root}}
	for len(queue) > 0 {
		pv := queue[0]
		queue = queue[1:]
		edit := func(f func(jsonorder.Value) jsonorder.Value) { out = append(out, replaceAt(root, pv.path, f)) }
		switch v := pv.v; v.Kind {
		case jsonorder.Object, jsonorder.Array:
			n := len(v.Members) + len(v.Items)
			if n > 1 {
				edit(func(x jsonorder.Value) jsonorder.Value { x.Members, x.Items = nil, nil; return x })
			}
			for i := range n {
				edit(func(x jsonorder.Value) jsonorder.Value {
					x.Members, x.Items = without(x.Members, i), without(x.Items, i)
					return x
				})
			}
			for i := range n {
				queue = append(queue, pathValue{append(slices.Clip(pv.path), i), childAt(v, i)})
			}
		case jsonorder.String:
			if v.Text != "" {
				edit(func(x jsonorder.Value) jsonorder.Value { x.Text = ""; return x })
				if r := []rune(v.Text); len(r) > 1 {
					edit(func(x jsonorder.Value) jsonorder.Value { x.Text = string(r[:len(r)/2]); return x })
				}
			}
		case jsonorder.Number:
			if len(v.Text) > 1 {
				for _, lit := range []string{"0", "1"} {
					edit(func(x jsonorder.Value) jsonorder.Value { x.Text = lit; return x })
				}
			}
		}
	}
	return out
}

// childAt is the i-th member value of an object or item of an array.
func childAt(v jsonorder.Value, i int) jsonorder.Value {
	if v.Kind == jsonorder.Object {
		return v.Members[i].Value
	}
	return v.Items[i]
}

// replaceAt returns v with the value at path (member or item indices)
// replaced by f of it, copying what changes: v itself is left as it is.
func replaceAt(v jsonorder.Value, path []int, f func(jsonorder.Value) jsonorder.Value) jsonorder.Value {
	if len(path) == 0 {
		return f(v)
	}
	i := path[0]
	if v.Kind == jsonorder.Object {
		v.Members = slices.Clone(v.Members)
		v.Members[i].Value = replaceAt(v.Members[i].Value, path[1:], f)
	} else {
		v.Items = slices.Clone(v.Items)
		v.Items[i] = replaceAt(v.Items[i], path[1:], f)
	}
	return v
}

// without returns s without its i-th element (s itself unchanged); nil
// stays nil, so it serves objects and arrays alike.
func without[T any](s []T, i int) []T {
	if i >= len(s) {
		return s
	}
	return append(s[:i:i], s[i+1:]...)
}
