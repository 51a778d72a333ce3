package contract

import (
	"fmt"
	"net/http"
	"strings"
)

// CheckMethodNotAllowed is the id of the method-not-allowed check: other methods on the path get 405 with Allow.
const CheckMethodNotAllowed = "method-not-allowed"

// methodNotAllowed: another method on the operation's path gets 405 with
// an Allow header that lists the operation's method.
type methodNotAllowed struct{}

var _ Check = methodNotAllowed{}

func (methodNotAllowed) ID() string { return CheckMethodNotAllowed }
func (methodNotAllowed) Doc() string {
	return "other methods on the path get 405 with an Allow header listing POST"
}
func (methodNotAllowed) Applies(j *Judgement) bool {
	return j.answered() && j.Case.Expect.Status == http.StatusMethodNotAllowed
}
func (methodNotAllowed) Judge(j *Judgement) []Failure {
	m := j.Exchange.Method
	if s := j.Exchange.Status; s != http.StatusMethodNotAllowed {
		return []Failure{{Row: "405", Detail: fmt.Sprintf("%s: got %d, want 405", m, s), Want: statusOnly{405}, Got: statusOnly{s}}}
	}
	if !allowed(j.Exchange.Header, j.Op.Method) {
		return []Failure{{Row: "allow", Detail: fmt.Sprintf("%s: 405 with Allow %q, want it to list %s", m, strings.Join(j.Exchange.Header.Values("Allow"), ", "), j.Op.Method)}}
	}
	return nil
}
