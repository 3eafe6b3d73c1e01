package openvidu_test

import (
	"context"
	"net/url"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/twitchtv/twirp"

	video "github.com/teleconsult/video"
	"github.com/teleconsult/video/jitsi"
	"github.com/teleconsult/video/openvidu"
	"github.com/teleconsult/video/videotest"
)

func TestCheckOnARealServer(t *testing.T) {
	lk, _ := liveKit(t)
	for _, url := range []string{lk.URL, lk.HTTPURL, lk.URL + "/"} {
		cfg := ovConfig(lk)
		cfg.URL = url
		assert.NoError(t, newProvider(t, cfg).Check(context.Background()), url)
	}
}

func TestWrongSecretIsMisconfiguredNotDown(t *testing.T) {
	lk, _ := liveKit(t)
	cfg := ovConfig(lk)
	cfg.Secret = "not-the-secret-0123456789abcdef0123456789"
	err := newProvider(t, cfg).Check(context.Background())
	require.ErrorIs(t, err, video.ErrUnauthenticated)
	assert.NotContains(t, err.Error(), "not-the-secret-0123456789abcdef0123456789")

	svc, err := video.New(serviceConfig(lk).Config, []video.Provider{newProvider(t, cfg), videotest.NewProvider(jitsi.Name)})
	require.NoError(t, err)
	defer svc.Close()
	h := svc.Health(context.Background())
	assert.Equal(t, video.HealthMisconfigured, h.Providers[0].State)
	assert.Contains(t, h.Providers[0].LastError, "OPENVIDU_API_KEY")
	tok, err := svc.GenerateMeetingToken(context.Background(), "appt-401", "doc", video.RoleDoctor, video.UserInfo{})
	require.NoError(t, err)
	assert.Equal(t, jitsi.Name, tok.Provider, "a misconfigured primary is not used")
}

func TestCheckDownServer(t *testing.T) {
	cfg := openvidu.DefaultConfig()
	cfg.URL, cfg.APIKey, cfg.Secret = "ws://127.0.0.1:1", "devkey", "secret-0123456789abcdef0123456789"
	p, err := openvidu.New(cfg)
	require.NoError(t, err)
	c, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	err = p.Check(c)
	require.Error(t, err)
	assert.NotErrorIs(t, err, video.ErrUnauthenticated)
	assert.Contains(t, err.Error(), "refused")
}

func TestRecordingWithoutEgressIsBounded(t *testing.T) {
	lk, _ := liveKit(t)
	cfg := serviceConfig(lk)
	cfg.OpenVidu.RecordingTimeout = 500 * time.Millisecond
	svc := newService(t, cfg)
	c := ctx(t)
	_, err := svc.StartConsultation(c, "appt-rec", "doc-9", video.RoleDoctor)
	require.NoError(t, err)
	_, err = svc.StartRecording(c, "appt-rec", "doc-9", video.RoleDoctor)
	require.Error(t, err, "no egress service runs beside the test server")
	assert.ErrorIs(t, err, video.ErrUnavailable)
	assert.NoError(t, c.Err(), "the call ended at its own deadline, not the test's")
	assert.Empty(t, status(t, svc, "appt-rec").Recordings, "nothing recorded for a recording that did not start")
}

func TestNewValidatesItsConfig(t *testing.T) {
	p, err := openvidu.New(openvidu.Config{})
	require.ErrorIs(t, err, video.ErrInvalidConfig, "not configured: an error naming OPENVIDU_URL")
	assert.Nil(t, p)
	for field, cfg := range map[string]openvidu.Config{
		"OPENVIDU_URL":     {URL: "ftp://x", APIKey: "k", Secret: "secret-0123456789abcdef0123456789"},
		"OPENVIDU_API_KEY": {URL: "wss://x", API: openvidu.APILiveKit, Secret: "secret-0123456789abcdef0123456789"},
		"OPENVIDU_SECRET":  {URL: "wss://x", APIKey: "k"},
	} {
		_, err := openvidu.New(cfg)
		var verr *video.Error
		require.ErrorAs(t, err, &verr, field)
		assert.Equal(t, field, verr.Field)
		assert.ErrorIs(t, err, video.ErrInvalidConfig)
	}
}

func TestServerAndJoinURLs(t *testing.T) {
	cfg := openvidu.DefaultConfig()
	cfg.URL, cfg.APIKey, cfg.Secret = "https://ov.internal:7880", "k", "secret-0123456789abcdef0123456789"
	p, err := openvidu.New(cfg)
	require.NoError(t, err)
	assert.Equal(t, "wss://ov.internal:7880", p.ServerURL())
	cfg.Domain = "video.example.com"
	cfg.JoinURL = "https://call.example.com/join?url={server_url}&room={room}&token={token}"
	p, err = openvidu.New(cfg)
	require.NoError(t, err)
	tok, err := p.IssueToken(context.Background(), video.TokenRequest{Room: "consult-x", UserID: "u", Role: video.RolePatient, TTL: time.Hour})
	require.NoError(t, err)
	assert.Equal(t, "wss://video.example.com", tok.ServerURL)
	assert.Equal(t, "https://call.example.com/join?url=wss%3A%2F%2Fvideo.example.com&room=consult-x&token="+tok.Token, tok.JoinURL)
}

// The vendor's own errors stay reachable through the Service's single-kind errors: the
// *url.Error of a probe that could not connect, and the twirp.Error of refused credentials.
func TestVendorErrorsStayReachable(t *testing.T) {
	cfg := openvidu.DefaultConfig()
	cfg.URL, cfg.APIKey, cfg.Secret = "ws://127.0.0.1:1", "devkey", "secret-0123456789abcdef0123456789"
	down, err := openvidu.New(cfg)
	require.NoError(t, err)
	svc, err := video.New(videotest.Config(), []video.Provider{down})
	require.NoError(t, err)
	defer svc.Close()
	_, err = svc.GenerateMeetingToken(context.Background(), "a1", "doc", video.RoleDoctor, video.UserInfo{})
	require.ErrorIs(t, err, video.ErrAllProvidersFailed)
	var ue *url.Error
	assert.ErrorAs(t, err, &ue, "the probe's *url.Error")

	lk, _ := liveKit(t)
	bad := ovConfig(lk)
	bad.Secret = "not-the-secret-0123456789abcdef0123456789"
	err = newProvider(t, bad).CreateRoom(context.Background(), "r1")
	require.ErrorIs(t, err, video.ErrUnauthenticated)
	var te twirp.Error
	require.ErrorAs(t, err, &te, "the twirp.Error")
	assert.Equal(t, twirp.Unauthenticated, te.Code())
}
