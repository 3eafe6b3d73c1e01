package video_test

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	video "github.com/teleconsult/video"
	"github.com/teleconsult/video/videotest"
)

// hedgeConfig makes the hedge and the health timeout short, so that a slow call's fate is
// known within a test.
func hedgeConfig() video.Config {
	cfg := testConfig()
	cfg.Health.Timeout = 600 * time.Millisecond
	cfg.Health.HedgeDelayMin, cfg.Health.HedgeDelayMax = 20*time.Millisecond, 50*time.Millisecond
	return cfg
}

// warm gets a first token from the primary, which starts a probe of the fallback (a hedge
// never goes to a provider nobody checked), and waits for the fallback's answer.
func (r *rig) warm(t *testing.T) *video.MeetingToken {
	t.Helper()
	tok := r.token(t, "warm", "doc", video.RoleDoctor)
	require.Equal(t, ovName, tok.Provider)
	require.Eventually(t, func() bool { return health(r.svc, jtName).State == video.HealthUp }, 5*time.Second, time.Millisecond)
	return tok
}

func health(svc *video.Service, name video.ProviderName) video.ProviderHealth {
	for _, p := range svc.CachedHealth().Providers {
		if p.Provider == name {
			return p
		}
	}
	return video.ProviderHealth{}
}

// TestAHedgeServesWhenThePrimaryStopsAnswering: the primary stops answering; a new
// appointment is served by the fallback once the hedge delay passes, the primary is suspect
// (new rooms skip it, without a hedge) until its call times out, and then it is down.
func TestAHedgeServesWhenThePrimaryStopsAnswering(t *testing.T) {
	obs, opts := observe(t)
	r := newRig(t, hedgeConfig(), opts...)
	warm := r.warm(t)
	r.ov.SetLatency(time.Hour) // answers only when its caller gives up

	tok := r.token(t, "a1", "doc", video.RoleDoctor)
	rooms := []string{warm.Room, tok.Room}
	assert.Equal(t, jtName, tok.Provider, "the hedge answered first")
	ph := health(r.svc, ovName)
	assert.True(t, ph.Suspect)
	assert.Equal(t, video.HealthUp, ph.State, "one slow call does not mark it down")
	assert.EqualValues(t, 1, ph.Hedges)
	assert.EqualValues(t, 1, ph.HedgesWon)

	tok = r.token(t, "a2", "doc", video.RoleDoctor)
	rooms = append(rooms, tok.Room)
	assert.Equal(t, jtName, tok.Provider)
	assert.Equal(t, 2, r.ov.Calls(videotest.OpCreateRoom), "a suspect provider is not asked for a new room")
	assert.EqualValues(t, 1, health(r.svc, ovName).Hedges)

	require.Eventually(t, func() bool { return health(r.svc, ovName).State == video.HealthDown }, 5*time.Second, 5*time.Millisecond,
		"the slow call timed out: down")
	c, err := r.svc.ConsultationStatus(context.Background(), "a1")
	require.NoError(t, err)
	assert.Equal(t, jtName, c.Provider)
	assert.Empty(t, c.Migrations, "the appointment was pinned once, where the hedge served it")

	ms := obs.metrics(t)
	requireOnlyAllowed(t, obs, []string{"openvidu", "jitsi"}, rooms...)
	assert.EqualValues(t, 1, ms.count("video.hedges", "video.from=openvidu", "video.to=jitsi", "video.outcome=won"))
	assert.EqualValues(t, 1, ms.count("video.failovers", "video.from=openvidu", "video.to=jitsi", "video.reason=slow"))
	assert.EqualValues(t, 1, ms.count("video.failovers", "video.from=openvidu", "video.to=jitsi", "video.reason=suspect"))
}

