package health

import (
	"context"
	"errors"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// clock is a manual clock for tests.
type clock struct{ ns atomic.Int64 }

func newClock() *clock                   { c := &clock{}; c.ns.Store(time.Unix(1_700_000_000, 0).UnixNano()); return c }
func (c *clock) Now() time.Time          { return time.Unix(0, c.ns.Load()) }
func (c *clock) Advance(d time.Duration) { c.ns.Add(int64(d)) }
func opts(c *clock, recovery int) Options {
	return Options{Timeout: time.Minute, Interval: 10 * time.Second, RecoveryProbes: recovery, Now: c.Now}
}

// probe is a scriptable probe that counts calls and calls in flight.
type probe struct {
	mu       sync.Mutex
	err      error
	gate     chan struct{}
	calls    int
	inflight int
	maxIn    int
}

func (p *probe) check(ctx context.Context) error {
	p.mu.Lock()
	p.calls++
	p.inflight++
	p.maxIn = max(p.maxIn, p.inflight)
	gate, err := p.gate, p.err
	p.mu.Unlock()
	defer func() { p.mu.Lock(); p.inflight--; p.mu.Unlock() }()
	if gate != nil {
		select {
		case <-gate:
		case <-ctx.Done():
			return ctx.Err()
		}
	}
	return err
}

func (p *probe) set(err error) { p.mu.Lock(); p.err = err; p.mu.Unlock() }

func TestFirstVerdictLeaderWaitsOthersDoNot(t *testing.T) {
	c := newClock()
	p := &probe{gate: make(chan struct{})}
	tr := New(context.Background(), p.check, opts(c, 2))

	leaderDone := make(chan Snapshot)
	go func() { leaderDone <- tr.Verdict(context.Background(), true) }()
	require.Eventually(t, func() bool { return tr.Waits() == 1 }, 5*time.Second, time.Millisecond)

	var wg sync.WaitGroup
	for range 500 {
		wg.Go(func() {
			assert.Equal(t, Unknown, tr.Verdict(context.Background(), true).State, "a non-leader must not wait")
		})
	}
	wg.Wait()
	assert.Equal(t, int64(1), tr.Probes())
	assert.Equal(t, int64(1), tr.Waits())
	close(p.gate)
	assert.Equal(t, Up, (<-leaderDone).State)
	assert.Equal(t, 1, p.maxIn)
}

func TestCancelledLeaderDoesNotCancelTheProbe(t *testing.T) {
	c := newClock()
	p := &probe{gate: make(chan struct{})}
	tr := New(context.Background(), p.check, opts(c, 2))
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan Snapshot)
	go func() { done <- tr.Verdict(ctx, true) }()
	require.Eventually(t, func() bool { return tr.Waits() == 1 }, 5*time.Second, time.Millisecond)
	cancel()
	assert.Equal(t, Unknown, (<-done).State)
	close(p.gate)
	snap := tr.Refresh(context.Background())
	assert.Equal(t, Up, snap.State, "the probe went on for everyone else")
	assert.Equal(t, int64(1), tr.Probes())
}

func TestStaleWhileRevalidate(t *testing.T) {
	c := newClock()
	p := &probe{}
	tr := New(context.Background(), p.check, opts(c, 2))
	require.Equal(t, Up, tr.Refresh(context.Background()).State)

	p.mu.Lock()
	p.gate = make(chan struct{})
	p.mu.Unlock()
	c.Advance(11 * time.Second)
	for range 100 {
		assert.Equal(t, Up, tr.Verdict(context.Background(), true).State, "a stale answer is served while it is refreshed")
	}
	assert.Equal(t, int64(2), tr.Probes(), "one refresh for a hundred callers")
	assert.Equal(t, int64(0), tr.Waits())
	close(p.gate)
}

func TestFreshAnswerDoesNotProbe(t *testing.T) {
	c := newClock()
	p := &probe{}
	tr := New(context.Background(), p.check, opts(c, 2))
	tr.Refresh(context.Background())
	c.Advance(9 * time.Second)
	for range 100 {
		tr.Verdict(context.Background(), true)
	}
	assert.Equal(t, int64(1), tr.Probes())
}

func TestFailMarksDownAndRecoveryNeedsConsecutiveGoodProbes(t *testing.T) {
	c := newClock()
	p := &probe{}
	tr := New(context.Background(), p.check, opts(c, 3))
	require.Equal(t, Up, tr.Refresh(context.Background()).State)

	tr.Fail(errors.New("connection refused"))
	assert.Equal(t, Down, tr.Verdict(context.Background(), true).State, "a failed call marks down at once")

	for i := 1; i <= 2; i++ {
		c.Advance(11 * time.Second)
		snap := tr.Refresh(context.Background())
		assert.Equal(t, Down, snap.State, "good probe %d of 3 must not bring it back", i)
		assert.Equal(t, i, snap.Streak)
	}
	// a bad probe in between resets the streak
	p.set(errors.New("503"))
	c.Advance(11 * time.Second)
	assert.Equal(t, 0, tr.Refresh(context.Background()).Streak)
	p.set(nil)
	for i := 1; i <= 3; i++ {
		c.Advance(11 * time.Second)
		tr.Refresh(context.Background())
	}
	assert.Equal(t, Up, tr.Snapshot().State)
	assert.NoError(t, tr.Snapshot().LastErr)
}

