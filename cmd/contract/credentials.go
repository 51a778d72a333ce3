package main

import (
	"context"
	"net/http"
	"sort"
	"sync"
	"time"

	"github.com/addons-contract/contract/contract/runner"
	"github.com/addons-contract/contract/contract/target"

	"github.com/addons-contract/contract/fixtures"
	"github.com/addons-contract/contract/internal/oauth"
)

// oauthCredentials are the fixtures' OAuth token roles, one token source
// each: the runner.Credentials of a run against a real deployment.
type oauthCredentials struct {
	sources map[string]*oauth.Source
	secrets []string // the client secrets

	mu      sync.Mutex
	expired map[string]string // role → a token the target answered as expired
}

var _ runner.Credentials = (*oauthCredentials)(nil)

// newCredentials fetches a first token of every OAuth role of fx through
// tg's transport (so -ca-file and proxies apply to the token endpoint too).
// It returns nil when fx has no OAuth role. A failed fetch is exit 3,
// naming the role and what the endpoint answered, never the secret.
func newCredentials(ctx context.Context, fx fixtures.Fixtures, tg target.Target, timeout time.Duration) (*oauthCredentials, error) {
	if len(fx.OAuth) == 0 {
		return nil, nil
	}
	if tg.Embedded {
		return nil, usageError("the fixtures' OAuth token roles need -target (the embedded mock takes the fixtures' literal tokens)")
	}
	client := &http.Client{
		Transport: tg.Client.Transport,
		Timeout:   timeout,
		// A token endpoint that redirects is answered as it is: the
		// client secret never follows a redirect.
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}
	c := &oauthCredentials{sources: map[string]*oauth.Source{}, expired: map[string]string{}}
	roles := make([]string, 0, len(fx.OAuth))
	for role := range fx.OAuth {
		roles = append(roles, role)
	}
	sort.Strings(roles)
	for _, role := range roles {
		o := fx.OAuth[role]
		c.secrets = append(c.secrets, o.ClientSecret)
		src := oauth.NewSource(&oauth.Client{TokenURL: o.TokenURL, AccountID: o.AccountID, ClientID: o.ClientID, ClientSecret: o.ClientSecret, HTTP: client})
		if _, err := src.Token(ctx); err != nil {
			return nil, unreachableError("the %s token: %v", role, err)
		}
		c.sources[role] = src
	}
	return c, nil
}

// Token implements runner.Credentials.
func (c *oauthCredentials) Token(ctx context.Context, role string) (string, bool, error) {
	src := c.sources[role]
	if src == nil {
		return "", false, nil
	}
	t, err := src.Token(ctx)
	return t.Value, true, err
}

// Expired implements runner.Credentials.
func (c *oauthCredentials) Expired(ctx context.Context, role, stale string) (string, error) {
	c.mu.Lock()
	c.expired[role] = stale
	c.mu.Unlock()
	t, err := c.sources[role].Expired(ctx, stale)
	return t.Value, err
}

// ExpiredToken implements runner.Credentials: the first token of role
// past its expiry (or one the target already answered as expired), else
// when the first one will be.
func (c *oauthCredentials) ExpiredToken(role string) (string, time.Time) {
	src := c.sources[role]
	if src == nil {
		return "", time.Time{}
	}
	issued := src.Issued()
	if len(issued) == 0 {
		return "", time.Time{}
	}
	now := time.Now()
	for i, t := range issued {
		// A token endpoint may hand the same value out again with a new
		// lifetime: that one has not expired, whatever its first expiry.
		reissued := false
		for _, later := range issued[i+1:] {
			reissued = reissued || later.Value == t.Value
		}
		if t.Expiry.Before(now) && !reissued {
			return t.Value, t.Expiry
		}
	}
	c.mu.Lock()
	stale := c.expired[role]
	c.mu.Unlock()
	if stale != "" {
		return stale, now
	}
	return "", issued[0].Expiry
}

// Secrets implements runner.Credentials.
func (c *oauthCredentials) Secrets() []string {
	out := append([]string(nil), c.secrets...)
	for _, src := range c.sources {
		for _, t := range src.Issued() {
			out = append(out, t.Value)
		}
	}
	return out
}

// credentialsOf is c as a runner.Credentials: nil stays an untyped nil,
// so that a run without OAuth roles sends the fixtures' tokens.
func credentialsOf(c *oauthCredentials) runner.Credentials {
	if c == nil {
		return nil
	}
	return c
}

// allSecrets is what the CLI must keep out of files it writes: the
// fixtures' tokens and secrets, and every token fetched.
func allSecrets(fx fixtures.Fixtures, c *oauthCredentials) []string {
	out := fx.Secrets()
	if c != nil {
		out = append(out, c.Secrets()...)
	}
	return out
}
