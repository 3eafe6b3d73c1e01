package videotest_test

import (
	"testing"

	video "github.com/teleconsult/video"
	"github.com/teleconsult/video/videotest"
)

func TestFakeProviderConforms(t *testing.T) {
	videotest.RunProviderTests(t, func(t *testing.T) video.Provider {
		return videotest.NewProvider(video.ProviderOpenVidu)
	})
}

func TestMemoryStoreConforms(t *testing.T) {
	videotest.RunStoreTests(t, func(t *testing.T) video.Store { return video.NewMemoryStore() })
}
