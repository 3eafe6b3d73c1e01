package openvidu2fake

import (
	"net/http"
	"sort"
	"strings"
)

// legacyPrefix is the pre-2.16 API prefix, served only with Options.Legacy.
const legacyPrefix = "/api"

// methods maps an HTTP method to its handler for one route.
type methods map[string]func()

// route dispatches r by path and method. An unknown path is 404 and a known path with another
// method 405 with an Allow header, both with Spring Boot's error body, as Spring MVC answers.
//
// PATCH /sessions/{id}/connection/{cid} exists only in OpenVidu PRO's controller, which
// replaces CE's; CE maps that path for GET and DELETE only, so Spring answers PATCH there with
// 405 Method Not Allowed (not 404). The fake does the same on Edition "ce".
func (s *Server) route(w http.ResponseWriter, r *http.Request) {
	rel, ok := s.apiRelativePath(r.URL.Path)
	if !ok {
		writeFrameworkError(w, r, http.StatusNotFound)
		return
	}
	seg := strings.Split(rel, "/")
	for _, part := range seg {
		if part == "" {
			writeFrameworkError(w, r, http.StatusNotFound)
			return
		}
	}
	var m methods
	switch {
	case len(seg) == 1 && seg[0] == "config":
		m = methods{http.MethodGet: func() { s.getConfig(w) }}
	case seg[0] == "sessions":
		m = s.sessionRoutes(w, r, seg[1:])
	case seg[0] == "recordings":
		m = s.recordingRoutes(w, r, seg[1:])
	case len(seg) == 1 && seg[0] == "tokens":
		m = methods{http.MethodPost: func() { s.postToken(w, r) }}
	case len(seg) == 1 && seg[0] == "signal":
		m = methods{http.MethodPost: func() { s.postSignal(w, r) }}
	}
	dispatch(w, r, m)
}

// sessionRoutes are the routes under /sessions.
func (s *Server) sessionRoutes(w http.ResponseWriter, r *http.Request, seg []string) methods {
	switch {
	case len(seg) == 0:
		return methods{
			http.MethodGet:  func() { s.listSessions(w, r) },
			http.MethodPost: func() { s.createSession(w, r) },
		}
	case len(seg) == 1:
		return methods{
			http.MethodGet:    func() { s.getSession(w, r, seg[0]) },
			http.MethodDelete: func() { s.deleteSession(w, seg[0]) },
		}
	case len(seg) == 2 && seg[1] == "connection":
		return methods{
			http.MethodGet:  func() { s.listConnections(w, r, seg[0]) },
			http.MethodPost: func() { s.createConnection(w, r, seg[0]) },
		}
	case len(seg) == 3 && seg[1] == "connection":
		m := methods{
			http.MethodGet:    func() { s.getConnection(w, seg[0], seg[2]) },
			http.MethodDelete: func() { s.deleteConnection(w, seg[0], seg[2]) },
		}
		if s.opts.Edition == "pro" {
			m[http.MethodPatch] = func() { s.patchConnection(w, r, seg[0], seg[2]) }
		}
		return m
	case len(seg) == 3 && seg[1] == "stream":
		return methods{http.MethodDelete: func() { s.deleteStream(w, seg[0], seg[2]) }}
	}
	return nil
}

// recordingRoutes are the routes under /recordings. As in Spring, GET /recordings/start is
// GET /recordings/{id} for a recording called "start".
func (s *Server) recordingRoutes(w http.ResponseWriter, r *http.Request, seg []string) methods {
	switch {
	case len(seg) == 0:
		return methods{http.MethodGet: func() { s.listRecordings(w) }}
	case len(seg) == 1:
		m := methods{
			http.MethodGet:    func() { s.getRecording(w, seg[0]) },
			http.MethodDelete: func() { s.deleteRecording(w, seg[0]) },
		}
		if seg[0] == "start" {
			m[http.MethodPost] = func() { s.startRecording(w, r) }
		}
		return m
	case len(seg) == 2 && seg[0] == "stop":
		return methods{http.MethodPost: func() { s.stopRecording(w, seg[1]) }}
	}
	return nil
}

// apiRelativePath strips the API prefix (and the legacy one with Options.Legacy) and the
// slash after it. It reports false for a path outside the API.
func (s *Server) apiRelativePath(path string) (string, bool) {
	prefixes := []string{apiPrefix + "/"}
	if s.opts.Legacy {
		prefixes = append(prefixes, legacyPrefix+"/")
	}
	for _, p := range prefixes {
		if rel, ok := strings.CutPrefix(path, p); ok && rel != "" {
			return rel, true
		}
	}
	return "", false
}

// dispatch runs the handler for r's method: 404 when the path matched no route (m nil), 405
// when it matched but not for this method. HEAD runs GET, and OPTIONS lists the methods, as
// Spring MVC does.
func dispatch(w http.ResponseWriter, r *http.Request, m methods) {
	if m == nil {
		writeFrameworkError(w, r, http.StatusNotFound)
		return
	}
	method := r.Method
	if method == http.MethodHead {
		method = http.MethodGet
	}
	if h, ok := m[method]; ok {
		h()
		return
	}
	allowed := make([]string, 0, len(m))
	for k := range m {
		allowed = append(allowed, k)
	}
	sort.Strings(allowed)
	w.Header().Set("Allow", strings.Join(allowed, ", "))
	if r.Method == http.MethodOptions {
		w.WriteHeader(http.StatusOK)
		return
	}
	writeFrameworkError(w, r, http.StatusMethodNotAllowed)
}
