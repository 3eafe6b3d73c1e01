package redisstore_test

import (
	"context"
	"os"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"
	"github.com/stretchr/testify/assert"

	"github.com/stretchr/testify/require"
	video "github.com/teleconsult/video"
	"github.com/teleconsult/video/internal/testserver"
	"github.com/teleconsult/video/redisstore"
	"github.com/teleconsult/video/videotest"
)

// One Redis Cluster (three masters, three replicas) serves the tests that do not break it.
var sharedCl struct {
	once sync.Once
	c    *testserver.RedisCluster
	err  error
}

func sharedCluster(t testing.TB) *testserver.RedisCluster {
	t.Helper()
	bin, cli := testserver.RedisBinaryOrSkip(t), testserver.RedisCLIOrSkip(t)
	sharedCl.once.Do(func() {
		dir, err := os.MkdirTemp("", "redis-cluster-test-")
		if err != nil {
			sharedCl.err = err
			return
		}
		sharedCl.c, sharedCl.err = testserver.LaunchRedisCluster(bin, cli, dir, testserver.ClusterOptions{})
	})
	require.NoError(t, sharedCl.err)
	return sharedCl.c
}

// openCluster opens a Store on cl as the environment would (REDIS_URL=redis+cluster://…),
// under a fresh prefix, closed when t ends.
func openCluster(t testing.TB, cl *testserver.RedisCluster, tune func(*redisstore.Config)) *redisstore.Store {
	t.Helper()
	cfg := redisstore.DefaultConfig()
	cfg.URL = video.Secret(cl.URL)
	cfg.Prefix = "t" + strconv.FormatInt(shared.n.Add(1), 10) + ":"
	if tune != nil {
		tune(&cfg)
	}
	st, err := redisstore.Open(cfg)
	require.NoError(t, err)
	t.Cleanup(func() { st.Close() })
	return st
}

func TestStoreConformsOnACluster(t *testing.T) {
	cl := sharedCluster(t)
	videotest.RunStoreTests(t, func(t *testing.T) video.Store { return openCluster(t, cl, nil) })
}

func TestRacesOnACluster(t *testing.T) {
	cl := sharedCluster(t)
	videotest.RunRaceTests(t, func(t *testing.T) video.Store { return openCluster(t, cl, nil) })
}

func TestReplicasNeverSplitAnAppointmentOnACluster(t *testing.T) {
	replicasNeverSplit(t, openCluster(t, sharedCluster(t), nil))
}

// TestAPinWaitsForAReplica: on a cluster a pin is acknowledged once the replica of its master
// holds it; with that replica frozen, the pin is still acknowledged after WaitTimeout, and
// counted as unreplicated.
func TestAPinWaitsForAReplica(t *testing.T) {
	cl := sharedCluster(t)
	prefix := "wait" + strconv.FormatInt(shared.n.Add(1), 10) + ":"
	// A wait long enough that a loaded machine does not time out a healthy replica.
	st := openCluster(t, cl, func(c *redisstore.Config) { c.Prefix, c.WaitTimeout = prefix, time.Second })
	key := func(id string) string { return prefix + "c:{" + id + "}" }
	ctx := context.Background()
	_, created, err := st.Create(ctx, &video.Consultation{AppointmentID: "a1", Provider: "openvidu", Room: "r1", CreatedAt: time.Now()})
	require.NoError(t, err)
	require.True(t, created)
	assert.Zero(t, st.UnreplicatedWrites())

	_, replica := ownersOf(t, cl, key("a1"))
	rc := redis.NewClient(&redis.Options{Addr: replica.Addr, OnConnect: func(ctx context.Context, cn *redis.Conn) error {
		return cn.ReadOnly(ctx).Err()
	}})
	defer rc.Close()
	v, err := rc.HGet(ctx, key("a1"), "v").Result()
	require.NoError(t, err, "the replica holds the pin once it is acknowledged")
	assert.Equal(t, "1", v)

	_, replica = ownersOf(t, cl, key("a2"))
	replica.Freeze()
	_, created, err = st.Create(ctx, &video.Consultation{AppointmentID: "a2", Provider: "openvidu", Room: "r2", CreatedAt: time.Now()})
	replica.Thaw()
	require.NoError(t, err, "a lagging replica does not block pins")
	assert.True(t, created)
	assert.Equal(t, int64(1), st.UnreplicatedWrites())
}

// ownersOf returns the master serving key's slot and its replica.
func ownersOf(t *testing.T, cl *testserver.RedisCluster, key string) (master, replica *testserver.Redis) {
	t.Helper()
	layout, err := testserver.Layout(cl.Nodes[0].Addr)
	require.NoError(t, err)
	s, err := testserver.Command(cl.Nodes[0].Addr, "CLUSTER", "KEYSLOT", key)
	require.NoError(t, err)
	slot, err := strconv.Atoi(s)
	require.NoError(t, err)
	byAddr := map[string]*testserver.Redis{}
	for _, n := range cl.Nodes {
		byAddr[n.Addr] = n
	}
	for _, m := range layout {
		if !m.Master || !serves(m, slot) {
			continue
		}
		for _, r := range layout {
			if r.MasterID == m.ID {
				return byAddr[m.Addr], byAddr[r.Addr]
			}
		}
	}
	t.Fatalf("no master with a replica serves slot %d", slot)
	return nil, nil
}

