package openvidu_test

import (
	"context"
	"sync/atomic"
	"testing"

	"github.com/livekit/protocol/livekit"
	lksdk "github.com/livekit/server-sdk-go/v2"
	"github.com/pion/webrtc/v4"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	video "github.com/teleconsult/video"
	"github.com/teleconsult/video/internal/testserver"
)

// client is a real participant: the Go SDK over pion WebRTC on loopback.
type client struct {
	room         *lksdk.Room
	disconnected atomic.Bool
}

func join(t *testing.T, tok *video.MeetingToken) (*client, error) {
	t.Helper()
	c := &client{}
	cb := lksdk.NewRoomCallback()
	cb.OnDisconnected = func() { c.disconnected.Store(true) }
	room, err := lksdk.ConnectToRoomWithToken(tok.ServerURL, tok.Token, cb, lksdk.WithAutoSubscribe(false))
	if err != nil {
		return nil, err
	}
	c.room = room
	t.Cleanup(room.Disconnect)
	return c, nil
}

func mustJoin(t *testing.T, tok *video.MeetingToken) *client {
	t.Helper()
	c, err := join(t, tok)
	require.NoError(t, err, "%s joins", tok.Role)
	return c
}

// publishAudio publishes a silent Opus track.
func (c *client) publishAudio() error {
	track, err := lksdk.NewLocalSampleTrack(webrtc.RTPCodecCapability{MimeType: webrtc.MimeTypeOpus, ClockRate: 48000, Channels: 2})
	if err != nil {
		return err
	}
	_, err = c.room.LocalParticipant.PublishTrack(track, &lksdk.TrackPublicationOptions{Name: "mic", Source: livekit.TrackSource_MICROPHONE})
	return err
}

func newService(t *testing.T, cfg svcConfig) *video.Service {
	t.Helper()
	svc, err := video.New(cfg.Config, []video.Provider{newProvider(t, cfg.OpenVidu)})
	require.NoError(t, err)
	t.Cleanup(func() { svc.Close() })
	return svc
}

func listParticipants(t *testing.T, lk *testserver.LiveKit, room string) map[string]*livekit.ParticipantInfo {
	t.Helper()
	rc := lksdk.NewRoomServiceClient(lk.HTTPURL, testserver.LiveKitAPIKey, testserver.LiveKitAPISecret)
	resp, err := rc.ListParticipants(context.Background(), &livekit.ListParticipantsRequest{Room: room})
	require.NoError(t, err)
	out := make(map[string]*livekit.ParticipantInfo)
	for _, p := range resp.Participants {
		out[p.Identity] = p
	}
	return out
}

