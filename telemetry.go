package video

import (
	"context"
	"sync/atomic"
	"time"

	"go.opentelemetry.io/otel"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/metric"
	"go.opentelemetry.io/otel/trace"
)

// instrumentationScope names the library to OpenTelemetry: the scope of its meter and tracer.
const instrumentationScope = "github.com/teleconsult/video"

// The attribute keys of the library's metrics and spans. Every value is bounded: a provider's
// name, an operation, a role, a state, an outcome or an error kind from a fixed list. The room
// (an opaque keyed hash of the appointment) is on spans only, never on a metric. No appointment
// ID, user ID, name or email is ever an attribute.
const (
	attrProvider  = attribute.Key("video.provider")
	attrOperation = attribute.Key("video.operation")
	attrRole      = attribute.Key("video.role")
	attrOutcome   = attribute.Key("video.outcome")
	attrState     = attribute.Key("video.state")
	attrFrom      = attribute.Key("video.from")
	attrTo        = attribute.Key("video.to")
	attrReason    = attribute.Key("video.reason")
	attrEvent     = attribute.Key("video.event")
	attrRoom      = attribute.Key("video.room")
	attrErrorType = attribute.Key("error.type")
)

// durationBuckets are the histogram boundaries, in seconds: from half a millisecond (a signer,
// a local store) to ten seconds (a provider timing out).
var durationBuckets = []float64{0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10}

// telemetry holds the Service's tracer and instruments. With no provider configured they are
// the global ones as New finds them, with OpenTelemetry's own rule for a global provider: the
// default one, before any SDK is installed, records nothing and hands over to the first SDK
// installed (otel.SetMeterProvider, otel.SetTracerProvider); a provider installed after that
// one is not followed.
type telemetry struct {
	tracer   trace.Tracer                 // bound in New; nil while following the global default
	unset    trace.TracerProvider         // the global default New saw, while following it
	followed atomic.Pointer[trace.Tracer] // the tracer of the first SDK installed since

	tokens      metric.Int64Counter
	failovers   metric.Int64Counter
	migrations  metric.Int64Counter
	hedges      metric.Int64Counter
	webhooks    metric.Int64Counter
	probes      metric.Float64Histogram
	calls       metric.Float64Histogram
	storeCalls  metric.Float64Histogram
	storeErrors metric.Int64Counter

	health metric.Registration // the health gauge's callback, unregistered by Close
}

// newTelemetry makes the instruments from mp and the tracer from tp. An instrument the meter
// cannot make is a no-op one (the API returns one with the error), and its error goes to
// OpenTelemetry's error handler: telemetry never stops the Service.
func newTelemetry(mp metric.MeterProvider, tp trace.TracerProvider) *telemetry {
	if mp == nil {
		mp = otel.GetMeterProvider()
	}
	m := mp.Meter(instrumentationScope)
	t := &telemetry{}
	if tp == nil {
		tp = otel.GetTracerProvider()
	}
	if isDefaultGlobal(tp) {
		t.unset = tp
	} else {
		t.tracer = tp.Tracer(instrumentationScope)
	}
	counter := func(name, unit, desc string) metric.Int64Counter {
		c, err := m.Int64Counter(name, metric.WithUnit(unit), metric.WithDescription(desc))
		if err != nil {
			otel.Handle(err)
		}
		return c
	}
	histogram := func(name, desc string) metric.Float64Histogram {
		h, err := m.Float64Histogram(name, metric.WithUnit("s"), metric.WithDescription(desc),
			metric.WithExplicitBucketBoundaries(durationBuckets...))
		if err != nil {
			otel.Handle(err)
		}
		return h
	}
	t.tokens = counter("video.tokens", "{token}",
		"Meeting token requests, by provider, role and outcome (issued; refused: the request's fault or the rules' answer; canceled: the caller gave up; failed: the service's, a provider's or the store's).")
	t.failovers = counter("video.failovers", "{failover}",
		"New rooms opened on a provider other than the first choice, by the provider passed over, the one used, and why.")
	t.migrations = counter("video.migrations", "{migration}",
		"Appointments moved to another provider, by the provider left, the one moved to, and why.")
	t.hedges = counter("video.hedges", "{hedge}",
		"Calls started on another provider because one had not answered in its hedge delay, by the slow provider, the other, and how it ended (won: the other answered first; lost; failed).")
	t.webhooks = counter("video.webhook.events", "{event}",
		"Provider events received, by provider, kind and outcome (applied, duplicate, ignored, refused, unavailable, failed), and why one was refused.")
	t.probes = histogram("video.provider.probe.duration", "Health probes of each provider, by outcome (up, unprobed, down, misconfigured).")
	t.calls = histogram("video.provider.call.duration", "Calls to a provider, by provider, operation and outcome.")
	t.storeCalls = histogram("video.store.call.duration", "Calls to the consultation store, by operation and outcome.")
	t.storeErrors = counter("video.store.errors", "{error}", "Store calls that failed (not a conflict, a record not found or a caller's cancellation), by operation and error type.")
	return t
}

// watchHealth registers the health gauge: one series per provider and state, 1 for the state
// the Service believes now and 0 for the others, read from cached health (never a probe).
func (t *telemetry) watchHealth(mp metric.MeterProvider, s *Service) {
	if mp == nil {
		mp = otel.GetMeterProvider()
	}
	m := mp.Meter(instrumentationScope)
	g, err := m.Int64ObservableGauge("video.provider.health", metric.WithUnit("{state}"),
		metric.WithDescription("Each provider's health as the Service believes it: 1 for its state (up, down, misconfigured, unknown, unprobed), 0 for the others."))
	if err != nil {
		otel.Handle(err)
		return
	}
	states := []HealthState{HealthUp, HealthDown, HealthMisconfigured, HealthUnknown, HealthUnprobed}
	sets := make([][]metric.ObserveOption, len(s.f.members)*len(states))
	for i, mem := range s.f.members {
		for j, st := range states {
			sets[i*len(states)+j] = []metric.ObserveOption{metric.WithAttributes(attrProvider.String(string(mem.name)), attrState.String(string(st)))}
		}
	}
	t.health, err = m.RegisterCallback(func(_ context.Context, o metric.Observer) error {
		for i, ph := range s.CachedHealth().Providers {
			for j, st := range states {
				v := int64(0)
				if ph.State == st {
					v = 1
				}
				o.ObserveInt64(g, v, sets[i*len(states)+j]...)
			}
		}
		return nil
	}, g)
	if err != nil {
		otel.Handle(err)
	}
}

// close unregisters the health gauge.
func (t *telemetry) close() {
	if t.health != nil {
		_ = t.health.Unregister()
	}
}

// seconds is the time since start in seconds, for a histogram.
func seconds(start time.Time) float64 { return time.Since(start).Seconds() }
