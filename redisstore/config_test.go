package redisstore_test

import (
	"fmt"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	video "github.com/teleconsult/video"
	"github.com/teleconsult/video/redisstore"
)

func setEnv(t *testing.T, kv map[string]string) {
	for _, k := range []string{"REDIS_URL", "VIDEO_REDIS_PREFIX", "VIDEO_REDIS_RETENTION", "VIDEO_REDIS_MAX_AGE"} {
		t.Setenv(k, "")
		os.Unsetenv(k)
	}
	for k, v := range kv {
		t.Setenv(k, v)
	}
}

func TestLoadConfig(t *testing.T) {
	setEnv(t, map[string]string{"REDIS_URL": "redis://:s3cret-pass@127.0.0.1:6379/2"})
	cfg, err := redisstore.LoadConfig()
	require.NoError(t, err)
	assert.Equal(t, "video:", cfg.Prefix)
	assert.Equal(t, 7*24*time.Hour, cfg.Retention)
	assert.Equal(t, 30*24*time.Hour, cfg.MaxAge)
	assert.NotContains(t, fmt.Sprintf("%+v", cfg), "s3cret-pass", "the URL's password never prints")

	for env, field := range map[string]string{
		"":                      "REDIS_URL",
		"http://127.0.0.1:6379": "REDIS_URL",
		"retention:-1h":         "VIDEO_REDIS_RETENTION",
		"retention:forever":     "VIDEO_REDIS_RETENTION",
		"max:0s":                "VIDEO_REDIS_MAX_AGE",
	} {
		kv := map[string]string{"REDIS_URL": "redis://127.0.0.1:6379/0"}
		switch {
		case strings.HasPrefix(env, "retention:"):
			kv["VIDEO_REDIS_RETENTION"] = strings.TrimPrefix(env, "retention:")
		case strings.HasPrefix(env, "max:"):
			kv["VIDEO_REDIS_MAX_AGE"] = strings.TrimPrefix(env, "max:")
		case env == "":
			delete(kv, "REDIS_URL")
		default:
			kv["REDIS_URL"] = env
		}
		setEnv(t, kv)
		_, err := redisstore.LoadConfig()
		var verr *video.Error
		require.ErrorAs(t, err, &verr, env)
		assert.Equal(t, field, verr.Field, env)
	}
}

func TestOpenFromConfig(t *testing.T) {
	r := sharedRedis(t)
	st, err := redisstore.Open(redisstore.Config{URL: video.Secret(r.URL), Prefix: "open:", Retention: time.Hour, MaxAge: time.Hour})
	require.NoError(t, err)
	defer st.Close()
	rep := newReplica(t, st, nil)
	_, err = rep.svc.GenerateMeetingToken(t.Context(), "a1", "doc", video.RoleDoctor, video.UserInfo{})
	require.NoError(t, err)
	c, err := st.Get(t.Context(), "a1")
	require.NoError(t, err)
	assert.Len(t, c.Participants, 1)
}
