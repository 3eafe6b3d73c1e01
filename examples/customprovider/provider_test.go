package customprovider_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	video "github.com/teleconsult/video"
	"github.com/teleconsult/video/examples/customprovider"
	"github.com/teleconsult/video/videotest"
)

const key = "the link service's shared key, 32+ bytes"

func newProvider(t *testing.T) *customprovider.Provider {
	p, err := customprovider.New("https://rooms.example.com", key)
	require.NoError(t, err)
	return p
}

func TestConforms(t *testing.T) {
	var p *customprovider.Provider
	videotest.RunProviderTests(t, videotest.ProviderHarness{
		New: func(t *testing.T) video.Provider { p = newProvider(t); return p },
		Decode: func(t *testing.T, tok *video.Token) video.Grants {
			_, g, err := p.Verify(tok.JoinURL, time.Now())
			require.NoError(t, err)
			return g
		},
		Carries: video.Grants{Moderator: true, Publish: true, Subscribe: true, PublishData: true, ScreenShare: true, Hidden: true, Record: true, Waiting: true},
	})
}

// A provider of the application's own serves as the third, after the built-in two fail, and
// its links carry the grants the Service decided.
func TestThirdProviderServesWhenTheOthersFail(t *testing.T) {
	ov, jt := videotest.NewProvider("openvidu"), videotest.NewProvider("jitsi")
	link := newProvider(t)
	cfg := videotest.Config()
	cfg.Policy.WaitingRoom = true
	svc, err := video.New(cfg, []video.Provider{ov, jt, link})
	require.NoError(t, err)
	defer svc.Close()
	ctx := context.Background()

	ov.SetHealthy(false)
	jt.Fail(videotest.OpCreateRoom, errors.New("jitsi: 503"))
	doc, err := svc.GenerateMeetingToken(ctx, "appt-1", "doc-1", video.RoleDoctor, video.UserInfo{})
	require.NoError(t, err)
	pat, err := svc.GenerateMeetingToken(ctx, "appt-1", "pat-1", video.RolePatient, video.UserInfo{})
	require.NoError(t, err)
	assert.Equal(t, customprovider.Name, doc.Provider)
	assert.Equal(t, customprovider.Name, pat.Provider, "both in the same meeting")

	room, g, err := link.Verify(doc.JoinURL, time.Now())
	require.NoError(t, err)
	assert.Equal(t, doc.Room, room)
	assert.True(t, g.Moderator, "the doctor moderates")
	room, g, err = link.Verify(pat.JoinURL, time.Now())
	require.NoError(t, err)
	assert.Equal(t, pat.Room, room)
	assert.False(t, g.Moderator)
	assert.True(t, g.Waiting, "the Service's waiting-room policy reaches a provider it never heard of")

	h := svc.CachedHealth()
	require.Len(t, h.Providers, 3)
	assert.Equal(t, []video.ProviderName{"openvidu", "jitsi", customprovider.Name},
		[]video.ProviderName{h.Providers[0].Provider, h.Providers[1].Provider, h.Providers[2].Provider})
	assert.Equal(t, video.HealthDown, h.Providers[0].State)
	assert.Equal(t, video.HealthDown, h.Providers[1].State)

	_, err = svc.StartRecording(ctx, "appt-1", "doc-1", video.RoleDoctor)
	assert.ErrorIs(t, err, video.ErrUnsupported, "no Recorder: unsupported at once")
}

func TestVerifyRefusesTampering(t *testing.T) {
	p := newProvider(t)
	tok, err := p.IssueToken(context.Background(), video.TokenRequest{Room: "r1", UserID: "u", Role: video.RolePatient, TTL: time.Minute,
		Grants: video.Grants{Publish: true}})
	require.NoError(t, err)
	_, _, err = p.Verify(tok.JoinURL+"m", time.Now())
	assert.Error(t, err)
	_, _, err = p.Verify(tok.JoinURL, time.Now().Add(time.Hour))
	assert.Error(t, err, "expired")
}
