package contract

import (
	"fmt"
	"net/http"
	"strconv"
	"strings"

	"github.com/addons-contract/contract/internal/words"

	"github.com/addons-contract/contract/spec"
)

// CheckErrorRow is the id of the error-row check: status, code and message match the matrix row the input must hit.
const CheckErrorRow = "error-row"

// errorRow: a case that must hit a row of the error matrix gets exactly
// that row: status, code, and a message fitting its template with the
// placeholders filled. Any 429 must be the rate_limited row with a
// Retry-After header.
type errorRow struct{}

var _ Check = errorRow{}

func (errorRow) ID() string { return CheckErrorRow }
func (errorRow) Traits() Traits {
	// Which row an input must hit is the matrix's, and for an input that
	// trips two checks, the check order's.
	return Traits{AnswerAlone: true, Model: true, Needs: []string{spec.TableErrors, spec.TableCheckOrder}}
}
func (errorRow) Doc() string {
	return "status, code and message match the error-matrix row the input must hit; a 429 carries code 429 and Retry-After"
}
func (errorRow) Applies(j *Judgement) bool {
	if !j.answered() {
		return false
	}
	if j.Exchange.Status == http.StatusTooManyRequests {
		return true
	}
	e := j.Case.Expect
	if e.Any {
		// A fuzz input may get any row; an error must still be one (5xx are
		// no-server-error's, routes other than the operation's have no row).
		return j.toOperation() && j.Exchange.Status >= 400 && j.Exchange.Status < 500
	}
	if e.State || e.Status == http.StatusMethodNotAllowed {
		return false // the state model and method-not-allowed judge those
	}
	return e.Row != "" || e.Status != 0
}
func (errorRow) Judge(j *Judgement) []Failure {
	a := j.answer()
	if a.status == http.StatusTooManyRequests {
		return judgeRateLimited(j, a)
	}
	e := j.Case.Expect
	if e.Any {
		return judgeAnyRow(j, a)
	}
	if e.Row == "" {
		want := errorAnswer{Status: e.Status}
		got := errorAnswer{Status: a.status}
		if e.Code != 0 {
			want.Code = int64(e.Code)
			if a.hasCode {
				got.Code = a.code
			}
		}
		if want == got {
			return nil
		}
		return []Failure{{Row: ExpectKey(j.Case), Detail: fmt.Sprintf("got %s, want %s", statusText(a), describeWant(want)), Want: want, Got: got}}
	}
	row, ok := j.row()
	if !ok {
		return []Failure{{Row: e.Row, Detail: fmt.Sprintf("the case expects row %q, which the spec does not define", e.Row)}}
	}
	fill := j.fill()
	if matchesRow(row, a, fill) {
		return nil
	}
	return []Failure{{
		Row:    row.ID,
		Detail: fmt.Sprintf("got %s, want %s", statusText(a), describeRow(row, fill)),
		Want:   wantError(row, fill, a), Got: gotError(a),
	}}
}

func describeWant(w errorAnswer) string {
	s := fmt.Sprint(w.Status)
	if w.Code != nil {
		s += fmt.Sprintf("/%v", w.Code)
	}
	if m, ok := w.Message.(string); ok {
		s += fmt.Sprintf(" %q", words.Clip(m, 120))
	}
	return s
}

// describeRow is what a row's answer must be, in words: status/code and the
// message with the placeholders the runner can fill; a message that is
// free text ({detail}) is left out, since any non-empty one is right.
func describeRow(row spec.ErrorRow, fill spec.Fill) string {
	s := fmt.Sprintf("%d/%d", row.Status, row.Code)
	msg := spec.FillMessage(row.Message, fill)
	if msg == "{detail}" {
		return s + " with a message"
	}
	return s + fmt.Sprintf(" %q", words.Clip(msg, 120))
}

// judgeAnyRow holds an error answer to a fuzz input to the matrix: its
// status and code must be those of some row (which row is the input's
// business, so the message is not judged).
func judgeAnyRow(j *Judgement, a answer) []Failure {
	if a.hasCode {
		for _, r := range j.Op.Errors {
			if r.Status == a.status && int64(r.Code) == a.code {
				return nil
			}
		}
	}
	return []Failure{{Row: ExpectKey(j.Case), Detail: fmt.Sprintf("got %s, want the status and code of some error-matrix row", statusText(a)), Got: gotError(a)}}
}

// judgeRateLimited holds a 429 to the rate_limited row and its Retry-After header.
func judgeRateLimited(j *Judgement, a answer) []Failure {
	var out []Failure
	if row, ok := j.Op.Row(spec.RowRateLimited); ok && !matchesRow(row, a, nil) {
		out = append(out, Failure{Row: spec.RowRateLimited, Detail: fmt.Sprintf("got %s, want %s", statusText(a), describeRow(row, nil)), Want: wantError(row, nil, a), Got: gotError(a)})
	}
	ra := strings.TrimSpace(j.Exchange.Header.Get("Retry-After"))
	if n, err := strconv.Atoi(ra); err != nil || n < 0 {
		out = append(out, Failure{Row: spec.RowRateLimited, Detail: fmt.Sprintf("429 with Retry-After %q, want a number of seconds", ra)})
	}
	return out
}
