package video

import (
	"context"
	"errors"
	"log/slog"
	"sync/atomic"
	"time"

	"github.com/teleconsult/video/internal/hedge"
)

// Hedging. A provider that was believed healthy can stop answering at any moment; the first
// sign is a call that takes longer than its calls usually do. The calls that open a room for
// a new appointment (CreateRoom, through choose) are hedged: when the provider has not
// answered after its hedge delay (twice the 99th percentile of its recent successful calls,
// within VIDEO_HEDGE_DELAY_MIN and VIDEO_HEDGE_DELAY_MAX), the same step starts on the next
// provider that health checks found up (never one nobody checked: asking for a room is kept
// from probing it, as a probe is started for it in the background), and the first to succeed
// serves. So that no caller waits on the slow provider beyond that delay:
//
//   - the slow call goes on, detached from its caller, until it answers or the health
//     timeout (or Close) ends it: an error then marks the provider down, as any failed call
//     does; a late success is only a slow answer. The room it opened has the appointment's
//     name, which is the same on every provider, so it is closed only when the appointment is
//     pinned elsewhere and the provider reports nobody in it; otherwise it is left to the
//     provider's empty timeout;
//   - from the hedge on, the provider is suspect: new rooms go to the providers that are not
//     (it is asked only when none of them can serve), until a health check that began after
//     the hedge answers within the larger of VIDEO_HEDGE_DELAY_MAX and a quarter of
//     VIDEO_HEALTH_TIMEOUT: one is made as soon as a hedged call answers late, and the
//     provider's health probes go on (a request that passes it over starts one when its
//     answer is stale). A slow answer alone clears nothing, so a provider that answers but
//     slowly stays out of the way. Being suspect moves no pinned appointment: only a failure
//     does (one slow answer is not one);
//   - one provider may cause at most VIDEO_HEDGE_RATE hedges a second (a token bucket), so a
//     storm of them cannot double the load on a struggling fallback; past it, callers wait
//     for the slow call as they would without hedging.
//
// Affinity is untouched: the room of whichever call won is pinned with create-if-absent, as
// always, so exactly one pin wins and everyone meets there.

// memberHedge is what a provider's hedging keeps.
type memberHedge struct {
	delay      *hedge.Delay
	budget     *hedge.Budget
	prompt     time.Duration // a health check this quick clears suspicion
	since      atomic.Int64  // when it became suspect (unix ns); 0 while it is not
	rechecking atomic.Bool   // a check after a late answer is running
	hedges     atomic.Int64  // hedges started because it was slow
	won        atomic.Int64  // of those, the ones the other provider answered first
}

func newMemberHedge(h HealthConfig) *memberHedge {
	maxDelay := min(h.HedgeDelayMax, h.Timeout/2)
	minDelay := min(h.HedgeDelayMin, maxDelay)
	return &memberHedge{delay: hedge.NewDelay(100*time.Millisecond, minDelay, maxDelay), budget: hedge.NewBudget(h.HedgeRate),
		prompt: max(h.HedgeDelayMax, h.Timeout/4)}
}

// suspect reports whether m was slow enough to be hedged and has not answered a health check
// promptly since.
func (m *member) suspect() bool { return m.hedge.since.Load() != 0 }

// suspected makes m suspect from now on (a call to it was hedged).
func (m *member) suspected() { m.hedge.since.Store(time.Now().UnixNano()) }

// checked takes a health check of m that began at start and ended with err: a prompt success
// ends its suspicion, unless the suspicion began after the check did.
func (m *member) checked(start time.Time, err error) {
	if err != nil || time.Since(start) > m.hedge.prompt {
		return
	}
	if since := m.hedge.since.Load(); since != 0 && start.UnixNano() > since {
		m.hedge.since.CompareAndSwap(since, 0)
	}
}

// call is one try of a provider: who, how it ended and how long it took.
type call struct {
	m    *member
	err  error
	took time.Duration
}

