// Package oauth fetches the vendor's Server-to-Server OAuth access tokens
// (grant type account_credentials): a Client asks the token endpoint for
// one token, a Source caches one client's token and replaces it before it
// expires or when the API says it has. It owns the token exchange only:
// which role a client plays comes from the fixtures file, and retrying an
// API call with a new token is the caller's business.
package oauth

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"
	"unicode"
)

// MaxAnswer is the most of a token endpoint's answer Fetch reads; a longer
// answer is an error.
const MaxAnswer = 64 << 10

// DefaultTimeout bounds a fetch when Client.HTTP is nil.
const DefaultTimeout = 30 * time.Second

// maxExpiresIn bounds expires_in (seconds), so that a wild value cannot
// overflow a time.Duration: a year is far beyond any real token.
const maxExpiresIn = 366 * 24 * 3600

var defaultHTTP = &http.Client{Timeout: DefaultTimeout}

// Client fetches tokens of one Server-to-Server OAuth app.
type Client struct {
	TokenURL     string // e.g. https://zoom.us/oauth/token
	AccountID    string // the account the token acts for
	ClientID     string
	ClientSecret string
	// HTTP sends the token request; nil means a client with DefaultTimeout.
	HTTP *http.Client
	// Now is the clock that dates the token's expiry; nil means time.Now.
	Now func() time.Time
}

// Token is one access token and the time it expires.
type Token struct {
	Value  string    // the access token, sent as "Authorization: Bearer <Value>"
	Expiry time.Time // the fetch's start plus expires_in
	Scope  string    // the answer's scope, as sent
	APIURL string    // the answer's api_url, as sent
}

// String describes the token without its value, so that a token printed
// by mistake does not leak.
func (t Token) String() string {
	return fmt.Sprintf("oauth token (%d bytes, expires %s)", len(t.Value), t.Expiry.UTC().Format(time.RFC3339))
}

// FetchError is a non-2xx answer of the token endpoint.
type FetchError struct {
	URL    string // the token URL without its query
	Status int
	Code   string // the answer's "error" field, e.g. invalid_client
	Reason string // the answer's "reason" field, e.g. Invalid client_id or client_secret
}

// Error reads, for example, "token endpoint https://zoom.us/oauth/token
// answered 401: invalid_client (Invalid client_id or client_secret)".
func (e *FetchError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "token endpoint %s answered %d", e.URL, e.Status)
	switch {
	case e.Code != "":
		b.WriteString(": " + e.Code)
		if e.Reason != "" {
			b.WriteString(" (" + e.Reason + ")")
		}
	case e.Reason != "":
		b.WriteString(": " + e.Reason)
	default:
		if text := http.StatusText(e.Status); text != "" {
			b.WriteString(" " + text)
		}
	}
	return b.String()
}

// Fetch asks the token endpoint for a new token:
// POST TokenURL?grant_type=account_credentials&account_id=AccountID with
// HTTP Basic ClientID:ClientSecret. The context and the HTTP client's
// timeout bound it. Errors name the token URL without its query and never
// hold the client secret or a token.
func (c *Client) Fetch(ctx context.Context) (Token, error) {
	t, err := c.fetch(ctx)
	if err != nil && c.ClientSecret != "" && strings.Contains(err.Error(), c.ClientSecret) {
		err = &scrubbed{msg: strings.ReplaceAll(err.Error(), c.ClientSecret, "[client secret]"), err: err}
	}
	return t, err
}

