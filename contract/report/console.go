package report

import (
	"bytes"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/addons-contract/contract/contract"
	"github.com/addons-contract/contract/internal/words"
)

// Reporter renders a result; console, JSON and JUnit implement it.
type Reporter interface {
	Report(w io.Writer, r *contract.Result) error
	// render writes a view: of a result, or of JSON reports (see Doc).
	render(w io.Writer, v *view) error
}

// ConsoleReporter renders a result for people: a header, the per-check
// table, one greppable line per finding with its case, diff, shrunk body and
// curl reproduction, the skips, the coverage and a final PASS or FAIL line.
// Its output depends only on the result (durations appear in the header
// only), so it can be compared with a golden file.
type ConsoleReporter struct {
	Verbose bool // add each finding's answer and every coverage count
	Color   bool // ANSI colours, for terminals
	// Replay reports a replay of saved entries: the header says so, and
	// neither the run's seed nor its coverage of the contract is shown,
	// since the entries, not a seed, chose what was sent.
	Replay bool
}

var _ Reporter = ConsoleReporter{}

// Limits of what the console prints of bodies; reproductions are never cut.
const (
	shrunkShown   = 300
	responseShown = 1 << 10
)

const (
	ansiRed    = "\x1b[31m"
	ansiGreen  = "\x1b[32m"
	ansiYellow = "\x1b[33m"
	ansiBold   = "\x1b[1m"
	ansiReset  = "\x1b[0m"
)

// Report writes r to w.
func (c ConsoleReporter) Report(w io.Writer, r *contract.Result) error {
	return c.render(w, newView(r))
}

// render writes the parts of the report in order, each after a blank line
// when it shows anything.
func (c ConsoleReporter) render(w io.Writer, v *view) error {
	var b bytes.Buffer
	c.header(&b, v)
	c.table(&b, v)
	c.findings(&b, v)
	c.skips(&b, v)
	if !c.Replay {
		c.coverage(&b, v)
	}
	c.notes(&b, v)
	c.verdict(&b, v)
	_, err := w.Write(b.Bytes())
	return err
}

// paint colours s when the reporter has colour.
func (c ConsoleReporter) paint(code, s string) string {
	if !c.Color {
		return s
	}
	return code + s + ansiReset
}

// header is the run's line (replay's, without seed), its pace and the rate
// limit it met.
func (c ConsoleReporter) header(b *bytes.Buffer, v *view) {
	took := v.duration.Round(time.Millisecond)
	shard := ""
	if v.Shard != nil {
		shard = ", shard " + v.Shard.String()
	}
	if c.Replay {
		fmt.Fprintf(b, "contract replay: target %s%s, %s, %s in %s\n",
			v.Target, shard, words.Count(v.Sent, "request"), words.Count(v.Cases, "case"), took)
	} else {
		fmt.Fprintf(b, "contract run: target %s, seed %d%s, %s, %s in %s\n",
			v.Target, v.Seed, shard, words.Count(v.Sent, "request"), words.Count(v.Cases, "case"), took)
	}
	if v.Pace != "" {
		fmt.Fprintf(b, "pace: %s\n", v.Pace)
	}
	if rl := v.RateLimit; rl.Answers > 0 {
		fmt.Fprintf(b, "%s\n", c.paint(ansiYellow, fmt.Sprintf("rate limited: %s, senders paused %s in all, pace lowered to %.1f requests/s",
			words.Count(rl.Answers, "429 answer"), v.paused.Round(time.Millisecond), rl.Slowest)))
	}
}

// table is the per-check table of passes and failures.
func (c ConsoleReporter) table(b *bytes.Buffer, v *view) {
	if len(v.Stats) == 0 {
		return
	}
	width := len("check")
	for _, s := range v.Stats {
		width = max(width, len(s.Check))
	}
	fmt.Fprintf(b, "\n%-*s  %8s  %8s\n", width, "check", "passed", "failed")
	for _, s := range v.Stats {
		failed := fmt.Sprintf("%8d", s.Failed)
		if s.Failed > 0 {
			failed = c.paint(ansiRed, failed)
		}
		fmt.Fprintf(b, "%-*s  %8d  %s\n", width, s.Check, s.Passed, failed)
	}
}

