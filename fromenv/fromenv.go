// Package fromenv builds a ready *video.Service from the environment in one call: the
// Service's own settings (VIDEO_*), every built-in provider that is configured (OPENVIDU_* and
// LIVEKIT_*, JITSI_*) and the store VIDEO_STORE names (memory, or redis with REDIS_URL and
// VIDEO_REDIS_*). It is the one-line wiring; an application that wants control wires
// video.New, the providers and the store itself, as this package does.
//
//	svc, err := fromenv.New() // once per process
//	if err != nil {
//		log.Fatal(err)
//	}
//	defer svc.Close()
package fromenv

import (
	"fmt"
	"log/slog"
	"os"

	video "github.com/teleconsult/video"
	"github.com/teleconsult/video/jitsi"
	"github.com/teleconsult/video/openvidu"
	"github.com/teleconsult/video/redisstore"
)

// Option configures New.
type Option func(*options)

type options struct {
	log   *slog.Logger
	store video.Store
	svc   []video.Option
}

// WithLogger sends the Service's and the providers' logs to l. Without it the Service logs
// nothing and the Jitsi provider's start-up warnings go to slog.Default.
func WithLogger(l *slog.Logger) Option { return func(o *options) { o.log = l } }

// WithStore keeps consultations in st instead of the store VIDEO_STORE names, which is then not
// read; st stays the caller's to close.
func WithStore(st video.Store) Option { return func(o *options) { o.store = st } }

// WithServiceOptions passes opts on to video.New (WithOnMigrate, WithClock, …); use WithStore,
// not video.WithStore, for the store.
func WithServiceOptions(opts ...video.Option) Option {
	return func(o *options) { o.svc = append(o.svc, opts...) }
}

// New reads the environment and returns a ready Service over the configured built-in
// providers, OpenVidu before Jitsi (VIDEO_PROVIDER may put Jitsi first). Closing the Service
// closes the store New opened. An error names the variable at fault and never its value; with
// no provider configured, it names OPENVIDU_URL.
func New(opts ...Option) (*video.Service, error) {
	var o options
	for _, opt := range opts {
		opt(&o)
	}
	cfg, err := video.LoadConfig()
	if err != nil {
		return nil, err
	}
	providers, err := Providers(o.log)
	if err != nil {
		return nil, err
	}
	if len(providers) == 0 && cfg.Enabled {
		return nil, &video.Error{Op: "fromenv.New", Kind: video.ErrInvalidConfig, Field: "OPENVIDU_URL",
			Msg: "no provider configured: set OPENVIDU_URL (with OPENVIDU_API_KEY and OPENVIDU_SECRET) or JITSI_DOMAIN"}
	}
	st, closeStore := o.store, func() error { return nil }
	if st == nil {
		if st, closeStore, err = Store(); err != nil {
			return nil, err
		}
	}
	svcOpts := []video.Option{video.WithStore(st), video.WithOnClose(closeStore)}
	if o.log != nil {
		svcOpts = append(svcOpts, video.WithLogger(o.log))
	}
	svc, err := video.New(cfg, providers, append(svcOpts, o.svc...)...)
	if err != nil {
		_ = closeStore()
		return nil, err
	}
	return svc, nil
}

// Providers returns the built-in providers the environment configures, OpenVidu first, each
// built from its own LoadConfig. log receives the providers' own warnings (nil: slog.Default).
func Providers(log *slog.Logger) ([]video.Provider, error) {
	var out []video.Provider
	ovCfg, err := openvidu.LoadConfig()
	if err != nil {
		return nil, err
	}
	if ovCfg.Configured() {
		ov, err := openvidu.New(ovCfg)
		if err != nil {
			return nil, err
		}
		out = append(out, ov)
	}
	jtCfg, err := jitsi.LoadConfig()
	if err != nil {
		return nil, err
	}
	if jtCfg.Configured() {
		var jopts []jitsi.Option
		if log != nil {
			jopts = append(jopts, jitsi.WithLogger(log))
		}
		jt, err := jitsi.New(jtCfg, jopts...)
		if err != nil {
			return nil, err
		}
		out = append(out, jt)
	}
	return out, nil
}

// Store returns the store VIDEO_STORE names: "memory" (the default; one process only;
// VIDEO_MEMORY_RETENTION and VIDEO_MEMORY_MAX_AGE) or "redis" (REDIS_URL and the
// VIDEO_REDIS_* variables), and the function that closes it.
func Store() (video.Store, func() error, error) {
	switch kind := os.Getenv("VIDEO_STORE"); kind {
	case "", "memory":
		st, err := memoryStore()
		if err != nil {
			return nil, nil, err
		}
		return st, func() error { return nil }, nil
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
		return nil, nil, &video.Error{Op: "fromenv.Store", Kind: video.ErrInvalidConfig, Field: "VIDEO_STORE",
			Msg: fmt.Sprintf("must be %q or %q", "memory", "redis")}
	}
}
