package video_test

import (
	"context"
	"errors"
	"log/slog"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	video "github.com/teleconsult/video"
	"github.com/teleconsult/video/videotest"
)

func TestPrimaryHealthyServesPrimary(t *testing.T) {
	r := newRig(t, testConfig())
	tok := r.token(t, "a1", "doc", video.RoleDoctor)
	assert.Equal(t, ovName, tok.Provider)
	assert.Equal(t, ovName, r.svc.CurrentProvider())
	assert.Equal(t, jtName, r.svc.FallbackProvider())
	assert.Len(t, r.logs.find(slog.LevelInfo, "video service initialised"), 1)
	init := r.logs.find(slog.LevelInfo, "video service initialised")[0]
	assert.Equal(t, "openvidu", init["primary"])
	assert.Equal(t, "jitsi", init["fallback"])
	assert.Empty(t, r.logs.find(slog.LevelWarn, "primary provider unhealthy, using fallback"))
}

func TestPrimaryUnhealthyUsesFallbackAndWarns(t *testing.T) {
	r := newRig(t, testConfig())
	r.ov.SetHealthy(false)
	tok := r.token(t, "a1", "doc", video.RoleDoctor)
	assert.Equal(t, jtName, tok.Provider)
	assert.Equal(t, jtName, r.svc.CurrentProvider())
	warns := r.logs.find(slog.LevelWarn, "primary provider unhealthy, using fallback")
	require.Len(t, warns, 1)
	assert.Equal(t, "openvidu", warns[0]["provider"])
	assert.Equal(t, "jitsi", warns[0]["fallback"])
	assert.Equal(t, "down", warns[0]["state"])
	assert.Contains(t, warns[0]["error"], videotest.ErrFakeDown.Error())

	for i := range 50 {
		r.token(t, appt(i), "doc", video.RoleDoctor)
	}
	assert.Len(t, r.logs.find(slog.LevelWarn, "primary provider unhealthy, using fallback"), 1,
		"an outage is logged once per health interval, not once per request")
	r.clock.Advance(2 * time.Minute)
	r.token(t, "a-later", "doc", video.RoleDoctor)
	assert.Len(t, r.logs.find(slog.LevelWarn, "primary provider unhealthy, using fallback"), 2)
}

func TestPrimaryErrorTriesFallbackAndWarnsWithTheError(t *testing.T) {
	r := newRig(t, testConfig())
	r.ov.Fail(videotest.OpCreateRoom, errors.New("twirp: connection reset by peer"))
	tok := r.token(t, "a1", "doc", video.RoleDoctor)
	assert.Equal(t, jtName, tok.Provider)
	warns := r.logs.find(slog.LevelWarn, "primary provider failed, trying fallback")
	require.Len(t, warns, 1)
	assert.Equal(t, "openvidu", warns[0]["provider"])
	assert.Equal(t, "jitsi", warns[0]["fallback"])
	assert.Equal(t, "twirp: connection reset by peer", warns[0]["error"])

	h := r.svc.Health(context.Background())
	assert.Equal(t, video.HealthDown, h.Providers[0].State, "a failed call marks the provider down at once")
	assert.Equal(t, jtName, r.svc.CurrentProvider())
	r.token(t, "a2", "doc", video.RoleDoctor)
	assert.Equal(t, 1, r.ov.Calls(videotest.OpCreateRoom), "a provider marked down is not called again")
}

func TestVideoProviderMustNameAProviderGiven(t *testing.T) {
	cfg := testConfig()
	cfg.Provider = ovName
	_, err := video.New(cfg, []video.Provider{videotest.NewProvider(jtName)})
	require.ErrorIs(t, err, video.ErrInvalidConfig, "a typo, or its provider left unconfigured")
	var verr *video.Error
	require.ErrorAs(t, err, &verr)
	assert.Equal(t, "VIDEO_PROVIDER", verr.Field)
	var typed *videotest.Provider
	_, err = video.New(testConfig(), []video.Provider{typed, videotest.NewProvider(jtName)})
	require.ErrorIs(t, err, video.ErrInvalidArgument, "a typed nil is refused, not called")
}

