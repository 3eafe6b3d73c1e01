package videotest

import (
	"context"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	video "github.com/teleconsult/video"
)

// Provider names for the stores' tests: a store keeps any name.
const (
	nameA video.ProviderName = "alpha"
	nameB video.ProviderName = "beta"
)

// RunStoreTests checks that a video.Store keeps the contract the Service relies on:
// create-if-absent pins, compare-and-swap updates, appends that never lose a concurrent
// write, copies out, and clear errors. newStore returns an empty store; it is called once
// per subtest.
func RunStoreTests(t *testing.T, newStore func(t *testing.T) video.Store) {
	t.Helper()
	ctx := context.Background()
	at := time.Date(2026, 3, 4, 10, 0, 0, 0, time.UTC)
	seed := func(id string, p video.ProviderName) *video.Consultation {
		return &video.Consultation{AppointmentID: id, Provider: p, Room: "room-" + id + "-" + string(p), CreatedAt: at}
	}
	participant := func(user string, role video.Role) video.ParticipantRecord {
		return video.ParticipantRecord{UserID: user, Role: role, LastIssuedAt: at, FirstIssuedAt: at, Tokens: 1}
	}

	t.Run("GetMissing", func(t *testing.T) {
		_, err := newStore(t).Get(ctx, "missing")
		assert.ErrorIs(t, err, video.ErrNotFound)
	})

	t.Run("CreateAndGet", func(t *testing.T) {
		st := newStore(t)
		c := seed("a1", nameA)
		c.StartedAt, c.StartedBy = at.Add(time.Minute), "doc"
		c.Participants = []video.ParticipantRecord{participant("doc", video.RoleDoctor)}
		stored, created, err := st.Create(ctx, c)
		require.NoError(t, err)
		assert.True(t, created)
		assert.Equal(t, int64(1), stored.Version)
		got, err := st.Get(ctx, "a1")
		require.NoError(t, err)
		assert.Equal(t, nameA, got.Provider)
		assert.Equal(t, c.Room, got.Room)
		assert.True(t, got.CreatedAt.Equal(at))
		assert.True(t, got.StartedAt.Equal(c.StartedAt))
		assert.Equal(t, "doc", got.StartedBy)
		require.Len(t, got.Participants, 1)
		assert.Equal(t, "doc", got.Participants[0].UserID)
		assert.Equal(t, int64(1), got.Version)
	})

	t.Run("WindowIsKept", func(t *testing.T) {
		st := newStore(t)
		c := seed("a1", nameA)
		c.Window = video.Window{Start: at.Add(time.Hour), End: at.Add(90 * time.Minute)}
		stored, _, err := st.Create(ctx, c)
		require.NoError(t, err)
		assert.True(t, stored.Window.Equal(c.Window), "Create keeps the window")
		next := stored.Clone()
		next.Window = video.Window{Start: at.Add(2 * time.Hour), End: at.Add(3 * time.Hour)}
		updated, err := st.Update(ctx, next)
		require.NoError(t, err)
		assert.True(t, updated.Window.Equal(next.Window), "Update changes it")
		added, err := st.AddParticipant(ctx, "a1", nameA, c.Room, participant("pat", video.RolePatient))
		require.NoError(t, err)
		assert.True(t, added.Window.Equal(next.Window), "AddParticipant returns it")
		got, err := st.Get(ctx, "a1")
		require.NoError(t, err)
		assert.True(t, got.Window.Equal(next.Window))
	})

	t.Run("SessionsAndConsentsAreKept", func(t *testing.T) {
		st := newStore(t)
		stored, _, err := st.Create(ctx, seed("a1", nameA))
		require.NoError(t, err)
		next := stored.Clone()
		pat := participant("pat", video.RolePatient)
		pat.Sessions = []video.Session{{Joined: at, Left: at.Add(time.Minute)}, {Joined: at.Add(2 * time.Minute)}}
		next.Participants = []video.ParticipantRecord{pat}
		next.Consents = []video.Consent{{PatientID: "pat", Granted: true, At: at}, {PatientID: "pat", Granted: false, At: at.Add(time.Minute)}}
		_, err = st.Update(ctx, next)
		require.NoError(t, err)
		added, err := st.AddParticipant(ctx, "a1", nameA, stored.Room, participant("pat", video.RolePatient))
		require.NoError(t, err)
		for _, got := range []*video.Consultation{added, mustGet(t, st, "a1")} {
			require.Len(t, got.Participants, 1)
			s := got.Participants[0].Sessions
			require.Len(t, s, 2, "a token's record keeps the sessions")
			assert.True(t, s[0].Joined.Equal(at) && s[0].Left.Equal(at.Add(time.Minute)))
			assert.True(t, s[1].Left.IsZero())
			require.Len(t, got.Consents, 2, "the consent trail, in order")
			assert.True(t, got.Consents[0].Granted)
			assert.False(t, got.Consents[1].Granted)
			assert.Equal(t, "pat", got.Consents[1].PatientID)
		}
	})

	t.Run("GetByRoom", func(t *testing.T) {
		st := newStore(t)
		c, _, err := st.Create(ctx, seed("a1", nameA))
		require.NoError(t, err)
		_, _, err = st.Create(ctx, seed("a2", nameA))
		require.NoError(t, err)
		got, err := st.GetByRoom(ctx, c.Room)
		require.NoError(t, err)
		assert.Equal(t, "a1", got.AppointmentID)
		_, err = st.GetByRoom(ctx, "no-such-room")
		assert.ErrorIs(t, err, video.ErrNotFound)

		moved := got.Clone()
		moved.Provider, moved.Room = nameB, "room-a1-moved"
		_, err = st.Update(ctx, moved)
		require.NoError(t, err)
		got, err = st.GetByRoom(ctx, "room-a1-moved")
		require.NoError(t, err, "a re-pinned room is found")
		assert.Equal(t, "a1", got.AppointmentID)
		got, err = st.GetByRoom(ctx, c.Room)
		require.NoError(t, err, "the room of an earlier pin still finds the consultation (late events)")
		assert.Equal(t, "a1", got.AppointmentID)
	})

	t.Run("CreateKeepsTheFirstPin", func(t *testing.T) {
		st := newStore(t)
		_, _, err := st.Create(ctx, seed("a1", nameA))
		require.NoError(t, err)
		stored, created, err := st.Create(ctx, seed("a1", nameB))
		require.NoError(t, err)
		assert.False(t, created)
		assert.Equal(t, nameA, stored.Provider)
		assert.Equal(t, int64(1), stored.Version)
	})

	t.Run("ConcurrentCreateHasOneWinner", func(t *testing.T) {
		st := newStore(t)
		const n = 50
		var wins atomic.Int32
		pins := make([]string, n)
		var wg sync.WaitGroup
		for i := range n {
			wg.Go(func() {
				p := nameA
				if i%2 == 1 {
					p = nameB
				}
				stored, created, err := st.Create(ctx, seed("race", p))
				if !assert.NoError(t, err) {
					return
				}
				if created {
					wins.Add(1)
				}
				pins[i] = string(stored.Provider) + "/" + stored.Room
			})
		}
		wg.Wait()
		assert.Equal(t, int32(1), wins.Load())
		for _, p := range pins {
			assert.Equal(t, pins[0], p, "every caller must see the winner's pin")
		}
	})

	t.Run("UpdateIsCompareAndSwap", func(t *testing.T) {
		st := newStore(t)
		c, _, err := st.Create(ctx, seed("a1", nameA))
		require.NoError(t, err)
		c.StartedAt = at.Add(time.Minute)
		next, err := st.Update(ctx, c)
		require.NoError(t, err)
		assert.Equal(t, int64(2), next.Version)
		c.EndedAt = at.Add(time.Hour) // c still carries version 1
		_, err = st.Update(ctx, c)
		assert.ErrorIs(t, err, video.ErrConflict)
		got, err := st.Get(ctx, "a1")
		require.NoError(t, err)
		assert.True(t, got.EndedAt.IsZero(), "a stale update must change nothing")
		assert.Equal(t, int64(2), got.Version)
		_, err = st.Update(ctx, seed("missing", nameB))
		assert.ErrorIs(t, err, video.ErrNotFound)
	})

	t.Run("ConcurrentUpdatesHaveOneWinner", func(t *testing.T) {
		st := newStore(t)
		c, _, err := st.Create(ctx, seed("a1", nameA))
		require.NoError(t, err)
		var wins atomic.Int32
		var wg sync.WaitGroup
		for i := range 20 {
			wg.Go(func() {
				next := c.Clone()
				next.StartedBy = "doc-" + strconv.Itoa(i)
				if _, err := st.Update(ctx, next); err == nil {
					wins.Add(1)
				} else {
					assert.ErrorIs(t, err, video.ErrConflict)
				}
			})
		}
		wg.Wait()
		assert.Equal(t, int32(1), wins.Load())
	})

	t.Run("AddParticipant", func(t *testing.T) {
		st := newStore(t)
		c, _, err := st.Create(ctx, seed("a1", nameA))
		require.NoError(t, err)
		got, err := st.AddParticipant(ctx, "a1", c.Provider, c.Room, participant("pat", video.RolePatient))
		require.NoError(t, err)
		require.Len(t, got.Participants, 1)
		assert.Equal(t, int64(2), got.Version)
		later := participant("pat", video.RolePatient)
		later.LastIssuedAt = at.Add(time.Minute)
		got, err = st.AddParticipant(ctx, "a1", c.Provider, c.Room, later)
		require.NoError(t, err)
		require.Len(t, got.Participants, 1, "one entry per user and role")
		assert.Equal(t, 2, got.Participants[0].Tokens)
		assert.True(t, got.Participants[0].LastIssuedAt.Equal(later.LastIssuedAt))
		assert.True(t, got.Participants[0].FirstIssuedAt.Equal(at))

		_, err = st.AddParticipant(ctx, "a1", nameB, c.Room, participant("doc", video.RoleDoctor))
		assert.ErrorIs(t, err, video.ErrConflict, "a moved pin must refuse the write")
		_, err = st.AddParticipant(ctx, "missing", c.Provider, c.Room, participant("doc", video.RoleDoctor))
		assert.ErrorIs(t, err, video.ErrNotFound)
		cur, err := st.Get(ctx, "a1")
		require.NoError(t, err)
		assert.Equal(t, int64(3), cur.Version, "refused writes change nothing")
		assert.Len(t, cur.Participants, 1)
	})

	t.Run("ParticipantMergeRule", func(t *testing.T) {
		// One table for every store: each step records one token issued at a time (after
		// `at`); the entry must cover the earliest and latest times, count every token, and
		// name the pin's provider and room whatever the record says.
		for _, tc := range []struct {
			name        string
			steps       []time.Duration
			first, last time.Duration
		}{
			{"one token", []time.Duration{0}, 0, 0},
			{"in order", []time.Duration{0, time.Minute, 2 * time.Minute}, 0, 2 * time.Minute},
			{"out of order", []time.Duration{time.Minute, 0, 30 * time.Second}, 0, time.Minute},
			{"same instant twice", []time.Duration{0, 0}, 0, 0},
		} {
			t.Run(tc.name, func(t *testing.T) {
				st := newStore(t)
				c, _, err := st.Create(ctx, seed("a1", nameA))
				require.NoError(t, err)
				var got *video.Consultation
				for _, d := range tc.steps {
					rec := video.ParticipantRecord{UserID: "pat", Role: video.RolePatient, Provider: nameB, Room: "elsewhere",
						LastIssuedAt: at.Add(d), FirstIssuedAt: at.Add(-time.Hour), Tokens: 7} // ignored: the pin, one token
					got, err = st.AddParticipant(ctx, "a1", c.Provider, c.Room, rec)
					require.NoError(t, err)
				}
				require.Len(t, got.Participants, 1)
				p := got.Participants[0]
				assert.Equal(t, len(tc.steps), p.Tokens, "tokens")
				assert.True(t, p.FirstIssuedAt.Equal(at.Add(tc.first)), "first issued %s", p.FirstIssuedAt)
				assert.True(t, p.LastIssuedAt.Equal(at.Add(tc.last)), "last issued %s", p.LastIssuedAt)
				assert.Equal(t, c.Provider, p.Provider)
				assert.Equal(t, c.Room, p.Room)
				again, err := st.Get(ctx, "a1")
				require.NoError(t, err)
				assert.Equal(t, got.Participants, again.Participants, "what the write returned is what is stored")
			})
		}
	})

	t.Run("AddParticipantRefusesEnded", func(t *testing.T) {
		st := newStore(t)
		c, _, err := st.Create(ctx, seed("a1", nameA))
		require.NoError(t, err)
		c.EndedAt = at.Add(time.Hour)
		c, err = st.Update(ctx, c)
		require.NoError(t, err)
		_, err = st.AddParticipant(ctx, "a1", c.Provider, c.Room, participant("pat", video.RolePatient))
		assert.ErrorIs(t, err, video.ErrConsultationEnded)
		cur, err := st.Get(ctx, "a1")
		require.NoError(t, err)
		assert.Empty(t, cur.Participants)
		assert.Equal(t, c.Version, cur.Version)
	})

	t.Run("ConcurrentAppendsAreNeverLost", func(t *testing.T) {
		st := newStore(t)
		c, _, err := st.Create(ctx, seed("a1", nameA))
		require.NoError(t, err)
		const n = 60
		var wg sync.WaitGroup
		for i := range n {
			id := strconv.Itoa(i)
			wg.Go(func() {
				_, err := st.AddParticipant(ctx, "a1", c.Provider, c.Room, participant("user-"+id, video.RolePatient))
				assert.NoError(t, err)
			})
			wg.Go(func() {
				_, err := st.AddIssue(ctx, "a1", video.TechnicalIssue{Category: video.IssueAudio, Description: id, UserID: "user-" + id, ReportedAt: at})
				assert.NoError(t, err)
			})
			wg.Go(func() {
				_, err := st.AddRecording(ctx, "a1", video.Recording{ID: "rec-" + id, Status: video.RecordingComplete, Location: "s3://b/" + id})
				assert.NoError(t, err)
			})
		}
		wg.Wait()
		got, err := st.Get(ctx, "a1")
		require.NoError(t, err)
		assert.Len(t, got.Participants, n)
		assert.Len(t, got.Issues, n)
		assert.Len(t, got.Recordings, n)
		assert.Equal(t, int64(1+3*n), got.Version)
	})

	t.Run("AddRecordingReplacesSameID", func(t *testing.T) {
		st := newStore(t)
		_, _, err := st.Create(ctx, seed("a1", nameA))
		require.NoError(t, err)
		_, err = st.AddRecording(ctx, "a1", video.Recording{ID: "r1", Status: video.RecordingActive})
		require.NoError(t, err)
		got, err := st.AddRecording(ctx, "a1", video.Recording{ID: "r1", Status: video.RecordingComplete, Location: "s3://b/r1.mp4", SizeBytes: 42})
		require.NoError(t, err)
		require.Len(t, got.Recordings, 1)
		assert.Equal(t, video.RecordingComplete, got.Recordings[0].Status)
		assert.Equal(t, int64(42), got.Recordings[0].SizeBytes)
		_, err = st.AddRecording(ctx, "missing", video.Recording{ID: "r1", Status: video.RecordingActive})
		assert.ErrorIs(t, err, video.ErrNotFound)
		_, err = st.AddIssue(ctx, "missing", video.TechnicalIssue{Category: video.IssueOther})
		assert.ErrorIs(t, err, video.ErrNotFound)
	})

	t.Run("AppendsAllowedAfterEnd", func(t *testing.T) {
		st := newStore(t)
		c, _, err := st.Create(ctx, seed("a1", nameA))
		require.NoError(t, err)
		c.EndedAt = at.Add(time.Hour)
		_, err = st.Update(ctx, c)
		require.NoError(t, err)
		_, err = st.AddIssue(ctx, "a1", video.TechnicalIssue{Category: video.IssueVideo, ReportedAt: at})
		assert.NoError(t, err, "issues may be reported after the call")
		_, err = st.AddRecording(ctx, "a1", video.Recording{ID: "r1", Status: video.RecordingComplete, Location: "x"})
		assert.NoError(t, err, "recordings finish after the room does")
	})

	t.Run("ReturnsCopies", func(t *testing.T) {
		st := newStore(t)
		c, _, err := st.Create(ctx, seed("a1", nameA))
		require.NoError(t, err)
		c, err = st.AddParticipant(ctx, "a1", c.Provider, c.Room, participant("pat", video.RolePatient))
		require.NoError(t, err)
		c.Room = "changed"
		c.Participants[0].UserID = "changed"
		got, err := st.Get(ctx, "a1")
		require.NoError(t, err)
		assert.NotEqual(t, "changed", got.Room)
		assert.Equal(t, "pat", got.Participants[0].UserID)
	})

	t.Run("CancelledContext", func(t *testing.T) {
		st := newStore(t)
		cctx, cancel := context.WithCancel(ctx)
		cancel()
		_, _, err := st.Create(cctx, seed("a1", nameA))
		assert.Error(t, err)
		_, err = st.Get(ctx, "a1")
		assert.ErrorIs(t, err, video.ErrNotFound, "a cancelled create must write nothing")
	})
}

// mustGet reads a consultation that must be there.
func mustGet(t *testing.T, st video.Store, id string) *video.Consultation {
	t.Helper()
	c, err := st.Get(context.Background(), id)
	require.NoError(t, err)
	return c
}
