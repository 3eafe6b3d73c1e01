package video_test

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	video "github.com/teleconsult/video"
	"github.com/teleconsult/video/videotest"
	"go.opentelemetry.io/otel/codes"
)

// TestTelemetryOfTheOtherOperations: the moderator's calls (admit, list, record) are spans
// with provider child spans, and each is measured.
func TestTelemetryOfTheOtherOperations(t *testing.T) {
	obs, opts := observe(t)
	r := newRig(t, testConfig(), opts...)
	ctx := context.Background()
	r.token(t, telApptNew, telDoctor, video.RoleDoctor)
	pat := r.token(t, telApptNew, telPatient, video.RolePatient)
	require.NoError(t, r.ov.Join(pat.Token))
	require.NoError(t, r.svc.AdmitParticipant(ctx, telApptNew, telDoctor, video.RoleDoctor, telPatient))
	_, err := r.svc.Participants(ctx, telApptNew)
	require.NoError(t, err)
	rec, err := r.svc.StartRecording(ctx, telApptNew, telDoctor, video.RoleDoctor)
	require.NoError(t, err)
	_, err = r.svc.StopRecording(ctx, telApptNew, telDoctor, video.RoleDoctor, rec.ID)
	require.NoError(t, err)
	require.NoError(t, r.svc.ReportTechnicalIssue(ctx, telApptNew, telPatient, video.TechnicalIssue{Category: video.IssueAudio}))

	ms := obs.metrics(t)
	for op, child := range map[string]string{"AdmitParticipant": "Admit", "Participants": "Participants",
		"StartRecording": "StartRecording", "StopRecording": "StopRecording"} {
		spans := obs.named("video." + op)
		require.Len(t, spans, 1, op)
		assert.Equal(t, "openvidu", attr(spans[0], "video.provider"), op)
		assert.Equal(t, pat.Room, attr(spans[0], "video.room"), op)
		assert.Contains(t, obs.children(spans[0]), "video.provider."+child, op)
		assert.EqualValues(t, 1, ms.count("video.provider.call.duration", "video.provider=openvidu", "video.operation="+child, "video.outcome=ok"), op)
	}
	issue := obs.named("video.ReportTechnicalIssue")
	require.Len(t, issue, 1)
	assert.Contains(t, obs.children(issue[0]), "video.store.AddIssue")
	requireOnlyAllowed(t, obs, []string{"openvidu", "jitsi"}, pat.Room)
	requireNoLeak(t, obs.exported(t), telApptNew, telDoctor, telPatient, rec.ID, pat.Token)
}

// TestTelemetryOfRefusalsCancellationsAndAClosedService: what an operator alerts on ("failed")
// is only what failed: a caller that gave up is "canceled" and no store error, a request the
// rules refuse is "refused"; a closed Service fails, and a zero one is disabled, without a
// panic.
func TestTelemetryOfRefusalsCancellationsAndAClosedService(t *testing.T) {
	obs, opts := observe(t)
	r := newRig(t, testConfig(), opts...)
	canceled, cancel := context.WithCancel(context.Background())
	cancel()
	_, err := r.svc.GenerateMeetingToken(canceled, telApptNew, telDoctor, video.RoleDoctor, video.UserInfo{})
	require.ErrorIs(t, err, context.Canceled)
	_, err = r.svc.GenerateMeetingToken(context.Background(), telApptNew, "", video.RoleDoctor, video.UserInfo{})
	require.ErrorIs(t, err, video.ErrInvalidArgument)
	require.NoError(t, r.svc.Close())
	_, err = r.svc.GenerateMeetingToken(context.Background(), telApptNew, telDoctor, video.RoleDoctor, video.UserInfo{})
	require.ErrorIs(t, err, video.ErrClosed)
	w := httptest.NewRecorder()
	r.svc.WebhookHandler().ServeHTTP(w, r.jt.WebhookRequest(video.WebhookEvent{ID: "e", Kind: video.WebhookRoomStarted, Room: "r"}))
	assert.Equal(t, http.StatusServiceUnavailable, w.Code)

	ms := obs.metrics(t)
	assert.EqualValues(t, 1, ms.count("video.tokens", "video.outcome=canceled", "error.type=canceled"))
	assert.EqualValues(t, 1, ms.count("video.tokens", "video.outcome=refused", "error.type=invalid_argument"))
	assert.EqualValues(t, 1, ms.count("video.tokens", "video.outcome=failed", "error.type=closed"))
	assert.EqualValues(t, 0, ms.count("video.store.errors"), "a canceled call is not the store's error")
	assert.EqualValues(t, 1, ms.count("video.store.call.duration", "video.operation=Get", "video.outcome=canceled"))
	assert.EqualValues(t, 1, ms.count("video.webhook.events", "video.outcome=unavailable"))
	tokens := obs.named("video.GenerateMeetingToken")
	require.Len(t, tokens, 3)
	for i, want := range []codes.Code{codes.Unset, codes.Unset, codes.Error} {
		assert.Equal(t, want, tokens[i].Status().Code, attr(tokens[i], "error.type"))
	}

	var zero video.Service
	_, err = zero.GenerateMeetingToken(context.Background(), telApptNew, telDoctor, video.RoleDoctor, video.UserInfo{})
	assert.ErrorIs(t, err, video.ErrDisabled, "a zero Service answers as a disabled one")
	w = httptest.NewRecorder()
	zero.WebhookHandler().ServeHTTP(w, httptest.NewRequest(http.MethodPost, "/", nil))
	assert.Equal(t, http.StatusServiceUnavailable, w.Code)
}

