package jitsi

import (
	"context"
	"errors"
	"regexp"
	"testing"

	video "github.com/teleconsult/video"
	"github.com/teleconsult/video/videotest"
)

// FuzzServiceToken feeds arbitrary appointment IDs, user IDs and display names through the
// Service to the Jitsi provider: bad input is refused naming its field; anything accepted
// becomes an opaque room, a token prosody accepts for exactly that room, and a link whose
// display name round-trips.
func FuzzServiceToken(f *testing.F) {
	f.Add("appointment-1", "user-1", "Dr. \"Q\" & Co #1 😀")
	f.Add("", "u", "")
	f.Add("a b", "u\x00", "\xff")
	jcfg := selfHosted("https://meet.example.com")
	jcfg.HealthProbe = ProbeOff
	p, err := New(jcfg, WithClock(fixedClock))
	if err != nil {
		f.Fatal(err)
	}
	svc, err := video.New(videotest.Config(), []video.Provider{p}, video.WithClock(fixedClock))
	if err != nil {
		f.Fatal(err)
	}
	room := regexp.MustCompile(`^consult-[a-z2-7]{32}$`)
	fields := map[string]bool{"appointmentID": true, "userID": true, "userInfo.displayName": true}
	v := selfHostedVerifier()
	f.Fuzz(func(t *testing.T, appt, user, name string) {
		tok, err := svc.GenerateMeetingToken(context.Background(), appt, user, video.RolePatient, video.UserInfo{DisplayName: name})
		if err != nil {
			var verr *video.Error
			if !errors.As(err, &verr) || !errors.Is(err, video.ErrInvalidArgument) || !fields[verr.Field] {
				t.Fatalf("unexpected error: %v", err)
			}
			return
		}
		if !room.MatchString(tok.Room) {
			t.Fatalf("room %q", tok.Room)
		}
		c, err := v.verify(tok.Token, tok.Room)
		if err != nil {
			t.Fatalf("token refused: %v", err)
		}
		if c["room"] != tok.Room {
			t.Fatalf("token for %v, meeting in %s", c["room"], tok.Room)
		}
		if name != "" {
			if got := fragmentParams(t, tok.JoinURL)["userInfo.displayName"]; got != name {
				t.Fatalf("display name %q came back as %q", name, got)
			}
		}
	})
}
