package contract

import (
	"context"
	"math"
	"sync"
	"time"
)

// pacer is a token bucket with a burst of one: requests leave at most rate
// per second, evenly spaced, whatever the number of workers. A nil pacer
// does not limit.
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
	return sleep(ctx, time.Until(at))
}

// sleep waits d or until ctx is done.
func sleep(ctx context.Context, d time.Duration) error {
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
