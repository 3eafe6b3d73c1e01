package videotest_test

import (
	"context"
	"errors"
	"fmt"

	video "github.com/teleconsult/video"
	"github.com/teleconsult/video/videotest"
)

// Unit-testing appointment code: script the providers, then check what the code caused.
func ExampleProvider() {
	cfg := video.DefaultConfig()
	cfg.RoomKey = "a test room key of at least 32 bytes"
	cfg.OpenVidu = video.OpenViduConfig{URL: "ws://127.0.0.1:7880", APIKey: "devkey", Secret: "secret"}
	cfg.Jitsi = video.JitsiConfig{Domain: "meet.example.com"}
	ov := videotest.NewProvider(video.ProviderOpenVidu)
	jt := videotest.NewProvider(video.ProviderJitsi)
	svc, _ := video.New(cfg, ov, jt)
	defer svc.Close()
	ctx := context.Background()

	ov.Fail(videotest.OpCreateRoom, errors.New("connection reset")) // OpenVidu breaks
	tok, _ := svc.GenerateMeetingToken(ctx, "appointment-1", "doctor-1", video.RoleDoctor, video.UserInfo{})
	req, _ := jt.Lookup(tok.Token)

	fmt.Println(tok.Provider, req.Room == tok.Room, req.Role)
	fmt.Println("OpenVidu rooms created:", len(ov.Rooms()), "tried:", ov.Calls(videotest.OpCreateRoom))
	// Output:
	// jitsi true doctor
	// OpenVidu rooms created: 0 tried: 1
}
