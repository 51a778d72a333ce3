package contract

import (
	"fmt"
	"net/http"
	"strings"
)

// CheckContentType is the id of the content-type check: answers carry the documented media type.
const CheckContentType = "content-type"

// contentType: a documented answer with content carries its media type.
type contentType struct{}

var _ Check = contentType{}

func (contentType) ID() string     { return CheckContentType }
func (contentType) Traits() Traits { return Traits{AnswerAlone: true} }
func (contentType) Doc() string {
	return "answers with a documented body carry its media type (application/json)"
}
func (contentType) Applies(j *Judgement) bool {
	if !j.answered() || j.Exchange.Status == http.StatusMethodNotAllowed {
		return false // the body of a 405 is left open by the contract
	}
	r := documented(j.Op, j.Exchange.Status)
	return r != nil && r.MediaType != ""
}
func (contentType) Judge(j *Judgement) []Failure {
	want := documented(j.Op, j.Exchange.Status).MediaType
	got := j.answer().mediaType
	if strings.EqualFold(got, want) {
		return nil
	}
	raw := j.Exchange.Header.Get("Content-Type")
	row := got
	if row == "" {
		row = "none"
	}
	return []Failure{{
		Row:    row,
		Detail: fmt.Sprintf("status %d: got Content-Type %q, want %s", j.Exchange.Status, raw, want),
		Want:   want, Got: raw,
	}}
}
