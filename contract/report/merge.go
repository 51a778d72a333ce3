package report

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"sort"
	"strings"
	"time"

	"github.com/addons-contract/contract/contract"
)

// Doc is a run's report read back from its JSON form (ReadJSON) or merged
// from the JSON reports of the run's shards (Merge). Render writes it as a
// reporter writes a result.
type Doc struct {
	name string // where it was read from, for errors
	v    *view
}

// ReadJSON reads a report that JSONReporter wrote; name (its file) labels
// the one-line error a document that is no such report gets.
func ReadJSON(name string, data []byte) (*Doc, error) {
	var v view
	dec := json.NewDecoder(bytes.NewReader(data))
	if err := dec.Decode(&v); err != nil {
		return nil, fmt.Errorf("%s: not a contract JSON report: %v", name, err)
	}
	if err := dec.Decode(&struct{}{}); err != io.EOF {
		return nil, fmt.Errorf("%s: not a contract JSON report: more after its object", name)
	}
	if why := v.lacks(); why != "" {
		return nil, fmt.Errorf("%s: not a contract JSON report: %s", name, why)
	}
	if v.Started != "" {
		t, err := time.Parse(time.RFC3339Nano, v.Started)
		if err != nil {
			return nil, fmt.Errorf("%s: started %q: want an RFC 3339 time", name, v.Started)
		}
		v.started = t
	}
	v.duration = time.Duration(v.DurationMS) * time.Millisecond
	v.paused = time.Duration(v.RateLimit.PausedMS) * time.Millisecond
	if s := v.Shard; s != nil && (s.Index < 1 || s.Index > s.Count) {
		return nil, fmt.Errorf("%s: shard %d/%d: want an index from 1 to the count", name, s.Index, s.Count)
	}
	return &Doc{name: name, v: &v}, nil
}

// lacks names what a JSON report always has and v does not, "" when
// nothing: a report's arrays are never null, so a null one was absent.
func (v *view) lacks() string {
	switch {
	case v.Operation == "":
		return `no "operation"`
	case v.Checks == nil || v.Stats == nil || v.Findings == nil:
		return `no "checks", "stats" or "findings"`
	case v.Coverage.Rows == nil || v.Coverage.Classes == nil || v.Coverage.Plans == nil:
		return `no "coverage"`
	}
	switch v.Verdict {
	case verdictPass, verdictFail, verdictInconclusive, verdictAborted:
		return ""
	}
	return fmt.Sprintf("verdict %q", v.Verdict)
}

// Render writes d with rep, as rep.Report writes a result.
func (d *Doc) Render(w io.Writer, rep Reporter) error { return rep.render(w, d.v) }

// Verdict is the report's verdict: ABORTED, FAIL, INCONCLUSIVE or PASS.
func (d *Doc) Verdict() string { return d.v.Verdict }

// Summary says in one line why the verdict is not PASS, as 'contract run'
// does on exit: the abort, the findings or what was not observed.
func (d *Doc) Summary() string {
	switch d.v.Verdict {
	case verdictAborted:
		return d.v.Aborted
	case verdictFail:
		return fmt.Sprintf("%d findings (seed %d)", len(d.v.Findings), d.v.Seed)
	case verdictInconclusive:
		return fmt.Sprintf("INCONCLUSIVE: %s (seed %d)", strings.Join(d.v.Inconclusive, "; "), d.v.Seed)
	}
	return ""
}

// shard is d's place in its run; an unsharded run is its only shard.
func (d *Doc) shard() jsonShard {
	if d.v.Shard == nil {
		return jsonShard{Index: 1, Count: 1}
	}
	return *d.v.Shard
}

// Merge merges the JSON reports of a run's shards into the report one
// unsharded run would have made: findings grouped by check and row with
// their counts added and the smallest example kept, coverage, stats, skips
// and counts added, the verdict decided again. The reports must share
// seed, operation, target and shard count, and name every shard once. An
// unsharded report merges to itself.
//
// What a shard did not observe (inconclusive) is kept as the shard said
// it: the whole run might have observed it in another shard, so a merged
// INCONCLUSIVE can be stricter than one run, never laxer.
func Merge(docs ...*Doc) (*Doc, error) {
	if len(docs) == 0 {
		return nil, errors.New("no reports to merge")
	}
	shards, err := inOrder(docs)
	if err != nil {
		return nil, err
	}
	return &Doc{name: "merged", v: mergeViews(shards)}, nil
}

