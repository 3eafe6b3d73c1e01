package video_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"log/slog"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	video "github.com/teleconsult/video"
)

// clearEnv unsets every variable LoadConfig reads, for the test's duration.
func clearEnv(t *testing.T) {
	for _, kv := range os.Environ() {
		name, _, _ := strings.Cut(kv, "=")
		for _, prefix := range []string{"VIDEO_", "OPENVIDU_", "JITSI_", "LIVEKIT_"} {
			if strings.HasPrefix(name, prefix) {
				t.Setenv(name, "")
				os.Unsetenv(name)
			}
		}
	}
}

func setEnv(t *testing.T, kv map[string]string) {
	clearEnv(t)
	for k, v := range kv {
		t.Setenv(k, v)
	}
}

var minimalEnv = map[string]string{
	"VIDEO_ROOM_KEY":   testRoomKey,
	"OPENVIDU_URL":     "wss://video.example.com",
	"OPENVIDU_API_KEY": "key",
	"OPENVIDU_SECRET":  testOVSecret,
}

func TestLoadConfigDefaults(t *testing.T) {
	setEnv(t, minimalEnv)
	cfg, err := video.LoadConfig()
	require.NoError(t, err)
	want := video.DefaultConfig()
	want.RoomKey = testRoomKey
	want.OpenVidu.URL, want.OpenVidu.APIKey, want.OpenVidu.Secret = "wss://video.example.com", "key", testOVSecret
	assert.Equal(t, want, cfg, "the envconfig defaults and DefaultConfig agree")
	assert.True(t, cfg.Enabled)
	assert.Equal(t, video.ProviderOpenVidu, cfg.Provider)
	assert.Equal(t, 2*time.Hour, cfg.TokenTTL)
	assert.Equal(t, 2*time.Second, cfg.Health.Timeout)
	assert.Equal(t, 15*time.Second, cfg.Health.Interval)
	assert.Equal(t, 2, cfg.Health.RecoveryProbes)
	assert.False(t, cfg.Health.Background)
}

func TestLoadConfigReadsEveryVariable(t *testing.T) {
	setEnv(t, map[string]string{
		"VIDEO_ENABLED": "true", "VIDEO_PROVIDER": "jitsi", "VIDEO_ENV": "development",
		"VIDEO_ROOM_KEY": testRoomKey, "VIDEO_ROOM_PREFIX": "clinic-", "VIDEO_TOKEN_TTL": "45m",
		"VIDEO_HEALTH_TIMEOUT": "750ms", "VIDEO_HEALTH_INTERVAL": "5s", "VIDEO_HEALTH_RECOVERY_PROBES": "4",
		"VIDEO_HEALTH_BACKGROUND": "true",
		"OPENVIDU_URL":            "https://ov.example.com", "OPENVIDU_API_KEY": "k", "OPENVIDU_SECRET": testOVSecret,
		"OPENVIDU_DOMAIN": "video.example.com", "OPENVIDU_MAX_PARTICIPANTS": "3", "OPENVIDU_EMPTY_TIMEOUT": "2m",
		"OPENVIDU_DEPARTURE_TIMEOUT": "30s", "OPENVIDU_WAITING_ROOM": "true", "OPENVIDU_RECORDING_FILEPATH": "r/{room_name}.mp4",
		"OPENVIDU_RECORDING_TIMEOUT": "3s", "OPENVIDU_JOIN_URL": "https://call.example.com/?url={server_url}&token={token}",
		"JITSI_DOMAIN": "meet.example.com", "JITSI_BASE_URL": "https://meet.example.com/tenant",
		"JITSI_APP_ID": "app", "JITSI_APP_SECRET": testJitsiSecr,
		"JITSI_ENABLE_RECORDING": "true", "JITSI_ENABLE_WAITING_ROOM": "true",
		"JITSI_AUDIENCE": "meet", "JITSI_SUBJECT": "meet.example.com", "JITSI_HEALTH_PROBE": "off",
		"JITSI_HEALTH_CONFIG_PATH": "/tenant/config.js", "JITSI_HEALTH_BOSH_PATH": "/xmpp-websocket",
	})
	cfg, err := video.LoadConfig()
	require.NoError(t, err)
	assert.Equal(t, video.ProviderJitsi, cfg.Provider)
	assert.Equal(t, video.EnvDevelopment, cfg.Environment)
	assert.Equal(t, "clinic-", cfg.RoomPrefix)
	assert.Equal(t, 45*time.Minute, cfg.TokenTTL)
	assert.Equal(t, video.HealthConfig{Timeout: 750 * time.Millisecond, Interval: 5 * time.Second, RecoveryProbes: 4, Background: true}, cfg.Health)
	assert.Equal(t, video.OpenViduConfig{URL: "https://ov.example.com", APIKey: "k", Secret: testOVSecret, Domain: "video.example.com",
		MaxParticipants: 3, EmptyTimeout: 2 * time.Minute, DepartureTimeout: 30 * time.Second, WaitingRoom: true,
		RecordingFilepath: "r/{room_name}.mp4", RecordingTimeout: 3 * time.Second,
		JoinURL: "https://call.example.com/?url={server_url}&token={token}"}, cfg.OpenVidu)
	assert.Equal(t, video.JitsiConfig{Domain: "meet.example.com", BaseURL: "https://meet.example.com/tenant", AppID: "app",
		AppSecret: testJitsiSecr, EnableRecording: true, EnableWaitingRoom: true, Audience: "meet", Subject: "meet.example.com",
		HealthProbe: "off", HealthConfigPath: "/tenant/config.js", HealthBOSHPath: "/xmpp-websocket"}, cfg.Jitsi)
}

