package video_test

import (
	"context"
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	video "github.com/teleconsult/video"
	"github.com/teleconsult/video/videotest"
)

func TestConsultationLifecycle(t *testing.T) {
	r := newRig(t, testConfig())
	ctx := context.Background()

	pat := r.token(t, "a1", "pat", video.RolePatient)
	c, err := r.svc.ConsultationStatus(ctx, "a1")
	require.NoError(t, err)
	assert.Equal(t, video.StatusWaiting, c.Status(), "a patient with a token before the doctor starts is waiting")

	r.clock.Advance(time.Minute)
	c, err = r.svc.StartConsultation(ctx, "a1", "doc", video.RoleDoctor)
	require.NoError(t, err)
	assert.Equal(t, video.StatusInProgress, c.Status())
	assert.Equal(t, "doc", c.StartedBy)
	assert.Equal(t, pat.Room, c.Room)
	started := c.StartedAt

	again, err := r.svc.StartConsultation(ctx, "a1", "doc", video.RoleDoctor)
	require.NoError(t, err)
	assert.True(t, again.StartedAt.Equal(started), "starting twice keeps the first start")

	r.token(t, "a1", "doc", video.RoleDoctor)
	r.clock.Advance(25 * time.Minute)
	c, err = r.svc.EndConsultation(ctx, "a1", "doc", video.RoleDoctor)
	require.NoError(t, err)
	assert.Equal(t, video.StatusEnded, c.Status())
	assert.Equal(t, 25*time.Minute, c.Duration())
	assert.True(t, r.ov.RoomEnded(c.Room), "ending closes the room on the provider")
	require.Len(t, c.Participants, 2)

	_, err = r.svc.GenerateMeetingToken(ctx, "a1", "pat", video.RolePatient, video.UserInfo{})
	assert.ErrorIs(t, err, video.ErrConsultationEnded, "no tokens after the end")
	_, err = r.svc.StartConsultation(ctx, "a1", "doc", video.RoleDoctor)
	assert.ErrorIs(t, err, video.ErrConsultationEnded)
	c2, err := r.svc.EndConsultation(ctx, "a1", "doc", video.RoleDoctor)
	require.NoError(t, err, "ending again is idempotent")
	assert.True(t, c2.EndedAt.Equal(c.EndedAt))

	raw, err := json.Marshal(c)
	require.NoError(t, err)
	assert.Contains(t, string(raw), `"status":"ended"`)
	assert.Contains(t, string(raw), `"duration_seconds":1500`)
}

func TestStartPinsANewAppointment(t *testing.T) {
	r := newRig(t, testConfig())
	c, err := r.svc.StartConsultation(context.Background(), "a1", "doc", video.RoleDoctor)
	require.NoError(t, err)
	assert.Equal(t, ovName, c.Provider)
	assert.Equal(t, []string{c.Room}, r.ov.Rooms())
	assert.Equal(t, 1, r.ov.Calls(videotest.OpCreateRoom), "pinning created the room; starting does not create it again")
	assert.Equal(t, c.Room, r.token(t, "a1", "pat", video.RolePatient).Room)

	r.token(t, "a2", "pat", video.RolePatient) // pinned, and its room created, at the patient's token
	_, err = r.svc.StartConsultation(context.Background(), "a2", "doc", video.RoleDoctor)
	require.NoError(t, err)
	assert.Equal(t, 3, r.ov.Calls(videotest.OpCreateRoom), "starting an earlier pin recreates its room, which may have closed while empty")
}

func TestOnlyADoctorStartsAndEnds(t *testing.T) {
	r := newRig(t, testConfig())
	ctx := context.Background()
	r.token(t, "a1", "pat", video.RolePatient)
	for _, role := range []video.Role{video.RolePatient, video.RoleObserver} {
		_, err := r.svc.StartConsultation(ctx, "a1", "u", role)
		assert.ErrorIs(t, err, video.ErrForbidden)
		_, err = r.svc.EndConsultation(ctx, "a1", "u", role)
		assert.ErrorIs(t, err, video.ErrForbidden)
		_, err = r.svc.StartRecording(ctx, "a1", "u", role)
		assert.ErrorIs(t, err, video.ErrForbidden)
	}
	c, err := r.svc.ConsultationStatus(ctx, "a1")
	require.NoError(t, err)
	assert.Equal(t, video.StatusWaiting, c.Status(), "refused calls change nothing")
}

