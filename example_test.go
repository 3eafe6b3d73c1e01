package video_test

import (
	"context"
	"errors"
	"fmt"
	"log"
	"log/slog"
	"time"

	video "github.com/teleconsult/video"
	"github.com/teleconsult/video/jitsi"
	"github.com/teleconsult/video/openvidu"
	"github.com/teleconsult/video/videotest"
)

// exampleConfig is the Service's configuration for the examples: videotest's, with its public
// room key. An application's comes from video.LoadConfig (VIDEO_*).
func exampleConfig() video.Config { return videotest.Config() }

// The wiring of an application, provider by provider: each vendor reads and checks its own
// configuration, and New takes the providers in priority order.
func ExampleNew() {
	cfg := videotest.Config() // in production: video.LoadConfig()
	ovCfg := openvidu.DefaultConfig()
	ovCfg.URL, ovCfg.APIKey, ovCfg.Secret = "ws://127.0.0.1:7880", "devkey", "secret-0123456789abcdef0123456789" // or openvidu.LoadConfig()
	ov, err := openvidu.New(ovCfg)
	if err != nil {
		log.Fatal(err)
	}
	jtCfg := jitsi.DefaultConfig()
	jtCfg.Domain = "meet.example.com" // or jitsi.LoadConfig()
	jt, err := jitsi.New(jtCfg, jitsi.WithLogger(slog.New(slog.DiscardHandler)))
	if err != nil {
		log.Fatal(err)
	}
	svc, err := video.New(cfg, []video.Provider{ov, jt})
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
	svc, _ := video.New(exampleConfig(), []video.Provider{videotest.NewProvider(ovName), videotest.NewProvider(jtName)})
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
	ov := videotest.NewProvider(ovName)
	ov.SetHealthy(false)
	svc, _ := video.New(exampleConfig(), []video.Provider{ov, videotest.NewProvider(jtName)})
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
	svc, _ := video.New(exampleConfig(), []video.Provider{videotest.NewProvider(ovName)})
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
	svc, _ := video.New(exampleConfig(), []video.Provider{videotest.NewProvider(ovName)})
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

// An appointment with its scheduled time: a token before joining opens is refused with the
// time it opens.
func ExampleService_Schedule() {
	svc, err := video.New(exampleConfig(), []video.Provider{videotest.NewProvider("openvidu")})
	if err != nil {
		log.Fatal(err)
	}
	defer svc.Close()
	ctx := context.Background()
	start := time.Date(2099, 3, 1, 14, 0, 0, 0, time.UTC)
	if _, err := svc.Schedule(ctx, "appt-1", video.Window{Start: start, End: start.Add(30 * time.Minute)}); err != nil {
		log.Fatal(err)
	}
	_, err = svc.GenerateMeetingToken(ctx, "appt-1", "patient-7", video.RolePatient, video.UserInfo{})
	var we *video.WindowError
	if errors.Is(err, video.ErrTooEarly) && errors.As(err, &we) {
		fmt.Println("joining opens at", we.Opens.Format(time.RFC3339))
	}
	// Output: joining opens at 2099-03-01T13:50:00Z
}

// Recording waits for the patient's consent; withdrawing it stops the recording.
func ExampleService_RecordConsent() {
	svc, err := video.New(exampleConfig(), []video.Provider{videotest.NewProvider("openvidu")})
	if err != nil {
		log.Fatal(err)
	}
	defer svc.Close()
	ctx := context.Background()
	if _, err := svc.GenerateMeetingToken(ctx, "appt-1", "patient-7", video.RolePatient, video.UserInfo{}); err != nil {
		log.Fatal(err)
	}
	_, err = svc.StartRecording(ctx, "appt-1", "doctor-1", video.RoleDoctor)
	fmt.Println(errors.Is(err, video.ErrConsentRequired))
	if _, err := svc.RecordConsent(ctx, "appt-1", "patient-7", true); err != nil {
		log.Fatal(err)
	}
	rec, err := svc.StartRecording(ctx, "appt-1", "doctor-1", video.RoleDoctor)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(rec.Status)
	// Output:
	// true
	// active
}
