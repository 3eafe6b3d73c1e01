package testserver

import (
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"sync"
	"syscall"
	"testing"
	"time"
)

// RedisOptions configure a test redis-server.
type RedisOptions struct {
	// AppendOnly keeps an fsync-always append-only file in the server's directory, so a
	// killed server restarts with every acknowledged write. Without it nothing persists.
	AppendOnly bool
}

// Redis is a redis-server on 127.0.0.1.
type Redis struct {
	// Addr is host:port.
	Addr string
	// URL is redis://Addr/0.
	URL string

	bin, dir string
	args     []string
	mu       sync.Mutex
	proc     *process
}

// RedisBinaryOrSkip returns the redis-server binary ($REDIS_SERVER_BIN or redis-server on
// PATH), or skips tb (fails it under RequireServers) saying how to install it.
func RedisBinaryOrSkip(tb testing.TB) string {
	tb.Helper()
	return ToolOrSkip(tb, "REDIS_SERVER_BIN", "redis-server", "redis-server")
}

// RedisCLIOrSkip returns the redis-cli binary ($REDIS_CLI_BIN or redis-cli on PATH), or skips
// tb (fails it under RequireServers) saying how to install it.
func RedisCLIOrSkip(tb testing.TB) string {
	tb.Helper()
	return ToolOrSkip(tb, "REDIS_CLI_BIN", "redis-cli", "redis-tools")
}

// ToolOrSkip returns $env or name on PATH, or skips tb (fails it under RequireServers) saying
// which Debian package has it.
func ToolOrSkip(tb testing.TB, env, name, pkg string) string {
	tb.Helper()
	if p := os.Getenv(env); p != "" {
		return p
	}
	p, err := exec.LookPath(name)
	if err != nil {
		Missing(tb, name, "apt-get update && apt-get install -y "+pkg+" (or set "+env+")")
	}
	return p
}

// StartRedis starts a redis-server for tb and stops it when tb ends.
func StartRedis(tb testing.TB, opts RedisOptions) *Redis {
	tb.Helper()
	r, err := LaunchRedis(RedisBinaryOrSkip(tb), tb.TempDir(), opts)
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(r.Stop)
	return r
}

// LaunchRedis starts a redis-server in dir (NewRedis, then Start), on a fresh port again when
// it loses its port to another process during start. The caller stops it.
func LaunchRedis(bin, dir string, opts RedisOptions) (*Redis, error) {
	var r *Redis
	err := startRetrying(func() error {
		var err error
		if r, err = NewRedis(bin, dir, opts); err != nil {
			return err
		}
		return r.Start()
	})
	return r, err
}

// NewRedis prepares a loopback-only redis-server on a free port in dir; Start runs it.
func NewRedis(bin, dir string, opts RedisOptions) (*Redis, error) {
	ports, err := freePorts(1)
	if err != nil {
		return nil, err
	}
	return newRedisOn(bin, dir, ports[0], opts)
}

// newRedisOn prepares a loopback-only redis-server on port in dir, with extra arguments.
func newRedisOn(bin, dir string, port int, opts RedisOptions, extra ...string) (*Redis, error) {
	p := strconv.Itoa(port)
	args := []string{"--bind", "127.0.0.1", "--port", p, "--protected-mode", "yes", "--dir", dir,
		"--save", "", "--daemonize", "no", "--logfile", ""}
	if opts.AppendOnly {
		args = append(args, "--appendonly", "yes", "--appendfsync", "always")
	} else {
		args = append(args, "--appendonly", "no")
	}
	addr := "127.0.0.1:" + p
	return &Redis{Addr: addr, URL: "redis://" + addr + "/0", bin: bin, dir: dir, args: append(args, extra...)}, nil
}

// Start runs the server and waits until it answers PING.
func (r *Redis) Start() error {
	r.mu.Lock()
	defer r.mu.Unlock()
	proc, err := start(filepath.Join(r.dir, "redis.log"), r.bin, r.args...)
	if err != nil {
		return err
	}
	r.proc = proc
	end := time.Now().Add(15 * time.Second)
	for time.Now().Before(end) {
		if proc.exited() {
			break
		}
		if ping(r.Addr) {
			return nil
		}
		time.Sleep(10 * time.Millisecond) // polling a server's start, with a deadline
	}
	exited := proc.exited()
	proc.kill()
	log, _ := os.ReadFile(filepath.Join(r.dir, "redis.log"))
	if exited {
		return fmt.Errorf("redis-server did not start: %w: %s", errExited, log)
	}
	return fmt.Errorf("redis-server did not start within 15s: %s", log)
}

// Stop stops the server. It is idempotent.
func (r *Redis) Stop() {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.proc != nil {
		r.proc.stop()
	}
}

// Kill ends the server at once, as a crash would.
func (r *Redis) Kill() {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.proc != nil {
		r.proc.kill()
	}
}

// ping sends an inline PING and reports whether +PONG came back.
func ping(addr string) bool {
	c, err := net.DialTimeout("tcp", addr, 200*time.Millisecond)
	if err != nil {
		return false
	}
	defer c.Close()
	_ = c.SetDeadline(time.Now().Add(500 * time.Millisecond))
	if _, err := c.Write([]byte("PING\r\n")); err != nil {
		return false
	}
	buf := make([]byte, 7)
	n, _ := c.Read(buf)
	return string(buf[:n]) == "+PONG\r\n"
}

// Freeze stops the server's process (SIGSTOP) without closing its connections, as a stalled
// machine would; Thaw resumes it.
func (r *Redis) Freeze() { r.signal(syscall.SIGSTOP) }

// Thaw resumes a frozen server.
func (r *Redis) Thaw() { r.signal(syscall.SIGCONT) }

func (r *Redis) signal(sig syscall.Signal) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.proc != nil && !r.proc.exited() {
		_ = syscall.Kill(-r.proc.cmd.Process.Pid, sig)
	}
}

// Log returns what the server logged, for a failing test's message.
func (r *Redis) Log() string {
	b, _ := os.ReadFile(filepath.Join(r.dir, "redis.log"))
	return string(b)
}
