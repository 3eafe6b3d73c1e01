package video

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"math/rand/v2"
	"net/http"
	"sync"
	"time"
)

// maxWebhookBody bounds a webhook request body.
const maxWebhookBody = 1 << 20

// webhookDeadline bounds the handling of one event, retries under contention included.
const webhookDeadline = 10 * time.Second

// WebhookHandler returns the handler for provider events (OpenVidu/LiveKit webhooks): mount
// it where the providers post them. Every provider that implements WebhookReceiver is offered
// the event in priority order, and the first that accepts its signature owns it (401 when none
// does, never 200), drops repeated deliveries by event ID, and
// updates the consultation of the event's room:
//
//   - participant joined/left: the participant's JoinedAt/LeftAt; a doctor joining starts a
//     consultation that was not started;
//   - room finished: a consultation in progress on that provider ends (EndedBy "provider");
//     a room that closes before the consultation started (everyone left a waiting room)
//     ends nothing;
//   - recording ended: the recording is processed as by ProcessRecording.
//
// Events for rooms with no consultation are acknowledged and ignored. A failure to record an
// event answers 500, so the provider delivers it again.
func (s *Service) WebhookHandler() http.Handler {
	seen := newRecentSet(4096)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ctx, d := s.tel.webhookSpan(r)
		defer func() { s.endWebhook(ctx, d) }()
		r = r.WithContext(ctx)
		if r.Method != http.MethodPost {
			d.refused("method")
			w.Header().Set("Allow", http.MethodPost)
			http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
			return
		}
		if err := s.ready("WebhookHandler"); err != nil {
			d.result = "unavailable"
			http.Error(w, err.Error(), http.StatusServiceUnavailable)
			return
		}
		ev, from, err := s.receive(w, r)
		d.from = from
		switch {
		case errors.Is(err, errNoReceiver):
			d.refused("no_receiver")
			http.Error(w, "no configured provider sends webhooks", http.StatusNotFound)
			return
		case errors.Is(err, ErrUnauthenticated):
			d.refused("unauthenticated")
			s.log.LogAttrs(r.Context(), slog.LevelWarn, "webhook refused: no provider accepts its signature")
			http.Error(w, "invalid webhook signature", http.StatusUnauthorized)
			return
		case errors.Is(err, ErrUnavailable):
			// The provider could not complete the event yet (it reads something back from its
			// server): the sender delivers it again.
			s.log.LogAttrs(r.Context(), slog.LevelWarn, "webhook not taken yet: the provider could not complete it",
				slog.String("provider", string(from)), slog.String("error", err.Error()))
			d.result = "unavailable"
			http.Error(w, "provider unavailable, deliver again", http.StatusServiceUnavailable)
			return
		case err != nil:
			d.refused("invalid_argument")
			http.Error(w, "invalid webhook", http.StatusBadRequest)
			return
		}
		d.accepted(ev.Kind)
		if ev.ID != "" && seen.has(ev.ID) {
			d.result = "duplicate"
			w.WriteHeader(http.StatusOK)
			return
		}
		err = s.applyEvent(r.Context(), from, ev)
		d.result = "applied"
		if errors.Is(err, errIgnored) {
			d.result, err = "ignored", nil
		}
		if err != nil {
			d.result = "failed"
			s.log.LogAttrs(r.Context(), slog.LevelError, "webhook event not recorded", slog.String("provider", string(from)),
				slog.String("event", string(ev.Kind)), slog.String("error", err.Error()))
			http.Error(w, "event not recorded", http.StatusInternalServerError)
			return
		}
		if ev.ID != "" {
			seen.add(ev.ID)
		}
		w.WriteHeader(http.StatusOK)
	})
}

// errIgnored: the event changes nothing (a room this library did not open, a kind it does not
// track, an event from before what the record holds, or one without what it needs); it is
// acknowledged.
var errIgnored = errors.New("event ignored")

// errNoReceiver: no provider implements WebhookReceiver.
var errNoReceiver = errors.New("no provider receives webhooks")

// receive reads r's body once, bounded, and offers it to every provider that receives webhooks,
// in priority order: the first that does not refuse its signature says what the event is and
// which provider sent it. When every one refuses it, the error wraps ErrUnauthenticated.
func (s *Service) receive(w http.ResponseWriter, r *http.Request) (*WebhookEvent, ProviderName, error) {
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, maxWebhookBody))
	if err != nil {
		return nil, "", fmt.Errorf("%w: webhook body: %v", ErrInvalidArgument, err)
	}
	err = errNoReceiver
	for _, m := range s.f.members {
		wr, ok := m.p.(WebhookReceiver)
		if !ok {
			continue
		}
		one := r.Clone(r.Context())
		one.Body = io.NopCloser(bytes.NewReader(body))
		ev, rerr := wr.ReceiveWebhook(one)
		if rerr == nil {
			return ev, m.name, nil
		}
		if err = rerr; !errors.Is(rerr, ErrUnauthenticated) {
			return nil, m.name, rerr
		}
	}
	return nil, "", err
}

