package video_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"log/slog"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	video "github.com/teleconsult/video"
	"github.com/teleconsult/video/internal/testenv"
)

// setEnv sets kv alone among the variables the library reads, for the test's duration.
func setEnv(t *testing.T, kv map[string]string) {
	testenv.Only(t, kv, "VIDEO_", "OPENVIDU_", "JITSI_", "LIVEKIT_")
}

var minimalEnv = map[string]string{"VIDEO_ROOM_KEY": testRoomKey}

func TestLoadConfigDefaults(t *testing.T) {
	setEnv(t, minimalEnv)
	cfg, err := video.LoadConfig()
	require.NoError(t, err)
	want := video.DefaultConfig()
	want.RoomKey = testRoomKey
	assert.Equal(t, want, cfg, "unset variables keep DefaultConfig")
	assert.True(t, cfg.Enabled)
	assert.Equal(t, video.ProviderName(""), cfg.Provider, "the providers in the order given")
	assert.Equal(t, video.EnvProduction, cfg.Environment)
	assert.Equal(t, "consult-", cfg.RoomPrefix)
	assert.Equal(t, 2*time.Hour, cfg.TokenTTL)
	assert.Equal(t, 2*time.Second, cfg.Health.Timeout)
	assert.Equal(t, 15*time.Second, cfg.Health.Interval)
	assert.Equal(t, 2, cfg.Health.RecoveryProbes)
	assert.False(t, cfg.Health.Background)
	assert.Equal(t, 100, cfg.Health.HedgeRate)
	assert.Equal(t, 25*time.Millisecond, cfg.Health.HedgeDelayMin)
	assert.Equal(t, 200*time.Millisecond, cfg.Health.HedgeDelayMax)
	assert.Equal(t, video.Policy{}, cfg.Policy)
}

func TestLoadConfigReadsEveryVariable(t *testing.T) {
	setEnv(t, map[string]string{
		"VIDEO_ENABLED": "true", "VIDEO_PROVIDER": "jitsi", "VIDEO_ENV": "development",
		"VIDEO_ROOM_KEY": testRoomKey, "VIDEO_ROOM_PREFIX": "clinic-", "VIDEO_TOKEN_TTL": "45m",
		"VIDEO_HEALTH_TIMEOUT": "750ms", "VIDEO_HEALTH_INTERVAL": "5s", "VIDEO_HEALTH_RECOVERY_PROBES": "4",
		"VIDEO_HEALTH_BACKGROUND": "true", "VIDEO_WAITING_ROOM": "true", "VIDEO_CLIENT_RECORDING": "true",
		"VIDEO_HEDGE_RATE": "20", "VIDEO_HEDGE_DELAY_MIN": "10ms", "VIDEO_HEDGE_DELAY_MAX": "300ms",
	})
	cfg, err := video.LoadConfig()
	require.NoError(t, err)
	assert.Equal(t, jtName, cfg.Provider)
	assert.Equal(t, video.EnvDevelopment, cfg.Environment)
	assert.Equal(t, "clinic-", cfg.RoomPrefix)
	assert.Equal(t, 45*time.Minute, cfg.TokenTTL)
	assert.Equal(t, video.HealthConfig{Timeout: 750 * time.Millisecond, Interval: 5 * time.Second, RecoveryProbes: 4, Background: true,
		HedgeRate: 20, HedgeDelayMin: 10 * time.Millisecond, HedgeDelayMax: 300 * time.Millisecond}, cfg.Health)
	assert.Equal(t, video.Policy{WaitingRoom: true, ClientRecording: true}, cfg.Policy)
}

