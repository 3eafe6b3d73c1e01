package openvidu_test

import (
	"testing"

	video "github.com/teleconsult/video"
	"github.com/teleconsult/video/videotest"
)

func TestProviderConformsOnARealServer(t *testing.T) {
	lk, _ := liveKit(t)
	videotest.RunProviderTests(t, func(t *testing.T) video.Provider { return newProvider(t, ovConfig(lk)) })
}
