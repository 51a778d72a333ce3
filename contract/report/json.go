package report

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/addons-contract/contract/contract"
)

// JSONReporter renders a result as one JSON object for tools, in a stable
// schema of its own (snake_case keys, errors as strings, bodies as text or
// base64) so that renaming a Go field never breaks a consumer. Arrays are
// never null. The object holds all the console and JUnit reports show, so
// that Merge can render them again from shards' JSON reports.
type JSONReporter struct {
	Indent bool // two-space indentation, for people and diffs
}

var _ Reporter = JSONReporter{}

// jsonBodyMax caps request bodies in the report (the 1 MiB oversize cases);
// response bodies arrive capped by the runner.
const jsonBodyMax = 64 << 10

// view is a result as every report shows it: the console and JUnit reports
// render it, and it is the JSON report's object. It is built from a result
// (newView) or read back from a JSON report (ReadJSON).
type view struct {
	Target     string         `json:"target"`
	Spec       string         `json:"spec,omitempty"` // the spec revision the run judged by
	Operation  string         `json:"operation"`
	Seed       int64          `json:"seed"`
	Shard      *jsonShard     `json:"shard,omitempty"`   // absent: the run was not sharded
	Started    string         `json:"started,omitempty"` // RFC 3339, UTC
	DurationMS int64          `json:"duration_ms"`
	Cases      int            `json:"cases"`
	Sent       int            `json:"sent"`
	Checks     []string       `json:"checks"`
	Stats      []jsonStat     `json:"stats"`
	Findings   []jsonFinding  `json:"findings"`
	Skipped    []jsonSkip     `json:"skipped"`
	Coverage   jsonCoverage   `json:"coverage"`
	Passed     bool           `json:"passed"`
	Verdict    string         `json:"verdict"` // PASS, FAIL, INCONCLUSIVE or ABORTED
	Aborted    string         `json:"aborted"`
	Pace       string         `json:"pace,omitempty"`
	RateLimit  jsonRateLimit  `json:"rate_limit"`
	Unjudged   []jsonUnjudged `json:"unjudged"` // the first few
	UnjudgedN  int            `json:"unjudged_count"`
	Created    int            `json:"created"`
	CreatedGen int            `json:"created_generated"`
	Held       []jsonHeld     `json:"held_before_run"`
	// Inconclusive lists what the run did not observe that a PASS needs.
	Inconclusive []string `json:"inconclusive"`

	// The console and JUnit reports show times finer than the JSON's
	// milliseconds; read back from JSON, they are the milliseconds.
	started  time.Time
	duration time.Duration
	paused   time.Duration
}

// jsonShard says which part of a sharded run a report is: index of count,
// from 1.
type jsonShard struct {
	Index int `json:"index"`
	Count int `json:"count"`
}

// shardOf is s as the JSON report says it; nil for a whole run.
func shardOf(s contract.Shard) *jsonShard {
	if s.Whole() {
		return nil
	}
	return &jsonShard{Index: s.K, Count: s.N}
}

type jsonRateLimit struct {
	Answers  int     `json:"answers_429"`
	PausedMS int64   `json:"paused_ms"`
	Slowest  float64 `json:"slowest_rate,omitempty"`
}

type jsonUnjudged struct {
	Case   string `json:"case"`
	Reason string `json:"reason"`
}

type jsonHeld struct {
	Account string   `json:"account"`
	Codes   []string `json:"codes"`
}

type jsonStat struct {
	Check  string `json:"check"`
	Passed int    `json:"passed"`
	Failed int    `json:"failed"`
}

type jsonSkip struct {
	Reason string `json:"reason"`
	Count  int    `json:"count"`
}

type jsonCovered struct {
	ID    string `json:"id"`
	Count int    `json:"count"`
}

type jsonCoverage struct {
	Rows    []jsonCovered `json:"rows"`
	Classes []jsonCovered `json:"classes"`
	Plans   []jsonCovered `json:"plans"`
}