// TestASlowAnswerIsNotAnOutage: the primary answers, late; the hedge served, the primary
// stays up, the room it opened late, nobody's, is closed, and it stays out of the way while
// its health checks are slow too; once one answers promptly it serves again.
func TestASlowAnswerIsNotAnOutage(t *testing.T) {
	r := newRig(t, hedgeConfig())
	r.warm(t)
	r.ov.SetLatency(150 * time.Millisecond)
	tok := r.token(t, "a1", "doc", video.RoleDoctor)
	assert.Equal(t, jtName, tok.Provider)
	require.Eventually(t, func() bool { return r.ov.RoomEnded(tok.Room) }, 5*time.Second, 5*time.Millisecond,
		"the late room is closed")
	ph := health(r.svc, ovName)
	assert.Equal(t, video.HealthUp, ph.State)
	assert.True(t, ph.Suspect, "a slow answer clears nothing")
	assert.EqualValues(t, 1, r.svc.CachedHealth().OrphanRoomsClosed)
	assert.Equal(t, jtName, r.token(t, "a2", "doc", video.RoleDoctor).Provider)
	assert.EqualValues(t, 1, health(r.svc, ovName).Hedges, "a suspect provider is not hedged again: it is not asked")
	assert.Equal(t, 2, r.ov.Calls(videotest.OpCreateRoom))

	r.ov.SetLatency(0)
	r.refresh(t) // a health probe that answers promptly
	assert.False(t, health(r.svc, ovName).Suspect)
	tok = r.token(t, "a3", "doc", video.RoleDoctor)
	assert.Equal(t, ovName, tok.Provider, "the primary serves again")
}

// TestHedgesAreRationed: with VIDEO_HEDGE_RATE=1, of three new appointments whose rooms the
// slow primary is asked for at once, one is hedged; the others wait for the primary, as
// without hedging.
func TestHedgesAreRationed(t *testing.T) {
	cfg := hedgeConfig()
	cfg.Health.HedgeRate = 1
	r := newRig(t, cfg)
	r.warm(t)
	r.ov.SetLatency(300 * time.Millisecond)
	var wg sync.WaitGroup
	got := make([]video.ProviderName, 3)
	for i := range got {
		wg.Go(func() { got[i] = r.token(t, appt(i), "doc", video.RoleDoctor).Provider })
	}
	wg.Wait()
	assert.EqualValues(t, 1, health(r.svc, ovName).Hedges)
	assert.ElementsMatch(t, []video.ProviderName{jtName, ovName, ovName}, got)
}

// TestAHedgeNeverSplitsAnAppointment: a doctor and a patient ask for one new appointment at
// once while the primary is slow; whoever's call wins pins it, and both meet there.
func TestAHedgeNeverSplitsAnAppointment(t *testing.T) {
	r := newRig(t, hedgeConfig())
	r.warm(t)
	for i := range 20 {
		r.ov.SetLatency(0)
		r.refresh(t) // a prompt probe clears the suspicion
		require.False(t, health(r.svc, ovName).Suspect)
		r.ov.SetLatency(60 * time.Millisecond) // past the hedge delay: both calls of the pair are hedged
		var wg sync.WaitGroup
		var doc, pat *video.MeetingToken
		wg.Go(func() { doc = r.token(t, appt(i), "doc", video.RoleDoctor) })
		wg.Go(func() { pat = r.token(t, appt(i), "pat", video.RolePatient) })
		wg.Wait()
		require.Equal(t, doc.Provider, pat.Provider, appt(i))
		require.Equal(t, doc.Room, pat.Room, appt(i))
		c, err := r.svc.ConsultationStatus(context.Background(), appt(i))
		require.NoError(t, err)
		require.Equal(t, doc.Provider, c.Provider)
	}
	assert.GreaterOrEqual(t, health(r.svc, ovName).Hedges, int64(20), "every appointment was hedged")
}

// TestNoHedgeWithHedgingOff: VIDEO_HEDGE_RATE=0 waits for the slow primary.
func TestNoHedgeWithHedgingOff(t *testing.T) {
	cfg := hedgeConfig()
	cfg.Health.HedgeRate = 0
	r := newRig(t, cfg)
	r.warm(t)
	r.ov.SetLatency(100 * time.Millisecond)
	assert.Equal(t, ovName, r.token(t, "a1", "doc", video.RoleDoctor).Provider)
	assert.Zero(t, health(r.svc, ovName).Hedges)
	assert.Zero(t, r.jt.Calls(videotest.OpCreateRoom))
}

