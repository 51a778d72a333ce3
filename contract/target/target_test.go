package target

import (
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// The embedded transport serves requests in-process and shows a handler
// that hijacks, aborts or panics as a dropped connection.
func TestEmbeddedTransport(t *testing.T) {
	tests := []struct {
		name, reason string
		h            http.HandlerFunc
		status       int
		body         string
		dropped      bool
	}{
		{"answer", "status, headers and body come through", func(w http.ResponseWriter, r *http.Request) {
			b, _ := io.ReadAll(r.Body)
			w.Header().Set("X-Echo", r.Header.Get("Authorization"))
			w.WriteHeader(http.StatusCreated)
			_, _ = w.Write(b)
		}, 201, "ping", false},
		{"implicit 200", "a handler that only writes answers 200", func(w http.ResponseWriter, r *http.Request) {
			_, _ = io.WriteString(w, "ok")
		}, 200, "ok", false},
		{"hijack", "a hijacked connection closed without answer", func(w http.ResponseWriter, r *http.Request) {
			c, _, err := w.(http.Hijacker).Hijack()
			if err == nil {
				c.Close()
			}
		}, 0, "", true},
		{"abort", "net/http's own abort signal", func(w http.ResponseWriter, r *http.Request) {
			panic(http.ErrAbortHandler)
		}, 0, "", true},
		{"panic", "a crashing handler drops the connection, as net/http does", func(w http.ResponseWriter, r *http.Request) {
			panic("boom")
		}, 0, "", true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			tg, err := Embedded(func() (http.Handler, error) { return tc.h, nil })
			require.NoError(t, err)
			req, err := http.NewRequest("POST", tg.BaseURL+"/x", strings.NewReader("ping"))
			require.NoError(t, err)
			req.Header.Set("Authorization", "Bearer t")
			resp, err := tg.Client.Do(req)
			if tc.dropped {
				require.ErrorIs(t, err, ErrDropped, tc.reason)
				return
			}
			require.NoError(t, err, tc.reason)
			b, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			require.Equal(t, tc.status, resp.StatusCode, tc.reason)
			require.Equal(t, tc.body, string(b), tc.reason)
			if tc.status == 201 {
				require.Equal(t, "Bearer t", resp.Header.Get("X-Echo"))
			}
		})
	}
}

// A handler that ignores its context cannot hold a request past its deadline.
func TestEmbeddedTransportHonoursDeadline(t *testing.T) {
	release := make(chan struct{})
	defer close(release)
	tg, err := Embedded(func() (http.Handler, error) {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { <-release }), nil
	})
	require.NoError(t, err)
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	req, _ := http.NewRequestWithContext(ctx, "GET", tg.BaseURL+"/", nil)
	start := time.Now()
	_, err = tg.Client.Do(req)
	require.True(t, errors.Is(err, context.DeadlineExceeded), "got %v", err)
	require.Less(t, time.Since(start), time.Second)
}

// A redirect to another host (or port) is not followed, so the
// Authorization header never reaches it; one within the host is.
func TestRemoteRedirectKeepsAuthorizationHome(t *testing.T) {
	var strangerHits atomic.Int32
	var strangerAuth atomic.Value
	stranger := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		strangerHits.Add(1)
		strangerAuth.Store(r.Header.Get("Authorization"))
		w.WriteHeader(http.StatusCreated)
	}))
	defer stranger.Close()
	var homeAuth atomic.Value
	home := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/away":
			http.Redirect(w, r, stranger.URL+"/steal", http.StatusTemporaryRedirect)
		case "/moved":
			http.Redirect(w, r, "/here", http.StatusTemporaryRedirect)
		case "/here":
			homeAuth.Store(r.Header.Get("Authorization"))
			w.WriteHeader(http.StatusCreated)
		}
	}))
	defer home.Close()
	tg, err := Remote(home.URL+"/", time.Second)
	require.NoError(t, err)
	require.Equal(t, home.URL, tg.BaseURL, "trailing slash dropped")

	do := func(path string) int {
		t.Helper()
		req, _ := http.NewRequest("POST", tg.BaseURL+path, strings.NewReader("{}"))
		req.Header.Set("Authorization", "Bearer secret-token")
		resp, err := tg.Client.Do(req)
		require.NoError(t, err)
		resp.Body.Close()
		return resp.StatusCode
	}
	require.Equal(t, http.StatusTemporaryRedirect, do("/away"), "the redirect itself is the answer")
	require.Zero(t, strangerHits.Load(), "the other host is never contacted")
	require.Nil(t, strangerAuth.Load())
	require.Equal(t, http.StatusCreated, do("/moved"))
	require.Equal(t, "Bearer secret-token", homeAuth.Load())
}

// Remote refuses base URLs it cannot use, each with a reason.
func TestRemoteRejectsBadBaseURLs(t *testing.T) {
	for _, base := range []string{"ftp://x", "localhost:8080", "http://", "http://u:p@h/v2", "http://h/v2?x=1", "::"} {
		_, err := Remote(base, time.Second)
		require.Error(t, err, base)
	}
	tg, err := Remote("https://api.example.com/v2", 0)
	require.NoError(t, err)
	require.Equal(t, "https://api.example.com/v2", tg.Name)
	require.False(t, tg.Embedded)
}

// The pacer spaces requests at the rate, across goroutines.
func TestPacer(t *testing.T) {
	require.Nil(t, newPacer(0))
	require.Nil(t, newPacer(-1))
	p := newPacer(100) // 10ms apart
	start := time.Now()
	done := make(chan struct{})
	for range 4 {
		go func() {
			for range 3 {
				_ = p.wait(context.Background())
			}
			done <- struct{}{}
		}()
	}
	for range 4 {
		<-done
	}
	require.GreaterOrEqual(t, time.Since(start), 100*time.Millisecond, "12 requests at 100/s take 110ms")
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	require.Error(t, newPacer(0.001).wait(ctx), "a cancelled wait returns at once")
}
