package redisstore

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"sync/atomic"
	"time"

	"github.com/redis/go-redis/v9"
	video "github.com/teleconsult/video"
)

// Options tune a Store; zero values take the defaults.
type Options struct {
	// Prefix starts every key (default "video:").
	Prefix string
	// Retention keeps an ended consultation this long after its last write (default 7 days).
	Retention time.Duration
	// MaxAge keeps any other consultation this long after its last write (default 30 days).
	MaxAge time.Duration
	// WaitReplicas, when positive, makes every write (pins, moves, tokens' records, starts,
	// ends, issues, recordings) wait until that many replicas hold it (Redis WAIT, on the
	// connection that wrote it, in the same round trip) before it is acknowledged, so that a
	// master that dies just after acknowledging a write does not take it along. Set it to 1 on
	// a cluster or Sentinel with replicas, and turn off the client's retries (MaxRetries -1; a
	// cluster's node clients have none), so that a retried write is never confirmed by a WAIT
	// on another connection. Leave it 0 on a single node, where WAIT would wait for nothing.
	WaitReplicas int
	// WaitTimeout bounds that wait (default 100 ms). A write whose replicas do not answer in
	// time is still acknowledged (the master holds it), its master is not waited on for the
	// next second (two after a second miss in a row, and so on up to 30 s: a master left
	// without replicas by a failover stays so until one rejoins), and those writes are
	// counted in UnreplicatedWrites.
	WaitTimeout time.Duration
}

// Store is a video.Store on Redis. It is safe for concurrent use.
type Store struct {
	rdb   redis.UniversalClient
	opts  Options
	owned bool

	unreplicated atomic.Int64
	missedWaits  atomic.Int64
	lag          lagging
}

var _ video.Store = (*Store)(nil)

// New returns a Store on rdb. Enable ContextTimeoutEnabled on rdb so that contexts bound
// every call.
func New(rdb redis.UniversalClient, opts Options) *Store {
	if opts.Prefix == "" {
		opts.Prefix = DefaultPrefix
	}
	if opts.Retention <= 0 {
		opts.Retention = DefaultRetention
	}
	if opts.MaxAge <= 0 {
		opts.MaxAge = DefaultMaxAge
	}
	if opts.WaitTimeout <= 0 {
		opts.WaitTimeout = DefaultWaitTimeout
	}
	return &Store{rdb: rdb, opts: opts}
}

// Close closes the client when the Store opened it (Open); a client passed to New is the
// caller's to close.
func (s *Store) Close() error {
	if s.owned {
		return s.rdb.Close()
	}
	return nil
}

// key is the consultation's hash; the appointment ID is its hash tag, so Cluster keeps all
// of one consultation in one slot.
func (s *Store) key(appointmentID string) string {
	return s.opts.Prefix + "c:{" + appointmentID + "}"
}

func (s *Store) roomKey(room string) string { return s.opts.Prefix + "r:{" + room + "}" }

func (s *Store) ttls() []any {
	return []any{strconv.FormatInt(s.opts.MaxAge.Milliseconds(), 10), strconv.FormatInt(s.opts.Retention.Milliseconds(), 10)}
}

// checkAppointment refuses an appointment ID that would break the key's field encoding.
func checkAppointment(appointmentID string) error {
	if strings.Contains(appointmentID, sep) {
		return fmt.Errorf("%w: redisstore: appointment ID contains a control character", video.ErrInvalidArgument)
	}
	return nil
}

// UnreplicatedWrites counts the writes acknowledged without WaitReplicas replicas confirming
// them: those whose wait timed out (a replica is down or lagging), those made in the second
// after that on the same master, which are not waited on, and those written through a cluster
// slot being resharded (ASK), which cannot wait on their connection. A failover could lose
// them. Watch it when WaitReplicas is set: a count that grows with every write means WAIT
// never succeeds (a master without replicas).
func (s *Store) UnreplicatedWrites() int64 { return s.unreplicated.Load() }

// MissedWaits counts the waits that timed out with fewer replicas than WaitReplicas: a replica
// down or lagging. Each pauses waiting on its master (see Options.WaitTimeout).
func (s *Store) MissedWaits() int64 { return s.missedWaits.Load() }