// remoteFake is a fake whose tokens are a call to its server, as OpenVidu 2's are, and which
// can be made slow at that call alone.
type remoteFake struct {
	*videotest.Provider
	slowTokens chan struct{} // closed: IssueToken waits until its context ends
}

func (p *remoteFake) TokensAreRemote() bool { return true }

func (p *remoteFake) IssueToken(ctx context.Context, req video.TokenRequest) (*video.Token, error) {
	select {
	case <-p.slowTokens:
		<-ctx.Done()
		return nil, ctx.Err()
	default:
		return p.Provider.IssueToken(ctx, req)
	}
}

// TestASlowRemoteTokenOfAFreshPinIsHedged: the primary opens the room of a new appointment
// but does not answer for its token; the pin, which nobody holds yet, moves to the fallback
// and the token comes from there. A token of a pin somebody holds is not moved: it waits.
func TestASlowRemoteTokenOfAFreshPinIsHedged(t *testing.T) {
	ov := &remoteFake{Provider: videotest.NewProvider(ovName), slowTokens: make(chan struct{})}
	jt := videotest.NewProvider(jtName)
	var notices []video.MigrationNotice
	var mu sync.Mutex
	svc, err := video.New(hedgeConfig(), []video.Provider{ov, jt}, video.WithOnMigrate(func(_ context.Context, n video.MigrationNotice) {
		mu.Lock()
		defer mu.Unlock()
		notices = append(notices, n)
	}))
	require.NoError(t, err)
	defer svc.Close()
	ctx := context.Background()
	held, err := svc.GenerateMeetingToken(ctx, "held", "doc", video.RoleDoctor, video.UserInfo{})
	require.NoError(t, err)
	require.Equal(t, ovName, held.Provider)
	close(ov.slowTokens)

	tok, err := svc.GenerateMeetingToken(ctx, "fresh", "doc", video.RoleDoctor, video.UserInfo{})
	require.NoError(t, err)
	assert.Equal(t, jtName, tok.Provider, "the fresh pin moved to where the token came from")
	c, err := svc.ConsultationStatus(ctx, "fresh")
	require.NoError(t, err)
	assert.Equal(t, jtName, c.Provider)
	require.Len(t, c.Migrations, 1)
	assert.Equal(t, "provider slow", c.Migrations[0].Reason)
	assert.Empty(t, c.Migrations[0].Participants, "nobody held a token of it")
	require.Len(t, c.Participants, 1)
	assert.Equal(t, jtName, c.Participants[0].Provider)
	ph := health(svc, ovName)
	assert.EqualValues(t, 1, ph.HedgesWon)
	assert.True(t, ph.Suspect)

	pat, err := svc.GenerateMeetingToken(ctx, "held", "pat", video.RolePatient, video.UserInfo{})
	require.NoError(t, err)
	assert.EqualValues(t, 1, health(svc, ovName).Hedges, "a held pin is not moved by a hedge: its token was waited for")
	assert.Equal(t, video.HealthDown, health(svc, ovName).State, "it timed out: down")
	assert.Equal(t, jtName, pat.Provider, "then the appointment migrated, as on any failure")
	mu.Lock()
	defer mu.Unlock()
	require.Len(t, notices, 2)
	assert.Equal(t, "fresh", notices[0].AppointmentID)
	assert.Empty(t, notices[0].Migration.Participants)
	assert.Equal(t, "held", notices[1].AppointmentID)
	require.Len(t, notices[1].Migration.Participants, 1, "the doctor who held a token of it rejoins")
	assert.Equal(t, "doc", notices[1].Migration.Participants[0].UserID)
}