// inOrder checks that docs are the shards of one run, each once, and
// returns them by shard index.
func inOrder(docs []*Doc) ([]*Doc, error) {
	first := docs[0]
	at := map[int]*Doc{}
	for _, d := range docs {
		if err := sameRun(first, d); err != nil {
			return nil, err
		}
		s := d.shard()
		if prev := at[s.Index]; prev != nil {
			return nil, fmt.Errorf("shard %s given twice: %s and %s", s, prev.name, d.name)
		}
		at[s.Index] = d
	}
	count := first.shard().Count
	var missing []string
	out := make([]*Doc, 0, len(docs))
	// At most len(docs) shards are found, so the loop ends early on a
	// count far above them.
	for i := 1; i <= count && len(missing) < 5; i++ {
		if d := at[i]; d != nil {
			out = append(out, d)
		} else {
			missing = append(missing, jsonShard{i, count}.String())
		}
	}
	if len(missing) > 0 {
		return nil, fmt.Errorf("missing shard %s", strings.Join(missing, ", ")+andMore(count-len(docs)-len(missing)))
	}
	return out, nil
}

func (s jsonShard) String() string { return fmt.Sprintf("%d/%d", s.Index, s.Count) }

// sameRun checks that b is a shard of a's run.
func sameRun(a, b *Doc) error {
	for _, f := range []struct{ what, a, b string }{
		{"seed", fmt.Sprint(a.v.Seed), fmt.Sprint(b.v.Seed)},
		{"operation", a.v.Operation, b.v.Operation},
		{"target", a.v.Target, b.v.Target},
		{"spec revision", a.v.Spec, b.v.Spec},
		{"shard count", fmt.Sprint(a.shard().Count), fmt.Sprint(b.shard().Count)},
	} {
		if f.a != f.b {
			return fmt.Errorf("%s and %s differ in %s (%q, %q): not shards of one run", a.name, b.name, f.what, f.a, f.b)
		}
	}
	return nil
}

// mergeViews merges the views of a run's shards, in shard order.
func mergeViews(ds []*Doc) *view {
	first := ds[0].v
	v := &view{Target: first.Target, Operation: first.Operation, Seed: first.Seed}
	vs := make([]*view, len(ds))
	for i, d := range ds {
		vs[i] = d.v
		addCounts(v, d.v)
	}
	spanTime(v, vs)
	v.Checks = distinct(each(vs, func(v *view) []string { return v.Checks }))
	rank := checkRank()
	sort.SliceStable(v.Checks, func(i, j int) bool { return rank(v.Checks[i]) < rank(v.Checks[j]) })
	v.Stats = statsInOrder(v.Checks, addUp(each(vs, func(v *view) []jsonStat { return v.Stats }),
		func(s *jsonStat) string { return s.Check },
		func(into, from *jsonStat) { into.Passed += from.Passed; into.Failed += from.Failed }))
	v.Findings = mergeFindings(each(vs, func(v *view) []jsonFinding { return v.Findings }))
	v.Skipped = addUp(each(vs, func(v *view) []jsonSkip { return v.Skipped }),
		func(s *jsonSkip) string { return s.Reason },
		func(into, from *jsonSkip) { into.Count += from.Count })
	v.Coverage = jsonCoverage{
		Rows:    addCovered(each(vs, func(v *view) []jsonCovered { return v.Coverage.Rows })),
		Classes: addCovered(each(vs, func(v *view) []jsonCovered { return v.Coverage.Classes })),
		Plans:   addCovered(each(vs, func(v *view) []jsonCovered { return v.Coverage.Plans })),
	}
	v.Held = addUp(each(vs, func(v *view) []jsonHeld { return v.Held }),
		func(h *jsonHeld) string { return h.Account },
		func(into, from *jsonHeld) {
			into.Codes = distinct([][]string{into.Codes, from.Codes})
			sort.Strings(into.Codes)
		})
	v.Unjudged = mergeUnjudged(vs)
	v.Pace = strings.Join(distinct(each(vs, func(v *view) []string { return nonEmpty(v.Pace) })), "; ")
	v.Aborted = strings.Join(distinct(each(ds, abortedIn)), "; ")
	v.Inconclusive = distinct(each(vs, func(v *view) []string { return v.Inconclusive }))
	// The verdict rule is contract's: a result with the merged verdict inputs.
	probe := contract.Result{Aborted: v.Aborted, Findings: make([]contract.Finding, len(v.Findings)), Inconclusive: v.Inconclusive}
	v.Passed, v.Verdict = probe.Passed(), probe.Verdict()
	return v
}

