package testserver

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"
)

// SentinelMaster is the name the test Sentinel monitors.
const SentinelMaster = "video"

// RedisSentinel is a master, its replica and one Sentinel watching them, on 127.0.0.1.
type RedisSentinel struct {
	// Master and Replica are the data servers as started; after a failover the replica is
	// the master.
	Master, Replica *Redis
	// Sentinel is the Sentinel's host:port.
	Sentinel string
	// URL is a redis+sentinel:// URL for the master, as redisstore.Open takes it.
	URL string

	sentinel *Redis
}

// StartRedisSentinel starts a master, a replica and a Sentinel (quorum 1, the master deemed down
// after downAfter) for tb and stops them when tb ends.
func StartRedisSentinel(tb testing.TB, downAfter time.Duration) *RedisSentinel {
	tb.Helper()
	s, err := LaunchRedisSentinel(RedisBinaryOrSkip(tb), tb.TempDir(), downAfter)
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(s.Stop)
	return s
}

// LaunchRedisSentinel starts the three servers in dir and waits until the replica is in sync
// and the Sentinel sees it. The caller stops them.
func LaunchRedisSentinel(bin, dir string, downAfter time.Duration) (*RedisSentinel, error) {
	s := &RedisSentinel{}
	err := startRetrying(func() error {
		s.Stop()
		*s = RedisSentinel{}
		ports, err := freePorts(3)
		if err != nil {
			return err
		}
		for _, name := range []string{"master", "replica", "sentinel"} {
			if err := os.MkdirAll(filepath.Join(dir, name), 0o755); err != nil {
				return err
			}
		}
		if s.Master, err = newRedisOn(bin, filepath.Join(dir, "master"), ports[0], RedisOptions{}); err != nil {
			return err
		}
		if err := s.Master.Start(); err != nil {
			return err
		}
		if s.Replica, err = newRedisOn(bin, filepath.Join(dir, "replica"), ports[1], RedisOptions{},
			"--replicaof", "127.0.0.1", strconv.Itoa(ports[0])); err != nil {
			return err
		}
		if err := s.Replica.Start(); err != nil {
			return err
		}
		conf := filepath.Join(dir, "sentinel", "sentinel.conf")
		text := fmt.Sprintf("port %d\nbind 127.0.0.1\nsentinel resolve-hostnames no\n"+
			"sentinel monitor %s 127.0.0.1 %d 1\nsentinel down-after-milliseconds %s %d\n"+
			"sentinel failover-timeout %s 10000\n", ports[2], SentinelMaster, ports[0], SentinelMaster,
			downAfter.Milliseconds(), SentinelMaster)
		if err := os.WriteFile(conf, []byte(text), 0o644); err != nil {
			return err
		}
		s.sentinel = &Redis{Addr: "127.0.0.1:" + strconv.Itoa(ports[2]), bin: bin, dir: filepath.Join(dir, "sentinel"),
			args: []string{conf, "--sentinel", "--daemonize", "no", "--logfile", ""}}
		if err := s.sentinel.Start(); err != nil {
			return err
		}
		s.Sentinel = s.sentinel.Addr
		s.URL = "redis+sentinel://" + s.Sentinel + "?master_name=" + SentinelMaster
		return nil
	})
	if err != nil {
		s.Stop()
		return nil, err
	}
	end := time.Now().Add(30 * time.Second)
	for time.Now().Before(end) {
		repl, err1 := Command(s.Replica.Addr, "INFO", "replication")
		info, err2 := Command(s.Sentinel, "INFO", "sentinel")
		if err1 == nil && err2 == nil && strings.Contains(repl, "master_link_status:up") &&
			strings.Contains(info, "status=ok") && strings.Contains(info, "slaves=1") {
			return s, nil
		}
		time.Sleep(50 * time.Millisecond) // polling the servers' convergence, with a deadline
	}
	s.Stop()
	return nil, errors.New("the replica did not sync, or the Sentinel did not see it, within 30s")
}

// MasterAddr returns the master's host:port as the Sentinel names it.
func (s *RedisSentinel) MasterAddr() (string, error) {
	out, err := Command(s.Sentinel, "SENTINEL", "get-master-addr-by-name", SentinelMaster)
	if err != nil {
		return "", err
	}
	host, port, ok := strings.Cut(out, "\n")
	if !ok {
		return "", fmt.Errorf("unexpected reply %q", out)
	}
	return host + ":" + port, nil
}

// Stop stops the three servers.
func (s *RedisSentinel) Stop() {
	for _, r := range []*Redis{s.sentinel, s.Replica, s.Master} {
		if r != nil {
			r.Stop()
		}
	}
}
