package contract

import (
	"context"
	"encoding/json"
	"fmt"
	"github.com/addons-contract/contract/contract/target"
	"github.com/addons-contract/contract/internal/words"
	"io"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/addons-contract/contract/fixtures"
	"github.com/addons-contract/contract/gen"
	"github.com/addons-contract/contract/spec"
)

// DriftSide is one of the two targets a drift comparison sends to.
type DriftSide struct {
	Target   target.Target
	Fixtures fixtures.Fixtures // the roles on this target
	Name     string            // as shown to users; "" = Target.Name
	// Credentials fetch this target's OAuth tokens; nil sends the fixtures'.
	Credentials Credentials
}

func (s DriftSide) name() string {
	if s.Name != "" {
		return s.Name
	}
	return s.Target.Name
}

// DriftConfig configures CompareTargets. Zero fields take the defaults of
// Config.
type DriftConfig struct {
	Op        *spec.Operation
	Validator *spec.Validator
	A, B      DriftSide
	Seed      int64 // the same seed sends the same cases
	Valid     int   // generated valid bodies; 0 = DefaultValid, < 0 = none
	Invalid   int   // generated invalid cases; 0 = DefaultInvalid, < 0 = none

	Workers     int
	Rate        float64 // per target; as Config.Rate
	Timeout     time.Duration
	MaxRequests int // per target; 0 = none
	// AllowWrites sends the cases that add plans even when a target is not
	// embedded; without it they go out only when both targets are.
	AllowWrites bool
}

// Drift is what comparing two targets found.
type Drift struct {
	A, B     string // the targets, as shown
	Seed     int64
	Compared int         // cases answered (or not) by both
	Skipped  []Skip      // cases not sent, and why
	Cases    []CaseDrift // the cases whose answers differ, in suite order
}

// Drifted reports whether any case was answered differently.
func (d *Drift) Drifted() bool { return len(d.Cases) > 0 }

// CaseDrift is one case answered differently by the two targets.
type CaseDrift struct {
	Case        string
	Differences []Difference
}

// Difference is one aspect of an answer that differs: "status", "code",
// "message", or "shape <json path>" (the JSON type there, "-" where the
// path is absent).
type Difference struct {
	Aspect string
	A, B   string
}

// CompareTargets sends the same suite cases (built from cfg.Seed and the
// fixtures of A, described by roles so each target gets its own ids and
// tokens) to both targets and reports, per case, where the answers differ
// in status, error code, message or body shape. Messages are compared
// after each target's fixture ids are replaced by placeholders, and where
// both answers fit one error row whose message is free text ({detail}),
// the wording is not compared. Shapes are the JSON paths of the body with
// their JSON types, not values.
func CompareTargets(ctx context.Context, cfg DriftConfig) (*Drift, error) {
	if cfg.Op == nil {
		return nil, fmt.Errorf("contract: no operation to test")
	}
	g, err := gen.New(cfg.Op, gen.Options{})
	if err != nil {
		return nil, fmt.Errorf("contract: %w", err)
	}
	def := func(v, d int) int {
		if v == 0 {
			return d
		}
		return max(v, 0)
	}
	suite, err := BuildSuite(cfg.Op, cfg.A.Fixtures, g, cfg.Seed, def(cfg.Valid, DefaultValid), def(cfg.Invalid, DefaultInvalid))
	if err != nil {
		return nil, err
	}
	d := &Drift{A: cfg.A.name(), B: cfg.B.name(), Seed: cfg.Seed}
	writes := cfg.AllowWrites || (cfg.A.Target.Embedded && cfg.B.Target.Embedded)
	var cases []*Case
	skipped := 0
	for _, c := range suite.All() {
		if c.Expect.Row == spec.RowRateLimited {
			continue // a limit provoked on purpose, in an order Judge does not keep: no drift to compare
		}
		if c.Writes && !writes {
			skipped++
			continue
		}
		cases = append(cases, c)
	}
	if skipped > 0 {
		d.Skipped = append(d.Skipped, Skip{Reason: "writes need -allow-writes (cases expected to change state)", Count: skipped})
	}

	sides := []DriftSide{cfg.A, cfg.B}
	exchanges := make([][]*Exchange, 2)
	results := make([]*Result, 2)
	errs := make([]error, 2)
	var wg sync.WaitGroup
	for i, s := range sides {
		wg.Add(1)
		go func() {
			defer wg.Done()
			own := make([]*Case, len(cases))
			for k, c := range cases {
				own[k] = c.Clone()
			}
			jc := Config{
				Op: cfg.Op, Validator: cfg.Validator, Fixtures: s.Fixtures, Credentials: s.Credentials, Target: s.Target, Seed: cfg.Seed,
				Workers: cfg.Workers, Rate: cfg.Rate, Timeout: cfg.Timeout, MaxRequests: cfg.MaxRequests,
				AllowWrites: true, Checks: []string{CheckNoServerError}, MaxResponseTime: -1,
			}
			results[i], exchanges[i], errs[i] = Judge(ctx, jc, own)
		}()
	}
	wg.Wait()
	for i, err := range errs {
		if err != nil {
			return nil, fmt.Errorf("%s (%s): %w", "ab"[i:i+1], sides[i].name(), err)
		}
	}
	notSent := 0
	for k, c := range cases {
		ea, eb := exchanges[0][k], exchanges[1][k]
		if ea == nil || eb == nil {
			notSent++
			continue
		}
		d.Compared++
		if diffs := compareAnswers(cfg.Op, ea, eb, cfg.A.Fixtures, cfg.B.Fixtures); len(diffs) > 0 {
			d.Cases = append(d.Cases, CaseDrift{Case: c.ID, Differences: diffs})
		}
	}
	if notSent > 0 {
		reason := "not sent to both targets"
		for i, r := range results {
			if r != nil && r.Aborted != "" {
				reason += fmt.Sprintf(" (%s: %s)", "ab"[i:i+1], r.Aborted)
				break
			}
		}
		d.Skipped = append(d.Skipped, Skip{Reason: reason, Count: notSent})
	}
	return d, nil
}

