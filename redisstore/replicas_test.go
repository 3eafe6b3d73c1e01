package redisstore_test

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	video "github.com/teleconsult/video"
	"github.com/teleconsult/video/redisstore"
	"github.com/teleconsult/video/videotest"
)

const roomKey = "redis tests' room key, 32 bytes or more"

// replica is one backend replica: its own Service, its own providers (its own view of their
// health), and a shared Store.
type replica struct {
	svc     *video.Service
	ov, jt  *videotest.Provider
	notices chan video.MigrationNotice
	logged  *messageCounter
}

// messageCounter is a log handler that counts the messages at WARN and above, by text.
type messageCounter struct {
	mu sync.Mutex
	n  map[string]int
}

func (m *messageCounter) Enabled(_ context.Context, l slog.Level) bool { return l >= slog.LevelWarn }
func (m *messageCounter) WithAttrs([]slog.Attr) slog.Handler           { return m }
func (m *messageCounter) WithGroup(string) slog.Handler                { return m }
func (m *messageCounter) Handle(_ context.Context, r slog.Record) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.n[r.Message]++
	return nil
}

// count returns how often msg was logged.
func (m *messageCounter) count(msg string) int {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.n[msg]
}

func newReplica(t testing.TB, st video.Store, tune func(*video.Config)) *replica {
	t.Helper()
	cfg := video.DefaultConfig()
	cfg.RoomKey = roomKey
	if tune != nil {
		tune(&cfg)
	}
	r := &replica{ov: videotest.NewProvider("openvidu"), jt: videotest.NewProvider("jitsi"),
		notices: make(chan video.MigrationNotice, 10000), logged: &messageCounter{n: map[string]int{}}}
	svc, err := video.New(cfg, []video.Provider{r.ov, r.jt}, video.WithStore(st), video.WithLogger(slog.New(r.logged)), video.WithOnMigrate(func(_ context.Context, n video.MigrationNotice) { r.notices <- n }))
	require.NoError(t, err)
	t.Cleanup(func() { svc.Close() })
	r.svc = svc
	return r
}

func TestOneRoundTripPerTokenForAKnownAppointment(t *testing.T) {
	st, rt := newStore(t)
	r := newReplica(t, st, nil)
	ctx := context.Background()
	_, err := r.svc.GenerateMeetingToken(ctx, "a1", "doc", video.RoleDoctor, video.UserInfo{})
	require.NoError(t, err)
	first := rt.n.Load()
	before := first
	for range 20 {
		_, err := r.svc.GenerateMeetingToken(ctx, "a1", "pat", video.RolePatient, video.UserInfo{})
		require.NoError(t, err)
	}
	assert.Equal(t, int64(20), rt.n.Load()-before, "one round trip per token")
	t.Logf("first token of an appointment: %d round trips; each later token: 1", first)
}

// TestReplicasNeverSplitAnAppointment runs two replicas on one Redis whose views of the
// primary's health disagree and flip during the run: 1,000 appointments, the doctor's token
// from replica A and the patient's from replica B, concurrently. Migration notices are
// followed as an application would (the listed participants fetch a new token).
func TestReplicasNeverSplitAnAppointment(t *testing.T) {
	st, _ := newStore(t)
	replicasNeverSplit(t, st)
}

