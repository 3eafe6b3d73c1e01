package openvidu_test

import (
	"context"
	"testing"
	"time"

	video "github.com/teleconsult/video"
	"github.com/teleconsult/video/internal/testserver"
	"github.com/teleconsult/video/openvidu"
)

// BenchmarkIssueToken is the provider alone; internal/faultlab compares the Service with the raw signer.
func BenchmarkIssueToken(b *testing.B) {
	cfg := openvidu.DefaultConfig()
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
