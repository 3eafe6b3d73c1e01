package video_test

// Regression tests of the core under races and reordering (the items of the white-box review).

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	video "github.com/teleconsult/video"
	"github.com/teleconsult/video/videotest"
)

// 3. An end whose earlier provider's room could not be closed is not reported as a success.
func TestEndReportsAnEarlierRoomLeftOpen(t *testing.T) {
	r := newRig(t, testConfig())
	ctx := context.Background()
	r.token(t, "a1", "doc", video.RoleDoctor) // on openvidu
	r.ov.SetHealthy(false)
	r.token(t, "a1", "pat", video.RolePatient) // moved to jitsi
	c, err := r.svc.ConsultationStatus(ctx, "a1")
	require.NoError(t, err)
	require.Equal(t, jtName, c.Provider)

	_, err = r.svc.EndConsultation(ctx, "a1", "doc", video.RoleDoctor)
	require.ErrorIs(t, err, video.ErrUnavailable, "openvidu's room is still open")
	assert.Equal(t, 1, r.jt.Calls(videotest.OpEndRoom), "the other rooms were closed all the same")
	c, err = r.svc.ConsultationStatus(ctx, "a1")
	require.NoError(t, err)
	assert.Equal(t, video.StatusEnded, c.Status(), "ended in the record")

	r.ov.SetHealthy(true)
	_, err = r.svc.EndConsultation(ctx, "a1", "doc", video.RoleDoctor)
	require.NoError(t, err, "calling again finishes it")
	assert.Empty(t, r.ov.Rooms())
}

// 6. A request's fault never marks a provider down, on any path.
func TestARequestsFaultNeverMarksAProviderDown(t *testing.T) {
	r := newRig(t, testConfig())
	ctx := context.Background()
	r.token(t, "a1", "doc", video.RoleDoctor)
	r.ov.Fail(videotest.OpCreateRoom, fmt.Errorf("%w: the vendor refuses this room", video.ErrInvalidArgument))
	_, err := r.svc.StartConsultation(ctx, "a1", "doc", video.RoleDoctor)
	require.ErrorIs(t, err, video.ErrInvalidArgument)
	r.ov.Fail(videotest.OpIssueToken, fmt.Errorf("%w: the vendor refuses this user", video.ErrInvalidArgument))
	_, err = r.svc.GenerateMeetingToken(ctx, "a1", "pat", video.RolePatient, video.UserInfo{})
	require.ErrorIs(t, err, video.ErrInvalidArgument)
	assert.Equal(t, video.HealthUp, r.svc.CachedHealth().Providers[0].State, "still up")
	c, err := r.svc.ConsultationStatus(ctx, "a1")
	require.NoError(t, err)
	assert.Equal(t, ovName, c.Provider, "not migrated")
	assert.Empty(t, c.Migrations)
	assert.Zero(t, r.migrated.Load())
}

// 4. Events apply by their own time: a rejoin within the same second as a leave reads online,
// and a room_finished of a room instance from before the last move ends nothing.
func TestEventsApplyByEventTime(t *testing.T) {
	r := newRig(t, testConfig())
	ctx := context.Background()
	tok := r.token(t, "a1", "pat", video.RolePatient)
	h := r.svc.WebhookHandler()
	post := func(ev video.WebhookEvent) {
		w := httptest.NewRecorder()
		h.ServeHTTP(w, r.ov.WebhookRequest(ev))
		require.Equal(t, http.StatusOK, w.Code)
	}
	second := time.Date(2026, 5, 6, 9, 0, 7, 0, time.UTC) // LiveKit's event times have seconds only
	s1, s2 := second.Add(100*time.Millisecond), second.Add(900*time.Millisecond)
	ev := func(id string, kind video.WebhookKind, session time.Time) video.WebhookEvent {
		return video.WebhookEvent{ID: id, Kind: kind, Room: tok.Room, UserID: "pat", Role: video.RolePatient, At: second, SessionStart: session}
	}
	post(ev("J1", video.WebhookParticipantJoined, s1))
	post(ev("L1", video.WebhookParticipantLeft, s1))
	post(ev("J2", video.WebhookParticipantJoined, s2))
	c, err := r.svc.ConsultationStatus(ctx, "a1")
	require.NoError(t, err)
	assert.True(t, c.Participants[0].Online(), "left and rejoined within one second: online")
	post(ev("L1", video.WebhookParticipantLeft, s1)) // the first session's leave, again, late
	c, err = r.svc.ConsultationStatus(ctx, "a1")
	require.NoError(t, err)
	assert.True(t, c.Participants[0].Online(), "an earlier session's leave does not take the participant out")

	// Started on openvidu, moved to jitsi, back to openvidu: the first stint's room finishing
	// late ends nothing.
	_, err = r.svc.StartConsultation(ctx, "a1", "doc", video.RoleDoctor)
	require.NoError(t, err)
	firstRoom := r.clock.Now()
	r.clock.Advance(time.Minute)
	r.ov.SetHealthy(false)
	r.token(t, "a1", "pat", video.RolePatient) // to jitsi
	r.clock.Advance(2 * time.Minute)
	r.ov.SetHealthy(true)
	r.jt.SetHealthy(false)
	// openvidu recovers after its good probes; jitsi is seen down. A probe the jitsi token
	// started in the background (its health was stale) may still be running against the old
	// state and be joined by the first refresh, so refresh until the probes have spoken.
	for i := 0; ; i++ {
		r.clock.Advance(time.Hour)
		rep := r.refresh(t)
		if rep.Providers[0].State == video.HealthUp && rep.Providers[1].State == video.HealthDown {
			break
		}
		require.Less(t, i, 4, "openvidu recovers within a few probes: %+v", rep.Providers)
	}
	r.token(t, "a1", "pat", video.RolePatient) // back to openvidu
	c, err = r.svc.ConsultationStatus(ctx, "a1")
	require.NoError(t, err)
	require.Equal(t, ovName, c.Provider)
	require.Len(t, c.Migrations, 2)
	post(video.WebhookEvent{ID: "RF", Kind: video.WebhookRoomFinished, Room: tok.Room, At: r.clock.Now(), RoomStart: firstRoom})
	c, err = r.svc.ConsultationStatus(ctx, "a1")
	require.NoError(t, err)
	assert.NotEqual(t, video.StatusEnded, c.Status(), "the old room's end is not this meeting's")
	post(video.WebhookEvent{ID: "RF2", Kind: video.WebhookRoomFinished, Room: tok.Room, At: r.clock.Now(), RoomStart: r.clock.Now()})
	c, err = r.svc.ConsultationStatus(ctx, "a1")
	require.NoError(t, err)
	assert.Equal(t, video.StatusEnded, c.Status(), "the current room's end is")
}

