package video

import (
	"context"
	"errors"
	"log/slog"
	"time"
)

// A move is announced by the replica that stored it, once the store acknowledged it. A write
// can also fail after the store applied it: the reply was lost, or a replicated store could
// not confirm it (redisstore's WAIT on a master that died). The caller then gets ErrStore,
// but the move may be stored, and a stored move nobody announced is a split: participants
// holding tokens for the old room stay there while new ones go to the new room. So when a
// move's write fails in a way that leaves its fate open, the replica finds out in the
// background, reading the record until the store answers, and announces the move if it is
// there. A move that is not there was never made, and nothing is announced.

// settleBackoff bounds the wait between two reads while the store does not answer.
const settleBackoff = 5 * time.Second

// announce logs a stored move and notifies the application.
func (s *Service) announce(ctx context.Context, appointmentID string, mig Migration, level slog.Level, msg string, cause string) {
	s.log.LogAttrs(ctx, level, msg,
		slog.String("appointment_id", appointmentID), slog.String("from", string(mig.From)),
		slog.String("to", string(mig.To)), slog.String("reason", mig.Reason), slog.String("error", cause),
		slog.Int("participants_to_rejoin", len(mig.Participants)))
	s.tel.migration(ctx, mig)
	if s.onMigrate != nil {
		s.onMigrate(ctx, MigrationNotice{AppointmentID: appointmentID, Migration: mig})
	}
}

// unsettled reports whether a failed write may have been stored all the same: any store
// error but the contract's refusals, which say the write was not made.
func unsettled(err error) bool {
	return err != nil && !errors.Is(err, ErrConflict) && !errors.Is(err, ErrNotFound) &&
		!errors.Is(err, ErrConsultationEnded) && !errors.Is(err, ErrInvalidArgument)
}

// settle finds out in the background whether mig, whose write failed with an open fate, was
// stored, and announces it if it was. It reads until the store answers or the Service closes.
func (s *Service) settle(appointmentID string, mig Migration) {
	s.bgMu.Lock()
	defer s.bgMu.Unlock()
	if s.closed.Load() {
		s.lostTrack(appointmentID, mig)
		return
	}
	s.settling.Add(1)
	s.wg.Go(func() {
		defer s.settling.Add(-1)
		for delay := 50 * time.Millisecond; ; delay = min(2*delay, settleBackoff) {
			ctx, cancel := context.WithTimeout(s.ctx, s.cfg.Health.Timeout)
			c, err := s.store.Get(ctx, appointmentID)
			cancel()
			switch {
			case err == nil && holds(c, mig):
				s.announce(s.ctx, appointmentID, mig, slog.LevelWarn,
					"consultation migrated to another provider (its write failed but was stored)", "")
				return
			case err == nil || errors.Is(err, ErrNotFound):
				s.log.LogAttrs(s.ctx, slog.LevelInfo, "a migration whose write failed was not stored; nothing to announce",
					slog.String("appointment_id", appointmentID))
				return
			}
			t := time.NewTimer(delay)
			select {
			case <-s.ctx.Done():
				t.Stop()
				s.lostTrack(appointmentID, mig)
				return
			case <-t.C:
			}
		}
	})
}

// lostTrack logs a move whose fate the Service closed without learning.
func (s *Service) lostTrack(appointmentID string, mig Migration) {
	s.log.LogAttrs(context.Background(), slog.LevelError,
		"store fault: closed without learning whether a migration whose write failed was stored; if it was, its participants were not told to rejoin",
		slog.String("appointment_id", appointmentID), slog.String("from", string(mig.From)), slog.String("to", string(mig.To)))
}

// holds reports whether c records mig.
func holds(c *Consultation, mig Migration) bool {
	for _, m := range c.Migrations {
		if m.From == mig.From && m.FromRoom == mig.FromRoom && m.To == mig.To && m.ToRoom == mig.ToRoom && m.At.Equal(mig.At) {
			return true
		}
	}
	return false
}