func TestLoadConfigJaaS(t *testing.T) {
	setEnv(t, map[string]string{"VIDEO_ROOM_KEY": testRoomKey, "JITSI_JAAS_KEY_ID": "abc123",
		"JITSI_APP_ID": "vpaas-magic-cookie-1", "JITSI_JAAS_PRIVATE_KEY_FILE": "/etc/jaas.pem"})
	cfg, err := video.LoadConfig()
	require.NoError(t, err)
	assert.True(t, cfg.Jitsi.Configured())
	assert.True(t, cfg.Jitsi.JaaS())
	assert.Equal(t, "/etc/jaas.pem", cfg.Jitsi.JaaSPrivateKeyFile)
}

func TestLoadConfigLiveKitNames(t *testing.T) {
	setEnv(t, map[string]string{"VIDEO_ROOM_KEY": testRoomKey, "LIVEKIT_URL": "ws://127.0.0.1:7880",
		"LIVEKIT_API_KEY": "devkey", "LIVEKIT_API_SECRET": "lk-secret"})
	cfg, err := video.LoadConfig()
	require.NoError(t, err)
	assert.Equal(t, "ws://127.0.0.1:7880", cfg.OpenVidu.URL)
	assert.Equal(t, "devkey", cfg.OpenVidu.APIKey)
	assert.Equal(t, "lk-secret", cfg.OpenVidu.Secret.Reveal())

	env := map[string]string{"OPENVIDU_URL": "wss://ov.example.com", "LIVEKIT_URL": "ws://ignored:7880"}
	for k, v := range minimalEnv {
		if _, ok := env[k]; !ok {
			env[k] = v
		}
	}
	setEnv(t, env)
	cfg, err = video.LoadConfig()
	require.NoError(t, err)
	assert.Equal(t, "wss://ov.example.com", cfg.OpenVidu.URL, "OpenVidu names win over LiveKit names")
}

