package video_test

import (
	"context"
	"strconv"
	"testing"
	"time"

	video "github.com/teleconsult/video"
	"github.com/teleconsult/video/videotest"
)

// BenchmarkFakeIssueToken is the floor: the fake provider called directly.
func BenchmarkFakeIssueToken(b *testing.B) {
	p := videotest.NewProvider(ovName)
	req := video.TokenRequest{Room: "consult-room", UserID: "doc", Role: video.RoleDoctor, TTL: time.Hour}
	ctx := context.Background()
	b.ReportAllocs()
	for b.Loop() {
		if _, err := p.IssueToken(ctx, req); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkGenerateMeetingToken is the same provider through the Service, with a cached
// healthy primary and the memory store: a participant of a pinned appointment.
func BenchmarkGenerateMeetingToken(b *testing.B) {
	svc, err := video.New(testConfig(), []video.Provider{videotest.NewProvider(ovName), videotest.NewProvider(jtName)})
	if err != nil {
		b.Fatal(err)
	}
	defer svc.Close()
	ctx := context.Background()
	if _, err := svc.GenerateMeetingToken(ctx, "a1", "doc", video.RoleDoctor, video.UserInfo{}); err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := svc.GenerateMeetingToken(ctx, "a1", "doc", video.RoleDoctor, video.UserInfo{DisplayName: "Dr. Smith"}); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkGenerateMeetingTokenNewAppointment pins a fresh appointment on every request:
// room name, CreateRoom, create-if-absent, token.
func BenchmarkGenerateMeetingTokenNewAppointment(b *testing.B) {
	svc, err := video.New(testConfig(), []video.Provider{videotest.NewProvider(ovName), videotest.NewProvider(jtName)})
	if err != nil {
		b.Fatal(err)
	}
	defer svc.Close()
	ctx := context.Background()
	i := 0
	b.ReportAllocs()
	for b.Loop() {
		i++
		if _, err := svc.GenerateMeetingToken(ctx, "appt-"+strconv.Itoa(i), "doc", video.RoleDoctor, video.UserInfo{}); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkGenerateMeetingTokenParallel is the pinned case from every core at once.
func BenchmarkGenerateMeetingTokenParallel(b *testing.B) {
	svc, err := video.New(testConfig(), []video.Provider{videotest.NewProvider(ovName), videotest.NewProvider(jtName)})
	if err != nil {
		b.Fatal(err)
	}
	defer svc.Close()
	ctx := context.Background()
	for i := range 64 {
		if _, err := svc.GenerateMeetingToken(ctx, "a"+strconv.Itoa(i), "doc", video.RoleDoctor, video.UserInfo{}); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportAllocs()
	b.RunParallel(func(pb *testing.PB) {
		i := 0
		for pb.Next() {
			i++
			if _, err := svc.GenerateMeetingToken(ctx, "a"+strconv.Itoa(i%64), "doc", video.RoleDoctor, video.UserInfo{}); err != nil {
				b.Error(err)
				return
			}
		}
	})
}
