// Package faultserver plays a broken provider endpoint on 127.0.0.1 for the failover tests
// and benchmarks: connection refused, a black hole that accepts and never answers, a delayed
// answer, a 500, a 401, a connection dropped mid-response, and a flapping schedule between
// healthy and broken. When healthy it hands requests to an upstream handler (a reverse proxy
// to a real server, or a stand-in). A Server stops when closed, and by itself after ten
// minutes.
package faultserver

import (
	"context"
	"net"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// Fault is how the server misbehaves.
type Fault int

// The faults.
const (
	// Healthy passes every request to the upstream.
	Healthy Fault = iota
	// Refused closes the listening socket: connections are refused.
	Refused
	// BlackHole accepts connections and reads requests but never answers.
	BlackHole
	// Delay answers as Healthy, after the configured delay.
	Delay
	// Status500 answers 500 Internal Server Error.
	Status500
	// Status401 answers 401 Unauthorized, as a server that refuses the credentials.
	Status401
	// Drop starts a response and closes the connection mid-body.
	Drop
	// Flap alternates between the flap's broken fault and Healthy on a schedule, broken first.
	Flap
	// Stall holds every request until the stall ends (StallFor), then passes it to the
	// upstream; after that the server is Healthy again.
	Stall
)

// String names the fault.
func (f Fault) String() string {
	return [...]string{"healthy", "refused", "blackhole", "delay", "status500", "status401", "drop", "flap", "stall"}[f]
}

// Faults lists every fault but Healthy.
var Faults = []Fault{Refused, BlackHole, Delay, Status500, Status401, Drop, Flap}

// lifetime bounds a server's life whatever its test does.
const lifetime = 10 * time.Minute

// Server is a faulty endpoint on 127.0.0.1.
type Server struct {
	addr     string
	upstream http.Handler
	srv      *http.Server
	fault    atomic.Int32
	delay    atomic.Int64
	stallEnd atomic.Int64 // unix ns
	flapUp   time.Duration
	flapDown time.Duration
	flapBad  Fault
	start    time.Time

	mu       sync.Mutex
	ln       net.Listener
	conns    map[net.Conn]struct{}
	closed   bool
	stopping chan struct{}
	timer    *time.Timer

	probesInFlight atomic.Int64
	maxProbes      atomic.Int64
}

// Options configure a Server.
type Options struct {
	// Delay is how long the Delay fault waits before answering.
	Delay time.Duration
	// FlapHealthy and FlapBroken are the lengths of the Flap fault's two phases.
	FlapHealthy, FlapBroken time.Duration
	// FlapFault is the broken phase's fault (Status500 unless set).
	FlapFault Fault
	// ProbePaths are the paths whose concurrent requests MaxProbesInFlight counts.
	ProbePaths []string
}

// Start serves upstream on a free port of 127.0.0.1, with fault f.
func Start(upstream http.Handler, f Fault, opts Options) (*Server, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	if opts.FlapFault == Healthy || opts.FlapFault == Flap {
		opts.FlapFault = Status500
	}
	s := &Server{addr: ln.Addr().String(), upstream: upstream, ln: ln, conns: map[net.Conn]struct{}{},
		flapUp: opts.FlapHealthy, flapDown: opts.FlapBroken, flapBad: opts.FlapFault, start: time.Now(),
		stopping: make(chan struct{})}
	s.delay.Store(int64(opts.Delay))
	probePaths := opts.ProbePaths
	s.srv = &http.Server{
		Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			for _, p := range probePaths {
				if r.URL.Path == p {
					n := s.probesInFlight.Add(1)
					defer s.probesInFlight.Add(-1)
					for m := s.maxProbes.Load(); n > m && !s.maxProbes.CompareAndSwap(m, n); m = s.maxProbes.Load() {
					}
				}
			}
			s.serve(w, r)
		}),
		ConnState: s.track,
	}
	s.fault.Store(int32(Healthy))
	go s.srv.Serve(ln)
	s.timer = time.AfterFunc(lifetime, s.Close)
	s.Set(f)
	return s, nil
}

// URL is the server's base URL, http://127.0.0.1:port.
func (s *Server) URL() string { return "http://" + s.addr }

