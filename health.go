package video

import (
	"context"
	"regexp"
	"sync"
	"time"

	"github.com/teleconsult/video/internal/health"
)

// HealthState is what the Service believes of a provider.
type HealthState string

// The health states of a provider.
const (
	// HealthUnknown: not probed yet.
	HealthUnknown HealthState = "unknown"
	// HealthUp: serving.
	HealthUp HealthState = "up"
	// HealthDown: the last probe or call failed; recovering needs consecutive good probes.
	HealthDown HealthState = "down"
	// HealthMisconfigured: the provider refused the credentials, or its check found the
	// configuration wrong (an error wrapping ErrUnauthenticated or ErrInvalidConfig, such as a
	// server that speaks another API). A configuration error, not an outage: fix it.
	HealthMisconfigured HealthState = "misconfigured"
	// HealthUnprobed: the provider is not probed (it implements Unprobed), so nothing says
	// whether it serves; it is used as if it were up.
	HealthUnprobed HealthState = "unprobed"
)

// HealthReport is the Service's health: every provider's, and whether any can serve.
type HealthReport struct {
	// Healthy is true when at least one provider can serve: up, or unprobed.
	Healthy bool `json:"healthy"`
	// Current is the provider a new appointment would be pinned to now.
	Current ProviderName `json:"current,omitempty"`
	// Providers lists the primary first.
	Providers []ProviderHealth `json:"providers"`
	// StoreRepairs counts the store faults this replica repaired since New: consultation
	// records the store lost and the replica re-created from a pin it had seen, and moves no
	// migration explained that it recorded and announced. Any is an operational incident.
	StoreRepairs int64 `json:"store_repairs"`
	// OrphanRoomsClosed counts the rooms this replica opened for a new appointment that another
	// replica pinned first on another provider, and then closed.
	OrphanRoomsClosed int64 `json:"orphan_rooms_closed"`
	// UnsettledMigrations counts, now, the moves whose write failed in a way that leaves open
	// whether the store kept it: the replica reads the record until the store answers and
	// announces each move it finds stored.
	UnsettledMigrations int64 `json:"unsettled_migrations"`
}

// ProviderHealth is one provider's health.
type ProviderHealth struct {
	// Provider is the provider's name.
	Provider ProviderName `json:"provider"`
	// Primary is true for the primary provider.
	Primary bool `json:"primary"`
	// State is the provider's health state.
	State HealthState `json:"state"`
	// LastCheck is when the provider was last probed or marked down.
	LastCheck time.Time `json:"last_check,omitzero"`
	// Latency is how long the last probe took.
	Latency time.Duration `json:"latency_ns"`
	// LastError is the last failure while the provider is not up: at most 300 characters,
	// anything shaped like a JWT replaced, control characters removed (a vendor may echo what
	// it was sent).
	LastError string `json:"last_error,omitempty"`
	// Probes counts the health probes started since New.
	Probes int64 `json:"probes"`
	// ProbeWaits counts the requests that waited on a probe: the leader of a first probe, and,
	// only while no provider with an answer can serve (at start-up), every request that joined a
	// first probe in flight.
	ProbeWaits int64 `json:"probe_waits"`
	// Suspect is true from a hedge of a call to the provider until a health check of it answers
	// within VIDEO_HEDGE_DELAY_MAX: new rooms go to the providers that are not suspect (see
	// hedging.go).
	Suspect bool `json:"suspect"`
	// HedgeDelay is how long a call to the provider may go unanswered before it is hedged.
	HedgeDelay time.Duration `json:"hedge_delay_ns"`
	// Hedges counts the calls to another provider started because this one had not answered
	// in its hedge delay; HedgesWon, those the other provider answered first.
	Hedges    int64 `json:"hedges"`
	HedgesWon int64 `json:"hedges_won"`
}

// Health returns every provider's health. Answers fresher than the health interval are
// reported as they are; staler ones are refreshed by a probe (joined if one is in flight),
// waiting at most until ctx is done. Meant for health endpoints, not for the hot path.
func (s *Service) Health(ctx context.Context) HealthReport {
	return s.report(func(t *health.Tracker) health.Snapshot { return t.Refresh(ctx) })
}

// CachedHealth returns what the Service believes of every provider now, without probing or
// waiting: for metrics and logs that must not cause the probes they report.
func (s *Service) CachedHealth() HealthReport {
	return s.report((*health.Tracker).Snapshot)
}

// report builds a HealthReport from each provider's answer, read concurrently.
func (s *Service) report(answer func(*health.Tracker) health.Snapshot) HealthReport {
	var r HealthReport
	if s.ready("Health") != nil {
		return r
	}
	r.Providers = make([]ProviderHealth, len(s.f.members))
	var wg sync.WaitGroup
	for i, m := range s.f.members {
		wg.Go(func() {
			snap := answer(m.health)
			ph := ProviderHealth{Provider: m.name, Primary: i == 0, State: healthState(snap.State),
				LastCheck: snap.LastCheck, Latency: snap.Latency, Probes: m.health.Probes(), ProbeWaits: m.health.Waits(),
				Suspect: m.suspect(), HedgeDelay: m.hedge.delay.Get(), Hedges: m.hedge.hedges.Load(), HedgesWon: m.hedge.won.Load()}
			if up, ok := m.p.(Unprobed); ok && up.Unprobed() && ph.State == HealthUp {
				ph.State, ph.Latency = HealthUnprobed, 0
			}
			if snap.LastErr != nil {
				ph.LastError = publicError(snap.LastErr)
			}
			r.Providers[i] = ph
		})
	}
	wg.Wait()
	for _, p := range r.Providers {
		r.Healthy = r.Healthy || p.State == HealthUp || p.State == HealthUnprobed
	}
	r.Current = s.CurrentProvider()
	r.StoreRepairs = s.storeRepairs.Load()
	r.UnsettledMigrations = s.settling.Load()
	r.OrphanRoomsClosed = s.orphansClosed.Load()
	return r
}

// IsHealthy reports whether at least one provider is up, as Health does.
func (s *Service) IsHealthy(ctx context.Context) bool { return s.Health(ctx).Healthy }

func healthState(st health.State) HealthState {
	switch st {
	case health.Up:
		return HealthUp
	case health.Down:
		return HealthDown
	case health.Misconfigured:
		return HealthMisconfigured
	}
	return HealthUnknown
}

// jwtShape matches a JWT, or the start of one: three base64url parts joined by dots.
var jwtShape = regexp.MustCompile(`[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]*`)

// publicError is an error's text as health reports and logs of moves show it: cut to 300
// characters, control characters made spaces, and anything shaped like a token redacted.
func publicError(err error) string {
	return jwtShape.ReplaceAllString(cleanText(err.Error(), 300), redacted)
}
