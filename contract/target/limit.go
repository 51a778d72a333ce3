package target

import (
	"context"
	"fmt"
	"math"
	"math/rand/v2"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"time"
)

// Pacing against rate limits. The spec's 429 row says a limited answer
// carries Retry-After in seconds; a real deployment limits per token and
// per second (spec/addons.yaml, x-rate-limit-label HEAVY). One 429 slows
// the whole run, not one worker: every sender waits out the pause, then,
// when 429s are a large share of the recent answers (the run sends faster
// than the limit), the pace halves, and it recovers slowly (additive
// increase, multiplicative decrease). A target that answers an occasional
// 429 whatever the pace costs the pauses, not a pace that collapses.
const (
	// DefaultRatePatience is how long a run keeps waiting while every
	// answer is a 429, before it gives up as rate-limited throughout.
	DefaultRatePatience = 30 * time.Second

	minRate     = 0.5                    // the lowest pace, requests per second
	startRate   = 50.0                   // the pace after the first 429 of a run that had no limit
	rateStep    = 0.2                    // requests per second the pace regains per answer that is not a 429
	backoffBase = 100 * time.Millisecond // the first pause after a 429 without Retry-After
	windowSize  = 20                     // recent answers the share of 429s is measured over
	backoffMax  = 30 * time.Second       // the longest pause without Retry-After
)

// pacer is a token bucket with a burst of one: requests leave at most rate
// per second, evenly spaced, whatever the number of workers. A nil pacer
// does not limit. Replay uses it between its calls; runs use a Throttle.
type pacer struct {
	mu       sync.Mutex
	interval time.Duration
	next     time.Time
}

// newPacer returns a pacer for rate requests per second; nil for no limit
// (rate <= 0, NaN or infinite).
func newPacer(rate float64) *pacer {
	if !(rate > 0) || math.IsInf(rate, 0) {
		return nil
	}
	return &pacer{interval: time.Duration(float64(time.Second) / rate)}
}

// wait blocks until the caller may send, or ctx is done.
func (p *pacer) wait(ctx context.Context) error {
	if p == nil {
		return ctx.Err()
	}
	p.mu.Lock()
	now := time.Now()
	if p.next.Before(now) {
		p.next = now
	}
	at := p.next
	p.next = p.next.Add(p.interval)
	p.mu.Unlock()
	return Sleep(ctx, time.Until(at))
}

// Throttle paces every sender of a run and reacts to 429 answers for all
// of them at once.
type Throttle struct {
	mu        sync.Mutex
	max       float64          // the configured pace; +Inf for none
	rate      float64          // the current pace; +Inf until a 429 lowers it
	next      time.Time        // the earliest time of the next send at the current pace
	resume    time.Time        // nobody sends before this (Retry-After, or backoff)
	backoff   time.Duration    // the last backoff without Retry-After; 0 after an answer that is not a 429
	limitedAt time.Time        // when the current unbroken series of 429s began; zero when the last answer was not one
	patience  time.Duration    // how long an unbroken series of 429s may last
	recent    [windowSize]bool // the last answers, true for a 429 (a ring)
	nRecent   int              // answers recorded in recent
	stats     RateLimit
}

// note records one answer in the window and returns the share of 429s in it.
func (t *Throttle) note(limited bool) float64 {
	t.recent[t.nRecent%windowSize] = limited
	t.nRecent++
	n, k := min(t.nRecent, windowSize), 0
	for _, l := range t.recent[:n] {
		if l {
			k++
		}
	}
	return float64(k) / float64(n)
}

// NewThrottle returns a Throttle for rate requests per second (<= 0 or
// +Inf: no limit until the target answers 429).
func NewThrottle(rate float64, patience time.Duration) *Throttle {
	if !(rate > 0) || math.IsInf(rate, 0) {
		rate = math.Inf(1)
	}
	if patience <= 0 {
		patience = DefaultRatePatience
	}
	return &Throttle{max: rate, rate: rate, patience: patience}
}

// wait blocks until the caller may send: after any pause, at the current pace.
func (t *Throttle) Wait(ctx context.Context) error {
	t.mu.Lock()
	now := time.Now()
	at := now
	if t.resume.After(at) {
		at = t.resume
	}
	if !math.IsInf(t.rate, 1) {
		if t.next.After(at) {
			at = t.next
		}
		t.next = at.Add(time.Duration(float64(time.Second) / t.rate))
	}
	t.mu.Unlock()
	return Sleep(ctx, time.Until(at))
}

// answered records an answer that is not a 429: the pace recovers by a
// step and the series of 429s, if any, is over.
func (t *Throttle) Answered() {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.note(false)
	t.backoff = 0
	t.limitedAt = time.Time{}
	if !math.IsInf(t.rate, 1) && t.rate < t.max {
		t.rate = math.Min(t.max, t.rate+rateStep)
	}
}