// staleFirstGet answers the first Get of each appointment as if nothing were stored yet: the
// window in which another replica pins the appointment between this one's read and its create.
type staleFirstGet struct {
	video.Store
	mu   sync.Mutex
	seen map[string]bool
}

func (s *staleFirstGet) Get(ctx context.Context, id string) (*video.Consultation, error) {
	s.mu.Lock()
	first := !s.seen[id]
	s.seen[id] = true
	s.mu.Unlock()
	if first {
		return nil, video.ErrNotFound
	}
	return s.Store.Get(ctx, id)
}

// 7. Two replicas pinning one new appointment at once on different providers: the loser's room
// is closed, and the loser follows the winner's pin.
func TestTheLosingRoomOfAConcurrentPinIsClosed(t *testing.T) {
	st := video.NewMemoryStore()
	ctx := context.Background()
	winnerJT := videotest.NewProvider(jtName)
	winner, err := video.New(testConfig(), []video.Provider{winnerJT, videotest.NewProvider(ovName)}, video.WithStore(st))
	require.NoError(t, err)
	defer winner.Close()
	loserOV := videotest.NewProvider(ovName)
	loser, err := video.New(testConfig(), []video.Provider{loserOV, videotest.NewProvider(jtName)},
		video.WithStore(&staleFirstGet{Store: st, seen: map[string]bool{}}))
	require.NoError(t, err)
	defer loser.Close()

	won, err := winner.GenerateMeetingToken(ctx, "a1", "doc", video.RoleDoctor, video.UserInfo{})
	require.NoError(t, err)
	lost, err := loser.GenerateMeetingToken(ctx, "a1", "pat", video.RolePatient, video.UserInfo{})
	require.NoError(t, err)
	assert.Equal(t, won.Provider, lost.Provider, "the loser follows the winner's pin")
	assert.Equal(t, 1, loserOV.Calls(videotest.OpCreateRoom), "the loser opened a room before it lost")
	require.Eventually(t, func() bool { return len(loserOV.Rooms()) == 0 }, 5*time.Second, time.Millisecond, "and closed it")
	require.Eventually(t, func() bool { return loser.CachedHealth().OrphanRoomsClosed == 1 }, 5*time.Second, time.Millisecond)
}

// 8. IssueToken for a pinned appointment is bounded like every provider call on the token path,
// and a timeout there is a failure: the provider is marked down and the appointment moves.
func TestAPinnedProvidersTokenCallIsBounded(t *testing.T) {
	cfg := testConfig()
	cfg.Health.Timeout = 50 * time.Millisecond
	r := newRig(t, cfg)
	r.token(t, "a1", "doc", video.RoleDoctor)
	r.ov.SetLatency(time.Hour) // the pinned provider stops answering
	tok, err := r.svc.GenerateMeetingToken(context.Background(), "a1", "pat", video.RolePatient, video.UserInfo{})
	require.NoError(t, err, "the caller, with no deadline of its own, is served by the fallback")
	assert.Equal(t, jtName, tok.Provider)
	assert.Equal(t, video.HealthDown, r.svc.CachedHealth().Providers[0].State, "the timeout counts as a failure")
	assert.Equal(t, int64(1), r.migrated.Load())
}
