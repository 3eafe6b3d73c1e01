package redisstore_test

import (
	"context"
	"strconv"
	"testing"
	"time"

	video "github.com/teleconsult/video"
	"github.com/teleconsult/video/redisstore"
	"github.com/teleconsult/video/videotest"
)

// benchService is a Service on st with the fake provider.
func benchService(b *testing.B, st video.Store) *video.Service {
	cfg := video.DefaultConfig()
	cfg.RoomKey = roomKey
	svc, err := video.New(cfg, []video.Provider{videotest.NewProvider("openvidu")}, video.WithStore(st))
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { svc.Close() })
	return svc
}

// benchToken measures a participant's token for a pinned appointment through the Service,
// with the fake provider, and reports the store round trips per token when rt counts them.
// scheduled gives the appointment a window around now (its tokens read the window first).
func benchToken(b *testing.B, st video.Store, rt *roundTrips, scheduled bool) {
	svc := benchService(b, st)
	ctx := context.Background()
	if scheduled {
		now := time.Now()
		if _, err := svc.Schedule(ctx, "a1", video.Window{Start: now, End: now.Add(time.Hour)}); err != nil {
			b.Fatal(err)
		}
	}
	if _, err := svc.GenerateMeetingToken(ctx, "a1", "doc", video.RoleDoctor, video.UserInfo{}); err != nil {
		b.Fatal(err)
	}
	var before int64
	if rt != nil {
		before = rt.n.Load()
	}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := svc.GenerateMeetingToken(ctx, "a1", "doc", video.RoleDoctor, video.UserInfo{}); err != nil {
			b.Fatal(err)
		}
	}
	if rt != nil {
		b.ReportMetric(float64(rt.n.Load()-before)/float64(b.N), "roundtrips/op")
	}
}

// benchPin measures the first token of a new appointment: the pin (create-if-absent), the
// room index and the participant's record.
func benchPin(b *testing.B, st video.Store) {
	svc := benchService(b, st)
	ctx := context.Background()
	i := 0
	b.ReportAllocs()
	for b.Loop() {
		i++
		if _, err := svc.GenerateMeetingToken(ctx, "new-"+strconv.Itoa(i), "doc", video.RoleDoctor, video.UserInfo{}); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkTokenMemoryStore(b *testing.B) { benchToken(b, video.NewMemoryStore(), nil, false) }

// BenchmarkRedisStore compares a single redis-server with a cluster of three masters and three
// replicas, where writes wait for one replica (the default) or not.
func BenchmarkRedisStore(b *testing.B) {
	waits := func(n int) func(*redisstore.Config) {
		return func(c *redisstore.Config) { c.WaitReplicas = redisstore.Replicas(n) }
	}
	stores := []struct {
		name string
		open func(b *testing.B) (video.Store, *roundTrips)
	}{
		{"single", func(b *testing.B) (video.Store, *roundTrips) { return newStore(b) }},
		{"cluster-wait1", func(b *testing.B) (video.Store, *roundTrips) { return openCluster(b, sharedCluster(b), waits(1)), nil }},
		{"cluster-wait0", func(b *testing.B) (video.Store, *roundTrips) { return openCluster(b, sharedCluster(b), waits(0)), nil }},
	}
	for _, s := range stores {
		b.Run(s.name+"/token", func(b *testing.B) {
			st, rt := s.open(b)
			benchToken(b, st, rt, false)
		})
		b.Run(s.name+"/token-scheduled", func(b *testing.B) {
			st, rt := s.open(b)
			benchToken(b, st, rt, true)
		})
		b.Run(s.name+"/pin", func(b *testing.B) {
			st, _ := s.open(b)
			benchPin(b, st)
		})
	}
}
