package video_test

import (
	"context"
	"encoding/base64"
	"fmt"
	"log/slog"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	video "github.com/teleconsult/video"
	"github.com/teleconsult/video/videotest"
)

const testRoomKey = "test-room-key-0123456789-abcdefghij"

// The fakes' names in these tests: a primary and a fallback, named as the built-in ones are.
const (
	ovName video.ProviderName = "openvidu"
	jtName video.ProviderName = "jitsi"
)

// testConfig is a valid configuration with the room key set and slow health, so that tests
// control when probes run. Recording needs no consent here (consent_test.go turns it on).
func testConfig() video.Config {
	cfg := video.DefaultConfig()
	cfg.RecordingConsent = false
	cfg.RoomKey = testRoomKey
	cfg.TokenTTL = time.Hour
	cfg.Health.Timeout = time.Minute
	cfg.Health.Interval = time.Minute
	return cfg
}

// logSink keeps every log record for assertions.
type logSink struct {
	mu   sync.Mutex
	recs []slog.Record
}

func (s *logSink) Enabled(context.Context, slog.Level) bool { return true }
func (s *logSink) WithAttrs([]slog.Attr) slog.Handler       { return s }
func (s *logSink) WithGroup(string) slog.Handler            { return s }
func (s *logSink) Handle(_ context.Context, r slog.Record) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.recs = append(s.recs, r.Clone())
	return nil
}

// find returns the attributes of every record at level with msg.
func (s *logSink) find(level slog.Level, msg string) []map[string]string {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []map[string]string
	for _, r := range s.recs {
		if r.Level != level || r.Message != msg {
			continue
		}
		attrs := make(map[string]string)
		r.Attrs(func(a slog.Attr) bool {
			attrs[a.Key] = a.Value.Resolve().String()
			return true
		})
		out = append(out, attrs)
	}
	return out
}

// text renders every record as a JSON handler would, LogValuers resolved.
func (s *logSink) text() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	var b strings.Builder
	h := slog.NewJSONHandler(&b, &slog.HandlerOptions{Level: slog.LevelDebug})
	for _, r := range s.recs {
		_ = h.Handle(context.Background(), r)
	}
	return b.String()
}

// clock is a manual clock.
type clock struct{ ns atomic.Int64 }

func newClock() *clock {
	c := &clock{}
	c.ns.Store(time.Date(2026, 5, 6, 9, 0, 0, 0, time.UTC).UnixNano())
	return c
}
func (c *clock) Now() time.Time          { return time.Unix(0, c.ns.Load()).UTC() }
func (c *clock) Advance(d time.Duration) { c.ns.Add(int64(d)) }

// rig is a Service over two fakes with its logs captured.
type rig struct {
	svc      *video.Service
	ov, jt   *videotest.Provider
	logs     *logSink
	clock    *clock
	store    *video.MemoryStore
	notices  chan video.MigrationNotice
	migrated atomic.Int64
}

func newRig(t *testing.T, cfg video.Config, opts ...video.Option) *rig {
	t.Helper()
	r := &rig{
		ov: videotest.NewProvider(ovName), jt: videotest.NewProvider(jtName),
		logs: &logSink{}, clock: newClock(), store: video.NewMemoryStore(), notices: make(chan video.MigrationNotice, 4096),
	}
	all := append([]video.Option{
		video.WithLogger(slog.New(r.logs)), video.WithClock(r.clock.Now), video.WithStore(r.store),
		video.WithOnMigrate(func(_ context.Context, n video.MigrationNotice) { r.migrated.Add(1); r.notices <- n }),
	}, opts...)
	svc, err := video.New(cfg, []video.Provider{r.ov, r.jt}, all...)
	require.NoError(t, err)
	t.Cleanup(func() { _ = svc.Close() })
	r.svc = svc
	return r
}

func (r *rig) token(t *testing.T, appt, user string, role video.Role) *video.MeetingToken {
	t.Helper()
	tok, err := r.svc.GenerateMeetingToken(context.Background(), appt, user, role, video.UserInfo{DisplayName: "Test " + user})
	require.NoError(t, err)
	return tok
}

// refresh makes every provider's health answer stale and waits for fresh probes.
func (r *rig) refresh(t *testing.T) video.HealthReport {
	t.Helper()
	r.clock.Advance(2 * time.Minute)
	return r.svc.Health(context.Background())
}

func appt(i int) string { return fmt.Sprintf("appt-%04d", i) }

func logRecord(msg string, attrs ...slog.Attr) slog.Record {
	r := slog.NewRecord(time.Now(), slog.LevelInfo, msg, 0)
	r.AddAttrs(attrs...)
	return r
}

// jwtPayload returns the decoded JSON payload of a JWT, unverified.
func jwtPayload(t *testing.T, token string) string {
	t.Helper()
	parts := strings.Split(token, ".")
	require.Len(t, parts, 3)
	b, err := base64.RawURLEncoding.DecodeString(parts[1])
	require.NoError(t, err)
	return string(b)
}
