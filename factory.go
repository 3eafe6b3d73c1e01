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
	p        Provider
	name     ProviderName
	policy   Policy // the Service's policy joined with the provider's own
	health   *health.Tracker
	tel      memberTelemetry
	lastWarn atomic.Int64 // when "unhealthy, using fallback" was last logged (unix ns)
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
// When a provider other than the first candidate serves, skipped (unless nil) is set to the
// first candidate and why it was passed over: its health state, or "error" when its try
// failed. Each try is bounded by the health timeout. A failed try marks the provider down at once. An error that wraps ErrInvalidArgument
// stops the search: the request is wrong, not the provider. When all fail, the error wraps
// every provider's cause.
func (f *factory) choose(ctx context.Context, op string, exclude ProviderName, skipped *passed, try func(context.Context, *member) error) (*member, error) {
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
	attempt := func(m, next *member) (bool, error) {
		callCtx, cancel := context.WithTimeout(ctx, f.timeout)
		err := try(callCtx, m)
		cancel()
		if err == nil {
			return true, nil
		}
		if err := m.callFailed(ctx, op, err); err != nil {
			return false, err
		}
		passedOver(m, "error")
		setCause(m.name, err)
		if next != nil {
			f.log.LogAttrs(ctx, slog.LevelWarn, "primary provider failed, trying fallback",
				slog.String("op", op), slog.String("provider", string(m.name)),
				slog.String("fallback", string(next.name)), slog.String("error", err.Error()))
		}
		return false, nil
	}
	candidates := make([]*member, 0, len(f.members))
	for _, m := range f.members {
		if m.name != exclude {
			candidates = append(candidates, m)
		}
	}
	// The first choice, and why it was passed over: noted for the caller when another served.
	var first *member
	var why string
	passedOver = func(m *member, reason string) {
		if m == candidates[0] {
			first, why = m, reason
		}
	}
	served := func(m *member, err error) (*member, error) {
		if err == nil && first != nil && m != first && skipped != nil {
			*skipped = passed{from: first.name, reason: why}
		}
		return m, err
	}
	for i, m := range candidates {
		var next *member
		if i+1 < len(candidates) {
			next = candidates[i+1]
		}
		snap := m.health.Verdict(ctx, true)
		switch snap.State {
		case health.Up:
			if ok, err := attempt(m, next); ok || err != nil {
				return served(m, err)
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
		if ok, err := attempt(m, nil); ok || err != nil {
			return served(m, err)
		}
	}
	return nil, f.allFailed(ctx, op, causes)
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