func TestOneProviderServesAlone(t *testing.T) {
	cfg := testConfig()
	jt := videotest.NewProvider(jtName)
	svc, err := video.New(cfg, []video.Provider{jt})
	require.NoError(t, err)
	defer svc.Close()
	tok, err := svc.GenerateMeetingToken(context.Background(), "a1", "pat", video.RolePatient, video.UserInfo{})
	require.NoError(t, err)
	assert.Equal(t, jtName, tok.Provider)
	assert.Equal(t, jtName, svc.CurrentProvider())
	assert.Equal(t, jtName, svc.PrimaryProvider())
	assert.Equal(t, video.ProviderName(""), svc.FallbackProvider())
}

func TestNewRefusesBadProviderLists(t *testing.T) {
	for name, ps := range map[string][]video.Provider{
		"none":           nil,
		"nil":            {nil, videotest.NewProvider(jtName)},
		"duplicate":      {videotest.NewProvider(jtName), videotest.NewProvider(jtName)},
		"malformed name": {videotest.NewProvider("Open Vidu")},
	} {
		_, err := video.New(testConfig(), ps)
		require.ErrorIs(t, err, video.ErrInvalidArgument, name)
		var verr *video.Error
		require.ErrorAs(t, err, &verr)
		assert.Equal(t, "providers", verr.Field, name)
	}
}

func TestOrderGivenWithoutVideoProvider(t *testing.T) {
	a, b, c := videotest.NewProvider("zeta"), videotest.NewProvider("alpha"), videotest.NewProvider("mid")
	svc, err := video.New(testConfig(), []video.Provider{a, b, c})
	require.NoError(t, err)
	defer svc.Close()
	assert.Equal(t, video.ProviderName("zeta"), svc.PrimaryProvider())
	assert.Equal(t, video.ProviderName("alpha"), svc.FallbackProvider())
	var names []video.ProviderName
	for _, p := range svc.CachedHealth().Providers {
		names = append(names, p.Provider)
	}
	assert.Equal(t, []video.ProviderName{"zeta", "alpha", "mid"}, names)
}

func TestVideoProviderJitsiMakesJitsiPrimary(t *testing.T) {
	cfg := testConfig()
	cfg.Provider = jtName
	r := newRig(t, cfg)
	tok := r.token(t, "a1", "doc", video.RoleDoctor)
	assert.Equal(t, jtName, tok.Provider)
	assert.Equal(t, jtName, r.svc.PrimaryProvider())
	assert.Equal(t, ovName, r.svc.FallbackProvider())
}

func TestBothFailWrapsBothCausesAndLogsError(t *testing.T) {
	r := newRig(t, testConfig())
	errOV := errors.New("openvidu: dial tcp 127.0.0.1:7880: connection refused")
	errJT := errors.New("jitsi: 502 bad gateway")
	r.ov.Fail(videotest.OpCreateRoom, errOV)
	r.jt.Fail(videotest.OpCreateRoom, errJT)

	_, err := r.svc.GenerateMeetingToken(context.Background(), "a1", "doc", video.RoleDoctor, video.UserInfo{})
	require.Error(t, err)
	assert.ErrorIs(t, err, video.ErrAllProvidersFailed)
	assert.ErrorIs(t, err, errOV)
	assert.ErrorIs(t, err, errJT)
	causes := video.ProviderErrors(err)
	require.Len(t, causes, 2)
	assert.Equal(t, ovName, causes[0].Provider)
	assert.Equal(t, jtName, causes[1].Provider)
	var verr *video.Error
	require.ErrorAs(t, err, &verr)
	assert.Equal(t, "GenerateMeetingToken", verr.Op)

	errs := r.logs.find(slog.LevelError, "all video providers failed")
	require.Len(t, errs, 1)
	assert.Equal(t, errOV.Error(), errs[0]["openvidu_error"])
	assert.Equal(t, errJT.Error(), errs[0]["jitsi_error"])

	_, err = r.svc.ConsultationStatus(context.Background(), "a1")
	assert.ErrorIs(t, err, video.ErrNotFound, "nothing is written for an appointment that got no token")
}

func TestBothKnownDownFailsWithoutCalling(t *testing.T) {
	r := newRig(t, testConfig())
	r.ov.SetHealthy(false)
	r.jt.SetCheckError(errors.New("jitsi health: 500"))
	_, err := r.svc.GenerateMeetingToken(context.Background(), "a1", "doc", video.RoleDoctor, video.UserInfo{})
	assert.ErrorIs(t, err, video.ErrAllProvidersFailed)
	assert.ErrorIs(t, err, videotest.ErrFakeDown)
	assert.ErrorContains(t, err, "jitsi health: 500")
	assert.Zero(t, r.ov.Calls(videotest.OpCreateRoom)+r.jt.Calls(videotest.OpCreateRoom))
}

