// Package drift compares two targets (`contract diff`): it sends both the
// same contract cases and reports, per case, where their answers differ in
// status, error code, message or body shape. It judges neither target;
// which one is right is the checks' business (package contract).
package drift

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/addons-contract/contract/contract"
	"github.com/addons-contract/contract/contract/runner"
	"github.com/addons-contract/contract/contract/suite"
	"github.com/addons-contract/contract/contract/target"
	"github.com/addons-contract/contract/fixtures"
	"github.com/addons-contract/contract/internal/words"
	"github.com/addons-contract/contract/spec"
)

// Side is one of the two targets a comparison sends to.
type Side struct {
	Target   target.Target
	Fixtures fixtures.Fixtures // the roles on this target
	Name     string            // as shown to users; "" = Target.Name
	// Credentials fetch this target's OAuth tokens; nil sends the fixtures'.
	Credentials runner.Credentials
}

func (s Side) name() string {
	if s.Name != "" {
		return s.Name
	}
	return s.Target.Name
}

// Config configures Compare. Zero fields take the defaults of
// runner.Config.
type Config struct {
	Op        *spec.Operation
	Validator *spec.Validator
	A, B      Side
	Seed      int64 // the same seed sends the same cases
	Valid     int   // generated valid bodies; 0 = runner.DefaultValid, < 0 = none
	Invalid   int   // generated invalid cases; 0 = runner.DefaultInvalid, < 0 = none

	Workers     int
	Rate        float64 // per target; as runner.Config.Rate
	Timeout     time.Duration
	MaxRequests int // per target; 0 = none
	// AllowWrites sends the cases that add plans even when a target is not
	// embedded; without it they go out only when both targets are.
	AllowWrites bool
}

// Report is what comparing two targets found.
type Report struct {
	A, B     string // the targets, as shown
	Seed     int64
	Compared int             // cases answered (or not) by both
	Skipped  []contract.Skip // cases not sent, and why
	Cases    []CaseDiff      // the cases whose answers differ, in suite order
}

// Drifted reports whether any case was answered differently.
func (d *Report) Drifted() bool { return len(d.Cases) > 0 }

