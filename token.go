package video

import (
	"context"
	"errors"
	"log/slog"
	"time"
)

// MeetingToken is what a participant's client needs to join a consultation. Its String and
// LogValue leave out the token and the join link (which may carry it).
type MeetingToken struct {
	// AppointmentID is the appointment the token is for.
	AppointmentID string `json:"appointment_id"`
	// UserID is the participant.
	UserID string `json:"user_id"`
	// Role is the participant's role.
	Role Role `json:"role"`
	// Provider serves the meeting.
	Provider ProviderName `json:"provider"`
	// Room is the room on Provider.
	Room string `json:"room"`
	// Token is the access token; empty when the provider admits by link alone.
	Token string `json:"token,omitempty"`
	// JoinURL opens the meeting in a browser.
	JoinURL string `json:"join_url,omitempty"`
	// ServerURL is what a client SDK connects to.
	ServerURL string `json:"server_url,omitempty"`
	// ExpiresAt is when the token stops being accepted.
	ExpiresAt time.Time `json:"expires_at"`
}

// String describes the token without the token or the join link.
func (t *MeetingToken) String() string {
	return "MeetingToken{appointment=" + t.AppointmentID + " user=" + t.UserID + " role=" + string(t.Role) +
		" provider=" + string(t.Provider) + " room=" + t.Room + " expires=" + t.ExpiresAt.Format(time.RFC3339) + "}"
}

// LogValue implements slog.LogValuer without the token or the join link.
func (t *MeetingToken) LogValue() slog.Value {
	return slog.GroupValue(slog.String("appointment_id", t.AppointmentID), slog.String("user_id", t.UserID),
		slog.String("role", string(t.Role)), slog.String("provider", string(t.Provider)),
		slog.String("room", t.Room), slog.Time("expires_at", t.ExpiresAt))
}

// GenerateMeetingToken returns a token for userID to join the appointment's consultation in
// role. The first token or start for an appointment pins it to a provider and room; every
// later token comes from the same pin, so all participants meet in one room. A patient may
// get a token before the doctor starts (the consultation is then waiting). After the
// consultation ended it returns ErrConsultationEnded.
func (s *Service) GenerateMeetingToken(ctx context.Context, appointmentID, userID string, role Role, info UserInfo) (*MeetingToken, error) {
	const op = "GenerateMeetingToken"
	if err := s.ready(op); err != nil {
		return nil, err
	}
	if err := checkParticipant(op, appointmentID, userID); err != nil {
		return nil, err
	}
	if err := checkRole(op, role); err != nil {
		return nil, err
	}
	if err := checkUserInfo(op, info); err != nil {
		return nil, err
	}
	for range maxAttempts {
		p, m, err := s.pinFor(ctx, op, appointmentID)
		if err != nil {
			return nil, err
		}
		if m == nil {
			continue // the cached pin's provider is confirmed down: read, and migrate, next round
		}
		tok, err := m.p.IssueToken(ctx, TokenRequest{Room: p.room, UserID: userID, Role: role, Grants: m.policy.Grants(role), Info: info, TTL: s.cfg.TokenTTL})
		if err != nil {
			if errors.Is(err, ErrInvalidArgument) {
				return nil, &Error{Op: op, Kind: ErrInvalidArgument, Provider: m.name, Err: err}
			}
			if ctx.Err() != nil {
				return nil, &Error{Op: op, Kind: ErrUnavailable, Provider: m.name, Err: ctx.Err()}
			}
			m.health.Fail(err)
			s.pins.del(appointmentID)
			s.log.LogAttrs(ctx, slog.LevelWarn, "provider failed to issue a token",
				slog.String("provider", string(m.name)), slog.String("error", err.Error()))
			continue // the pin is now confirmed down: the next round migrates it
		}
		now := s.now()
		rec := ParticipantRecord{UserID: userID, Role: role, Provider: p.provider, Room: p.room, FirstIssuedAt: now, LastIssuedAt: now, Tokens: 1}
		c, err := s.store.AddParticipant(ctx, appointmentID, p.provider, p.room, rec)
		switch {
		case errors.Is(err, ErrConflict):
			// Another replica re-pinned it: follow the pin the store returned.
			if c != nil {
				s.pins.put(appointmentID, pin{c.Provider, c.Room})
			} else {
				s.pins.del(appointmentID)
			}
			continue
		case errors.Is(err, ErrNotFound):
			s.pins.del(appointmentID) // gone from the store (retention): pin it anew
			continue
		case err != nil:
			return nil, s.storeErr(op, err)
		}
		return &MeetingToken{AppointmentID: appointmentID, UserID: userID, Role: role, Provider: p.provider,
			Room: p.room, Token: tok.Token, JoinURL: tok.JoinURL, ServerURL: tok.ServerURL, ExpiresAt: tok.ExpiresAt}, nil
	}
	return nil, &Error{Op: op, Kind: ErrConflict}
}
