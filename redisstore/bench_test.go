package redisstore_test

import (
	"context"
	"testing"

	video "github.com/teleconsult/video"
	"github.com/teleconsult/video/videotest"
)

// benchToken measures a participant's token for a pinned appointment through the Service,
// with the fake provider, and reports the store round trips per token.
func benchToken(b *testing.B, st video.Store, rt *roundTrips) {
	cfg := video.DefaultConfig()
	cfg.RoomKey = roomKey
	svc, err := video.New(cfg, []video.Provider{videotest.NewProvider("openvidu")}, video.WithStore(st))
	if err != nil {
		b.Fatal(err)
	}
	defer svc.Close()
	ctx := context.Background()
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

func BenchmarkTokenMemoryStore(b *testing.B) { benchToken(b, video.NewMemoryStore(), nil) }

func BenchmarkTokenRedisStore(b *testing.B) {
	st, rt := newStore(b)
	benchToken(b, st, rt)
}
