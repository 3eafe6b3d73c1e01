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
	for _, k := range []string{"REDIS_URL", "VIDEO_REDIS_PREFIX", "VIDEO_REDIS_RETENTION", "VIDEO_REDIS_MAX_AGE",
		"VIDEO_REDIS_WAIT_REPLICAS", "VIDEO_REDIS_WAIT_TIMEOUT"} {
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
		"":                                 "REDIS_URL",
		"http://127.0.0.1:6379":            "REDIS_URL",
		"retention:-1h":                    "VIDEO_REDIS_RETENTION",
		"retention:forever":                "VIDEO_REDIS_RETENTION",
		"max:0s":                           "VIDEO_REDIS_MAX_AGE",
		"replicas:some":                    "VIDEO_REDIS_WAIT_REPLICAS",
		"replicas:-2":                      "VIDEO_REDIS_WAIT_REPLICAS",
		"replicas:17":                      "VIDEO_REDIS_WAIT_REPLICAS",
		"wait:2m":                          "VIDEO_REDIS_WAIT_TIMEOUT",
		"wait:-1s":                         "VIDEO_REDIS_WAIT_TIMEOUT",
		"redis+shard://127.0.0.1:6379":     "REDIS_URL",
		"redis+sentinel://127.0.0.1:26379": "REDIS_URL",
		"redis+cluster://127.0.0.1:7000?addr=nohost": "REDIS_URL",
		"redis+cluster://127.0.0.1:7000?bogus=1":     "REDIS_URL",
	} {
		kv := map[string]string{"REDIS_URL": "redis://127.0.0.1:6379/0"}
		switch {
		case strings.HasPrefix(env, "retention:"):
			kv["VIDEO_REDIS_RETENTION"] = strings.TrimPrefix(env, "retention:")
		case strings.HasPrefix(env, "max:"):
			kv["VIDEO_REDIS_MAX_AGE"] = strings.TrimPrefix(env, "max:")
		case strings.HasPrefix(env, "replicas:"):
			kv["VIDEO_REDIS_WAIT_REPLICAS"] = strings.TrimPrefix(env, "replicas:")
		case strings.HasPrefix(env, "wait:"):
			kv["VIDEO_REDIS_WAIT_TIMEOUT"] = strings.TrimPrefix(env, "wait:")
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

func TestURLsNameATopology(t *testing.T) {
	for _, url := range []string{
		"redis://:s3cret-pass@127.0.0.1:6379/2",
		"rediss://:s3cret-pass@redis.internal:6380/0",
		"redis+cluster://:s3cret-pass@127.0.0.1:7000?addr=127.0.0.1:7001&addr=127.0.0.1:7002",
		"rediss+cluster://127.0.0.1:7000",
		"redis+sentinel://:s3cret-pass@127.0.0.1:26379?master_name=video&addr=127.0.0.1:26380&password=s3cret-pass",
		"rediss+sentinel://127.0.0.1:26379?master_name=video",
	} {
		setEnv(t, map[string]string{"REDIS_URL": url, "VIDEO_REDIS_WAIT_REPLICAS": "1", "VIDEO_REDIS_WAIT_TIMEOUT": "250ms"})
		cfg, err := redisstore.LoadConfig()
		require.NoError(t, err, url)
		assert.Equal(t, redisstore.Replicas(1), cfg.WaitReplicas)
		assert.Equal(t, 250*time.Millisecond, cfg.WaitTimeout)
		st, err := redisstore.Open(cfg)
		require.NoError(t, err, url)
		require.NoError(t, st.Close())
	}
	setEnv(t, map[string]string{"REDIS_URL": "redis+cluster://127.0.0.1:7000"})
	cfg, err := redisstore.LoadConfig()
	require.NoError(t, err)
	assert.Equal(t, redisstore.AutoReplicas, cfg.WaitReplicas, "auto by default")
	assert.Equal(t, "auto", cfg.WaitReplicas.String())
}

// A URL's password never appears in an error, whatever is wrong with the URL around it.
func TestURLErrorsNeverQuoteThePassword(t *testing.T) {
	for _, url := range []string{
		"redis://:s3cret-pass@127.0.0.1:port/0",
		"redis://:s3cret-pass@127.0.0.1:6379/x",
		"redis+cluster://:s3cret-pass@127.0.0.1:7000?addr=::",
		"redis+sentinel://:s3cret-pass@127.0.0.1:26379",
		"redis+sentinel://:s3cret-pass@127.0.0.1:26379?master_name=m&password=s3cret-pass&dial_timeout=x",
		"redis+nope://:s3cret-pass@127.0.0.1",
		":s3cret-pass@127.0.0.1",
		"redis://:s3cret-pass@127.0.0.1:6379/0\x7f",
		"redis://:s3cret%zz-pass@127.0.0.1:6379/0",
		"redis://:s3cret/9xQ+zP@redis.internal:6379/0",
		"redis+sentinel://:s3cret#77ab@s1:26379?master_name=m",
		"redis://:s3cret?x@r:6379",
		"redis://:ab%G1s3cret@r:6379",
		"redis://user:s3cret@host:6379/s3cret",
		"redis+cluster://:pass@h:1?dial_timeout=s3cret",
	} {
		setEnv(t, map[string]string{"REDIS_URL": url})
		_, err := redisstore.LoadConfig()
		require.Error(t, err, url)
		assert.NotContains(t, err.Error(), "s3cret", url)
		var verr *video.Error
		require.ErrorAs(t, err, &verr)
		assert.Equal(t, "REDIS_URL", verr.Field)
	}
}
