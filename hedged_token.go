package video

import (
	"context"
	"errors"
	"log/slog"
	"time"
)

// remoteTokens reports whether m's tokens are a call to its server, and so are hedged.
func (s *Service) remoteTokens(m *member) bool {
	rt, ok := m.p.(RemoteTokens)
	return ok && rt.TokensAreRemote() && s.f.hedgeRate > 0 && len(s.f.members) > 1
}

// tokenCall is a token asked of a provider, and how it ended.
type tokenCall struct {
	tok  *Token
	err  error
	took time.Duration
}

// hedgedToken asks m for a token of the appointment this request has just pinned there (fresh,
// in its first version), hedging it as hedging.go says: when m has not answered after its hedge
// delay, the fresh pin moves to the next provider (a migration with a compare-and-swap on that
// first version, so it moves only while nobody else has written to it: no one holds a token of
// it) and the token is asked there. It returns the token, and the pin and provider it is for.
// When the pin cannot move (someone wrote to it, no other provider can open a room, no hedge is
// left this second), it waits for m as without hedging. The slow call is judged in the
// background; a token it returns late is nobody's, and its room is closed.
func (s *Service) hedgedToken(ctx context.Context, op string, m *member, p pin, req TokenRequest, fresh *Consultation) (*Token, pin, *member, error) {
	results := make(chan tokenCall, 1)
	firstCtx, cancelFirst := context.WithTimeout(context.WithoutCancel(ctx), s.cfg.Health.Timeout)
	stopClose := context.AfterFunc(s.ctx, cancelFirst)
	stopCaller := context.AfterFunc(ctx, cancelFirst) // until the hedge starts
	go func() {
		callCtx, call := s.tel.startCall(firstCtx, m, callIssueToken, req.Room)
		start := time.Now()
		tok, err := m.p.IssueToken(callCtx, req)
		call.end(callCtx, err)
		cancelFirst()
		stopClose()
		results <- tokenCall{tok, err, time.Since(start)}
	}()
	wait := func() (*Token, pin, *member, error) {
		select {
		case r := <-results:
			stopCaller()
			if r.err == nil {
				s.f.observe(call{m: m, took: r.took})
			}
			return r.tok, p, m, r.err
		case <-ctx.Done(): // the caller gave up: the call is judged in the background
			s.judgeToken(op, results, m, fresh.AppointmentID, p.room)
			return nil, p, m, ctx.Err()
		}
	}
	timer := time.NewTimer(m.hedge.delay.Get())
	defer timer.Stop()
	select {
	case <-timer.C:
	case r := <-results:
		results <- r
		return wait()
	}
	if !m.hedge.budget.Take(time.Now()) || !stopCaller() {
		return wait() // no hedge left this second, or the caller already gave up
	}
	m.suspected()
	m.hedge.hedges.Add(1)
	moved, err := s.migrate(ctx, op, fresh, m)
	if err != nil {
		// The pin could not move: someone wrote to it (a token of it may be held), or no
		// other provider took the room. Wait for m as without hedging.
		s.tel.hedge(ctx, m.name, "", "failed")
		return wait()
	}
	to := s.f.member(moved.Provider)
	np := pin{moved.Provider, moved.Room, moved.Window}
	s.pins.put(fresh.AppointmentID, np)
	m.hedge.won.Add(1)
	s.tel.hedge(ctx, m.name, to.name, "won")
	s.judgeToken(op, results, m, fresh.AppointmentID, p.room)
	hreq := req
	hreq.Room, hreq.Grants = moved.Room, to.policy.Grants(req.Role)
	tok, err := s.issue(ctx, to, hreq)
	return tok, np, to, err
}

// judgeToken takes a hedged token call's answer in the background: a failure marks m down, as
// any failed call does; a late token is nobody's (its holder never got it), and the room it was
// for is closed unless the appointment is pinned there.
func (s *Service) judgeToken(op string, results <-chan tokenCall, m *member, appointmentID, room string) {
	s.later(func(ctx context.Context) {
		var r tokenCall
		select {
		case r = <-results:
		case <-ctx.Done():
			return // Close: a call that ignores its context is not waited for
		}
		switch {
		case errors.Is(r.err, context.Canceled):
		case r.err != nil:
			if m.callFailed(ctx, op, r.err) == nil {
				s.log.LogAttrs(ctx, slog.LevelWarn, "provider failed a call that was hedged: marked down",
					slog.String("op", op), slog.String("provider", string(m.name)), slog.String("error", r.err.Error()))
			}
		default:
			s.f.observe(call{m: m, took: r.took})
			s.f.recheck(m)
			callCtx, cancel := context.WithTimeout(ctx, s.cfg.Health.Timeout)
			defer cancel()
			s.closeUnpinned(appointmentID, room)(callCtx, m)
		}
	})
}
