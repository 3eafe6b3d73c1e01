package video_test

import (
	"context"
	"errors"
	"log/slog"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	video "github.com/teleconsult/video"
)

// lostReply is a store whose next move fails after it was stored (the reply was lost) or
// before, and whose reads then fail a number of times, as a store in failover does.
type lostReply struct {
	*video.MemoryStore
	stored    bool         // the failing move is stored
	downAfter int64        // reads that fail after the failing move
	failMove  atomic.Bool  // the next move fails
	down      atomic.Int64 // reads still to fail
}

func (s *lostReply) Update(ctx context.Context, c *video.Consultation) (*video.Consultation, error) {
	if len(c.Migrations) > 0 && s.failMove.Swap(false) {
		if s.stored {
			if _, err := s.MemoryStore.Update(ctx, c); err != nil {
				return nil, err
			}
		}
		s.down.Store(s.downAfter)
		return nil, errors.New("read tcp 127.0.0.1:6379: i/o timeout")
	}
	return s.MemoryStore.Update(ctx, c)
}

func (s *lostReply) Get(ctx context.Context, id string) (*video.Consultation, error) {
	if s.down.Load() > 0 {
		s.down.Add(-1)
		return nil, errors.New("dial tcp 127.0.0.1:6379: connect: connection refused")
	}
	return s.MemoryStore.Get(ctx, id)
}

// failMove pins a1 to the primary with the doctor's token, takes the primary down and has the
// patient's token attempt the move, whose write fails; reads then fail `down` times.
func failMove(t *testing.T, st *lostReply, down int64) (*rig, error) {
	r := newRig(t, testConfig(), video.WithStore(st))
	r.token(t, "a1", "doc", video.RoleDoctor)
	r.ov.SetHealthy(false)
	r.refresh(t)
	st.failMove.Store(true)
	st.downAfter = down
	_, err := r.svc.GenerateMeetingToken(context.Background(), "a1", "pat", video.RolePatient, video.UserInfo{})
	return r, err
}

// settled waits until the Service has no move of unknown fate.
func settled(t *testing.T, r *rig) {
	t.Helper()
	require.Eventually(t, func() bool { return r.svc.Health(context.Background()).UnsettledMigrations == 0 },
		10*time.Second, 5*time.Millisecond, "the move's fate is learned once the store answers")
}

func TestAMoveStoredDespiteAFailedWriteIsAnnounced(t *testing.T) {
	st := &lostReply{MemoryStore: video.NewMemoryStore(), stored: true}
	r, err := failMove(t, st, 3)
	require.ErrorIs(t, err, video.ErrStore, "the caller learns that its request failed")

	select {
	case n := <-r.notices:
		assert.Equal(t, "a1", n.AppointmentID)
		assert.Equal(t, ovName, n.Migration.From)
		assert.Equal(t, jtName, n.Migration.To)
		require.Len(t, n.Migration.Participants, 1)
		assert.Equal(t, "doc", n.Migration.Participants[0].UserID, "the doctor, in the old room, is told to rejoin")
	case <-time.After(10 * time.Second):
		t.Fatal("a stored move was never announced")
	}
	settled(t, r)
	assert.Zero(t, st.down.Load(), "the reads that failed were retried")
	assert.Len(t, r.logs.find(slog.LevelWarn, "consultation migrated to another provider (its write failed but was stored)"), 1)

	pat := r.token(t, "a1", "pat", video.RolePatient)
	assert.Equal(t, jtName, pat.Provider, "the stored move serves")
	assert.Equal(t, int64(1), r.migrated.Load(), "announced once")
}

func TestAMoveNotStoredIsNotAnnounced(t *testing.T) {
	st := &lostReply{MemoryStore: video.NewMemoryStore()}
	r, err := failMove(t, st, 2)
	require.ErrorIs(t, err, video.ErrStore)
	settled(t, r)
	assert.Zero(t, r.migrated.Load(), "nothing was stored, nothing is announced")
	assert.Len(t, r.logs.find(slog.LevelInfo, "a migration whose write failed was not stored; nothing to announce"), 1)

	pat := r.token(t, "a1", "pat", video.RolePatient)
	assert.Equal(t, jtName, pat.Provider, "the next request makes the move")
	assert.Equal(t, int64(1), r.migrated.Load(), "and announces it")
}

func TestClosingWithAMoveOfUnknownFateSaysSo(t *testing.T) {
	st := &lostReply{MemoryStore: video.NewMemoryStore(), stored: true}
	r, err := failMove(t, st, 1<<40)
	require.ErrorIs(t, err, video.ErrStore)
	assert.Equal(t, int64(1), r.svc.Health(context.Background()).UnsettledMigrations)
	require.NoError(t, r.svc.Close(), "Close does not wait for a store that never answers")
	errs := r.logs.find(slog.LevelError, "store fault: closed without learning whether a migration whose write failed was stored; if it was, its participants were not told to rejoin")
	require.Len(t, errs, 1)
	assert.Equal(t, "a1", errs[0]["appointment_id"])
	assert.Zero(t, r.migrated.Load())
}