func TestConcurrentRequestsWhileFirstProbeBlocks(t *testing.T) {
	r := newRig(t, testConfig())
	release := r.ov.BlockChecks()
	defer release()

	const n = 1000
	type result struct {
		tok *video.MeetingToken
		err error
	}
	results := make(chan result, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() {
			tok, err := r.svc.GenerateMeetingToken(context.Background(), appt(i), "doc", video.RoleDoctor, video.UserInfo{})
			results <- result{tok, err}
		})
	}
	// Everyone but the primary's probe leader finishes while the probe is still blocked.
	perProvider := map[video.ProviderName]int{}
	for range n - 1 {
		res := <-results
		require.NoError(t, res.err)
		perProvider[res.tok.Provider]++
	}
	assert.Equal(t, 1, r.ov.ChecksInFlight(), "the primary's probe is still blocked")
	assert.Equal(t, n-1, perProvider[jtName], "non-leaders went straight to the fallback")

	release()
	wg.Wait()
	last := <-results
	require.NoError(t, last.err)
	assert.Equal(t, ovName, last.tok.Provider, "the leader waited for the probe and got the primary")

	assert.Equal(t, 1, r.ov.Calls(videotest.OpCheck), "one probe of the primary for a thousand callers")
	assert.Equal(t, 1, r.ov.MaxChecksInFlight())
	assert.Equal(t, 1, r.jt.MaxChecksInFlight())
	h := r.svc.Health(context.Background())
	assert.Equal(t, int64(1), h.Providers[0].ProbeWaits, "only the primary's leader waited on its probe")
	assert.Equal(t, 1, r.jt.Calls(videotest.OpCheck), "one probe of the fallback too")
	// Callers that found neither provider answered yet join the fallback's own first probe
	// (a fast one here) rather than the primary's blocked one: ProbeWaits counts them.
	t.Logf("requests that joined the fallback's first probe: %d", h.Providers[1].ProbeWaits)
}

func TestStaleAnswerServesWhileProbeBlocks(t *testing.T) {
	r := newRig(t, testConfig())
	r.token(t, "warm", "doc", video.RoleDoctor)
	release := r.ov.BlockChecks()
	defer release()
	r.clock.Advance(2 * time.Minute)
	for i := range 100 {
		tok := r.token(t, appt(i), "doc", video.RoleDoctor)
		assert.Equal(t, ovName, tok.Provider)
	}
	require.Eventually(t, func() bool { return r.ov.ChecksInFlight() == 1 }, 5*time.Second, time.Millisecond,
		"one revalidation in flight")
	assert.Equal(t, 2, r.ov.Calls(videotest.OpCheck), "the first probe and one revalidation for a hundred requests")
	release()
	h := r.svc.Health(context.Background())
	assert.Equal(t, int64(1), h.Providers[0].ProbeWaits, "only the very first request waited (on the first probe), none on the revalidation")
}

func TestRecoveryNeedsConsecutiveGoodProbes(t *testing.T) {
	cfg := testConfig()
	cfg.Health.RecoveryProbes = 3
	r := newRig(t, cfg)
	r.ov.SetHealthy(false)
	assert.Equal(t, jtName, r.token(t, "pinned-on-jitsi", "doc", video.RoleDoctor).Provider)

	r.ov.SetHealthy(true)
	for i := 1; i < 3; i++ {
		h := r.refresh(t)
		assert.Equal(t, video.HealthDown, h.Providers[0].State, "good probe %d of 3", i)
		assert.Equal(t, jtName, r.token(t, appt(i), "doc", video.RoleDoctor).Provider)
	}
	h := r.refresh(t)
	assert.Equal(t, video.HealthUp, h.Providers[0].State)
	assert.True(t, h.Healthy)
	assert.Equal(t, ovName, r.token(t, "new-after-recovery", "doc", video.RoleDoctor).Provider)
	assert.Equal(t, jtName, r.token(t, "pinned-on-jitsi", "pat", video.RolePatient).Provider,
		"a pinned appointment stays where it is")
}

