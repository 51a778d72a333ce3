package mock

import (
	"math"
	"sync"
	"time"
)

// limiter is a token bucket per key: rate tokens a second, a burst of
// max(1, rate). Keys are bounded by the caller (one per caller role plus
// one shared key), so the map cannot grow with client input.
type limiter struct {
	rate  float64
	burst float64
	now   func() time.Time

	mu      sync.Mutex
	buckets map[string]*bucket
}

type bucket struct {
	tokens float64
	last   time.Time
}

func newLimiter(rate float64, now func() time.Time) *limiter {
	return &limiter{rate: rate, burst: math.Max(1, rate), now: now, buckets: map[string]*bucket{}}
}

// take spends one token of key; when none is left it returns false and the
// whole seconds (at least 1) until one will be.
func (l *limiter) take(key string) (ok bool, retryAfter int) {
	l.mu.Lock()
	defer l.mu.Unlock()
	now := l.now()
	b := l.buckets[key]
	if b == nil {
		b = &bucket{tokens: l.burst, last: now}
		l.buckets[key] = b
	}
	if elapsed := now.Sub(b.last).Seconds(); elapsed > 0 {
		b.tokens = math.Min(l.burst, b.tokens+elapsed*l.rate)
	}
	b.last = now
	if b.tokens >= 1 {
		b.tokens--
		return true, 0
	}
	wait := math.Ceil((1 - b.tokens) / l.rate)
	return false, int(math.Max(1, wait))
}

// window is a fixed-window request count: limit requests in span, the
// window starting at the first request after the previous one ended. The
// first request over the limit is refused and ends the window, with
// Retry-After 0: the next request starts a new one. So the count does not
// depend on timing, nor on how soon a run follows the last one against the
// same server: every run that sends limit+1 requests in a row meets the
// limit exactly at the last of them.
type window struct {
	limit int
	span  time.Duration
	now   func() time.Time

	mu    sync.Mutex
	start time.Time
	count int
}

func newWindow(limit int, span time.Duration, now func() time.Time) *window {
	return &window{limit: limit, span: span, now: now}
}

// take counts one request; past the limit it returns false, ends the
// window and says 0 seconds to wait.
func (w *window) take() (ok bool, retryAfter int) {
	w.mu.Lock()
	defer w.mu.Unlock()
	now := w.now()
	if w.start.IsZero() || !now.Before(w.start.Add(w.span)) {
		w.start, w.count = now, 0
	}
	w.count++
	if w.count <= w.limit {
		return true, 0
	}
	w.start, w.count = time.Time{}, 0
	return false, 0
}