// retriedMove is a store whose client runs the next move twice (it retried after the
// connection failed): the move is stored and the caller gets the second run's conflict.
type retriedMove struct {
	*video.MemoryStore
	armed atomic.Bool
}

func (s *retriedMove) Update(ctx context.Context, c *video.Consultation) (*video.Consultation, error) {
	if len(c.Migrations) > 0 && s.armed.Swap(false) {
		if _, err := s.MemoryStore.Update(ctx, c); err != nil {
			return nil, err
		}
		return s.MemoryStore.Update(ctx, c) // the retry: the version moved on
	}
	return s.MemoryStore.Update(ctx, c)
}

func TestAMoveRunTwiceByTheStoreClientIsAnnouncedOnce(t *testing.T) {
	st := &retriedMove{MemoryStore: video.NewMemoryStore()}
	r := newRig(t, testConfig(), video.WithStore(st))
	r.token(t, "a1", "doc", video.RoleDoctor)
	r.ov.SetHealthy(false)
	r.refresh(t)
	st.armed.Store(true)
	pat := r.token(t, "a1", "pat", video.RolePatient)
	assert.Equal(t, jtName, pat.Provider)
	require.Equal(t, int64(1), r.migrated.Load(), "the move the caller's own retry stored is announced, once")
	n := <-r.notices
	require.Len(t, n.Migration.Participants, 1)
	assert.Equal(t, "doc", n.Migration.Participants[0].UserID)
	c, err := r.svc.ConsultationStatus(context.Background(), "a1")
	require.NoError(t, err)
	assert.Len(t, c.Migrations, 1)
}

// TestARepairRunTwiceByTheStoreClientIsAnnounced: the move a store-fault repair records (a
// record pinned anew elsewhere) is run twice by the store's client; the retry's conflict finds
// the repair's own move, which is announced.
func TestARepairRunTwiceByTheStoreClientIsAnnounced(t *testing.T) {
	st := &retriedMove{MemoryStore: video.NewMemoryStore()}
	r := newRig(t, testConfig(), video.WithStore(st))
	r.token(t, "a1", "doc", video.RoleDoctor) // this replica saw a1 pinned to openvidu
	st.MemoryStore = video.NewMemoryStore()   // the store loses the record
	c, _, err := st.Create(context.Background(), &video.Consultation{AppointmentID: "a1", Provider: jtName, Room: "elsewhere", CreatedAt: time.Now()})
	require.NoError(t, err)
	require.Equal(t, jtName, c.Provider, "another replica pinned it anew, elsewhere")
	st.armed.Store(true)
	pat := r.token(t, "a1", "pat", video.RolePatient)
	assert.Equal(t, jtName, pat.Provider)
	require.Equal(t, int64(1), r.migrated.Load(), "the repair's move is announced although its write came back as a conflict")
	cur, err := r.svc.ConsultationStatus(context.Background(), "a1")
	require.NoError(t, err)
	assert.Len(t, cur.Migrations, 1)
}

// TestAMoveRunTwiceThenUnreadableIsSettled: the move is run twice, and reading it back after
// the conflict fails: its fate is learned in the background, and it is announced.
func TestAMoveRunTwiceThenUnreadableIsSettled(t *testing.T) {
	st := &retriedMove{MemoryStore: video.NewMemoryStore()}
	both := &twiceThenDown{retriedMove: st}
	r := newRig(t, testConfig(), video.WithStore(both))
	r.token(t, "a1", "doc", video.RoleDoctor)
	r.ov.SetHealthy(false)
	r.refresh(t)
	st.armed.Store(true)
	both.failGetAfterMove = true
	_, err := r.svc.GenerateMeetingToken(context.Background(), "a1", "pat", video.RolePatient, video.UserInfo{})
	require.ErrorIs(t, err, video.ErrStore)
	settled(t, r)
	assert.Equal(t, int64(1), r.migrated.Load(), "the stored move is announced once the store answers")
}

// twiceThenDown runs the next move twice, then fails the next read.
type twiceThenDown struct {
	*retriedMove
	failGetAfterMove bool
	failNext         atomic.Bool
}

func (s *twiceThenDown) Update(ctx context.Context, c *video.Consultation) (*video.Consultation, error) {
	armed := len(c.Migrations) > 0 && s.armed.Load()
	out, err := s.retriedMove.Update(ctx, c)
	if armed && s.failGetAfterMove {
		s.failNext.Store(true)
	}
	return out, err
}

func (s *twiceThenDown) Get(ctx context.Context, id string) (*video.Consultation, error) {
	if s.failNext.Swap(false) {
		return nil, errors.New("dial tcp 127.0.0.1:6379: connect: connection refused")
	}
	return s.retriedMove.Get(ctx, id)
}