type jsonFinding struct {
	Check            string          `json:"check"`
	Row              string          `json:"row"`
	Count            int             `json:"count"`
	Case             string          `json:"case"`
	Seed             int64           `json:"seed"`
	Line             string          `json:"line"` // the console's greppable line
	Detail           string          `json:"detail"`
	Diff             string          `json:"diff,omitempty"`
	Want             json.RawMessage `json:"want,omitempty"`
	Got              json.RawMessage `json:"got,omitempty"`
	ShrunkBody       *string         `json:"shrunk_body,omitempty"`
	ShrunkBodyBase64 string          `json:"shrunk_body_base64,omitempty"`
	Steps            []string        `json:"steps,omitempty"` // a stateful finding's shrunk sequence, the last one failed
	Curl             string          `json:"curl,omitempty"`
	TokenHint        string          `json:"token_hint,omitempty"` // which token $TOKEN in curl stands for
	Request          *jsonRequest    `json:"request,omitempty"`
	Response         *jsonResponse   `json:"response,omitempty"`
}

// jsonBody is a body as text when it is UTF-8, as base64 otherwise.
type jsonBody struct {
	Body          *string `json:"body,omitempty"`
	BodyBase64    string  `json:"body_base64,omitempty"`
	BodySize      int     `json:"body_size"`
	BodyTruncated bool    `json:"body_truncated,omitempty"`
}

type jsonRequest struct {
	Method  string              `json:"method"`
	URL     string              `json:"url"`
	Headers map[string][]string `json:"headers"`
	jsonBody
}

type jsonResponse struct {
	Status    int                 `json:"status"` // 0 when no answer came
	Headers   map[string][]string `json:"headers"`
	Error     string              `json:"error,omitempty"`
	ElapsedMS int64               `json:"elapsed_ms"`
	Retries   int                 `json:"retries"`
	jsonBody
}

// Report writes r to w as one JSON document followed by a newline.
func (j JSONReporter) Report(w io.Writer, r *contract.Result) error {
	return j.render(w, newView(r))
}

func (j JSONReporter) render(w io.Writer, v *view) error {
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false) // diffs and bodies stay readable
	if j.Indent {
		enc.SetIndent("", "  ")
	}
	if err := enc.Encode(v); err != nil {
		return fmt.Errorf("json report: %w", err)
	}
	return nil
}

// newView is r as the reports show it.
func newView(r *contract.Result) *view {
	v := &view{
		Target:     r.Target,
		Spec:       r.Spec,
		Operation:  r.Operation,
		Seed:       r.Seed,
		DurationMS: r.Duration.Milliseconds(),
		Cases:      r.Cases,
		Sent:       r.Sent,
		Checks:     append([]string{}, r.Checks...),
		Findings:   []jsonFinding{},
		Skipped:    []jsonSkip{},
		Coverage: jsonCoverage{
			Rows:    coveredJSON(r.Coverage.Rows),
			Classes: coveredJSON(r.Coverage.Classes),
			Plans:   coveredJSON(r.Coverage.Plans),
		},
		Passed:       r.Passed(),
		Verdict:      r.Verdict(),
		Aborted:      r.Aborted,
		Pace:         r.Pace,
		RateLimit:    jsonRateLimit{r.RateLimit.Answers, r.RateLimit.Paused.Milliseconds(), r.RateLimit.Slowest},
		Unjudged:     []jsonUnjudged{},
		UnjudgedN:    r.UnjudgedCount,
		Created:      r.Created,
		CreatedGen:   r.CreatedGenerated,
		Held:         []jsonHeld{},
		Inconclusive: append([]string{}, r.Inconclusive...),
		Shard:        shardOf(r.Shard),
		started:      r.Started,
		duration:     r.Duration,
		paused:       r.RateLimit.Paused,
	}
	for _, u := range r.Unjudged {
		v.Unjudged = append(v.Unjudged, jsonUnjudged{u.CaseID, u.Reason})
	}
	for _, h := range r.Held {
		v.Held = append(v.Held, jsonHeld{h.Account, h.Codes})
	}
	if !r.Started.IsZero() {
		v.Started = r.Started.UTC().Format(time.RFC3339Nano)
	}
	stats := make([]jsonStat, len(r.Stats))
	for i, s := range r.Stats {
		stats[i] = jsonStat(s)
	}
	v.Stats = statsInOrder(r.Checks, stats)
	for _, s := range r.Skipped {
		v.Skipped = append(v.Skipped, jsonSkip(s))
	}
	for i := range r.Findings {
		v.Findings = append(v.Findings, findingJSON(r.Operation, &r.Findings[i]))
	}
	return v
}

