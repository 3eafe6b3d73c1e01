package openvidu_test

import (
	"fmt"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/teleconsult/video/internal/testenv"
	"github.com/teleconsult/video/openvidu"
)

// setEnv sets kv alone among the OPENVIDU_* and LIVEKIT_* variables, for the test's duration.
func setEnv(t *testing.T, kv map[string]string) { testenv.Only(t, kv, "OPENVIDU_", "LIVEKIT_") }

func TestLoadConfigUnconfiguredIsNotAnError(t *testing.T) {
	setEnv(t, nil)
	cfg, err := openvidu.LoadConfig()
	require.NoError(t, err)
	assert.False(t, cfg.Configured())
	assert.Equal(t, openvidu.DefaultConfig(), cfg)
}

func TestLoadConfigReadsEveryVariable(t *testing.T) {
	setEnv(t, map[string]string{
		"OPENVIDU_URL": "https://ov.example.com", "OPENVIDU_API_KEY": "k", "OPENVIDU_SECRET": "openvidu-secret-0123456789abcdef0123456789",
		"OPENVIDU_DOMAIN": "video.example.com", "OPENVIDU_MAX_PARTICIPANTS": "3", "OPENVIDU_EMPTY_TIMEOUT": "2m",
		"OPENVIDU_DEPARTURE_TIMEOUT": "30s", "OPENVIDU_WAITING_ROOM": "true", "OPENVIDU_RECORDING_FILEPATH": "r/{room_name}.mp4",
		"OPENVIDU_RECORDING_TIMEOUT": "3s", "OPENVIDU_JOIN_URL": "https://call.example.com/?url={server_url}&token={token}",
	})
	cfg, err := openvidu.LoadConfig()
	require.NoError(t, err)
	assert.Equal(t, openvidu.Config{URL: "https://ov.example.com", APIKey: "k", Secret: "openvidu-secret-0123456789abcdef0123456789", Domain: "video.example.com",
		MaxParticipants: 3, EmptyTimeout: 2 * time.Minute, DepartureTimeout: 30 * time.Second, WaitingRoom: true,
		RecordingFilepath: "r/{room_name}.mp4", RecordingTimeout: 3 * time.Second, WebhookHeader: "Authorization",
		JoinURL: "https://call.example.com/?url={server_url}&token={token}"}, cfg)
	assert.False(t, cfg.UsesV2(), "an API key: the LiveKit API")
}

// The original design's environment: OPENVIDU_URL, OPENVIDU_SECRET and OPENVIDU_DOMAIN, no API
// key: OpenVidu 2's REST API, whose secrets are short.
func TestLoadConfigChoosesTheAPI(t *testing.T) {
	setEnv(t, map[string]string{"OPENVIDU_URL": "https://openvidu.example.com", "OPENVIDU_SECRET": "MY_SECRET",
		"OPENVIDU_DOMAIN": "openvidu.example.com"})
	cfg, err := openvidu.LoadConfig()
	require.NoError(t, err)
	assert.True(t, cfg.UsesV2(), "no API key: OpenVidu 2")

	for _, tc := range []struct {
		env map[string]string
		v2  bool
	}{
		{map[string]string{"OPENVIDU_API": "v2", "OPENVIDU_API_KEY": "k", "OPENVIDU_SECRET": "MY_SECRET"}, true},
		{map[string]string{"OPENVIDU_API": "V2", "OPENVIDU_SECRET": "MY_SECRET"}, true},
		{map[string]string{"OPENVIDU_API": "livekit", "OPENVIDU_API_KEY": "k", "OPENVIDU_SECRET": "openvidu-secret-0123456789abcdef0123456789"}, false},
		{map[string]string{"LIVEKIT_API_KEY": "k", "LIVEKIT_API_SECRET": "openvidu-secret-0123456789abcdef0123456789"}, false},
	} {
		setEnv(t, testenv.With(map[string]string{"OPENVIDU_URL": "https://openvidu.example.com"}, tc.env))
		cfg, err := openvidu.LoadConfig()
		require.NoError(t, err, tc.env)
		assert.Equal(t, tc.v2, cfg.UsesV2(), tc.env)
	}
}

