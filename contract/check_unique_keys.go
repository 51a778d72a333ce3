package contract

import (
	"fmt"
	"strconv"

	"github.com/addons-contract/contract/internal/jsonorder"
)

// CheckUniqueKeys is the id of the unique-keys check: no JSON answer names
// a member twice in one object.
const CheckUniqueKeys = "unique-keys"

// uniqueKeys: the objects of a JSON answer name each member once. The
// spec's answers are JSON objects read by programs; with a name given
// twice, parsers disagree on the value (Go's and most take the last, some
// the first, some refuse the body), so a client cannot know which code or
// message the server meant (RFC 8259, section 4: names SHOULD be unique).
// Every other check reads the decoded value, in which the repeat is gone.
type uniqueKeys struct{}

var _ Check = uniqueKeys{}

func (uniqueKeys) ID() string     { return CheckUniqueKeys }
func (uniqueKeys) Traits() Traits { return Traits{AnswerAlone: true} }
func (uniqueKeys) Doc() string {
	return "no JSON answer names a member twice in one object"
}
func (uniqueKeys) Applies(j *Judgement) bool {
	return j.answered() && j.answer().isJSON
}
func (uniqueKeys) Judge(j *Judgement) []Failure {
	path, key, ok := repeatedKey(j.Exchange.Body)
	if !ok {
		return nil
	}
	return []Failure{{
		Row:    key,
		Detail: fmt.Sprintf("status %d: the answer names %q twice in %s", j.Exchange.Status, key, path),
	}}
}

// repeatedKey returns the first member name that an object of body gives
// twice, in the order the bytes show them, and the JSON path of that
// object ("$" for the top).
func repeatedKey(body []byte) (path, key string, ok bool) {
	v, err := jsonorder.Parse(body, jsonorder.Options{AllowDuplicates: true})
	if err != nil {
		return "", "", false
	}
	return firstRepeat(v, "$")
}

// firstRepeat finds the first repeated member name in v, at path at: in
// an object, a repeat comes before anything nested in the members after it.
func firstRepeat(v jsonorder.Value, at string) (path, key string, ok bool) {
	switch v.Kind {
	case jsonorder.Object:
		seen := make(map[string]bool, len(v.Members))
		for _, m := range v.Members {
			if seen[m.Name] {
				return at, m.Name, true
			}
			seen[m.Name] = true
			if p, k, ok := firstRepeat(m.Value, at+"."+m.Name); ok {
				return p, k, true
			}
		}
	case jsonorder.Array:
		for i, it := range v.Items {
			if p, k, ok := firstRepeat(it, at+"["+strconv.Itoa(i)+"]"); ok {
				return p, k, true
			}
		}
	}
	return "", "", false
}