// TestWritesFollowASlotBeingResharded moves the slot of a consultation to another master while
// writes wait for replicas: during the move (the key answers ASK from its old master) and after
// it (MOVED), every write succeeds, and the one that could not wait on its new master's
// connection is counted as unreplicated.
func TestWritesFollowASlotBeingResharded(t *testing.T) {
	cl := testserver.StartRedisCluster(t, testserver.ClusterOptions{})
	st := openCluster(t, cl, func(c *redisstore.Config) { c.Prefix = "reshard:" })
	ctx := context.Background()
	_, _, err := st.Create(ctx, &video.Consultation{AppointmentID: "a1", Provider: "openvidu", Room: "r1", CreatedAt: time.Now()})
	require.NoError(t, err)
	key := "reshard:c:{a1}"
	src, _ := ownersOf(t, cl, key)
	layout, err := testserver.Layout(src.Addr)
	require.NoError(t, err)
	var srcID, dstID, dstAddr string
	for _, n := range layout {
		switch {
		case n.Addr == src.Addr:
			srcID = n.ID
		case n.Master && dstID == "":
			dstID, dstAddr = n.ID, n.Addr
		}
	}
	slot, err := testserver.Command(src.Addr, "CLUSTER", "KEYSLOT", key)
	require.NoError(t, err)
	run := func(addr string, args ...string) {
		t.Helper()
		_, err := testserver.Command(addr, args...)
		require.NoError(t, err, "%v", args)
	}
	run(dstAddr, "CLUSTER", "SETSLOT", slot, "IMPORTING", srcID)
	run(src.Addr, "CLUSTER", "SETSLOT", slot, "MIGRATING", dstID)
	host, port, _ := strings.Cut(dstAddr, ":")
	run(src.Addr, "MIGRATE", host, port, key, "0", "5000")

	issue := video.TechnicalIssue{Category: video.IssueAudio, UserID: "pat", ReportedAt: time.Now()}
	before := st.UnreplicatedWrites() // the create's wait may have timed out on a loaded machine
	_, err = st.AddIssue(ctx, "a1", issue)
	require.NoError(t, err, "a write to a key already moved, while its slot is migrating (ASK)")
	assert.Equal(t, before+1, st.UnreplicatedWrites(), "written through the cluster client, without a wait")

	for _, n := range layout {
		if n.Master {
			run(n.Addr, "CLUSTER", "SETSLOT", slot, "NODE", dstID)
		}
	}
	issue.ReportedAt = issue.ReportedAt.Add(time.Second)
	c, err := st.AddIssue(ctx, "a1", issue)
	require.NoError(t, err, "the first write after the move (MOVED)")
	assert.Len(t, c.Issues, 2)
	assert.LessOrEqual(t, st.UnreplicatedWrites(), before+2, "at most this write too, had it found its master paused or still moving")
	t.Logf("unreplicated writes: %d", st.UnreplicatedWrites())
}

// A master whose replica keeps missing waits is waited on ever less often: the pauses after a
// miss double (1 s, then 2 s), so four seconds of writes miss at most three waits (with a pause
// that stayed at a second, four).
func TestAMasterWithoutItsReplicaIsWaitedOnLessAndLess(t *testing.T) {
	cl := sharedCluster(t)
	prefix := "lag" + strconv.FormatInt(shared.n.Add(1), 10) + ":"
	st := openCluster(t, cl, func(c *redisstore.Config) { c.Prefix, c.WaitTimeout = prefix, 50*time.Millisecond })
	ctx := context.Background()
	_, _, err := st.Create(ctx, &video.Consultation{AppointmentID: "a1", Provider: "openvidu", Room: "r1", CreatedAt: time.Now()})
	require.NoError(t, err)
	require.Zero(t, st.MissedWaits())
	_, replica := ownersOf(t, cl, prefix+"c:{a1}")
	replica.Freeze()
	defer replica.Thaw()
	writes := 0
	for start := time.Now(); time.Since(start) < 4*time.Second; writes++ {
		_, err := st.AddIssue(ctx, "a1", video.TechnicalIssue{Category: video.IssueAudio, UserID: "u", ReportedAt: time.Now()})
		require.NoError(t, err, "a replica that does not answer blocks no write")
	}
	assert.GreaterOrEqual(t, st.MissedWaits(), int64(2))
	assert.LessOrEqual(t, st.MissedWaits(), int64(3), "waits missed in four seconds of writes")
	t.Logf("writes: %d, waits missed: %d, unreplicated: %d", writes, st.MissedWaits(), st.UnreplicatedWrites())
}
