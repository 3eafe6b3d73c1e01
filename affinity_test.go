package video_test

import (
	"context"
	"errors"
	"log/slog"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	video "github.com/teleconsult/video"
	"github.com/teleconsult/video/videotest"
)

func TestLaterTokensComeFromThePin(t *testing.T) {
	r := newRig(t, testConfig())
	doc := r.token(t, "a1", "doc", video.RoleDoctor)
	pat := r.token(t, "a1", "pat", video.RolePatient)
	obs := r.token(t, "a1", "obs", video.RoleObserver)
	assert.Equal(t, doc.Room, obs.Room)
	assert.Equal(t, doc.Provider, pat.Provider)
	assert.Equal(t, doc.Room, pat.Room)
	assert.Regexp(t, `^consult-[a-z2-7]{32}$`, doc.Room)
	assert.NotContains(t, doc.Room, "a1")
	assert.Equal(t, 1, r.ov.Calls(videotest.OpCreateRoom), "the room is created once, at the pin")
}

func TestRoomNamesAgreeAcrossReplicas(t *testing.T) {
	a, b := newRig(t, testConfig()), newRig(t, testConfig())
	assert.Equal(t, a.token(t, "a1", "doc", video.RoleDoctor).Room, b.token(t, "a1", "doc", video.RoleDoctor).Room)
	other := testConfig()
	other.RoomKey = "a-different-room-key-of-enough-length"
	c := newRig(t, other)
	assert.NotEqual(t, a.token(t, "a2", "doc", video.RoleDoctor).Room, c.token(t, "a2", "doc", video.RoleDoctor).Room)
}

func TestConfirmedDownPinMigratesOnceAndNotifies(t *testing.T) {
	r := newRig(t, testConfig())
	doc := r.token(t, "a1", "doc", video.RoleDoctor)
	require.Equal(t, ovName, doc.Provider)

	r.ov.SetHealthy(false)
	r.refresh(t)
	pat := r.token(t, "a1", "pat", video.RolePatient)
	assert.Equal(t, jtName, pat.Provider)

	require.Equal(t, int64(1), r.migrated.Load())
	n := <-r.notices
	assert.Equal(t, "a1", n.AppointmentID)
	assert.Equal(t, ovName, n.Migration.From)
	assert.Equal(t, jtName, n.Migration.To)
	require.Len(t, n.Migration.Participants, 1)
	assert.Equal(t, "doc", n.Migration.Participants[0].UserID, "the doctor holds a token for the old pin and must rejoin")
	assert.Contains(t, n.Migration.Reason, "down")

	doc2 := r.token(t, "a1", "doc", video.RoleDoctor)
	assert.Equal(t, pat.Provider, doc2.Provider)
	assert.Equal(t, pat.Room, doc2.Room)
	assert.Equal(t, int64(1), r.migrated.Load(), "one migration, not one per request")

	c, err := r.svc.ConsultationStatus(context.Background(), "a1")
	require.NoError(t, err)
	assert.Equal(t, jtName, c.Provider)
	require.Len(t, c.Migrations, 1)
	warns := r.logs.find(slog.LevelWarn, "consultation migrated to another provider")
	require.Len(t, warns, 1)
	assert.Equal(t, "a1", warns[0]["appointment_id"])
	assert.Equal(t, "1", warns[0]["participants_to_rejoin"])
}

func TestIssueTokenFailureOnThePinMigrates(t *testing.T) {
	r := newRig(t, testConfig())
	r.token(t, "a1", "doc", video.RoleDoctor)
	r.ov.Fail(videotest.OpIssueToken, errors.New("signing key unavailable"))
	pat := r.token(t, "a1", "pat", video.RolePatient)
	assert.Equal(t, jtName, pat.Provider)
	assert.Equal(t, int64(1), r.migrated.Load())
	assert.Len(t, r.logs.find(slog.LevelWarn, "provider failed to issue a token"), 1)
}

