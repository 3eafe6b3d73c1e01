package video

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync/atomic"
	"time"

	"github.com/teleconsult/video/internal/health"
)

// member is one provider with its health.
type member struct {
	p      Provider
	name   ProviderName
	policy Policy // the Service's policy joined with the provider's own
	health *health.Tracker
	tel    memberTelemetry
	hedge  *memberHedge
	// remoteTokens and localTokens: the provider says its tokens are a call to its server, or
	// signed here (RemoteTokens); a provider that does not say is neither
	remoteTokens, localTokens bool
	lastWarn                  atomic.Int64 // when "unhealthy, using fallback" was last logged (unix ns)
}

// callFailed is the one rule of passive health for a provider call that returned err: the
// request's fault (ErrInvalidArgument) and a caller who gave up (ctx done) say nothing about
// the provider and are returned as the operation's error; any other failure marks m down at
// once, and callFailed returns nil so that the caller tries elsewhere.
func (m *member) callFailed(ctx context.Context, op string, err error) error {
	if errors.Is(err, ErrInvalidArgument) {
		return &Error{Op: op, Kind: ErrInvalidArgument, Provider: m.name, Err: err}
	}
	if ctx.Err() != nil {
		return &Error{Op: op, Kind: ErrUnavailable, Provider: m.name, Err: ctx.Err()}
	}
	m.health.Fail(err)
	return nil
}

// factory orders the providers (primary first) and chooses among them by cached health.
// It is unexported: applications reach it only through the Service's policy.
type factory struct {
	members  []*member
	log      *slog.Logger
	now      func() time.Time
	interval time.Duration
	timeout  time.Duration // bounds one provider call on the token path
	tel      *telemetry

	hedgeRate int                                // hedges a second per provider; 0: none
	base      context.Context                    // the Service's: canceled by Close
	later     func(fn func(ctx context.Context)) // runs fn in the background until Close
}

func (f *factory) member(name ProviderName) *member {
	for _, m := range f.members {
		if m.name == name {
			return m
		}
	}
	return nil
}

// usable reports whether m may serve judged by its cached health alone (no probe).
func usable(s health.State) bool { return s == health.Up || s == health.Unknown }

// choose runs try on the providers in order, skipping `exclude`, until one succeeds:
//
//   - a provider known Up is tried;
//   - a provider known Down or Misconfigured is skipped, with its last error as the cause;
//   - a provider with no health answer yet is probed by one caller (the leader), who waits
//     for the probe, bounded by ctx; every other caller skips it without waiting;
//   - only if no provider with an answer could serve are those skipped for want of one
//     waited on, last-first (the fallback before the primary), each bounded by the probe
//     timeout and ctx.
//
// A provider that is suspect (a hedged call to it is unanswered) is tried after those that
// are not. A try of a provider that is up is hedged to the next provider that is up and not
// suspect (hedging.go); undo closes what a losing try opened.
//
// When a provider other than the first candidate serves, skipped (unless nil) is set to the
// first candidate and why it was passed over: its health state, "suspect", "slow" (a hedge
// answered first) or "error" (its try failed). Each try is bounded by the health timeout. A
// failed try marks the provider down at once. An error that wraps ErrInvalidArgument stops
// the search: the request is wrong, not the provider. When all fail, the error wraps every
// provider's cause.
func (f *factory) choose(ctx context.Context, op string, exclude ProviderName, skipped *passed,
	try func(context.Context, *member) error, undo func(context.Context, *member)) (*member, error) {
	var causes []error
	var unknown []*member
	var passedOver func(m *member, reason string)
	setCause := func(name ProviderName, err error) {
		pe := &ProviderError{Provider: name, Err: err}
		for i, c := range causes {
			if c.(*ProviderError).Provider == name {
				causes[i] = pe
				return
			}
		}
		causes = append(causes, pe)
	}
	attempt := func(m, next, hedgeTo *member) (*member, error) {
		won, failed := f.hedged(ctx, op, m, hedgeTo, try, undo)
		for _, c := range failed {
			if err := c.m.callFailed(ctx, op, c.err); err != nil {
				return nil, err
			}
			passedOver(c.m, "error")
			setCause(c.m.name, c.err)
			if c.m == m && next != nil {
				f.log.LogAttrs(ctx, slog.LevelWarn, "primary provider failed, trying fallback",
					slog.String("op", op), slog.String("provider", string(m.name)),
					slog.String("fallback", string(next.name)), slog.String("error", c.err.Error()))
			}
		}
		if won != nil && won != m {
			passedOver(m, "slow")
		}
		return won, nil
	}
	candidates := make([]*member, 0, len(f.members))
	for _, m := range f.members {
		if m.name != exclude {
			candidates = append(candidates, m)
		}
	}
	if len(candidates) == 0 {
		return nil, f.allFailed(ctx, op, causes)
	}
	prio := candidates[0]
	var suspects []*member // tried last, after those with no health answer yet
	// The first choice, and why it was passed over: noted for the caller when another served.
	var first *member
	var why string
	passedOver = func(m *member, reason string) {
		if m == prio {
			first, why = m, reason
		}
	}
	if prio.suspect() {
		passedOver(prio, "suspect")
	}
	served := func(m *member, err error) (*member, error) {
		if err == nil && first != nil && m != first && skipped != nil {
			*skipped = passed{from: first.name, reason: why}
		}
		return m, err
	}
	for i, m := range candidates {
		if m.suspect() {
			m.health.Verdict(ctx, false) // keeps its answer fresh: a prompt probe ends the suspicion
			suspects = append(suspects, m)
			continue
		}
		var next *member
		if i+1 < len(candidates) {
			next = candidates[i+1]
		}
		snap := m.health.Verdict(ctx, true)
		switch snap.State {
		case health.Up:
			if won, err := attempt(m, next, hedgeTarget(ctx, candidates[i+1:])); won != nil || err != nil {
				return served(won, err)
			}
		case health.Unknown:
			unknown = append(unknown, m)
			passedOver(m, "unknown")
			setCause(m.name, errors.New("health unknown: first probe in progress"))
		default:
			passedOver(m, snap.State.String())
			setCause(m.name, fmt.Errorf("%s: %w", snap.State, errOrUnavailable(snap.LastErr)))
			if next != nil {
				f.warnUnhealthy(ctx, m, next, snap)
			}
		}
	}
	for i := len(unknown) - 1; i >= 0; i-- {
		m := unknown[i]
		snap := m.health.Await(ctx)
		if snap.State != health.Up {
			cause := errors.New("health unknown: no probe answer in time")
			if snap.State != health.Unknown {
				cause = fmt.Errorf("%s: %w", snap.State, errOrUnavailable(snap.LastErr))
				passedOver(m, snap.State.String())
			}
			setCause(m.name, cause)
			continue
		}
		if m == first {
			first = nil // the first choice served after all, once its probe answered
		}
		if won, err := attempt(m, nil, nil); won != nil || err != nil {
			return served(won, err)
		}
	}
	for _, m := range suspects {
		if snap := m.health.Verdict(ctx, true); snap.State != health.Up {
			setCause(m.name, fmt.Errorf("%s: %w", snap.State, errOrUnavailable(snap.LastErr)))
			continue
		}
		if m == first {
			first = nil
		}
		if won, err := attempt(m, nil, nil); won != nil || err != nil {
			return served(won, err)
		}
	}
	return nil, f.allFailed(ctx, op, causes)
}

