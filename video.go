package video

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"log/slog"
	"reflect"
	"sync"
	"sync/atomic"
	"time"

	"github.com/teleconsult/video/internal/health"
	"github.com/teleconsult/video/internal/roomname"
)

// Service is the one entry point an appointment backend calls. It owns the policy: which
// provider serves an appointment (affinity, health, failover), which room, who may do what,
// and the record of what happened. It is safe for concurrent use; create one per process
// with New and Close it on shutdown.
type Service struct {
	cfg       Config
	log       *slog.Logger
	store     Store
	rooms     *roomname.Deriver
	f         *factory
	onMigrate func(context.Context, MigrationNotice)
	now       func() time.Time
	pins      *pinCache

	ctx    context.Context
	cancel context.CancelFunc
	wg     sync.WaitGroup
	closed atomic.Bool
}

// New returns a Service over the given providers; either may be nil (not configured). The
// provider named by cfg.Provider is the primary and the other the fallback; given only one,
// it serves alone. New validates cfg and fails on an invalid one. With cfg.Enabled false it
// needs no provider, and every operation returns ErrDisabled.
func New(cfg Config, first, second Provider, opts ...Option) (*Service, error) {
	const op = "New"
	o := options{now: time.Now}
	for _, opt := range opts {
		opt(&o)
	}
	if o.log == nil {
		o.log = slog.New(slog.DiscardHandler)
	}
	if o.store == nil {
		o.store = NewMemoryStore()
	}
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	ctx, cancel := context.WithCancel(context.Background())
	s := &Service{cfg: cfg, log: o.log, store: o.store, onMigrate: o.onMigrate, now: o.now, pins: newPinCache(), ctx: ctx, cancel: cancel}
	if !cfg.Enabled {
		s.f = &factory{log: o.log, now: o.now, interval: cfg.Health.Interval, timeout: cfg.Health.Timeout}
		o.log.Info("video service initialised", slog.Bool("enabled", false))
		return s, nil
	}

	var given []Provider
	for _, p := range []Provider{first, second} {
		if !isNil(p) {
			given = append(given, p)
		}
	}
	if len(given) == 0 {
		cancel()
		return nil, &Error{Op: op, Kind: ErrInvalidArgument, Field: "providers", Msg: "no provider given: pass the OpenVidu provider, the Jitsi provider, or both"}
	}
	if len(given) == 2 && given[0].Name() == given[1].Name() {
		cancel()
		return nil, &Error{Op: op, Kind: ErrInvalidArgument, Field: "providers", Msg: fmt.Sprintf("both providers are named %q", given[0].Name())}
	}
	if len(given) == 2 && given[1].Name() == cfg.Provider {
		given[0], given[1] = given[1], given[0]
	}

	key := []byte(cfg.RoomKey.Reveal())
	if len(key) == 0 {
		key = make([]byte, MinRoomKeyLength)
		_, _ = rand.Read(key)
		o.log.Warn("VIDEO_ROOM_KEY not set: room names use a random key of this process only; set it before running several replicas or restarting with live consultations",
			slog.String("environment", string(cfg.Environment)))
	}
	s.rooms = roomname.New(key, cfg.RoomPrefix)

	s.f = &factory{log: o.log, now: o.now, interval: cfg.Health.Interval, timeout: cfg.Health.Timeout}
	for _, p := range given {
		m := &member{p: p, name: p.Name()}
		m.health = health.New(ctx, p.Check, health.Options{
			Timeout:        cfg.Health.Timeout,
			Interval:       cfg.Health.Interval,
			RecoveryProbes: cfg.Health.RecoveryProbes,
			Now:            o.now,
			Misconfigured:  func(err error) bool { return errors.Is(err, ErrUnauthenticated) },
		})
		s.f.members = append(s.f.members, m)
		if cfg.Health.Background {
			s.wg.Add(1)
			go func() { defer s.wg.Done(); m.health.Run(ctx) }()
		}
	}

	attrs := []slog.Attr{slog.String("primary", string(s.f.members[0].name)), slog.String("fallback", string(s.FallbackProvider())),
		slog.Any("config", cfg)}
	if s.f.members[0].name != cfg.Provider {
		o.log.LogAttrs(ctx, slog.LevelInfo, "configured primary provider not given, fallback serves alone",
			slog.String("configured", string(cfg.Provider)), slog.String("serving", string(s.f.members[0].name)))
	}
	o.log.LogAttrs(ctx, slog.LevelInfo, "video service initialised", attrs...)
	return s, nil
}

// isNil reports whether p is nil or an interface holding a nil pointer.
func isNil(p Provider) bool {
	if p == nil {
		return true
	}
	v := reflect.ValueOf(p)
	return v.Kind() == reflect.Pointer && v.IsNil()
}

// Close stops background health probes and cancels probes in flight. Operations after
// Close return ErrClosed. Close is idempotent.
func (s *Service) Close() error {
	if s.closed.Swap(true) {
		return nil
	}
	s.cancel()
	s.wg.Wait()
	return nil
}

// ready returns the error every operation returns when the Service cannot serve at all.
func (s *Service) ready(op string) error {
	if s.closed.Load() {
		return &Error{Op: op, Kind: ErrClosed}
	}
	if !s.cfg.Enabled {
		return &Error{Op: op, Kind: ErrDisabled}
	}
	return nil
}

// CurrentProvider returns the provider a new appointment would be pinned to now, judged from
// cached health without probing: the primary, unless it is known down and a fallback exists.
// It returns "" when the Service is disabled.
func (s *Service) CurrentProvider() ProviderName {
	if len(s.f.members) == 0 {
		return ""
	}
	for _, m := range s.f.members {
		if usable(m.health.Snapshot().State) {
			return m.name
		}
	}
	return s.f.members[0].name
}

// FallbackProvider returns the fallback provider, or "" when one provider serves alone.
func (s *Service) FallbackProvider() ProviderName {
	if len(s.f.members) < 2 {
		return ""
	}
	return s.f.members[1].name
}

// PrimaryProvider returns the primary provider: the one named by VIDEO_PROVIDER, or the only
// one given. It returns "" when the Service is disabled.
func (s *Service) PrimaryProvider() ProviderName {
	if len(s.f.members) == 0 {
		return ""
	}
	return s.f.members[0].name
}

// bounded limits one provider call to the health timeout, within ctx.
func (s *Service) bounded(ctx context.Context) (context.Context, context.CancelFunc) {
	return context.WithTimeout(ctx, s.cfg.Health.Timeout)
}
