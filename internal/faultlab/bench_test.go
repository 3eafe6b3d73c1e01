package faultlab_test

import (
	"context"
	"fmt"
	sdkmetric "go.opentelemetry.io/otel/sdk/metric"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/sdk/trace/tracetest"
	"sync/atomic"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"
	"github.com/livekit/protocol/auth"
	"github.com/livekit/protocol/livekit"
	video "github.com/teleconsult/video"
	"github.com/teleconsult/video/internal/faultserver"
	"github.com/teleconsult/video/internal/testserver"
	"github.com/teleconsult/video/jitsi"
	"github.com/teleconsult/video/openvidu"
	"github.com/teleconsult/video/redisstore"
)

// concurrency is how many requests are in flight at once in the fault benchmarks.
const concurrency = 64

// BenchmarkFailover runs fresh-appointment token requests at 64-way concurrency with the
// primary behind each fault and the fallback healthy, through the Service and, beside it,
// through the seed's way: probe the primary's health on every request, then pick. Run it
// with -benchtime=10000x for the published numbers.
func BenchmarkFailover(b *testing.B) {
	for _, f := range faultserver.Faults {
		b.Run(f.String()+"/service", func(b *testing.B) { benchFailover(b, f, false) })
		b.Run(f.String()+"/seed", func(b *testing.B) { benchFailover(b, f, true) })
	}
}

func benchFailover(b *testing.B, f faultserver.Fault, seed bool) {
	l := newLab(b, labOptions{fault: f})
	issue := l.serviceToken
	if seed {
		issue = l.seedToken
	}
	lat := make([]time.Duration, b.N)
	var next, errs, waited atomic.Int64
	b.SetParallelism((concurrency + 1) / max(1, runtimeProcs()))
	b.ReportAllocs()
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			i := next.Add(1) - 1
			start := time.Now()
			w, err := issue(fmt.Sprintf("bench-%s-%d", f, i))
			lat[i] = time.Since(start)
			if err != nil {
				errs.Add(1)
			}
			if w {
				waited.Add(1)
			}
		}
	})
	b.StopTimer()
	if !seed {
		waited.Store(l.health(openvidu.Name).ProbeWaits + l.health(jitsi.Name).ProbeWaits)
		b.ReportMetric(float64(l.health(openvidu.Name).ProbeWaits), "waits-primary")
	}
	n := int(next.Load())
	b.ReportMetric(float64(percentile(lat[:n], 0.50).Nanoseconds()), "p50-ns")
	b.ReportMetric(float64(percentile(lat[:n], 0.99).Nanoseconds()), "p99-ns")
	b.ReportMetric(float64(percentile(lat[:n], 1.0).Nanoseconds()), "max-ns")
	b.ReportMetric(float64(waited.Load()), "probe-waits")
	b.ReportMetric(float64(errs.Load()), "errors")
}

// serviceToken is a doctor's token for a fresh appointment through the Service.
func (l *lab) serviceToken(appt string) (bool, error) {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	_, err := l.svc.GenerateMeetingToken(ctx, appt, "doc", video.RoleDoctor, video.UserInfo{})
	return false, err
}

// seedToken does what the seed did: probe the primary on every request (bounded by the same
// timeout), use it if healthy, otherwise the fallback, whose health is its configuration.
// Every request waits on a probe.
func (l *lab) seedToken(appt string) (bool, error) {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	req := video.TokenRequest{Room: "seed-" + appt, UserID: "doc", Role: video.RoleDoctor, TTL: time.Hour}
	probeCtx, cancelProbe := context.WithTimeout(ctx, probeTimeout)
	err := l.ov.Check(probeCtx)
	cancelProbe()
	if err == nil {
		callCtx, cancelCall := context.WithTimeout(ctx, probeTimeout)
		err = l.ov.CreateRoom(callCtx, req.Room)
		cancelCall()
		if err == nil {
			_, err = l.ov.IssueToken(ctx, req)
			return true, err
		}
	}
	_, err = l.jt.IssueToken(ctx, req)
	return true, err
}

// BenchmarkToken compares a token through the Service (cached healthy primary, a pinned
// appointment) with the provider's raw signer producing the same claims, for each provider,
// with the memory store and with the Redis store.
func BenchmarkToken(b *testing.B) {
	b.Run("openvidu/raw", benchRawLiveKit)
	b.Run("openvidu/service-memory", func(b *testing.B) { benchService(b, openvidu.Name, nil) })
	b.Run("openvidu/service-redis", func(b *testing.B) { benchService(b, openvidu.Name, redisStore(b)) })
	b.Run("jitsi/raw", benchRawJitsi)
	b.Run("jitsi/service-memory", func(b *testing.B) { benchService(b, jitsi.Name, nil) })
	b.Run("jitsi/service-redis", func(b *testing.B) { benchService(b, jitsi.Name, redisStore(b)) })
}

func redisStore(b *testing.B) video.Store {
	r := testserver.StartRedis(b, testserver.RedisOptions{})
	st, err := redisstore.Open(redisstore.Config{URL: video.Secret(r.URL), Prefix: "bench:", Retention: time.Hour, MaxAge: time.Hour})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { st.Close() })
	return st
}