func TestDoctorAndPatientMeetInOneRoom(t *testing.T) {
	lk, _ := liveKit(t)
	svc := newService(t, serviceConfig(lk))
	c := ctx(t)
	doc, err := svc.GenerateMeetingToken(c, "appt-meet", "doc-1", video.RoleDoctor, video.UserInfo{DisplayName: "Dr. Smith"})
	require.NoError(t, err)
	pat, err := svc.GenerateMeetingToken(c, "appt-meet", "pat-1", video.RolePatient, video.UserInfo{DisplayName: "Jane"})
	require.NoError(t, err)
	obs, err := svc.GenerateMeetingToken(c, "appt-meet", "obs-1", video.RoleObserver, video.UserInfo{DisplayName: "Supervisor"})
	require.NoError(t, err)
	require.Equal(t, doc.Room, pat.Room)
	assert.Equal(t, lk.URL, doc.ServerURL)

	d, p := mustJoin(t, doc), mustJoin(t, pat)
	mustJoin(t, obs)
	eventually(t, func() bool { return len(listParticipants(t, lk, doc.Room)) == 3 }, "all three are in the room")
	ps := listParticipants(t, lk, doc.Room)

	assert.Equal(t, "Dr. Smith", ps["doc-1"].Name)
	assert.Equal(t, `{"role":"doctor"}`, ps["doc-1"].Metadata)
	assert.True(t, ps["doc-1"].Permission.CanPublish)
	assert.True(t, ps["doc-1"].Permission.CanSubscribe)
	assert.True(t, ps["doc-1"].Permission.CanPublishData)
	assert.Equal(t, `{"role":"patient"}`, ps["pat-1"].Metadata)
	assert.True(t, ps["pat-1"].Permission.CanPublish)
	assert.True(t, ps["pat-1"].Permission.CanSubscribe)
	assert.True(t, ps["obs-1"].Permission.Hidden, "the observer is hidden")
	assert.False(t, ps["obs-1"].Permission.CanPublish)
	assert.True(t, ps["obs-1"].Permission.CanSubscribe)
	assert.False(t, ps["obs-1"].Permission.CanPublishData)

	require.NoError(t, d.publishAudio(), "the doctor publishes")
	require.NoError(t, p.publishAudio(), "the patient publishes")
	eventually(t, func() bool { return d.room.GetParticipantByIdentity("pat-1") != nil }, "the doctor sees the patient")
	assert.Nil(t, d.room.GetParticipantByIdentity("obs-1"), "nobody sees the hidden observer")

	live, err := svc.Participants(c, "appt-meet")
	require.NoError(t, err)
	roles := map[string]video.Role{}
	for _, lp := range live {
		roles[lp.UserID] = lp.Role
	}
	assert.Equal(t, map[string]video.Role{"doc-1": video.RoleDoctor, "pat-1": video.RolePatient, "obs-1": video.RoleObserver}, roles)
}

func TestWaitingRoomPatientPublishesOnlyAfterAdmission(t *testing.T) {
	lk, _ := liveKit(t)
	cfg := serviceConfig(lk)
	cfg.OpenVidu.WaitingRoom = true
	svc := newService(t, cfg)
	c := ctx(t)
	doc, err := svc.GenerateMeetingToken(c, "appt-wait", "doc-2", video.RoleDoctor, video.UserInfo{})
	require.NoError(t, err)
	pat, err := svc.GenerateMeetingToken(c, "appt-wait", "pat-2", video.RolePatient, video.UserInfo{})
	require.NoError(t, err)
	mustJoin(t, doc)
	p := mustJoin(t, pat)
	eventually(t, func() bool { return len(listParticipants(t, lk, pat.Room)) == 2 }, "both connected")
	perm := listParticipants(t, lk, pat.Room)["pat-2"].Permission
	assert.False(t, perm.CanPublish, "a waiting patient may not publish")
	assert.False(t, perm.CanSubscribe, "a waiting patient sees no one")
	assert.Error(t, p.publishAudio(), "the server refuses a waiting patient's track")

	err = svc.AdmitParticipant(c, "appt-wait", "pat-2", video.RolePatient, "pat-2")
	assert.ErrorIs(t, err, video.ErrForbidden, "only the doctor admits")
	require.NoError(t, svc.AdmitParticipant(c, "appt-wait", "doc-2", video.RoleDoctor, "pat-2"))
	perm = listParticipants(t, lk, pat.Room)["pat-2"].Permission
	assert.True(t, perm.CanPublish)
	assert.True(t, perm.CanSubscribe)
	assert.True(t, perm.CanPublishData)
	eventually(t, func() bool { return p.room.LocalParticipant.Permissions().GetCanPublish() }, "the client learns it is admitted")
	require.NoError(t, p.publishAudio(), "an admitted patient publishes")
	eventually(t, func() bool { return len(listParticipants(t, lk, pat.Room)["pat-2"].Tracks) == 1 }, "the server has the track")

	err = svc.AdmitParticipant(c, "appt-wait", "doc-2", video.RoleDoctor, "nobody")
	assert.ErrorIs(t, err, video.ErrNotFound, "admitting someone with no token for this appointment")
	_, err = svc.GenerateMeetingToken(c, "appt-wait", "pat-3", video.RolePatient, video.UserInfo{})
	require.NoError(t, err)
	err = svc.AdmitParticipant(c, "appt-wait", "doc-2", video.RoleDoctor, "pat-3")
	assert.ErrorIs(t, err, video.ErrNotFound, "admitting a patient who holds a token but is not in the room")

	// The provider admits without touching the rest of a permission: a hidden observer stays
	// hidden (LiveKit replaces the whole permission on update).
	obs, err := svc.GenerateMeetingToken(c, "appt-wait", "obs-2", video.RoleObserver, video.UserInfo{})
	require.NoError(t, err)
	mustJoin(t, obs)
	eventually(t, func() bool { _, ok := listParticipants(t, lk, pat.Room)["obs-2"]; return ok }, "the observer connected")
	err = svc.AdmitParticipant(c, "appt-wait", "doc-2", video.RoleDoctor, "obs-2")
	assert.ErrorIs(t, err, video.ErrNotFound, "only a patient is admitted")
	require.NoError(t, newProvider(t, cfg.OpenVidu).Admit(c, pat.Room, "obs-2"))
	assert.True(t, listParticipants(t, lk, pat.Room)["obs-2"].Permission.Hidden, "still hidden after an admit")
}

