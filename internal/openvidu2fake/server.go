package openvidu2fake

import (
	"net"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// Options configure a fake deployment, as its environment configures a real one.
type Options struct {
	// Recording is OPENVIDU_RECORDING=true: recordings can start. Without it every
	// recording endpoint answers 501, as the real server does with the module disabled.
	Recording bool
	// Edition is "ce" (the default when empty) or "pro". It is reported by GET
	// /openvidu/api/config as OPENVIDU_EDITION, and only "pro" serves PATCH
	// /sessions/{id}/connection/{cid}.
	Edition string
	// Legacy also serves every endpoint under the pre-2.16 prefix /api (as
	// SUPPORT_DEPRECATED_API=true does), with the same handlers. Without it those paths
	// answer 404.
	Legacy bool
}

// Server is a running fake OpenVidu 2.32 deployment. Its methods are safe for concurrent use.
type Server struct {
	// URL is the base URL of the deployment, http://127.0.0.1:port, to hand to a client as
	// OPENVIDU_URL.
	URL string

	httpServer *httptest.Server
	handler    http.Handler
	secret     string // the password of user OPENVIDUAPP
	opts       Options
	host       string // 127.0.0.1:port, as tokens and the config report it
	requests   atomic.Int64

	mu         sync.Mutex
	sessions   map[string]*session
	recordings map[string]*recording
}

// New starts the fake on 127.0.0.1 (httptest.NewServer) with the given secret: every request
// must carry Basic auth with user "OPENVIDUAPP" and password secret. Close it with Close.
func New(secret string, opts Options) *Server {
	if opts.Edition == "" {
		opts.Edition = "ce"
	}
	s := &Server{
		secret:     secret,
		opts:       opts,
		sessions:   make(map[string]*session),
		recordings: make(map[string]*recording),
	}
	s.handler = http.HandlerFunc(s.serve)
	s.httpServer = httptest.NewUnstartedServer(s.handler)
	// Every field is set before Start, so the handlers only ever read them.
	s.host = s.httpServer.Listener.Addr().String()
	s.URL = "http://" + s.host
	s.httpServer.Start()
	return s
}

// Close shuts the server down and waits for the requests in flight to finish.
func (s *Server) Close() { s.httpServer.Close() }

// Handler returns the fake's handler, so a test can put it behind a proxy or a fault
// injector. It serves the same state as URL does.
func (s *Server) Handler() http.Handler { return s.handler }

// serve counts the request, checks its credentials where OpenVidu 2.32's security
// configuration asks for them, and routes it. Paths it does not protect (/, /twirp/health, …)
// are not the API's: 404, credentials or not.
func (s *Server) serve(w http.ResponseWriter, r *http.Request) {
	s.requests.Add(1)
	if s.protected(r.URL.Path) && !s.authorized(r) {
		w.Header().Set("WWW-Authenticate", `Basic realm="Realm"`)
		w.WriteHeader(http.StatusUnauthorized)
		return
	}
	s.route(w, r)
}

// hostPort splits the listener's address for the config endpoint.
func (s *Server) hostPort() (string, int) {
	host, port, err := net.SplitHostPort(s.host)
	if err != nil {
		return s.host, 0
	}
	p, _ := strconv.Atoi(port)
	return host, p
}

// nowMillis is the Unix time in milliseconds, the unit of every timestamp in the API.
func nowMillis() int64 { return time.Now().UnixMilli() }

// protected reports whether OpenVidu 2.32 asks for credentials at path: the REST API (and its
// legacy paths when they are served), the CDR, the recordings and the layouts.
func (s *Server) protected(path string) bool {
	prefixes := []string{"/openvidu/api", "/openvidu/cdr", "/openvidu/recordings", "/openvidu/layouts"}
	if s.opts.Legacy {
		prefixes = append(prefixes, legacyPrefix)
	}
	for _, p := range prefixes {
		if path == p || strings.HasPrefix(path, p+"/") {
			return true
		}
	}
	return false
}
