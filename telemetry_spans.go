package video

import (
	"context"
	"reflect"
	"strings"

	"go.opentelemetry.io/otel"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/codes"
	"go.opentelemetry.io/otel/trace"
)

// isDefaultGlobal reports whether tp is OpenTelemetry's global default: the provider the API
// returns before otel.SetTracerProvider is called.
func isDefaultGlobal(tp trace.TracerProvider) bool {
	ty := reflect.TypeOf(tp)
	return ty.Kind() == reflect.Pointer && ty.Elem().PkgPath() == "go.opentelemetry.io/otel/internal/global"
}

// tracerNow returns the tracer to use: the one bound in New (WithTracerProvider's, or the
// global provider's when an SDK was installed), or, when New found OpenTelemetry's global
// default, the tracer of the first provider installed since (as the default's own delegation
// would), or nil while none is. The default's spans record nothing but each costs allocations
// on the token path; with nil, none is started.
func (t *telemetry) tracerNow() trace.Tracer {
	if t == nil {
		return nil
	}
	if t.tracer != nil {
		return t.tracer
	}
	if tr := t.followed.Load(); tr != nil {
		return *tr
	}
	cur := otel.GetTracerProvider()
	if cur == t.unset { // different dynamic types compare unequal without panicking
		return nil
	}
	tr := cur.Tracer(instrumentationScope)
	t.followed.CompareAndSwap(nil, &tr)
	return *t.followed.Load()
}

// noSpan is the span of an operation that is not traced.
var noSpan = trace.SpanFromContext(context.Background())

// spanKey marks in a context the library's own span, the only one it annotates or starts
// children under: never a span of the application's.
type spanKey struct{}

// ours returns the library's recording span of ctx, or nil.
func ours(ctx context.Context) trace.Span {
	sp, _ := ctx.Value(spanKey{}).(trace.Span)
	return sp
}

// start starts a span with the tracer of the moment, or none (noSpan, ctx unchanged).
func (t *telemetry) start(ctx context.Context, name string, opts ...trace.SpanStartOption) (context.Context, trace.Span) {
	tr := t.tracerNow()
	if tr == nil {
		return ctx, noSpan
	}
	ctx, sp := tr.Start(ctx, name, opts...)
	if sp.IsRecording() {
		ctx = context.WithValue(ctx, spanKey{}, sp)
	}
	return ctx, sp
}

// opSpan starts the span of one Service operation, named "video." and the operation (a
// constant at every call, so that the name costs nothing).
func (t *telemetry) opSpan(ctx context.Context, name string) (context.Context, trace.Span) {
	ctx, sp := t.start(ctx, name)
	if sp.IsRecording() {
		sp.SetAttributes(attrOperation.String(strings.TrimPrefix(name, "video.")))
	}
	return ctx, sp
}

// annotate puts the provider and room of c (nil for none) on the library's span of ctx.
func annotate(ctx context.Context, c *Consultation) {
	if c == nil {
		return
	}
	if sp := ours(ctx); sp != nil {
		sp.SetAttributes(attrProvider.String(string(c.Provider)), attrRoom.String(c.Room))
	}
}

// tracing reports whether a call under ctx gets a child span: the library's own span records.
func (t *telemetry) tracing(ctx context.Context) bool {
	return t.tracerNow() != nil && ours(ctx) != nil
}

// childSpan starts the span of one provider or store call under the library's own span;
// callers check tracing first, so that the attributes are built only when they are used.
func (t *telemetry) childSpan(ctx context.Context, name string, attrs ...attribute.KeyValue) (context.Context, trace.Span) {
	ctx, sp := t.start(ctx, name, trace.WithSpanKind(trace.SpanKindClient), trace.WithAttributes(attrs...))
	if sp == noSpan {
		return ctx, nil
	}
	return ctx, sp
}

// endSpan ends sp (nil for a call not traced) with err's kind, never err's text (a vendor's
// message may echo what it was sent). Only a failure sets the status to Error: a refusal is the
// request's answer and a cancellation the caller's choice, as OpenTelemetry's conventions
// leave a 4xx answer unset.
func endSpan(sp trace.Span, err error) {
	if sp == nil {
		return
	}
	if err != nil {
		kind := errorType(err)
		sp.SetAttributes(attrErrorType.String(kind))
		if outcome(err) == "failed" {
			sp.SetStatus(codes.Error, kind)
		}
	}
	sp.End()
}

// endOp ends an operation's span: the provider and room it served (from c, when there is one)
// and its outcome.
func endOp(sp trace.Span, c *Consultation, err error) {
	if sp.IsRecording() {
		if c != nil {
			sp.SetAttributes(attrProvider.String(string(c.Provider)), attrRoom.String(c.Room))
		}
		sp.SetAttributes(attrOutcome.String(outcome(err)))
	}
	endSpan(sp, err)
}