// BenchmarkTokenTelemetry is BenchmarkToken's Service on the memory store with telemetry as
// it ships (noop: the global providers, no SDK installed) and with the OpenTelemetry SDK
// recording every span (always sampled) and every metric in memory (sdk).
func BenchmarkTokenTelemetry(b *testing.B) {
	for _, prov := range []video.ProviderName{openvidu.Name, jitsi.Name} {
		b.Run(string(prov)+"/noop", func(b *testing.B) { benchService(b, prov, nil) })
		b.Run(string(prov)+"/sdk", func(b *testing.B) { benchService(b, prov, nil, inMemorySDK(b)...) })
	}
}

// inMemorySDK returns the options that send a Service's telemetry to the SDK, kept in memory.
func inMemorySDK(b *testing.B) []video.Option {
	mp := sdkmetric.NewMeterProvider(sdkmetric.WithReader(sdkmetric.NewManualReader()))
	tp := sdktrace.NewTracerProvider(sdktrace.WithSampler(sdktrace.AlwaysSample()), sdktrace.WithSpanProcessor(tracetest.NewSpanRecorder()))
	b.Cleanup(func() {
		_ = mp.Shutdown(context.Background())
		_ = tp.Shutdown(context.Background())
	})
	return []video.Option{video.WithMeterProvider(mp), video.WithTracerProvider(tp)}
}

func benchService(b *testing.B, primary video.ProviderName, st video.Store, opts ...video.Option) {
	l := newLab(b, labOptions{store: st, primary: primary, opts: opts})
	ctx := context.Background()
	info := video.UserInfo{DisplayName: "Dr. Smith"}
	if _, err := l.svc.GenerateMeetingToken(ctx, "bench", "doc", video.RoleDoctor, info); err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		if _, err := l.svc.GenerateMeetingToken(ctx, "bench", "doc", video.RoleDoctor, info); err != nil {
			b.Fatal(err)
		}
	}
}

// benchRawLiveKit signs what the OpenVidu provider signs for a doctor, directly.
func benchRawLiveKit(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		g := &auth.VideoGrant{RoomJoin: true, Room: "consult-bench", RoomAdmin: true}
		g.SetCanPublish(true)
		g.SetCanSubscribe(true)
		g.SetCanPublishData(true)
		_, err := auth.NewAccessToken(testserver.LiveKitAPIKey, testserver.LiveKitAPISecret).
			SetIdentity("doc").SetName("Dr. Smith").SetValidFor(time.Hour).SetMetadata(`{"role":"doctor"}`).
			SetVideoGrant(g).SetRoomConfig(&livekit.RoomConfiguration{EmptyTimeout: 600, DepartureTimeout: 300, MaxParticipants: 4}).
			ToJWT()
		if err != nil {
			b.Fatal(err)
		}
	}
}

// rawJitsiClaims are the claims the Jitsi provider signs, in types of the benchmark's own.
type rawJitsiClaims struct {
	Iss     string `json:"iss"`
	Aud     string `json:"aud"`
	Sub     string `json:"sub"`
	Room    string `json:"room"`
	Iat     int64  `json:"iat"`
	Nbf     int64  `json:"nbf"`
	Exp     int64  `json:"exp"`
	Context struct {
		User struct {
			ID        string `json:"id"`
			Name      string `json:"name"`
			Moderator string `json:"moderator"`
		} `json:"user"`
		Features struct {
			Recording     string `json:"recording"`
			Livestreaming string `json:"livestreaming"`
			OutboundCall  string `json:"outbound-call"`
			ScreenSharing string `json:"screen-sharing"`
		} `json:"features"`
	} `json:"context"`
}

func (c *rawJitsiClaims) GetExpirationTime() (*jwt.NumericDate, error) { return nil, nil }
func (c *rawJitsiClaims) GetIssuedAt() (*jwt.NumericDate, error)       { return nil, nil }
func (c *rawJitsiClaims) GetNotBefore() (*jwt.NumericDate, error)      { return nil, nil }
func (c *rawJitsiClaims) GetIssuer() (string, error)                   { return c.Iss, nil }
func (c *rawJitsiClaims) GetSubject() (string, error)                  { return c.Sub, nil }
func (c *rawJitsiClaims) GetAudience() (jwt.ClaimStrings, error)       { return jwt.ClaimStrings{c.Aud}, nil }

// benchRawJitsi signs what the Jitsi provider signs for a doctor, directly (no join link).
func benchRawJitsi(b *testing.B) {
	key := []byte("the lab's jitsi app secret")
	b.ReportAllocs()
	for b.Loop() {
		now := time.Now()
		c := &rawJitsiClaims{Iss: "lab", Aud: "jitsi", Sub: "*", Room: "consult-bench", Iat: now.Unix(), Nbf: now.Unix() - 30, Exp: now.Add(time.Hour).Unix()}
		c.Context.User.ID, c.Context.User.Name, c.Context.User.Moderator = "doc", "Dr. Smith", "true"
		c.Context.Features.Recording, c.Context.Features.Livestreaming = "false", "false"
		c.Context.Features.OutboundCall, c.Context.Features.ScreenSharing = "false", "true"
		if _, err := jwt.NewWithClaims(jwt.SigningMethodHS256, c).SignedString(key); err != nil {
			b.Fatal(err)
		}
	}
}
