package video

import (
	"context"
	"errors"
	"log/slog"
	"net/http"
	"sync"
)

// maxWebhookBody bounds a webhook request body.
const maxWebhookBody = 1 << 20

// WebhookHandler returns the handler for provider events (OpenVidu/LiveKit webhooks): mount
// it where the provider posts them. It verifies each event's signature with the provider
// (401 for a missing or bad one, never 200), drops repeated deliveries by event ID, and
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
		if r.Method != http.MethodPost {
			w.Header().Set("Allow", http.MethodPost)
			http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
			return
		}
		if err := s.ready("WebhookHandler"); err != nil {
			http.Error(w, err.Error(), http.StatusServiceUnavailable)
			return
		}
		var recv WebhookReceiver
		var from ProviderName
		for _, m := range s.f.members {
			if wr, ok := m.p.(WebhookReceiver); ok {
				recv, from = wr, m.name
				break
			}
		}
		if recv == nil {
			http.Error(w, "no configured provider sends webhooks", http.StatusNotFound)
			return
		}
		r.Body = http.MaxBytesReader(w, r.Body, maxWebhookBody)
		ev, err := recv.ReceiveWebhook(r)
		switch {
		case errors.Is(err, ErrUnauthenticated):
			s.log.LogAttrs(r.Context(), slog.LevelWarn, "webhook refused: bad signature", slog.String("provider", string(from)))
			http.Error(w, "invalid webhook signature", http.StatusUnauthorized)
			return
		case err != nil:
			http.Error(w, "invalid webhook", http.StatusBadRequest)
			return
		}
		if ev.ID != "" && seen.has(ev.ID) {
			w.WriteHeader(http.StatusOK)
			return
		}
		if err := s.applyEvent(r.Context(), from, ev); err != nil {
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

// applyEvent records one provider event against the consultation of its room.
func (s *Service) applyEvent(ctx context.Context, from ProviderName, ev *WebhookEvent) error {
	const op = "WebhookHandler"
	if ev.Kind == WebhookOther || ev.Kind == WebhookRoomStarted || ev.Room == "" {
		return nil
	}
	c, err := s.store.GetByRoom(ctx, ev.Room)
	if errors.Is(err, ErrNotFound) {
		s.log.LogAttrs(ctx, slog.LevelDebug, "webhook for a room with no consultation", slog.String("event", string(ev.Kind)))
		return nil
	}
	if err != nil {
		return s.storeErr(op, err)
	}
	at := ev.At
	if at.IsZero() {
		at = s.now()
	}
	current := c.Provider == from && c.Room == ev.Room
	switch ev.Kind {
	case WebhookRecordingEnded:
		if ev.Recording == nil || checkRecording(op, *ev.Recording) != nil {
			return nil
		}
		rec := *ev.Recording
		if rec.Provider == "" {
			rec.Provider = from
		}
		_, err := s.store.AddRecording(ctx, c.AppointmentID, rec)
		if err != nil {
			return s.storeErr(op, err)
		}
		return nil
	case WebhookRoomFinished:
		_, err = s.mutate(ctx, op, c.AppointmentID, c, func(c *Consultation) (bool, error) {
			if !current || c.StartedAt.IsZero() || !c.EndedAt.IsZero() {
				return false, nil
			}
			c.EndedAt, c.EndedBy = at, "provider"
			return true, nil
		})
		return err
	case WebhookParticipantJoined, WebhookParticipantLeft:
		if ev.UserID == "" {
			return nil
		}
		_, err = s.mutate(ctx, op, c.AppointmentID, c, func(c *Consultation) (bool, error) {
			p := c.participant(ev.UserID, ev.Role)
			if p == nil {
				if !ev.Role.Valid() {
					return false, nil
				}
				c.Participants = append(c.Participants, ParticipantRecord{UserID: ev.UserID, Role: ev.Role, Provider: from, Room: ev.Room})
				p = &c.Participants[len(c.Participants)-1]
			}
			if ev.Kind == WebhookParticipantLeft {
				p.LeftAt = at
				return true, nil
			}
			p.JoinedAt = at
			if current && p.Role == RoleDoctor && c.StartedAt.IsZero() && c.EndedAt.IsZero() {
				c.StartedAt, c.StartedBy = at, p.UserID
			}
			return true, nil
		})
		return err
	}
	return nil
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

func (r *recentSet) add(s string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if _, ok := r.set[s]; ok {
		return
	}
	delete(r.set, r.ring[r.next])
	r.ring[r.next] = s
	r.set[s] = struct{}{}
	r.next = (r.next + 1) % len(r.ring)
}