// timed runs try on m under ctx and times it.
func timed(ctx context.Context, m *member, try func(context.Context, *member) error) call {
	start := time.Now()
	err := try(ctx, m)
	return call{m: m, err: err, took: time.Since(start)}
}

// hedged runs try on m, bounded by the health timeout, hedging to `to` (nil: never) as the
// package comment says. It returns the member whose try succeeded (nil when none did) and
// the calls that failed before the caller could return, for the caller to judge; a call
// answered after the caller returned is judged here, and undo closes what a losing success
// opened.
func (f *factory) hedged(ctx context.Context, op string, m, to *member, try func(context.Context, *member) error,
	undo func(context.Context, *member)) (*member, []call) {
	if to == nil || f.hedgeRate == 0 {
		callCtx, cancel := context.WithTimeout(ctx, f.timeout)
		c := timed(callCtx, m, try)
		cancel()
		return f.answered(c)
	}
	results := make(chan call, 2)
	detach := f.detachable(ctx, func(ctx context.Context) { results <- timed(ctx, m, try) })
	if !hedgeDue(m, results) {
		c := <-results // answered in time, or no hedge left this second
		detach()
		return f.answered(c)
	}
	if !detach() {
		return f.answered(<-results) // the caller gave up just now: the call ends with it
	}
	m.suspected()
	m.hedge.hedges.Add(1)
	hedgeCtx, cancelHedge := context.WithTimeout(ctx, f.timeout)
	go func() {
		c := timed(hedgeCtx, to, try)
		cancelHedge()
		results <- c
	}()

	var failed []call
	for pending := 2; pending > 0; pending-- {
		var c call
		select {
		case c = <-results:
		case <-ctx.Done():
			// The caller gave up: the hedge ends with its context; the first call is left to
			// answer in the background.
			f.tel.hedge(ctx, m.name, to.name, "canceled")
			f.judgeLater(op, results, pending, m, nil, undo)
			return nil, failed
		}
		if c.err != nil {
			failed = append(failed, c)
			continue
		}
		f.observe(c)
		if c.m == m {
			f.recheck(m) // it answered, late: is it quick again?
		}
		won := c.m
		if won == to {
			m.hedge.won.Add(1)
			f.tel.hedge(ctx, m.name, to.name, "won")
		} else {
			cancelHedge() // the first call answered after all: the hedge is not needed
			f.tel.hedge(ctx, m.name, to.name, "lost")
		}
		if pending > 1 {
			f.judgeLater(op, results, pending-1, m, won, undo)
		}
		return won, failed
	}
	f.tel.hedge(ctx, m.name, to.name, "failed")
	return nil, failed
}

// detachable starts call in the background under a context that keeps ctx's values (its span)
// and ends at the health timeout or at Close; it follows ctx's cancellation too, until detach
// is called, so that the call can outlive a caller that a hedge answered. detach reports
// whether it came before the caller gave up.
func (f *factory) detachable(ctx context.Context, call func(context.Context)) (detach func() bool) {
	callCtx, cancel := context.WithTimeout(context.WithoutCancel(ctx), f.timeout)
	stopClose := context.AfterFunc(f.base, cancel)
	stopCaller := context.AfterFunc(ctx, cancel)
	go func() {
		call(callCtx)
		cancel()
		stopClose()
	}()
	return stopCaller
}

// hedgeDue waits for m's hedge delay unless the call's answer comes first on results, and
// reports whether to hedge now: the delay passed and m may cause a hedge this second. An
// answer seen is put back for the caller. A caller who gives up needs no case here: the call
// follows its context until it is detached, and answers at once.
func hedgeDue[T any](m *member, results chan T) bool {
	timer := time.NewTimer(m.hedge.delay.Get())
	defer timer.Stop()
	select {
	case r := <-results:
		results <- r // the channel has room: nothing else was sent yet
		return false
	case <-timer.C:
	}
	return m.hedge.budget.Take(time.Now())
}

// answered returns a call that was not hedged as hedged does.
func (f *factory) answered(c call) (*member, []call) {
	if c.err != nil {
		return nil, []call{c}
	}
	f.observe(c)
	return c.m, nil
}

