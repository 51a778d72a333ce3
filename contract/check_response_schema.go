package contract

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"

	"github.com/addons-contract/contract/spec"
)

// CheckResponseSchema is the id of the response-schema check: the body conforms to its status's schema (formats asserted).
const CheckResponseSchema = "response-schema"

// responseSchema: the answer conforms to the spec (body schema of its
// status, formats asserted, documented headers), as libopenapi-validator
// judges it. Status and media type are left to their own checks.
type responseSchema struct{}

var _ Check = responseSchema{}

func (responseSchema) ID() string     { return CheckResponseSchema }
func (responseSchema) Traits() Traits { return Traits{AnswerAlone: true} }
func (responseSchema) Doc() string {
	return "the body conforms to the schema of its status (formats asserted) and documented headers are present"
}
func (responseSchema) Applies(j *Judgement) bool {
	return j.answered() && j.Validator != nil && j.toOperation() && documented(j.Op, j.Exchange.Status) != nil
}
func (responseSchema) Judge(j *Judgement) []Failure {
	id := j.AccountID
	if id == "" {
		id = "_" // the route must still match to find the operation; the id is not judged
	}
	path := j.Op.PathFor(url.PathEscape(id))
	req, err := http.NewRequest(j.Op.Method, path, nil)
	if err != nil {
		return []Failure{{Row: "request", Detail: err.Error()}}
	}
	var out []Failure
	for _, p := range j.Validator.Response(req, j.Exchange.Status, j.Exchange.Header, j.Exchange.Body) {
		if p.Keyword == "status" || p.Keyword == "content-type" {
			continue
		}
		out = append(out, Failure{
			Row:    schemaGroup(j.Exchange.Status, p),
			Detail: fmt.Sprintf("status %d: %s", j.Exchange.Status, p.Message),
		})
	}
	return out
}

// schemaGroup groups schema failures by cause: the status class, the
// keyword and the last element of the field (indices dropped), so a
// string "hosts" in every plan of a 201 is one finding.
func schemaGroup(status int, p spec.Problem) string {
	field := p.Field
	if i := strings.LastIndexAny(field, ".]"); i >= 0 && i+1 < len(field) {
		field = field[i+1:]
	}
	if i := strings.IndexByte(field, '['); i >= 0 {
		field = field[:i]
	}
	s := fmt.Sprintf("%dxx %s", status/100, p.Keyword)
	if field != "" {
		s += " " + field
	}
	return s
}
