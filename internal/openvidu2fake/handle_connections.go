package openvidu2fake

import (
	"errors"
	"net/http"
)

// createConnection is POST /sessions/{id}/connection: 200 with the new connection, 404 with no
// body for an unknown session, 400 for a bad property. Every call creates a new connection
// with a new single-use token. An IPCAM connection is active at once, with its stream.
func (s *Server) createConnection(w http.ResponseWriter, r *http.Request, sessionID string) {
	p, ok := readParams(w, r, false)
	if !ok {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	ss := s.sessionLocked(w, sessionID, http.StatusNotFound)
	if ss == nil {
		return
	}
	props, err := parseConnectionProps(p)
	if err != nil {
		writeControllerError(w, http.StatusBadRequest, err.Error(), "/sessions/"+sessionID+"/connection")
		return
	}
	c := s.addConnection(ss, props)
	writeJSON(w, http.StatusOK, c.json())
}

// addConnection creates a connection of ss with props. It needs the lock held.
func (s *Server) addConnection(ss *session, props connectionProps) *connection {
	c := &connection{
		id:        s.freeConnectionID(),
		sessionID: ss.id,
		typ:       props.typ,
		status:    statusPending,
		createdAt: nowMillis(),
		props:     props,
	}
	if c.typ == "IPCAM" {
		c.status = statusActive
		c.activeAt = c.createdAt
		c.platform = "IPCAM"
		c.streamID = "str_IPC_" + newID("", 4) + "_" + c.id
	} else {
		c.token = "wss://" + s.host + "?sessionId=" + ss.id + "&token=" + newID(tokenIDPrefix, 16)
	}
	ss.conns = append(ss.conns, c)
	return c
}

// freeConnectionID returns a connection id no session uses. It needs the lock held.
func (s *Server) freeConnectionID() string {
	for {
		id := newID(connectionIDPrefix, 10)
		if s.findConnection(id) == nil {
			return id
		}
	}
}

// findConnection returns the connection with id in any session, or nil. It needs the lock.
func (s *Server) findConnection(id string) *connection {
	for _, ss := range s.sessions {
		if c := ss.connection(id); c != nil {
			return c
		}
	}
	return nil
}

// listConnections is GET /sessions/{id}/connection: {numberOfElements, content}, pending
// connections included unless ?pendingConnections=false; 404 with no body.
func (s *Server) listConnections(w http.ResponseWriter, r *http.Request, sessionID string) {
	pending, ok := boolQuery(w, r, "pendingConnections", true)
	if !ok {
		return
	}
	if _, ok := boolQuery(w, r, "webRtcStats", false); !ok {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	ss := s.sessionLocked(w, sessionID, http.StatusNotFound)
	if ss == nil {
		return
	}
	content := ss.connectionsJSON(pending)
	writeJSON(w, http.StatusOK, map[string]any{"numberOfElements": len(content), "content": content})
}

// getConnection is GET /sessions/{id}/connection/{cid}: 200, 404 with no body for an unknown
// connection, and — as the real controller does, unlike the other routes — 400 with no body
// for an unknown session.
func (s *Server) getConnection(w http.ResponseWriter, sessionID, connectionID string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	ss := s.sessionLocked(w, sessionID, http.StatusBadRequest)
	if ss == nil {
		return
	}
	c := ss.connectionLocked(w, connectionID)
	if c == nil {
		return
	}
	writeJSON(w, http.StatusOK, c.json())
}

// deleteConnection is DELETE /sessions/{id}/connection/{cid}: 204 (a pending connection's
// token is invalidated, an active participant is evicted), 404 with no body for an unknown
// connection, 400 with no body for an unknown session (as the real controller answers).
// Evicting the last participant closes the session, as in OpenVidu (lastParticipantLeft).
func (s *Server) deleteConnection(w http.ResponseWriter, sessionID, connectionID string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	ss := s.sessionLocked(w, sessionID, http.StatusBadRequest)
	if ss == nil {
		return
	}
	hadParticipants := ss.active()
	if !ss.removeConnection(connectionID) {
		writeStatus(w, http.StatusNotFound)
		return
	}
	s.closeIfAbandoned(ss, hadParticipants)
	writeStatus(w, http.StatusNoContent)
}

// patchConnection is PRO's PATCH /sessions/{id}/connection/{cid} {role, record}: 200 with the
// updated connection, 400 for a bad value, 404 with no body for an unknown session or
// connection. Only routed on Edition "pro" (see route).
func (s *Server) patchConnection(w http.ResponseWriter, r *http.Request, sessionID, connectionID string) {
	p, ok := readParams(w, r, true)
	if !ok {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	ss := s.sessionLocked(w, sessionID, http.StatusNotFound)
	if ss == nil {
		return
	}
	c := ss.connectionLocked(w, connectionID)
	if c == nil {
		return
	}
	path := "/sessions/" + sessionID + "/connection/" + connectionID
	role, roleSet, err1 := p.str("role")
	record, recordSet, err2 := p.boolean("record")
	if err := errors.Join(err1, err2); err != nil {
		writeControllerError(w, http.StatusBadRequest, err.Error(), path)
		return
	}
	if roleSet && !roles[role] {
		writeControllerError(w, http.StatusBadRequest, "Parameter role "+role+" is not defined", path)
		return
	}
	if roleSet && c.typ == "WEBRTC" {
		c.props.role = role
	}
	if recordSet {
		c.props.record = record
	}
	writeJSON(w, http.StatusOK, c.json())
}

// deleteStream is DELETE /sessions/{id}/stream/{streamId}: 400 with no body for an unknown
// session, 404 for a session nobody joined or an unknown stream, 405 for an IP camera's
// stream (which cannot be unpublished). WebRTC participants of the fake never publish, so no
// other stream exists.
func (s *Server) deleteStream(w http.ResponseWriter, sessionID, streamID string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	ss := s.sessionLocked(w, sessionID, http.StatusBadRequest)
	if ss == nil {
		return
	}
	for _, c := range ss.conns {
		if c.status == statusActive && c.streamID != "" && c.streamID == streamID {
			writeStatus(w, http.StatusMethodNotAllowed)
			return
		}
	}
	writeStatus(w, http.StatusNotFound)
}