// failingRooms fails GetByRoom on demand.
type failingRooms struct {
	video.Store
	fail bool
}

func (s *failingRooms) GetByRoom(ctx context.Context, room string) (*video.Consultation, error) {
	if s.fail {
		return nil, errors.New("store down")
	}
	return s.Store.GetByRoom(ctx, room)
}

// TestTelemetryOfWebhooksThatChangeNothingOrFail: a room the library did not open is ignored and
// its name, the sender's word, is on no span; an event from before what the record holds is
// ignored; a store that fails makes the delivery "failed".
func TestTelemetryOfWebhooksThatChangeNothingOrFail(t *testing.T) {
	obs, opts := observe(t)
	st := &failingRooms{Store: video.NewMemoryStore()}
	r := newRig(t, testConfig(), append(opts, video.WithStore(st))...)
	tok := r.token(t, telApptNew, telDoctor, video.RoleDoctor)
	hooks := r.svc.WebhookHandler()
	post := func(ev video.WebhookEvent) int {
		w := httptest.NewRecorder()
		hooks.ServeHTTP(w, r.ov.WebhookRequest(ev))
		return w.Code
	}
	const foreign = "jane-roe-oncology-follow-up"
	at := r.clock.Now()
	require.Equal(t, http.StatusOK, post(video.WebhookEvent{ID: "f1", Kind: video.WebhookParticipantJoined, Room: foreign, UserID: telPatient, Role: video.RolePatient, At: at}))
	require.Equal(t, http.StatusOK, post(video.WebhookEvent{ID: "j1", Kind: video.WebhookParticipantJoined, Room: tok.Room, UserID: telDoctor, Role: video.RoleDoctor, At: at}))
	require.Equal(t, http.StatusOK, post(video.WebhookEvent{ID: "f0", Kind: video.WebhookRoomFinished, Room: tok.Room, At: at.Add(-time.Minute)}))
	require.Equal(t, http.StatusOK, post(video.WebhookEvent{ID: "n1", Kind: video.WebhookParticipantJoined, Room: tok.Room, Role: video.RoleDoctor, At: at}))
	st.fail = true
	require.Equal(t, http.StatusInternalServerError, post(video.WebhookEvent{ID: "x1", Kind: video.WebhookParticipantLeft, Room: tok.Room, UserID: telDoctor, Role: video.RoleDoctor, At: at}))

	ms := obs.metrics(t)
	ev := func(want ...string) int64 { return ms.count("video.webhook.events", want...) }
	assert.EqualValues(t, 1, ev("video.outcome=applied"))
	assert.EqualValues(t, 3, ev("video.outcome=ignored"), "a foreign room, an end from before the start, a join of no one")
	assert.EqualValues(t, 1, ev("video.outcome=failed", "video.event=participant_left"))
	failed := obs.named("video.WebhookHandler")
	require.Len(t, failed, 5)
	assert.Equal(t, codes.Error, failed[4].Status().Code)
	assert.Empty(t, attr(failed[0], "video.room"), "a room that is not the library's is not recorded")
	assert.Equal(t, tok.Room, attr(failed[1], "video.room"))
	requireNoLeak(t, obs.exported(t), foreign, telPatient, telDoctor, telApptNew)
	requireOnlyAllowed(t, obs, []string{"openvidu", "jitsi"}, tok.Room)
}

// TestTelemetryOfAMoveWithThreeProviders: a pinned appointment moved past a second provider
// that is down too is one migration, from where it was, and no failover.
func TestTelemetryOfAMoveWithThreeProviders(t *testing.T) {
	obs, opts := observe(t)
	a, b, c := videotest.NewProvider("alpha"), videotest.NewProvider("bravo"), videotest.NewProvider("charlie")
	cfg := testConfig()
	cfg.Provider = "alpha"
	clk := newClock()
	svc, err := video.New(cfg, []video.Provider{a, b, c}, append(opts, video.WithClock(clk.Now))...)
	require.NoError(t, err)
	defer svc.Close()
	ctx := context.Background()
	_, err = svc.GenerateMeetingToken(ctx, telApptNew, telDoctor, video.RoleDoctor, video.UserInfo{})
	require.NoError(t, err)
	a.SetHealthy(false)
	b.SetHealthy(false)
	clk.Advance(2 * cfg.Health.Interval)
	svc.Health(ctx)
	tok, err := svc.GenerateMeetingToken(ctx, telApptNew, telPatient, video.RolePatient, video.UserInfo{})
	require.NoError(t, err)
	require.Equal(t, video.ProviderName("charlie"), tok.Provider)

	ms := obs.metrics(t)
	assert.EqualValues(t, 1, ms.count("video.migrations", "video.from=alpha", "video.to=charlie", "video.reason=down"))
	assert.EqualValues(t, 0, ms.count("video.failovers"), "a move is a migration, not a failover")
	requireOnlyAllowed(t, obs, []string{"alpha", "bravo", "charlie"}, tok.Room)
}
