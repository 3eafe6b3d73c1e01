package redisstore

import (
	"time"

	"github.com/redis/go-redis/v9"
	video "github.com/teleconsult/video"
	"github.com/teleconsult/video/internal/envcfg"
)

// maxTTL bounds the key lifetimes.
const maxTTL = 10 * 365 * 24 * time.Hour

// The defaults of Config.
const (
	DefaultPrefix    = "video:"
	DefaultRetention = 7 * 24 * time.Hour
	DefaultMaxAge    = 30 * 24 * time.Hour
)

// Config configures a Store from the environment.
type Config struct {
	// URL is the Redis URL, such as redis://:password@127.0.0.1:6379/0 (REDIS_URL). It may
	// carry a password, so it is a Secret.
	URL video.Secret `envconfig:"REDIS_URL"`
	// Prefix starts every key (VIDEO_REDIS_PREFIX, default "video:").
	Prefix string `envconfig:"VIDEO_REDIS_PREFIX"`
	// Retention keeps an ended consultation this long after its last write
	// (VIDEO_REDIS_RETENTION, default 168h).
	Retention time.Duration `envconfig:"VIDEO_REDIS_RETENTION"`
	// MaxAge keeps any other consultation this long after its last write
	// (VIDEO_REDIS_MAX_AGE, default 720h).
	MaxAge time.Duration `envconfig:"VIDEO_REDIS_MAX_AGE"`
}

// DefaultConfig returns the defaults (no URL): LoadConfig starts from it.
func DefaultConfig() Config {
	return Config{Prefix: DefaultPrefix, Retention: DefaultRetention, MaxAge: DefaultMaxAge}
}

// LoadConfig reads REDIS_URL and the VIDEO_REDIS_* variables over DefaultConfig; REDIS_URL is
// required. An error names the variable, never its value.
func LoadConfig() (Config, error) {
	cfg := DefaultConfig()
	if bv := envcfg.Process(&cfg); bv != nil {
		return Config{}, &video.Error{Op: "redisstore.LoadConfig", Kind: video.ErrInvalidConfig, Field: bv.Var, Msg: bv.Msg}
	}
	return cfg, cfg.Validate()
}

// Validate reports the first value that cannot work, naming its variable.
func (c Config) Validate() error {
	bad := func(field, msg string) error {
		return &video.Error{Op: "redisstore", Kind: video.ErrInvalidConfig, Field: field, Msg: msg}
	}
	if !c.URL.IsSet() {
		return bad("REDIS_URL", "required, such as redis://127.0.0.1:6379/0")
	}
	if _, err := redis.ParseURL(c.URL.Reveal()); err != nil {
		return bad("REDIS_URL", "not a redis:// or rediss:// URL")
	}
	if c.Retention <= 0 || c.Retention > maxTTL {
		return bad("VIDEO_REDIS_RETENTION", "must be a positive duration of at most 87600h (10 years)")
	}
	if c.MaxAge <= 0 || c.MaxAge > maxTTL {
		return bad("VIDEO_REDIS_MAX_AGE", "must be a positive duration of at most 87600h (10 years)")
	}
	return nil
}

// Open connects a Store to cfg.URL, with context deadlines enabled. Close the Store to
// close its client.
func Open(cfg Config) (*Store, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	opts, err := redis.ParseURL(cfg.URL.Reveal())
	if err != nil {
		return nil, err
	}
	opts.ContextTimeoutEnabled = true
	s := New(redis.NewClient(opts), Options{Prefix: cfg.Prefix, Retention: cfg.Retention, MaxAge: cfg.MaxAge})
	s.owned = true
	return s, nil
}