// TestALateAnswerNeverClosesARoomInUse: a room's name is the appointment's on every provider.
// After the store lost a record, a replica that never saw the pin pins the appointment anew;
// its call to the slow primary is hedged and loses, and its late answer must not close the
// primary's room, where the doctor of the lost pin still is.
func TestALateAnswerNeverClosesARoomInUse(t *testing.T) {
	ov, jt := videotest.NewProvider(ovName), videotest.NewProvider(jtName)
	newReplica := func(st video.Store) *video.Service {
		svc, err := video.New(hedgeConfig(), []video.Provider{ov, jt}, video.WithStore(st))
		require.NoError(t, err)
		t.Cleanup(func() { svc.Close() })
		return svc
	}
	ctx := context.Background()
	a := newReplica(video.NewMemoryStore())
	doc, err := a.GenerateMeetingToken(ctx, "a1", "doc", video.RoleDoctor, video.UserInfo{})
	require.NoError(t, err)
	require.Equal(t, ovName, doc.Provider)
	require.NoError(t, ov.Join(doc.Token))

	b := newReplica(video.NewMemoryStore()) // the record is lost: b's store has none
	_, err = b.GenerateMeetingToken(ctx, "warm", "doc", video.RoleDoctor, video.UserInfo{})
	require.NoError(t, err)
	require.Eventually(t, func() bool { return health(b, jtName).State == video.HealthUp }, 5*time.Second, time.Millisecond)
	ov.SetLatency(150 * time.Millisecond)
	pat, err := b.GenerateMeetingToken(ctx, "a1", "pat", video.RolePatient, video.UserInfo{})
	require.NoError(t, err)
	require.Equal(t, jtName, pat.Provider, "the hedge won")
	checks := ov.Calls(videotest.OpCheck)
	ov.SetLatency(0) // the late call still takes its 150 ms; what follows it does not
	require.Eventually(t, func() bool { return ov.Calls(videotest.OpCheck) > checks }, 5*time.Second, time.Millisecond,
		"the late answer was judged (its room looked into, then the primary's health checked)")
	assert.Positive(t, ov.Calls(videotest.OpParticipants))
	assert.False(t, ov.RoomEnded(doc.Room), "the doctor's room stays open")
	assert.Zero(t, b.CachedHealth().OrphanRoomsClosed)
}

// TestASuspectPrimaryComesBack: a primary hedged around and then marked down serves new
// appointments again once it answers promptly: the requests that pass it over keep its health
// checked.
func TestASuspectPrimaryComesBack(t *testing.T) {
	r := newRig(t, hedgeConfig())
	r.warm(t)
	r.ov.SetLatency(time.Hour)
	require.Equal(t, jtName, r.token(t, "a1", "doc", video.RoleDoctor).Provider)
	require.Eventually(t, func() bool { return health(r.svc, ovName).State == video.HealthDown }, 5*time.Second, time.Millisecond)
	r.ov.SetLatency(0)
	i := 0
	require.Eventually(t, func() bool {
		i++
		r.clock.Advance(2 * time.Minute) // every answer is stale: each request starts a probe of the primary
		return r.token(t, appt(i), "doc", video.RoleDoctor).Provider == ovName
	}, 5*time.Second, time.Millisecond)
	assert.False(t, health(r.svc, ovName).Suspect)
	assert.Equal(t, video.HealthUp, health(r.svc, ovName).State)
}

// TestNoHedgeToAProviderNobodyChecked: a fallback whose health checks fail is never asked
// for a room by a hedge; the caller waits for the slow primary.
func TestNoHedgeToAProviderNobodyChecked(t *testing.T) {
	r := newRig(t, hedgeConfig())
	r.jt.SetCheckError(errors.New("jitsi front down"))
	r.token(t, "warm", "doc", video.RoleDoctor)
	require.Eventually(t, func() bool { return health(r.svc, jtName).State == video.HealthDown }, 5*time.Second, time.Millisecond)
	r.ov.SetLatency(100 * time.Millisecond)
	assert.Equal(t, ovName, r.token(t, "a1", "doc", video.RoleDoctor).Provider)
	assert.Zero(t, health(r.svc, ovName).Hedges)
	assert.Zero(t, r.jt.Calls(videotest.OpCreateRoom))
}
