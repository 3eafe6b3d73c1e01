package fromenv_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	video "github.com/teleconsult/video"
	"github.com/teleconsult/video/fromenv"
	"github.com/teleconsult/video/internal/openvidu2fake"
	"github.com/teleconsult/video/internal/testenv"
	"github.com/teleconsult/video/internal/testserver"
)

// setEnv sets kv alone among the variables the library reads, for the test's duration.
func setEnv(t *testing.T, kv map[string]string) {
	testenv.Only(t, kv, "VIDEO_", "OPENVIDU_", "LIVEKIT_", "JITSI_", "REDIS_")
}

const roomKey = "fromenv tests' room key, 32 bytes and more"

func TestNewWiresEveryConfiguredProvider(t *testing.T) {
	setEnv(t, map[string]string{"VIDEO_ROOM_KEY": roomKey,
		"OPENVIDU_URL": "ws://127.0.0.1:1", "OPENVIDU_API_KEY": "devkey", "OPENVIDU_SECRET": "secret-0123456789abcdef0123456789",
		"JITSI_DOMAIN": "meet.example.com", "JITSI_HEALTH_PROBE": "off", "VIDEO_PROVIDER": "jitsi"})
	svc, err := fromenv.New()
	require.NoError(t, err)
	defer svc.Close()
	assert.Equal(t, video.ProviderName("jitsi"), svc.PrimaryProvider(), "VIDEO_PROVIDER puts Jitsi first")
	assert.Equal(t, video.ProviderName("openvidu"), svc.FallbackProvider())
	tok, err := svc.GenerateMeetingToken(context.Background(), "a1", "doc", video.RoleDoctor, video.UserInfo{})
	require.NoError(t, err)
	assert.Equal(t, video.ProviderName("jitsi"), tok.Provider)
}

func TestNewWithOneProviderAndTheRedisStore(t *testing.T) {
	r := testserver.StartRedis(t, testserver.RedisOptions{})
	setEnv(t, map[string]string{"VIDEO_ROOM_KEY": roomKey, "JITSI_DOMAIN": "meet.example.com", "JITSI_HEALTH_PROBE": "off",
		"VIDEO_STORE": "redis", "REDIS_URL": r.URL})
	svc, err := fromenv.New()
	require.NoError(t, err)
	_, err = svc.GenerateMeetingToken(context.Background(), "a1", "pat", video.RolePatient, video.UserInfo{})
	require.NoError(t, err)
	require.NoError(t, svc.Close(), "closing the Service closes the store it opened")

	again, err := fromenv.New()
	require.NoError(t, err)
	defer again.Close()
	c, err := again.ConsultationStatus(context.Background(), "a1")
	require.NoError(t, err, "the consultation lives in Redis, not in the closed Service")
	assert.Len(t, c.Participants, 1)
}

func TestNewErrorsNameTheVariable(t *testing.T) {
	for _, tc := range []struct {
		env   map[string]string
		field string
	}{
		{map[string]string{"VIDEO_ROOM_KEY": roomKey}, "OPENVIDU_URL"},
		{map[string]string{"JITSI_DOMAIN": "meet.example.com"}, "VIDEO_ROOM_KEY"},
		{map[string]string{"VIDEO_ROOM_KEY": roomKey, "OPENVIDU_URL": "ws://x:1"}, "OPENVIDU_SECRET"},
		{map[string]string{"VIDEO_ROOM_KEY": roomKey, "OPENVIDU_URL": "ws://x:1", "OPENVIDU_API": "livekit", "OPENVIDU_SECRET": "s"}, "OPENVIDU_API_KEY"},
		{map[string]string{"VIDEO_ROOM_KEY": roomKey, "JITSI_DOMAIN": "meet.example.com", "VIDEO_STORE": "etcd"}, "VIDEO_STORE"},
		{map[string]string{"VIDEO_ROOM_KEY": roomKey, "JITSI_DOMAIN": "meet.example.com", "VIDEO_STORE": "redis"}, "REDIS_URL"},
		{map[string]string{"VIDEO_ROOM_KEY": roomKey, "JITSI_DOMAIN": "meet.example.com", "VIDEO_MEMORY_MAX_AGE": "forever"}, "VIDEO_MEMORY_MAX_AGE"},
		{map[string]string{"VIDEO_ROOM_KEY": roomKey, "JITSI_DOMAIN": "meet.example.com", "VIDEO_MEMORY_MAX_AGE": "-1h"}, "VIDEO_MEMORY_MAX_AGE"},
		{map[string]string{"VIDEO_ROOM_KEY": roomKey, "JITSI_DOMAIN": "meet.example.com", "VIDEO_MEMORY_RETENTION": "87601h"}, "VIDEO_MEMORY_RETENTION"},
		{map[string]string{"VIDEO_ROOM_KEY": roomKey, "JITSI_DOMAIN": "meet.example.com", "VIDEO_MEMORY_RETENTION": strings.Repeat("1", 40) + "s"}, "VIDEO_MEMORY_RETENTION"},
	} {
		setEnv(t, tc.env)
		_, err := fromenv.New()
		assert.Equal(t, tc.field, testenv.FieldOf(t, err), "%v", tc.env)
	}
}

