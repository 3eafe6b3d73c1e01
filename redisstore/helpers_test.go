package redisstore_test

import (
	"context"
	"os"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/redis/go-redis/v9"
	"github.com/stretchr/testify/require"
	"github.com/teleconsult/video/internal/testserver"
	"github.com/teleconsult/video/redisstore"
)

// One redis-server serves the package's tests; each test uses a key prefix of its own.
var shared struct {
	once sync.Once
	r    *testserver.Redis
	err  error
	n    atomic.Int64
}

// quiet drops go-redis's own log lines: the failover tests make it log every refused dial.
type quiet struct{}

func (quiet) Printf(context.Context, string, ...any) {}

func TestMain(m *testing.M) {
	redis.SetLogger(quiet{})
	code := m.Run()
	if shared.r != nil {
		shared.r.Stop()
	}
	if sharedCl.c != nil {
		sharedCl.c.Stop()
	}
	os.Exit(code)
}

func sharedRedis(t testing.TB) *testserver.Redis {
	t.Helper()
	bin := testserver.RedisBinaryOrSkip(t)
	shared.once.Do(func() {
		dir, err := os.MkdirTemp("", "redis-test-")
		if err != nil {
			shared.err = err
			return
		}
		shared.r, shared.err = testserver.LaunchRedis(bin, dir, testserver.RedisOptions{})
	})
	require.NoError(t, shared.err)
	return shared.r
}

// roundTrips counts the commands and pipelines a client sends: each is one round trip.
type roundTrips struct{ n atomic.Int64 }

func (h *roundTrips) DialHook(next redis.DialHook) redis.DialHook { return next }
func (h *roundTrips) ProcessHook(next redis.ProcessHook) redis.ProcessHook {
	return func(ctx context.Context, cmd redis.Cmder) error {
		h.n.Add(1)
		return next(ctx, cmd)
	}
}
func (h *roundTrips) ProcessPipelineHook(next redis.ProcessPipelineHook) redis.ProcessPipelineHook {
	return func(ctx context.Context, cmds []redis.Cmder) error {
		h.n.Add(1)
		return next(ctx, cmds)
	}
}

// client returns a client of addr with context deadlines on, closed when t ends.
func client(t testing.TB, addr string) *redis.Client {
	c := redis.NewClient(&redis.Options{Addr: addr, ContextTimeoutEnabled: true})
	t.Cleanup(func() { c.Close() })
	return c
}

// newStore returns a Store on the shared server under a fresh prefix, and its round-trip counter.
func newStore(t testing.TB) (*redisstore.Store, *roundTrips) {
	r := sharedRedis(t)
	c := client(t, r.Addr)
	rt := &roundTrips{}
	c.AddHook(rt)
	prefix := "t" + strconv.FormatInt(shared.n.Add(1), 10) + ":"
	return redisstore.New(c, redisstore.Options{Prefix: prefix}), rt
}