func TestMisconfiguredIsDistinctFromDown(t *testing.T) {
	c := newClock()
	errAuth := errors.New("401")
	p := &probe{err: errAuth}
	o := opts(c, 1)
	o.Misconfigured = func(err error) bool { return errors.Is(err, errAuth) }
	tr := New(context.Background(), p.check, o)
	snap := tr.Refresh(context.Background())
	assert.Equal(t, Misconfigured, snap.State)
	assert.ErrorIs(t, snap.LastErr, errAuth)
}

func TestProbeTimeoutIsBounded(t *testing.T) {
	c := newClock()
	p := &probe{gate: make(chan struct{})}
	o := opts(c, 1)
	o.Timeout = 20 * time.Millisecond
	tr := New(context.Background(), p.check, o)
	snap := tr.Refresh(context.Background())
	assert.Equal(t, Down, snap.State)
	assert.ErrorContains(t, snap.LastErr, "timed out")
	close(p.gate)
}

func TestProbeThatIgnoresItsContextCannotWedgeTheTracker(t *testing.T) {
	c := newClock()
	block := make(chan struct{})
	defer close(block)
	o := opts(c, 1)
	o.Timeout = 20 * time.Millisecond
	tr := New(context.Background(), func(context.Context) error { <-block; return nil }, o)
	assert.Equal(t, Down, tr.Refresh(context.Background()).State)
	c.Advance(11 * time.Second)
	tr.Refresh(context.Background())
	assert.Equal(t, int64(2), tr.Probes(), "a new probe starts after the abandoned one")
}

func TestPanickingProbeIsAFailure(t *testing.T) {
	tr := New(context.Background(), func(context.Context) error { panic("boom") }, opts(newClock(), 1))
	snap := tr.Refresh(context.Background())
	assert.Equal(t, Down, snap.State)
	assert.ErrorContains(t, snap.LastErr, "panicked")
}

func TestRunProbesUntilCancelled(t *testing.T) {
	var calls atomic.Int64
	o := Options{Timeout: time.Second, Interval: time.Millisecond, RecoveryProbes: 1}
	tr := New(context.Background(), func(context.Context) error { calls.Add(1); return nil }, o)
	ctx, cancel := context.WithCancel(context.Background())
	stopped := make(chan struct{})
	go func() { tr.Run(ctx); close(stopped) }()
	require.Eventually(t, func() bool { return calls.Load() >= 3 }, 5*time.Second, time.Millisecond)
	cancel()
	<-stopped
	assert.Equal(t, Up, tr.Snapshot().State)
}

func TestBaseCancelStopsProbe(t *testing.T) {
	base, cancel := context.WithCancel(context.Background())
	p := &probe{gate: make(chan struct{})}
	tr := New(base, p.check, opts(newClock(), 1))
	done := make(chan Snapshot)
	go func() { done <- tr.Refresh(context.Background()) }()
	require.Eventually(t, func() bool { p.mu.Lock(); defer p.mu.Unlock(); return p.inflight == 1 }, 5*time.Second, time.Millisecond)
	cancel()
	assert.Equal(t, Down, (<-done).State)
}

// A probe that began before a failed call does not undo the mark-down, even with a recovery
// threshold of one: its good answer may predate the failure (the health endpoint answers while
// the room API fails).
func TestProbeStartedBeforeAFailDoesNotUndoIt(t *testing.T) {
	c := newClock()
	p := &probe{}
	tr := New(context.Background(), p.check, opts(c, 1))
	require.Equal(t, Up, tr.Refresh(context.Background()).State)

	p.mu.Lock()
	p.gate = make(chan struct{})
	gate := p.gate
	p.mu.Unlock()
	c.Advance(time.Minute)
	tr.Verdict(context.Background(), false) // stale: a probe starts and blocks
	require.Eventually(t, func() bool { p.mu.Lock(); defer p.mu.Unlock(); return p.inflight == 1 }, 5*time.Second, time.Millisecond)
	tr.Fail(errors.New("the room API failed"))
	close(gate) // the probe that began before the failure answers well
	require.Eventually(t, func() bool { p.mu.Lock(); defer p.mu.Unlock(); return p.inflight == 0 }, 5*time.Second, time.Millisecond)
	require.Eventually(t, func() bool { tr.mu.Lock(); defer tr.mu.Unlock(); return !tr.inflight }, 5*time.Second, time.Millisecond)
	assert.Equal(t, Down, tr.Snapshot().State, "a success from before the failure proves nothing")

	p.mu.Lock()
	p.gate = nil
	p.mu.Unlock()
	c.Advance(time.Minute)
	assert.Equal(t, Up, tr.Refresh(context.Background()).State, "a probe begun after the failure counts")
}