// run runs a script on the appointment's key and returns its status and consultation; with
// WaitReplicas set, the write waits for the replicas.
func (s *Store) run(ctx context.Context, op string, script *redis.Script, appointmentID string, args ...any) (string, *video.Consultation, error) {
	if err := checkAppointment(appointmentID); err != nil {
		return "", nil, err
	}
	if s.opts.WaitReplicas > 0 {
		cmd, err := s.pipelined(ctx, script, s.key(appointmentID), append(s.ttls(), args...), nil)
		if err != nil {
			return "", nil, s.fail(op, err)
		}
		return s.reply(op, cmd.Val(), nil)
	}
	cmd := script.Run(ctx, s.rdb, []string{s.key(appointmentID)}, append(s.ttls(), args...)...)
	return s.reply(op, cmd.Val(), cmd.Err())
}

// reply turns a script's reply into its status and consultation.
func (s *Store) reply(op string, val any, err error) (string, *video.Consultation, error) {
	if err != nil {
		return "", nil, s.fail(op, err)
	}
	res, ok := val.([]any)
	if !ok {
		return "", nil, fmt.Errorf("redisstore: %s: unexpected reply", op)
	}
	if len(res) != 2 {
		return "", nil, fmt.Errorf("redisstore: %s: unexpected reply", op)
	}
	status, _ := res[0].(string)
	flat, _ := res[1].([]any)
	if len(flat) == 0 {
		return status, nil, nil
	}
	c, err := decode(flat)
	if err != nil {
		return "", nil, err
	}
	return status, c, nil
}

// result turns a script's status into the Store contract's errors.
func result(status string, c *video.Consultation) (*video.Consultation, error) {
	switch status {
	case "OK", "EXISTS":
		return c, nil
	case "NOTFOUND":
		return nil, video.ErrNotFound
	case "CONFLICT":
		return c, video.ErrConflict
	case "ENDED":
		return c, video.ErrConsultationEnded
	}
	return nil, fmt.Errorf("redisstore: unexpected status %q", status)
}

// Get implements video.Store.
func (s *Store) Get(ctx context.Context, appointmentID string) (*video.Consultation, error) {
	m, err := s.rdb.HGetAll(ctx, s.key(appointmentID)).Result()
	if err != nil {
		return nil, s.fail("Get", err)
	}
	if len(m) == 0 {
		return nil, video.ErrNotFound
	}
	flat := make([]any, 0, 2*len(m))
	for k, v := range m {
		flat = append(flat, k, v)
	}
	return decode(flat)
}

// GetByRoom implements video.Store.
func (s *Store) GetByRoom(ctx context.Context, room string) (*video.Consultation, error) {
	id, err := s.rdb.Get(ctx, s.roomKey(room)).Result()
	if errors.Is(err, redis.Nil) {
		return nil, video.ErrNotFound
	}
	if err != nil {
		return nil, s.fail("GetByRoom", err)
	}
	return s.Get(ctx, id)
}

// index points room at the appointment for as long as the consultation may live.
func (s *Store) index(ctx context.Context, c *video.Consultation) error {
	ttl := s.opts.MaxAge
	if !c.EndedAt.IsZero() {
		ttl = s.opts.Retention
	}
	if err := s.rdb.Set(ctx, s.roomKey(c.Room), c.AppointmentID, ttl).Err(); err != nil {
		return s.fail("indexing the room", err)
	}
	return nil
}

// Create implements video.Store. The record is written first and decides; the room index (a
// key that may live in another slot, on another shard) follows. A failure to write the index
// does not fail the create: the record is committed, and the next write for the appointment (a
// token's, in the same round trip) puts the index back. An appointment's pin never waits on a
// shard that holds only its room's index.
func (s *Store) Create(ctx context.Context, c *video.Consultation) (*video.Consultation, bool, error) {
	kv, err := encode(c)
	if err != nil {
		return nil, false, err
	}
	status, stored, err := s.run(ctx, "Create", createScript, c.AppointmentID, kv...)
	if err != nil {
		return nil, false, err
	}
	if stored, err = result(status, stored); err != nil {
		return nil, false, err
	}
	_ = s.index(ctx, stored) // repaired by the next write when it fails
	return stored, status == "OK", nil
}