// CaseDiff is one case answered differently by the two targets.
type CaseDiff struct {
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

// Compare sends the same suite cases (built from cfg.Seed and the
// fixtures of A, described by roles so each target gets its own ids and
// tokens) to both targets and reports, per case, where the answers differ
// in status, error code, message or body shape. Messages are compared
// after each target's fixture ids are replaced by placeholders, and where
// both answers fit one error row whose message is free text ({detail}),
// the wording is not compared. Shapes are the JSON paths of the body with
// their JSON types, not values.
func Compare(ctx context.Context, cfg Config) (*Report, error) {
	if cfg.Op == nil {
		return nil, fmt.Errorf("contract: no operation to test")
	}
	d := &Report{A: cfg.A.name(), B: cfg.B.name(), Seed: cfg.Seed}
	cases, err := pick(cfg, d)
	if err != nil {
		return nil, err
	}
	exchanges, results, err := sendBoth(ctx, cfg, cases)
	if err != nil {
		return nil, err
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
			d.Cases = append(d.Cases, CaseDiff{Case: c.ID, Differences: diffs})
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
		d.Skipped = append(d.Skipped, contract.Skip{Reason: reason, Count: notSent})
	}
	return d, nil
}

// pick builds the suite and returns the cases to compare, noting in d
// the writes it leaves out.
func pick(cfg Config, d *Report) ([]*contract.Case, error) {
	// No validator: drift compares two servers, not each with the spec.
	all, err := suite.For(runner.Config{Op: cfg.Op, Fixtures: cfg.A.Fixtures, Seed: cfg.Seed, Valid: cfg.Valid, Invalid: cfg.Invalid})
	if err != nil {
		return nil, err
	}
	writes := cfg.AllowWrites || (cfg.A.Target.Embedded && cfg.B.Target.Embedded)
	var cases []*contract.Case
	skipped := 0
	for _, c := range all.All() {
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
		d.Skipped = append(d.Skipped, contract.Skip{Reason: "writes need -allow-writes (cases expected to change state)", Count: skipped})
	}
	return cases, nil
}

// sendBoth sends cases to both targets at once, each its own copies,
// judged by no-server-error alone: the exchanges and results of a and b.
func sendBoth(ctx context.Context, cfg Config, cases []*contract.Case) ([2][]*contract.Exchange, [2]*contract.Result, error) {
	var exchanges [2][]*contract.Exchange
	var results [2]*contract.Result
	var errs [2]error
	sides := []Side{cfg.A, cfg.B}
	var wg sync.WaitGroup
	for i, s := range sides {
		wg.Add(1)
		go func() {
			defer wg.Done()
			own := make([]*contract.Case, len(cases))
			for k, c := range cases {
				own[k] = c.Clone()
			}
			jc := runner.Config{
				Op: cfg.Op, Validator: cfg.Validator, Fixtures: s.Fixtures, Credentials: s.Credentials, Target: s.Target, Seed: cfg.Seed,
				Workers: cfg.Workers, Rate: cfg.Rate, Timeout: cfg.Timeout, MaxRequests: cfg.MaxRequests,
				AllowWrites: true, Checks: []string{contract.CheckNoServerError},
			}
			results[i], exchanges[i], errs[i] = runner.Judge(ctx, jc, own)
		}()
	}
	wg.Wait()
	for i, err := range errs {
		if err != nil {
			return exchanges, results, fmt.Errorf("%s (%s): %w", "ab"[i:i+1], sides[i].name(), err)
		}
	}
	return exchanges, results, nil
}

// compareAnswers lists how ea's answer differs from eb's.
func compareAnswers(op *spec.Operation, ea, eb *contract.Exchange, fa, fb fixtures.Fixtures) []Difference {
	var out []Difference
	sa, sb := answerStatus(ea), answerStatus(eb)
	if sa != sb {
		out = append(out, Difference{Aspect: "status", A: sa, B: sb})
	}
	if ea.Err != nil || eb.Err != nil {
		return out
	}
	a, b := contract.Read(op, ea), contract.Read(op, eb)
	ca, cb := "none", "none"
	if a.HasCode {
		ca = fmt.Sprint(a.Code)
	}
	if b.HasCode {
		cb = fmt.Sprint(b.Code)
	}
	if ca != cb {
		out = append(out, Difference{Aspect: "code", A: ca, B: cb})
	}
	ma, mb := "none", "none"
	if a.HasMessage {
		ma = fmt.Sprintf("%q", withPlaceholders(a.Message, fa))
	}
	if b.HasMessage {
		// Literal paths (Request.Path) name a's ids, which b may echo.
		mb = fmt.Sprintf("%q", withPlaceholders(withPlaceholders(b.Message, fb), fa))
	}
	if ma != mb && !sameFreeText(op, a, b) {
		out = append(out, Difference{Aspect: "message", A: ma, B: mb})
	}
	return append(out, shapeDiffs(bodyShape(ea.Body, a), bodyShape(eb.Body, b))...)
}

// shapeDiffs lists the paths whose JSON types differ between two shapes,
// in path order.
func shapeDiffs(shA, shB map[string]string) []Difference {
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
	var out []Difference
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
func answerStatus(ex *contract.Exchange) string {
	if ex.Err != nil {
		return "no answer"
	}
	return fmt.Sprint(ex.Status)
}

// sameFreeText reports whether both answers fit one error row whose
// message is free text, where the wording is the server's own business.
func sameFreeText(op *spec.Operation, a, b contract.Reading) bool {
	if a.Row == "" || a.Row != b.Row {
		return false
	}
	row, ok := op.Row(a.Row)
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
// items differ); r is the body as read. A body that is not JSON has the
// one path "$" of type "not JSON"; an empty body has none.
func bodyShape(body []byte, r contract.Reading) map[string]string {
	out := map[string]string{}
	if len(strings.TrimSpace(string(body))) == 0 {
		return out
	}
	if !r.IsJSON {
		out["$"] = "not JSON"
		return out
	}
	types := map[string]map[string]bool{}
	var walk func(path string, v any, depth int)
	walk = func(path string, v any, depth int) {
		if depth > 64 {
			return
		}
		if types[path] == nil {
			types[path] = map[string]bool{}
		}
		types[path][jsonType(v)] = true
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
	walk("$", r.Body, 0)
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
func (d *Report) WriteText(w io.Writer) error {
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
func (d *Report) WriteJSON(w io.Writer) error {
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