// replicasNeverSplit is TestReplicasNeverSplitAnAppointment on st.
func replicasNeverSplit(t *testing.T, st video.Store) {
	fast := func(cfg *video.Config) {
		cfg.Health.Interval = time.Millisecond
		cfg.Health.RecoveryProbes = 1
	}
	a, b := newReplica(t, st, fast), newReplica(t, st, fast)
	stop, flipped := make(chan struct{}), make(chan struct{})
	var flips atomic.Int64
	go func() {
		defer close(flipped)
		for up := true; ; up = !up {
			a.ov.SetHealthy(up)
			b.ov.SetHealthy(!up)
			flips.Add(1)
			select {
			case <-stop:
				return
			case <-time.After(2 * time.Millisecond): // the fault's schedule
			}
		}
	}()

	type key struct{ appt, user string }
	var mu sync.Mutex
	latest := map[key]*video.MeetingToken{}
	get := func(r *replica, appt, user string, role video.Role) {
		tok, err := r.svc.GenerateMeetingToken(context.Background(), appt, user, role, video.UserInfo{})
		if !assert.NoError(t, err) {
			return
		}
		mu.Lock()
		latest[key{appt, user}] = tok
		mu.Unlock()
	}
	const n = 1000
	var wg sync.WaitGroup
	sem := make(chan struct{}, 64)
	for i := range n {
		appt := fmt.Sprintf("appt-%04d", i)
		for _, job := range []func(){
			func() { get(a, appt, "doc", video.RoleDoctor) },
			func() { get(b, appt, "pat", video.RolePatient) },
		} {
			wg.Add(1)
			sem <- struct{}{}
			go func() { defer wg.Done(); defer func() { <-sem }(); job() }()
		}
	}
	wg.Wait()
	close(stop)
	<-flipped

	migrations := 0
	for drained := false; !drained; {
		select {
		case nt := <-a.notices:
			migrations++
			for _, p := range nt.Migration.Participants {
				get(a, nt.AppointmentID, p.UserID, p.Role)
			}
		case nt := <-b.notices:
			migrations++
			for _, p := range nt.Migration.Participants {
				get(b, nt.AppointmentID, p.UserID, p.Role)
			}
		default:
			drained = true
		}
	}

	split := 0
	pinned := map[video.ProviderName]int{}
	for i := range n {
		appt := fmt.Sprintf("appt-%04d", i)
		d, p := latest[key{appt, "doc"}], latest[key{appt, "pat"}]
		require.NotNil(t, d)
		require.NotNil(t, p)
		c, err := st.Get(context.Background(), appt)
		require.NoError(t, err)
		if d.Provider != p.Provider || d.Room != p.Room || d.Provider != c.Provider || d.Room != c.Room {
			split++
		}
		pinned[c.Provider]++
	}
	assert.Equal(t, 0, split, "appointments whose doctor and patient hold tokens for different meetings")
	assert.Positive(t, migrations, "the disagreeing replicas forced re-pins, whose notices were followed")
	t.Logf("flips=%d migrations=%d pinned openvidu=%d jitsi=%d", flips.Load(), migrations, pinned["openvidu"], pinned["jitsi"])
}

// TestRestartedReplicaLosesNothing replaces a replica by a new Service on the same Redis in
// the middle of a run.
func TestRestartedReplicaLosesNothing(t *testing.T) {
	st, _ := newStore(t)
	ctx := context.Background()
	const n = 200
	work := func(r *replica, i int) {
		appt := fmt.Sprintf("appt-%03d", i)
		_, err := r.svc.GenerateMeetingToken(ctx, appt, "doc", video.RoleDoctor, video.UserInfo{})
		require.NoError(t, err)
		require.NoError(t, r.svc.ReportTechnicalIssue(ctx, appt, "pat", video.TechnicalIssue{Category: video.IssueAudio, Description: appt}))
		require.NoError(t, r.svc.ProcessRecording(ctx, appt, video.Recording{ID: "rec-" + appt, Status: video.RecordingComplete, Location: "s3://r/" + appt}))
	}
	first := newReplica(t, st, nil)
	for i := range n / 2 {
		work(first, i)
	}
	pins := map[string]string{}
	for i := range n / 2 {
		c, err := st.Get(ctx, fmt.Sprintf("appt-%03d", i))
		require.NoError(t, err)
		pins[c.AppointmentID] = string(c.Provider) + "/" + c.Room
	}
	require.NoError(t, first.svc.Close())

	second := newReplica(t, st, nil)
	for i := n / 2; i < n; i++ {
		work(second, i)
	}
	for i := range n {
		appt := fmt.Sprintf("appt-%03d", i)
		c, err := second.svc.ConsultationStatus(ctx, appt)
		require.NoError(t, err, appt)
		assert.Len(t, c.Issues, 1, appt)
		assert.Len(t, c.Recordings, 1, appt)
		assert.Len(t, c.Participants, 1, appt)
		if want, ok := pins[appt]; ok {
			assert.Equal(t, want, string(c.Provider)+"/"+c.Room, "the restarted replica keeps the pin")
			tok, err := second.svc.GenerateMeetingToken(ctx, appt, "pat", video.RolePatient, video.UserInfo{})
			require.NoError(t, err)
			assert.Equal(t, want, string(tok.Provider)+"/"+tok.Room)
		}
	}
}

func TestRedisDownFailsClosedWithAClearError(t *testing.T) {
	st := redisstore.New(client(t, "127.0.0.1:1"), redisstore.Options{})
	r := newReplica(t, st, nil)
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	_, err := r.svc.GenerateMeetingToken(ctx, "a1", "doc", video.RoleDoctor, video.UserInfo{})
	require.ErrorIs(t, err, video.ErrStore)
	assert.Contains(t, err.Error(), "connection refused")
	assert.NoError(t, ctx.Err(), "it failed before the deadline")
	assert.Zero(t, r.ov.Calls(videotest.OpIssueToken)+r.jt.Calls(videotest.OpIssueToken), "no token without the store")
	var verr *video.Error
	require.True(t, errors.As(err, &verr))
}

