package video_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strconv"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	video "github.com/teleconsult/video"
)

// post delivers a participant event from the rig's primary to the Service.
func (r *rig) post(t *testing.T, room, user string, role video.Role, kind video.WebhookKind, session, at time.Time) {
	t.Helper()
	w := httptest.NewRecorder()
	ev := video.WebhookEvent{ID: string(kind) + user + strconv.FormatInt(at.UnixNano(), 10), Kind: kind, Room: room,
		UserID: user, Role: role, At: at, SessionStart: session}
	r.svc.WebhookHandler().ServeHTTP(w, r.ov.WebhookRequest(ev))
	require.Equal(t, http.StatusOK, w.Code)
}

// attendanceOf returns user's attendance in the consultation's status.
func attendanceOf(t *testing.T, c *video.Consultation, user string) video.Attendance {
	t.Helper()
	for _, a := range c.Attendance {
		if a.UserID == user {
			return a
		}
	}
	t.Fatalf("no attendance for %s in %+v", user, c.Attendance)
	return video.Attendance{}
}

// TestAttendanceFromEvents: joins and leaves become sessions; overlapping ones and a reconnect
// within the gap are one stay; a repeated or late event changes nothing; after the window's
// end, whoever held a token and never joined is a no-show.
func TestAttendanceFromEvents(t *testing.T) {
	r := newRig(t, testConfig()) // reconnect gap 30 s
	ctx := context.Background()
	t0 := r.clock.Now()
	_, err := r.svc.Schedule(ctx, "a1", video.Window{Start: t0, End: t0.Add(30 * time.Minute)})
	require.NoError(t, err)
	doc := r.token(t, "a1", "doc", video.RoleDoctor)
	r.token(t, "a1", "pat", video.RolePatient)
	r.token(t, "a1", "obs", video.RoleObserver)
	room := doc.Room

	c, err := r.svc.ConsultationStatus(ctx, "a1")
	require.NoError(t, err)
	assert.Equal(t, video.AttendanceNotYet, attendanceOf(t, c, "pat").State, "not over yet: not absent")

	m := func(d time.Duration) time.Time { return t0.Add(d) }
	// The doctor: 0–10 m, a drop and a rejoin 20 s later (one stay) until 20 m; a second device
	// from 15 to 18 m (overlap, counted once); back at 25 m and still connected.
	r.post(t, room, "doc", video.RoleDoctor, video.WebhookParticipantJoined, m(0), m(0))
	r.post(t, room, "doc", video.RoleDoctor, video.WebhookParticipantLeft, m(0), m(10*time.Minute))
	r.post(t, room, "doc", video.RoleDoctor, video.WebhookParticipantJoined, m(10*time.Minute+20*time.Second), m(10*time.Minute+20*time.Second))
	r.post(t, room, "doc", video.RoleDoctor, video.WebhookParticipantJoined, m(15*time.Minute), m(15*time.Minute))
	r.post(t, room, "doc", video.RoleDoctor, video.WebhookParticipantLeft, m(15*time.Minute), m(18*time.Minute))
	r.post(t, room, "doc", video.RoleDoctor, video.WebhookParticipantLeft, m(10*time.Minute+20*time.Second), m(20*time.Minute))
	r.post(t, room, "doc", video.RoleDoctor, video.WebhookParticipantLeft, m(0), m(10*time.Minute)) // repeated late
	// The patient: 2–12 m.
	r.post(t, room, "pat", video.RolePatient, video.WebhookParticipantJoined, m(2*time.Minute), m(2*time.Minute))
	r.post(t, room, "pat", video.RolePatient, video.WebhookParticipantLeft, m(2*time.Minute), m(12*time.Minute))
	r.clock.Advance(25 * time.Minute)
	r.post(t, room, "doc", video.RoleDoctor, video.WebhookParticipantJoined, m(25*time.Minute), m(25*time.Minute))
	r.clock.Advance(10 * time.Minute) // 35 m: past the window's end

	c, err = r.svc.ConsultationStatus(ctx, "a1")
	require.NoError(t, err)
	d := attendanceOf(t, c, "doc")
	assert.Equal(t, video.AttendanceConnected, d.State)
	assert.True(t, d.FirstJoined.Equal(m(0)))
	assert.True(t, d.LastLeft.IsZero(), "still connected")
	assert.Equal(t, 2, d.Stays, "0–20 m (a reconnect within 30 s, an overlap) and 25 m on")
	assert.Equal(t, 29*time.Minute+40*time.Second, d.Connected, "in the room: 0–10 m, 10:20–20 m (the 20 s break not counted, the overlap once), 25–35 m")
	p := attendanceOf(t, c, "pat")
	assert.Equal(t, video.AttendanceAttended, p.State)
	assert.True(t, p.LastLeft.Equal(m(12*time.Minute)))
	assert.Equal(t, 10*time.Minute, p.Connected)
	assert.Equal(t, video.AttendanceAbsent, attendanceOf(t, c, "obs").State)
	assert.Equal(t, []string{"obs"}, c.NoShows(), "held a token, never joined, the window is over")
	merged := 0
	for _, a := range c.Attendance {
		merged += len(participantSessions(c, a.UserID)) - a.Stays
	}
	t.Logf("sessions merged: %d; no-shows: %v", merged, c.NoShows())
}

