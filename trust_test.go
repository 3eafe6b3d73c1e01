package video_test

// Regression tests for the trust holes an adversarial review found (items numbered as in the
// review; 1, 2 and 10 are in secrets_test.go and the openvidu package).

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	video "github.com/teleconsult/video"
	"github.com/teleconsult/video/jitsi"
	"github.com/teleconsult/video/videotest"
)

// 3. A recording ID of another appointment is not found, and the provider is never asked.
func TestStopRecordingOfAnotherAppointmentIsNotFound(t *testing.T) {
	r := newRig(t, testConfig())
	ctx := context.Background()
	for _, appt := range []string{"appt-A", "appt-B"} {
		_, err := r.svc.StartConsultation(ctx, appt, "doc-"+appt, video.RoleDoctor)
		require.NoError(t, err)
	}
	recB, err := r.svc.StartRecording(ctx, "appt-B", "doc-appt-B", video.RoleDoctor)
	require.NoError(t, err)

	_, err = r.svc.StopRecording(ctx, "appt-A", "doc-appt-A", video.RoleDoctor, recB.ID)
	require.ErrorIs(t, err, video.ErrNotFound)
	var verr *video.Error
	require.ErrorAs(t, err, &verr)
	assert.Equal(t, "recordingID", verr.Field)
	assert.Zero(t, r.ov.Calls(videotest.OpStopRecording), "the provider was not asked")
	a, err := r.svc.ConsultationStatus(ctx, "appt-A")
	require.NoError(t, err)
	assert.Empty(t, a.Recordings, "nothing of B's is stored under A")
	b, err := r.svc.ConsultationStatus(ctx, "appt-B")
	require.NoError(t, err)
	require.Len(t, b.Recordings, 1)
	assert.Equal(t, video.RecordingActive, b.Recordings[0].Status, "B's recording still runs")

	// Reporting B's recording ID under A does not make it A's to stop.
	require.NoError(t, r.svc.ProcessRecording(ctx, "appt-A", video.Recording{ID: recB.ID, Status: video.RecordingActive}))
	_, err = r.svc.StopRecording(ctx, "appt-A", "doc-appt-A", video.RoleDoctor, recB.ID)
	require.ErrorIs(t, err, video.ErrNotFound, "only a recording StartRecording started is stopped")
	assert.Zero(t, r.ov.Calls(videotest.OpStopRecording))

	stopped, err := r.svc.StopRecording(ctx, "appt-B", "doc-appt-B", video.RoleDoctor, recB.ID)
	require.NoError(t, err, "its own appointment stops it")
	require.Equal(t, video.RecordingComplete, stopped.Status)
	// A late "active" report never turns a finished recording back.
	require.NoError(t, r.svc.ProcessRecording(ctx, "appt-B", video.Recording{ID: recB.ID, Status: video.RecordingActive}))
	b, err = r.svc.ConsultationStatus(ctx, "appt-B")
	require.NoError(t, err)
	assert.Equal(t, video.RecordingComplete, b.Recordings[0].Status)
	assert.NotEmpty(t, b.Recordings[0].Location)
}

// Free text stored per consultation is capped in count too: a participant cannot grow a record
// without limit.
func TestIssuesPerConsultationAreCapped(t *testing.T) {
	r := newRig(t, testConfig())
	ctx := context.Background()
	r.token(t, "a1", "pat", video.RolePatient)
	refused := 0
	for range 250 {
		if err := r.svc.ReportTechnicalIssue(ctx, "a1", "pat", video.TechnicalIssue{Category: video.IssueAudio}); err != nil {
			require.ErrorIs(t, err, video.ErrInvalidArgument)
			refused++
		}
	}
	c, err := r.svc.ConsultationStatus(ctx, "a1")
	require.NoError(t, err)
	assert.Len(t, c.Issues, 200)
	assert.Equal(t, 50, refused)
}

// 3. Admitting: only a patient with a token for this appointment's room; no provider call
// otherwise.
func TestAdmitOnlyThisAppointmentsPatients(t *testing.T) {
	cfg := testConfig()
	cfg.Policy.WaitingRoom = true
	r := newRig(t, cfg)
	ctx := context.Background()
	r.token(t, "appt-A", "pat-A", video.RolePatient)
	obs := r.token(t, "appt-A", "obs-A", video.RoleObserver)
	tokB := r.token(t, "appt-B", "pat-B", video.RolePatient)
	require.NoError(t, r.ov.Join(tokB.Token))
	require.NoError(t, r.ov.Join(obs.Token))
	for name, id := range map[string]string{"another appointment's patient": "pat-B", "an observer": "obs-A", "a stranger": "x"} {
		err := r.svc.AdmitParticipant(ctx, "appt-A", "doc", video.RoleDoctor, id)
		assert.ErrorIs(t, err, video.ErrNotFound, name)
	}
	assert.Zero(t, r.ov.Calls(videotest.OpAdmit), "the provider was not asked")
}

