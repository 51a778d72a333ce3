package main

import (
	"compress/gzip"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// stagingLike wraps the OAuth staging (TLS with its own CA, a base path,
// tokens that expire) in what a real deployment adds on the wire: a
// per-token rate limit answered 429 with Retry-After, the vendor's charset
// on every answer, gzip when asked, and latency.
type stagingLike struct {
	next    http.Handler
	perSec  int           // requests a token may send per second
	latency time.Duration // added to every answer

	mu      sync.Mutex
	windows map[string]*window
	limited int
}

type window struct {
	start time.Time
	n     int
}

func (s *stagingLike) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	time.Sleep(s.latency)
	if s.overLimit(r.Header.Get("Authorization")) {
		w.Header().Set("Content-Type", "application/json;charset=UTF-8")
		w.Header().Set("Retry-After", "1")
		w.Header().Set("X-RateLimit-Type", "QPS")
		w.WriteHeader(http.StatusTooManyRequests)
		w.Write([]byte(`{"code":429,"message":"You have reached the maximum per-second rate limit for this API. Try again later."}`))
		return
	}
	rec := httptest.NewRecorder()
	s.next.ServeHTTP(rec, r)
	for k, v := range rec.Header() {
		w.Header()[k] = v
	}
	if strings.HasPrefix(rec.Header().Get("Content-Type"), "application/json") {
		w.Header().Set("Content-Type", "application/json;charset=UTF-8")
	}
	w.Header().Del("Content-Length")
	if strings.Contains(r.Header.Get("Accept-Encoding"), "gzip") {
		w.Header().Set("Content-Encoding", "gzip")
		w.WriteHeader(rec.Code)
		zw := gzip.NewWriter(w)
		zw.Write(rec.Body.Bytes())
		zw.Close()
		return
	}
	w.WriteHeader(rec.Code)
	w.Write(rec.Body.Bytes())
}

// overLimit counts a request of the token in auth in its one-second window.
func (s *stagingLike) overLimit(auth string) bool {
	if auth == "" {
		return false
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	now := time.Now()
	win := s.windows[auth]
	if win == nil || now.Sub(win.start) >= time.Second {
		win = &window{start: now}
		s.windows[auth] = win
	}
	win.n++
	if win.n > s.perSec {
		s.limited++
		return true
	}
	return false
}

// A correct staging-like server passes with no finding, under -rate inf
// too, and again once earlier runs have left their plans on its accounts
// (with a fresh paid account listed). The rate limit is met and waited
// out, tokens expire every few seconds and are refetched, and no secret or
// token shows in anything the run writes.
func TestStagingLikeCorrectServerPasses(t *testing.T) {
	t.Parallel() // it waits on the server's rate limit, not on the CPU
	like := &stagingLike{perSec: 40, latency: 2 * time.Millisecond, windows: map[string]*window{}}
	s := newOAuthStaging(t, 3*time.Second, false, func(h http.Handler) http.Handler { like.next = h; return like })

	for i, rate := range []string{"inf", "0"} {
		code, out, all := runStaging(t, s, "-rate", rate)
		t.Logf("-rate %s:\n%s", rate, out)
		if i == 0 {
			require.Equal(t, exitPass, code, out)
			require.Contains(t, out, "\nPASS")
		} else {
			// The accounts now hold what the first run added: no finding,
			// and no false PASS either.
			require.NotContains(t, out, "FINDINGS", out)
			require.Contains(t, out, "held before this run on paid")
		}
		for _, secret := range append(s.issued(), defaultMasterSecret, defaultVolumeSecret) {
			require.NotContains(t, all, secret, "a secret or token leaked")
		}
	}
	like.mu.Lock()
	defer like.mu.Unlock()
	require.Positive(t, like.limited, "the run met the rate limit")
}
