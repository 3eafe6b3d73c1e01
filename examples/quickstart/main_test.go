package main

import (
	"bytes"
	"encoding/json"
	"net"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	video "github.com/teleconsult/video"
	"github.com/teleconsult/video/examples/internal/setup"
	"github.com/teleconsult/video/internal/testenv"
	"github.com/teleconsult/video/internal/testserver"
)

// cleanEnv leaves the quickstart only its own defaults, plus kv.
func cleanEnv(t *testing.T, kv map[string]string) {
	testenv.Only(t, nil, "VIDEO_", "OPENVIDU_", "JITSI_", "LIVEKIT_", "REDIS_")
	none := map[string]string{}
	for k := range setup.DevDefaults {
		none[k] = ""
	}
	testenv.Only(t, testenv.With(none, kv))
}

func closedPort(t *testing.T) string {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	addr := l.Addr().String()
	l.Close()
	return addr
}

func TestQuickstartFallsBackToJitsiWithoutOpenVidu(t *testing.T) {
	cleanEnv(t, map[string]string{"OPENVIDU_URL": "ws://" + closedPort(t),
		"OPENVIDU_API_KEY": testserver.LiveKitAPIKey, "OPENVIDU_SECRET": testserver.LiveKitAPISecret})
	var out, logs bytes.Buffer
	require.NoError(t, run(&out, &logs, false))
	assert.Contains(t, out.String(), "served by jitsi")
	assert.Regexp(t, `jitsi +fallback +unprobed`, out.String(), "a Jitsi that is not probed does not claim to be up")
	assert.Contains(t, out.String(), "https://meet.jit.si/consult-")
	assert.Contains(t, logs.String(), "primary provider unhealthy, using fallback")
	assert.Equal(t, 2, strings.Count(out.String(), "join:"), "a link for the doctor and one for the patient")
}

func TestQuickstartServesOpenViduWhenItRuns(t *testing.T) {
	lk := testserver.StartLiveKit(t, testserver.LiveKitOptions{})
	cleanEnv(t, map[string]string{"OPENVIDU_URL": lk.URL,
		"OPENVIDU_API_KEY": testserver.LiveKitAPIKey, "OPENVIDU_SECRET": testserver.LiveKitAPISecret})
	var out, logs bytes.Buffer
	require.NoError(t, run(&out, &logs, true))
	var r struct {
		Health struct {
			Providers []struct{ Provider, State string }
		}
		Doctor, Patient struct {
			Provider, Room, Token string
			ServerURL             string `json:"server_url"`
		}
	}
	require.NoError(t, json.Unmarshal(out.Bytes(), &r), out.String())
	assert.Equal(t, "openvidu", r.Doctor.Provider)
	assert.Equal(t, r.Doctor.Room, r.Patient.Room)
	assert.NotEmpty(t, r.Doctor.Token)
	assert.Equal(t, lk.URL, r.Doctor.ServerURL)
	require.Len(t, r.Health.Providers, 2)
	assert.Equal(t, "up", r.Health.Providers[0].State)
	assert.NotContains(t, logs.String(), r.Doctor.Token, "tokens are output, never logged")
}

// Development defaults fill in a provider only when nothing of it is configured: a
// half-configured OpenVidu reports its own configuration error, not a failure of invented values.
func TestDevDefaultsNeverHideAConfigurationError(t *testing.T) {
	cleanEnv(t, map[string]string{"OPENVIDU_URL": "wss://openvidu.example.com", "OPENVIDU_API": "livekit",
		"OPENVIDU_SECRET": "a-secret-of-the-original-design-0123456789"})
	var out, logs bytes.Buffer
	err := run(&out, &logs, false)
	require.ErrorIs(t, err, video.ErrInvalidConfig)
	assert.Contains(t, err.Error(), "OPENVIDU_API_KEY", "the variable that is missing, not a DNS failure")
}

func TestQuickstartOnRedis(t *testing.T) {
	r := testserver.StartRedis(t, testserver.RedisOptions{})
	cleanEnv(t, map[string]string{"OPENVIDU_URL": "ws://" + closedPort(t), "OPENVIDU_API_KEY": testserver.LiveKitAPIKey,
		"OPENVIDU_SECRET": testserver.LiveKitAPISecret, "VIDEO_STORE": "redis", "REDIS_URL": r.URL})
	var out, logs bytes.Buffer
	require.NoError(t, run(&out, &logs, false))
	assert.Contains(t, out.String(), "served by jitsi")

	cleanEnv(t, map[string]string{"VIDEO_STORE": "etcd"})
	err := run(&out, &logs, false)
	assert.ErrorContains(t, err, "VIDEO_STORE")
}