// 5, 6. Numbers bounded by what their protocol carries, and weak secrets, are refused by name
// (the vendors' own variables are tested in their packages).
func TestServiceSettingsAreBounded(t *testing.T) {
	for field, change := range map[string]func(*video.Config){
		"VIDEO_HEALTH_RECOVERY_PROBES": func(c *video.Config) { c.Health.RecoveryProbes = 1 << 33 },
		"VIDEO_HEALTH_TIMEOUT":         func(c *video.Config) { c.Health.Timeout = 1 << 62 },
		"VIDEO_HEALTH_INTERVAL":        func(c *video.Config) { c.Health.Interval = 1 << 62 },
		"VIDEO_RECORDING_TIMEOUT":      func(c *video.Config) { c.RecordingTimeout = 1 << 62 },
		"VIDEO_ROOM_KEY":               func(c *video.Config) { c.RoomKey = "                                   " },
		"VIDEO_ROOM_KEY ":              func(c *video.Config) { c.RoomKey = video.Secret(strings.Repeat("a", 40)) },
		"VIDEO_ROOM_KEY  ":             func(c *video.Config) { c.RoomKey = video.Secret("abc" + strings.Repeat(" ", 40)) },
		"VIDEO_ROOM_KEY   ":            func(c *video.Config) { c.RoomKey = video.Secret("k" + strings.Repeat("\x00", 40)) },
	} {
		cfg := testConfig()
		change(&cfg)
		err := cfg.Validate()
		var verr *video.Error
		require.ErrorAs(t, err, &verr, field)
		assert.Equal(t, strings.TrimSpace(field), verr.Field)
	}
}

// 7. Sizes are checked before anything is parsed, and every stored free text is bounded.
func TestSizesAreCheckedFirst(t *testing.T) {
	r := newRig(t, testConfig())
	ctx := context.Background()
	huge := `"` + strings.Repeat("a", 10<<20) + `"@example.com`
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	_, err := r.svc.GenerateMeetingToken(ctx, "a1", "pat", video.RolePatient, video.UserInfo{Email: huge})
	runtime.ReadMemStats(&after)
	var verr *video.Error
	require.ErrorAs(t, err, &verr)
	assert.Equal(t, "userInfo.email", verr.Field)
	assert.Less(t, after.TotalAlloc-before.TotalAlloc, uint64(1<<20), "refused before the 10 MB address was parsed")

	r.token(t, "a1", "pat", video.RolePatient)
	err = r.svc.ProcessRecording(ctx, "a1", video.Recording{ID: "r1", Status: video.RecordingFailed, Error: strings.Repeat("e", 10<<20)})
	require.ErrorAs(t, err, &verr)
	assert.Equal(t, "recording.error", verr.Field)
	err = r.svc.ReportTechnicalIssue(ctx, "a1", "pat", video.TechnicalIssue{Category: video.IssueAudio, Description: strings.Repeat("d", 10<<20)})
	require.ErrorAs(t, err, &verr)
	assert.Equal(t, "issue.description", verr.Field)
	c, err := r.svc.ConsultationStatus(ctx, "a1")
	require.NoError(t, err)
	assert.Empty(t, c.Recordings)
	assert.Empty(t, c.Issues)
}

// 8. Names that would spoof what the other participant sees are refused.
func TestSpoofingNamesAreRefused(t *testing.T) {
	r := newRig(t, testConfig())
	for _, name := range []string{"Dr.\nSmith", "Dr.\tSmith", "Dr. \u202ehtimS", "Dr. \u2066Smith\u2069", "Dr.\u200bSmith",
		"Dr.\ufeffSmith", "\u200fDr. Smith", "Dr.\u2028Smith", "Dr.\u00adSmith", "Dr.\u3164", "Dr.\U000E0041"} {
		_, err := r.svc.GenerateMeetingToken(context.Background(), "a1", "pat", video.RolePatient, video.UserInfo{DisplayName: name})
		var verr *video.Error
		require.ErrorAs(t, err, &verr, "%q", name)
		assert.Equal(t, "userInfo.displayName", verr.Field, "%q", name)
	}
	r.token(t, "a1", "pat", video.RolePatient) // plain names still pass
	_, err := r.svc.GenerateMeetingToken(context.Background(), "a1", "pat", video.RolePatient, video.UserInfo{DisplayName: "José Ñúñez 😀 d'Arc"})
	assert.NoError(t, err)
}

