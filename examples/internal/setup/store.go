// Package setup holds what the example programs share: choosing the consultation store from
// the environment.
package setup

import (
	"fmt"
	"os"

	video "github.com/teleconsult/video"
	"github.com/teleconsult/video/redisstore"
)

// Store returns the store VIDEO_STORE names: "memory" (the default; one process only) or
// "redis" (REDIS_URL and the VIDEO_REDIS_* variables), and a function that closes it.
func Store() (video.Store, func() error, error) {
	switch kind := os.Getenv("VIDEO_STORE"); kind {
	case "", "memory":
		return video.NewMemoryStore(), func() error { return nil }, nil
	case "redis":
		cfg, err := redisstore.LoadConfig()
		if err != nil {
			return nil, nil, err
		}
		st, err := redisstore.Open(cfg)
		if err != nil {
			return nil, nil, err
		}
		return st, st.Close, nil
	default:
		return nil, nil, &video.Error{Op: "setup.Store", Kind: video.ErrInvalidConfig, Field: "VIDEO_STORE",
			Msg: fmt.Sprintf("must be %q or %q", "memory", "redis")}
	}
}