func (c *Client) fetch(ctx context.Context) (Token, error) {
	u, err := url.Parse(c.TokenURL)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return Token{}, errors.New("oauth: the token URL must be an http or https URL")
	}
	endpoint := withoutQuery(u)
	q := u.Query()
	q.Set("grant_type", "account_credentials")
	q.Set("account_id", c.AccountID)
	u.RawQuery = q.Encode()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, u.String(), http.NoBody)
	if err != nil {
		return Token{}, fmt.Errorf("token endpoint %s: %w", endpoint, err)
	}
	req.SetBasicAuth(c.ClientID, c.ClientSecret)
	req.Header.Set("Accept", "application/json")

	start := c.now()
	hc := c.HTTP
	if hc == nil {
		hc = defaultHTTP
	}
	res, err := hc.Do(req)
	if err != nil {
		// *url.Error repeats the URL with its query; name it once, without.
		var ue *url.Error
		if errors.As(err, &ue) {
			err = ue.Err
		}
		return Token{}, fmt.Errorf("token endpoint %s: %w", endpoint, err)
	}
	defer res.Body.Close()
	body, err := io.ReadAll(io.LimitReader(res.Body, MaxAnswer+1))
	if err != nil {
		return Token{}, fmt.Errorf("token endpoint %s: reading the answer: %w", endpoint, err)
	}
	if len(body) > MaxAnswer {
		return Token{}, fmt.Errorf("token endpoint %s answered %d with more than %d KiB", endpoint, res.StatusCode, MaxAnswer>>10)
	}
	if res.StatusCode < 200 || res.StatusCode > 299 {
		var e struct {
			Error  string `json:"error"`
			Reason string `json:"reason"`
		}
		_ = json.Unmarshal(body, &e) // a body that is no such object leaves both empty
		return Token{}, &FetchError{URL: endpoint, Status: res.StatusCode, Code: c.clean(e.Error), Reason: c.clean(e.Reason)}
	}
	return c.parse(endpoint, res.StatusCode, body, start)
}

// answer is the token endpoint's JSON answer.
type answer struct {
	AccessToken string   `json:"access_token"`
	TokenType   string   `json:"token_type"`
	ExpiresIn   *float64 `json:"expires_in"`
	Scope       string   `json:"scope"`
	APIURL      string   `json:"api_url"`
}

// parse reads a 2xx answer. Its errors never quote the body: it holds the
// token.
func (c *Client) parse(endpoint string, status int, body []byte, start time.Time) (Token, error) {
	fail := func(format string, args ...any) (Token, error) {
		return Token{}, fmt.Errorf("token endpoint %s answered %d %s", endpoint, status, fmt.Sprintf(format, args...))
	}
	var a answer
	dec := json.NewDecoder(bytes.NewReader(body))
	if err := dec.Decode(&a); err != nil {
		var typ *json.UnmarshalTypeError
		if errors.As(err, &typ) && typ.Field != "" {
			return fail("with a %s in %s", typ.Value, typ.Field)
		}
		return fail("with a body that is not a JSON object")
	}
	if _, err := dec.Token(); err != io.EOF {
		return fail("with data after the JSON object")
	}
	switch {
	case a.AccessToken == "":
		return fail("without an access_token")
	case a.TokenType != "" && !strings.EqualFold(a.TokenType, "bearer"):
		return fail("with token_type %q, want bearer", c.clean(a.TokenType))
	case a.ExpiresIn == nil:
		return fail("without expires_in")
	case !(*a.ExpiresIn > 0) || *a.ExpiresIn > maxExpiresIn:
		return fail("with expires_in %v, want 1 to %d seconds", *a.ExpiresIn, maxExpiresIn)
	}
	life := time.Duration(math.Round(*a.ExpiresIn * float64(time.Second)))
	return Token{Value: a.AccessToken, Expiry: start.Add(life), Scope: a.Scope, APIURL: a.APIURL}, nil
}

func (c *Client) now() time.Time {
	if c.Now != nil {
		return c.Now()
	}
	return time.Now()
}

// maxField bounds the server's text quoted in an error.
const maxField = 200