// hedgeTarget is the first of rest that a health check found up and that is not suspect, or
// nil. A provider nobody checked is never asked blind; the look starts a probe of each one whose
// answer is missing or stale, in the background, so that the next hedge has one.
func hedgeTarget(ctx context.Context, rest []*member) *member {
	for _, m := range rest {
		if m.health.Verdict(ctx, false).State == health.Up && !m.suspect() {
			return m
		}
	}
	return nil
}

// passed is a provider passed over for another, and why.
type passed struct {
	from   ProviderName
	reason string
}

func errOrUnavailable(err error) error {
	if err == nil {
		return ErrUnavailable
	}
	return err
}

// warnUnhealthy logs that the primary is skipped, at most once per health interval per
// provider, so an outage does not flood the log.
func (f *factory) warnUnhealthy(ctx context.Context, m, next *member, snap health.Snapshot) {
	now := f.now().UnixNano()
	last := m.lastWarn.Load()
	if now-last < int64(f.interval) || !m.lastWarn.CompareAndSwap(last, now) {
		return
	}
	attrs := []slog.Attr{slog.String("provider", string(m.name)), slog.String("fallback", string(next.name)),
		slog.String("state", snap.State.String())}
	if snap.LastErr != nil {
		attrs = append(attrs, slog.String("error", snap.LastErr.Error()))
	}
	if snap.State == health.Misconfigured {
		f.log.LogAttrs(ctx, slog.LevelError, "primary provider refused the credentials: configuration error, using fallback", attrs...)
		return
	}
	f.log.LogAttrs(ctx, slog.LevelWarn, "primary provider unhealthy, using fallback", attrs...)
}

func (f *factory) allFailed(ctx context.Context, op string, causes []error) error {
	attrs := []slog.Attr{slog.String("op", op)}
	for _, c := range causes {
		var pe *ProviderError
		if errors.As(c, &pe) {
			attrs = append(attrs, slog.String(string(pe.Provider)+"_error", pe.Err.Error()))
		}
	}
	f.log.LogAttrs(ctx, slog.LevelError, "all video providers failed", attrs...)
	return &Error{Op: op, Kind: ErrAllProvidersFailed, Err: errors.Join(causes...)}
}
