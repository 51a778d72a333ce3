package contract

import (
	"fmt"

	"github.com/addons-contract/contract/spec"
)

// CheckInvalidRejected is the id of the invalid-rejected check: an invalid request is answered 4xx, never 2xx.
const CheckInvalidRejected = "invalid-rejected"

// invalidRejected: an invalid request (a generated invalid payload, or a
// scenario whose body or media type is wrong) is answered 4xx, never 2xx.
type invalidRejected struct{}

var _ Check = invalidRejected{}

func (invalidRejected) ID() string { return CheckInvalidRejected }
func (invalidRejected) Doc() string {
	return "every invalid payload is rejected with a 4xx, never accepted"
}
func (invalidRejected) Applies(j *Judgement) bool {
	return j.answered() && (j.Case.Kind == KindInvalid || rejectionRows[j.Case.Expect.Row])
}
func (invalidRejected) Judge(j *Judgement) []Failure {
	s := j.Exchange.Status
	expected := j.Case.Expect.Row
	var passed string // a row the server reached only by taking the input for valid
	if s >= 400 {
		if s >= 500 {
			return nil // no-server-error's
		}
		if passed = laterRow(j.Op, expected, rowOf(j.Op, j.answer())); passed == "" {
			return nil // rejected; whether with the right row is error-row's
		}
	}
	key := expected
	if j.Case.Class != "" {
		key += "/" + j.Case.Class
	}
	want := 0
	if row, ok := j.row(); ok {
		want = row.Status
	}
	var detail string
	switch {
	case passed != "":
		detail = fmt.Sprintf("got %s (%s), want %s: the server took the input past the %s check", statusText(j.answer()), passed, expected, expected)
	case want == 0: // the spec has no error matrix: any 4xx rejects
		detail = fmt.Sprintf("got %d, want a 4xx", s)
	default:
		detail = fmt.Sprintf("got %d, want %d (%s)", s, want, expected)
	}
	if j.Case.Field != "" {
		detail += fmt.Sprintf(" (bad %s)", j.Case.Field)
	}
	// The row is part of the diff: a server may answer the right status
	// with a row further down the check order (say 400/2100 for a body it
	// should have refused as 400/300).
	return []Failure{{Row: key, Detail: detail, Want: rejection{want, expected}, Got: rejection{s, passed}}}
}

// rejection is the Want/Got shape of invalid-rejected: the status and the
// error row it stands for ("" where the answer is no row).
type rejection struct {
	Status int
	Row    string
}

// laterRow returns got when the operation's check order (x-check-order)
// runs got's check after want's: a server answering got never rejected the
// input as want says it must. "" when got is no row, is want, or either
// is not in the order.
func laterRow(op *spec.Operation, want, got string) string {
	if got != "" && spec.Before(op.CheckOrder, want, got) {
		return got
	}
	return ""
}
