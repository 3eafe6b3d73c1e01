package jitsi

import (
	"context"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	video "github.com/teleconsult/video"
	"github.com/teleconsult/video/videotest"
)

func TestSelfHostedConforms(t *testing.T) {
	srv := newJitsiServer(t)
	videotest.RunProviderTests(t, func(t *testing.T) video.Provider { return newProvider(t, selfHosted(srv.URL)) })
}

func TestJaaSConforms(t *testing.T) {
	srv := newJitsiServer(t)
	videotest.RunProviderTests(t, func(t *testing.T) video.Provider { return newProvider(t, jaas(t, srv.URL)) })
}

func TestAnonymousConforms(t *testing.T) {
	srv := newJitsiServer(t)
	cfg := selfHosted(srv.URL)
	cfg.AppID, cfg.AppSecret = "", ""
	videotest.RunProviderTests(t, func(t *testing.T) video.Provider { return newProvider(t, cfg) })
}

func TestServiceTokensVerify(t *testing.T) {
	srv := newJitsiServer(t)
	cfg := video.DefaultConfig()
	cfg.RoomKey = "a room key of at least thirty-two bytes"
	cfg.Jitsi = selfHosted(srv.URL)
	svc, err := video.New(cfg, nil, newProvider(t, cfg.Jitsi))
	require.NoError(t, err)
	defer svc.Close()
	ctx := context.Background()
	doc, err := svc.GenerateMeetingToken(ctx, "appointment-1", "doc-1", video.RoleDoctor, video.UserInfo{DisplayName: "Dr. A"})
	require.NoError(t, err)
	pat, err := svc.GenerateMeetingToken(ctx, "appointment-1", "pat-1", video.RolePatient, video.UserInfo{DisplayName: "B"})
	require.NoError(t, err)
	v := selfHostedVerifier()
	v.now = doc.ExpiresAt.Add(-video.DefaultTokenTTL).Add(1) // a moment after issue
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
