package openvidu_test

import (
	"slices"
	"testing"

	"github.com/livekit/protocol/auth"
	"github.com/livekit/protocol/livekit"
	"github.com/stretchr/testify/require"

	video "github.com/teleconsult/video"
	"github.com/teleconsult/video/internal/testserver"
	"github.com/teleconsult/video/videotest"
)

func TestProviderConformsOnARealServer(t *testing.T) {
	lk, _ := liveKit(t)
	videotest.RunProviderTests(t, videotest.ProviderHarness{
		New:    func(t *testing.T) video.Provider { return newProvider(t, ovConfig(lk)) },
		Decode: decodeGrants,
		// LiveKit carries every grant but client recording; a waiting participant's are held.
		Carries: video.Grants{Moderator: true, Publish: true, Subscribe: true, PublishData: true, ScreenShare: true, Hidden: true},
		Join: func(t *testing.T, tok *video.Token) func() {
			c := mustJoin(t, &video.MeetingToken{Token: tok.Token, ServerURL: tok.ServerURL})
			return c.room.Disconnect
		},
	})
}

// decodeGrants verifies a token with the server's key, as the server does, and reads its
// video grant back into the library's vocabulary.
func decodeGrants(t *testing.T, tok *video.Token) video.Grants {
	v, err := auth.ParseAPIToken(tok.Token)
	require.NoError(t, err)
	_, claims, err := v.Verify(testserver.LiveKitAPISecret)
	require.NoError(t, err)
	g := claims.Video
	sources := g.GetCanPublishSources()
	return video.Grants{
		Moderator: g.RoomAdmin, Hidden: g.Hidden,
		Publish: g.GetCanPublish(), Subscribe: g.GetCanSubscribe(), PublishData: g.GetCanPublishData(),
		ScreenShare: g.GetCanPublish() && (len(sources) == 0 || slices.Contains(sources, livekit.TrackSource_SCREEN_SHARE)),
	}
}
