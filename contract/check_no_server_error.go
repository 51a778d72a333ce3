package contract

import (
	"fmt"

	"github.com/addons-contract/contract/contract/target"
)

// CheckNoServerError is the id of the no-server-error check: no 5xx, no dropped connection.
const CheckNoServerError = "no-server-error"

// noServerError: no 5xx and no dropped connection, whatever was sent.
type noServerError struct{}

var _ Check = noServerError{}

func (noServerError) ID() string     { return CheckNoServerError }
func (noServerError) Traits() Traits { return Traits{AnswerAlone: true, Open: true, Unread: true} }
func (noServerError) Doc() string {
	return "no answer is a 5xx and no connection is dropped, whatever the request"
}
func (noServerError) Applies(*Judgement) bool { return true }
func (noServerError) Judge(j *Judgement) []Failure {
	ex := j.Exchange
	switch {
	case Refused(ex.Err):
		// Read no further than the bound: the refusal is the detail.
		return []Failure{{Row: ExpectKey(j.Case), Detail: fmt.Sprintf("status %d: %v", ex.Status, ex.Err)}}
	case ex.Err != nil && target.IsTimeout(ex.Err):
		return []Failure{{Row: ExpectKey(j.Case), Detail: "no answer within the timeout: " + Cause(ex.Err).Error()}}
	case ex.Err != nil:
		return []Failure{{Row: ExpectKey(j.Case), Detail: "no answer: " + Cause(ex.Err).Error()}}
	case ex.Status >= 500:
		a := j.answer()
		return []Failure{{Row: ExpectKey(j.Case), Detail: fmt.Sprintf("got %s, want no 5xx", statusText(a))}}
	}
	return nil
}