func coveredJSON(items []contract.Covered) []jsonCovered {
	out := make([]jsonCovered, len(items))
	for i, c := range items {
		out[i] = jsonCovered(c)
	}
	return out
}

func findingJSON(op string, f *contract.Finding) jsonFinding {
	jf := jsonFinding{
		Check:     f.Check,
		Row:       f.Row,
		Count:     f.Count,
		Case:      f.CaseID,
		Seed:      f.CaseSeed,
		Line:      FindingLine(op, f),
		Detail:    RedactBearer(f.Failure.Detail),
		Diff:      RedactBearer(f.Diff),
		Want:      rawJSON(f.Failure.Want),
		Got:       rawJSON(f.Failure.Got),
		Curl:      Curl(f),
		TokenHint: tokenHint(f.Example),
	}
	if !strings.Contains(jf.Curl, contract.TokenVar) {
		jf.TokenHint = ""
	}
	if f.Shrunk != nil {
		b := bodyJSON(f.Shrunk, len(f.Shrunk))
		jf.ShrunkBody, jf.ShrunkBodyBase64 = b.Body, b.BodyBase64
	}
	for _, step := range f.Steps {
		jf.Steps = append(jf.Steps, RedactBearer(singleLine(step.String())))
	}
	if ex := f.Example; ex != nil {
		jf.Request = &jsonRequest{
			Method:   ex.Method,
			URL:      ex.URL,
			Headers:  headersJSON(redactHeader(ex.ReqHeader)),
			jsonBody: bodyJSON(sentBody(ex), jsonBodyMax),
		}
		jf.Response = responseJSON(ex)
	}
	return jf
}

func responseJSON(ex *contract.Exchange) *jsonResponse {
	resp := &jsonResponse{
		Status:    ex.Status,
		Headers:   headersJSON(ex.Header),
		ElapsedMS: ex.Elapsed.Milliseconds(),
		Retries:   ex.Retries,
		jsonBody:  bodyJSON(ex.Body, len(ex.Body)),
	}
	if ex.Err != nil {
		resp.Error = RedactBearer(ex.Err.Error())
	}
	return resp
}

// headersJSON never returns nil, so "headers" is always an object.
func headersJSON(h http.Header) map[string][]string {
	if h == nil {
		return map[string][]string{}
	}
	return h
}

// bodyJSON keeps up to max bytes of b, as text when valid UTF-8.
func bodyJSON(b []byte, max int) jsonBody {
	out := jsonBody{BodySize: len(b)}
	if len(b) > max {
		b, out.BodyTruncated = b[:max], true
	}
	if utf8.Valid(b) {
		s := string(b)
		out.Body = &s
	} else {
		out.BodyBase64 = base64.StdEncoding.EncodeToString(b)
	}
	return out
}

// bytes is the body kept; nil when the report holds none, or bad base64.
func (b jsonBody) bytes() []byte {
	if b.Body != nil {
		return []byte(*b.Body)
	}
	data, _ := base64.StdEncoding.DecodeString(b.BodyBase64)
	return data
}

// shrunk is the finding's shrunk body, and whether it has one.
func (f *jsonFinding) shrunk() ([]byte, bool) {
	b := jsonBody{Body: f.ShrunkBody, BodyBase64: f.ShrunkBodyBase64}
	return b.bytes(), f.ShrunkBody != nil || f.ShrunkBodyBase64 != ""
}

// rawJSON encodes a want or got value; a value JSON cannot hold (a func, a
// channel, NaN) is kept as its %v text rather than failing the report.
func rawJSON(v any) json.RawMessage {
	if v == nil {
		return nil
	}
	if data, err := json.Marshal(v); err == nil {
		return data
	}
	data, _ := json.Marshal(fmt.Sprintf("%v", v)) // a string always encodes
	return data
}

// The verdicts of contract.Result.Verdict.
const (
	verdictPass         = "PASS"
	verdictFail         = "FAIL"
	verdictInconclusive = "INCONCLUSIVE"
	verdictAborted      = "ABORTED"
)
