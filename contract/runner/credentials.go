package runner

import (
	"context"
	"fmt"
	"net/http"
	"sort"
	"strings"
	"time"

	"github.com/addons-contract/contract/contract"
	"github.com/addons-contract/contract/contract/target"
	"github.com/addons-contract/contract/spec"
)

// Credentials supplies the bearer tokens of token roles that are fetched,
// not written in the fixtures (the vendor's Server-to-Server OAuth, which
// issues tokens that expire). A run without Credentials, or for a role they
// do not hold, sends the fixtures' literal token.
type Credentials interface {
	// Token returns a valid token of role; ok is false when role is not
	// one of the Credentials' roles.
	Token(ctx context.Context, role string) (tok string, ok bool, err error)
	// Expired is told that the target answered stale as expired and
	// returns a fresh token of role.
	Expired(ctx context.Context, role, stale string) (string, error)
	// ExpiredToken returns a token of role issued earlier whose lifetime
	// has run out, and when one will have (zero when none is issued).
	ExpiredToken(role string) (tok string, at time.Time)
	// Secrets returns every client secret and token handed out so far,
	// for redaction.
	Secrets() []string
}

// maxRefreshes bounds the new tokens one request may fetch because the
// target answered its token as expired (once in flight, and again after a
// pause for a 429 that outlasted the next one).
const maxRefreshes = 2

// maxExpiryWait is how long a run waits, at its end, for an issued token
// to expire so that the expired-token case can be sent.
const maxExpiryWait = 30 * time.Second

// tokenFor resolves a token role for one request: from the Credentials when
// they hold the role, else from the fixtures; any other string is itself.
func (r *runner) tokenFor(ctx context.Context, role string) (string, error) {
	if cr := r.cfg.Credentials; cr != nil {
		if role == contract.TokenExpiredMaster {
			tok, _ := cr.ExpiredToken(contract.TokenMaster)
			return tok, nil
		}
		tok, ok, err := cr.Token(ctx, role)
		if err != nil {
			return "", fmt.Errorf("contract: the %s token: %w", role, err)
		}
		if ok {
			return tok, nil
		}
	}
	return r.token(role), nil
}

// isExpiredAnswer reports whether ex is the token_expired row's answer: the
// target says the token it got has expired.
func (r *runner) isExpiredAnswer(ex *contract.Exchange) bool {
	if ex.Status != http.StatusUnauthorized {
		return false
	}
	row, ok := r.cfg.Op.Row(spec.RowTokenExpired)
	return ok && contract.ParseAnswer(ex).Fits(row, nil)
}

// expiredTokenCase builds the case that sends a master token past its
// lifetime, waiting up to maxExpiryWait for one to expire. The reason is
// set when it cannot be sent.
func (r *runner) expiredTokenCase(ctx context.Context) (*contract.Case, string) {
	cr := r.cfg.Credentials
	if cr == nil {
		return nil, ""
	}
	if _, ok := r.cfg.Op.Row(spec.RowTokenExpired); !ok {
		return nil, ""
	}
	tok, at := cr.ExpiredToken(contract.TokenMaster)
	if at.IsZero() {
		return nil, "" // the master role is a literal token: nothing expires
	}
	if tok == "" {
		wait := time.Until(at)
		if wait > maxExpiryWait {
			return nil, fmt.Sprintf("expired-token case: no master token expired during the run (the first expires in %v)", wait.Round(time.Second))
		}
		if err := target.Sleep(ctx, wait+50*time.Millisecond); err != nil {
			return nil, "expired-token case: " + err.Error()
		}
	}
	c := &contract.Case{ID: "auth/expired-token", Kind: contract.KindAuth,
		Req:    contract.Request{Account: contract.AccountPaid, Token: contract.TokenExpiredMaster, ContentType: r.mt, Body: []byte(`{}`)},
		Expect: contract.Expect{Row: spec.RowTokenExpired}}
	return c, ""
}

// secrets returns every value a report must not show: the fixtures'
// tokens and, with Credentials, the client secrets and fetched tokens.
func (r *runner) secrets() []string {
	s := append([]string(nil), r.cfg.Fixtures.Secrets()...)
	if r.cfg.Credentials != nil {
		s = append(s, r.cfg.Credentials.Secrets()...)
	}
	sort.Slice(s, func(i, j int) bool { return len(s[i]) > len(s[j]) })
	return s
}

// redactFindings replaces every secret in what the findings carry (a
// hostile server may echo a token in its answer) by $TOKEN.
func (r *runner) redactFindings(fs []contract.Finding) {
	secrets := r.secrets()
	str := func(s string) string {
		for _, sec := range secrets {
			if sec != "" {
				s = strings.ReplaceAll(s, sec, contract.TokenVar)
			}
		}
		return s
	}
	for i := range fs {
		f := &fs[i]
		f.Diff = str(f.Diff)
		f.Failure.Detail = str(f.Failure.Detail)
		for k := range f.Steps {
			f.Steps[k].Answer = str(f.Steps[k].Answer)
		}
		for _, ex := range []*contract.Exchange{f.Example, f.Repro} {
			if ex == nil {
				continue
			}
			// In place: the exchange is the finding's own, kept for it.
			if ex.Body != nil {
				ex.Body = []byte(str(string(ex.Body)))
			}
			ex.Header = replaceInHeader(ex.Header, str)
			ex.ReqHeader = replaceInHeader(ex.ReqHeader, str)
			ex.URL = str(ex.URL)
		}
		if f.Shrunk != nil {
			f.Shrunk = []byte(str(string(f.Shrunk)))
		}
	}
}

func replaceInHeader(h http.Header, str func(string) string) http.Header {
	if h == nil {
		return nil
	}
	out := make(http.Header, len(h))
	for k, vs := range h {
		for _, v := range vs {
			out.Add(k, str(v))
		}
	}
	return out
}