// TestAWindowSetOnOneReplicaBindsTheOthers: the window lives in the record on Redis, so a
// reschedule on replica A binds replica B's next token, whatever B remembers.
func TestAWindowSetOnOneReplicaBindsTheOthers(t *testing.T) {
	st, _ := newStore(t)
	a, b := newReplica(t, st, nil), newReplica(t, st, nil)
	ctx := context.Background()
	now := time.Now()
	tomorrow := video.Window{Start: now.Add(24 * time.Hour), End: now.Add(25 * time.Hour)}
	current := video.Window{Start: now.Add(-time.Minute), End: now.Add(time.Hour)}
	_, err := a.svc.Schedule(ctx, "a1", tomorrow)
	require.NoError(t, err)
	_, err = b.svc.GenerateMeetingToken(ctx, "a1", "pat", video.RolePatient, video.UserInfo{})
	require.ErrorIs(t, err, video.ErrTooEarly)
	_, err = a.svc.Schedule(ctx, "a1", current)
	require.NoError(t, err)
	_, err = b.svc.GenerateMeetingToken(ctx, "a1", "pat", video.RolePatient, video.UserInfo{})
	require.NoError(t, err, "rescheduled to now on A: B issues")
	_, err = a.svc.Schedule(ctx, "a1", tomorrow)
	require.NoError(t, err)
	_, err = b.svc.GenerateMeetingToken(ctx, "a1", "doc", video.RoleDoctor, video.UserInfo{})
	require.ErrorIs(t, err, video.ErrTooEarly, "rescheduled to tomorrow on A: B refuses")
	c, err := st.Get(ctx, "a1")
	require.NoError(t, err)
	assert.True(t, c.Window.Equal(video.Window{Start: tomorrow.Start.UTC().Truncate(time.Microsecond), End: tomorrow.End.UTC().Truncate(time.Microsecond)}))
}

// TestConsentAndAttendanceAcrossReplicas: a consent given on one replica and events received
// by another are in the record on Redis, for every replica: recording waits for it, withdrawing
// it on one replica stops a recording another started, and attendance reads the same anywhere.
func TestConsentAndAttendanceAcrossReplicas(t *testing.T) {
	st, _ := newStore(t)
	ov, jt := videotest.NewProvider("openvidu"), videotest.NewProvider("jitsi") // one server, seen by both replicas
	cfg := video.DefaultConfig()
	cfg.RoomKey = roomKey
	svc := func() *video.Service {
		s, err := video.New(cfg, []video.Provider{ov, jt}, video.WithStore(st))
		require.NoError(t, err)
		t.Cleanup(func() { s.Close() })
		return s
	}
	a, b := svc(), svc()
	ctx := context.Background()
	doc, err := a.GenerateMeetingToken(ctx, "a1", "doc", video.RoleDoctor, video.UserInfo{})
	require.NoError(t, err)
	_, err = b.GenerateMeetingToken(ctx, "a1", "pat", video.RolePatient, video.UserInfo{})
	require.NoError(t, err)

	_, err = a.StartRecording(ctx, "a1", "doc", video.RoleDoctor)
	require.ErrorIs(t, err, video.ErrConsentRequired)
	_, err = b.RecordConsent(ctx, "a1", "pat", true)
	require.NoError(t, err)
	_, err = a.StartRecording(ctx, "a1", "doc", video.RoleDoctor)
	require.NoError(t, err, "the consent given on B lets A record")
	c, err := b.RecordConsent(ctx, "a1", "pat", false)
	require.NoError(t, err)
	assert.Equal(t, 1, ov.Calls(videotest.OpStopRecording), "B stopped the recording A started")
	require.Len(t, c.Recordings, 1)
	assert.Equal(t, video.RecordingComplete, c.Recordings[0].Status)
	require.Len(t, c.Consents, 2)

	joined := time.Now().Add(-time.Minute).Truncate(time.Millisecond)
	for _, ev := range []video.WebhookEvent{
		{ID: "j1", Kind: video.WebhookParticipantJoined, Room: doc.Room, UserID: "pat", Role: video.RolePatient, At: joined, SessionStart: joined},
		{ID: "l1", Kind: video.WebhookParticipantLeft, Room: doc.Room, UserID: "pat", Role: video.RolePatient, At: joined.Add(30 * time.Second), SessionStart: joined},
	} {
		w := httptest.NewRecorder()
		a.WebhookHandler().ServeHTTP(w, ov.WebhookRequest(ev))
		require.Equal(t, http.StatusOK, w.Code)
	}
	got, err := b.ConsultationStatus(ctx, "a1")
	require.NoError(t, err)
	var pat video.Attendance
	for _, at := range got.Attendance {
		if at.UserID == "pat" {
			pat = at
		}
	}
	assert.Equal(t, video.AttendanceAttended, pat.State, "events received by A, read on B")
	assert.Equal(t, 30*time.Second, pat.Connected)
}
