package testserver

import (
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"strconv"
	"sync"
	"syscall"
	"testing"
	"time"
)

// lifetime is the longest a server may run, whatever happens to the test.
const lifetime = 30 * time.Minute

// RequireServers reports whether a missing server must fail the test instead of skipping it.
func RequireServers() bool { return os.Getenv("VIDEO_TEST_REQUIRE_SERVERS") == "1" }

// Missing skips tb (or fails it under RequireServers) because what it needs is not installed,
// saying how to get it.
func Missing(tb testing.TB, what, howTo string) {
	tb.Helper()
	msg := what + " not found: " + howTo + " (or run `bash scripts/test.sh`, which installs it)"
	if RequireServers() {
		tb.Fatal(msg)
	}
	tb.Skip(msg)
}

// process is a server process that stops by itself.
type process struct {
	cmd  *exec.Cmd
	log  *os.File
	done chan struct{}
	once sync.Once
}

// start runs bin with args under `timeout`, so it dies after lifetime even if orphaned, and
// with a parent-death signal, so it dies with the test process.
func start(logPath, bin string, args ...string) (*process, error) {
	logFile, err := os.Create(logPath)
	if err != nil {
		return nil, err
	}
	full := append([]string{"--kill-after=5s", strconv.Itoa(int(lifetime.Seconds())) + "s", bin}, args...)
	cmd := exec.Command("timeout", full...)
	cmd.Stdout, cmd.Stderr = logFile, logFile
	cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGTERM}
	if err := cmd.Start(); err != nil {
		logFile.Close()
		return nil, err
	}
	p := &process{cmd: cmd, log: logFile, done: make(chan struct{})}
	go func() {
		_ = cmd.Wait()
		close(p.done)
	}()
	return p, nil
}

// stop sends SIGTERM and, after 5 s, SIGKILL; it returns once the process is gone.
func (p *process) stop() {
	p.once.Do(func() {
		_ = p.cmd.Process.Signal(syscall.SIGTERM)
		select {
		case <-p.done:
		case <-time.After(5 * time.Second):
			_ = syscall.Kill(-p.cmd.Process.Pid, syscall.SIGKILL)
			<-p.done
		}
		p.log.Close()
	})
}

// kill ends the process at once, as a crash would.
func (p *process) kill() {
	p.once.Do(func() {
		// timeout leads its own process group: killing the group takes the server too.
		_ = syscall.Kill(-p.cmd.Process.Pid, syscall.SIGKILL)
		<-p.done
		p.log.Close()
	})
}

func (p *process) exited() bool {
	select {
	case <-p.done:
		return true
	default:
		return false
	}
}

// freePorts returns n distinct ports on 127.0.0.1 that are free for both TCP and UDP now (a
// server's RTC port is UDP). Another process may still take one before the server binds it,
// so servers are started with startRetrying.
func freePorts(n int) ([]int, error) {
	var closers []io.Closer
	defer func() {
		for _, c := range closers {
			c.Close()
		}
	}()
	var ports []int
	for len(ports) < n {
		l, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			return nil, err
		}
		closers = append(closers, l)
		port := l.Addr().(*net.TCPAddr).Port
		u, err := net.ListenPacket("udp", "127.0.0.1:"+strconv.Itoa(port))
		if err != nil {
			continue // taken for UDP: keep the TCP one held so it is not offered again
		}
		closers = append(closers, u)
		ports = append(ports, port)
	}
	return ports, nil
}

// startAttempts bounds how often a server is started on fresh ports after losing a port race.
const startAttempts = 3

// startRetrying calls start up to startAttempts times, each with fresh ports (start chooses
// them), while the failure is errExited: a server that exits during start lost a port to
// another process. Any other failure is returned at once.
func startRetrying(start func() error) error {
	var err error
	for range startAttempts {
		if err = start(); err == nil || !errors.Is(err, errExited) {
			return err
		}
	}
	return err
}

// errExited is a server that exited before it answered.
var errExited = errors.New("server exited during start")

// waitHTTP polls url until it answers 200, the process exits, or the deadline passes.
func waitHTTP(p *process, url string, deadline time.Duration) error {
	client := &http.Client{Timeout: time.Second}
	end := time.Now().Add(deadline)
	for time.Now().Before(end) {
		if p.exited() {
			return errExited
		}
		resp, err := client.Get(url)
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return nil
			}
		}
		time.Sleep(20 * time.Millisecond) // polling a server's start, with a deadline
	}
	return fmt.Errorf("no 200 from %s within %s", url, deadline)
}
