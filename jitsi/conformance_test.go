package jitsi

import (
	"context"
	"net/url"
	"path"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	video "github.com/teleconsult/video"
	"github.com/teleconsult/video/videotest"
)

// signed are the grants a Jitsi token or link carries: the token's moderator and features,
// the link's prejoin (waiting) and start-muted (no publish) overrides.
var signed = video.Grants{Moderator: true, Publish: true, ScreenShare: true, Record: true, Waiting: true}

func TestSelfHostedConforms(t *testing.T) {
	srv := newJitsiServer(t)
	videotest.RunProviderTests(t, videotest.ProviderHarness{
		New:     func(t *testing.T) video.Provider { return newProvider(t, selfHosted(srv.URL)) },
		Decode:  decodeGrants(selfHostedVerifier()),
		Carries: signed,
	})
}

func TestJaaSConforms(t *testing.T) {
	srv := newJitsiServer(t)
	videotest.RunProviderTests(t, videotest.ProviderHarness{
		New:     func(t *testing.T) video.Provider { return newProvider(t, jaas(t, srv.URL)) },
		Decode:  decodeGrants(jaasVerifier(t)),
		Carries: signed,
	})
}

func TestAnonymousConforms(t *testing.T) {
	srv := newJitsiServer(t)
	cfg := selfHosted(srv.URL)
	cfg.AppID, cfg.AppSecret = "", ""
	videotest.RunProviderTests(t, videotest.ProviderHarness{
		New:     func(t *testing.T) video.Provider { return newProvider(t, cfg) },
		Decode:  decodeGrants(verifier{}),
		Carries: video.Grants{Publish: true, Waiting: true}, // no token: the link alone
	})
}

// decodeGrants reads a token's grants as Jitsi does: the token through prosody's rules (v), the
// overrides from the link's fragment as the client parses them.
func decodeGrants(v verifier) func(t *testing.T, tok *video.Token) video.Grants {
	return func(t *testing.T, tok *video.Token) video.Grants {
		var g video.Grants
		if tok.Token != "" {
			v.now = time.Now()
			c, err := v.verify(tok.Token, roomOf(tok))
			require.NoError(t, err)
			ctx := c["context"].(map[string]any)
			features := ctx["features"].(map[string]any)
			g.Moderator = ctx["user"].(map[string]any)["moderator"] == "true"
			g.Record = features["recording"] == "true"
			g.ScreenShare = features["screen-sharing"] == "true"
		}
		params := fragmentParams(t, tok.JoinURL)
		g.Waiting = params["config.prejoinConfig.enabled"] == true
		g.Publish = params["config.startWithAudioMuted"] != true
		return g
	}
}

// roomOf is the room a token's link names.
func roomOf(tok *video.Token) string {
	u, _ := url.Parse(tok.JoinURL)
	return path.Base(u.Path)
}

func TestServiceTokensVerify(t *testing.T) {
	srv := newJitsiServer(t)
	svc, err := video.New(videotest.Config(), []video.Provider{newProvider(t, selfHosted(srv.URL))})
	require.NoError(t, err)
	defer svc.Close()
	ctx := context.Background()
	doc, err := svc.GenerateMeetingToken(ctx, "appointment-1", "doc-1", video.RoleDoctor, video.UserInfo{DisplayName: "Dr. A"})
	require.NoError(t, err)
	pat, err := svc.GenerateMeetingToken(ctx, "appointment-1", "pat-1", video.RolePatient, video.UserInfo{DisplayName: "B"})
	require.NoError(t, err)
	v := selfHostedVerifier()
	v.now = doc.ExpiresAt.Add(-video.DefaultConfig().TokenTTL).Add(1) // a moment after issue
	for _, tok := range []*video.MeetingToken{doc, pat} {
		c, err := v.verify(tok.Token, tok.Room)
		require.NoError(t, err)
		assert.Equal(t, tok.Room, c["room"], "the token admits to exactly the pinned room")
	}
	assert.Equal(t, doc.Room, pat.Room)
	_, err = svc.StartRecording(ctx, "appointment-1", "doc-1", video.RoleDoctor)
	assert.ErrorIs(t, err, video.ErrUnsupported, "Jitsi cannot record from the server")
	_, err = svc.EndConsultation(ctx, "appointment-1", "doc-1", video.RoleDoctor)
	require.NoError(t, err, "EndRoom succeeds without effect")
	_, err = svc.GenerateMeetingToken(ctx, "appointment-1", "pat-1", video.RolePatient, video.UserInfo{})
	assert.ErrorIs(t, err, video.ErrConsultationEnded)
}