func TestLoadConfigLiveKitNames(t *testing.T) {
	setEnv(t, map[string]string{"LIVEKIT_URL": "ws://127.0.0.1:7880", "LIVEKIT_API_KEY": "devkey", "LIVEKIT_API_SECRET": "lk-secret-0123456789abcdef0123456789"})
	cfg, err := openvidu.LoadConfig()
	require.NoError(t, err)
	assert.Equal(t, "ws://127.0.0.1:7880", cfg.URL)
	assert.Equal(t, "devkey", cfg.APIKey)
	assert.Equal(t, "lk-secret-0123456789abcdef0123456789", cfg.Secret.Reveal())

	setEnv(t, map[string]string{"OPENVIDU_URL": "wss://ov.example.com", "LIVEKIT_URL": "ws://ignored:7880",
		"OPENVIDU_API_KEY": "k", "OPENVIDU_SECRET": "secret-0123456789abcdef0123456789"})
	cfg, err = openvidu.LoadConfig()
	require.NoError(t, err)
	assert.Equal(t, "wss://ov.example.com", cfg.URL, "OpenVidu names win over LiveKit names")
}

func TestLoadConfigErrorsNameTheVariable(t *testing.T) {
	base := map[string]string{"OPENVIDU_URL": "wss://video.example.com", "OPENVIDU_API_KEY": "key", "OPENVIDU_SECRET": "openvidu-secret-0123456789abcdef0123456789"}
	for _, tc := range []struct {
		env   map[string]string
		field string
	}{
		{map[string]string{"OPENVIDU_URL": "ftp://video.example.com"}, "OPENVIDU_URL"},
		{map[string]string{"OPENVIDU_URL": "://nope"}, "OPENVIDU_URL"},
		{map[string]string{"OPENVIDU_URL": "wss://"}, "OPENVIDU_URL"},
		{map[string]string{"OPENVIDU_API": "livekit", "OPENVIDU_API_KEY": ""}, "OPENVIDU_API_KEY"},
		{map[string]string{"OPENVIDU_API": "v3"}, "OPENVIDU_API"},
		{map[string]string{"OPENVIDU_API_KEY": "", "OPENVIDU_SECRET": "has space"}, "OPENVIDU_SECRET"}, // v2
		{map[string]string{"OPENVIDU_WEBHOOK_SECRET": "short"}, "OPENVIDU_WEBHOOK_SECRET"},
		{map[string]string{"OPENVIDU_WEBHOOK_HEADER": "X Secret:"}, "OPENVIDU_WEBHOOK_HEADER"},
		{map[string]string{"OPENVIDU_SECRET": ""}, "OPENVIDU_SECRET"},
		{map[string]string{"OPENVIDU_DOMAIN": "https://video.example.com/x"}, "OPENVIDU_DOMAIN"},
		{map[string]string{"OPENVIDU_MAX_PARTICIPANTS": "-1"}, "OPENVIDU_MAX_PARTICIPANTS"},
		{map[string]string{"OPENVIDU_MAX_PARTICIPANTS": "many"}, "OPENVIDU_MAX_PARTICIPANTS"},
		{map[string]string{"OPENVIDU_MAX_PARTICIPANTS": "4294967297"}, "OPENVIDU_MAX_PARTICIPANTS"}, // was a cap of 1
		{map[string]string{"OPENVIDU_EMPTY_TIMEOUT": "1193046h28m17s"}, "OPENVIDU_EMPTY_TIMEOUT"},   // 2^32+1 s: was 1 s
		{map[string]string{"OPENVIDU_DEPARTURE_TIMEOUT": "1193046h28m17s"}, "OPENVIDU_DEPARTURE_TIMEOUT"},
		{map[string]string{"OPENVIDU_RECORDING_TIMEOUT": "2h"}, "OPENVIDU_RECORDING_TIMEOUT"},
		{map[string]string{"OPENVIDU_SECRET": " "}, "OPENVIDU_SECRET"},            // white space alone is unset
		{map[string]string{"OPENVIDU_SECRET": "short-secret"}, "OPENVIDU_SECRET"}, // LiveKit wants 32 (an API key is set)
		{map[string]string{"LIVEKIT_API_SECRET": "x", "OPENVIDU_SECRET": ""}, "OPENVIDU_SECRET"},
		{map[string]string{"OPENVIDU_URL": ""}, "OPENVIDU_URL"}, // half configured: the rest is set
		{map[string]string{"OPENVIDU_URL": "", "LIVEKIT_URL": ""}, "OPENVIDU_URL"},
		{map[string]string{"OPENVIDU_DEPARTURE_TIMEOUT": "-1m"}, "OPENVIDU_DEPARTURE_TIMEOUT"},
		{map[string]string{"OPENVIDU_EMPTY_TIMEOUT": "-1m"}, "OPENVIDU_EMPTY_TIMEOUT"},
		{map[string]string{"OPENVIDU_RECORDING_TIMEOUT": "0s"}, "OPENVIDU_RECORDING_TIMEOUT"},
		{map[string]string{"OPENVIDU_WAITING_ROOM": "perhaps"}, "OPENVIDU_WAITING_ROOM"},
		{map[string]string{"OPENVIDU_JOIN_URL": "https://call.example.com/"}, "OPENVIDU_JOIN_URL"},
	} {
		setEnv(t, testenv.With(base, tc.env))
		_, err := openvidu.LoadConfig()
		assert.Equal(t, tc.field, testenv.FieldOf(t, err), "%v: %v", tc.env, err)
		assert.NotContains(t, err.Error(), "openvidu-secret-0123456789abcdef0123456789")
	}
}

