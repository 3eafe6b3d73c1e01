package hedge

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
)

func TestDelayFollowsTheTail(t *testing.T) {
	d := NewDelay(100*time.Millisecond, 20*time.Millisecond, 250*time.Millisecond)
	assert.Equal(t, 100*time.Millisecond, d.Get(), "the default before any data")
	for range minCount - 1 {
		d.Observe(time.Millisecond)
	}
	assert.Equal(t, 100*time.Millisecond, d.Get(), "too few calls to judge")
	d.Observe(time.Millisecond)
	assert.Equal(t, 20*time.Millisecond, d.Get(), "fast calls: the floor")
	for i := range window {
		lat := 5 * time.Millisecond
		if i%50 == 0 {
			lat = 40 * time.Millisecond // a tail of about 2%
		}
		d.Observe(lat)
	}
	assert.Equal(t, 80*time.Millisecond, d.Get(), "twice the 99th percentile")
	for range window {
		d.Observe(time.Second)
	}
	assert.Equal(t, 250*time.Millisecond, d.Get(), "slow calls: the cap")
}

func TestBudgetCapsHedgesPerSecond(t *testing.T) {
	b := NewBudget(10)
	now := time.Now()
	n := 0
	for range 100 {
		if b.Take(now) {
			n++
		}
	}
	assert.Equal(t, 10, n, "a second's worth at once")
	assert.False(t, b.Take(now.Add(50*time.Millisecond)), "half a token")
	assert.True(t, b.Take(now.Add(100*time.Millisecond)), "one a tenth of a second")
	n = 0
	for range 100 {
		if b.Take(now.Add(time.Hour)) {
			n++
		}
	}
	assert.Equal(t, 10, n, "never more than a second's worth saved up")
	var off Budget
	assert.False(t, off.Take(now), "the zero Budget allows none")
	assert.False(t, NewBudget(0).Take(now))
}
