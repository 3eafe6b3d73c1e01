package video_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	video "github.com/teleconsult/video"
)

func memoryStore(c *clock, opts ...video.MemoryOption) *video.MemoryStore {
	return video.NewMemoryStore(append([]video.MemoryOption{video.MemoryClock(c.Now)}, opts...)...)
}

func consultation(id string, c *clock) *video.Consultation {
	return &video.Consultation{AppointmentID: id, Provider: ovName, Room: "consult-" + id, CreatedAt: c.Now()}
}

// TestMemoryStoreForgetsConsultationsNobodyEnded: a consultation that never ends is kept the
// maximum age after its last write, and then the appointment is new again.
func TestMemoryStoreForgetsConsultationsNobodyEnded(t *testing.T) {
	clk := newClock()
	st := memoryStore(clk, video.MemoryMaxAge(time.Hour))
	ctx := context.Background()
	_, created, err := st.Create(ctx, consultation("a1", clk))
	require.NoError(t, err)
	require.True(t, created)

	clk.Advance(50 * time.Minute)
	_, err = st.AddIssue(ctx, "a1", video.TechnicalIssue{Category: "audio", ReportedAt: clk.Now()})
	require.NoError(t, err, "a write keeps it")
	clk.Advance(50 * time.Minute)
	c, err := st.GetByRoom(ctx, "consult-a1")
	require.NoError(t, err, "an hour after its last write, not after its creation")
	assert.Len(t, c.Issues, 1)

	clk.Advance(10*time.Minute + time.Second)
	_, err = st.Get(ctx, "a1")
	assert.ErrorIs(t, err, video.ErrNotFound)
	_, err = st.GetByRoom(ctx, "consult-a1")
	assert.ErrorIs(t, err, video.ErrNotFound)
	_, err = st.AddIssue(ctx, "a1", video.TechnicalIssue{Category: "audio", ReportedAt: clk.Now()})
	assert.ErrorIs(t, err, video.ErrNotFound, "an expired record takes no write")
	c, created, err = st.Create(ctx, consultation("a1", clk))
	require.NoError(t, err)
	assert.True(t, created, "the appointment is new again")
	assert.EqualValues(t, 1, c.Version)
	assert.Empty(t, c.Issues)
}

// TestMemoryStoreKeepsAnEndedConsultationForItsRetention: an ended consultation is kept the
// retention after its last write, not the maximum age.
func TestMemoryStoreKeepsAnEndedConsultationForItsRetention(t *testing.T) {
	clk := newClock()
	st := memoryStore(clk, video.MemoryRetention(2*time.Hour), video.MemoryMaxAge(48*time.Hour))
	ctx := context.Background()
	c, _, err := st.Create(ctx, consultation("a1", clk))
	require.NoError(t, err)
	clk.Advance(time.Hour)
	c.EndedAt, c.EndedBy = clk.Now(), "dr"
	_, err = st.Update(ctx, c)
	require.NoError(t, err)
	clk.Advance(2*time.Hour - time.Second)
	_, err = st.Get(ctx, "a1")
	require.NoError(t, err)
	clk.Advance(time.Second)
	_, err = st.Get(ctx, "a1")
	assert.ErrorIs(t, err, video.ErrNotFound)
}

// TestMemoryStoreHoldsWhatIsLive: appointments arriving one a second, each living an hour
// after its last write, over 30 simulated hours: the store never holds much more than the
// hour's worth, and each write drops at most a few.
func TestMemoryStoreHoldsWhatIsLive(t *testing.T) {
	clk := newClock()
	st := memoryStore(clk, video.MemoryMaxAge(time.Hour))
	ctx := context.Background()
	most := 0
	for i := range 30 * 3600 {
		before := st.Len()
		_, _, err := st.Create(ctx, consultation(fmt.Sprintf("a%06d", i), clk))
		require.NoError(t, err)
		require.GreaterOrEqual(t, st.Len(), before+1-16, "one write drops at most 16 expired records")
		most = max(most, st.Len())
		clk.Advance(time.Second)
	}
	assert.LessOrEqual(t, most, 3601, "an hour's appointments, and the one being created")
	assert.GreaterOrEqual(t, most, 3600)
}

// TestMemoryStoreDropsABacklogAFewAtATime: when many records expire at once, each write drops a
// bounded number of them, and reads never see one.
func TestMemoryStoreDropsABacklogAFewAtATime(t *testing.T) {
	clk := newClock()
	st := memoryStore(clk, video.MemoryMaxAge(time.Hour))
	ctx := context.Background()
	for i := range 1000 {
		_, _, err := st.Create(ctx, consultation(fmt.Sprintf("old%04d", i), clk))
		require.NoError(t, err)
	}
	clk.Advance(2 * time.Hour)
	_, err := st.Get(ctx, "old0500")
	assert.ErrorIs(t, err, video.ErrNotFound, "expired, even before it is dropped")
	_, _, err = st.Create(ctx, consultation("new", clk))
	require.NoError(t, err)
	assert.Equal(t, 1000+1-16, st.Len(), "one write dropped sixteen")
	for i := range 70 {
		_, _, err = st.Create(ctx, consultation(fmt.Sprintf("new%02d", i), clk))
		require.NoError(t, err)
	}
	assert.Equal(t, 71, st.Len(), "the backlog is gone after a few writes; the new ones stay")
}
