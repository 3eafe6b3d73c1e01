package videotest

import (
	"testing"

	video "github.com/teleconsult/video"
)

// testRoomKey is Config's room key. It is public: never use Config outside tests.
const testRoomKey = "videotest: a public room key, for tests only"

// Config returns a Service configuration for tests: the defaults and a fixed, public room
// key, so that video.New over fakes needs no environment and nothing invented. Change what a
// test needs (Health, Policy, TokenTTL) on the returned value.
func Config() video.Config {
	cfg := video.DefaultConfig()
	cfg.RoomKey = testRoomKey
	return cfg
}

// NewService returns a Service over providers, in priority order, with Config, and closes it
// when t ends. For options (a store, a clock, a migration callback), call video.New with
// Config instead.
func NewService(t testing.TB, providers ...video.Provider) *video.Service {
	t.Helper()
	svc, err := video.New(Config(), providers)
	if err != nil {
		t.Fatalf("videotest.NewService: %v", err)
	}
	t.Cleanup(func() { _ = svc.Close() })
	return svc
}
