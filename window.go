package video

import (
	"context"
	"time"
)

// An appointment may carry its scheduled window. Tokens are issued from the window's start less
// VIDEO_EARLY_JOIN until its end plus VIDEO_LATE_GRACE, and no token is valid past that: its
// expiry is clamped there. The window lives in the consultation record, so every replica and
// every store sees it; an appointment without one behaves as if it had none.

// Window is an appointment's scheduled time.
type Window struct {
	// Start is when the appointment begins.
	Start time.Time `json:"start"`
	// End is when it is scheduled to end.
	End time.Time `json:"end"`
}

// IsZero reports whether there is no window.
func (w Window) IsZero() bool { return w.Start.IsZero() && w.End.IsZero() }

// Equal reports whether w and o are the same window.
func (w Window) Equal(o Window) bool { return w.Start.Equal(o.Start) && w.End.Equal(o.End) }

// maxWindow bounds a window's length.
const maxWindow = 7 * 24 * time.Hour

// WindowError says when joining opens or closed. It is the cause of an ErrTooEarly or
// ErrTooLate error: errors.As(err, &we).
type WindowError struct {
	// Opens is when tokens are first issued: the window's start less the early join.
	Opens time.Time
	// Closes is when tokens stop: the window's end plus the grace.
	Closes time.Time
	early  bool
}

// Error says when.
func (e *WindowError) Error() string {
	if e.early {
		return "joining opens at " + e.Opens.UTC().Format(time.RFC3339)
	}
	return "joining closed at " + e.Closes.UTC().Format(time.RFC3339)
}

// opens and closes are the bounds of token issuance for w.
func (s *Service) opens(w Window) time.Time  { return w.Start.Add(-s.cfg.EarlyJoin) }
func (s *Service) closes(w Window) time.Time { return w.End.Add(s.cfg.LateGrace) }

// admitAt checks a token request at now against w and returns the token's TTL: the configured
// TTL, clamped so the token expires by the window's close. It refuses outside the window.
func (s *Service) admitAt(op string, w Window, now time.Time) (time.Duration, error) {
	if w.IsZero() {
		return s.cfg.TokenTTL, nil
	}
	opens, closes := s.opens(w), s.closes(w)
	switch {
	case now.Before(opens):
		return 0, &Error{Op: op, Kind: ErrTooEarly, Err: &WindowError{Opens: opens, Closes: closes, early: true}}
	case closes.Sub(now) <= closeMargin:
		return 0, &Error{Op: op, Kind: ErrTooLate, Err: &WindowError{Opens: opens, Closes: closes}}
	}
	// Tokens carry their expiry in whole seconds, read from the provider's own clock: a second
	// of margin keeps it at the close at the latest.
	return min(s.cfg.TokenTTL, closes.Sub(now)-closeMargin), nil
}

// closeMargin is how much before the close a clamped token expires, and the least time a
// token can be issued for: a token's exp is in whole seconds.
const closeMargin = time.Second

// checkWindow refuses a window that cannot be an appointment's.
func checkWindow(op string, w Window) error {
	switch {
	case w.Start.IsZero() || w.End.IsZero():
		return invalidArg(op, "window", "needs a start and an end")
	case !w.End.After(w.Start):
		return invalidArg(op, "window", "must end after it starts")
	case w.End.Sub(w.Start) > maxWindow:
		return invalidArg(op, "window", "must be at most 7 days long")
	}
	return nil
}

// Schedule sets the appointment's window, pinning the appointment first if it has none yet
// (as its first token would). Rescheduling changes the window: tokens are then issued for the
// new one only, on every replica. Tokens handed out before keep the expiry they were issued
// with: LiveKit honours a token's exp with about a minute of grace, and Jitsi checks exp when
// the participant joins. Scheduling an ended consultation is ErrConsultationEnded.
func (s *Service) Schedule(ctx context.Context, appointmentID string, w Window) (out *Consultation, err error) {
	const op = "Schedule"
	ctx, sp := s.tel.opSpan(ctx, "video."+op)
	defer func() { endOp(sp, out, err) }()
	if err := s.ready(op); err != nil {
		return nil, err
	}
	if err := checkID(op, "appointmentID", appointmentID); err != nil {
		return nil, err
	}
	w = Window{Start: w.Start.UTC().Truncate(time.Microsecond), End: w.End.UTC().Truncate(time.Microsecond)} // as stores keep it
	if err := checkWindow(op, w); err != nil {
		return nil, err
	}
	c, _, err := s.consultation(ctx, op, appointmentID)
	if err != nil {
		return nil, err
	}
	stored, err := s.mutate(ctx, op, appointmentID, c, func(c *Consultation) (bool, error) {
		if !c.EndedAt.IsZero() {
			return false, &Error{Op: op, Kind: ErrConsultationEnded}
		}
		if c.Window.Equal(w) {
			return false, nil
		}
		c.Window = w
		return true, nil
	})
	if err != nil {
		return nil, err
	}
	s.pins.put(appointmentID, pin{stored.Provider, stored.Room, stored.Window})
	return stored.Clone(), nil
}
