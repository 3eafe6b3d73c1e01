package jitsi

import (
	"bytes"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/pem"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	video "github.com/teleconsult/video"
)

const (
	testSecret = "jitsi-app-secret-for-tests-0123456789"
	testAppID  = "teleconsult"
	jaasAppID  = "vpaas-magic-cookie-0123456789abcdef"
	jaasKeyID  = "4f4910"
)

var testNow = time.Date(2026, 5, 6, 9, 0, 0, 0, time.UTC)

func fixedClock() time.Time { return testNow }

var (
	keyOnce sync.Once
	testKey *rsa.PrivateKey
)

// rsaKey is one RSA key for the whole test binary (generating one is slow).
func rsaKey(t testing.TB) *rsa.PrivateKey {
	keyOnce.Do(func() {
		k, err := rsa.GenerateKey(rand.Reader, 2048)
		require.NoError(t, err)
		testKey = k
	})
	return testKey
}

func pemPKCS8(t testing.TB, key any) string {
	der, err := x509.MarshalPKCS8PrivateKey(key)
	require.NoError(t, err)
	return string(pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: der}))
}

func pemPKCS1(key *rsa.PrivateKey) string {
	return string(pem.EncodeToMemory(&pem.Block{Type: "RSA PRIVATE KEY", Bytes: x509.MarshalPKCS1PrivateKey(key)}))
}

func ecKey(t testing.TB) *ecdsa.PrivateKey {
	k, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	require.NoError(t, err)
	return k
}

// jitsiServer plays a Jitsi web front and prosody BOSH endpoint, counting requests.
type jitsiServer struct {
	*httptest.Server
	boshStatus atomic.Int32
	requests   atomic.Int32
}

func newJitsiServer(t *testing.T) *jitsiServer {
	s := &jitsiServer{}
	s.boshStatus.Store(http.StatusOK)
	mux := http.NewServeMux()
	mux.HandleFunc("GET /config.js", func(w http.ResponseWriter, r *http.Request) {
		s.requests.Add(1)
		w.Header().Set("Content-Type", "application/javascript")
		w.Write([]byte("var config = {};"))
	})
	mux.HandleFunc("GET /http-bind", func(w http.ResponseWriter, r *http.Request) {
		s.requests.Add(1)
		w.WriteHeader(int(s.boshStatus.Load()))
	})
	s.Server = httptest.NewServer(mux)
	t.Cleanup(s.Close)
	return s
}

func selfHosted(base string) Config {
	cfg := DefaultConfig()
	cfg.Domain = "meet.example.com"
	cfg.BaseURL = base
	cfg.AppID = testAppID
	cfg.AppSecret = testSecret
	return cfg
}

func jaas(t testing.TB, base string) Config {
	cfg := DefaultConfig()
	cfg.BaseURL = base
	cfg.AppID = jaasAppID
	cfg.JaaSKeyID = jaasKeyID
	cfg.JaaSPrivateKey = video.Secret(pemPKCS8(t, rsaKey(t)))
	return cfg
}

func newProvider(t testing.TB, cfg Config, opts ...Option) *Provider {
	p, err := New(cfg, append([]Option{WithLogger(slog.New(slog.DiscardHandler))}, opts...)...)
	require.NoError(t, err)
	require.NotNil(t, p)
	return p
}

func selfHostedVerifier() verifier {
	return verifier{alg: "HS256", secret: []byte(testSecret), issuers: []string{testAppID}, audiences: []string{"jitsi"}, now: testNow}
}

func jaasVerifier(t testing.TB) verifier {
	return verifier{alg: "RS256", publicKey: &rsaKey(t).PublicKey, issuers: []string{"chat"}, audiences: []string{"jitsi"}, now: testNow}
}

type logBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (l *logBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.buf.Write(p)
}
func (l *logBuffer) String() string { l.mu.Lock(); defer l.mu.Unlock(); return l.buf.String() }
