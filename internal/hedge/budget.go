package hedge

import (
	"sync"
	"time"
)

// Budget is a token bucket: Rate hedges a second, at most Rate at once. The zero Budget allows
// none.
type Budget struct {
	mu     sync.Mutex
	rate   float64
	tokens float64
	last   time.Time
}

// NewBudget returns a full Budget of rate hedges a second.
func NewBudget(rate int) *Budget { return &Budget{rate: float64(rate), tokens: float64(rate)} }

// Take spends one hedge at now, if one is left.
func (b *Budget) Take(now time.Time) bool {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.rate <= 0 {
		return false
	}
	if !b.last.IsZero() {
		b.tokens = min(b.rate, b.tokens+now.Sub(b.last).Seconds()*b.rate)
	}
	b.last = now
	if b.tokens < 1 {
		return false
	}
	b.tokens--
	return true
}
