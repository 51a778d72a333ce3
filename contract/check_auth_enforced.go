package contract

import (
	"fmt"
	"net/http"
	"strings"

	"github.com/addons-contract/contract/spec"
)

// CheckAuthEnforced is the id of the auth-enforced check: missing, malformed and unknown tokens get 401.
const CheckAuthEnforced = "auth-enforced"

// authEnforced: missing, malformed and unknown credentials get 401; a
// valid token whose scheme is spelt in another case does not.
type authEnforced struct{}

var _ Check = authEnforced{}

func (authEnforced) ID() string { return CheckAuthEnforced }
func (authEnforced) Doc() string {
	return "missing, malformed and unknown tokens get 401; the Bearer scheme is case-insensitive"
}
func (authEnforced) Applies(j *Judgement) bool {
	return j.answered() && j.Exchange.Status != http.StatusTooManyRequests &&
		(j.Case.Kind == KindAuth || j.Case.Expect.Row == spec.RowInvalidToken || j.Case.Expect.Row == spec.RowTokenExpired)
}
func (authEnforced) Judge(j *Judgement) []Failure {
	s := j.Exchange.Status
	auth := describeAuth(j.Case.Req)
	if row := j.Case.Expect.Row; row == spec.RowInvalidToken || row == spec.RowTokenExpired {
		if s == http.StatusUnauthorized {
			return nil
		}
		detail := fmt.Sprintf("%s: got %d, want 401", auth, s)
		if row == spec.RowTokenExpired && s < 300 {
			detail += ": a token past its lifetime was served"
		}
		return []Failure{{Row: row, Detail: detail, Want: statusOnly{401}, Got: statusOnly{s}}}
	}
	if s != http.StatusUnauthorized {
		return nil
	}
	return []Failure{{Row: "scheme-case", Detail: fmt.Sprintf("%s: a valid token got 401; the Bearer scheme is case-insensitive", auth)}}
}

// describeAuth says in words what credentials a request carried, without secrets.
func describeAuth(r Request) string {
	switch {
	case r.Auth != "":
		return fmt.Sprintf("Authorization %q", strings.ReplaceAll(r.Auth, "{token}", "<"+r.Token+" token>"))
	case r.Token == TokenNone:
		return "no Authorization header"
	case r.Token == TokenExpiredMaster:
		return "a master token past its lifetime"
	case IsTokenRole(r.Token):
		return "the " + r.Token + " token"
	}
	return "an unknown token"
}