// findings is one greppable line per finding, each with its details.
func (c ConsoleReporter) findings(b *bytes.Buffer, v *view) {
	if len(v.Findings) == 0 {
		return
	}
	fmt.Fprintf(b, "\nFINDINGS (%d)\n", len(v.Findings))
	for i := range v.Findings {
		f := &v.Findings[i]
		fmt.Fprintf(b, "%s (%s)\n", c.paint(ansiBold+ansiRed, f.Line), words.Count(f.Count, "case"))
		c.finding(b, f)
	}
}

// skips says why cases were not sent.
func (c ConsoleReporter) skips(b *bytes.Buffer, v *view) {
	if len(v.Skipped) == 0 {
		return
	}
	b.WriteString("\n")
	for _, s := range v.Skipped {
		fmt.Fprintf(b, "%s\n", c.paint(ansiYellow, fmt.Sprintf("skipped %s: %s", words.Count(s.Count, "case"), s.Reason)))
	}
}

// coverage says, per kind of item, how many the run reached and which not;
// verbose, with every count.
func (c ConsoleReporter) coverage(b *bytes.Buffer, v *view) {
	first := true
	for _, cv := range []struct {
		what  string
		items []jsonCovered
	}{
		{"error rows", v.Coverage.Rows},
		{"invalid classes", v.Coverage.Classes},
		{"catalog plans", v.Coverage.Plans},
	} {
		if len(cv.items) == 0 {
			continue
		}
		if first {
			b.WriteString("\n")
			first = false
		}
		var missed, counts []string
		for _, it := range cv.items {
			if it.Count == 0 {
				missed = append(missed, it.ID)
			}
			counts = append(counts, fmt.Sprintf("%s %d", it.ID, it.Count))
		}
		fmt.Fprintf(b, "%s reached: %d/%d", cv.what, len(cv.items)-len(missed), len(cv.items))
		if len(missed) > 0 {
			fmt.Fprintf(b, " — not reached: %s", strings.Join(missed, ", "))
		}
		b.WriteString("\n")
		if c.Verbose {
			fmt.Fprintf(b, "    %s\n", strings.Join(counts, ", "))
		}
	}
}

// notes are the unjudged cases, the 201s judged and what accounts held
// before the run.
func (c ConsoleReporter) notes(b *bytes.Buffer, v *view) {
	if v.UnjudgedN > 0 {
		var ids []string
		for _, u := range v.Unjudged {
			ids = append(ids, u.Case)
		}
		more := ""
		if v.UnjudgedN > len(ids) {
			more = fmt.Sprintf(" and %d more", v.UnjudgedN-len(ids))
		}
		fmt.Fprintf(b, "%s\n", c.paint(ansiYellow, fmt.Sprintf("unjudged: %s the target did not answer (still 429 after retries): %s%s",
			words.Count(v.UnjudgedN, "case"), strings.Join(ids, ", "), more)))
	}
	if !c.Replay && (v.Created > 0 || len(v.Inconclusive) > 0) {
		fmt.Fprintf(b, "201s judged: %d (%d on generated payloads)\n", v.Created, v.CreatedGen)
	}
	for _, h := range v.Held {
		fmt.Fprintf(b, "held before this run on %s: %s\n", h.Account, strings.Join(h.Codes, ", "))
	}
}