// 9. No email in a Jitsi token or link unless VIDEO_SHARE_EMAIL turns it on.
func TestEmailLeavesTheServiceOnlyWhenShared(t *testing.T) {
	jcfg := jitsi.DefaultConfig()
	jcfg.Domain, jcfg.AppID, jcfg.AppSecret, jcfg.HealthProbe = "meet.example.com", "app", "jitsi-app-secret-for-the-email-test-0123", jitsi.ProbeOff
	jt, err := jitsi.New(jcfg, jitsi.WithLogger(slog.New(slog.DiscardHandler)))
	require.NoError(t, err)
	const email = "patient.name@example.com"
	for _, share := range []bool{false, true} {
		cfg := testConfig()
		cfg.ShareEmail = share
		svc, err := video.New(cfg, []video.Provider{jt})
		require.NoError(t, err)
		tok, err := svc.GenerateMeetingToken(context.Background(), fmt.Sprint("a-", share), "pat", video.RolePatient,
			video.UserInfo{DisplayName: "Pat", Email: email})
		require.NoError(t, err)
		payload := jwtPayload(t, tok.Token)
		if share {
			assert.Contains(t, payload, email)
			assert.Contains(t, tok.JoinURL, "userInfo.email")
		} else {
			assert.NotContains(t, payload, email, "no email in the token")
			assert.NotContains(t, tok.JoinURL, "email", "no email in the link")
		}
		svc.Close()
	}
}

// 11. The same event delivered to two replicas, or late, changes nothing; 60 concurrent writers
// on 10 appointments never turn a valid event into a 5xx.
func TestWebhooksAreIdempotentAcrossReplicasAndContention(t *testing.T) {
	st := video.NewMemoryStore()
	ov := videotest.NewProvider(ovName)
	newReplica := func() *video.Service {
		svc, err := video.New(testConfig(), []video.Provider{ov}, video.WithStore(st))
		require.NoError(t, err)
		t.Cleanup(func() { svc.Close() })
		return svc
	}
	a, b := newReplica(), newReplica()
	ha, hb := a.WebhookHandler(), b.WebhookHandler()
	ctx := context.Background()
	tok, err := a.GenerateMeetingToken(ctx, "appt-1", "pat", video.RolePatient, video.UserInfo{})
	require.NoError(t, err)
	post := func(h http.Handler, ev video.WebhookEvent) int {
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, ov.WebhookRequest(ev))
		return rec.Code
	}
	t1 := time.Date(2026, 5, 6, 9, 0, 0, 0, time.UTC)
	join := func(id string, at time.Time) video.WebhookEvent {
		return video.WebhookEvent{ID: id, Kind: video.WebhookParticipantJoined, Room: tok.Room, UserID: "pat", Role: video.RolePatient, At: at}
	}
	require.Equal(t, 200, post(ha, join("EV_1", t1)))
	require.Equal(t, 200, post(ha, video.WebhookEvent{ID: "EV_2", Kind: video.WebhookParticipantLeft, Room: tok.Room, UserID: "pat", Role: video.RolePatient, At: t1.Add(time.Minute)}))
	require.Equal(t, 200, post(ha, join("EV_3", t1.Add(2*time.Minute))))
	c, err := a.ConsultationStatus(ctx, "appt-1")
	require.NoError(t, err)
	version := c.Version
	require.Equal(t, 200, post(hb, join("EV_1", t1)), "the first event again, on the other replica, late")
	c, err = b.ConsultationStatus(ctx, "appt-1")
	require.NoError(t, err)
	assert.Equal(t, version, c.Version, "a replay writes nothing")
	require.Len(t, c.Participants, 1)
	assert.True(t, c.Participants[0].JoinedAt.Equal(t1.Add(2*time.Minute)), "JoinedAt only moves forward")
	assert.True(t, c.Participants[0].Online())

	// Contention: 60 writers, 10 appointments, every event distinct and valid.
	for i := range 10 {
		_, err := a.GenerateMeetingToken(ctx, fmt.Sprint("busy-", i), "pat", video.RolePatient, video.UserInfo{})
		require.NoError(t, err)
	}
	var mu sync.Mutex
	statuses := map[int]int{}
	var wg sync.WaitGroup
	for w := range 60 {
		wg.Go(func() {
			h := ha
			if w%2 == 1 {
				h = hb
			}
			for k := range 20 {
				appt := fmt.Sprint("busy-", (w+k)%10)
				c, _ := a.ConsultationStatus(ctx, appt)
				ev := video.WebhookEvent{ID: fmt.Sprint("EV-", w, "-", k), Kind: video.WebhookParticipantJoined, Room: c.Room,
					UserID: fmt.Sprint("user-", w), Role: video.RolePatient, At: t1.Add(time.Duration(k) * time.Second)}
				code := post(h, ev)
				mu.Lock()
				statuses[code]++
				mu.Unlock()
			}
		})
	}
	wg.Wait()
	assert.Equal(t, map[int]int{200: 1200}, statuses, "every valid event is applied, none answered 5xx")
}

