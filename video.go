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
	onClose   []func() error
	now       func() time.Time
	pins      *pinCache
	tel       *telemetry

	storeRepairs  atomic.Int64 // store faults repaired (storefault.go)
	orphansClosed atomic.Int64 // rooms opened for a pin another replica won, then closed
	orphaned      *recentSet   // the provider/appointment of the last rooms closed so: each is counted once

	ctx      context.Context
	cancel   context.CancelFunc
	wg       sync.WaitGroup
	bgMu     sync.Mutex   // orders a background task's start against Close
	settling atomic.Int64 // moves whose fate is being read (announce.go)
	closed   atomic.Bool
}

// New returns a Service over providers, in priority order: the one cfg.Provider
// (VIDEO_PROVIDER) names comes first (it must be among them), the others follow in the order
// given. Any number of
// providers of any names may be given, each at most once. New validates cfg and fails on an
// invalid one. With cfg.Enabled false it needs no provider, and every operation returns
// ErrDisabled.
func New(cfg Config, providers []Provider, opts ...Option) (*Service, error) {
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
	given, err := order(op, cfg.Provider, providers)
	if cfg.Enabled && err != nil {
		return nil, err
	}
	ctx, cancel := context.WithCancel(context.Background())
	tel := newTelemetry(o.meters, o.tracers)
	s := &Service{cfg: cfg, log: o.log, store: newMeasuredStore(o.store, tel), onMigrate: o.onMigrate, onClose: o.onClose, now: o.now,
		pins: newPinCache(), tel: tel, orphaned: newRecentSet(4096), ctx: ctx, cancel: cancel}
	s.f = &factory{log: o.log, now: o.now, interval: cfg.Health.Interval, timeout: cfg.Health.Timeout, tel: tel,
		hedgeRate: cfg.Health.HedgeRate, base: ctx, later: s.later}
	if !cfg.Enabled {
		o.log.Info("video service initialised", slog.Bool("enabled", false))
		return s, nil
	}

	key := []byte(cfg.RoomKey.Reveal())
	if len(key) == 0 {
		key = make([]byte, MinSecretLength)
		_, _ = rand.Read(key)
		o.log.Warn("VIDEO_ROOM_KEY not set: room names use a random key of this process only; set it before running several replicas or restarting with live consultations",
			slog.String("environment", string(cfg.Environment)))
	}
	s.rooms = roomname.New(key, cfg.RoomPrefix)

	for _, p := range given {
		m := &member{p: p, name: p.Name(), policy: cfg.Policy, tel: newMemberTelemetry(p.Name()), hedge: newMemberHedge(cfg.Health)}
		if ps, ok := p.(PolicySource); ok {
			m.policy = m.policy.join(ps.Policy())
		}
		if rt, ok := p.(RemoteTokens); ok {
			m.remoteTokens = rt.TokensAreRemote()
			m.localTokens = !m.remoteTokens
		}
		misconfigured := func(err error) bool { return errors.Is(err, ErrUnauthenticated) || errors.Is(err, ErrInvalidConfig) }
		probe := tel.probe(p, misconfigured)
		m.health = health.New(ctx, func(ctx context.Context) error {
			start := time.Now()
			err := probe(ctx)
			m.checked(start, err)
			return err
		}, health.Options{
			Timeout:        cfg.Health.Timeout,
			Interval:       cfg.Health.Interval,
			RecoveryProbes: cfg.Health.RecoveryProbes,
			Now:            o.now,
			Misconfigured:  misconfigured,
		})
		s.f.members = append(s.f.members, m)
		if cfg.Health.Background {
			s.wg.Add(1)
			go func() { defer s.wg.Done(); m.health.Run(ctx) }()
		}
	}

	tel.watchHealth(o.meters, s)
	names := make([]string, len(s.f.members))
	for i, m := range s.f.members {
		names[i] = string(m.name)
	}
	o.log.LogAttrs(ctx, slog.LevelInfo, "video service initialised", slog.String("primary", names[0]),
		slog.String("fallback", string(s.FallbackProvider())), slog.Any("providers", names), slog.Any("config", cfg))
	return s, nil
}

// order checks the providers (at least one, none nil, names well formed and distinct) and
// moves the one named first to the front; naming one that was not given is a configuration
// error (a typo in VIDEO_PROVIDER, or its provider left unconfigured).
func order(op string, first ProviderName, providers []Provider) ([]Provider, error) {
	bad := func(msg string) error { return &Error{Op: op, Kind: ErrInvalidArgument, Field: "providers", Msg: msg} }
	if len(providers) == 0 {
		return nil, bad("no provider given: pass at least one, in priority order")
	}
	out := make([]Provider, 0, len(providers))
	seen := make(map[ProviderName]bool, len(providers))
	for i, p := range providers {
		if p == nil {
			return nil, bad(fmt.Sprintf("provider %d is nil", i))
		}
		if v := reflect.ValueOf(p); v.Kind() == reflect.Pointer && v.IsNil() {
			return nil, bad(fmt.Sprintf("provider %d is a nil %T: build it with its package's New", i, p))
		}
		name := p.Name()
		if !name.Valid() {
			return nil, bad(fmt.Sprintf("provider %d has a malformed name: lowercase letters, digits and '-', starting with a letter", i))
		}
		if seen[name] {
			return nil, bad(fmt.Sprintf("two providers are named %q", name))
		}
		seen[name] = true
		if name == first {
			out = append([]Provider{p}, out...)
		} else {
			out = append(out, p)
		}
	}
	if first != "" && !seen[first] {
		return nil, &Error{Op: op, Kind: ErrInvalidConfig, Field: "VIDEO_PROVIDER", Msg: "names no provider given: configure it, or name one that is"}
	}
	return out, nil
}

// Close stops background health probes, cancels probes in flight and runs the WithOnClose
// function. Operations after Close return ErrClosed. Close is idempotent.
func (s *Service) Close() error {
	if s.closed.Swap(true) {
		return nil
	}
	s.bgMu.Lock() // a background task that saw the Service open has been counted in wg
	s.bgMu.Unlock()
	s.cancel()
	s.wg.Wait()
	s.tel.close()
	var errs []error
	for i := len(s.onClose) - 1; i >= 0; i-- {
		errs = append(errs, s.onClose[i]())
	}
	return errors.Join(errs...)
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
// cached health without probing: the primary, unless it is known down or suspect (hedging.go)
// and a fallback is not. It returns "" when the Service is disabled.
func (s *Service) CurrentProvider() ProviderName {
	if len(s.f.members) == 0 {
		return ""
	}
	var suspect *member
	for _, m := range s.f.members {
		if !usable(m.health.Snapshot().State) {
			continue
		}
		if !m.suspect() {
			return m.name
		}
		if suspect == nil {
			suspect = m
		}
	}
	if suspect != nil {
		return suspect.name // new rooms go to a suspect provider only when it is the one usable
	}
	return s.f.members[0].name
}

// FallbackProvider returns the first fallback provider (the second in priority order), or ""
// when one provider serves alone.
func (s *Service) FallbackProvider() ProviderName {
	if len(s.f.members) < 2 {
		return ""
	}
	return s.f.members[1].name
}

// PrimaryProvider returns the primary provider: the one named by VIDEO_PROVIDER, or the first
// given. It returns "" when the Service is disabled.
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