// TestTheOriginalDesignsEnvironment: the variables of the design this library replaces
// (OPENVIDU_URL, OPENVIDU_SECRET, OPENVIDU_DOMAIN, the JITSI_* ones), with VIDEO_ROOM_KEY
// added, give a working Service on OpenVidu 2's REST API.
func TestTheOriginalDesignsEnvironment(t *testing.T) {
	fake := openvidu2fake.New("MY_SECRET", openvidu2fake.Options{})
	defer fake.Close()
	setEnv(t, map[string]string{"VIDEO_ENABLED": "true", "VIDEO_PROVIDER": "openvidu", "VIDEO_ROOM_KEY": roomKey,
		"OPENVIDU_URL": fake.URL, "OPENVIDU_SECRET": "MY_SECRET", "OPENVIDU_DOMAIN": "openvidu.example.com",
		"JITSI_DOMAIN": "meet.example.com", "JITSI_APP_ID": "app", "JITSI_APP_SECRET": "the jitsi app secret, 32 bytes or more",
		"JITSI_HEALTH_PROBE": "off"})
	svc, err := fromenv.New()
	require.NoError(t, err)
	defer svc.Close()
	ctx := context.Background()
	h := svc.Health(ctx)
	require.Equal(t, video.HealthUp, h.Providers[0].State, "%+v", h.Providers[0])
	for _, u := range []struct {
		id   string
		role video.Role
	}{{"doc", video.RoleDoctor}, {"pat", video.RolePatient}} {
		tok, err := svc.GenerateMeetingToken(ctx, "a1", u.id, u.role, video.UserInfo{DisplayName: u.id})
		require.NoError(t, err)
		assert.Equal(t, video.ProviderName("openvidu"), tok.Provider)
		assert.Contains(t, tok.Token, "tok_", "a token OpenVidu 2 made")
		assert.Equal(t, "wss://openvidu.example.com", tok.ServerURL)
	}
	sessions := fake.Sessions()
	require.Len(t, sessions, 1, "doctor and patient in one session")
	assert.Len(t, fake.Connections(sessions[0]), 2)
	_, err = svc.EndConsultation(ctx, "a1", "doc", video.RoleDoctor)
	require.NoError(t, err)
	assert.Empty(t, fake.Sessions(), "ending closes the session")
}

// TestTheMemoryStoreForgetsAfterItsMaxAge: VIDEO_MEMORY_MAX_AGE reaches the memory store that
// New opens: a consultation nobody ended is gone that long after its last write.
func TestTheMemoryStoreForgetsAfterItsMaxAge(t *testing.T) {
	setEnv(t, map[string]string{"VIDEO_ROOM_KEY": roomKey, "JITSI_DOMAIN": "meet.example.com", "JITSI_HEALTH_PROBE": "off",
		"VIDEO_MEMORY_MAX_AGE": "1ms", "VIDEO_MEMORY_RETENTION": "1h"})
	svc, err := fromenv.New()
	require.NoError(t, err)
	defer svc.Close()
	_, err = svc.GenerateMeetingToken(context.Background(), "a1", "pat", video.RolePatient, video.UserInfo{})
	require.NoError(t, err)
	require.Eventually(t, func() bool {
		_, err := svc.ConsultationStatus(context.Background(), "a1")
		return errors.Is(err, video.ErrNotFound)
	}, 5*time.Second, 5*time.Millisecond)
}