// limited records a 429 answer with header h: the pace halves, and every
// sender pauses for its Retry-After (seconds, or an HTTP date), or for an
// exponential backoff with jitter when it has none. It returns a reason to
// give up when the target asks for a longer wait than the run's patience,
// or has answered nothing but 429 for that long.
func (t *Throttle) Limited(h http.Header) (giveUp string) {
	t.mu.Lock()
	defer t.mu.Unlock()
	now := time.Now()
	t.stats.Answers++
	if t.limitedAt.IsZero() {
		t.limitedAt = now
	}
	switch share := t.note(true); {
	case math.IsInf(t.rate, 1):
		t.rate = startRate
	case share >= 0.5:
		t.rate = math.Max(minRate, t.rate/2)
	}
	wait, ok := retryAfter(h.Get("Retry-After"), now)
	if !ok {
		t.backoff = min(backoffMax, max(backoffBase, 2*t.backoff))
		// Full jitter over the upper half: senders that met the limit
		// together do not come back together.
		wait = t.backoff/2 + rand.N(t.backoff/2+1)
	}
	if wait > t.patience {
		return fmt.Sprintf("target rate-limited: a 429 asks to wait %v (Retry-After %q), longer than the %v this run waits (-rate-limit-patience)",
			wait.Round(time.Second), strings.TrimSpace(h.Get("Retry-After")), t.patience)
	}
	if since := now.Sub(t.limitedAt); since >= t.patience {
		return fmt.Sprintf("target rate-limited throughout: every answer for %v was a 429, at a pace down to %.1f requests/s", since.Round(time.Second), t.rate)
	}
	if until := now.Add(wait); until.After(t.resume) {
		t.stats.Paused += until.Sub(maxTime(now, t.resume))
		t.resume = until
	}
	if t.stats.Slowest == 0 || t.rate < t.stats.Slowest {
		t.stats.Slowest = t.rate
	}
	return ""
}

// snapshot returns what the run met of rate limits so far.
func (t *Throttle) Stats() RateLimit {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.stats
}

// retryAfter reads a Retry-After value: seconds, or an HTTP date (the spec
// says seconds; the date form is honoured for the wait, and the 429 row's
// check reports it).
func retryAfter(v string, now time.Time) (time.Duration, bool) {
	v = strings.TrimSpace(v)
	if v == "" {
		return 0, false
	}
	if n, err := strconv.ParseInt(v, 10, 64); err == nil && n >= 0 {
		if n > int64(math.MaxInt64/time.Second) {
			n = int64(math.MaxInt64 / time.Second)
		}
		return time.Duration(n) * time.Second, true
	}
	for _, layout := range []string{http.TimeFormat, time.RFC850, time.ANSIC, time.RFC3339} {
		if at, err := time.Parse(layout, v); err == nil {
			return max(0, at.Sub(now)), true
		}
	}
	return 0, false
}

func maxTime(a, b time.Time) time.Time {
	if a.After(b) {
		return a
	}
	return b
}

// Sleep waits d or until ctx is done.
func Sleep(ctx context.Context, d time.Duration) error {
	if d <= 0 {
		return ctx.Err()
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// IsLoopback reports whether base (a target URL) names this machine:
// localhost, 127.0.0.0/8 or ::1. Such targets are not paced by default.
func IsLoopback(base string) bool {
	u, err := url.Parse(base)
	if err != nil {
		return false
	}
	host := u.Hostname()
	if strings.EqualFold(host, "localhost") || strings.HasSuffix(strings.ToLower(host), ".localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// Pace is the pace a run against t uses when configured with rate, and
// how the report describes it.
func Pace(t Target, rate float64) (float64, string) {
	switch {
	case rate > 0 && !math.IsInf(rate, 1):
		return rate, fmt.Sprintf("%g requests/s (-rate)", rate)
	case rate != 0:
		return math.Inf(1), "no limit (-rate inf)"
	case t.Embedded:
		return math.Inf(1), "no limit (embedded)"
	case IsLoopback(t.BaseURL):
		return math.Inf(1), "no limit (loopback target)"
	}
	return DefaultRemoteRate, fmt.Sprintf("%g requests/s (default for a remote target; -rate to change)", DefaultRemoteRate)
}

// RateLimit is what a run met of the target's rate limit.
type RateLimit struct {
	Answers int           // 429 answers
	Paused  time.Duration // time every sender waited out Retry-After or backoff
	Slowest float64       // the lowest pace the run went down to, requests/s (0 = never lowered)
}
