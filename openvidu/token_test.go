package openvidu_test

import (
	"context"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"
	"github.com/livekit/protocol/auth"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	video "github.com/teleconsult/video"
	"github.com/teleconsult/video/internal/testserver"
	"github.com/teleconsult/video/openvidu"
)

// The token's exp and the MeetingToken's ExpiresAt are one computation, whatever the clock's
// sub-second part.
func TestExpiryIsTheTokensExp(t *testing.T) {
	now := time.Date(2026, 5, 6, 9, 0, 0, 999_000_000, time.UTC) // just before a second turns
	cfg := openvidu.DefaultConfig()
	cfg.URL, cfg.APIKey, cfg.Secret = "ws://127.0.0.1:1", testserver.LiveKitAPIKey, testserver.LiveKitAPISecret
	p, err := openvidu.New(cfg, openvidu.WithClock(func() time.Time { return now }))
	require.NoError(t, err)
	tok, err := p.IssueToken(context.Background(), video.TokenRequest{Room: "r1", UserID: "u1", Role: video.RolePatient,
		TTL: time.Hour, Grants: video.Grants{Publish: true, Subscribe: true}})
	require.NoError(t, err)
	var c jwt.RegisteredClaims
	_, err = jwt.ParseWithClaims(tok.Token, &c, func(*jwt.Token) (any, error) { return []byte(testserver.LiveKitAPISecret), nil },
		jwt.WithoutClaimsValidation(), jwt.WithValidMethods([]string{"HS256"}))
	require.NoError(t, err, "signed with the API secret")
	exp := c.ExpiresAt.Time
	assert.True(t, tok.ExpiresAt.Equal(exp), "ExpiresAt %s, exp %s", tok.ExpiresAt, exp)
	assert.True(t, exp.Equal(now.Truncate(time.Second).Add(time.Hour)))
}

// TestTheRoomConfigurationIsLiveKits: the room configuration written once for every token is
// what LiveKit's own verifier reads back, with the grants beside it.
func TestTheRoomConfigurationIsLiveKits(t *testing.T) {
	cfg := openvidu.DefaultConfig()
	cfg.URL, cfg.APIKey, cfg.Secret = "ws://127.0.0.1:1", testserver.LiveKitAPIKey, testserver.LiveKitAPISecret
	cfg.MaxParticipants, cfg.EmptyTimeout, cfg.DepartureTimeout = 3, 2*time.Minute, 30*time.Second
	p, err := openvidu.New(cfg)
	require.NoError(t, err)
	tok, err := p.IssueToken(context.Background(), video.TokenRequest{Room: "r1", UserID: "u1", Role: video.RoleDoctor,
		TTL: time.Hour, Grants: video.Grants{Publish: true, Subscribe: true, Moderator: true}, Info: video.UserInfo{DisplayName: "Dr. <Q>"}})
	require.NoError(t, err)
	v, err := auth.ParseAPIToken(tok.Token)
	require.NoError(t, err)
	_, grants, err := v.Verify(testserver.LiveKitAPISecret)
	require.NoError(t, err)
	require.NotNil(t, grants.RoomConfig)
	assert.EqualValues(t, 3, grants.RoomConfig.MaxParticipants)
	assert.EqualValues(t, 120, grants.RoomConfig.EmptyTimeout)
	assert.EqualValues(t, 30, grants.RoomConfig.DepartureTimeout)
	assert.Equal(t, "Dr. <Q>", grants.Name)
	assert.Equal(t, "r1", grants.Video.Room)
	assert.True(t, grants.Video.RoomAdmin)
}
