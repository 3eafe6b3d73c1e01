package video

import (
	"context"
	"errors"
	"log/slog"

	"github.com/teleconsult/video/internal/health"
)

// maxAttempts bounds the retries of an operation that lost a compare-and-swap race.
const maxAttempts = 8

// storeErr wraps a Store error once, keeping the sentinels a Store returns as the kind.
func (s *Service) storeErr(op string, err error) error {
	for _, kind := range []error{ErrNotFound, ErrConflict, ErrConsultationEnded} {
		if errors.Is(err, kind) {
			return &Error{Op: op, Kind: kind}
		}
	}
	return &Error{Op: op, Kind: ErrStore, Err: err}
}

// consultation returns the appointment's consultation, pinning it first if it has none:
// choose a provider by health, create its room, then create the record if absent. Only the
// first Create wins; every concurrent caller gets the winner's provider and room. Nothing is
// written when no provider could create the room. created reports that this call pinned it
// (and so created its room just now).
func (s *Service) consultation(ctx context.Context, op, appointmentID string) (c *Consultation, created bool, err error) {
	c, err = s.read(ctx, op, appointmentID)
	if err == nil {
		return c, false, nil
	}
	if !errors.Is(err, ErrNotFound) {
		return nil, false, err
	}
	room := s.rooms.Name(appointmentID)
	var skipped passed
	m, err := s.f.choose(ctx, op, "", &skipped, func(ctx context.Context, m *member) error { return s.createRoom(ctx, m, room) },
		s.closeUnpinned(appointmentID, room))
	if err != nil {
		return nil, false, err
	}
	c, created, err = s.store.Create(ctx, &Consultation{AppointmentID: appointmentID, Provider: m.name, Room: room, CreatedAt: s.now()})
	if err != nil {
		return nil, false, s.storeErr(op, err)
	}
	if created && skipped.from != "" {
		s.tel.failover(ctx, skipped.from, m.name, skipped.reason) // counted once the pin is stored
	}
	if created {
		s.log.LogAttrs(ctx, slog.LevelDebug, "consultation pinned", slog.String("appointment_id", appointmentID),
			slog.String("provider", string(m.name)))
	} else if c.Provider != m.name {
		// Another caller pinned it first, elsewhere: the room opened here should be nobody's.
		// Close it (best effort: an empty room also closes by itself) so that no one can wander
		// into it, in the background (this caller has its answer, and the provider may be the
		// slow one a hedge went around), and only if it is empty (see closeUnpinned).
		undo := s.closeUnpinned(appointmentID, room)
		s.later(func(ctx context.Context) {
			callCtx, cancel := s.bounded(ctx)
			defer cancel()
			undo(callCtx, m)
		})
	}
	return c, created, nil
}

// pinFor returns the appointment's pin and its provider. A pin cached in this process is used
// without reading the Store unless its provider is confirmed down (then member is nil and the
// caller tries again); otherwise the consultation is read (pinned if new, re-pinned if its
// provider is down) and cached. fresh is the consultation when this call pinned it and nothing
// was written to it since (the first version): only such a pin may move to hedge a token.
func (s *Service) pinFor(ctx context.Context, op, appointmentID string) (_ pin, _ *member, fresh *Consultation, _ error) {
	if p, ok := s.pins.get(appointmentID); ok {
		m := s.f.member(p.provider)
		if m != nil && usable(m.health.Verdict(ctx, false).State) {
			return p, m, nil, nil
		}
		s.pins.del(appointmentID)
		return pin{}, nil, nil, nil
	}
	c, m, roomCreated, err := s.liveConsultation(ctx, op, appointmentID)
	if err != nil {
		return pin{}, nil, nil, err
	}
	p := pin{c.Provider, c.Room, c.Window}
	s.pins.put(appointmentID, p)
	if roomCreated && c.Version == 1 {
		fresh = c
	}
	return p, m, fresh, nil
}

// liveConsultation returns the appointment's consultation (pinning it if new), refusing an
// ended one, on a provider that is not confirmed down (re-pinning it if it is). roomCreated
// reports that this call created the room, by pinning or re-pinning.
func (s *Service) liveConsultation(ctx context.Context, op, appointmentID string) (c *Consultation, m *member, roomCreated bool, err error) {
	c, created, err := s.consultation(ctx, op, appointmentID)
	if err != nil {
		return nil, nil, false, err
	}
	if !c.EndedAt.IsZero() {
		return nil, nil, false, &Error{Op: op, Kind: ErrConsultationEnded}
	}
	c, m, migrated, err := s.usableConsultation(ctx, op, c)
	return c, m, created || migrated, err
}

// usableConsultation returns c, re-pinned to another provider first if c's provider is
// confirmed down (Down or Misconfigured in cached health, or not configured any more). A
// provider with no answer yet counts as up here: a pin moves only on evidence. migrated
// reports that this call re-pinned it.
func (s *Service) usableConsultation(ctx context.Context, op string, c *Consultation) (_ *Consultation, _ *member, migrated bool, _ error) {
	for range maxAttempts {
		if !c.EndedAt.IsZero() { // checked on every read: an end may land between two
			return nil, nil, false, &Error{Op: op, Kind: ErrConsultationEnded}
		}
		m := s.f.member(c.Provider)
		if m != nil && usable(m.health.Verdict(ctx, false).State) {
			return c, m, false, nil
		}
		next, err := s.migrate(ctx, op, c, m)
		switch {
		case err == nil:
			return next, s.f.member(next.Provider), true, nil
		case !errors.Is(err, ErrConflict):
			return nil, nil, false, err
		}
		c = next // another writer got there first: migrate read what it wrote
	}
	return nil, nil, false, &Error{Op: op, Kind: ErrConflict}
}

