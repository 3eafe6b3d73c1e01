package videotest_test

import (
	"context"
	"sync"
	"testing"

	"github.com/stretchr/testify/require"
	video "github.com/teleconsult/video"
	"github.com/teleconsult/video/videotest"
)

func TestFakeProviderConforms(t *testing.T) {
	var p *videotest.Provider
	videotest.RunProviderTests(t, videotest.ProviderHarness{
		New: func(t *testing.T) video.Provider { p = videotest.NewProvider("fake"); return p },
		Decode: func(t *testing.T, tok *video.Token) video.Grants {
			req, ok := p.Lookup(tok.Token)
			require.True(t, ok, "a token of this fake")
			return req.Grants
		},
		Carries: video.Grants{Moderator: true, Publish: true, Subscribe: true, PublishData: true, ScreenShare: true, Hidden: true, Record: true, Waiting: true},
		Join: func(t *testing.T, tok *video.Token) func() {
			require.NoError(t, p.Join(tok.Token))
			req, _ := p.Lookup(tok.Token)
			return func() { p.Leave(req.Room, req.UserID) }
		},
	})
}

func TestMemoryStoreConforms(t *testing.T) {
	videotest.RunStoreTests(t, func(t *testing.T) video.Store { return video.NewMemoryStore() })
}

// storeThatLoses is a store whose records can all be lost at once, as a Redis restarted
// without persistence loses them.
type storeThatLoses struct {
	mu sync.Mutex
	video.Store
}

func (s *storeThatLoses) lose() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.Store = video.NewMemoryStore()
}

func (s *storeThatLoses) inner() video.Store {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.Store
}

func (s *storeThatLoses) Get(ctx context.Context, id string) (*video.Consultation, error) {
	return s.inner().Get(ctx, id)
}
func (s *storeThatLoses) GetByRoom(ctx context.Context, room string) (*video.Consultation, error) {
	return s.inner().GetByRoom(ctx, room)
}
func (s *storeThatLoses) Create(ctx context.Context, c *video.Consultation) (*video.Consultation, bool, error) {
	return s.inner().Create(ctx, c)
}
func (s *storeThatLoses) Update(ctx context.Context, c *video.Consultation) (*video.Consultation, error) {
	return s.inner().Update(ctx, c)
}
func (s *storeThatLoses) AddParticipant(ctx context.Context, id string, p video.ProviderName, room string, rec video.ParticipantRecord) (*video.Consultation, error) {
	return s.inner().AddParticipant(ctx, id, p, room, rec)
}
func (s *storeThatLoses) AddIssue(ctx context.Context, id string, issue video.TechnicalIssue) (*video.Consultation, error) {
	return s.inner().AddIssue(ctx, id, issue)
}
func (s *storeThatLoses) AddRecording(ctx context.Context, id string, rec video.Recording) (*video.Consultation, error) {
	return s.inner().AddRecording(ctx, id, rec)
}

func TestMemoryStoreFaults(t *testing.T) {
	videotest.RunStoreFaultTests(t, func(t *testing.T) (video.Store, func()) {
		st := &storeThatLoses{Store: video.NewMemoryStore()}
		return st, st.lose
	})
}

func TestMemoryStoreRaces(t *testing.T) {
	videotest.RunRaceTests(t, func(t *testing.T) video.Store { return video.NewMemoryStore() })
}
