package contract

import (
	"errors"
	"fmt"
	"net/url"
)

// Answers the runner refuses to judge. Each is the Err of its exchange
// (whose Status and Header are kept, its Body dropped) and a
// no-server-error failure: the contract's answers are a few KB and a
// handful of levels deep (a 201 is the account's PlanSet, some thirty
// catalog places at most, spec/addons.yaml), so an answer past these limits
// is a broken server. The limits are set by what judging costs:
// encoding/json and libopenapi-validator each decode a body into a tree
// many times its size. A run answered 63 KB every time took three times a
// healthy run's time and 100 MB; answered 250 KB, fourteen times and 190 MB.
var (
	ErrAnswerTooLarge = fmt.Errorf("answer body over %d KiB: not judged", MaxAnswerBytes>>10)
	ErrAnswerTooDeep  = fmt.Errorf("answer body nested deeper than %d: not judged", maxJSONDepth)
)

// MaxAnswerBytes is how much of an answer a run reads (inflated, when the
// transport decompresses); more is ErrAnswerTooLarge.
const MaxAnswerBytes = 64 << 10

// Refused reports whether err is a run's refusal to judge an answer
// (ErrAnswerTooLarge, ErrAnswerTooDeep) rather than a failure to get one.
func Refused(err error) bool {
	return errors.Is(err, ErrAnswerTooLarge) || errors.Is(err, ErrAnswerTooDeep)
}

// Cause is err without the *url.Error around it: what went wrong, without
// the method and URL every request of a run shares.
func Cause(err error) error {
	var ue *url.Error
	if errors.As(err, &ue) {
		return ue.Err
	}
	return err
}

// TooDeep reports whether b nests arrays and objects deeper than a run
// judges (ErrAnswerTooDeep).
func TooDeep(b []byte) bool { return jsonTooDeep(b, maxJSONDepth) }