// Set switches the fault.
func (s *Server) Set(f Fault) {
	prev := Fault(s.fault.Swap(int32(f)))
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return
	}
	switch {
	case f == Refused && prev != Refused:
		s.ln.Close()
		for c := range s.conns {
			c.Close()
		}
	case f != Refused && prev == Refused:
		ln, err := net.Listen("tcp", s.addr)
		if err == nil {
			s.ln = ln
			go s.srv.Serve(ln)
		}
	}
}

// SetDelay changes how long the Delay fault waits before answering.
func (s *Server) SetDelay(d time.Duration) { s.delay.Store(int64(d)) }

// StallFor holds every request from now for d, and answers each after that.
func (s *Server) StallFor(d time.Duration) {
	s.stallEnd.Store(time.Now().Add(d).UnixNano())
	s.Set(Stall)
}

// MaxProbesInFlight is the most concurrent requests to the probe paths seen.
func (s *Server) MaxProbesInFlight() int64 { return s.maxProbes.Load() }

// Close stops the server and drops every connection, the black-holed ones too.
func (s *Server) Close() {
	s.mu.Lock()
	if s.closed {
		s.mu.Unlock()
		return
	}
	s.closed = true
	close(s.stopping)
	s.timer.Stop()
	s.mu.Unlock()
	ctx, cancel := context.WithTimeout(context.Background(), time.Second)
	defer cancel()
	_ = s.srv.Shutdown(ctx)
	_ = s.srv.Close()
}

func (s *Server) track(c net.Conn, st http.ConnState) {
	s.mu.Lock()
	defer s.mu.Unlock()
	switch st {
	case http.StateNew:
		s.conns[c] = struct{}{}
	case http.StateClosed, http.StateHijacked:
		delete(s.conns, c)
	}
}

// current is the fault in force now, the flap's phase resolved.
func (s *Server) current() Fault {
	f := Fault(s.fault.Load())
	if f == Stall && time.Now().UnixNano() >= s.stallEnd.Load() {
		return Healthy
	}
	if f != Flap {
		return f
	}
	period := s.flapUp + s.flapDown
	if period <= 0 {
		return Healthy
	}
	if time.Since(s.start)%period < s.flapDown {
		return s.flapBad // the broken phase comes first, so a first probe sees the fault
	}
	return Healthy
}

func (s *Server) serve(w http.ResponseWriter, r *http.Request) {
	switch s.current() {
	case BlackHole:
		select { // never answer: hold the request until the client gives up or the server stops
		case <-r.Context().Done():
		case <-s.stopping:
		}
		return
	case Delay:
		if !s.hold(r, time.Duration(s.delay.Load())) {
			return
		}
	case Stall:
		if !s.hold(r, time.Until(time.Unix(0, s.stallEnd.Load()))) {
			return
		}
	case Status500:
		http.Error(w, `{"code":"internal","msg":"fault: internal error"}`, http.StatusInternalServerError)
		return
	case Status401:
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusUnauthorized)
		_, _ = w.Write([]byte(`{"code":"unauthenticated","msg":"fault: invalid token"}`))
		return
	case Drop:
		hj, ok := w.(http.Hijacker)
		if !ok {
			return
		}
		conn, buf, err := hj.Hijack()
		if err != nil {
			return
		}
		_, _ = buf.WriteString("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 4096\r\n\r\n{\"partial\":")
		_ = buf.Flush()
		conn.Close()
		return
	case Refused:
		return // a request that got in before the socket closed
	}
	s.upstream.ServeHTTP(w, r)
}

// hold keeps a request for d, and reports whether to answer it: false when the client gave
// up or the server stopped first.
func (s *Server) hold(r *http.Request, d time.Duration) bool {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return true
	case <-r.Context().Done():
	case <-s.stopping:
	}
	return false
}

// JitsiFront is a stand-in for a Jitsi deployment's web front and BOSH endpoint: 200 on
// GET /config.js and GET /http-bind, 404 elsewhere.
func JitsiFront() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch {
		case r.Method == http.MethodGet && r.URL.Path == "/config.js":
			_, _ = w.Write([]byte("var config = {};"))
		case r.Method == http.MethodGet && strings.HasPrefix(r.URL.Path, "/http-bind"):
			_, _ = w.Write([]byte("<body>BOSH</body>"))
		default:
			http.NotFound(w, r)
		}
	})
}
