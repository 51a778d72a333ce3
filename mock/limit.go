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