func TestEndConsultationDisconnectsEveryone(t *testing.T) {
	lk, _ := liveKit(t)
	svc := newService(t, serviceConfig(lk))
	c := ctx(t)
	doc, err := svc.GenerateMeetingToken(c, "appt-end", "doc-3", video.RoleDoctor, video.UserInfo{})
	require.NoError(t, err)
	pat, err := svc.GenerateMeetingToken(c, "appt-end", "pat-3", video.RolePatient, video.UserInfo{})
	require.NoError(t, err)
	d, p := mustJoin(t, doc), mustJoin(t, pat)
	eventually(t, func() bool { return len(listParticipants(t, lk, doc.Room)) == 2 }, "both connected")

	_, err = svc.EndConsultation(c, "appt-end", "doc-3", video.RoleDoctor)
	require.NoError(t, err)
	eventually(t, func() bool { return d.disconnected.Load() && p.disconnected.Load() }, "both clients are disconnected")
	rc := lksdk.NewRoomServiceClient(lk.HTTPURL, testserver.LiveKitAPIKey, testserver.LiveKitAPISecret)
	rooms, err := rc.ListRooms(context.Background(), &livekit.ListRoomsRequest{Names: []string{doc.Room}})
	require.NoError(t, err)
	assert.Empty(t, rooms.Rooms, "the room is deleted")
	_, err = svc.GenerateMeetingToken(c, "appt-end", "pat-3", video.RolePatient, video.UserInfo{})
	assert.ErrorIs(t, err, video.ErrConsultationEnded)
}

func TestParticipantBeyondTheMaxIsRefused(t *testing.T) {
	lk, _ := liveKit(t)
	cfg := serviceConfig(lk)
	cfg.OpenVidu.MaxParticipants = 2
	svc := newService(t, cfg)
	c := ctx(t)
	var toks []*video.MeetingToken
	for _, u := range []struct {
		id   string
		role video.Role
	}{{"doc-4", video.RoleDoctor}, {"pat-4", video.RolePatient}, {"pat-5", video.RolePatient}} {
		tok, err := svc.GenerateMeetingToken(c, "appt-max", u.id, u.role, video.UserInfo{})
		require.NoError(t, err)
		toks = append(toks, tok)
	}
	mustJoin(t, toks[0])
	mustJoin(t, toks[1])
	eventually(t, func() bool { return len(listParticipants(t, lk, toks[0].Room)) == 2 }, "two connected")
	_, err := join(t, toks[2])
	assert.Error(t, err, "a third participant is refused")
	assert.Len(t, listParticipants(t, lk, toks[0].Room), 2)
}
