package video

import (
	"context"
	"log/slog"
	"time"

	"go.opentelemetry.io/otel/metric"
	"go.opentelemetry.io/otel/trace"
)

// Option configures a Service in New.
type Option func(*options)

type options struct {
	log       *slog.Logger
	store     Store
	onMigrate func(context.Context, MigrationNotice)
	onClose   []func() error
	now       func() time.Time
	meters    metric.MeterProvider
	tracers   trace.TracerProvider
}

// WithLogger sends the Service's logs to l. Without it the Service logs nothing.
func WithLogger(l *slog.Logger) Option { return func(o *options) { o.log = l } }

// WithStore keeps consultations in st. Without it they live in a MemoryStore, which serves
// one process only: an application with several replicas must share a store
// (redisstore) or the replicas will pin one appointment to different rooms.
func WithStore(st Store) Option { return func(o *options) { o.store = st } }

// WithOnMigrate calls fn after an appointment was re-pinned to another provider because its
// provider went down, so the application can tell the participants listed in the notice to
// fetch a new token and rejoin. fn runs once per migration, on the replica that made it:
// usually on the caller's goroutine; for a move whose write failed but was stored (see
// announce.go) on a background goroutine, with a context that Close cancels, and Close waits
// for it. Keep it quick (queue a notification), and never call Close from it.
func WithOnMigrate(fn func(ctx context.Context, n MigrationNotice)) Option {
	return func(o *options) { o.onMigrate = fn }
}

// WithOnClose makes Service.Close call fn once, after the Service has stopped, and return its
// error: for what was opened for the Service alone, such as a store (package fromenv uses it).
// Several are called in the reverse order of their options, all of them, and their errors
// joined.
func WithOnClose(fn func() error) Option {
	return func(o *options) { o.onClose = append(o.onClose, fn) }
}

// WithMeterProvider makes the Service record its metrics with mp (see telemetry.go for the
// list). Without it, or with nil, the Service uses the global MeterProvider
// (otel.GetMeterProvider), which records nothing until the application installs an SDK.
func WithMeterProvider(mp metric.MeterProvider) Option { return func(o *options) { o.meters = mp } }

// WithTracerProvider makes the Service trace its operations with tp: a span per operation,
// with a child span per provider and store call. Without it, or with nil, the Service uses
// the global TracerProvider (otel.GetTracerProvider), a no-op until the application installs
// an SDK.
func WithTracerProvider(tp trace.TracerProvider) Option { return func(o *options) { o.tracers = tp } }

// WithClock makes the Service read time from now instead of time.Now; for tests.
func WithClock(now func() time.Time) Option { return func(o *options) { o.now = now } }

// MigrationNotice tells the application that an appointment moved to another provider.
type MigrationNotice struct {
	// AppointmentID is the appointment that moved.
	AppointmentID string
	// Migration says from where to where and who must rejoin (Migration.Participants).
	Migration Migration
}
