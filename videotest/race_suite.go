package videotest

import (
	"context"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	video "github.com/teleconsult/video"
)

// RunRaceTests checks the Service over a store against writes that land between its read and
// its compare-and-swap: a consultation ended just before a migration is never moved, never gets
// a room opened for it that stays open, and no move is announced. newStore returns an empty
// store; it is called once per subtest.
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
