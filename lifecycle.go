package video

import (
	"context"
	"log/slog"
	"slices"
)

// StartConsultation marks the appointment's consultation in progress, pinning it first if no
// token was issued yet, and otherwise recreates its room on the pinned provider (an earlier
// room may have closed while empty), so the room has the consultation's settings. Only a doctor may start; starting twice returns the consultation
// as it is; an ended consultation cannot be started again.
func (s *Service) StartConsultation(ctx context.Context, appointmentID, userID string, role Role) (out *Consultation, err error) {
	const op = "StartConsultation"
	ctx, sp := s.tel.opSpan(ctx, "video."+op)
	defer func() { endOp(sp, out, err) }()
	if err := s.checkModerator(op, appointmentID, userID, role); err != nil {
		return nil, err
	}
	for range maxAttempts {
		c, m, roomCreated, err := s.liveConsultation(ctx, op, appointmentID)
		if err != nil {
			return nil, err
		}
		if !roomCreated { // an earlier pin's room may have closed (empty timeout): recreate it
			callCtx, cancel := s.bounded(ctx)
			err = s.createRoom(callCtx, m, c.Room)
			cancel()
		}
		if err != nil {
			if err := m.callFailed(ctx, op, err); err != nil {
				return nil, err
			}
			continue // confirmed down: the next round migrates
		}
		return s.mutate(ctx, op, appointmentID, c, func(c *Consultation) (bool, error) {
			if !c.EndedAt.IsZero() {
				return false, &Error{Op: op, Kind: ErrConsultationEnded}
			}
			if !c.StartedAt.IsZero() {
				return false, nil
			}
			c.StartedAt, c.StartedBy = s.now(), userID
			return true, nil
		})
	}
	return nil, &Error{Op: op, Kind: ErrConflict}
}

// EndConsultation ends the appointment's consultation: no token is issued for it after, and
// its room is closed on the provider, which disconnects everyone (rooms it was pinned to
// before a migration are closed too). Only a doctor may end. Ending again returns the
// consultation and retries closing the rooms, so an end any of whose rooms could not be closed
// (ErrUnavailable, after every room was tried) is finished by calling it again.
func (s *Service) EndConsultation(ctx context.Context, appointmentID, userID string, role Role) (out *Consultation, err error) {
	const op = "EndConsultation"
	ctx, sp := s.tel.opSpan(ctx, "video."+op)
	defer func() { endOp(sp, out, err) }()
	if err := s.checkModerator(op, appointmentID, userID, role); err != nil {
		return nil, err
	}
	c, err := s.read(ctx, op, appointmentID)
	if err != nil {
		return nil, err
	}
	c, err = s.mutate(ctx, op, appointmentID, c, func(c *Consultation) (bool, error) {
		if !c.EndedAt.IsZero() {
			return false, nil
		}
		c.EndedAt, c.EndedBy = s.now(), userID
		return true, nil
	})
	if err != nil {
		return nil, err
	}
	// Close every room the appointment had: earlier providers' (before a migration) and the
	// current one. All are tried; any that could not be closed makes the call ErrUnavailable,
	// so that the caller retries (the earlier provider is usually the one that went down, and
	// whoever is still in its room stays until it is closed).
	type place struct {
		provider ProviderName
		room     string
	}
	places := []place{{c.Provider, c.Room}}
	for _, mig := range c.Migrations {
		if p := (place{mig.From, mig.FromRoom}); !slices.Contains(places, p) {
			places = append(places, p)
		}
	}
	var failed *Error
	for _, p := range places {
		m := s.f.member(p.provider)
		if m == nil {
			continue
		}
		callCtx, cancel := s.bounded(ctx)
		err := s.endRoom(callCtx, m, p.room)
		cancel()
		if err == nil {
			continue
		}
		_ = m.callFailed(ctx, op, err) // marks it down unless the caller gave up or the request was at fault
		s.log.LogAttrs(ctx, slog.LevelWarn, "could not close a room of the consultation",
			slog.String("appointment_id", appointmentID), slog.String("provider", string(m.name)), slog.String("error", err.Error()))
		if failed == nil {
			failed = &Error{Op: op, Kind: ErrUnavailable, Provider: m.name,
				Msg: "consultation ended but a room could not be closed; call EndConsultation again", Err: err}
		}
	}
	if failed != nil {
		return nil, failed
	}
	return c, nil
}

// ConsultationStatus returns the appointment's consultation, or ErrNotFound, with its
// Attendance derived: each participant's first join, last leave and time connected (reconnects
// within VIDEO_RECONNECT_GAP merged), and, once the appointment is over, the no-shows
// (Consultation.NoShows). A participant whose provider sends no events is unknown, never absent.
func (s *Service) ConsultationStatus(ctx context.Context, appointmentID string) (out *Consultation, err error) {
	const op = "ConsultationStatus"
	ctx, sp := s.tel.opSpan(ctx, "video."+op)
	defer func() { endOp(sp, out, err) }()
	if err := s.ready(op); err != nil {
		return nil, err
	}
	if err := checkID(op, "appointmentID", appointmentID); err != nil {
		return nil, err
	}
	c, err := s.store.Get(ctx, appointmentID)
	if err != nil {
		return nil, s.storeErr(op, err)
	}
	s.attendance(c, s.now())
	return c, nil
}

// checkModerator validates the arguments of an operation only a doctor may do.
func (s *Service) checkModerator(op, appointmentID, userID string, role Role) error {
	if err := s.ready(op); err != nil {
		return err
	}
	if err := checkParticipant(op, appointmentID, userID); err != nil {
		return err
	}
	if err := checkRole(op, role); err != nil {
		return err
	}
	if role != RoleDoctor {
		return &Error{Op: op, Kind: ErrForbidden, Field: "role", Msg: "only a doctor may " + opVerb(op)}
	}
	return nil
}

func opVerb(op string) string {
	switch op {
	case "StartConsultation":
		return "start a consultation"
	case "EndConsultation":
		return "end a consultation"
	case "StartRecording", "StopRecording":
		return "record a consultation"
	}
	return op
}