// Update implements video.Store.
func (s *Store) Update(ctx context.Context, c *video.Consultation) (*video.Consultation, error) {
	kv, err := encode(c)
	if err != nil {
		return nil, err
	}
	args := append([]any{strconv.FormatInt(c.Version, 10)}, kv...)
	status, stored, err := s.run(ctx, "Update", updateScript, c.AppointmentID, args...)
	if err != nil {
		return nil, err
	}
	if stored, err = result(status, stored); err != nil {
		return nil, err
	}
	// The update is committed: a failure to re-index must not make it look undone (a move
	// reported as failed would not be announced). The next write puts the index back.
	_ = s.index(ctx, stored)
	return stored, nil
}

// AddParticipant implements video.Store in one round trip.
func (s *Store) AddParticipant(ctx context.Context, appointmentID string, provider video.ProviderName, room string, p video.ParticipantRecord) (*video.Consultation, error) {
	if strings.Contains(p.UserID, sep) || strings.Contains(string(p.Role), sep) {
		return nil, fmt.Errorf("%w: redisstore: user ID contains a control character", video.ErrInvalidArgument)
	}
	status, c, err := s.runIndexed(ctx, "AddParticipant", participantScript, appointmentID, room,
		string(provider), room, participantPrefix(p.UserID, p.Role), micros(p.LastIssuedAt))
	if err != nil {
		return nil, err
	}
	return result(status, c)
}

// runIndexed runs a script that refreshes the record's lifetime as a live consultation's and, in
// the same round trip (a pipeline), sets the room index with that lifetime, so that the index
// never expires before the record (webhooks find a consultation as long as it lives) and a lost
// index is put back by the next write. When the script finds the consultation ended, the index
// takes the ended record's lifetime. The two keys may live in different slots: the pipeline is
// not a transaction, and the index alone is rewritten on the next write if it fails. When
// writes wait for replicas on a cluster, the script and its WAIT go to the record's master and
// the index is written beside them, at the same time, through the cluster client.
func (s *Store) runIndexed(ctx context.Context, op string, script *redis.Script, appointmentID, room string, args ...any) (string, *video.Consultation, error) {
	if err := checkAppointment(appointmentID); err != nil {
		return "", nil, err
	}
	// On a cluster with waits the script goes to its master's connection alone; the index, in
	// another slot, is written beside it, at the same time.
	var indexDone chan struct{}
	if _, cluster := s.rdb.(*redis.ClusterClient); cluster && s.opts.WaitReplicas > 0 {
		indexDone = make(chan struct{})
		go func() {
			defer close(indexDone)
			_ = s.rdb.Set(ctx, s.roomKey(room), appointmentID, s.opts.MaxAge).Err() // repaired by the next write
		}()
	}
	cmd, err := s.pipelined(ctx, script, s.key(appointmentID), append(s.ttls(), args...), func(pipe redis.Pipeliner, onNode bool) {
		if !onNode {
			pipe.Set(ctx, s.roomKey(room), appointmentID, s.opts.MaxAge)
		}
	})
	if indexDone != nil {
		<-indexDone
	}
	if err != nil {
		return "", nil, s.fail(op, err)
	}
	status, c, err := s.reply(op, cmd.Val(), nil)
	if err == nil && c != nil && status == "ENDED" {
		_ = s.index(ctx, c) // the record is committed: a failed index is repaired by the next write
	}
	return status, c, err
}

// AddIssue implements video.Store.
func (s *Store) AddIssue(ctx context.Context, appointmentID string, issue video.TechnicalIssue) (*video.Consultation, error) {
	b, err := jsonOf(issue)
	if err != nil {
		return nil, err
	}
	status, c, err := s.run(ctx, "AddIssue", appendScript, appointmentID, "seq", pIssue, b)
	if err != nil {
		return nil, err
	}
	return s.reindexed(ctx, status, c)
}

// AddRecording implements video.Store.
func (s *Store) AddRecording(ctx context.Context, appointmentID string, rec video.Recording) (*video.Consultation, error) {
	b, err := jsonOf(rec)
	if err != nil {
		return nil, err
	}
	status, c, err := s.run(ctx, "AddRecording", appendScript, appointmentID, "id", pRecording+rec.ID, b)
	if err != nil {
		return nil, err
	}
	return s.reindexed(ctx, status, c)
}

// reindexed is result for an append that refreshed the record's lifetime: the room index's is
// refreshed after it (appends are rare: a second round trip).
func (s *Store) reindexed(ctx context.Context, status string, c *video.Consultation) (*video.Consultation, error) {
	c, err := result(status, c)
	if err != nil {
		return c, err
	}
	return c, s.index(ctx, c)
}
