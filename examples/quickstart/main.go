// Command quickstart is the library's main job in one run: load the configuration, wire the
// providers, report their health, and print the doctor's and the patient's join links for a
// demo appointment.
//
//	go run ./examples/quickstart
//	go run ./examples/quickstart -json
//
// It needs no configuration. Variables it finds (see the README) win over the development
// defaults of examples/internal/setup, which never live inside the library.
package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"time"

	video "github.com/teleconsult/video"
	"github.com/teleconsult/video/examples/internal/setup"
	"github.com/teleconsult/video/fromenv"
)

func main() {
	asJSON := flag.Bool("json", false, "print the result as JSON")
	flag.Parse()
	if err := run(os.Stdout, os.Stderr, *asJSON); err != nil {
		fmt.Fprintln(os.Stderr, "quickstart:", err)
		os.Exit(1)
	}
}

type result struct {
	Health  video.HealthReport  `json:"health"`
	Doctor  *video.MeetingToken `json:"doctor"`
	Patient *video.MeetingToken `json:"patient"`
	Status  *video.Consultation `json:"consultation"`
}

func run(out, logOut io.Writer, asJSON bool) error {
	setup.ApplyDevDefaults()
	logger := slog.New(slog.NewTextHandler(logOut, &slog.HandlerOptions{Level: slog.LevelWarn}))
	svc, err := fromenv.New(fromenv.WithLogger(logger)) // VIDEO_STORE=redis with REDIS_URL for several replicas
	if err != nil {
		return err
	}
	defer svc.Close()

	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	var r result
	r.Health = svc.Health(ctx)
	const appointment = "demo-appointment-1"
	if r.Doctor, err = svc.GenerateMeetingToken(ctx, appointment, "doctor-1", video.RoleDoctor,
		video.UserInfo{DisplayName: "Dr. Demo", Email: "doctor@example.com"}); err != nil {
		return err
	}
	if r.Patient, err = svc.GenerateMeetingToken(ctx, appointment, "patient-1", video.RolePatient,
		video.UserInfo{DisplayName: "Pat Demo"}); err != nil {
		return err
	}
	if r.Status, err = svc.ConsultationStatus(ctx, appointment); err != nil {
		return err
	}
	if asJSON {
		enc := json.NewEncoder(out)
		enc.SetIndent("", "  ")
		return enc.Encode(r)
	}
	fmt.Fprintln(out, "Providers:")
	for _, p := range r.Health.Providers {
		role := "fallback"
		if p.Primary {
			role = "primary"
		}
		line := fmt.Sprintf("  %-8s %-8s %s", p.Provider, role, p.State)
		if p.LastError != "" {
			line += " (" + p.LastError + ")"
		}
		fmt.Fprintln(out, line)
	}
	fmt.Fprintf(out, "\nAppointment %s is served by %s in room %s (%s).\n", appointment, r.Doctor.Provider, r.Doctor.Room, r.Status.Status())
	for _, t := range []*video.MeetingToken{r.Doctor, r.Patient} {
		fmt.Fprintf(out, "\n%s (%s), valid until %s\n", t.Role, t.UserID, t.ExpiresAt.Format(time.RFC3339))
		if t.JoinURL != "" {
			fmt.Fprintf(out, "  join:   %s\n", t.JoinURL)
		}
		fmt.Fprintf(out, "  server: %s\n", t.ServerURL)
		if t.Token != "" {
			fmt.Fprintf(out, "  token:  %s\n", t.Token)
		}
	}
	return nil
}
