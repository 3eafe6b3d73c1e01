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
	cfg.OpenVidu = video.OpenViduConfig{URL: "ws://127.0.0.1:7880", APIKey: "devkey", Secret: "secret"}
	svc, err := video.New(cfg, videotest.NewProvider(video.ProviderOpenVidu), nil, video.WithStore(st))
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
