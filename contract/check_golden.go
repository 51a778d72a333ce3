package contract

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"net/http"
	"sort"
	"strings"
	"sync"

	"github.com/addons-contract/contract/golden"
	"github.com/google/go-cmp/cmp"
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

// recording is what an updating golden check saw, by scenario id.
type recording struct {
	mu      sync.Mutex
	entries map[string]golden.Entry
}

var _ Check = goldenMatch{}

// Golden is the golden check comparing scenarios with set, masking the
// JSON paths in mask; with update it records their answers and rewrites
// the set after the run instead.
func Golden(set *golden.Set, mask []string, update bool) Check {
	return goldenMatch{set: set, mask: mask, update: update, rec: &recording{entries: map[string]golden.Entry{}}}
}

func (goldenMatch) ID() string     { return CheckGolden }
func (goldenMatch) Traits() Traits { return Traits{NoShrink: true} }
func (goldenMatch) Doc() string {
	return "deterministic scenarios match their golden files (status, content type, normalized body)"
}
func (goldenMatch) configure(cfg Config) Check {
	if cfg.Golden == nil {
		return nil
	}
	return Golden(cfg.Golden, cfg.GoldenMask, cfg.UpdateGolden)
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
		c.rec.mu.Lock()
		c.rec.entries[name] = got
		c.rec.mu.Unlock()
		return nil
	}
	if j.Foreign != nil && got.Status == http.StatusCreated {
		got.Body = dropPlans(got.Body, j.Op.Catalog, j.Foreign)
	}
	diff, err := c.compare(j, name, got)
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			// One finding for every missing file: the set is not recorded.
			return []Failure{{Row: "missing", Detail: fmt.Sprintf("no golden file %s.json in %s (record the set with -update)", name, c.set)}}
		}
		return []Failure{{Row: name, Detail: err.Error()}}
	}
	if diff == "" {
		return nil
	}
	want, _ := c.load(j, name)
	return []Failure{{
		Row:    name,
		Detail: fmt.Sprintf("answer differs from %s.json in %s", name, c.set),
		Want:   want, Got: canonicalEntry(got),
	}}
}

// load is name's golden file; in a shard, without the plans of the
// other shards' codes (see dropPlans).
func (c goldenMatch) load(j *Judgement, name string) (golden.Entry, error) {
	want, err := c.set.Load(name)
	if err == nil && j.Foreign != nil && want.Status == http.StatusCreated {
		want.Body = dropPlans(want.Body, j.Op.Catalog, j.Foreign)
	}
	return want, err
}

// compare is Set.Compare, with load's golden file in a shard.
func (c goldenMatch) compare(j *Judgement, name string, got golden.Entry) (string, error) {
	if j.Foreign == nil {
		return c.set.Compare(name, got)
	}
	want, err := c.load(j, name)
	if err != nil {
		return "", err
	}
	canon, err := golden.Canonical(got)
	if err != nil {
		return "", err
	}
	want.Spec, canon.Spec = "", ""
	return cmp.Diff(want, canon), nil
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
