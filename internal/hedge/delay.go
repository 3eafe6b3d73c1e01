package hedge

import (
	"slices"
	"sync"
	"sync/atomic"
	"time"
)

// window is how many recent latencies the delay is read from, and every is how often (in
// observations) it is read again: a sort of window samples every `every` calls.
const (
	window   = 128
	every    = 16
	minCount = 16 // observations before the estimate replaces the default
	factor   = 2  // the delay is the window's 99th percentile times this
)

// Delay is how long a call to one provider may go unanswered before it is hedged: the 99th
// percentile of its last 128 successful calls, doubled, within [Min, Max]; Default until 16
// calls were observed. It is safe for concurrent use; Get costs an atomic load.
type Delay struct {
	min, max time.Duration
	cur      atomic.Int64

	mu      sync.Mutex
	ring    [window]time.Duration
	n, next int
	scratch [window]time.Duration
}

// NewDelay returns a Delay that starts at def and stays within [min, max].
func NewDelay(def, min, max time.Duration) *Delay {
	d := &Delay{min: min, max: max}
	d.cur.Store(int64(d.clamp(def)))
	return d
}

func (d *Delay) clamp(v time.Duration) time.Duration { return max(d.min, min(d.max, v)) }

// Get returns the current delay.
func (d *Delay) Get() time.Duration { return time.Duration(d.cur.Load()) }

// Observe records the latency of a successful call.
func (d *Delay) Observe(latency time.Duration) {
	d.mu.Lock()
	defer d.mu.Unlock()
	d.ring[d.next] = latency
	d.next = (d.next + 1) % window
	d.n++
	if d.n < minCount || d.n%every != 0 {
		return
	}
	s := d.scratch[:min(d.n, window)]
	copy(s, d.ring[:len(s)])
	slices.Sort(s)
	p99 := s[(len(s)*99)/100]
	d.cur.Store(int64(d.clamp(p99 * factor)))
}