func TestLoadConfigErrorsNameTheVariable(t *testing.T) {
	cases := []struct {
		env   map[string]string
		field string
	}{
		{map[string]string{"VIDEO_PROVIDER": "zoom"}, "VIDEO_PROVIDER"},
		{map[string]string{"VIDEO_ENABLED": "maybe"}, "VIDEO_ENABLED"},
		{map[string]string{"VIDEO_TOKEN_TTL": "soon"}, "VIDEO_TOKEN_TTL"},
		{map[string]string{"VIDEO_TOKEN_TTL": "-5m"}, "VIDEO_TOKEN_TTL"},
		{map[string]string{"VIDEO_TOKEN_TTL": "48h"}, "VIDEO_TOKEN_TTL"},
		{map[string]string{"VIDEO_HEALTH_TIMEOUT": "-1s"}, "VIDEO_HEALTH_TIMEOUT"},
		{map[string]string{"VIDEO_HEALTH_INTERVAL": "0s"}, "VIDEO_HEALTH_INTERVAL"},
		{map[string]string{"VIDEO_HEALTH_RECOVERY_PROBES": "0"}, "VIDEO_HEALTH_RECOVERY_PROBES"},
		{map[string]string{"VIDEO_ENV": "staging"}, "VIDEO_ENV"},
		{map[string]string{"VIDEO_ROOM_KEY": ""}, "VIDEO_ROOM_KEY"},
		{map[string]string{"VIDEO_ROOM_KEY": "short"}, "VIDEO_ROOM_KEY"},
		{map[string]string{"VIDEO_ROOM_PREFIX": "Bad_Prefix"}, "VIDEO_ROOM_PREFIX"},
		{map[string]string{"OPENVIDU_URL": "ftp://video.example.com"}, "OPENVIDU_URL"},
		{map[string]string{"OPENVIDU_URL": "://nope"}, "OPENVIDU_URL"},
		{map[string]string{"OPENVIDU_URL": "wss://"}, "OPENVIDU_URL"},
		{map[string]string{"OPENVIDU_API_KEY": ""}, "OPENVIDU_API_KEY"},
		{map[string]string{"OPENVIDU_SECRET": ""}, "OPENVIDU_SECRET"},
		{map[string]string{"OPENVIDU_DOMAIN": "https://video.example.com/x"}, "OPENVIDU_DOMAIN"},
		{map[string]string{"JITSI_DOMAIN": "https://meet.example.com"}, "JITSI_DOMAIN"},
		{map[string]string{"JITSI_DOMAIN": "meet.example.com", "JITSI_BASE_URL": "meet.example.com"}, "JITSI_BASE_URL"},
		{map[string]string{"JITSI_DOMAIN": "meet.example.com", "JITSI_APP_SECRET": "s"}, "JITSI_APP_ID"},
		{map[string]string{"OPENVIDU_URL": ""}, "OPENVIDU_URL"},
		{map[string]string{"OPENVIDU_MAX_PARTICIPANTS": "-1"}, "OPENVIDU_MAX_PARTICIPANTS"},
		{map[string]string{"OPENVIDU_DEPARTURE_TIMEOUT": "-1m"}, "OPENVIDU_DEPARTURE_TIMEOUT"},
		{map[string]string{"OPENVIDU_JOIN_URL": "https://call.example.com/"}, "OPENVIDU_JOIN_URL"},
		{map[string]string{"JITSI_JAAS_KEY_ID": "k", "JITSI_JAAS_PRIVATE_KEY_FILE": "/k.pem"}, "JITSI_APP_ID"},
		{map[string]string{"JITSI_JAAS_KEY_ID": "k", "JITSI_APP_ID": "vpaas-x"}, "JITSI_JAAS_PRIVATE_KEY"},
		{map[string]string{"JITSI_JAAS_KEY_ID": "k", "JITSI_APP_ID": "vpaas-x", "JITSI_JAAS_PRIVATE_KEY": "pem", "JITSI_JAAS_PRIVATE_KEY_FILE": "/k.pem"}, "JITSI_JAAS_PRIVATE_KEY"},
		{map[string]string{"JITSI_JAAS_KEY_ID": "k", "JITSI_APP_ID": "vpaas-x", "JITSI_APP_SECRET": "s", "JITSI_JAAS_PRIVATE_KEY_FILE": "/k.pem"}, "JITSI_APP_SECRET"},
		{map[string]string{"JITSI_DOMAIN": "meet.example.com", "JITSI_HEALTH_PROBE": "sometimes"}, "JITSI_HEALTH_PROBE"},
		{map[string]string{"JITSI_DOMAIN": "meet.example.com", "JITSI_HEALTH_BOSH_PATH": "http-bind"}, "JITSI_HEALTH_BOSH_PATH"},
	}
	for _, tc := range cases {
		env := map[string]string{}
		for k, v := range minimalEnv {
			env[k] = v
		}
		for k, v := range tc.env {
			env[k] = v
		}
		setEnv(t, env)
		for k, v := range env {
			if v == "" {
				os.Unsetenv(k)
			}
		}
		_, err := video.LoadConfig()
		require.ErrorIs(t, err, video.ErrInvalidConfig, "%v", tc.env)
		var verr *video.Error
		require.ErrorAs(t, err, &verr)
		assert.Equal(t, tc.field, verr.Field, "%v: %v", tc.env, err)
		for _, v := range tc.env {
			if v != "" && len(v) > 2 {
				assert.NotContains(t, err.Error(), "'"+v+"'", "errors do not echo values")
			}
		}
	}
}

