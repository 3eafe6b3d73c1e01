package openvidu_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"strings"
	"sync"
	"testing"

	"github.com/livekit/protocol/livekit"
	lksdk "github.com/livekit/server-sdk-go/v2"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/sdk/trace/tracetest"
	"go.opentelemetry.io/otel/trace"

	video "github.com/teleconsult/video"
	"github.com/teleconsult/video/internal/openvidu2fake"
	"github.com/teleconsult/video/internal/testenv"
	"github.com/teleconsult/video/internal/testserver"
	"github.com/teleconsult/video/openvidu"
)

// tap forwards every request to a server and keeps the headers each path was sent with, and
// the statuses the server answered.
type tap struct {
	mu       sync.Mutex
	headers  map[string][]http.Header
	statuses map[string][]int
}

// statusWriter keeps the status a handler writes.
type statusWriter struct {
	http.ResponseWriter
	status int
}

func (w *statusWriter) WriteHeader(code int) { w.status = code; w.ResponseWriter.WriteHeader(code) }

func newTap(t *testing.T, target string) (*tap, string) {
	t.Helper()
	u, err := url.Parse(target)
	require.NoError(t, err)
	tp := &tap{headers: map[string][]http.Header{}, statuses: map[string][]int{}}
	proxy := httputil.NewSingleHostReverseProxy(u)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		header := r.Header.Clone()
		sw := &statusWriter{ResponseWriter: w, status: http.StatusOK}
		proxy.ServeHTTP(sw, r)
		tp.mu.Lock()
		tp.headers[r.URL.Path] = append(tp.headers[r.URL.Path], header)
		tp.statuses[r.URL.Path] = append(tp.statuses[r.URL.Path], sw.status)
		tp.mu.Unlock()
	}))
	t.Cleanup(srv.Close)
	return tp, srv.URL
}

// sent returns the headers of the requests to path.
func (tp *tap) sent(path string) []http.Header {
	tp.mu.Lock()
	defer tp.mu.Unlock()
	return tp.headers[path]
}

// answered returns the statuses of the answers to path.
func (tp *tap) answered(path string) []int {
	tp.mu.Lock()
	defer tp.mu.Unlock()
	return tp.statuses[path]
}

// traceparent is the W3C header for sc.
func traceparent(sc trace.SpanContext) string {
	return "00-" + sc.TraceID().String() + "-" + sc.SpanID().String() + "-01"
}

// TestTwirpCallsCarryTheTraceContext runs a consultation through the Service on the real
// livekit-server, behind a tap: each RoomService call carries the trace context of its
// provider span, beside the SDK's own authorization, and the server still answers.
func TestTwirpCallsCarryTheTraceContext(t *testing.T) {
	lk, _ := liveKit(t)
	testenv.TraceContext(t)
	tp, tapURL := newTap(t, lk.HTTPURL)
	cfg := serviceConfig(lk)
	cfg.OpenVidu.URL = tapURL
	spans := tracetest.NewSpanRecorder()
	tracers := sdktrace.NewTracerProvider(sdktrace.WithSpanProcessor(spans))
	svc, err := video.New(cfg.Config, []video.Provider{newProvider(t, cfg.OpenVidu)}, video.WithTracerProvider(tracers))
	require.NoError(t, err)
	t.Cleanup(func() { svc.Close() })
	ctx := context.Background()

	tok, err := svc.GenerateMeetingToken(ctx, "appt-trace-1", "doc-1", video.RoleDoctor, video.UserInfo{})
	require.NoError(t, err)
	rooms, err := lksdk.NewRoomServiceClient(lk.HTTPURL, testserver.LiveKitAPIKey, testserver.LiveKitAPISecret).
		ListRooms(ctx, &livekit.ListRoomsRequest{Names: []string{tok.Room}})
	require.NoError(t, err)
	require.Len(t, rooms.Rooms, 1, "the room was created on the server")
	_, err = svc.EndConsultation(ctx, "appt-trace-1", "doc-1", video.RoleDoctor)
	require.NoError(t, err)

	for _, call := range []struct{ span, path string }{
		{"video.provider.CreateRoom", "/twirp/livekit.RoomService/CreateRoom"},
		{"video.provider.EndRoom", "/twirp/livekit.RoomService/DeleteRoom"},
	} {
		var span trace.SpanContext
		for _, s := range spans.Ended() {
			if s.Name() == call.span {
				span = s.SpanContext()
			}
		}
		require.True(t, span.IsValid(), call.span)
		sent := tp.sent(call.path)
		require.NotEmpty(t, sent, call.path)
		last := sent[len(sent)-1]
		assert.Equal(t, traceparent(span), last.Get("Traceparent"), call.path)
		assert.True(t, strings.HasPrefix(last.Get("Authorization"), "Bearer "), "the SDK's authorization is kept")
		assert.NotEmpty(t, last.Get("X-Livekit-Request-Id"), "and its idempotency key")
		assert.Equal(t, http.StatusOK, tp.answered(call.path)[len(sent)-1], "the server took the call")
	}
}

// TestRESTCallsCarryTheTraceContext checks the same of OpenVidu 2's REST calls, on the fake.
func TestRESTCallsCarryTheTraceContext(t *testing.T) {
	testenv.TraceContext(t)
	fake := openvidu2fake.New(v2Secret, openvidu2fake.Options{})
	t.Cleanup(fake.Close)
	tp, tapURL := newTap(t, fake.URL)
	cfg := openvidu.DefaultConfig()
	cfg.URL, cfg.Secret = tapURL, v2Secret
	p := newProvider(t, cfg)
	sc := trace.NewSpanContext(trace.SpanContextConfig{TraceID: trace.TraceID{7, 7}, SpanID: trace.SpanID{7, 8}, TraceFlags: trace.FlagsSampled})

	require.NoError(t, p.CreateRoom(trace.ContextWithSpanContext(context.Background(), sc), "room-traced"))
	sent := tp.sent("/openvidu/api/sessions")
	require.Len(t, sent, 1)
	assert.Equal(t, traceparent(sc), sent[0].Get("Traceparent"))
	assert.True(t, strings.HasPrefix(sent[0].Get("Authorization"), "Basic "))

	require.NoError(t, p.CreateRoom(context.Background(), "room-untraced"))
	sent = tp.sent("/openvidu/api/sessions")
	require.Len(t, sent, 2)
	assert.Empty(t, sent[1].Get("Traceparent"), "no span, no header")
}
