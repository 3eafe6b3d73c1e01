package testenv

import (
	"testing"

	"go.opentelemetry.io/otel"
	"go.opentelemetry.io/otel/propagation"
)

// TraceContext installs the W3C trace context as OpenTelemetry's global propagator for t, and
// puts the one before back when t ends. Tests that call it must not run in parallel.
func TraceContext(t testing.TB) {
	t.Helper()
	was := otel.GetTextMapPropagator()
	otel.SetTextMapPropagator(propagation.TraceContext{})
	t.Cleanup(func() { otel.SetTextMapPropagator(was) })
}