func TestLoadConfigErrorsNameTheVariable(t *testing.T) {
	cases := []struct {
		env   map[string]string
		field string
	}{
		{map[string]string{"VIDEO_PROVIDER": "Zoom!"}, "VIDEO_PROVIDER"},
		{map[string]string{"VIDEO_ENABLED": "maybe"}, "VIDEO_ENABLED"},
		{map[string]string{"VIDEO_TOKEN_TTL": "soon"}, "VIDEO_TOKEN_TTL"},
		{map[string]string{"VIDEO_TOKEN_TTL": "-5m"}, "VIDEO_TOKEN_TTL"},
		{map[string]string{"VIDEO_TOKEN_TTL": "48h"}, "VIDEO_TOKEN_TTL"},
		{map[string]string{"VIDEO_HEALTH_TIMEOUT": "-1s"}, "VIDEO_HEALTH_TIMEOUT"},
		{map[string]string{"VIDEO_HEALTH_INTERVAL": "0s"}, "VIDEO_HEALTH_INTERVAL"},
		{map[string]string{"VIDEO_HEALTH_RECOVERY_PROBES": "0"}, "VIDEO_HEALTH_RECOVERY_PROBES"},
		{map[string]string{"VIDEO_WAITING_ROOM": "perhaps"}, "VIDEO_WAITING_ROOM"},
		{map[string]string{"VIDEO_ENV": "staging"}, "VIDEO_ENV"},
		{map[string]string{"VIDEO_ROOM_KEY": ""}, "VIDEO_ROOM_KEY"},
		{map[string]string{"VIDEO_ROOM_KEY": "short"}, "VIDEO_ROOM_KEY"},
		{map[string]string{"VIDEO_ROOM_PREFIX": "Bad_Prefix"}, "VIDEO_ROOM_PREFIX"},
		{map[string]string{"VIDEO_HEDGE_RATE": "-1"}, "VIDEO_HEDGE_RATE"},
		{map[string]string{"VIDEO_HEDGE_RATE": "1000000"}, "VIDEO_HEDGE_RATE"},
		{map[string]string{"VIDEO_HEDGE_DELAY_MIN": "0s"}, "VIDEO_HEDGE_DELAY_MIN"},
		{map[string]string{"VIDEO_HEDGE_DELAY_MAX": "10ms"}, "VIDEO_HEDGE_DELAY_MAX"},
	}
	for _, tc := range cases {
		setEnv(t, testenv.With(minimalEnv, tc.env))
		_, err := video.LoadConfig()
		assert.Equal(t, tc.field, testenv.FieldOf(t, err), "%v: %v", tc.env, err)
		for _, v := range tc.env {
			if v != "" && len(v) > 2 {
				assert.NotContains(t, err.Error(), v, "errors do not echo values")
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
	setEnv(t, map[string]string{"VIDEO_ENV": "development"})
	cfg, err := video.LoadConfig()
	require.NoError(t, err)
	logs := &logSink{}
	jt := newRig(t, testConfig()).jt
	svc, err := video.New(cfg, []video.Provider{jt}, video.WithLogger(slog.New(logs)))
	require.NoError(t, err)
	defer svc.Close()
	warn := logs.find(slog.LevelWarn, "VIDEO_ROOM_KEY not set: room names use a random key of this process only; set it before running several replicas or restarting with live consultations")
	assert.Len(t, warn, 1)
}

func TestConfigNeverShowsSecrets(t *testing.T) {
	cfg := testConfig()
	var logged bytes.Buffer
	slog.New(slog.NewJSONHandler(&logged, nil)).Info("config", "cfg", cfg)
	slog.New(slog.NewTextHandler(&logged, nil)).Info("config", "cfg", cfg, "secret", cfg.RoomKey)
	raw, err := json.Marshal(cfg)
	require.NoError(t, err)
	for _, out := range []string{
		fmt.Sprint(cfg), fmt.Sprintf("%v", cfg), fmt.Sprintf("%+v", cfg), fmt.Sprintf("%#v", cfg),
		fmt.Sprintf("%s", cfg.RoomKey), fmt.Sprintf("%q", cfg.RoomKey), fmt.Sprintf("%x", cfg.RoomKey),
		fmt.Sprintf("%d", cfg.RoomKey), logged.String(), string(raw),
	} {
		assert.NotContains(t, out, testRoomKey)
	}
	assert.Contains(t, fmt.Sprintf("%+v", cfg), "[REDACTED]")
	assert.Equal(t, testRoomKey, cfg.RoomKey.Reveal())
	assert.Equal(t, "", video.Secret("").String(), "an unset secret shows as empty")
}