func TestEndUnknownAppointment(t *testing.T) {
	r := newRig(t, testConfig())
	_, err := r.svc.EndConsultation(context.Background(), "nope", "doc", video.RoleDoctor)
	assert.ErrorIs(t, err, video.ErrNotFound)
	_, err = r.svc.ConsultationStatus(context.Background(), "nope")
	assert.ErrorIs(t, err, video.ErrNotFound)
	assert.ErrorIs(t, r.svc.ReportTechnicalIssue(context.Background(), "nope", "u", video.TechnicalIssue{Category: video.IssueAudio}), video.ErrNotFound)
}

func TestEndWhenTheRoomCannotBeClosedCanBeRetried(t *testing.T) {
	r := newRig(t, testConfig())
	ctx := context.Background()
	r.token(t, "a1", "doc", video.RoleDoctor)
	r.ov.Fail(videotest.OpEndRoom, errors.New("twirp: unavailable"))
	_, err := r.svc.EndConsultation(ctx, "a1", "doc", video.RoleDoctor)
	assert.ErrorIs(t, err, video.ErrUnavailable)
	assert.ErrorContains(t, err, "call EndConsultation again")
	_, err = r.svc.GenerateMeetingToken(ctx, "a1", "pat", video.RolePatient, video.UserInfo{})
	assert.ErrorIs(t, err, video.ErrConsultationEnded, "the record is ended even though the room is not closed yet")
	r.ov.Fail(videotest.OpEndRoom, nil)
	c, err := r.svc.EndConsultation(ctx, "a1", "doc", video.RoleDoctor)
	require.NoError(t, err)
	assert.True(t, r.ov.RoomEnded(c.Room))
}

func TestEndClosesRoomsOfEarlierPins(t *testing.T) {
	r := newRig(t, testConfig())
	ctx := context.Background()
	first := r.token(t, "a1", "doc", video.RoleDoctor)
	r.ov.SetHealthy(false)
	r.refresh(t)
	r.token(t, "a1", "doc", video.RoleDoctor)
	r.ov.SetHealthy(true)
	c, err := r.svc.EndConsultation(ctx, "a1", "doc", video.RoleDoctor)
	require.NoError(t, err)
	assert.True(t, r.jt.RoomEnded(c.Room))
	assert.True(t, r.ov.RoomEnded(first.Room), "the room of the earlier pin is closed too")
}

func TestTechnicalIssuesAndRecordings(t *testing.T) {
	r := newRig(t, testConfig())
	ctx := context.Background()
	r.token(t, "a1", "doc", video.RoleDoctor)
	require.NoError(t, r.svc.ReportTechnicalIssue(ctx, "a1", "pat", video.TechnicalIssue{Category: video.IssueAudio, Description: "echo"}))

	rec, err := r.svc.StartRecording(ctx, "a1", "doc", video.RoleDoctor)
	require.NoError(t, err)
	assert.Equal(t, video.RecordingActive, rec.Status)
	rec, err = r.svc.StopRecording(ctx, "a1", "doc", video.RoleDoctor, rec.ID)
	require.NoError(t, err)
	assert.Equal(t, video.RecordingComplete, rec.Status)

	require.NoError(t, r.svc.ProcessRecording(ctx, "a1", video.Recording{ID: "egress-9", Status: video.RecordingComplete, Location: "s3://recordings/a.mp4", SizeBytes: 1 << 20}))
	require.NoError(t, r.svc.ProcessRecording(ctx, "a1", video.Recording{ID: "egress-9", Status: video.RecordingComplete, Location: "s3://recordings/a.mp4", SizeBytes: 1 << 20}),
		"a retried delivery is accepted")

	c, err := r.svc.ConsultationStatus(ctx, "a1")
	require.NoError(t, err)
	require.Len(t, c.Issues, 1)
	assert.Equal(t, "pat", c.Issues[0].UserID)
	assert.Equal(t, ovName, c.Issues[0].Provider)
	assert.Equal(t, r.clock.Now(), c.Issues[0].ReportedAt)
	require.Len(t, c.Recordings, 2, "the retried recording is kept once")
	assert.Equal(t, ovName, c.Recordings[1].Provider)
}