// observe feeds a successful call's latency to its provider's hedge delay.
func (f *factory) observe(c call) { c.m.hedge.delay.Observe(c.took) }

// judgeLater takes the last `pending` calls of a hedge in the background, after the caller
// returned with winner (nil when it gave up): a failure marks its provider down; a success
// that lost has its room closed by undo; the first call's answer ends its provider's
// suspicion.
func (f *factory) judgeLater(op string, results <-chan call, pending int, first, winner *member,
	undo func(context.Context, *member)) {
	f.later(func(ctx context.Context) {
		for range pending {
			select {
			case c := <-results:
				f.judge(ctx, op, c, first, winner, undo)
			case <-ctx.Done():
				return // Close: a call that ignores its context is not waited for
			}
		}
	})
}

// judge takes one call of a hedge that answered after its caller returned with winner (nil
// when none): a failure marks its provider down, as any failed call does; a success that lost
// has what it opened closed by undo; the first call's answer has its provider's health
// checked again, to end its suspicion.
func (f *factory) judge(ctx context.Context, op string, c call, first, winner *member, undo func(context.Context, *member)) {
	if errors.Is(c.err, context.Canceled) {
		return // ended by its caller or by the hedge: it says nothing of the provider
	}
	if c.err != nil {
		if c.m.callFailed(ctx, op, c.err) == nil {
			f.log.LogAttrs(ctx, slog.LevelWarn, "provider failed a call that was hedged: marked down",
				slog.String("op", op), slog.String("provider", string(c.m.name)), slog.String("error", c.err.Error()))
		}
		return
	}
	f.observe(c)
	if c.m != winner && undo != nil {
		callCtx, cancel := context.WithTimeout(ctx, f.timeout)
		undo(callCtx, c.m)
		cancel()
	}
	if c.m == first {
		f.recheck(first) // after the undo: a test waits for this check to know the undo is done
	}
}

// recheck checks m's health in the background, once at a time, to end its suspicion if it
// answers promptly.
func (f *factory) recheck(m *member) {
	if !m.suspect() || !m.hedge.rechecking.CompareAndSwap(false, true) {
		return
	}
	f.later(func(ctx context.Context) {
		defer m.hedge.rechecking.Store(false)
		ctx, cancel := context.WithTimeout(ctx, f.timeout)
		defer cancel()
		start := time.Now()
		done := make(chan error, 1)
		go func() { done <- m.p.Check(ctx) }()
		select {
		case err := <-done:
			m.checked(start, err)
		case <-ctx.Done(): // a check that ignores its context is not waited for
		}
	})
}

// closeUnpinned returns the undo of a room opened on a provider for appointmentID that the
// appointment is not pinned to: a hedge's losing call, or a pin another caller won elsewhere.
// A room's name is the appointment's on every provider, so the room may be in use after all:
// the appointment pinned there by another replica since, or, after the store lost the record,
// a meeting of the pin that was lost. So it is closed only when the store says the appointment
// is pinned elsewhere and the provider lists nobody in the room; a provider that cannot list
// keeps it until its empty timeout.
func (s *Service) closeUnpinned(appointmentID, room string) func(context.Context, *member) {
	return func(ctx context.Context, m *member) {
		c, err := s.store.Get(ctx, appointmentID)
		if err != nil || c.Provider == m.name {
			return
		}
		lister, ok := m.p.(ParticipantLister)
		if !ok {
			return
		}
		if ps, err := lister.Participants(ctx, room); err != nil || len(ps) > 0 {
			return
		}
		if s.endRoom(ctx, m, room) == nil && s.orphaned.add(string(m.name)+"/"+appointmentID) {
			s.orphansClosed.Add(1)
		}
	}
}

// later runs fn in the background with the Service's context, until Close, which waits for
// it; after Close it does not run.
func (s *Service) later(fn func(ctx context.Context)) {
	s.bgMu.Lock()
	defer s.bgMu.Unlock()
	if s.closed.Load() {
		return
	}
	s.wg.Go(func() { fn(s.ctx) })
}
