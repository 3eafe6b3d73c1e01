package redisstore

import (
	"strconv"
	"strings"
	"time"

	video "github.com/teleconsult/video"
	"github.com/teleconsult/video/internal/envcfg"
)

// maxTTL bounds the key lifetimes.
const maxTTL = 10 * 365 * 24 * time.Hour

// The defaults of Config.
const (
	DefaultPrefix      = "video:"
	DefaultRetention   = 7 * 24 * time.Hour
	DefaultMaxAge      = 30 * 24 * time.Hour
	DefaultWaitTimeout = 100 * time.Millisecond
	// ClusterReloadInterval is how often a cluster client made by Open re-reads the cluster's
	// layout while it has traffic (go-redis's default is 60 s): the bound on how long it keeps
	// sending to a master that died after its replica was promoted.
	ClusterReloadInterval = time.Second
)

// maxWaitReplicas bounds VIDEO_REDIS_WAIT_REPLICAS.
const maxWaitReplicas = 16

// Replicas is how many replicas acknowledge a pin or a move before it is acknowledged
// (VIDEO_REDIS_WAIT_REPLICAS): a number, or "auto" (AutoReplicas): 1 on a cluster or Sentinel,
// 0 on a single node.
type Replicas int

// AutoReplicas is VIDEO_REDIS_WAIT_REPLICAS=auto, the default.
const AutoReplicas Replicas = -1

// Decode reads "auto" or a count; envconfig calls it.
func (r *Replicas) Decode(v string) error {
	if strings.EqualFold(strings.TrimSpace(v), "auto") {
		*r = AutoReplicas
		return nil
	}
	n, err := strconv.Atoi(strings.TrimSpace(v))
	if err != nil {
		return err
	}
	*r = Replicas(n)
	return nil
}

// String returns "auto" or the count.
func (r Replicas) String() string {
	if r == AutoReplicas {
		return "auto"
	}
	return strconv.Itoa(int(r))
}

// Config configures a Store from the environment.
type Config struct {
	// URL is the Redis URL (REDIS_URL). It may carry a password, so it is a Secret. Its scheme
	// says what it names:
	//   - redis://[:password@]host:port/db (rediss:// for TLS): a single node;
	//   - redis+cluster://[:password@]host:port?addr=host:port&addr=… (rediss+cluster://): a
	//     Redis Cluster, through any of the nodes named;
	//   - redis+sentinel://[:sentinel-password@]host:port?master_name=NAME&addr=…&password=…
	//     (rediss+sentinel://): the master that the Sentinels named watch; password is the
	//     master's.
	// Query parameters of go-redis's URL parsers (dial_timeout, pool_size, …) are accepted.
	URL video.Secret `envconfig:"REDIS_URL"`
	// Prefix starts every key (VIDEO_REDIS_PREFIX, default "video:").
	Prefix string `envconfig:"VIDEO_REDIS_PREFIX"`
	// Retention keeps an ended consultation this long after its last write
	// (VIDEO_REDIS_RETENTION, default 168h).
	Retention time.Duration `envconfig:"VIDEO_REDIS_RETENTION"`
	// MaxAge keeps any other consultation this long after its last write
	// (VIDEO_REDIS_MAX_AGE, default 720h).
	MaxAge time.Duration `envconfig:"VIDEO_REDIS_MAX_AGE"`
	// WaitReplicas is how many replicas must hold a pin or a move before it is acknowledged
	// (VIDEO_REDIS_WAIT_REPLICAS, default auto: 1 on a cluster or Sentinel, 0 on a single node).
	WaitReplicas Replicas `envconfig:"VIDEO_REDIS_WAIT_REPLICAS"`
	// WaitTimeout bounds that wait (VIDEO_REDIS_WAIT_TIMEOUT, default 100ms; 0 takes the
	// default).
	WaitTimeout time.Duration `envconfig:"VIDEO_REDIS_WAIT_TIMEOUT"`
}

// DefaultConfig returns the defaults (no URL): LoadConfig starts from it.
func DefaultConfig() Config {
	return Config{Prefix: DefaultPrefix, Retention: DefaultRetention, MaxAge: DefaultMaxAge,
		WaitReplicas: AutoReplicas, WaitTimeout: DefaultWaitTimeout}
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
	if _, err := parseURL(c.URL.Reveal()); err != nil {
		return bad("REDIS_URL", err.Error())
	}
	if c.Retention <= 0 || c.Retention > maxTTL {
		return bad("VIDEO_REDIS_RETENTION", "must be a positive duration of at most 87600h (10 years)")
	}
	if c.MaxAge <= 0 || c.MaxAge > maxTTL {
		return bad("VIDEO_REDIS_MAX_AGE", "must be a positive duration of at most 87600h (10 years)")
	}
	if c.WaitReplicas != AutoReplicas && (c.WaitReplicas < 0 || c.WaitReplicas > maxWaitReplicas) {
		return bad("VIDEO_REDIS_WAIT_REPLICAS", "must be auto or a count from 0 to 16")
	}
	if c.WaitTimeout < 0 || c.WaitTimeout > time.Minute {
		return bad("VIDEO_REDIS_WAIT_TIMEOUT", "must be a duration from 1ms to 1m (0 takes the default, 100ms)")
	}
	return nil
}

// Open connects a Store to cfg.URL: a single node, a cluster or Sentinel, with context
// deadlines enabled, and a cluster client that re-reads the layout every
// ClusterReloadInterval. Close the Store to close its client.
func Open(cfg Config) (*Store, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	u, err := parseURL(cfg.URL.Reveal())
	if err != nil {
		return nil, err
	}
	opts := Options{Prefix: cfg.Prefix, Retention: cfg.Retention, MaxAge: cfg.MaxAge,
		WaitReplicas: int(cfg.WaitReplicas), WaitTimeout: cfg.WaitTimeout}
	if cfg.WaitReplicas == AutoReplicas {
		opts.WaitReplicas = 0
		if u.kind != single {
			opts.WaitReplicas = 1
		}
	}
	s := New(u.client(opts.WaitReplicas > 0), opts)
	s.owned = true
	return s, nil
}