func TestRecordingUnsupported(t *testing.T) {
	cfg := testConfig()
	svc, err := video.New(cfg, []video.Provider{videotest.Plain(videotest.NewProvider(jtName))})
	require.NoError(t, err)
	defer svc.Close()
	ctx := context.Background()
	_, err = svc.StartConsultation(ctx, "a1", "doc", video.RoleDoctor)
	require.NoError(t, err)
	_, err = svc.StartRecording(ctx, "a1", "doc", video.RoleDoctor)
	assert.ErrorIs(t, err, video.ErrUnsupported)
	_, err = svc.StopRecording(ctx, "a1", "doc", video.RoleDoctor, "r1")
	assert.ErrorIs(t, err, video.ErrUnsupported)
}

func TestDisabledReturnsErrDisabled(t *testing.T) {
	cfg := video.DefaultConfig()
	cfg.Enabled = false
	svc, err := video.New(cfg, []video.Provider{})
	require.NoError(t, err)
	defer svc.Close()
	ctx := context.Background()
	_, err = svc.GenerateMeetingToken(ctx, "a1", "u", video.RoleDoctor, video.UserInfo{})
	assert.ErrorIs(t, err, video.ErrDisabled)
	_, err = svc.StartConsultation(ctx, "a1", "u", video.RoleDoctor)
	assert.ErrorIs(t, err, video.ErrDisabled)
	_, err = svc.EndConsultation(ctx, "a1", "u", video.RoleDoctor)
	assert.ErrorIs(t, err, video.ErrDisabled)
	_, err = svc.ConsultationStatus(ctx, "a1")
	assert.ErrorIs(t, err, video.ErrDisabled)
	assert.ErrorIs(t, svc.ReportTechnicalIssue(ctx, "a1", "u", video.TechnicalIssue{Category: video.IssueAudio}), video.ErrDisabled)
	assert.ErrorIs(t, svc.ProcessRecording(ctx, "a1", video.Recording{ID: "r", Status: video.RecordingActive}), video.ErrDisabled)
	_, err = svc.StartRecording(ctx, "a1", "u", video.RoleDoctor)
	assert.ErrorIs(t, err, video.ErrDisabled)
	assert.False(t, svc.IsHealthy(ctx))
	assert.Equal(t, video.ProviderName(""), svc.CurrentProvider())
	assert.Equal(t, video.ProviderName(""), svc.FallbackProvider())
}

func TestNewRejectsBadConfig(t *testing.T) {
	bad := testConfig()
	bad.TokenTTL = -time.Minute
	_, err := video.New(bad, []video.Provider{videotest.NewProvider(jtName)})
	assert.ErrorIs(t, err, video.ErrInvalidConfig)
}

