package redisstore_test

import (
	"context"
	"testing"
	"time"

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
