package contract

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"net/http"
	"slices"
	"sort"
	"strings"
	"sync"

	"github.com/addons-contract/contract/golden"
	"github.com/addons-contract/contract/spec"
)

// CheckGolden is the id of the golden check: deterministic scenarios match their golden files.
const CheckGolden = "golden"

// goldenMatch: a deterministic scenario's answer (status, content type,
// normalized body) matches its golden file. With update it records the
// answers instead, and the set is rewritten once the run is over.
type goldenMatch struct {
	set    *golden.Set
	mask   []string // JSON paths of volatile fields masked in bodies
	update bool
	rec    *recording
}

// recording is what an updating golden check saw, by scenario id, and
// the stale files a comparing one met (Set.Check).
type recording struct {
	mu      sync.Mutex
	entries map[string]golden.Entry
	stale   []string
}

var (
	_ Check   = goldenMatch{}
	_ doubter = goldenMatch{}
	_ keeper  = goldenMatch{}
)

// Golden is the golden check comparing scenarios with set, masking the
// JSON paths in mask; with update it records their answers and rewrites
// the set after the run instead.
func Golden(set *golden.Set, mask []string, update bool) Check {
	return goldenMatch{set: set, mask: mask, update: update, rec: &recording{entries: map[string]golden.Entry{}}}
}

func (goldenMatch) ID() string       { return CheckGolden }
func (c goldenMatch) fresh() Check   { return Golden(c.set, c.mask, c.update) }
func (c goldenMatch) Traits() Traits { return Traits{NoShrink: true, Idle: c.set == nil} }
func (goldenMatch) Doc() string {
	return "deterministic scenarios match their golden files (status, content type, normalized body)"
}
func (c goldenMatch) Applies(j *Judgement) bool {
	// Against a real server a scenario that writes meets whatever earlier
	// runs left on the account, so only the ones that write nothing compare.
	return j.answered() && c.set != nil && j.Case.Kind == KindScenario &&
		(j.Embedded || !j.Case.Writes && !j.Case.Stateful)
}
func (c goldenMatch) Judge(j *Judgement) []Failure {
	got := goldenEntry(j, c.mask)
	name := j.Case.ID
	if c.update {
		got.Spec = j.Op.Revision // the revision the answer is recorded against
		c.rec.mu.Lock()
		c.rec.entries[name] = got
		c.rec.mu.Unlock()
		return nil
	}
	if j.Foreign != nil && got.Status == http.StatusCreated {
		got.Body = dropPlans(got.Body, j.Op.Catalog, j.Foreign)
	}
	v, err := c.check(j, name, got)
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			// One finding for every missing file: the set is not recorded.
			return []Failure{{Row: "missing", Detail: fmt.Sprintf("no golden file %s.json in %s (record the set with -update)", name, c.set)}}
		}
		return []Failure{{Row: name, Detail: err.Error()}}
	}
	switch {
	case v.Diff == "":
		return nil
	case v.Stale:
		// The spec changed since the file was recorded: the difference may
		// be the spec's own doing, so it is no finding of the server.
		c.rec.mu.Lock()
		c.rec.stale = append(c.rec.stale, fmt.Sprintf("golden %s recorded against spec %s, the run uses %s: re-record with -update (docs/SPEC-CHANGES.md)",
			name, v.Want.Spec, j.Op.Revision))
		c.rec.mu.Unlock()
		return nil
	}
	want := v.Want
	want.Spec = "" // not compared: the diff shows the answer alone
	return []Failure{{
		Row:    name,
		Detail: fmt.Sprintf("answer differs from %s.json in %s", name, c.set),
		Want:   want, Got: canonicalEntry(got),
	}}
}

// doubts are the stale golden files whose answers differed, sorted.
func (c goldenMatch) doubts() []string {
	c.rec.mu.Lock()
	defer c.rec.mu.Unlock()
	return slices.Sorted(slices.Values(c.rec.stale))
}

// check is Set.Check against the run's spec revision; in a shard, with
// the other shards' plans taken out of the golden file (see dropPlans),
// as Judge takes them out of the answer.
func (c goldenMatch) check(j *Judgement, name string, got golden.Entry) (golden.Verdict, error) {
	want, err := c.set.Load(name)
	if err != nil {
		return golden.Verdict{}, err
	}
	if j.Foreign != nil && want.Status == http.StatusCreated {
		want.Body = dropPlans(want.Body, j.Op.Catalog, j.Foreign)
	}
	v, err := golden.Against(want, got, j.Op.Revision)
	if err != nil {
		return golden.Verdict{}, fmt.Errorf("golden: %s: %w", name, err)
	}
	return v, nil
}

// finish rewrites the golden files of the scenarios recorded with update.
func (c goldenMatch) finish() error {
	if !c.update {
		return nil
	}
	c.rec.mu.Lock()
	defer c.rec.mu.Unlock()
	names := make([]string, 0, len(c.rec.entries))
	for name := range c.rec.entries {
		names = append(names, name)
	}
	sort.Strings(names)
	for _, name := range names {
		if err := c.set.Write(name, c.rec.entries[name]); err != nil {
			return fmt.Errorf("golden %s: %w", name, err)
		}
	}
	return nil
}

// goldenEntry is the normalized answer stored for a scenario. The body and
// content type of a 405 are left open by the contract, so they are not kept.
func goldenEntry(j *Judgement, mask []string) golden.Entry {
	ex := j.Exchange
	if ex.Status == http.StatusMethodNotAllowed {
		return golden.Entry{Status: ex.Status}
	}
	var body any
	if len(ex.Body) > 0 {
		body = golden.Normalize(ex.Body, j.Fixtures.Placeholders(), mask)
	}
	// The media type, not the raw header: a server may add a charset
	// (application/json;charset=UTF-8) without changing its answer.
	return golden.Entry{Status: ex.Status, ContentType: j.answer().mediaType, Body: body}
}

// canonicalEntry is e as a golden file would hold it, so a diff against a
// loaded file shows only real differences.
func canonicalEntry(e golden.Entry) golden.Entry {
	var out golden.Entry
	dec := json.NewDecoder(strings.NewReader(string(golden.Encode(e))))
	dec.UseNumber()
	if err := dec.Decode(&out); err != nil {
		return e
	}
	return out
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
