package testserver

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

// The LiveKit development key pair the test servers accept.
const (
	LiveKitAPIKey    = "devkey"
	LiveKitAPISecret = "devsecret-local-livekit-only-0123456789"
)

// LiveKitVersion is the livekit-server release the tests run; later tags do not build from
// the module proxy (their go.mod has replace directives).
const LiveKitVersion = "v1.13.5"

// LiveKitOptions configure a test livekit-server.
type LiveKitOptions struct {
	// WebhookURL receives the server's webhooks, signed with the dev key pair; empty: none.
	WebhookURL string
}

// LiveKit is a livekit-server on 127.0.0.1.
type LiveKit struct {
	// URL is the server's WebSocket URL (ws://127.0.0.1:port), for clients and the SDK.
	URL string
	// HTTPURL is the same server over HTTP.
	HTTPURL string

	bin, dir, config string
	mu               sync.Mutex
	proc             *process
}

// LiveKitBinary finds the livekit-server binary: $LIVEKIT_SERVER_BIN, livekit-server on
// PATH, or the `server` binary that `go install github.com/livekit/livekit-server/cmd/server`
// leaves in $(go env GOPATH)/bin.
func LiveKitBinary() (string, error) {
	if p := os.Getenv("LIVEKIT_SERVER_BIN"); p != "" {
		if _, err := os.Stat(p); err != nil {
			return "", fmt.Errorf("LIVEKIT_SERVER_BIN=%s: %w", p, err)
		}
		return p, nil
	}
	if p, err := exec.LookPath("livekit-server"); err == nil {
		return p, nil
	}
	gopath := os.Getenv("GOPATH")
	if gopath == "" {
		if out, err := exec.Command("go", "env", "GOPATH").Output(); err == nil {
			gopath = strings.TrimSpace(string(out))
		}
	}
	for _, dir := range filepath.SplitList(gopath) {
		p := filepath.Join(dir, "bin", "server")
		if out, err := exec.Command(p, "--version").Output(); err == nil && strings.Contains(string(out), "livekit-server") {
			return p, nil
		}
	}
	return "", fmt.Errorf("no livekit-server binary")
}

// LiveKitBinaryOrSkip returns LiveKitBinary, or skips tb (fails it under RequireServers)
// with a message saying how to install it.
func LiveKitBinaryOrSkip(tb testing.TB) string {
	tb.Helper()
	bin, err := LiveKitBinary()
	if err != nil {
		Missing(tb, "livekit-server", "go install github.com/livekit/livekit-server/cmd/server@"+LiveKitVersion+
			" (or set LIVEKIT_SERVER_BIN)")
	}
	return bin
}

// StartLiveKit starts a livekit-server for tb and stops it when tb ends. It skips tb (fails it
// under RequireServers) when no binary is installed.
func StartLiveKit(tb testing.TB, opts LiveKitOptions) *LiveKit {
	tb.Helper()
	lk, err := LaunchLiveKit(LiveKitBinaryOrSkip(tb), tb.TempDir(), opts)
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(lk.Stop)
	return lk
}

// LaunchLiveKit starts a livekit-server configured in dir (NewLiveKit, then Start), on fresh
// ports again when it loses a port to another process during start. The caller stops it.
func LaunchLiveKit(bin, dir string, opts LiveKitOptions) (*LiveKit, error) {
	var lk *LiveKit
	err := startRetrying(func() error {
		var err error
		if lk, err = NewLiveKit(bin, dir, opts); err != nil {
			return err
		}
		return lk.Start()
	})
	return lk, err
}

// NewLiveKit writes a loopback-only configuration on free ports into dir; Start runs it.
func NewLiveKit(bin, dir string, opts LiveKitOptions) (*LiveKit, error) {
	ports, err := freePorts(2)
	if err != nil {
		return nil, err
	}
	httpPort, udpPort := ports[0], ports[1]
	var b strings.Builder
	fmt.Fprintf(&b, "port: %d\n", httpPort)
	b.WriteString("bind_addresses: [127.0.0.1]\n")
	b.WriteString("rtc:\n")
	b.WriteString("  tcp_port: 0\n")
	fmt.Fprintf(&b, "  udp_port: %d\n", udpPort)
	b.WriteString("  use_external_ip: false\n")
	b.WriteString("  enable_loopback_candidate: true\n")
	b.WriteString("  stun_servers: [127.0.0.1:3478]\n")
	b.WriteString("  interfaces: {includes: [lo]}\n")
	b.WriteString("  ips: {includes: [127.0.0.1/32]}\n")
	fmt.Fprintf(&b, "keys: {%s: %s}\n", LiveKitAPIKey, LiveKitAPISecret)
	b.WriteString("logging: {level: info}\n")
	if opts.WebhookURL != "" {
		fmt.Fprintf(&b, "webhook:\n  api_key: %s\n  urls: [%q]\n", LiveKitAPIKey, opts.WebhookURL)
	}
	config := filepath.Join(dir, "livekit.yaml")
	if err := os.WriteFile(config, []byte(b.String()), 0o600); err != nil {
		return nil, err
	}
	return &LiveKit{
		URL:     "ws://127.0.0.1:" + strconv.Itoa(httpPort),
		HTTPURL: "http://127.0.0.1:" + strconv.Itoa(httpPort),
		bin:     bin, dir: dir, config: config,
	}, nil
}

// Start runs the server and waits until GET / answers 200.
func (l *LiveKit) Start() error {
	l.mu.Lock()
	defer l.mu.Unlock()
	proc, err := start(filepath.Join(l.dir, "livekit.log"), l.bin, "--dev", "--config", l.config, "--node-ip", "127.0.0.1", "--bind", "127.0.0.1")
	if err != nil {
		return err
	}
	l.proc = proc
	if err := waitHTTP(proc, l.HTTPURL+"/", 30*time.Second); err != nil {
		proc.kill()
		l.proc = nil
		return fmt.Errorf("livekit-server did not start: %w; log: %s", err, l.logTail())
	}
	return nil
}

// Stop stops the server (SIGTERM, then SIGKILL after 5 s). It is idempotent.
func (l *LiveKit) Stop() {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.proc != nil {
		l.proc.stop()
	}
}

// Kill ends the server at once, as a crash would.
func (l *LiveKit) Kill() {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.proc != nil {
		l.proc.kill()
	}
}

func (l *LiveKit) logTail() string {
	b, _ := os.ReadFile(filepath.Join(l.dir, "livekit.log"))
	if len(b) > 2000 {
		b = b[len(b)-2000:]
	}
	return string(b)
}
