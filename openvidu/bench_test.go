package openvidu_test

import (
	"context"
	"testing"
	"time"

	"github.com/livekit/protocol/auth"
	video "github.com/teleconsult/video"
	"github.com/teleconsult/video/internal/testserver"
	"github.com/teleconsult/video/openvidu"
)

// BenchmarkRawToJWT is the floor: the SDK's signer with the same grant, called directly.
func BenchmarkRawToJWT(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		g := &auth.VideoGrant{RoomJoin: true, Room: "consult-bench", RoomAdmin: true}
		g.SetCanPublish(true)
		g.SetCanSubscribe(true)
		g.SetCanPublishData(true)
		_, err := auth.NewAccessToken(testserver.LiveKitAPIKey, testserver.LiveKitAPISecret).
			SetIdentity("doc").SetName("Dr. Smith").SetValidFor(time.Hour).SetMetadata(`{"role":"doctor"}`).
			SetVideoGrant(g).ToJWT()
		if err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkIssueToken is the provider alone.
func BenchmarkIssueToken(b *testing.B) {
	cfg := video.DefaultConfig().OpenVidu
	cfg.URL, cfg.APIKey, cfg.Secret = "ws://127.0.0.1:7880", testserver.LiveKitAPIKey, testserver.LiveKitAPISecret
	p, err := openvidu.New(cfg)
	if err != nil {
		b.Fatal(err)
	}
	req := video.TokenRequest{Room: "consult-bench", UserID: "doc", Role: video.RoleDoctor, TTL: time.Hour, Info: video.UserInfo{DisplayName: "Dr. Smith"}}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := p.IssueToken(context.Background(), req); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkServiceToken is a participant of a pinned appointment through the Service, with a
// real server behind a cached healthy primary and the memory store.
func BenchmarkServiceToken(b *testing.B) {
	lk := testserver.StartLiveKit(b, testserver.LiveKitOptions{})
	cfg := serviceConfig(lk)
	p, err := openvidu.New(cfg.OpenVidu)
	if err != nil {
		b.Fatal(err)
	}
	svc, err := video.New(cfg, p, nil)
	if err != nil {
		b.Fatal(err)
	}
	defer svc.Close()
	ctx := context.Background()
	if _, err := svc.GenerateMeetingToken(ctx, "appt-bench", "doc", video.RoleDoctor, video.UserInfo{}); err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := svc.GenerateMeetingToken(ctx, "appt-bench", "doc", video.RoleDoctor, video.UserInfo{DisplayName: "Dr. Smith"}); err != nil {
			b.Fatal(err)
		}
	}
}
