package redisstore_test

import (
	"testing"

	video "github.com/teleconsult/video"
	"github.com/teleconsult/video/videotest"
)

func TestStoreConformsOnARealRedis(t *testing.T) {
	videotest.RunStoreTests(t, func(t *testing.T) video.Store {
		s, _ := newStore(t)
		return s
	})
}