func TestInputValidationNamesTheField(t *testing.T) {
	r := newRig(t, testConfig())
	ctx := context.Background()
	long := strings.Repeat("x", 300)
	tokenCases := []struct {
		appt, user string
		role       video.Role
		info       video.UserInfo
		field      string
	}{
		{"", "u", video.RoleDoctor, video.UserInfo{}, "appointmentID"},
		{long, "u", video.RoleDoctor, video.UserInfo{}, "appointmentID"},
		{"a b", "u", video.RoleDoctor, video.UserInfo{}, "appointmentID"},
		{"a1", "", video.RoleDoctor, video.UserInfo{}, "userID"},
		{"a1", "u\x00", video.RoleDoctor, video.UserInfo{}, "userID"},
		{"a1", "u", video.Role("admin"), video.UserInfo{}, "role"},
		{"a1", "u", "", video.UserInfo{}, "role"},
		{"a1", "u", video.RoleDoctor, video.UserInfo{DisplayName: strings.Repeat("é", 201)}, "userInfo.displayName"},
		{"a1", "u", video.RoleDoctor, video.UserInfo{DisplayName: "bell\x07"}, "userInfo.displayName"},
		{"a1", "u", video.RoleDoctor, video.UserInfo{DisplayName: string([]byte{0xff})}, "userInfo.displayName"},
		{"a1", "u", video.RoleDoctor, video.UserInfo{Email: "not an email"}, "userInfo.email"},
		{"a1", "u", video.RoleDoctor, video.UserInfo{Email: "Dr X <x@example.com>"}, "userInfo.email"},
		{"a1", "u", video.RoleDoctor, video.UserInfo{AvatarURL: "javascript:alert(1)"}, "userInfo.avatarURL"},
	}
	for _, tc := range tokenCases {
		_, err := r.svc.GenerateMeetingToken(ctx, tc.appt, tc.user, tc.role, tc.info)
		require.ErrorIs(t, err, video.ErrInvalidArgument, tc.field)
		var verr *video.Error
		require.ErrorAs(t, err, &verr)
		assert.Equal(t, tc.field, verr.Field)
		assert.Contains(t, err.Error(), tc.field)
	}
	assert.Zero(t, r.ov.Calls(videotest.OpCreateRoom)+r.jt.Calls(videotest.OpCreateRoom), "bad input reaches no provider")

	r.token(t, "a1", "doc", video.RoleDoctor)
	for field, err := range map[string]error{
		"issue.category":      r.svc.ReportTechnicalIssue(ctx, "a1", "u", video.TechnicalIssue{Category: "smell"}),
		"issue.description":   r.svc.ReportTechnicalIssue(ctx, "a1", "u", video.TechnicalIssue{Category: video.IssueAudio, Description: strings.Repeat("x", 2001)}),
		"recording.id":        r.svc.ProcessRecording(ctx, "a1", video.Recording{Status: video.RecordingComplete, Location: "x"}),
		"recording.status":    r.svc.ProcessRecording(ctx, "a1", video.Recording{ID: "r", Status: "done"}),
		"recording.location":  r.svc.ProcessRecording(ctx, "a1", video.Recording{ID: "r", Status: video.RecordingComplete}),
		"recording.provider":  r.svc.ProcessRecording(ctx, "a1", video.Recording{ID: "r", Status: video.RecordingActive, Provider: "Zoom!"}),
		"recording.sizeBytes": r.svc.ProcessRecording(ctx, "a1", video.Recording{ID: "r", Status: video.RecordingActive, SizeBytes: -1}),
		"recording.endedAt": r.svc.ProcessRecording(ctx, "a1", video.Recording{ID: "r", Status: video.RecordingActive,
			StartedAt: time.Unix(100, 0), EndedAt: time.Unix(50, 0)}),
	} {
		require.ErrorIs(t, err, video.ErrInvalidArgument, field)
		var verr *video.Error
		require.ErrorAs(t, err, &verr)
		assert.Equal(t, field, verr.Field)
	}
	c, err := r.svc.ConsultationStatus(ctx, "a1")
	require.NoError(t, err)
	assert.Empty(t, c.Issues, "refused reports write nothing")
	assert.Empty(t, c.Recordings)
}

func TestStoreFailureIsReportedAndFailsClosed(t *testing.T) {
	broken := brokenStore{video.NewMemoryStore()}
	svc, err := video.New(testConfig(), []video.Provider{videotest.NewProvider(ovName)}, video.WithStore(broken))
	require.NoError(t, err)
	defer svc.Close()
	_, err = svc.GenerateMeetingToken(context.Background(), "a1", "doc", video.RoleDoctor, video.UserInfo{})
	assert.ErrorIs(t, err, video.ErrStore)
	assert.ErrorContains(t, err, "connection refused")
}

type brokenStore struct{ *video.MemoryStore }

func (brokenStore) Get(context.Context, string) (*video.Consultation, error) {
	return nil, errors.New("dial tcp 127.0.0.1:6379: connection refused")
}
