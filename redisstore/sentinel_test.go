package redisstore_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	video "github.com/teleconsult/video"
	"github.com/teleconsult/video/internal/testserver"
	"github.com/teleconsult/video/redisstore"
	"github.com/teleconsult/video/videotest"
)

// openSentinel opens a Store through the Sentinel as the environment would
// (REDIS_URL=redis+sentinel://…?master_name=…), closed when t ends.
func openSentinel(t testing.TB, s *testserver.RedisSentinel, prefix string) *redisstore.Store {
	t.Helper()
	cfg := redisstore.DefaultConfig()
	cfg.URL = video.Secret(s.URL)
	cfg.Prefix = prefix
	st, err := redisstore.Open(cfg)
	require.NoError(t, err)
	t.Cleanup(func() { st.Close() })
	return st
}

// TestSentinel runs the store contract through Sentinel, then kills the master under traffic:
// the Sentinel promotes the replica, the store follows it, and every pin acknowledged before
// the kill is still there.
func TestSentinel(t *testing.T) {
	s := testserver.StartRedisSentinel(t, time.Second)
	n := 0
	videotest.RunStoreTests(t, func(t *testing.T) video.Store {
		n++
		return openSentinel(t, s, fmt.Sprintf("conf%d:", n))
	})

	st := openSentinel(t, s, "fo:")
	r := newReplica(t, st, nil)
	ctx := context.Background()
	token := func(appt string) error {
		ctx, cancel := context.WithTimeout(ctx, time.Second)
		defer cancel()
		_, err := r.svc.GenerateMeetingToken(ctx, appt, "doc", video.RoleDoctor, video.UserInfo{})
		return err
	}
	const before = 200
	for i := range before {
		require.NoError(t, token(fmt.Sprintf("appt-%04d", i)))
	}
	assert.Zero(t, st.UnreplicatedWrites(), "every write reached the replica before it was acknowledged")

	old, err := s.MasterAddr()
	require.NoError(t, err)
	killAt := time.Now()
	s.Master.Kill()
	var promotedAt, servedAt time.Time
	failed := 0
	for i := before; servedAt.IsZero() || promotedAt.IsZero(); i++ {
		require.Less(t, time.Since(killAt), 60*time.Second, "the store serves again after the Sentinel's failover")
		if promotedAt.IsZero() {
			if addr, err := s.MasterAddr(); err == nil && addr != old {
				promotedAt = time.Now()
			}
		}
		if err := token(fmt.Sprintf("appt-%04d", i)); err != nil {
			require.ErrorIs(t, err, video.ErrStore)
			failed++
			servedAt = time.Time{}
		} else if servedAt.IsZero() {
			servedAt = time.Now()
		}
		time.Sleep(20 * time.Millisecond) // the callers' pace
	}
	if servedAt.Before(promotedAt) {
		servedAt = promotedAt
	}
	t.Logf("kill → promotion %.2fs; served %.2fs after the promotion; %d requests failed meanwhile",
		promotedAt.Sub(killAt).Seconds(), servedAt.Sub(promotedAt).Seconds(), failed)
	assert.Positive(t, failed, "the outage was felt")
	assert.LessOrEqual(t, servedAt.Sub(promotedAt), failoverBudget)
	for i := range before {
		c, err := st.Get(ctx, fmt.Sprintf("appt-%04d", i))
		require.NoError(t, err, "a pin acknowledged before the kill survives it")
		assert.Len(t, c.Participants, 1)
	}
}