// verdict is the final line, after what an INCONCLUSIVE run did not see.
func (c ConsoleReporter) verdict(b *bytes.Buffer, v *view) {
	b.WriteString("\n")
	switch v.Verdict {
	case verdictAborted:
		so := ""
		if len(v.Findings) > 0 {
			so = fmt.Sprintf(" (%s so far)", words.Count(len(v.Findings), "finding"))
		}
		fmt.Fprintf(b, "%s\n", c.paint(ansiRed, "ABORTED: "+v.Aborted+so))
	case verdictFail:
		// What the run could not judge still bounds what the findings cover
		// (checks off for want of a spec table, stale golden files).
		if len(v.Inconclusive) > 0 {
			b.WriteString("not judged either:\n")
			for _, why := range v.Inconclusive {
				fmt.Fprintf(b, "  - %s\n", why)
			}
		}
		fmt.Fprintf(b, "%s\n", c.paint(ansiRed, "FAIL: "+words.Count(len(v.Findings), "finding")))
	case verdictInconclusive:
		b.WriteString("not observed, which a PASS needs:\n")
		for _, why := range v.Inconclusive {
			fmt.Fprintf(b, "  - %s\n", why)
		}
		fmt.Fprintf(b, "%s\n", c.paint(ansiYellow, "INCONCLUSIVE: "+v.Inconclusive[0]+andMore(len(v.Inconclusive)-1)))
	default:
		fmt.Fprintf(b, "%s\n", c.paint(ansiGreen, "PASS"))
	}
}

// finding writes the indented detail lines of one finding.
func (c ConsoleReporter) finding(b *bytes.Buffer, f *jsonFinding) {
	const ind = "    "
	if f.Case != "" {
		fmt.Fprintf(b, "%scase: %s (seed %d)\n", ind, f.Case, f.Seed)
	}
	if f.Diff != "" {
		fmt.Fprintf(b, "%sdiff (-want +got):\n", ind)
		for _, line := range strings.Split(strings.TrimRight(RedactBearer(f.Diff), "\n"), "\n") {
			fmt.Fprintf(b, "%s%s%s\n", ind, ind, line)
		}
	}
	if shrunk, ok := f.shrunk(); ok {
		fmt.Fprintf(b, "%sshrunk body: %s\n", ind, showBody(shrunk, shrunkShown))
	}
	if c.Verbose && f.Response != nil {
		fmt.Fprintf(b, "%sanswer: %s\n", ind, answerLine(f.Response))
	}
	if len(f.Steps) > 0 {
		// A state-model finding is a sequence: the earlier adds are what
		// make the last answer wrong, so they are part of the repro.
		fmt.Fprintf(b, "%ssteps (shrunk sequence, the last one failed):\n", ind)
		for i, step := range f.Steps {
			fmt.Fprintf(b, "%s%s%d. %s\n", ind, ind, i+1, step)
		}
	}
	if f.Curl != "" {
		if f.TokenHint != "" {
			fmt.Fprintf(b, "%stoken: %s\n", ind, f.TokenHint)
		}
		fmt.Fprintf(b, "%srepro: %s\n", ind, f.Curl)
	}
}

// answerLine is the answer a finding's example got, on one line.
func answerLine(resp *jsonResponse) string {
	if resp.Error != "" {
		return "none: " + RedactBearer(resp.Error)
	}
	line := fmt.Sprintf("%d %s", resp.Status, http.Header(resp.Headers).Get("Content-Type"))
	if resp.Retries > 0 {
		line += " after " + words.Count(resp.Retries, "retry")
	}
	return line + ": " + showBody(resp.bytes(), responseShown)
}

// tokenHint says which token $TOKEN in ex's repro stands for: a
// tokens.master past its expiry, a fixture role, or the made-up credential
// the case sent; "" when ex sent none.
func tokenHint(ex *contract.Exchange) string {
	switch {
	case ex != nil && ex.Case != nil && ex.Case.Req.Token == contract.TokenExpiredMaster:
		return "set TOKEN to a tokens.master token past its expires_in"
	case tokenRole(ex) != "":
		return fmt.Sprintf("set TOKEN to the tokens.%s fixture (for an OAuth role, a token fetched for its client)", tokenRole(ex))
	case literalToken(ex) != "":
		// Made-up credentials are no secret; the repro still reads
		// $TOKEN so that no command line ever carries a real one.
		return "set TOKEN to a token the server never issued, e.g. " + literalToken(ex)
	}
	return ""
}

