package openvidu_test

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	video "github.com/teleconsult/video"
	"github.com/teleconsult/video/internal/testserver"
	"github.com/teleconsult/video/jitsi"
	"github.com/teleconsult/video/openvidu"
	"github.com/teleconsult/video/videotest"
)

// One livekit-server serves the package's tests; each test uses rooms of its own. Its
// webhooks go to a relay that hands them to the current test's handler.
var shared struct {
	once  sync.Once
	lk    *testserver.LiveKit
	relay *relay
	err   error
}

// relay forwards webhooks to whichever handler a test installs, and keeps the bodies.
type relay struct {
	*httptest.Server
	mu      sync.Mutex
	handler http.Handler
	bodies  [][]byte
	headers []http.Header
}

func (r *relay) ServeHTTP(w http.ResponseWriter, req *http.Request) {
	body, _ := io.ReadAll(req.Body)
	r.mu.Lock()
	h := r.handler
	r.bodies = append(r.bodies, body)
	r.headers = append(r.headers, req.Header.Clone())
	r.mu.Unlock()
	if h == nil {
		w.WriteHeader(http.StatusOK)
		return
	}
	req.Body = io.NopCloser(bytes.NewReader(body))
	h.ServeHTTP(w, req)
}

// use installs h as the webhook handler until the test ends.
func (r *relay) use(t *testing.T, h http.Handler) {
	r.mu.Lock()
	r.handler = h
	r.mu.Unlock()
	t.Cleanup(func() {
		r.mu.Lock()
		r.handler = nil
		r.mu.Unlock()
	})
}

// last returns the last delivery's body and headers.
func (r *relay) last() ([]byte, http.Header) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if len(r.bodies) == 0 {
		return nil, nil
	}
	return r.bodies[len(r.bodies)-1], r.headers[len(r.headers)-1]
}

func liveKit(t *testing.T) (*testserver.LiveKit, *relay) {
	t.Helper()
	bin := testserver.LiveKitBinaryOrSkip(t)
	shared.once.Do(func() {
		shared.relay = &relay{}
		shared.relay.Server = httptest.NewServer(shared.relay)
		dir, err := os.MkdirTemp("", "livekit-test-")
		if err != nil {
			shared.err = err
			return
		}
		shared.lk, shared.err = testserver.LaunchLiveKit(bin, dir, testserver.LiveKitOptions{WebhookURL: shared.relay.URL + "/webhook"})
	})
	require.NoError(t, shared.err)
	return shared.lk, shared.relay
}

func TestMain(m *testing.M) {
	code := m.Run()
	if shared.lk != nil {
		shared.lk.Stop()
	}
	if shared.relay != nil {
		shared.relay.Close()
	}
	os.Exit(code)
}

// ovConfig is an OpenVidu configuration for lk.
func ovConfig(lk *testserver.LiveKit) openvidu.Config {
	cfg := openvidu.DefaultConfig()
	cfg.URL, cfg.APIKey, cfg.Secret = lk.URL, testserver.LiveKitAPIKey, testserver.LiveKitAPISecret
	return cfg
}

func newProvider(t *testing.T, cfg openvidu.Config) *openvidu.Provider {
	t.Helper()
	p, err := openvidu.New(cfg)
	require.NoError(t, err)
	require.NotNil(t, p)
	return p
}

// svcConfig is a Service's configuration and its providers'.
type svcConfig struct {
	video.Config
	OpenVidu openvidu.Config
	Jitsi    jitsi.Config
}

// serviceConfig is a Service configuration with OpenVidu on lk.
func serviceConfig(lk *testserver.LiveKit) svcConfig {
	cfg := svcConfig{Config: videotest.Config(), OpenVidu: ovConfig(lk)}
	cfg.Health.Timeout = 2 * time.Second
	return cfg
}

// eventually polls cond until it holds or 15 s pass; servers and clients act asynchronously.
func eventually(t *testing.T, cond func() bool, msg string) {
	t.Helper()
	require.Eventually(t, cond, 15*time.Second, 20*time.Millisecond, msg)
}

func ctx(t *testing.T) context.Context {
	c, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	t.Cleanup(cancel)
	return c
}
