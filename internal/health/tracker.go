// Package health keeps one provider's health off the hot path: a cached answer, refreshed by
// at most one probe at a time (coalesced with singleflight under a context the tracker owns,
// so a caller that gives up never cancels the probe for the others), stale-while-revalidate,
// passive marking-down on a failed call, and recovery only after consecutive good probes.
package health

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"golang.org/x/sync/singleflight"
)

// State is what the tracker believes of its provider.
type State int

// The states of a provider.
const (
	// Unknown: never probed, or no answer yet.
	Unknown State = iota
	// Up: the last probe succeeded (and, after an outage, enough consecutive ones did).
	Up
	// Down: the last probe or call failed.
	Down
	// Misconfigured: the provider refused the credentials; unusable like Down, but a
	// configuration error, not an outage.
	Misconfigured
)

// String returns the state's lowercase name.
func (s State) String() string {
	switch s {
	case Up:
		return "up"
	case Down:
		return "down"
	case Misconfigured:
		return "misconfigured"
	default:
		return "unknown"
	}
}

// Options tune a Tracker.
type Options struct {
	// Timeout bounds one probe.
	Timeout time.Duration
	// Interval is how long an answer stays fresh.
	Interval time.Duration
	// RecoveryProbes is how many consecutive good probes bring a Down provider back Up.
	RecoveryProbes int
	// Now is the clock; time.Now when nil.
	Now func() time.Time
	// Misconfigured reports whether a probe error means refused credentials.
	Misconfigured func(error) bool
}

// Snapshot is the tracker's answer at one moment.
type Snapshot struct {
	State     State
	LastCheck time.Time
	Latency   time.Duration
	// LastErr is the last failure while the provider is not Up; nil when Up.
	LastErr error
	// Streak counts consecutive good probes while recovering.
	Streak int
}

// Tracker tracks one provider's health. It is safe for concurrent use.
type Tracker struct {
	probe func(context.Context) error
	base  context.Context
	opts  Options
	sf    singleflight.Group

	mu       sync.Mutex
	snap     Snapshot
	inflight bool
	gen      uint64
	fails    uint64 // calls to Fail: a probe that began before the last one proves nothing

	probes atomic.Int64
	waits  atomic.Int64
}

// New returns a Tracker that probes with probe under contexts derived from base: cancel
// base to stop every probe (Service.Close does).
func New(base context.Context, probe func(context.Context) error, opts Options) *Tracker {
	if opts.Now == nil {
		opts.Now = time.Now
	}
	if opts.Misconfigured == nil {
		opts.Misconfigured = func(error) bool { return false }
	}
	if opts.RecoveryProbes < 1 {
		opts.RecoveryProbes = 1
	}
	return &Tracker{probe: probe, base: base, opts: opts}
}

// Verdict is the hot path. It returns the cached answer at once when there is one, starting
// a background probe if the answer is stale. Only when there is no answer at all (Unknown)
// and mayWait is set does the caller that starts the probe (the leader) wait for it, bounded
// by ctx and the probe timeout; every other caller returns Unknown at once.
func (t *Tracker) Verdict(ctx context.Context, mayWait bool) Snapshot {
	t.mu.Lock()
	snap := t.snap
	var ch <-chan singleflight.Result
	leader := false
	if snap.State == Unknown || t.staleLocked() {
		ch, leader = t.launchLocked(false)
	}
	t.mu.Unlock()
	if snap.State != Unknown || !leader || !mayWait {
		return snap
	}
	t.waits.Add(1)
	return t.await(ctx, ch, snap)
}

// Await returns the cached answer when there is one; with none yet (Unknown) it joins the
// probe in flight, or starts one, and waits for it, bounded by ctx and the probe timeout. It
// counts as a wait. The factory uses it only when no provider with an answer could serve.
func (t *Tracker) Await(ctx context.Context) Snapshot {
	t.mu.Lock()
	snap := t.snap
	if snap.State != Unknown {
		t.mu.Unlock()
		return snap
	}
	ch, _ := t.launchLocked(true)
	t.mu.Unlock()
	t.waits.Add(1)
	return t.await(ctx, ch, snap)
}

// Refresh returns a fresh answer: the cached one while it is fresh, otherwise the result of
// a probe, started or joined, bounded by ctx. It is for health reports, not the hot path.
func (t *Tracker) Refresh(ctx context.Context) Snapshot {
	t.mu.Lock()
	snap := t.snap
	if snap.State != Unknown && !t.staleLocked() {
		t.mu.Unlock()
		return snap
	}
	ch, _ := t.launchLocked(true)
	t.mu.Unlock()
	return t.await(ctx, ch, snap)
}

