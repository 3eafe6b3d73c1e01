package video_test

import (
	"context"
	"errors"
	"fmt"
	"log"

	video "github.com/teleconsult/video"
	"github.com/teleconsult/video/videotest"
)

// exampleConfig is what LoadConfig would read from VIDEO_ROOM_KEY, OPENVIDU_* and JITSI_*.
func exampleConfig() video.Config {
	cfg := video.DefaultConfig()
	cfg.RoomKey = "an example room key of at least 32 bytes"
	cfg.OpenVidu = video.OpenViduConfig{URL: "ws://127.0.0.1:7880", APIKey: "devkey", Secret: "secret"}
	cfg.Jitsi = video.JitsiConfig{Domain: "meet.example.com"}
	return cfg
}

// The wiring of an application. In production the providers come from
// openvidu.New(cfg.OpenVidu) and jitsi.New(cfg.Jitsi), and cfg from video.LoadConfig().
func ExampleNew() {
	cfg := exampleConfig()
	ov := videotest.NewProvider(video.ProviderOpenVidu)
	jt := videotest.NewProvider(video.ProviderJitsi)
	svc, err := video.New(cfg, ov, jt)
	if err != nil {
		log.Fatal(err)
	}
	defer svc.Close()
	fmt.Println("primary:", svc.PrimaryProvider())
	fmt.Println("fallback:", svc.FallbackProvider())
	// Output:
	// primary: openvidu
	// fallback: jitsi
}

// A doctor and a patient of one appointment get tokens for the same room.
func ExampleService_GenerateMeetingToken() {
	svc, _ := video.New(exampleConfig(), videotest.NewProvider(video.ProviderOpenVidu), videotest.NewProvider(video.ProviderJitsi))
	defer svc.Close()
	ctx := context.Background()

	doc, err := svc.GenerateMeetingToken(ctx, "appointment-42", "user-7", video.RoleDoctor,
		video.UserInfo{DisplayName: "Dr. Smith", Email: "doctor@example.com"})
	if err != nil {
		log.Fatal(err)
	}
	pat, err := svc.GenerateMeetingToken(ctx, "appointment-42", "user-9", video.RolePatient,
		video.UserInfo{DisplayName: "Jane"})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(doc.Provider, doc.Role, pat.Role)
	fmt.Println("same room:", doc.Room == pat.Room)
	c, _ := svc.ConsultationStatus(ctx, "appointment-42")
	fmt.Println("status:", c.Status())
	// Output:
	// openvidu doctor patient
	// same room: true
	// status: waiting
}

// When the primary is down, new appointments go to the fallback.
func ExampleService_GenerateMeetingToken_fallback() {
	ov := videotest.NewProvider(video.ProviderOpenVidu)
	ov.SetHealthy(false)
	svc, _ := video.New(exampleConfig(), ov, videotest.NewProvider(video.ProviderJitsi))
	defer svc.Close()

	tok, err := svc.GenerateMeetingToken(context.Background(), "appointment-43", "user-7", video.RoleDoctor, video.UserInfo{})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(tok.Provider)
	// Output: jitsi
}

// After the doctor ends a consultation, no one gets a token for it.
func ExampleService_EndConsultation() {
	svc, _ := video.New(exampleConfig(), videotest.NewProvider(video.ProviderOpenVidu), nil)
	defer svc.Close()
	ctx := context.Background()

	if _, err := svc.StartConsultation(ctx, "appointment-44", "user-7", video.RoleDoctor); err != nil {
		log.Fatal(err)
	}
	c, err := svc.EndConsultation(ctx, "appointment-44", "user-7", video.RoleDoctor)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(c.Status())
	_, err = svc.GenerateMeetingToken(ctx, "appointment-44", "user-9", video.RolePatient, video.UserInfo{})
	fmt.Println(errors.Is(err, video.ErrConsultationEnded))
	_, err = svc.EndConsultation(ctx, "appointment-44", "user-9", video.RolePatient)
	fmt.Println(errors.Is(err, video.ErrForbidden))
	// Output:
	// ended
	// true
	// true
}

// Errors name the field at fault.
func ExampleError() {
	svc, _ := video.New(exampleConfig(), videotest.NewProvider(video.ProviderOpenVidu), nil)
	defer svc.Close()
	_, err := svc.GenerateMeetingToken(context.Background(), "appointment-45", "", video.RoleDoctor, video.UserInfo{})
	var verr *video.Error
	if errors.As(err, &verr) {
		fmt.Println(verr.Field, errors.Is(err, video.ErrInvalidArgument))
	}
	fmt.Println(err)
	// Output:
	// userID true
	// video: GenerateMeetingToken: userID: invalid argument: must not be empty
}
