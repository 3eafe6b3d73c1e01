package redisstore

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/redis/go-redis/v9"
)

// redirectAttempts bounds how often a write looks up a slot that moved (MOVED, or a master that
// became a replica) or loads its script; redirectBackoff is the wait before the second look,
// growing with each.
const (
	redirectAttempts = 4
	redirectBackoff  = 150 * time.Millisecond
)

// lagPause is how long a master whose replicas missed a WAIT is first not waited on again: a
// replica that is down must not add WaitTimeout to every write. Each miss in a row doubles it,
// up to maxLagPause (a master left without replicas after a failover stays so until one
// rejoins), and a wait that succeeds resets it.
const (
	lagPause    = time.Second
	maxLagPause = 30 * time.Second
)

// errUnreplicated is a write that ran but whose replication is unknown: the master failed
// while waiting for its replicas. The write may survive a failover or not.
var errUnreplicated = errors.New("the write was made but its replication is unknown")

// lagging remembers, per master whose replicas missed a wait, until when it is not waited on
// and how long the next pause is.
type lagging struct {
	mu sync.Mutex
	m  map[string]lag
}

type lag struct {
	until time.Time
	next  time.Duration
}

func (l *lagging) paused(addr string, now time.Time) bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	return now.Before(l.m[addr].until)
}

// missed pauses addr after a wait its replicas missed.
func (l *lagging) missed(addr string, now time.Time) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.m == nil {
		l.m = map[string]lag{}
	}
	cur := l.m[addr]
	d := max(cur.next, lagPause)
	l.m[addr] = lag{until: now.Add(d), next: min(2*d, maxLagPause)}
}

// met forgets addr's pauses after a wait its replicas met.
func (l *lagging) met(addr string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	delete(l.m, addr)
}

// pipelined runs script on key, with the commands extra adds after it, in one round trip, and
// returns the script's reply. With WaitReplicas set, it runs them on the connection of key's
// master followed by WAIT, so that WAIT counts the replicas holding these writes (extra then
// gets onNode true: only commands on key's slot may go there). A slot that moved meanwhile (the
// script was refused, so nothing was written) is looked up again after the layout is re-read;
// a slot still moving (ASK, during resharding) or that keeps moving is written through the
// cluster client, which follows redirects, without a wait, and counted as unreplicated. A
// script the server does not have is loaded.
func (s *Store) pipelined(ctx context.Context, script *redis.Script, key string, argv []any, extra func(pipe redis.Pipeliner, onNode bool)) (*redis.Cmd, error) {
	for attempt := range redirectAttempts {
		if attempt > 0 {
			// go-redis re-reads a layout at most every 200 ms: wait past it before looking again.
			if err := sleep(ctx, time.Duration(attempt)*redirectBackoff); err != nil {
				return nil, err
			}
		}
		target, addr, err := s.master(ctx, key)
		if err != nil {
			return nil, err
		}
		onNode := target != redis.Cmdable(s.rdb)
		pipe := target.Pipeline()
		cmd := script.EvalSha(ctx, pipe, []string{key}, argv...)
		if extra != nil {
			extra(pipe, onNode)
		}
		var wait *redis.Cmd
		paused := false
		switch {
		case s.opts.WaitReplicas <= 0:
		case s.lag.paused(addr, time.Now()):
			paused = true // its master's replicas missed a wait just now
		default:
			wait = pipe.Do(ctx, "wait", s.opts.WaitReplicas, max(s.opts.WaitTimeout.Milliseconds(), 1)) // 0 waits forever
		}
		_, _ = pipe.Exec(ctx)
		err = cmd.Err()
		switch {
		case err != nil && redis.HasErrorPrefix(err, "NOSCRIPT"):
			if err := script.Load(ctx, target).Err(); err != nil {
				return nil, err
			}
			continue
		case err != nil && onNode && redis.HasErrorPrefix(err, "ASK"):
			return s.unwaited(ctx, script, key, argv, extra)
		case err != nil && moved(err):
			s.reload()
			continue
		case err != nil || wait == nil:
			if err == nil && paused {
				s.unreplicated.Add(1)
			}
			return cmd, err
		}
		n, werr := wait.Int64()
		if werr != nil {
			return cmd, fmt.Errorf("%w: %w", errUnreplicated, werr)
		}
		if n < int64(s.opts.WaitReplicas) {
			s.unreplicated.Add(1)
			s.missedWaits.Add(1)
			s.lag.missed(addr, time.Now())
		} else {
			s.lag.met(addr)
		}
		return cmd, nil
	}
	if _, ok := s.rdb.(*redis.ClusterClient); ok && s.opts.WaitReplicas > 0 {
		return s.unwaited(ctx, script, key, argv, extra)
	}
	return nil, errors.New("the slot kept moving")
}

// unwaited runs the write through the cluster client, which follows MOVED and ASK, without a
// wait (WAIT must share the write's connection), and counts it as unreplicated.
func (s *Store) unwaited(ctx context.Context, script *redis.Script, key string, argv []any, extra func(pipe redis.Pipeliner, onNode bool)) (*redis.Cmd, error) {
	s.unreplicated.Add(1)
	pipe := s.rdb.Pipeline()
	cmd := script.Eval(ctx, pipe, []string{key}, argv...)
	if extra != nil {
		extra(pipe, false)
	}
	_, _ = pipe.Exec(ctx)
	return cmd, cmd.Err()
}

// master returns where a write on key goes: with WaitReplicas set on a cluster, the client of
// the key's master and its address; otherwise the Store's client.
func (s *Store) master(ctx context.Context, key string) (redis.Cmdable, string, error) {
	cc, ok := s.rdb.(*redis.ClusterClient)
	if !ok || s.opts.WaitReplicas <= 0 {
		return s.rdb, "", nil
	}
	node, err := cc.MasterForKey(ctx, key)
	if err != nil {
		return nil, "", err
	}
	return node, node.Options().Addr, nil
}

// moved reports whether the server refused a command because its slot is served elsewhere,
// or by no one yet.
func moved(err error) bool {
	return redis.HasErrorPrefix(err, "MOVED") || redis.HasErrorPrefix(err, "READONLY") ||
		redis.HasErrorPrefix(err, "CLUSTERDOWN")
}

// fail wraps a client error for op and, on a cluster, has the client re-read the layout: an
// error may mean a master died and its replica took over, which the client otherwise learns
// only from a redirect or its periodic reload.
func (s *Store) fail(op string, err error) error {
	if !errors.Is(err, redis.Nil) {
		s.reload()
	}
	return fmt.Errorf("redisstore: %s: %w", op, err)
}

// reload asks a cluster client to re-read the layout; go-redis runs one reload at a time.
func (s *Store) reload() {
	if cc, ok := s.rdb.(*redis.ClusterClient); ok {
		cc.ReloadState(context.Background())
	}
}

// sleep waits d or until ctx is done.
func sleep(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}