// compareAnswers lists how ea's answer differs from eb's.
func compareAnswers(op *spec.Operation, ea, eb *Exchange, fa, fb fixtures.Fixtures) []Difference {
	var out []Difference
	sa, sb := answerStatus(ea), answerStatus(eb)
	if sa != sb {
		out = append(out, Difference{Aspect: "status", A: sa, B: sb})
	}
	if ea.Err != nil || eb.Err != nil {
		return out
	}
	a, b := parseAnswer(ea), parseAnswer(eb)
	ca, cb := "none", "none"
	if a.hasCode {
		ca = fmt.Sprint(a.code)
	}
	if b.hasCode {
		cb = fmt.Sprint(b.code)
	}
	if ca != cb {
		out = append(out, Difference{Aspect: "code", A: ca, B: cb})
	}
	ma, mb := "none", "none"
	if a.hasMessage {
		ma = fmt.Sprintf("%q", withPlaceholders(a.message, fa))
	}
	if b.hasMessage {
		// Literal paths (Request.Path) name a's ids, which b may echo.
		mb = fmt.Sprintf("%q", withPlaceholders(withPlaceholders(b.message, fb), fa))
	}
	if ma != mb && !sameFreeText(op, a, b) {
		out = append(out, Difference{Aspect: "message", A: ma, B: mb})
	}
	shA, shB := bodyShape(ea.Body), bodyShape(eb.Body)
	var paths []string
	for p := range shA {
		paths = append(paths, p)
	}
	for p := range shB {
		if _, ok := shA[p]; !ok {
			paths = append(paths, p)
		}
	}
	sort.Strings(paths)
	for _, p := range paths {
		ta, tb := shA[p], shB[p]
		if ta == tb {
			continue
		}
		// Under a path one side lacks, every path is lacking too: the
		// shallowest one says it.
		if parent, ok := parentPath(p); ok && (ta == "" && shA[parent] == "" || tb == "" && shB[parent] == "") {
			continue
		}
		if ta == "" {
			ta = "-"
		}
		if tb == "" {
			tb = "-"
		}
		out = append(out, Difference{Aspect: "shape " + p, A: ta, B: tb})
	}
	return out
}

// parentPath is the path of the value holding p's ("$.a" for "$.a.b" and "$.a[]").
func parentPath(p string) (string, bool) {
	if q, ok := strings.CutSuffix(p, "[]"); ok {
		return q, true
	}
	if i := strings.LastIndexByte(p, '.'); i > 0 {
		return p[:i], true
	}
	return "", false
}

// answerStatus is the status of an exchange, or why there is none.
func answerStatus(ex *Exchange) string {
	if ex.Err != nil {
		return "no answer"
	}
	return fmt.Sprint(ex.Status)
}

// sameFreeText reports whether both answers fit one error row whose
// message is free text, where the wording is the server's own business.
func sameFreeText(op *spec.Operation, a, b answer) bool {
	ra, rb := rowOf(op, a), rowOf(op, b)
	if ra == "" || ra != rb {
		return false
	}
	row, ok := op.Row(ra)
	return ok && strings.Contains(row.Message, "{detail}")
}