// 12. Every provider call is bounded: a provider that stops answering costs a caller with no
// deadline of its own VIDEO_HEALTH_TIMEOUT, not forever.
func TestProviderCallsAreBounded(t *testing.T) {
	cfg := testConfig()
	cfg.Health.Timeout = 50 * time.Millisecond
	cfg.RecordingTimeout = 50 * time.Millisecond
	cfg.Policy.WaitingRoom = true
	r := newRig(t, cfg)
	ctx := context.Background()
	tok := r.token(t, "a1", "pat", video.RolePatient)
	require.NoError(t, r.ov.Join(tok.Token))
	_, err := r.svc.StartConsultation(ctx, "a1", "doc", video.RoleDoctor)
	require.NoError(t, err)
	r.ov.SetLatency(time.Hour) // the provider stops answering
	_, err = r.svc.Participants(ctx, "a1")
	assert.ErrorIs(t, err, video.ErrUnavailable, "Participants")
	assert.ErrorIs(t, r.svc.AdmitParticipant(ctx, "a1", "doc", video.RoleDoctor, "pat"), video.ErrUnavailable, "AdmitParticipant")
	_, err = r.svc.StartRecording(ctx, "a1", "doc", video.RoleDoctor)
	assert.ErrorIs(t, err, video.ErrUnavailable, "StartRecording")
	assert.ErrorIs(t, err, context.DeadlineExceeded, "ended by the Service's bound")
}

// 13. A provider that is not probed says so, and counts as able to serve.
func TestUnprobedProviderSaysSo(t *testing.T) {
	jcfg := jitsi.DefaultConfig()
	jcfg.Domain, jcfg.HealthProbe = "meet.example.com", jitsi.ProbeOff
	jt, err := jitsi.New(jcfg, jitsi.WithLogger(slog.New(slog.DiscardHandler)))
	require.NoError(t, err)
	svc, err := video.New(testConfig(), []video.Provider{jt})
	require.NoError(t, err)
	defer svc.Close()
	h := svc.Health(context.Background())
	require.Len(t, h.Providers, 1)
	assert.Equal(t, video.HealthUnprobed, h.Providers[0].State, "never up: nothing observed it")
	assert.Zero(t, h.Providers[0].Latency)
	assert.True(t, h.Healthy, "it still serves")
}

// What a vendor's error says (it may echo a bearer token, an internal address, megabytes) is
// neither stored in a migration's reason nor shown unbounded in a health report.
func TestVendorErrorTextStaysOutOfRecordsAndIsBoundedInHealth(t *testing.T) {
	r := newRig(t, testConfig())
	ctx := context.Background()
	r.token(t, "a1", "doc", video.RoleDoctor)
	const bearer = "eyJhbGciOiJIUzI1NiJ9.eyJpc3MiOiJhZG1pbiJ9.c2lnbmF0dXJlLW9mLXRoZS1hZG1pbi10b2tlbg"
	r.ov.FailAll(fmt.Errorf("node lk-eu-3 (10.20.30.40) echoed Authorization: Bearer %s %s", bearer, strings.Repeat("x", 8<<20)))
	r.token(t, "a1", "pat", video.RolePatient) // the call fails: the appointment moves
	c, err := r.svc.ConsultationStatus(ctx, "a1")
	require.NoError(t, err)
	require.Len(t, c.Migrations, 1)
	assert.Equal(t, "provider down", c.Migrations[0].Reason, "the state alone is stored")
	h := r.svc.CachedHealth()
	last := h.Providers[0].LastError
	assert.LessOrEqual(t, len([]rune(last)), 300)
	assert.NotContains(t, last, bearer)
	assert.NotContains(t, last, "eyJhbGciOiJIUzI1NiJ9.eyJpc3MiOiJhZG1pbiJ9")
}

// A provider's recording event is stored with its text made safe, not dropped.
func TestRecordingEventTextIsCleanedNotDropped(t *testing.T) {
	r := newRig(t, testConfig())
	tok := r.token(t, "a1", "doc", video.RoleDoctor)
	rec := &video.Recording{ID: "EG_1", Status: video.RecordingFailed, Error: "encoder\r\ncrashed\x00" + strings.Repeat("!", 3000)}
	w := httptest.NewRecorder()
	r.svc.WebhookHandler().ServeHTTP(w, r.ov.WebhookRequest(video.WebhookEvent{ID: "EV_R", Kind: video.WebhookRecordingEnded, Room: tok.Room, Recording: rec}))
	require.Equal(t, http.StatusOK, w.Code)
	c, err := r.svc.ConsultationStatus(context.Background(), "a1")
	require.NoError(t, err)
	require.Len(t, c.Recordings, 1, "kept")
	assert.True(t, strings.HasPrefix(c.Recordings[0].Error, "encoder \ncrashed "), c.Recordings[0].Error[:20])
	assert.LessOrEqual(t, len([]rune(c.Recordings[0].Error)), 2000)
}
