package video

import (
	"context"
	"errors"
)

// AdmitParticipant lets participantID, a patient waiting in the appointment's waiting room,
// publish, subscribe and send data. Only a doctor admits, and only a patient who holds a token
// for this appointment's current room: anyone else is ErrNotFound (naming participantID),
// without asking the provider, and so is a patient the provider does not see in the room. An
// ended consultation answers ErrConsultationEnded. Providers without a server-side waiting
// room answer ErrUnsupported. The call is bounded by VIDEO_HEALTH_TIMEOUT.
func (s *Service) AdmitParticipant(ctx context.Context, appointmentID, userID string, role Role, participantID string) (err error) {
	const op = "AdmitParticipant"
	ctx, sp := s.tel.opSpan(ctx, "video."+op)
	defer func() { endOp(sp, nil, err) }()
	if err := s.checkModerator(op, appointmentID, userID, role); err != nil {
		return err
	}
	if err := checkID(op, "participantID", participantID); err != nil {
		return err
	}
	c, m, err := s.pinned(ctx, op, appointmentID)
	if err != nil {
		return err
	}
	if !c.EndedAt.IsZero() {
		return &Error{Op: op, Kind: ErrConsultationEnded}
	}
	a, ok := m.p.(Admitter)
	if !ok {
		return &Error{Op: op, Kind: ErrUnsupported, Provider: m.name, Msg: "the provider has no server-side waiting room"}
	}
	if p := c.participant(participantID, RolePatient); p == nil || p.Provider != c.Provider || p.Room != c.Room {
		return &Error{Op: op, Kind: ErrNotFound, Field: "participantID", Msg: "no patient of this appointment's room by that ID"}
	}
	callCtx, cancel := s.bounded(ctx)
	defer cancel()
	callCtx, call := s.tel.startCall(callCtx, m, callAdmit, c.Room)
	err = a.Admit(callCtx, c.Room, participantID)
	call.end(callCtx, err)
	if err != nil {
		if errors.Is(err, ErrNotFound) {
			return &Error{Op: op, Kind: ErrNotFound, Field: "participantID", Provider: m.name, Msg: "the patient is not in the room"}
		}
		return providerErr(op, m.name, err)
	}
	return nil
}

// Participants returns who is connected to the appointment's room now, as its provider
// sees it. Providers that cannot list participants answer ErrUnsupported. The call is bounded
// by VIDEO_HEALTH_TIMEOUT.
func (s *Service) Participants(ctx context.Context, appointmentID string) (_ []LiveParticipant, err error) {
	const op = "Participants"
	ctx, sp := s.tel.opSpan(ctx, "video."+op)
	defer func() { endOp(sp, nil, err) }()
	if err := s.ready(op); err != nil {
		return nil, err
	}
	if err := checkID(op, "appointmentID", appointmentID); err != nil {
		return nil, err
	}
	c, m, err := s.pinned(ctx, op, appointmentID)
	if err != nil {
		return nil, err
	}
	l, ok := m.p.(ParticipantLister)
	if !ok {
		return nil, &Error{Op: op, Kind: ErrUnsupported, Provider: m.name, Msg: "the provider cannot list participants"}
	}
	callCtx, cancel := s.bounded(ctx)
	defer cancel()
	callCtx, call := s.tel.startCall(callCtx, m, callParticipants, c.Room)
	ps, err := l.Participants(callCtx, c.Room)
	call.end(callCtx, err)
	if err != nil {
		return nil, providerErr(op, m.name, err)
	}
	return ps, nil
}

// pinned returns the appointment's consultation and its provider, without pinning.
func (s *Service) pinned(ctx context.Context, op, appointmentID string) (*Consultation, *member, error) {
	c, err := s.read(ctx, op, appointmentID)
	if err != nil {
		return nil, nil, err
	}
	m := s.f.member(c.Provider)
	if m == nil {
		return nil, nil, &Error{Op: op, Kind: ErrUnavailable, Provider: c.Provider, Msg: "provider not configured"}
	}
	return c, m, nil
}

// providerErr wraps a provider's error once, keeping bad input and refused credentials
// apart from outages.
func providerErr(op string, name ProviderName, err error) error {
	kind := ErrUnavailable
	for _, k := range []error{ErrInvalidArgument, ErrUnauthenticated, ErrNotFound} {
		if errors.Is(err, k) {
			kind = k
		}
	}
	return &Error{Op: op, Kind: kind, Provider: name, Err: err}
}