// withPlaceholders replaces the fixture values in s by their placeholders
// ("{accounts.missing}"), longest first, so targets with different ids
// compare equal.
func withPlaceholders(s string, fx fixtures.Fixtures) string {
	ph := fx.Placeholders()
	vals := make([]string, 0, len(ph))
	for v := range ph {
		if v != "" {
			vals = append(vals, v)
		}
	}
	sort.Slice(vals, func(i, j int) bool {
		if len(vals[i]) != len(vals[j]) {
			return len(vals[i]) > len(vals[j])
		}
		return vals[i] < vals[j]
	})
	for _, v := range vals {
		s = strings.ReplaceAll(s, v, ph[v])
	}
	return s
}

// bodyShape maps each JSON path of a body ("$", "$.plan_webinar[].hosts")
// to the JSON types found there ("number", "string|number" when array
// items differ). A body that is not JSON has the one path "$" of type
// "not JSON"; an empty body has none.
func bodyShape(body []byte) map[string]string {
	out := map[string]string{}
	if len(strings.TrimSpace(string(body))) == 0 {
		return out
	}
	v, ok := decodeJSON(body)
	if !ok {
		out["$"] = "not JSON"
		return out
	}
	types := map[string]map[string]bool{}
	var walk func(path string, v any, depth int)
	walk = func(path string, v any, depth int) {
		if depth > 64 {
			return
		}
		t := jsonType(v)
		if types[path] == nil {
			types[path] = map[string]bool{}
		}
		types[path][t] = true
		switch x := v.(type) {
		case map[string]any:
			for k, m := range x {
				walk(path+"."+k, m, depth+1)
			}
		case []any:
			for _, m := range x {
				walk(path+"[]", m, depth+1)
			}
		}
	}
	walk("$", v, 0)
	for p, ts := range types {
		var list []string
		for t := range ts {
			list = append(list, t)
		}
		sort.Strings(list)
		out[p] = strings.Join(list, "|")
	}
	return out
}

func jsonType(v any) string {
	switch v.(type) {
	case map[string]any:
		return "object"
	case []any:
		return "array"
	case string:
		return "string"
	case json.Number:
		return "number"
	case bool:
		return "boolean"
	}
	return "null"
}

// WriteText writes the drift for people: a header, one line per case
// that differs, and a final SAME or DRIFT line.
func (d *Drift) WriteText(w io.Writer) error {
	var b strings.Builder
	fmt.Fprintf(&b, "contract diff: a %s, b %s, seed %d, %s compared\n", d.A, d.B, d.Seed, words.Count(d.Compared, "case"))
	for _, s := range d.Skipped {
		fmt.Fprintf(&b, "skipped %d: %s\n", s.Count, s.Reason)
	}
	for _, c := range d.Cases {
		parts := make([]string, len(c.Differences))
		for i, x := range c.Differences {
			parts[i] = fmt.Sprintf("%s: a %s, b %s", x.Aspect, x.A, x.B)
		}
		fmt.Fprintf(&b, "%s: %s\n", c.Case, strings.Join(parts, "; "))
	}
	if d.Drifted() {
		fmt.Fprintf(&b, "DRIFT: %d of %d cases answered differently\n", len(d.Cases), d.Compared)
	} else {
		fmt.Fprintf(&b, "SAME: %d cases answered alike\n", d.Compared)
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// WriteJSON writes the drift as one JSON object for tools: snake_case
// keys, arrays never null.
func (d *Drift) WriteJSON(w io.Writer) error {
	type diff struct {
		Aspect string `json:"aspect"`
		A      string `json:"a"`
		B      string `json:"b"`
	}
	type caseDrift struct {
		Case        string `json:"case"`
		Differences []diff `json:"differences"`
	}
	type skip struct {
		Reason string `json:"reason"`
		Count  int    `json:"count"`
	}
	out := struct {
		A        string      `json:"a"`
		B        string      `json:"b"`
		Seed     int64       `json:"seed"`
		Compared int         `json:"compared"`
		Drifted  bool        `json:"drifted"`
		Skipped  []skip      `json:"skipped"`
		Cases    []caseDrift `json:"cases"`
	}{A: d.A, B: d.B, Seed: d.Seed, Compared: d.Compared, Drifted: d.Drifted(), Skipped: []skip{}, Cases: []caseDrift{}}
	for _, s := range d.Skipped {
		out.Skipped = append(out.Skipped, skip{s.Reason, s.Count})
	}
	for _, c := range d.Cases {
		cd := caseDrift{Case: c.Case, Differences: []diff{}}
		for _, x := range c.Differences {
			cd.Differences = append(cd.Differences, diff{x.Aspect, x.A, x.B})
		}
		out.Cases = append(out.Cases, cd)
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	return enc.Encode(out)
}
