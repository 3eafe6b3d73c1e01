package video

import (
	"context"
	"errors"
	"log/slog"
)

// A store that loses a record (a Redis restarted without persistence, an eviction, a failover
// to a replica that lagged) must never let two participants of one appointment meet in two
// places. A replica that has seen the appointment's pin (it is in its pin cache) repairs what
// it can:
//
//   - the record is gone: the replica re-creates it from the pin it saw, with create-if-absent,
//     so that replicas converge on one record;
//   - the record is back with another pin that no migration explains (a replica that never saw
//     the pin created a new one first): the replica records the move as a migration and
//     announces it, so the participants holding tokens for the old place rejoin.
//
// Both are logged at ERROR as store faults and counted in HealthReport.StoreRepairs. A replica
// that never saw the pin cannot know there was one: it pins anew, as for a new appointment.

// recreate puts back the record of appointmentID, lost by the store, from the pin this replica
// saw. Another replica may have re-created it first: the stored record is returned either way.
func (s *Service) recreate(ctx context.Context, op, appointmentID string, seen pin) (*Consultation, error) {
	c, created, err := s.store.Create(ctx, &Consultation{AppointmentID: appointmentID, Provider: seen.provider, Room: seen.room, Window: seen.window, CreatedAt: s.now()})
	if err != nil {
		return nil, s.storeErr(op, err)
	}
	if created {
		s.storeRepairs.Add(1)
		s.log.LogAttrs(ctx, slog.LevelError, "store fault: the consultation record was lost; re-created from this replica's pin",
			slog.String("appointment_id", appointmentID), slog.String("provider", string(seen.provider)))
	}
	return c, nil
}

// reconcile is called when the store's pin for c differs from the pin this replica saw. A
// migration away from the seen pin explains it (another replica moved the appointment). If
// none does, the store lost the record and someone pinned anew: the move is recorded as a
// migration and announced, once, whichever replica gets there first.
func (s *Service) reconcile(ctx context.Context, op string, seen pin, c *Consultation) (*Consultation, error) {
	if c.Provider == seen.provider && c.Room == seen.room || movedFrom(c, seen) {
		return c, nil
	}
	var mig, tried Migration
	stored, err := s.mutate(ctx, op, c.AppointmentID, c, func(c *Consultation) (bool, error) {
		if !tried.At.IsZero() && holds(c, tried) {
			// The conflicting write was this one, run twice by a store client that retried it:
			// it is stored, and still to be announced.
			mig = tried
			return false, nil
		}
		mig = Migration{} // a retry that finds the move recorded by someone else announces nothing
		if c.Provider == seen.provider && c.Room == seen.room || movedFrom(c, seen) {
			return false, nil
		}
		mig = Migration{From: seen.provider, FromRoom: seen.room, To: c.Provider, ToRoom: c.Room,
			Reason: "store fault: the record was lost and the appointment pinned anew", At: s.now()}
		tried = mig
		c.Migrations = append(c.Migrations, mig)
		return true, nil
	})
	if unsettled(err) && !mig.At.IsZero() {
		s.settle(c.AppointmentID, mig)
	}
	if err != nil || mig.At.IsZero() {
		return stored, err
	}
	s.storeRepairs.Add(1)
	s.announce(ctx, c.AppointmentID, mig, slog.LevelError, "store fault: the consultation record was lost and pinned anew elsewhere; announcing the move", "")
	return stored, nil
}

// read returns the appointment's consultation as the store has it, repaired against the pin
// this replica saw, if it saw one: a lost record is re-created from the pin, and a move no
// migration explains is recorded and announced. Every operation that reads a consultation to
// act on it reads it here, so that no path serves from a pin made anew in silence.
func (s *Service) read(ctx context.Context, op, appointmentID string) (out *Consultation, err error) {
	defer func() { annotate(ctx, out) }()
	c, err := s.store.Get(ctx, appointmentID)
	seen, known := s.pins.get(appointmentID)
	switch {
	case err == nil && known:
		return s.reconcile(ctx, op, seen, c)
	case err == nil:
		return c, nil
	case errors.Is(err, ErrNotFound) && known:
		return s.recreate(ctx, op, appointmentID, seen)
	}
	return nil, s.storeErr(op, err)
}

// movedFrom reports whether c records a migration away from p.
func movedFrom(c *Consultation, p pin) bool {
	for _, m := range c.Migrations {
		if m.From == p.provider && m.FromRoom == p.room {
			return true
		}
	}
	return false
}