// migrate re-pins c from the provider `from` (nil when it is no longer configured) to the
// first healthy other provider, with a compare-and-swap on c.Version: if another replica
// changed c first, it returns the consultation as that writer left it, with ErrConflict (or,
// when that writer ended it, ErrConsultationEnded, after closing the room opened for the move). The winner records the
// migration, logs it and notifies the application.
func (s *Service) migrate(ctx context.Context, op string, c *Consultation, from *member) (*Consultation, error) {
	// The stored reason is the provider's state alone: the record is shown to people and kept
	// for years, and a vendor's error text may carry hosts, addresses or whatever it echoes.
	// The log line below carries the error.
	reason, cause := "provider not configured", ""
	if from != nil {
		snap := from.health.Snapshot()
		reason = "provider " + snap.State.String()
		if snap.State == health.Up && from.suspect() {
			reason = "provider slow" // a hedged token of a pin nobody holds yet (hedged_token.go)
		}
		if snap.LastErr != nil {
			cause = publicError(snap.LastErr)
		}
	}
	if !c.EndedAt.IsZero() { // before any room is opened
		return nil, &Error{Op: op, Kind: ErrConsultationEnded}
	}
	room := s.rooms.Name(c.AppointmentID)
	to, err := s.f.choose(ctx, op, c.Provider, nil, func(ctx context.Context, m *member) error { return s.createRoom(ctx, m, room) },
		s.closeUnpinned(c.AppointmentID, room))
	if err != nil {
		if e, ok := err.(*Error); ok && e.Kind == ErrAllProvidersFailed {
			why := reason
			if cause != "" {
				why += ": " + cause
			}
			e.Err = errors.Join(&ProviderError{Provider: c.Provider, Err: errors.New(why)}, e.Err)
		}
		return nil, err
	}
	mig := Migration{From: c.Provider, FromRoom: c.Room, To: to.name, ToRoom: room, Reason: reason, At: s.now()}
	for _, p := range c.Participants {
		if p.Provider == c.Provider && p.Room == c.Room {
			mig.Participants = append(mig.Participants, p)
		}
	}
	next := c.Clone()
	next.Provider, next.Room = to.name, room
	next.Migrations = append(next.Migrations, mig)
	stored, err := s.store.Update(ctx, next)
	if errors.Is(err, ErrConflict) {
		cur, err := s.store.Get(ctx, c.AppointmentID)
		if err != nil {
			s.settle(c.AppointmentID, mig) // the conflict may have been this move, run twice
			return nil, s.storeErr(op, err)
		}
		if holds(cur, mig) {
			// The conflicting writer was this move, run twice: a store client that retries a
			// write whose connection failed after the write was made gets the conflict.
			s.announce(ctx, c.AppointmentID, mig, slog.LevelWarn, "consultation migrated to another provider", cause)
			return cur, nil
		}
		if !cur.EndedAt.IsZero() {
			// The room just opened for the move must not outlive the end: close it (best
			// effort; an empty room also closes by itself).
			callCtx, cancel := s.bounded(ctx)
			_ = s.endRoom(callCtx, to, room)
			cancel()
			return nil, &Error{Op: op, Kind: ErrConsultationEnded}
		}
		return cur, &Error{Op: op, Kind: ErrConflict}
	}
	if unsettled(err) {
		s.settle(c.AppointmentID, mig)
	}
	if err != nil {
		return nil, s.storeErr(op, err)
	}
	s.announce(ctx, c.AppointmentID, mig, slog.LevelWarn, "consultation migrated to another provider", cause)
	return stored, nil
}

// mutate applies change to the appointment's consultation with compare-and-swap, re-reading
// and re-applying when another writer got there first, up to maxAttempts times. change returns
// false to leave the consultation as it is.
func (s *Service) mutate(ctx context.Context, op, appointmentID string, c *Consultation, change func(*Consultation) (bool, error)) (*Consultation, error) {
	return s.swap(ctx, op, appointmentID, c, change, func(_ context.Context, attempt int) error {
		if attempt+1 >= maxAttempts {
			return &Error{Op: op, Kind: ErrConflict}
		}
		return nil
	})
}

// swap is the one compare-and-swap loop: it applies change to c and stores the result if the
// stored version is still c's; when another writer got there first, it asks again whether to go
// on (again may wait first, and returns the error to give up with), re-reads and re-applies.
func (s *Service) swap(ctx context.Context, op, appointmentID string, c *Consultation, change func(*Consultation) (bool, error),
	again func(ctx context.Context, attempt int) error) (*Consultation, error) {
	for attempt := 0; ; attempt++ {
		next := c.Clone()
		write, err := change(next)
		if err != nil || !write {
			return c, err
		}
		stored, err := s.store.Update(ctx, next)
		if err == nil {
			return stored, nil
		}
		if !errors.Is(err, ErrConflict) {
			return nil, s.storeErr(op, err)
		}
		if err := again(ctx, attempt); err != nil {
			return nil, err
		}
		if c, err = s.store.Get(ctx, appointmentID); err != nil {
			return nil, s.storeErr(op, err)
		}
	}
}
