package openvidu2fake

import (
	"net/http"
	"strings"
)

// createSession is POST /sessions: 200 with the session, 400 for a bad property, 409 with no
// body when customSessionId is taken (the Node client then fetches the existing session).
func (s *Server) createSession(w http.ResponseWriter, r *http.Request) {
	p, ok := readParams(w, r, false)
	if !ok {
		return
	}
	ss, err := parseSession(p)
	if err != nil {
		writeControllerError(w, http.StatusBadRequest, err.Error(), "/sessions")
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if ss.customSessionID != "" {
		if s.sessions[ss.customSessionID] != nil {
			writeStatus(w, http.StatusConflict)
			return
		}
		ss.id = ss.customSessionID
	} else {
		for ss.id == "" || s.sessions[ss.id] != nil {
			ss.id = newID(sessionIDPrefix, 10)
		}
	}
	ss.createdAt = nowMillis()
	s.sessions[ss.id] = ss
	writeJSON(w, http.StatusOK, s.sessionJSON(ss, false))
}

// getSession is GET /sessions/{id}: 200 with the session, whose connections are the active
// ones plus, with ?pendingConnections=true, the pending ones; 404 with no body.
func (s *Server) getSession(w http.ResponseWriter, r *http.Request, id string) {
	pending, ok := boolQuery(w, r, "pendingConnections", false)
	if !ok {
		return
	}
	if _, ok := boolQuery(w, r, "webRtcStats", false); !ok {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	ss := s.sessionLocked(w, id, http.StatusNotFound)
	if ss == nil {
		return
	}
	writeJSON(w, http.StatusOK, s.sessionJSON(ss, pending))
}

// listSessions is GET /sessions: {numberOfElements, content}.
func (s *Server) listSessions(w http.ResponseWriter, r *http.Request) {
	pending, ok := boolQuery(w, r, "pendingConnections", false)
	if !ok {
		return
	}
	if _, ok := boolQuery(w, r, "webRtcStats", false); !ok {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	content := []any{}
	for _, ss := range s.sortedSessions() {
		content = append(content, s.sessionJSON(ss, pending))
	}
	writeJSON(w, http.StatusOK, map[string]any{"numberOfElements": len(content), "content": content})
}

// deleteSession is DELETE /sessions/{id}: 204, or 404 with no body.
func (s *Server) deleteSession(w http.ResponseWriter, id string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	ss := s.sessionLocked(w, id, http.StatusNotFound)
	if ss == nil {
		return
	}
	s.closeSession(ss)
	writeStatus(w, http.StatusNoContent)
}

// boolQuery reads a boolean query parameter as Spring converts one (true/false, on/off,
// yes/no, 1/0, in any case); anything else is 400.
func boolQuery(w http.ResponseWriter, r *http.Request, name string, def bool) (value, ok bool) {
	raw := r.URL.Query().Get(name)
	switch strings.ToLower(raw) {
	case "":
		return def, true
	case "true", "on", "yes", "1":
		return true, true
	case "false", "off", "no", "0":
		return false, true
	}
	writeFrameworkError(w, r, http.StatusBadRequest)
	return false, false
}
