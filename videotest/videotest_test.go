package videotest_test

import (
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
