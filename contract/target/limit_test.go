package target

import (
	"math"
	"net/http"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// Retry-After is seconds by the spec; an HTTP date is honoured for the
// wait; anything else is no Retry-After at all.
func TestRetryAfter(t *testing.T) {
	now := time.Date(2026, 11, 30, 12, 0, 0, 0, time.UTC)
	tests := []struct {
		value  string
		want   time.Duration
		ok     bool
		reason string
	}{
		{"0", 0, true, "zero seconds: resend at once"},
		{" 7 ", 7 * time.Second, true, "seconds, spaces trimmed"},
		{"Mon, 30 Nov 2026 12:00:30 GMT", 30 * time.Second, true, "an HTTP date, as the vendor sends for a daily limit"},
		{"2026-11-30T12:01:00Z", time.Minute, true, "an RFC 3339 timestamp"},
		{"Mon, 30 Nov 2026 11:00:00 GMT", 0, true, "a date in the past: no wait"},
		{"", 0, false, "absent"},
		{"-1", 0, false, "negative seconds are no value"},
		{"soon", 0, false, "text"},
	}
	for _, tc := range tests {
		got, ok := retryAfter(tc.value, now)
		require.Equal(t, tc.ok, ok, tc.reason)
		require.Equal(t, tc.want, got, tc.reason)
	}
}

// One 429 pauses every sender for its Retry-After; a wait longer than the
// run's patience, or 429s for longer than it, end the run; the pace halves
// only when 429s are half the recent answers, and recovers step by step.
func TestThrottle(t *testing.T) {
	ra := func(v string) http.Header { return http.Header{"Retry-After": {v}} }

	th := NewThrottle(math.Inf(1), time.Minute)
	require.Empty(t, th.Limited(ra("1")))
	require.Equal(t, startRate, th.rate, "the first 429 of an unpaced run sets a pace")
	require.WithinDuration(t, time.Now().Add(time.Second), th.resume, 100*time.Millisecond, "every sender waits out Retry-After")

	th = NewThrottle(10, time.Minute)
	for i := 0; i < 8; i++ {
		th.Answered()
	}
	require.Empty(t, th.Limited(ra("0")))
	require.Equal(t, 10.0, th.rate, "one 429 among many answers keeps the pace")
	for i := 0; i < 10; i++ {
		require.Empty(t, th.Limited(ra("0")))
	}
	require.Less(t, th.rate, 10.0, "429s as half the recent answers halve the pace")
	low := th.rate
	th.Answered()
	require.Greater(t, th.rate, low, "an answer that is not a 429 recovers a step")
	require.GreaterOrEqual(t, th.rate, minRate)

	th = NewThrottle(5, 30*time.Second)
	require.Contains(t, th.Limited(ra("86400")), "longer than the 30s this run waits", "a day-long Retry-After ends the run at once")

	th = NewThrottle(5, 20*time.Millisecond)
	require.Empty(t, th.Limited(ra("0")))
	time.Sleep(30 * time.Millisecond)
	require.Contains(t, th.Limited(ra("0")), "rate-limited throughout", "nothing but 429s for the patience ends the run")

	th = NewThrottle(5, time.Minute)
	require.Empty(t, th.Limited(http.Header{}))
	first := th.backoff
	require.Empty(t, th.Limited(http.Header{}))
	require.Equal(t, 2*first, th.backoff, "without Retry-After the backoff doubles")
	th.Answered()
	require.Zero(t, th.backoff, "and starts over after an answer")
}
