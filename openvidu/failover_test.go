package openvidu_test

import (
	"context"
	"fmt"
	"log/slog"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	video "github.com/teleconsult/video"
	"github.com/teleconsult/video/internal/testserver"
	"github.com/teleconsult/video/jitsi"
	"github.com/teleconsult/video/openvidu"
)

// TestFailoverWithARealPrimary kills the livekit-server under a running Service, then starts
// it again: the Service fails over to Jitsi and re-pins the appointment whose provider died,
// and new appointments return to OpenVidu only after the recovery threshold of good probes.
func TestFailoverWithARealPrimary(t *testing.T) {
	lk := testserver.StartLiveKit(t, testserver.LiveKitOptions{})
	cfg := serviceConfig(lk)
	cfg.Health.Timeout = time.Second
	cfg.Health.Interval = 100 * time.Millisecond
	cfg.Health.RecoveryProbes = 3
	cfg.Jitsi = jitsi.DefaultConfig()
	cfg.Jitsi.Domain, cfg.Jitsi.AppID, cfg.Jitsi.AppSecret = "meet.example.com", "app", "jitsi-secret-of-the-failover-test-0123456789abcdef0123456789"
	cfg.Jitsi.HealthProbe = jitsi.ProbeOff
	jt, err := jitsi.New(cfg.Jitsi, jitsi.WithLogger(slog.New(slog.DiscardHandler)))
	require.NoError(t, err)
	notices := make(chan video.MigrationNotice, 16)
	svc, err := video.New(cfg.Config, []video.Provider{newProvider(t, cfg.OpenVidu), jt},
		video.WithOnMigrate(func(_ context.Context, n video.MigrationNotice) { notices <- n }))
	require.NoError(t, err)
	defer svc.Close()
	c := ctx(t)
	health := func() video.ProviderHealth { return svc.Health(c).Providers[0] }      // probes when stale
	cached := func() video.ProviderHealth { return svc.CachedHealth().Providers[0] } // never probes

	doc, err := svc.GenerateMeetingToken(c, "appt-fo", "doc", video.RoleDoctor, video.UserInfo{})
	require.NoError(t, err)
	require.Equal(t, openvidu.Name, doc.Provider)
	mustJoin(t, doc)

	lk.Kill()
	eventually(t, func() bool { return health().State == video.HealthDown }, "the probe finds the primary down")
	pat, err := svc.GenerateMeetingToken(c, "appt-fo", "pat", video.RolePatient, video.UserInfo{})
	require.NoError(t, err)
	assert.Equal(t, jitsi.Name, pat.Provider, "the appointment is re-pinned")
	n := <-notices
	assert.Equal(t, "appt-fo", n.AppointmentID)
	require.Len(t, n.Migration.Participants, 1)
	assert.Equal(t, "doc", n.Migration.Participants[0].UserID, "the doctor must rejoin")
	doc2, err := svc.GenerateMeetingToken(c, "appt-fo", "doc", video.RoleDoctor, video.UserInfo{})
	require.NoError(t, err)
	assert.Equal(t, pat.Room, doc2.Room)
	assert.Equal(t, jitsi.Name, doc2.Provider)

	require.NoError(t, lk.Start())
	probesAtRestart := cached().Probes
	served := map[video.ProviderName]int{}
	for i := 0; served[openvidu.Name] == 0; i++ {
		require.Less(t, i, 2000, "the primary never came back")
		tok, err := svc.GenerateMeetingToken(c, fmt.Sprintf("appt-after-%d", i), "doc", video.RoleDoctor, video.UserInfo{})
		require.NoError(t, err, "no caller sees an error while the fallback serves")
		served[tok.Provider]++
		if tok.Provider == jitsi.Name {
			time.Sleep(10 * time.Millisecond) // pace the requests; the probes run on their own schedule
		}
	}
	h := cached()
	assert.Equal(t, video.HealthUp, h.State)
	// Three consecutive good probes; one of them may have been in flight (at most one: probes
	// are coalesced) while the server came back, and so started before probesAtRestart was read.
	assert.GreaterOrEqual(t, h.Probes-probesAtRestart, int64(2), "back only after three consecutive good probes")
	assert.Positive(t, served[jitsi.Name], "new appointments went to Jitsi until then")
	again, err := svc.GenerateMeetingToken(c, "appt-fo", "pat", video.RolePatient, video.UserInfo{})
	require.NoError(t, err)
	assert.Equal(t, jitsi.Name, again.Provider, "a re-pinned appointment stays where it is")
	t.Logf("after restart: %d tokens from jitsi before the primary came back after %d probes", served[jitsi.Name], h.Probes-probesAtRestart)
}
