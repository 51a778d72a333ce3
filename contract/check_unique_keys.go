package contract

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strconv"
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
// twice, and the JSON path of that object ("$" for the top).
func repeatedKey(body []byte) (path, key string, ok bool) {
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.UseNumber()
	path, key, ok, _ = scanValue(dec, "$")
	return path, key, ok
}

// scanValue reads one value from dec, returning the first repeated member
// name found in it; err ends the scan (the body is no JSON).
func scanValue(dec *json.Decoder, at string) (path, key string, found bool, err error) {
	tok, err := dec.Token()
	if err != nil {
		return "", "", false, err
	}
	switch tok {
	case json.Delim('{'):
		seen := map[string]bool{}
		for dec.More() {
			t, err := dec.Token()
			if err != nil {
				return "", "", false, err
			}
			name, _ := t.(string)
			if seen[name] {
				return at, name, true, nil
			}
			seen[name] = true
			if p, k, ok, err := scanValue(dec, at+"."+name); ok || err != nil {
				return p, k, ok, err
			}
		}
	case json.Delim('['):
		for i := 0; dec.More(); i++ {
			if p, k, ok, err := scanValue(dec, at+"["+strconv.Itoa(i)+"]"); ok || err != nil {
				return p, k, ok, err
			}
		}
	default:
		return "", "", false, nil
	}
	_, err = dec.Token() // the closing delimiter
	return "", "", false, err
}