func TestMisconfiguredIsReportedDistinctly(t *testing.T) {
	r := newRig(t, testConfig())
	r.ov.SetCheckError(&video.Error{Kind: video.ErrUnauthenticated, Provider: ovName, Msg: "twirp 401"})
	h := r.svc.Health(context.Background())
	assert.Equal(t, video.HealthMisconfigured, h.Providers[0].State)
	assert.Contains(t, h.Providers[0].LastError, "refused the credentials")
	assert.Equal(t, video.HealthUp, h.Providers[1].State)
	assert.True(t, h.Healthy)
	assert.True(t, r.svc.IsHealthy(context.Background()))
	assert.Equal(t, jtName, r.token(t, "a1", "doc", video.RoleDoctor).Provider)
	logged := r.logs.find(slog.LevelError, "primary provider refused the credentials: configuration error, using fallback")
	require.Len(t, logged, 1, "a configuration error is logged as one, not as an outage")
	assert.Equal(t, "misconfigured", logged[0]["state"])
	assert.Empty(t, r.logs.find(slog.LevelWarn, "primary provider unhealthy, using fallback"))
}

func TestHealthReportBothDown(t *testing.T) {
	r := newRig(t, testConfig())
	r.ov.SetHealthy(false)
	r.jt.SetHealthy(false)
	h := r.svc.Health(context.Background())
	assert.False(t, h.Healthy)
	assert.False(t, r.svc.IsHealthy(context.Background()))
	for _, p := range h.Providers {
		assert.Equal(t, video.HealthDown, p.State)
		assert.NotEmpty(t, p.LastError)
		assert.False(t, p.LastCheck.IsZero())
	}
	assert.True(t, h.Providers[0].Primary)
	assert.False(t, h.Providers[1].Primary)
}

func TestBackgroundProbesStopOnClose(t *testing.T) {
	cfg := testConfig()
	cfg.Health.Background = true
	cfg.Health.Interval = time.Millisecond
	ov, jt := videotest.NewProvider(ovName), videotest.NewProvider(jtName)
	svc, err := video.New(cfg, []video.Provider{ov, jt})
	require.NoError(t, err)
	require.Eventually(t, func() bool { return ov.Calls(videotest.OpCheck) >= 3 && jt.Calls(videotest.OpCheck) >= 3 },
		5*time.Second, time.Millisecond)
	require.NoError(t, svc.Close())
	require.NoError(t, svc.Close(), "Close is idempotent")
	_, err = svc.GenerateMeetingToken(context.Background(), "a1", "doc", video.RoleDoctor, video.UserInfo{})
	assert.ErrorIs(t, err, video.ErrClosed)
}

func TestBlackHoledCallIsBoundedByTheHealthTimeout(t *testing.T) {
	cfg := testConfig()
	cfg.Health.Timeout = 50 * time.Millisecond
	cfg.Health.HedgeRate = 0 // the bound itself; hedging_test.go hedges
	r := newRig(t, cfg)
	r.token(t, "warm", "doc", video.RoleDoctor) // the primary is known up
	r.ov.SetLatency(time.Hour)                  // and now never answers
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	tok, err := r.svc.GenerateMeetingToken(ctx, "a1", "doc", video.RoleDoctor, video.UserInfo{})
	require.NoError(t, err)
	assert.Equal(t, jtName, tok.Provider, "the hung CreateRoom was cut at the health timeout")
	assert.NoError(t, ctx.Err())
	warns := r.logs.find(slog.LevelWarn, "primary provider failed, trying fallback")
	require.Len(t, warns, 1)
	assert.Contains(t, warns[0]["error"], "deadline exceeded")
}

func TestCachedHealthNeverProbes(t *testing.T) {
	r := newRig(t, testConfig())
	h := r.svc.CachedHealth()
	require.Len(t, h.Providers, 2)
	assert.Equal(t, video.HealthUnknown, h.Providers[0].State)
	assert.False(t, h.Healthy)
	assert.Zero(t, r.ov.Calls(videotest.OpCheck)+r.jt.Calls(videotest.OpCheck), "reading the cache probes nothing")
	r.svc.Health(context.Background())
	r.clock.Advance(time.Hour) // every answer is stale now
	h = r.svc.CachedHealth()
	assert.Equal(t, video.HealthUp, h.Providers[0].State, "a stale answer is reported as it is")
	assert.Equal(t, int64(1), h.Providers[0].Probes)
	assert.Equal(t, 1, r.ov.Calls(videotest.OpCheck), "and not refreshed")
}