// applyEvent records one provider event against the consultation of its room. Every effect is
// idempotent and set by the event's own time, so that a delivery repeated on any replica, or
// one that arrives late, changes nothing it should not: a participant's JoinedAt and LeftAt
// only move forward, an end is set once, a recording is kept once by its ID.
func (s *Service) applyEvent(ctx context.Context, from ProviderName, ev *WebhookEvent) error {
	const op = "WebhookHandler"
	if ev.Kind == WebhookOther || ev.Kind == WebhookRoomStarted || ev.Room == "" {
		return errIgnored
	}
	c, err := s.store.GetByRoom(ctx, ev.Room)
	if errors.Is(err, ErrNotFound) {
		s.log.LogAttrs(ctx, slog.LevelDebug, "webhook for a room with no consultation", slog.String("event", string(ev.Kind)))
		return errIgnored
	}
	annotate(ctx, c)
	if err != nil {
		return s.storeErr(op, err)
	}
	at := ev.At
	if at.IsZero() {
		at = s.now()
	}
	switch ev.Kind {
	case WebhookRecordingEnded:
		if ev.Recording == nil {
			return errIgnored
		}
		rec := *ev.Recording
		rec.Provider, rec.StartedBy, rec.Error = from, "", cleanText(rec.Error, maxDescriptionRunes) // the provider's words, made safe to show
		if checkRecording(op, rec) != nil {
			s.log.LogAttrs(ctx, slog.LevelWarn, "webhook: a recording event that cannot be stored", slog.String("provider", string(from)))
			return errIgnored
		}
		if err := s.putRecording(ctx, op, c, rec); err != nil && !errors.Is(err, ErrInvalidArgument) {
			return err
		}
		return nil
	case WebhookRoomFinished:
		return s.mutateEvent(ctx, op, c, func(c *Consultation) bool {
			current := c.Provider == from && c.Room == ev.Room
			if !current || c.StartedAt.IsZero() || !c.EndedAt.IsZero() || at.Before(c.StartedAt) || at.Before(lastMove(c)) ||
				!ev.RoomStart.IsZero() && ev.RoomStart.Before(lastMove(c)) {
				return false // not this room's meeting, not started, already ended, or an event (or a room) from before
			}
			c.EndedAt, c.EndedBy = at, "provider"
			return true
		})
	case WebhookParticipantJoined, WebhookParticipantLeft:
		if ev.UserID == "" {
			return errIgnored
		}
		return s.mutateEvent(ctx, op, c, func(c *Consultation) bool {
			p := c.participant(ev.UserID, ev.Role)
			if p == nil {
				if !ev.Role.Valid() {
					return false
				}
				c.Participants = append(c.Participants, ParticipantRecord{UserID: ev.UserID, Role: ev.Role, Provider: from, Room: ev.Room})
				p = &c.Participants[len(c.Participants)-1]
			}
			session := ev.SessionStart // when the session this event is about began
			attended := p.recordSession(ev.Kind, session, at)
			if ev.Kind == WebhookParticipantLeft {
				if !session.IsZero() && session.Before(p.JoinedAt) {
					return attended // an earlier session's leave: the participant is back since
				}
				left := latest(at, session) // a session cannot end before it began (At has seconds only)
				if !left.After(p.LeftAt) {
					return attended
				}
				p.LeftAt = left
				return true
			}
			joined := at
			if !session.IsZero() {
				joined = session // to the millisecond where the provider says: a rejoin sorts after a leave of the same second
			}
			if !joined.After(p.JoinedAt) {
				return attended
			}
			p.JoinedAt = joined
			if c.Provider == from && c.Room == ev.Room && p.Role == RoleDoctor && c.StartedAt.IsZero() && c.EndedAt.IsZero() {
				c.StartedAt, c.StartedBy = at, p.UserID
			}
			return true
		})
	}
	return nil
}

// latest returns the later of a and b.
func latest(a, b time.Time) time.Time {
	if b.After(a) {
		return b
	}
	return a
}

// lastMove is when the consultation last moved to another provider, or zero.
func lastMove(c *Consultation) time.Time {
	if n := len(c.Migrations); n > 0 {
		return c.Migrations[n-1].At
	}
	return time.Time{}
}

// mutateEvent applies change with compare-and-swap (Service.swap) until it is stored or has
// nothing to do, for as long as the request lasts (bounded by webhookDeadline): a valid event
// never fails because other writers got there first. Retries back off with jitter, up to 50 ms
// apart.
func (s *Service) mutateEvent(ctx context.Context, op string, c *Consultation, change func(*Consultation) bool) error {
	ctx, cancel := context.WithTimeout(ctx, webhookDeadline)
	defer cancel()
	changed := false
	_, err := s.swap(ctx, op, c.AppointmentID, c, func(c *Consultation) (bool, error) { changed = change(c); return changed, nil },
		func(ctx context.Context, attempt int) error {
			backoff := min(time.Millisecond<<min(attempt, 6), 50*time.Millisecond)
			select {
			case <-time.After(rand.N(backoff) + time.Millisecond):
				return nil
			case <-ctx.Done():
				return &Error{Op: op, Kind: ErrStore, Msg: "the consultation kept changing until the deadline", Err: ctx.Err()}
			}
		})
	if err == nil && !changed {
		return errIgnored // nothing to change: a repeat, or an event from before
	}
	return err
}

// recentSet remembers the last n strings added.
type recentSet struct {
	mu   sync.Mutex
	set  map[string]struct{}
	ring []string
	next int
}

func newRecentSet(n int) *recentSet {
	return &recentSet{set: make(map[string]struct{}, n), ring: make([]string, n)}
}

func (r *recentSet) has(s string) bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	_, ok := r.set[s]
	return ok
}

// add remembers s, and reports whether it was new.
func (r *recentSet) add(s string) bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	if _, ok := r.set[s]; ok {
		return false
	}
	delete(r.set, r.ring[r.next])
	r.ring[r.next] = s
	r.set[s] = struct{}{}
	r.next = (r.next + 1) % len(r.ring)
	return true
}
