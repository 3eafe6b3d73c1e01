package redisstore_test

import (
	"testing"

	"github.com/stretchr/testify/require"
	video "github.com/teleconsult/video"
	"github.com/teleconsult/video/internal/testserver"
	"github.com/teleconsult/video/redisstore"
	"github.com/teleconsult/video/videotest"
)

func TestStoreConformsOnARealRedis(t *testing.T) {
	videotest.RunStoreTests(t, func(t *testing.T) video.Store {
		s, _ := newStore(t)
		return s
	})
}

// A redis-server restarted without persistence comes back empty: the replicas that saw a pin
// repair the loss instead of splitting the appointment.
func TestStoreFaultsOnARealRedis(t *testing.T) {
	videotest.RunStoreFaultTests(t, func(t *testing.T) (video.Store, func()) {
		srv := testserver.StartRedis(t, testserver.RedisOptions{})
		st := redisstore.New(client(t, srv.Addr), redisstore.Options{})
		return st, func() {
			srv.Kill()
			require.NoError(t, srv.Start(), "the server comes back, empty")
		}
	})
}

func TestRacesOnARealRedis(t *testing.T) {
	videotest.RunRaceTests(t, func(t *testing.T) video.Store {
		s, _ := newStore(t)
		return s
	})
}
