package video

import (
	"context"
	"errors"
)

// AdmitParticipant lets participantID, waiting in the appointment's waiting room, publish and
// subscribe. Only a doctor admits. Providers without a server-side waiting room answer
// ErrUnsupported.
func (s *Service) AdmitParticipant(ctx context.Context, appointmentID, userID string, role Role, participantID string) error {
	const op = "AdmitParticipant"
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
	a, ok := m.p.(Admitter)
	if !ok {
		return &Error{Op: op, Kind: ErrUnsupported, Provider: m.name, Msg: "the provider has no server-side waiting room"}
	}
	if err := a.Admit(ctx, c.Room, participantID); err != nil {
		return providerErr(op, m.name, err)
	}
	return nil
}

// Participants returns who is connected to the appointment's room now, as its provider
// sees it. Providers that cannot list participants answer ErrUnsupported.
func (s *Service) Participants(ctx context.Context, appointmentID string) ([]LiveParticipant, error) {
	const op = "Participants"
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
	ps, err := l.Participants(ctx, c.Room)
	if err != nil {
		return nil, providerErr(op, m.name, err)
	}
	return ps, nil
}

// pinned returns the appointment's consultation and its provider, without pinning.
func (s *Service) pinned(ctx context.Context, op, appointmentID string) (*Consultation, *member, error) {
	c, err := s.store.Get(ctx, appointmentID)
	if err != nil {
		return nil, nil, s.storeErr(op, err)
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
	for _, k := range []error{ErrInvalidArgument, ErrUnauthenticated} {
		if errors.Is(err, k) {
			kind = k
		}
	}
	return &Error{Op: op, Kind: kind, Provider: name, Err: err}
}