// clean makes a field of the server's answer fit one line of an error: no
// control characters, bounded, and never the client secret.
func (c *Client) clean(s string) string {
	if c.ClientSecret != "" {
		s = strings.ReplaceAll(s, c.ClientSecret, "[client secret]")
	}
	s = strings.Map(func(r rune) rune {
		if unicode.IsControl(r) {
			return ' '
		}
		return r
	}, s)
	if len(s) > maxField {
		cut := maxField
		for cut > 0 && !isRuneStart(s[cut]) {
			cut--
		}
		s = s[:cut] + "..."
	}
	return strings.TrimSpace(s)
}

func isRuneStart(b byte) bool { return b&0xC0 != 0x80 }

// withoutQuery is u as an error names it: no query, no fragment, no password.
func withoutQuery(u *url.URL) string {
	v := *u
	v.RawQuery, v.ForceQuery, v.Fragment, v.RawFragment = "", false, "", ""
	return v.Redacted()
}

// scrubbed is an error whose text had the client secret replaced.
type scrubbed struct {
	msg string
	err error
}

func (e *scrubbed) Error() string { return e.msg }
func (e *scrubbed) Unwrap() error { return e.err }

// refreshMargin is how long before its expiry a Source replaces a token:
// a tenth of its lifetime, at most maxRefreshMargin.
func refreshMargin(life time.Duration) time.Duration {
	return min(life/10, maxRefreshMargin)
}

const maxRefreshMargin = time.Minute

// Source hands out one client's token, fetching a new one when there is
// none yet, when the cached one is within its refresh margin of expiring
// (a tenth of its lifetime, at most a minute), and when the API answers
// that it has expired (Expired). It is safe for concurrent use; at most one
// fetch runs at a time, and callers that wait for it share its token.
type Source struct {
	c   *Client
	sem chan struct{} // held by the one fetch in flight

	mu        sync.Mutex
	cur       Token
	refreshAt time.Time
	issued    []Token
}

// NewSource returns a Source of c's tokens; it fetches nothing yet.
func NewSource(c *Client) *Source {
	return &Source{c: c, sem: make(chan struct{}, 1)}
}

// Token returns the cached token while it is fresh, else a new one.
func (s *Source) Token(ctx context.Context) (Token, error) {
	if t, fresh := s.current(); fresh {
		return t, nil
	}
	return s.replace(ctx, func(_ Token, fresh bool) bool { return !fresh })
}

// Expired is called when the API answered that stale has expired ("Access
// token is expired."): it returns a new token, fetching one unless another
// caller already replaced stale. Concurrent calls for the same stale token
// cause one fetch. A caller retries its request once with the result.
func (s *Source) Expired(ctx context.Context, stale string) (Token, error) {
	return s.replace(ctx, func(cur Token, fresh bool) bool { return cur.Value == stale || !fresh })
}

// Issued returns every token handed out so far, oldest first: for
// redaction, and for a caller that keeps one past its expiry on purpose.
func (s *Source) Issued() []Token {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Token(nil), s.issued...)
}

// current returns the cached token and whether it is before its refresh time.
func (s *Source) current() (Token, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.cur, s.cur.Value != "" && s.c.now().Before(s.refreshAt)
}

// replace fetches a new token when need says the cached one will not do,
// judged again once this caller holds the fetch slot: a caller that waited
// for another's fetch takes its token instead of fetching again.
func (s *Source) replace(ctx context.Context, need func(cur Token, fresh bool) bool) (Token, error) {
	select {
	case s.sem <- struct{}{}:
	case <-ctx.Done():
		return Token{}, fmt.Errorf("oauth: waiting for a token: %w", ctx.Err())
	}
	defer func() { <-s.sem }()
	if t, fresh := s.current(); !need(t, fresh) {
		return t, nil
	}
	start := s.c.now()
	t, err := s.c.Fetch(ctx)
	if err != nil {
		return Token{}, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.cur = t
	s.refreshAt = t.Expiry.Add(-refreshMargin(t.Expiry.Sub(start)))
	s.issued = append(s.issued, t)
	return t, nil
}
