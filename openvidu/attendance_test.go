package openvidu_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	video "github.com/teleconsult/video"
)

func attendance(c *video.Consultation, user string) video.Attendance {
	for _, a := range c.Attendance {
		if a.UserID == user {
			return a
		}
	}
	return video.Attendance{}
}

// TestAttendanceWithRealParticipants: participants join and leave the real livekit-server,
// whose webhooks reach the Service: the patient who joined twice has two sessions and their
// connected time, the doctor is connected, and after the end the observer who held a token and
// never joined is the no-show.
func TestAttendanceWithRealParticipants(t *testing.T) {
	lk, relay := liveKit(t)
	svc := newService(t, serviceConfig(lk))
	relay.use(t, svc.WebhookHandler())
	c := ctx(t)
	const appt = "appt-attendance"
	token := func(user string, role video.Role) *video.MeetingToken {
		tok, err := svc.GenerateMeetingToken(c, appt, user, role, video.UserInfo{})
		require.NoError(t, err)
		return tok
	}
	pat, doc := token("pat-a", video.RolePatient), token("doc-a", video.RoleDoctor)
	token("obs-a", video.RoleObserver)

	first := mustJoin(t, pat)
	eventually(t, func() bool { return attendance(status(t, svc, appt), "pat-a").State == video.AttendanceConnected }, "the patient is connected")
	// LiveKit dates a leave in whole seconds: stay past the next one, so that the session the
	// server reports has a length.
	time.Sleep(1500 * time.Millisecond)
	first.room.Disconnect()
	eventually(t, func() bool { return attendance(status(t, svc, appt), "pat-a").State == video.AttendanceAttended }, "the patient left")
	again := mustJoin(t, token("pat-a", video.RolePatient))
	mustJoin(t, doc)
	eventually(t, func() bool {
		s := status(t, svc, appt)
		return attendance(s, "pat-a").State == video.AttendanceConnected && attendance(s, "doc-a").State == video.AttendanceConnected
	}, "both connected")
	again.room.Disconnect()
	eventually(t, func() bool { return attendance(status(t, svc, appt), "pat-a").State == video.AttendanceAttended }, "the patient left again")

	s := status(t, svc, appt)
	assert.Equal(t, video.AttendanceNotYet, attendance(s, "obs-a").State, "not over: not absent yet")
	p := attendance(s, "pat-a")
	assert.False(t, p.FirstJoined.IsZero())
	assert.False(t, p.LastLeft.Before(p.FirstJoined))
	assert.Positive(t, p.Connected)
	assert.LessOrEqual(t, p.Connected, p.LastLeft.Sub(p.FirstJoined), "connected time within first join and last leave")
	var sessions int
	for _, rec := range s.Participants {
		if rec.UserID == "pat-a" {
			sessions = len(rec.Sessions)
		}
	}
	assert.Equal(t, 2, sessions, "two connections, as the server reported them")

	_, err := svc.EndConsultation(c, appt, "doc-a", video.RoleDoctor)
	require.NoError(t, err)
	s = status(t, svc, appt)
	assert.Equal(t, []string{"obs-a"}, s.NoShows(), "after the end, the observer never joined")
	t.Logf("patient: %d sessions, %d stays, connected %s; no-shows %v", sessions, p.Stays, p.Connected.Round(time.Millisecond), s.NoShows())
}