func TestNoMigrationTargetFailsWithBothCauses(t *testing.T) {
	r := newRig(t, testConfig())
	r.token(t, "a1", "doc", video.RoleDoctor)
	r.ov.SetHealthy(false)
	r.jt.SetHealthy(false)
	r.refresh(t)
	_, err := r.svc.GenerateMeetingToken(context.Background(), "a1", "pat", video.RolePatient, video.UserInfo{})
	assert.ErrorIs(t, err, video.ErrAllProvidersFailed)
	causes := video.ProviderErrors(err)
	require.Len(t, causes, 2)
	assert.Equal(t, ovName, causes[0].Provider)
	assert.Equal(t, jtName, causes[1].Provider)
	c, err := r.svc.ConsultationStatus(context.Background(), "a1")
	require.NoError(t, err)
	assert.Equal(t, ovName, c.Provider, "a failed migration leaves the pin as it was")
	assert.Len(t, c.Participants, 1)
}

// TestAffinityUnderFlappingPrimary pins 500 appointments to the primary, then requests the
// doctor's and the patient's tokens concurrently while the primary flaps, then takes the
// primary down for good so that every appointment still on it must move, and does what an
// application does with each migration notice: the listed participants fetch a new token. No
// appointment may end with its two participants in different providers or rooms.
func TestAffinityUnderFlappingPrimary(t *testing.T) {
	cfg := testConfig()
	cfg.Health.Interval = time.Millisecond
	cfg.Health.RecoveryProbes = 1
	ov, jt := videotest.NewProvider(ovName), videotest.NewProvider(jtName)
	notices := make(chan video.MigrationNotice, 100000)
	svc, err := video.New(cfg, []video.Provider{ov, jt}, video.WithOnMigrate(func(_ context.Context, n video.MigrationNotice) { notices <- n }))
	require.NoError(t, err)
	defer svc.Close()

	const n = 500
	type key struct{ appt, user string }
	var mu sync.Mutex
	latest := make(map[key]*video.MeetingToken)
	get := func(appt, user string, role video.Role) {
		tok, err := svc.GenerateMeetingToken(context.Background(), appt, user, role, video.UserInfo{})
		if !assert.NoError(t, err) {
			return
		}
		mu.Lock()
		latest[key{appt, user}] = tok
		mu.Unlock()
	}
	for i := range n { // pinned to the primary while it is healthy
		get(appt(i), "doc", video.RoleDoctor)
	}

	stop := make(chan struct{})
	var flaps atomic.Int64
	flapped := make(chan struct{})
	go func() {
		defer close(flapped)
		for down := true; ; down = !down {
			select {
			case <-stop:
				ov.FailAll(nil)
				return
			default:
			}
			if down {
				ov.FailAll(errors.New("flap"))
			} else {
				ov.FailAll(nil)
			}
			flaps.Add(1)
			time.Sleep(200 * time.Microsecond) // the fault's schedule, not a wait for a result
		}
	}()

	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() { get(appt(i), "doc", video.RoleDoctor) })
		wg.Go(func() { get(appt(i), "pat", video.RolePatient) })
	}
	wg.Wait()
	close(stop)
	<-flapped
	ov.SetHealthy(false) // down for good: whatever is still pinned to it must move
	for i := range n {
		wg.Go(func() { get(appt(i), "pat", video.RolePatient) })
	}
	wg.Wait()

	migrations := 0
	for done := false; !done; {
		select {
		case note := <-notices:
			migrations++
			for _, p := range note.Migration.Participants {
				get(note.AppointmentID, p.UserID, p.Role)
			}
		default:
			done = true
		}
	}

	split := 0
	served := map[video.ProviderName]int{}
	for i := range n {
		d, p := latest[key{appt(i), "doc"}], latest[key{appt(i), "pat"}]
		require.NotNil(t, d)
		require.NotNil(t, p)
		c, err := svc.ConsultationStatus(context.Background(), appt(i))
		require.NoError(t, err)
		if d.Provider != p.Provider || d.Room != p.Room || d.Provider != c.Provider || d.Room != c.Room {
			split++
		}
		served[c.Provider]++
	}
	assert.Equal(t, 0, split, "appointments whose participants hold tokens for different meetings")
	assert.Positive(t, flaps.Load())
	assert.GreaterOrEqual(t, migrations, n, "every appointment left the primary at least once, and its notice was followed")
	assert.Zero(t, served[ovName], "nothing stays on a primary that is down")
	t.Logf("flaps=%d migrations=%d pinned openvidu=%d jitsi=%d", flaps.Load(), migrations, served[ovName], served[jtName])
}
