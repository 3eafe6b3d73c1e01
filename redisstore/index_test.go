package redisstore_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	video "github.com/teleconsult/video"
	"github.com/teleconsult/video/redisstore"
)

// The room index lives as long as the record: every write that refreshes the record's lifetime
// refreshes the index's (tokens included, in the same round trip), and puts back one that was
// lost, so that webhooks find a consultation kept alive by tokens alone.
func TestRoomIndexLivesAsLongAsTheRecord(t *testing.T) {
	r := sharedRedis(t)
	c := client(t, r.Addr)
	st := redisstore.New(c, redisstore.Options{Prefix: "index:", MaxAge: 48 * time.Hour, Retention: time.Hour})
	ctx := context.Background()
	now := time.Date(2026, 5, 6, 9, 0, 0, 0, time.UTC)
	_, _, err := st.Create(ctx, &video.Consultation{AppointmentID: "a1", Provider: "openvidu", Room: "room-a1", CreatedAt: now})
	require.NoError(t, err)
	roomKey := "index:r:{room-a1}"

	for name, write := range map[string]func() error{
		"a token": func() error {
			_, err := st.AddParticipant(ctx, "a1", "openvidu", "room-a1", video.ParticipantRecord{UserID: "pat", Role: video.RolePatient, LastIssuedAt: now})
			return err
		},
		"an issue": func() error {
			_, err := st.AddIssue(ctx, "a1", video.TechnicalIssue{Category: video.IssueAudio, UserID: "pat", ReportedAt: now})
			return err
		},
		"a recording": func() error {
			_, err := st.AddRecording(ctx, "a1", video.Recording{ID: "rec-1", Status: video.RecordingActive})
			return err
		},
	} {
		require.NoError(t, c.PExpire(ctx, roomKey, time.Second).Err(), "the index is about to expire")
		require.NoError(t, write(), name)
		ttl, err := c.PTTL(ctx, roomKey).Result()
		require.NoError(t, err)
		assert.Greater(t, ttl, 47*time.Hour, "%s refreshes the index with the record", name)

		require.NoError(t, c.Del(ctx, roomKey).Err(), "the index is lost")
		require.NoError(t, write(), name)
		got, err := st.GetByRoom(ctx, "room-a1")
		require.NoError(t, err, "%s puts a lost index back", name)
		assert.Equal(t, "a1", got.AppointmentID)
	}
}

// failIndex fails every write of a room index sent on its own, as a shard that is down would.
type failIndex struct{ on atomic.Bool }

func (h *failIndex) DialHook(next redis.DialHook) redis.DialHook { return next }
func (h *failIndex) ProcessHook(next redis.ProcessHook) redis.ProcessHook {
	return func(ctx context.Context, cmd redis.Cmder) error {
		if h.on.Load() && cmd.Name() == "set" && strings.Contains(fmt.Sprint(cmd.Args()[1]), ":r:{") {
			cmd.SetErr(errors.New("the index's shard is down"))
			return cmd.Err()
		}
		return next(ctx, cmd)
	}
}
func (h *failIndex) ProcessPipelineHook(next redis.ProcessPipelineHook) redis.ProcessPipelineHook {
	return next
}

// A committed write is never reported as failed because its room index could not be written:
// the pin and a move stand (so the move is announced), and the next token puts the index back.
func TestACommittedWriteStandsWhenItsIndexFails(t *testing.T) {
	r := sharedRedis(t)
	c := client(t, r.Addr)
	h := &failIndex{}
	c.AddHook(h)
	st := redisstore.New(c, redisstore.Options{Prefix: "shard:"})
	ctx := context.Background()
	now := time.Date(2026, 5, 6, 9, 0, 0, 0, time.UTC)
	h.on.Store(true)
	cons, created, err := st.Create(ctx, &video.Consultation{AppointmentID: "a1", Provider: "openvidu", Room: "room-a1", CreatedAt: now})
	require.NoError(t, err, "the record is committed: the pin stands")
	require.True(t, created)
	next := cons.Clone()
	next.Provider = "jitsi"
	next.Migrations = append(next.Migrations, video.Migration{From: "openvidu", FromRoom: "room-a1", To: "jitsi", ToRoom: "room-a1", At: now})
	moved, err := st.Update(ctx, next)
	require.NoError(t, err, "the move is committed: it must be reported so, and announced")
	assert.Equal(t, video.ProviderName("jitsi"), moved.Provider)
	_, err = st.GetByRoom(ctx, "room-a1")
	assert.ErrorIs(t, err, video.ErrNotFound, "the index is missing for now")

	h.on.Store(false)
	_, err = st.AddParticipant(ctx, "a1", "jitsi", "room-a1", video.ParticipantRecord{UserID: "pat", Role: video.RolePatient, LastIssuedAt: now})
	require.NoError(t, err)
	got, err := st.GetByRoom(ctx, "room-a1")
	require.NoError(t, err, "the next token put the index back")
	assert.Equal(t, "a1", got.AppointmentID)
}

// A client that retries a command whose connection failed after the script ran runs the
// append twice; the same report is recorded once, and a new one still is.
func TestAnAppendRunTwiceIsRecordedOnce(t *testing.T) {
	st, _ := newStore(t)
	ctx := context.Background()
	_, _, err := st.Create(ctx, &video.Consultation{AppointmentID: "a1", Provider: "openvidu", Room: "r1", CreatedAt: time.Now()})
	require.NoError(t, err)
	issue := video.TechnicalIssue{Category: video.IssueAudio, UserID: "pat", Provider: "openvidu", ReportedAt: time.Now()}
	for range 2 {
		_, err = st.AddIssue(ctx, "a1", issue)
		require.NoError(t, err)
	}
	issue.ReportedAt = issue.ReportedAt.Add(time.Millisecond)
	c, err := st.AddIssue(ctx, "a1", issue)
	require.NoError(t, err)
	assert.Len(t, c.Issues, 2, "the repeated append once, the next report too")
}