func TestDisabledNeedsNothingElse(t *testing.T) {
	setEnv(t, map[string]string{"VIDEO_ENABLED": "false"})
	cfg, err := video.LoadConfig()
	require.NoError(t, err)
	assert.False(t, cfg.Enabled)
}

func TestDevelopmentWithoutRoomKeyWarns(t *testing.T) {
	setEnv(t, map[string]string{"VIDEO_ENV": "development", "JITSI_DOMAIN": "meet.example.com"})
	cfg, err := video.LoadConfig()
	require.NoError(t, err)
	logs := &logSink{}
	jt := newRig(t, testConfig()).jt
	svc, err := video.New(cfg, nil, jt, video.WithLogger(slog.New(logs)))
	require.NoError(t, err)
	defer svc.Close()
	warn := logs.find(slog.LevelWarn, "VIDEO_ROOM_KEY not set: room names use a random key of this process only; set it before running several replicas or restarting with live consultations")
	assert.Len(t, warn, 1)
}

func TestConfigNeverShowsSecrets(t *testing.T) {
	cfg := testConfig()
	var logged bytes.Buffer
	slog.New(slog.NewJSONHandler(&logged, nil)).Info("config", "cfg", cfg)
	slog.New(slog.NewTextHandler(&logged, nil)).Info("config", "cfg", cfg, "secret", cfg.OpenVidu.Secret)
	raw, err := json.Marshal(cfg)
	require.NoError(t, err)
	for _, out := range []string{
		fmt.Sprint(cfg), fmt.Sprintf("%v", cfg), fmt.Sprintf("%+v", cfg), fmt.Sprintf("%#v", cfg),
		fmt.Sprintf("%s", cfg.RoomKey), fmt.Sprintf("%q", cfg.OpenVidu.Secret), fmt.Sprintf("%x", cfg.Jitsi.AppSecret),
		fmt.Sprintf("%d", cfg.Jitsi.AppSecret), logged.String(), string(raw),
	} {
		for _, secret := range []string{testRoomKey, testOVSecret, testJitsiSecr} {
			assert.NotContains(t, out, secret)
		}
	}
	assert.Contains(t, fmt.Sprintf("%+v", cfg), "[REDACTED]")
	assert.Equal(t, testOVSecret, cfg.OpenVidu.Secret.Reveal())
	assert.Equal(t, "", video.Secret("").String(), "an unset secret shows as empty")
}
