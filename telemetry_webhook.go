package video

import (
	"context"
	"net/http"

	"go.opentelemetry.io/otel"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/codes"
	"go.opentelemetry.io/otel/metric"
	"go.opentelemetry.io/otel/propagation"
	"go.opentelemetry.io/otel/trace"
)

// webhookKinds are the event kinds a webhook metric names; any other is "other".
var webhookKinds = map[WebhookKind]bool{WebhookRoomStarted: true, WebhookRoomFinished: true, WebhookParticipantJoined: true,
	WebhookParticipantLeft: true, WebhookRecordingEnded: true, WebhookOther: true}

// delivery is what telemetry learns of one webhook delivery as the handler goes.
type delivery struct {
	sp     trace.Span
	remote trace.SpanContext // the sender's trace context, linked once the sender is authenticated
	from   ProviderName      // the provider that accepted it; "" while none has
	kind   WebhookKind
	result string // applied, duplicate, ignored, refused, unavailable, failed
	why    string // for refused: method, no_receiver, unauthenticated, invalid_argument
}

// refused notes a delivery refused for why.
func (d *delivery) refused(why string) { d.result, d.why = "refused", why }

// accepted notes that a provider verified the delivery's signature: its kind is the
// provider's word now, and the sender's trace is linked.
func (d *delivery) accepted(kind WebhookKind) {
	d.kind = kind
	if !webhookKinds[kind] {
		d.kind = WebhookOther
	}
	if d.remote.IsValid() {
		d.sp.AddLink(trace.Link{SpanContext: d.remote})
	}
}

// webhookSpan starts the span of one webhook delivery: a server span at the root of a trace of
// its own. Whoever reaches the endpoint can send a trace context, so it neither becomes the
// span's parent (which would let a forged header choose the trace and its sampling) nor brings
// its baggage in; once a provider has verified the delivery, the span links to it.
func (t *telemetry) webhookSpan(r *http.Request) (context.Context, *delivery) {
	d := &delivery{result: "refused"}
	ctx, sp := t.start(r.Context(), "video.WebhookHandler", trace.WithSpanKind(trace.SpanKindServer), trace.WithNewRoot())
	d.sp = sp
	if sp.IsRecording() {
		sp.SetAttributes(attrOperation.String("WebhookHandler"))
		carried := otel.GetTextMapPropagator().Extract(context.Background(), propagation.HeaderCarrier(r.Header))
		d.remote = trace.SpanContextFromContext(carried)
	}
	return ctx, d
}

// endWebhook counts a delivery and ends its span. Only a failure to record the event, or to
// complete it, is an error of the span: a refused delivery is the sender's fault.
func (s *Service) endWebhook(ctx context.Context, d *delivery) {
	s.tel.webhook(ctx, d)
	if d.sp.IsRecording() {
		d.sp.SetAttributes(d.attrs()...)
		if d.result == "failed" || d.result == "unavailable" {
			d.sp.SetStatus(codes.Error, d.result)
		}
	}
	d.sp.End()
}

// webhook counts one delivery: by the provider that accepted it (none when none did), its
// kind, its outcome, and why it was refused.
func (t *telemetry) webhook(ctx context.Context, d *delivery) {
	if t == nil { // a zero Service
		return
	}
	t.webhooks.Add(ctx, 1, metric.WithAttributes(d.attrs()...))
}

// attrs are the delivery's attributes, the same on its span and its count: the provider that
// accepted it, its kind, its outcome, and why it was refused, each when known.
func (d *delivery) attrs() []attribute.KeyValue {
	attrs := make([]attribute.KeyValue, 0, 4)
	if d.from != "" {
		attrs = append(attrs, attrProvider.String(string(d.from)))
	}
	if d.kind != "" {
		attrs = append(attrs, attrEvent.String(string(d.kind)))
	}
	attrs = append(attrs, attrOutcome.String(d.result))
	if d.why != "" {
		attrs = append(attrs, attrErrorType.String(d.why))
	}
	return attrs
}
