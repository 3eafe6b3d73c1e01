package video

import (
	"context"
	"errors"
	"log/slog"
	"time"
)

// MeetingToken is what a participant's client needs to join a consultation. Printed with any
// fmt verb or logged, by value or by pointer, it leaves out the token and the join link (which
// may carry it); JSON, its wire form for the client, carries both.
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

// shared is what of info the providers may see: the email only with VIDEO_SHARE_EMAIL.
func (s *Service) shared(info UserInfo) UserInfo {
	if !s.cfg.ShareEmail {
		info.Email = ""
	}
	return info
}

// GenerateMeetingToken returns a token for userID to join the appointment's consultation in
// role. The first token or start for an appointment pins it to a provider and room; every
// later token comes from the same pin, so all participants meet in one room. A patient may
// get a token before the doctor starts (the consultation is then waiting). After the
// consultation ended it returns ErrConsultationEnded — while the store keeps the ended record:
// once a store drops it (the memory store a day after the end, redisstore after
// VIDEO_REDIS_RETENTION), the appointment is new again, and a replica that still remembers its
// pin re-creates the record there (see storefault.go). For a scheduled appointment
// (Schedule), a token before joining opens is ErrTooEarly and after it closed ErrTooLate, and a
// token's expiry never passes the close (see window.go).
func (s *Service) GenerateMeetingToken(ctx context.Context, appointmentID, userID string, role Role, info UserInfo) (tok *MeetingToken, err error) {
	const op = "GenerateMeetingToken"
	ctx, sp := s.tel.opSpan(ctx, "video."+op)
	defer func() { s.endToken(ctx, sp, role, tok, err) }()
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
	verified := false // the window has been read from the record for this request
	for range maxAttempts {
		p, m, fresh, err := s.pinFor(ctx, op, appointmentID)
		if err != nil {
			return nil, err
		}
		if m == nil {
			continue // the cached pin's provider is confirmed down: read, and migrate, next round
		}
		if !p.window.IsZero() && !verified {
			// A scheduled appointment's window is read from the record before the token is
			// made (a second round trip): another replica may have rescheduled it, and a token
			// recorded for a window that then refuses would count as one held.
			c, rerr := s.read(ctx, op, appointmentID)
			if rerr != nil {
				return nil, rerr
			}
			verified = true
			s.pins.put(appointmentID, pin{c.Provider, c.Room, c.Window})
			continue
		}
		now := s.now()
		ttl, err := s.admitAt(op, p.window, now)
		if err != nil {
			return nil, err
		}
		req := TokenRequest{Room: p.room, UserID: userID, Role: role, Grants: m.policy.Grants(role), Info: s.shared(info), TTL: ttl}
		var tok *Token
		if fresh != nil && s.remoteTokens(m) {
			tok, p, m, err = s.hedgedToken(ctx, op, m, p, req, fresh)
		} else {
			tok, err = s.issue(ctx, m, req)
		}
		if err != nil {
			if err := m.callFailed(ctx, op, err); err != nil {
				return nil, err
			}
			s.pins.del(appointmentID)
			s.log.LogAttrs(ctx, slog.LevelWarn, "provider failed to issue a token",
				slog.String("provider", string(m.name)), slog.String("error", err.Error()))
			continue // the pin is now confirmed down: the next round migrates it
		}
		rec := ParticipantRecord{UserID: userID, Role: role, Provider: p.provider, Room: p.room, FirstIssuedAt: now, LastIssuedAt: now, Tokens: 1}
		c, err := s.store.AddParticipant(ctx, appointmentID, p.provider, p.room, rec)
		switch {
		case errors.Is(err, ErrConflict):
			// The pin moved: follow the one the store returned, announcing a move that no
			// migration explains (the store lost the record; see storefault.go).
			if c == nil {
				s.pins.del(appointmentID)
				continue
			}
			if c, err = s.reconcile(ctx, op, p, c); err != nil {
				return nil, err
			}
			s.pins.put(appointmentID, pin{c.Provider, c.Room, c.Window})
			continue
		case errors.Is(err, ErrNotFound):
			// The store lost the record this replica saw (or dropped it after retention): put it
			// back from the pin, never pin anew where the others are not.
			if _, err := s.recreate(ctx, op, appointmentID, p); err != nil {
				return nil, err
			}
			continue
		case err != nil:
			return nil, s.storeErr(op, err)
		}
		if !c.Window.Equal(p.window) {
			// Rescheduled since this replica last saw the appointment: the token was made for
			// the old window. Make it again for the new one (or refuse by it).
			s.pins.put(appointmentID, pin{c.Provider, c.Room, c.Window})
			continue
		}
		if role == RolePatient && s.cfg.RecordingConsent && c.active() && !c.Consented(userID) {
			// A patient without consent joins a consultation being recorded: the recording stops
			// first, or the patient gets no token.
			if err := s.stopRecordings(ctx, op, c, "a patient without consent was given a token"); err != nil {
				return nil, errors.Join(&Error{Op: op, Kind: ErrConsentRequired, Msg: "the consultation is being recorded and the recording could not be stopped"}, err)
			}
		}
		return &MeetingToken{AppointmentID: appointmentID, UserID: userID, Role: role, Provider: p.provider,
			Room: p.room, Token: tok.Token, JoinURL: tok.JoinURL, ServerURL: tok.ServerURL, ExpiresAt: tok.ExpiresAt}, nil
	}
	return nil, &Error{Op: op, Kind: ErrConflict}
}

// issue asks m for the token req describes, bounded by the health timeout (unless m signs
// tokens locally: then nothing can hang, and the timer would cost more than the signature's
// tenth), measured.
func (s *Service) issue(ctx context.Context, m *member, req TokenRequest) (*Token, error) {
	callCtx := ctx
	if !m.localTokens {
		var cancel context.CancelFunc
		callCtx, cancel = s.bounded(ctx)
		defer cancel()
	}
	callCtx, call := s.tel.startCall(callCtx, m, callIssueToken, req.Room)
	tok, err := m.p.IssueToken(callCtx, req)
	call.end(callCtx, err)
	return tok, err
}
