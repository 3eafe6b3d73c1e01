package videotest

import (
	"context"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	video "github.com/teleconsult/video"
)

// RunRaceTests checks the Service over a store against writes that land between its read and
// its compare-and-swap, and events delivered out of order: a consultation ended just before a
// migration is never moved, never gets a room opened for it that stays open, and no move is
// announced; provider events apply by their own time, and replays on any replica write nothing.
// newStore returns an empty store; it is called once per subtest.
func RunRaceTests(t *testing.T, newStore func(t *testing.T) video.Store) {
	t.Helper()
	for _, path := range []string{"token", "start"} {
		t.Run("AnEndBeforeAMigrationWins/"+path, func(t *testing.T) {
			ctx := context.Background()
			inner := newStore(t)
			st := &endBeforeMove{Store: inner}
			primary, fallback := NewProvider("openvidu"), NewProvider("jitsi")
			var notices int
			var mu sync.Mutex
			svc, err := video.New(Config(), []video.Provider{primary, fallback}, video.WithStore(st),
				video.WithOnMigrate(func(context.Context, video.MigrationNotice) { mu.Lock(); notices++; mu.Unlock() }))
			require.NoError(t, err)
			defer svc.Close()
			_, err = svc.GenerateMeetingToken(ctx, "appt-race", "doc", video.RoleDoctor, video.UserInfo{})
			require.NoError(t, err)

			primary.SetHealthy(false)
			st.arm(func() { // another replica ends it while this one is moving it
				c, err := inner.Get(ctx, "appt-race")
				require.NoError(t, err)
				c.EndedAt, c.EndedBy = c.CreatedAt.Add(1), "doc"
				_, err = inner.Update(ctx, c)
				require.NoError(t, err)
			})
			switch path {
			case "token":
				_, err = svc.GenerateMeetingToken(ctx, "appt-race", "pat", video.RolePatient, video.UserInfo{})
			case "start":
				_, err = svc.StartConsultation(ctx, "appt-race", "doc", video.RoleDoctor)
			}
			assert.ErrorIs(t, err, video.ErrConsultationEnded)
			assert.True(t, st.fired(), "the end landed between the read and the swap")
			c, err := svc.ConsultationStatus(ctx, "appt-race")
			require.NoError(t, err)
			assert.Equal(t, video.ProviderName("openvidu"), c.Provider, "never moved")
			assert.Empty(t, c.Migrations)
			assert.Empty(t, fallback.Rooms(), "no room stays open on the fallback")
			mu.Lock()
			assert.Zero(t, notices, "no move announced")
			mu.Unlock()
		})
	}
	t.Run("EventsApplyByTheirOwnTimeOnAnyReplica", func(t *testing.T) {
		ctx := context.Background()
		st := newStore(t)
		fake := NewProvider("openvidu")
		replica := func() (*video.Service, http.Handler) {
			svc, err := video.New(Config(), []video.Provider{fake}, video.WithStore(st))
			require.NoError(t, err)
			t.Cleanup(func() { svc.Close() })
			return svc, svc.WebhookHandler()
		}
		a, ha := replica()
		b, hb := replica()
		tok, err := a.GenerateMeetingToken(ctx, "appt-events", "pat", video.RolePatient, video.UserInfo{})
		require.NoError(t, err)
		post := func(h http.Handler, id string, kind video.WebhookKind, at, session time.Time) {
			w := httptest.NewRecorder()
			h.ServeHTTP(w, fake.WebhookRequest(video.WebhookEvent{ID: id, Kind: kind, Room: tok.Room, UserID: "pat",
				Role: video.RolePatient, At: at, SessionStart: session}))
			require.Equal(t, http.StatusOK, w.Code)
		}
		t0 := time.Date(2026, 5, 6, 9, 0, 0, 0, time.UTC)
		post(ha, "J1", video.WebhookParticipantJoined, t0, t0.Add(100*time.Millisecond))
		post(hb, "L1", video.WebhookParticipantLeft, t0, t0.Add(100*time.Millisecond))
		post(ha, "J2", video.WebhookParticipantJoined, t0, t0.Add(900*time.Millisecond)) // rejoined in the same second
		before, err := b.ConsultationStatus(ctx, "appt-events")
		require.NoError(t, err)
		require.True(t, before.Participants[0].Online(), "online after a rejoin within the second")
		post(hb, "J1", video.WebhookParticipantJoined, t0, t0.Add(100*time.Millisecond)) // replays, late, on the other replica
		post(ha, "L1", video.WebhookParticipantLeft, t0, t0.Add(100*time.Millisecond))
		after, err := a.ConsultationStatus(ctx, "appt-events")
		require.NoError(t, err)
		assert.Equal(t, before.Version, after.Version, "replays write nothing")
		assert.True(t, after.Participants[0].Online())
	})
}

// endBeforeMove is a store that runs a write of another replica just before the first update
// that moves a consultation to another provider.
type endBeforeMove struct {
	video.Store
	mu     sync.Mutex
	before func()
	done   bool
}

func (s *endBeforeMove) arm(before func()) { s.mu.Lock(); s.before = before; s.mu.Unlock() }

func (s *endBeforeMove) fired() bool { s.mu.Lock(); defer s.mu.Unlock(); return s.done }

// Update implements video.Store.
func (s *endBeforeMove) Update(ctx context.Context, c *video.Consultation) (*video.Consultation, error) {
	s.mu.Lock()
	before := s.before
	if before != nil && len(c.Migrations) > 0 {
		s.before, s.done = nil, true
	} else {
		before = nil
	}
	s.mu.Unlock()
	if before != nil {
		before()
	}
	return s.Store.Update(ctx, c)
}
