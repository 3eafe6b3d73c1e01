package videotest

import (
	"context"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	video "github.com/teleconsult/video"
)

// RunStoreFaultTests checks what two replicas of a Service do when their shared store loses its
// records (a Redis restarted without persistence, an eviction, a failover to a lagging replica):
// a replica that saw an appointment's pin never hands out a token for another provider or room
// without a migration. newStore returns an empty store and lose, which empties it as such a fault
// would; it is called once per subtest.
func RunStoreFaultTests(t *testing.T, newStore func(t *testing.T) (st video.Store, lose func())) {
	t.Helper()
	ctx := context.Background()
	type replica struct {
		svc     *video.Service
		primary *Provider
		notices chan video.MigrationNotice
		now     atomic.Int64 // the replica's clock, unix ns
	}
	newReplica := func(t *testing.T, st video.Store, primary video.ProviderName) *replica {
		r := &replica{primary: NewProvider(primary), notices: make(chan video.MigrationNotice, 16)}
		other := NewProvider("jitsi")
		if primary == "jitsi" {
			other = NewProvider("openvidu")
		}
		cfg := Config()
		cfg.Health.RecoveryProbes = 1
		r.now.Store(time.Date(2026, 5, 6, 9, 0, 0, 0, time.UTC).UnixNano())
		svc, err := video.New(cfg, []video.Provider{r.primary, other}, video.WithStore(st),
			video.WithClock(func() time.Time { return time.Unix(0, r.now.Load()) }),
			video.WithOnMigrate(func(_ context.Context, n video.MigrationNotice) { r.notices <- n }))
		require.NoError(t, err)
		t.Cleanup(func() { svc.Close() })
		r.svc = svc
		return r
	}
	token := func(t *testing.T, r *replica, user string, role video.Role) *video.MeetingToken {
		tok, err := r.svc.GenerateMeetingToken(ctx, "appt-lost", user, role, video.UserInfo{})
		require.NoError(t, err)
		return tok
	}

	t.Run("ARecordLostIsRecreatedFromThePin", func(t *testing.T) {
		st, lose := newStore(t)
		a := newReplica(t, st, "openvidu")
		a.primary.SetHealthy(false)
		doc := token(t, a, "doc", video.RoleDoctor)
		require.Equal(t, video.ProviderName("jitsi"), doc.Provider, "pinned to the fallback while the primary is down")
		a.primary.SetHealthy(true) // the primary recovers, and the replica sees it; the pin stays
		a.now.Add(int64(time.Hour))
		require.Equal(t, video.HealthUp, a.svc.Health(ctx).Providers[0].State)
		lose()
		pat := token(t, a, "pat", video.RolePatient)
		assert.Equal(t, doc.Provider, pat.Provider, "the patient meets the doctor")
		assert.Equal(t, doc.Room, pat.Room)
		c, err := a.svc.ConsultationStatus(ctx, "appt-lost")
		require.NoError(t, err)
		assert.Equal(t, doc.Provider, c.Provider, "the record is back, with the pin")
		assert.Equal(t, int64(1), a.svc.CachedHealth().StoreRepairs, "counted as a store fault")
		assert.Empty(t, a.notices, "nothing moved")
	})

	t.Run("APinMadeAnewElsewhereIsAnnounced", func(t *testing.T) {
		st, lose := newStore(t)
		// The replicas pin new appointments to different providers (here by their order; in a
		// deployment, by their views of health), so a pin made anew lands elsewhere.
		a, b := newReplica(t, st, "jitsi"), newReplica(t, st, "openvidu")
		doc := token(t, a, "doc", video.RoleDoctor)
		require.Equal(t, video.ProviderName("jitsi"), doc.Provider)
		lose()
		pat := token(t, b, "pat", video.RolePatient) // b never saw the pin: it pins anew
		require.Equal(t, video.ProviderName("openvidu"), pat.Provider)

		again := token(t, a, "doc", video.RoleDoctor)
		assert.Equal(t, pat.Provider, again.Provider, "the doctor follows the store's pin")
		assert.Equal(t, pat.Room, again.Room)
		require.Len(t, a.notices, 1, "the move was announced")
		n := <-a.notices
		assert.Equal(t, "appt-lost", n.AppointmentID)
		assert.Equal(t, doc.Provider, n.Migration.From)
		assert.Equal(t, pat.Provider, n.Migration.To)
		c, err := a.svc.ConsultationStatus(ctx, "appt-lost")
		require.NoError(t, err)
		require.Len(t, c.Migrations, 1, "and recorded")
		assert.Equal(t, int64(1), a.svc.CachedHealth().StoreRepairs)

		token(t, a, "doc", video.RoleDoctor)
		assert.Empty(t, a.notices, "announced once")
	})

	t.Run("AMoveFoundOnAnyPathIsAnnouncedOnceAndTheOldRoomClosed", func(t *testing.T) {
		st, lose := newStore(t)
		a, b := newReplica(t, st, "jitsi"), newReplica(t, st, "openvidu")
		doc := token(t, a, "doc", video.RoleDoctor)
		require.Equal(t, video.ProviderName("jitsi"), doc.Provider)
		lose()
		token(t, b, "pat", video.RolePatient) // pinned anew on openvidu
		_, err := a.svc.EndConsultation(ctx, "appt-lost", "doc", video.RoleDoctor)
		require.NoError(t, err)
		require.Len(t, a.notices, 1, "the end found the move and announced it")
		assert.True(t, a.primary.RoomEnded(doc.Room), "the doctor's old room is closed with the rest")
		assert.Equal(t, int64(1), a.svc.CachedHealth().StoreRepairs)
	})
}
