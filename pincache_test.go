package video_test

import (
	"context"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	video "github.com/teleconsult/video"
	"github.com/teleconsult/video/videotest"
)

// countingStore counts the Store calls the Service makes.
type countingStore struct {
	video.Store
	gets, adds atomic.Int64
}

func (c *countingStore) Get(ctx context.Context, id string) (*video.Consultation, error) {
	c.gets.Add(1)
	return c.Store.Get(ctx, id)
}

func (c *countingStore) AddParticipant(ctx context.Context, id string, p video.ProviderName, room string, rec video.ParticipantRecord) (*video.Consultation, error) {
	c.adds.Add(1)
	return c.Store.AddParticipant(ctx, id, p, room, rec)
}

func TestKnownAppointmentCostsOneStoreCall(t *testing.T) {
	st := &countingStore{Store: video.NewMemoryStore()}
	svc, err := video.New(testConfig(), []video.Provider{videotest.NewProvider(ovName), videotest.NewProvider(jtName)}, video.WithStore(st))
	require.NoError(t, err)
	defer svc.Close()
	ctx := context.Background()
	_, err = svc.GenerateMeetingToken(ctx, "a1", "doc", video.RoleDoctor, video.UserInfo{})
	require.NoError(t, err)
	gets, adds := st.gets.Load(), st.adds.Load()
	for range 10 {
		_, err = svc.GenerateMeetingToken(ctx, "a1", "pat", video.RolePatient, video.UserInfo{})
		require.NoError(t, err)
	}
	assert.Equal(t, gets, st.gets.Load(), "no read before signing for a known appointment")
	assert.Equal(t, adds+10, st.adds.Load(), "one atomic write per token")
}

func TestStaleCachedPinFollowsAnotherReplicasMigration(t *testing.T) {
	st := video.NewMemoryStore()
	ovA, ovB := videotest.NewProvider(ovName), videotest.NewProvider(ovName)
	a, err := video.New(testConfig(), []video.Provider{ovA, videotest.NewProvider(jtName)}, video.WithStore(st))
	require.NoError(t, err)
	defer a.Close()
	clockB := newClock()
	b, err := video.New(testConfig(), []video.Provider{ovB, videotest.NewProvider(jtName)}, video.WithStore(st), video.WithClock(clockB.Now))
	require.NoError(t, err)
	defer b.Close()
	ctx := context.Background()

	doc, err := a.GenerateMeetingToken(ctx, "a1", "doc", video.RoleDoctor, video.UserInfo{})
	require.NoError(t, err)
	require.Equal(t, ovName, doc.Provider)
	_, err = b.GenerateMeetingToken(ctx, "a1", "obs", video.RoleObserver, video.UserInfo{}) // b caches the pin too
	require.NoError(t, err)

	require.Equal(t, video.HealthUp, b.Health(ctx).Providers[0].State)
	ovB.SetHealthy(false) // replica B alone sees OpenVidu down, and migrates
	clockB.Advance(2 * time.Minute)
	require.Equal(t, video.HealthDown, b.Health(ctx).Providers[0].State)
	_, err = b.GenerateMeetingToken(ctx, "a1", "pat", video.RolePatient, video.UserInfo{})
	require.NoError(t, err)

	again, err := a.GenerateMeetingToken(ctx, "a1", "doc", video.RoleDoctor, video.UserInfo{})
	require.NoError(t, err)
	assert.Equal(t, jtName, again.Provider, "replica A's cached pin was stale; the store's answer wins")
	c, err := a.ConsultationStatus(ctx, "a1")
	require.NoError(t, err)
	assert.Equal(t, again.Room, c.Room)
	assert.Equal(t, jtName, c.Provider)
}
