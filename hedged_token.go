package video

import (
	"context"
	"time"
)

// remoteTokens reports whether m's tokens are a call to its server, and so are hedged.
func (s *Service) remoteTokens(m *member) bool {
	return m.remoteTokens && s.f.hedgeRate > 0 && len(s.f.members) > 1
}

// tokenCall is a token asked of a provider, and how the asking went.
type tokenCall struct {
	call
	tok *Token
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
	detach := s.f.detachable(ctx, func(ctx context.Context) {
		callCtx, tel := s.tel.startCall(ctx, m, callIssueToken, req.Room)
		start := time.Now()
		tok, err := m.p.IssueToken(callCtx, req)
		tel.end(callCtx, err)
		results <- tokenCall{call{m, err, time.Since(start)}, tok}
	})
	wait := func() (*Token, pin, *member, error) {
		select {
		case r := <-results:
			detach()
			if r.err == nil {
				s.f.observe(r.call)
			}
			return r.tok, p, m, r.err
		case <-ctx.Done(): // the caller gave up: the call is judged in the background
			s.judgeToken(op, results, m, fresh.AppointmentID, p.room)
			return nil, p, m, ctx.Err()
		}
	}
	if !hedgeDue(m, results) || !detach() {
		return wait() // answered in time, no hedge left this second, or the caller gave up
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

// judgeToken takes a hedged token call's answer in the background, as hedging.go's judge
// does: a late token is nobody's (its holder never got it), and the room it was for is closed
// unless the appointment is pinned there.
func (s *Service) judgeToken(op string, results <-chan tokenCall, m *member, appointmentID, room string) {
	s.later(func(ctx context.Context) {
		select {
		case r := <-results:
			s.f.judge(ctx, op, r.call, m, nil, s.closeUnpinned(appointmentID, room))
		case <-ctx.Done(): // Close: a call that ignores its context is not waited for
		}
	})
}
