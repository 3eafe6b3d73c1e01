package openvidu

import (
	"context"
	"net/http"

	"github.com/twitchtv/twirp"
	"go.opentelemetry.io/otel"
	"go.opentelemetry.io/otel/propagation"
)

// traceContext is a twirp client interceptor that carries the caller's trace context to the
// server: what the global propagator (otel.SetTextMapPropagator) writes for ctx is added to
// the request's headers, beside the ones the SDK set (its authorization among them). With no
// propagator installed, or no span in ctx, nothing is added.
func traceContext(next twirp.Method) twirp.Method {
	return func(ctx context.Context, req any) (any, error) {
		carrier := propagation.HeaderCarrier{}
		otel.GetTextMapPropagator().Inject(ctx, carrier)
		if len(carrier) == 0 {
			return next(ctx, req)
		}
		h, _ := twirp.HTTPRequestHeaders(ctx)
		h = h.Clone()
		if h == nil {
			h = make(http.Header, len(carrier))
		}
		for k, vs := range carrier {
			h[k] = vs
		}
		if withHeaders, err := twirp.WithHTTPRequestHeaders(ctx, h); err == nil {
			ctx = withHeaders
		}
		return next(ctx, req)
	}
}

// injectTrace adds ctx's trace context to an OpenVidu 2 REST request's headers.
func injectTrace(ctx context.Context, h http.Header) {
	otel.GetTextMapPropagator().Inject(ctx, propagation.HeaderCarrier(h))
}
