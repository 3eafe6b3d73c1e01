package videotest_test

import (
	"context"
	"errors"
	"fmt"

	video "github.com/teleconsult/video"
	"github.com/teleconsult/video/videotest"
)

// Unit-testing appointment code: script the providers, then check what the code caused.
// Nothing is invented: no vendor configuration, no room key, no clock.
func ExampleProvider() {
	primary := videotest.NewProvider("openvidu")
	fallback := videotest.NewProvider("jitsi")
	svc, _ := video.New(videotest.Config(), []video.Provider{primary, fallback})
	defer svc.Close()
	ctx := context.Background()

	primary.Fail(videotest.OpCreateRoom, errors.New("connection reset")) // the primary breaks
	tok, _ := svc.GenerateMeetingToken(ctx, "appointment-1", "doctor-1", video.RoleDoctor, video.UserInfo{})
	req, _ := fallback.Lookup(tok.Token)

	fmt.Println(tok.Provider, req.Room == tok.Room, req.Grants.Moderator)
	fmt.Println("primary rooms created:", len(primary.Rooms()), "tried:", primary.Calls(videotest.OpCreateRoom))
	// Output:
	// jitsi true true
	// primary rooms created: 0 tried: 1
}

// SetHealthy(false) is seen by the very next request: the provider's calls fail, the Service
// marks it down and serves from the next one.
func ExampleProvider_SetHealthy() {
	primary := videotest.NewProvider("openvidu")
	fallback := videotest.NewProvider("jitsi")
	svc, _ := video.New(videotest.Config(), []video.Provider{primary, fallback})
	defer svc.Close()
	ctx := context.Background()

	before, _ := svc.GenerateMeetingToken(ctx, "appointment-1", "doctor-1", video.RoleDoctor, video.UserInfo{})
	primary.SetHealthy(false)
	after, _ := svc.GenerateMeetingToken(ctx, "appointment-2", "doctor-1", video.RoleDoctor, video.UserInfo{})
	fmt.Println(before.Provider, "then", after.Provider)
	// Output:
	// openvidu then jitsi
}

// The fake has every optional capability: a waiting patient joins, the doctor admits them.
func ExampleProvider_Join() {
	p := videotest.NewProvider("openvidu")
	cfg := videotest.Config()
	cfg.Policy.WaitingRoom = true
	svc, _ := video.New(cfg, []video.Provider{p})
	defer svc.Close()
	ctx := context.Background()

	tok, _ := svc.GenerateMeetingToken(ctx, "appointment-1", "patient-1", video.RolePatient, video.UserInfo{})
	_ = p.Join(tok.Token)
	waiting, _ := svc.Participants(ctx, "appointment-1")
	_ = svc.AdmitParticipant(ctx, "appointment-1", "doctor-1", video.RoleDoctor, "patient-1")
	admitted, _ := svc.Participants(ctx, "appointment-1")
	fmt.Println("before:", waiting[0].CanPublish, "after:", admitted[0].CanPublish)
	// Output:
	// before: false after: true
}
