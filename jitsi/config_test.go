package jitsi

import (
	"log/slog"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/teleconsult/video/internal/testenv"
)

// setEnv sets kv alone among the JITSI_* variables, for the test's duration.
func setEnv(t *testing.T, kv map[string]string) { testenv.Only(t, kv, "JITSI_") }

func TestLoadConfigUnconfiguredIsNotAnError(t *testing.T) {
	setEnv(t, nil)
	cfg, err := LoadConfig()
	require.NoError(t, err)
	assert.False(t, cfg.Configured())
	assert.Equal(t, DefaultConfig(), cfg)
}

func TestLoadConfigReadsEveryVariable(t *testing.T) {
	setEnv(t, map[string]string{
		"JITSI_DOMAIN": "meet.example.com", "JITSI_BASE_URL": "https://meet.example.com/tenant",
		"JITSI_APP_ID": "app", "JITSI_APP_SECRET": "jitsi-secret-0123456789abcdef0123456789",
		"JITSI_ENABLE_RECORDING": "true", "JITSI_ENABLE_WAITING_ROOM": "true",
		"JITSI_AUDIENCE": "meet", "JITSI_SUBJECT": "meet.example.com", "JITSI_HEALTH_PROBE": "off",
		"JITSI_HEALTH_CONFIG_PATH": "/tenant/config.js", "JITSI_HEALTH_BOSH_PATH": "/xmpp-websocket",
	})
	cfg, err := LoadConfig()
	require.NoError(t, err)
	assert.Equal(t, Config{Domain: "meet.example.com", BaseURL: "https://meet.example.com/tenant", AppID: "app",
		AppSecret: "jitsi-secret-0123456789abcdef0123456789", EnableRecording: true, EnableWaitingRoom: true, Audience: "meet", Subject: "meet.example.com",
		HealthProbe: "off", HealthConfigPath: "/tenant/config.js", HealthBOSHPath: "/xmpp-websocket"}, cfg)
}

func TestLoadConfigJaaS(t *testing.T) {
	setEnv(t, map[string]string{"JITSI_JAAS_KEY_ID": "abc123", "JITSI_APP_ID": "vpaas-magic-cookie-1", "JITSI_JAAS_PRIVATE_KEY_FILE": "/etc/jaas.pem"})
	cfg, err := LoadConfig()
	require.NoError(t, err)
	assert.True(t, cfg.Configured())
	assert.True(t, cfg.JaaS())
	assert.Equal(t, "/etc/jaas.pem", cfg.JaaSPrivateKeyFile)
}

func TestLoadConfigErrorsNameTheVariable(t *testing.T) {
	for _, tc := range []struct {
		env   map[string]string
		field string
	}{
		{map[string]string{"JITSI_DOMAIN": "https://meet.example.com"}, "JITSI_DOMAIN"},
		{map[string]string{"JITSI_DOMAIN": "meet.example.com", "JITSI_BASE_URL": "meet.example.com"}, "JITSI_BASE_URL"},
		{map[string]string{"JITSI_DOMAIN": "meet.example.com", "JITSI_APP_SECRET": "jitsi-secret-0123456789abcdef0123456789"}, "JITSI_APP_ID"},
		{map[string]string{"JITSI_JAAS_KEY_ID": "k", "JITSI_JAAS_PRIVATE_KEY_FILE": "/k.pem"}, "JITSI_APP_ID"},
		{map[string]string{"JITSI_JAAS_KEY_ID": "k", "JITSI_APP_ID": "vpaas-x"}, "JITSI_JAAS_PRIVATE_KEY"},
		{map[string]string{"JITSI_JAAS_KEY_ID": "k", "JITSI_APP_ID": "vpaas-x", "JITSI_JAAS_PRIVATE_KEY": "pem", "JITSI_JAAS_PRIVATE_KEY_FILE": "/k.pem"}, "JITSI_JAAS_PRIVATE_KEY"},
		{map[string]string{"JITSI_JAAS_KEY_ID": "k", "JITSI_APP_ID": "vpaas-x", "JITSI_APP_SECRET": "jitsi-secret-0123456789abcdef0123456789", "JITSI_JAAS_PRIVATE_KEY_FILE": "/k.pem"}, "JITSI_APP_SECRET"},
		{map[string]string{"JITSI_DOMAIN": "meet.example.com", "JITSI_HEALTH_PROBE": "sometimes"}, "JITSI_HEALTH_PROBE"},
		{map[string]string{"JITSI_DOMAIN": "meet.example.com", "JITSI_HEALTH_BOSH_PATH": "http-bind"}, "JITSI_HEALTH_BOSH_PATH"},
		{map[string]string{"JITSI_DOMAIN": "meet.example.com", "JITSI_ENABLE_RECORDING": "yes please"}, "JITSI_ENABLE_RECORDING"},
		{map[string]string{"JITSI_DOMAIN": "meet.example.com", "JITSI_APP_ID": "app", "JITSI_APP_SECRET": "x"}, "JITSI_APP_SECRET"},
		{map[string]string{"JITSI_APP_ID": "app", "JITSI_APP_SECRET": "jitsi-secret-0123456789abcdef0123456789"}, "JITSI_DOMAIN"}, // half configured
		{map[string]string{"JITSI_DOMAIN": "meet.example.com", "JITSI_APP_ID": "app", "JITSI_APP_SECRET": "short but not 32"}, "JITSI_APP_SECRET"},
	} {
		setEnv(t, tc.env)
		_, err := LoadConfig()
		assert.Equal(t, tc.field, testenv.FieldOf(t, err), "%v: %v", tc.env, err)
		assert.NotContains(t, err.Error(), "jitsi-secret-0123456789abcdef0123456789")
	}
}

// A secret of white space alone is no secret: the configuration is the anonymous one, and says so.
func TestWhiteSpaceSecretIsUnset(t *testing.T) {
	setEnv(t, map[string]string{"JITSI_DOMAIN": "meet.example.com", "JITSI_APP_ID": "app", "JITSI_APP_SECRET": "   "})
	cfg, err := LoadConfig()
	require.NoError(t, err)
	p, err := New(cfg, WithLogger(slog.New(slog.DiscardHandler)))
	require.NoError(t, err)
	assert.True(t, p.Anonymous(), "links carry no token rather than one signed with blanks")
}
