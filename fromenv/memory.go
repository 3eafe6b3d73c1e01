package fromenv

import (
	"os"
	"time"

	video "github.com/teleconsult/video"
)

// maxStoreAge bounds the memory store's durations: ten years.
const maxStoreAge = 87600 * time.Hour

// memoryStore returns the memory store with VIDEO_MEMORY_RETENTION (an ended consultation,
// default 24h) and VIDEO_MEMORY_MAX_AGE (any other, default 720h), each after its last write.
func memoryStore() (*video.MemoryStore, error) {
	var opts []video.MemoryOption
	for _, v := range []struct {
		name string
		opt  func(time.Duration) video.MemoryOption
	}{{"VIDEO_MEMORY_RETENTION", video.MemoryRetention}, {"VIDEO_MEMORY_MAX_AGE", video.MemoryMaxAge}} {
		s := os.Getenv(v.name)
		if s == "" {
			continue
		}
		bad := &video.Error{Op: "fromenv.Store", Kind: video.ErrInvalidConfig, Field: v.name,
			Msg: "must be a positive duration of at most 87600h (10 years), such as 24h"}
		if len(s) > 32 {
			return nil, bad
		}
		d, err := time.ParseDuration(s)
		if err != nil || d <= 0 || d > maxStoreAge {
			return nil, bad
		}
		opts = append(opts, v.opt(d))
	}
	return video.NewMemoryStore(opts...), nil
}