// Snapshot returns the cached answer without probing.
func (t *Tracker) Snapshot() Snapshot {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.snap
}

// Fail marks the provider down at once after a failed call (passive health).
func (t *Tracker) Fail(err error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.fails++
	t.failLocked(err)
	t.snap.LastCheck = t.opts.Now()
}

// Probes returns how many probes the tracker has started.
func (t *Tracker) Probes() int64 { return t.probes.Load() }

// Waits returns how many Verdict or Await callers waited on a probe.
func (t *Tracker) Waits() int64 { return t.waits.Load() }

// Run probes every Interval, with ±10% jitter so replicas spread out, until ctx is done.
func (t *Tracker) Run(ctx context.Context) {
	for {
		t.mu.Lock()
		t.launchLocked(false)
		t.mu.Unlock()
		jitter := time.Duration(rand.Int64N(int64(t.opts.Interval)/5+1)) - t.opts.Interval/10
		timer := time.NewTimer(t.opts.Interval + jitter)
		select {
		case <-ctx.Done():
			timer.Stop()
			return
		case <-timer.C:
		}
	}
}

func (t *Tracker) staleLocked() bool {
	return t.opts.Now().Sub(t.snap.LastCheck) >= t.opts.Interval
}

func (t *Tracker) await(ctx context.Context, ch <-chan singleflight.Result, fallback Snapshot) Snapshot {
	select {
	case r := <-ch:
		return r.Val.(Snapshot)
	case <-ctx.Done():
		return fallback
	}
}

// launchLocked starts a probe unless one is in flight, and reports whether it started it.
// With join, it returns a channel for the probe in flight too. The singleflight key carries
// a generation: a probe clears inflight under t.mu before it returns, so a key seen while
// inflight is set always names the probe still running.
func (t *Tracker) launchLocked(join bool) (<-chan singleflight.Result, bool) {
	if t.inflight {
		if !join {
			return nil, false
		}
		return t.sf.DoChan(strconv.FormatUint(t.gen, 10), t.run), false
	}
	t.inflight = true
	t.gen++
	t.probes.Add(1)
	return t.sf.DoChan(strconv.FormatUint(t.gen, 10), t.run), true
}

// run is one probe under the tracker's own context and timeout. A probe that ignores its
// context is abandoned at the timeout, so it can never wedge the tracker. A success is applied
// only if no call failed (Fail) since the probe began.
func (t *Tracker) run() (any, error) {
	t.mu.Lock()
	failsAtStart := t.fails
	t.mu.Unlock()
	ctx, cancel := context.WithTimeout(t.base, t.opts.Timeout)
	defer cancel()
	start := t.opts.Now()
	done := make(chan error, 1)
	go func() {
		defer func() {
			if r := recover(); r != nil {
				done <- fmt.Errorf("health probe panicked: %v", r)
			}
		}()
		done <- t.probe(ctx)
	}()
	var err error
	select {
	case err = <-done:
	case <-ctx.Done():
		err = ctx.Err()
	}
	if err != nil && errors.Is(err, context.DeadlineExceeded) && t.base.Err() == nil {
		err = fmt.Errorf("health probe timed out after %s", t.opts.Timeout)
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	t.snap.Latency = t.opts.Now().Sub(start)
	t.snap.LastCheck = t.opts.Now()
	switch {
	case err != nil:
		t.failLocked(err)
	case t.fails != failsAtStart:
		// A call failed while this probe ran: its success may predate the failure, so it
		// neither undoes the mark-down nor counts towards recovery.
	default:
		t.succeedLocked()
	}
	t.inflight = false
	return t.snap, nil
}

func (t *Tracker) succeedLocked() {
	if t.snap.State == Up || t.snap.State == Unknown {
		t.snap.State, t.snap.Streak, t.snap.LastErr = Up, 0, nil
		return
	}
	t.snap.Streak++
	if t.snap.Streak >= t.opts.RecoveryProbes {
		t.snap.State, t.snap.Streak, t.snap.LastErr = Up, 0, nil
	}
}

func (t *Tracker) failLocked(err error) {
	t.snap.LastErr, t.snap.Streak = err, 0
	if t.opts.Misconfigured(err) {
		t.snap.State = Misconfigured
	} else {
		t.snap.State = Down
	}
}