// addCounts adds the counts of shard s into v.
func addCounts(v, s *view) {
	v.Cases += s.Cases
	v.Sent += s.Sent
	v.UnjudgedN += s.UnjudgedN
	v.Created += s.Created
	v.CreatedGen += s.CreatedGen
	v.RateLimit.Answers += s.RateLimit.Answers
	v.paused += s.paused
	v.RateLimit.PausedMS = v.paused.Milliseconds()
	if sl := s.RateLimit.Slowest; sl > 0 && (v.RateLimit.Slowest == 0 || sl < v.RateLimit.Slowest) {
		v.RateLimit.Slowest = sl
	}
}

// spanTime sets v's start and duration: the shards may have run side by
// side or one after another, so the run spans from the first start to the
// last end; without start times, it took as long as the longest shard.
func spanTime(v *view, vs []*view) {
	var start, end time.Time
	known := true
	for _, s := range vs {
		v.duration = max(v.duration, s.duration)
		known = known && !s.started.IsZero()
		if start.IsZero() || s.started.Before(start) {
			start = s.started
		}
		if e := s.started.Add(s.duration); e.After(end) {
			end = e
		}
	}
	if known {
		v.started, v.duration = start, end.Sub(start)
		v.Started = start.UTC().Format(time.RFC3339Nano)
	}
	v.DurationMS = v.duration.Milliseconds()
}

// mergeFindings groups findings by check and row as a run does: counts
// added, the smallest example kept, in check order, then by row.
func mergeFindings(lists [][]jsonFinding) []jsonFinding {
	out := addUp(lists,
		func(f *jsonFinding) string { return f.Check + "\x00" + f.Row },
		func(into, from *jsonFinding) {
			n := into.Count + from.Count
			if smallerExample(from, into) {
				*into = *from
			}
			into.Count = n
		})
	rank := checkRank()
	sort.SliceStable(out, func(i, j int) bool {
		a, b := &out[i], &out[j]
		if ra, rb := rank(a.Check), rank(b.Check); ra != rb {
			return ra < rb
		}
		return a.Row < b.Row
	})
	return out
}

// checkRank orders checks as a run reports them; a check this build does
// not know comes last.
func checkRank() func(check string) int {
	order := map[string]int{}
	for i, id := range contract.CheckIDs() {
		order[id] = i + 1
	}
	return func(check string) int {
		if i := order[check]; i > 0 {
			return i
		}
		return math.MaxInt
	}
}

// smallerExample orders findings by their examples as a run does: the
// shorter request body, then the earlier case (here, the smaller id); a
// finding without an example comes last.
func smallerExample(a, b *jsonFinding) bool {
	size := func(f *jsonFinding) int {
		if f.Request == nil {
			return math.MaxInt
		}
		return f.Request.BodySize
	}
	if sa, sb := size(a), size(b); sa != sb {
		return sa < sb
	}
	return a.Case < b.Case
}

func addCovered(lists [][]jsonCovered) []jsonCovered {
	return addUp(lists, func(c *jsonCovered) string { return c.ID }, func(into, from *jsonCovered) { into.Count += from.Count })
}

// mergeUnjudged lists the shards' unjudged cases in shard order; when a
// shard listed only the first few, the merged list is cut to as many.
func mergeUnjudged(vs []*view) []jsonUnjudged {
	out := []jsonUnjudged{}
	limit := math.MaxInt
	for _, v := range vs {
		out = append(out, v.Unjudged...)
		if len(v.Unjudged) < v.UnjudgedN {
			limit = len(v.Unjudged)
		}
	}
	return out[:min(len(out), limit)]
}

// abortedIn is why d's shard stopped early, naming the shard when the run
// had several.
func abortedIn(d *Doc) []string {
	if d.v.Aborted == "" || d.shard().Count == 1 {
		return nonEmpty(d.v.Aborted)
	}
	return []string{"shard " + d.shard().String() + ": " + d.v.Aborted}
}

func nonEmpty(s string) []string {
	if s == "" {
		return nil
	}
	return []string{s}
}

// each is get of every item, in order.
func each[T, L any](items []T, get func(T) []L) [][]L {
	out := make([][]L, len(items))
	for i, it := range items {
		out[i] = get(it)
	}
	return out
}

// addUp concatenates lists, keeping the first item of each key where it
// came and adding every later one of that key into it; never nil.
func addUp[T any](lists [][]T, key func(*T) string, add func(into, from *T)) []T {
	out := []T{}
	at := map[string]int{}
	for _, list := range lists {
		for i := range list {
			k := key(&list[i])
			if j, ok := at[k]; ok {
				add(&out[j], &list[i])
				continue
			}
			at[k] = len(out)
			out = append(out, list[i])
		}
	}
	return out
}

// distinct is the strings of lists, each once, in order; never nil.
func distinct(lists [][]string) []string {
	return addUp(lists, func(s *string) string { return *s }, func(_, _ *string) {})
}
