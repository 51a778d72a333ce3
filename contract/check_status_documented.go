package contract

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/addons-contract/contract/spec"
)

// CheckStatusDocumented is the id of the status-documented check: the status is one the operation documents.
const CheckStatusDocumented = "status-documented"

// statusDocumented: the status is one the operation documents.
type statusDocumented struct{}

var _ Check = statusDocumented{}

func (statusDocumented) ID() string     { return CheckStatusDocumented }
func (statusDocumented) Traits() Traits { return Traits{AnswerAlone: true} }
func (statusDocumented) Doc() string {
	return "every status is one the operation documents"
}
func (statusDocumented) Applies(j *Judgement) bool { return j.answered() }
func (statusDocumented) Judge(j *Judgement) []Failure {
	if documented(j.Op, j.Exchange.Status) != nil {
		return nil
	}
	var list []string
	for _, r := range j.Op.Responses {
		if r.Status != 0 {
			list = append(list, strconv.Itoa(r.Status))
		}
	}
	return []Failure{{
		Row:    strconv.Itoa(j.Exchange.Status),
		Detail: fmt.Sprintf("status %d is not documented for %s %s (documented: %s)", j.Exchange.Status, j.Op.Method, j.Op.Path, strings.Join(list, ", ")),
	}}
}

// documented returns the response documenting status (or the default one), nil when none.
func documented(op *spec.Operation, status int) *spec.Response {
	var def *spec.Response
	for _, r := range op.Responses {
		if r.Status == status {
			return r
		}
		if r.Status == 0 {
			def = r
		}
	}
	return def
}
