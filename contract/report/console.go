package report

import (
	"bytes"
	"fmt"
	"github.com/addons-contract/contract/contract"
	"github.com/addons-contract/contract/internal/words"
	"io"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// Reporter renders a result; console, JSON and JUnit implement it.
type Reporter interface {
	Report(w io.Writer, r *contract.Result) error
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
	var b bytes.Buffer
	paint := func(code, s string) string {
		if !c.Color {
			return s
		}
		return code + s + ansiReset
	}

	if c.Replay {
		fmt.Fprintf(&b, "contract replay: target %s, %s, %s in %s\n",
			r.Target, words.Count(r.Sent, "request"), words.Count(r.Cases, "case"), r.Duration.Round(time.Millisecond))
	} else {
		fmt.Fprintf(&b, "contract run: target %s, seed %d, %s, %s in %s\n",
			r.Target, r.Seed, words.Count(r.Sent, "request"), words.Count(r.Cases, "case"), r.Duration.Round(time.Millisecond))
	}

	if r.Pace != "" {
		fmt.Fprintf(&b, "pace: %s\n", r.Pace)
	}
	if rl := r.RateLimit; rl.Answers > 0 {
		fmt.Fprintf(&b, "%s\n", paint(ansiYellow, fmt.Sprintf("rate limited: %s, senders paused %s in all, pace lowered to %.1f requests/s",
			words.Count(rl.Answers, "429 answer"), rl.Paused.Round(time.Millisecond), rl.Slowest)))
	}

	// Per-check table.
	stats := statsInOrder(r)
	if len(stats) > 0 {
		width := len("check")
		for _, s := range stats {
			width = max(width, len(s.Check))
		}
		fmt.Fprintf(&b, "\n%-*s  %8s  %8s\n", width, "check", "passed", "failed")
		for _, s := range stats {
			failed := fmt.Sprintf("%8d", s.Failed)
			if s.Failed > 0 {
				failed = paint(ansiRed, failed)
			}
			fmt.Fprintf(&b, "%-*s  %8d  %s\n", width, s.Check, s.Passed, failed)
		}
	}

	if len(r.Findings) > 0 {
		fmt.Fprintf(&b, "\nFINDINGS (%d)\n", len(r.Findings))
		for i := range r.Findings {
			f := &r.Findings[i]
			fmt.Fprintf(&b, "%s (%s)\n", paint(ansiBold+ansiRed, FindingLine(r.Operation, f)), words.Count(f.Count, "case"))
			c.finding(&b, f)
		}
	}

	if len(r.Skipped) > 0 {
		b.WriteString("\n")
		for _, s := range r.Skipped {
			fmt.Fprintf(&b, "%s\n", paint(ansiYellow, fmt.Sprintf("skipped %s: %s", words.Count(s.Count, "case"), s.Reason)))
		}
	}

	cov := []struct {
		what  string
		items []contract.Covered
	}{
		{"error rows", r.Coverage.Rows},
		{"invalid classes", r.Coverage.Classes},
		{"catalog plans", r.Coverage.Plans},
	}
	if c.Replay {
		cov = nil
	}
	first := true
	for _, cv := range cov {
		if len(cv.items) == 0 {
			continue
		}
		if first {
			b.WriteString("\n")
			first = false
		}
		missed := contract.Unreached(cv.items)
		fmt.Fprintf(&b, "%s reached: %d/%d", cv.what, len(cv.items)-len(missed), len(cv.items))
		if len(missed) > 0 {
			fmt.Fprintf(&b, " — not reached: %s", strings.Join(missed, ", "))
		}
		b.WriteString("\n")
		if c.Verbose {
			parts := make([]string, len(cv.items))
			for i, it := range cv.items {
				parts[i] = fmt.Sprintf("%s %d", it.ID, it.Count)
			}
			fmt.Fprintf(&b, "    %s\n", strings.Join(parts, ", "))
		}
	}

	if r.UnjudgedCount > 0 {
		var ids []string
		for _, u := range r.Unjudged {
			ids = append(ids, u.CaseID)
		}
		more := ""
		if r.UnjudgedCount > len(ids) {
			more = fmt.Sprintf(" and %d more", r.UnjudgedCount-len(ids))
		}
		fmt.Fprintf(&b, "%s\n", paint(ansiYellow, fmt.Sprintf("unjudged: %s the target did not answer (still 429 after retries): %s%s",
			words.Count(r.UnjudgedCount, "case"), strings.Join(ids, ", "), more)))
	}
	if !c.Replay && (r.Created > 0 || len(r.Inconclusive) > 0) {
		fmt.Fprintf(&b, "201s judged: %d (%d on generated payloads)\n", r.Created, r.CreatedGenerated)
	}
	for _, h := range r.Held {
		fmt.Fprintf(&b, "held before this run on %s: %s\n", h.Account, strings.Join(h.Codes, ", "))
	}

	b.WriteString("\n")
	switch {
	case r.Aborted != "" && len(r.Findings) > 0:
		fmt.Fprintf(&b, "%s\n", paint(ansiRed, fmt.Sprintf("ABORTED: %s (%s so far)", r.Aborted, words.Count(len(r.Findings), "finding"))))
	case r.Aborted != "":
		fmt.Fprintf(&b, "%s\n", paint(ansiRed, "ABORTED: "+r.Aborted))
	case len(r.Findings) > 0:
		fmt.Fprintf(&b, "%s\n", paint(ansiRed, "FAIL: "+words.Count(len(r.Findings), "finding")))
	case len(r.Inconclusive) > 0:
		b.WriteString("not observed, which a PASS needs:\n")
		for _, why := range r.Inconclusive {
			fmt.Fprintf(&b, "  - %s\n", why)
		}
		fmt.Fprintf(&b, "%s\n", paint(ansiYellow, "INCONCLUSIVE: "+r.Inconclusive[0]+andMore(len(r.Inconclusive)-1)))
	default:
		fmt.Fprintf(&b, "%s\n", paint(ansiGreen, "PASS"))
	}
	_, err := w.Write(b.Bytes())
	return err
}

// finding writes the indented detail lines of one finding.
func (c ConsoleReporter) finding(b *bytes.Buffer, f *contract.Finding) {
	const ind = "    "
	if f.CaseID != "" {
		fmt.Fprintf(b, "%scase: %s (seed %d)\n", ind, f.CaseID, f.CaseSeed)
	}
	if f.Diff != "" {
		fmt.Fprintf(b, "%sdiff (-want +got):\n", ind)
		for _, line := range strings.Split(strings.TrimRight(RedactBearer(f.Diff), "\n"), "\n") {
			fmt.Fprintf(b, "%s%s%s\n", ind, ind, line)
		}
	}
	if f.Shrunk != nil {
		fmt.Fprintf(b, "%sshrunk body: %s\n", ind, showBody(f.Shrunk, shrunkShown))
	}
	if c.Verbose && f.Example != nil {
		ex := f.Example
		switch {
		case ex.Err != nil:
			fmt.Fprintf(b, "%sanswer: none: %s\n", ind, RedactBearer(ex.Err.Error()))
		default:
			fmt.Fprintf(b, "%sanswer: %d %s", ind, ex.Status, ex.Header.Get("Content-Type"))
			if ex.Retries > 0 {
				fmt.Fprintf(b, " after %s", words.Count(ex.Retries, "retry"))
			}
			fmt.Fprintf(b, ": %s\n", showBody(ex.Body, responseShown))
		}
	}
	if len(f.Steps) > 0 {
		// A state-model finding is a sequence: the earlier adds are what
		// make the last answer wrong, so they are part of the repro.
		fmt.Fprintf(b, "%ssteps (shrunk sequence, the last one failed):\n", ind)
		for i, step := range f.Steps {
			fmt.Fprintf(b, "%s%s%d. %s\n", ind, ind, i+1, RedactBearer(singleLine(step.String())))
		}
	}
	if repro := Curl(f); repro != "" {
		if strings.Contains(repro, contract.TokenVar) {
			if f.Example != nil && f.Example.Case != nil && f.Example.Case.Req.Token == contract.TokenExpiredMaster {
				fmt.Fprintf(b, "%stoken: set TOKEN to a tokens.master token past its expires_in\n", ind)
			} else if role := tokenRole(f.Example); role != "" {
				fmt.Fprintf(b, "%stoken: set TOKEN to the tokens.%s fixture (for an OAuth role, a token fetched for its client)\n", ind, role)
			} else if lit := literalToken(f.Example); lit != "" {
				// Made-up credentials are no secret; the repro still reads
				// $TOKEN so that no command line ever carries a real one.
				fmt.Fprintf(b, "%stoken: set TOKEN to a token the server never issued, e.g. %s\n", ind, lit)
			}
		}
		fmt.Fprintf(b, "%srepro: %s\n", ind, repro)
	}
}

// FindingLine is the one greppable line of a finding, without its count:
// "POST /accounts/{accountId}/plans/addons [error-row] self_pay: detail".
// op may be empty; a finding without a row reads "[check]: detail".
func FindingLine(op string, f *contract.Finding) string {
	var b strings.Builder
	if op != "" {
		b.WriteString(op + " ")
	}
	b.WriteString("[" + f.Check + "]")
	if f.Row != "" {
		b.WriteString(" " + f.Row)
	}
	detail := f.Failure.Detail
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

// statsInOrder returns one CheckStat per check in r.Checks order (zero
// counts for a check without stats), then any stats of checks not listed.
func statsInOrder(r *contract.Result) []contract.CheckStat {
	byID := make(map[string]contract.CheckStat, len(r.Stats))
	for _, s := range r.Stats {
		byID[s.Check] = s
	}
	out := make([]contract.CheckStat, 0, len(r.Checks))
	listed := make(map[string]bool, len(r.Checks))
	for _, id := range r.Checks {
		if listed[id] {
			continue
		}
		listed[id] = true
		s, ok := byID[id]
		if !ok {
			s = contract.CheckStat{Check: id}
		}
		out = append(out, s)
	}
	for _, s := range r.Stats {
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

// nounCount renders "1 case", "2 cases", "1 retry", "2 retries".
// andMore is " (and N more)" for n > 0, "" otherwise.
func andMore(n int) string {
	if n <= 0 {
		return ""
	}
	return fmt.Sprintf(" (and %d more)", n)
}
