package redisstore_test

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	video "github.com/teleconsult/video"
	"github.com/teleconsult/video/internal/testserver"
	"github.com/teleconsult/video/redisstore"
)

// TestRedisKilledMidRun kills redis-server (fsync-always AOF) under load, then starts it
// again: every request during the outage fails with a store error before its deadline, and
// afterwards every consultation is whole and every token that was handed out is recorded.
func TestRedisKilledMidRun(t *testing.T) {
	srv := testserver.StartRedis(t, testserver.RedisOptions{AppendOnly: true})
	st := redisstore.New(client(t, srv.Addr), redisstore.Options{Prefix: "crash:"})
	r := newReplica(t, st, nil)

	type issued struct{ appt, user string }
	var (
		mu       sync.Mutex
		handed   []issued
		failures atomic.Int64
		other    atomic.Int64
		next     atomic.Int64
		killed   = make(chan struct{})
	)
	worker := func() {
		for {
			i := next.Add(1)
			if i > 3000 {
				return
			}
			if i == 1000 {
				srv.Kill()
				close(killed)
			}
			appt := fmt.Sprintf("appt-%04d", i%700)
			user := fmt.Sprintf("user-%d", i%3)
			ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
			tok, err := r.svc.GenerateMeetingToken(ctx, appt, user, video.RolePatient, video.UserInfo{})
			cancel()
			switch {
			case err == nil:
				mu.Lock()
				handed = append(handed, issued{appt, user})
				mu.Unlock()
				_ = tok
			case video.Code(err) == video.ErrStore:
				failures.Add(1)
			default:
				other.Add(1)
				t.Errorf("unexpected error: %v", err)
			}
			if i == 1500 {
				<-killed
				if err := srv.Start(); err != nil {
					t.Errorf("redis did not restart from its append-only file: %v", err)
				}
			}
		}
	}
	var wg sync.WaitGroup
	for range 16 {
		wg.Go(worker)
	}
	wg.Wait()
	assert.Positive(t, failures.Load(), "the outage was felt")
	assert.Zero(t, other.Load(), "every failure is a store error")

	ctx := context.Background()
	whole := 0
	for i := range 700 {
		c, err := st.Get(ctx, fmt.Sprintf("appt-%04d", i))
		if errors.Is(err, video.ErrNotFound) {
			continue
		}
		require.NoError(t, err, "no consultation is half-written")
		for _, p := range c.Participants {
			assert.Equal(t, c.Provider, p.Provider)
			assert.Equal(t, c.Room, p.Room)
		}
		whole++
	}
	lost := 0
	for _, h := range handed {
		c, err := st.Get(ctx, h.appt)
		if err != nil {
			lost++
			continue
		}
		found := false
		for _, p := range c.Participants {
			found = found || p.UserID == h.user
		}
		if !found {
			lost++
		}
	}
	assert.Zero(t, lost, "tokens handed out but not recorded")
	t.Logf("tokens handed out=%d, store errors during the outage=%d, consultations checked=%d", len(handed), failures.Load(), whole)
}

func TestKeysExpire(t *testing.T) {
	r := sharedRedis(t)
	c := client(t, r.Addr)
	st := redisstore.New(c, redisstore.Options{Prefix: "ttl:", Retention: time.Hour, MaxAge: 48 * time.Hour})
	rep := newReplica(t, st, nil)
	ctx := context.Background()
	_, err := rep.svc.GenerateMeetingToken(ctx, "a1", "doc", video.RoleDoctor, video.UserInfo{})
	require.NoError(t, err)
	ttl := c.PTTL(ctx, "ttl:c:{a1}").Val()
	assert.InDelta(t, (48 * time.Hour).Seconds(), ttl.Seconds(), 60, "a live consultation lives MaxAge after its last write")
	cons, err := st.Get(ctx, "a1")
	require.NoError(t, err)
	assert.InDelta(t, (48 * time.Hour).Seconds(), c.PTTL(ctx, "ttl:r:{"+cons.Room+"}").Val().Seconds(), 60)

	_, err = rep.svc.EndConsultation(ctx, "a1", "doc", video.RoleDoctor)
	require.NoError(t, err)
	assert.InDelta(t, time.Hour.Seconds(), c.PTTL(ctx, "ttl:c:{a1}").Val().Seconds(), 60, "an ended one lives Retention")
	assert.InDelta(t, time.Hour.Seconds(), c.PTTL(ctx, "ttl:r:{"+cons.Room+"}").Val().Seconds(), 60)
	require.NoError(t, rep.svc.ReportTechnicalIssue(ctx, "a1", "pat", video.TechnicalIssue{Category: video.IssueOther}))
	assert.InDelta(t, time.Hour.Seconds(), c.PTTL(ctx, "ttl:c:{a1}").Val().Seconds(), 60, "appends after the end keep Retention")
}

func TestCorruptRecordIsAnError(t *testing.T) {
	r := sharedRedis(t)
	c := client(t, r.Addr)
	st := redisstore.New(c, redisstore.Options{Prefix: "bad:"})
	require.NoError(t, c.HSet(context.Background(), "bad:c:{a1}", "provider", "openvidu").Err())
	_, err := st.Get(context.Background(), "a1")
	require.Error(t, err)
	assert.NotErrorIs(t, err, video.ErrNotFound)
}