// FindingLine is the one greppable line of a finding, without its count:
// "POST /accounts/{accountId}/plans/addons [error-row] self_pay: detail".
// op may be empty; a finding without a row reads "[check]: detail".
func FindingLine(op string, f *contract.Finding) string {
	return findingLine(op, f.Check, f.Row, f.Failure.Detail)
}

func findingLine(op, check, row, detail string) string {
	var b strings.Builder
	if op != "" {
		b.WriteString(op + " ")
	}
	b.WriteString("[" + check + "]")
	if row != "" {
		b.WriteString(" " + row)
	}
	if detail == "" {
		detail = "failed"
	}
	b.WriteString(": " + singleLine(detail))
	return RedactBearer(b.String())
}

// Curl is the finding's reproduction command: its Repro request (the
// shrunk one) or else its example, with any bearer token redacted.
func Curl(f *contract.Finding) string {
	if f.Repro != nil {
		return Repro(f.Repro)
	}
	return Repro(f.Example)
}

// tokenRole names the fixture token $TOKEN stands for in ex, "" when the
// case sent none or a literal.
func tokenRole(ex *contract.Exchange) string {
	if ex == nil || ex.Case == nil {
		return ""
	}
	switch role := ex.Case.Req.Token; role {
	case contract.TokenMaster, contract.TokenVolumeLicense, contract.TokenUnknownUser:
		return role
	case "":
		return contract.TokenMaster
	}
	return ""
}

// literalToken is the made-up credential a case sent instead of a fixture
// role, "" when it sent a role or none.
func literalToken(ex *contract.Exchange) string {
	if ex == nil || ex.Case == nil || tokenRole(ex) != "" || ex.Case.Req.Token == contract.TokenNone || ex.Case.Req.Token == contract.TokenExpiredMaster {
		return ""
	}
	return ex.Case.Req.Token
}

// statsInOrder returns one stat per check in checks order (zero counts for
// a check without stats), then any stats of checks not listed; never nil.
func statsInOrder(checks []string, stats []jsonStat) []jsonStat {
	byID := make(map[string]jsonStat, len(stats))
	for _, s := range stats {
		byID[s.Check] = s
	}
	out := make([]jsonStat, 0, len(checks))
	listed := make(map[string]bool, len(checks))
	for _, id := range checks {
		if listed[id] {
			continue
		}
		listed[id] = true
		s, ok := byID[id]
		if !ok {
			s = jsonStat{Check: id}
		}
		out = append(out, s)
	}
	for _, s := range stats {
		if !listed[s.Check] {
			listed[s.Check] = true
			out = append(out, s)
		}
	}
	return out
}

// showBody renders a body on one line, cut to about max bytes with the full
// size noted: as text when it is printable on one line, Go-quoted otherwise.
func showBody(b []byte, max int) string {
	if len(b) == 0 {
		return "(empty)"
	}
	cut := b
	if len(cut) > max {
		cut = cut[:max]
		// Do not split the last rune (a binary body is cut anywhere).
		i := len(cut) - 1
		for j := 0; j < utf8.UTFMax-1 && i > 0 && !utf8.RuneStart(cut[i]); j++ {
			i--
		}
		if utf8.RuneStart(cut[i]) && !utf8.FullRune(cut[i:]) {
			cut = cut[:i]
		}
	}
	var s string
	if shellPrintable(cut) && !bytes.ContainsAny(cut, "\n\t") {
		s = string(cut)
	} else {
		s = strconv.Quote(string(cut))
	}
	if len(cut) < len(b) {
		s += fmt.Sprintf("… (%d bytes)", len(b))
	}
	return s
}

// singleLine keeps a detail on its line: newlines would break grep.
func singleLine(s string) string {
	if !strings.ContainsAny(s, "\r\n") {
		return s
	}
	return strings.NewReplacer("\r", `\r`, "\n", `\n`).Replace(s)
}

// andMore is " (and N more)" for n > 0, "" otherwise.
func andMore(n int) string {
	if n <= 0 {
		return ""
	}
	return fmt.Sprintf(" (and %d more)", n)
}