func TestConfigNeverShowsTheSecret(t *testing.T) {
	cfg := openvidu.DefaultConfig()
	cfg.URL, cfg.APIKey, cfg.Secret = "wss://x", "k", "openvidu-secret-never-shown"
	for _, verb := range []string{"%v", "%+v", "%#v", "%s"} {
		assert.NotContains(t, sprintf(verb, cfg), "openvidu-secret-never-shown", verb)
	}
}

func sprintf(verb string, v any) string { return fmt.Sprintf(verb, v) }

// Only the provider's own variables say it is meant to be configured: a tool's variable that
// shares the prefix (the tests' LIVEKIT_SERVER_BIN) does not.
func TestUnrelatedVariablesDoNotConfigure(t *testing.T) {
	setEnv(t, nil)
	t.Setenv("LIVEKIT_SERVER_BIN", "/usr/local/bin/livekit-server")
	t.Setenv("OPENVIDU_DEPLOYMENT_NOTE", "a variable of the operator's own")
	cfg, err := openvidu.LoadConfig()
	require.NoError(t, err)
	assert.False(t, cfg.Configured())
}

// A stray LIVEKIT_API_KEY beside the original design's variables chooses the LiveKit API; the
// error says why, and how to choose OpenVidu 2.
func TestAStrayAPIKeyIsExplained(t *testing.T) {
	setEnv(t, map[string]string{"OPENVIDU_URL": "https://openvidu.example.com", "OPENVIDU_SECRET": "MY_SECRET", "LIVEKIT_API_KEY": "k"})
	_, err := openvidu.LoadConfig()
	assert.Equal(t, "OPENVIDU_SECRET", testenv.FieldOf(t, err))
	assert.Contains(t, err.Error(), "OPENVIDU_API=v2")
	assert.Contains(t, err.Error(), "LIVEKIT_API_KEY")
}