func participantSessions(c *video.Consultation, user string) []video.Session {
	for _, p := range c.Participants {
		if p.UserID == user {
			return p.Sessions
		}
	}
	return nil
}

// eventless is a provider that sends no events, as Jitsi.
type eventless struct{ video.Provider }

// With a provider that sends no events, attendance is unknown, never absent.
func TestAttendanceWithoutEventsIsUnknown(t *testing.T) {
	r := newRig(t, testConfig())
	svc, err := video.New(testConfig(), []video.Provider{eventless{r.ov}}, video.WithClock(r.clock.Now))
	require.NoError(t, err)
	defer svc.Close()
	ctx := context.Background()
	_, err = svc.GenerateMeetingToken(ctx, "a1", "pat", video.RolePatient, video.UserInfo{})
	require.NoError(t, err)
	_, err = svc.EndConsultation(ctx, "a1", "doc", video.RoleDoctor)
	require.NoError(t, err)
	c, err := svc.ConsultationStatus(ctx, "a1")
	require.NoError(t, err)
	assert.Equal(t, video.AttendanceUnknown, attendanceOf(t, c, "pat").State)
	assert.Empty(t, c.NoShows())
}

// Two devices: one leaves, the other is still in the room: connected.
func TestASecondDeviceLeavingLeavesTheParticipantConnected(t *testing.T) {
	r := newRig(t, testConfig())
	ctx := context.Background()
	tok := r.token(t, "a1", "doc", video.RoleDoctor)
	t0 := r.clock.Now()
	m := func(d time.Duration) time.Time { return t0.Add(d) }
	r.post(t, tok.Room, "doc", video.RoleDoctor, video.WebhookParticipantJoined, m(0), m(0))
	r.post(t, tok.Room, "doc", video.RoleDoctor, video.WebhookParticipantJoined, m(15*time.Minute), m(15*time.Minute))
	r.post(t, tok.Room, "doc", video.RoleDoctor, video.WebhookParticipantLeft, m(15*time.Minute), m(18*time.Minute))
	r.clock.Advance(35 * time.Minute)
	c, err := r.svc.ConsultationStatus(ctx, "a1")
	require.NoError(t, err)
	d := attendanceOf(t, c, "doc")
	assert.Equal(t, video.AttendanceConnected, d.State, "the first device is still in the room")
	assert.Equal(t, 35*time.Minute, d.Connected)
	_, err = r.svc.EndConsultation(ctx, "a1", "doc", video.RoleDoctor)
	require.NoError(t, err)
	r.clock.Advance(time.Hour)
	c, err = r.svc.ConsultationStatus(ctx, "a1")
	require.NoError(t, err)
	d = attendanceOf(t, c, "doc")
	assert.Equal(t, video.AttendanceAttended, d.State, "the end ends every session")
	assert.Equal(t, 35*time.Minute, d.Connected, "counted until the end, not until now")
}

// Past the cap of sessions kept, the oldest merge: the first join is kept.
func TestManySessionsKeepTheFirstJoin(t *testing.T) {
	r := newRig(t, testConfig())
	ctx := context.Background()
	tok := r.token(t, "a1", "pat", video.RolePatient)
	t0 := r.clock.Now()
	for i := range 150 {
		start := t0.Add(time.Duration(i) * time.Minute)
		r.post(t, tok.Room, "pat", video.RolePatient, video.WebhookParticipantJoined, start, start)
		r.post(t, tok.Room, "pat", video.RolePatient, video.WebhookParticipantLeft, start, start.Add(30*time.Second))
	}
	c, err := r.svc.ConsultationStatus(ctx, "a1")
	require.NoError(t, err)
	assert.LessOrEqual(t, len(participantSessions(c, "pat")), 100, "bounded")
	assert.True(t, attendanceOf(t, c, "pat").FirstJoined.Equal(t0), "the first join is kept")
}
