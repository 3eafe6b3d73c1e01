package openvidu2fake

import (
	"net/http"
)

// Every recording endpoint answers 501 with no body while recording is disabled
// (OPENVIDU_RECORDING=false), before looking at anything else, as the real controller does.

// startRecording is POST /recordings/start. In the real controller's order: 501 recording
// disabled; 400 no "session"; 404 unknown session; 409 the session is RELAYED or already
// being recorded; 406 nobody has joined it (use Server.Activate); 422 an unacceptable
// resolution, frameRate or shmSize, or neither audio nor video; 400 another bad property;
// else 200 with the recording, already "started". Bare statuses have no body.
func (s *Server) startRecording(w http.ResponseWriter, r *http.Request) {
	p, ok := readParams(w, r, true)
	if !ok {
		return
	}
	if !s.opts.Recording {
		writeStatus(w, http.StatusNotImplemented)
		return
	}
	sessionID, set, err := p.str("session")
	if err != nil {
		writeControllerError(w, http.StatusBadRequest, `Type error in parameter "session"`, "/recordings/start")
		return
	}
	if !set {
		writeControllerError(w, http.StatusBadRequest, `"session" parameter is mandatory`, "/recordings/start")
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	ss := s.sessions[sessionID]
	switch {
	case ss == nil:
		writeStatus(w, http.StatusNotFound)
		return
	case ss.mediaMode != "ROUTED" || s.startedRecording(ss.id) != nil:
		writeStatus(w, http.StatusConflict)
		return
	case !ss.active():
		writeStatus(w, http.StatusNotAcceptable)
		return
	}
	props, perr := parseRecordingProps(p, ss.defaults, true)
	if perr != nil {
		writeControllerError(w, perr.status, perr.message, "/sessions")
		return
	}
	rec := &recording{
		id:        s.freeRecordingID(ss.id),
		sessionID: ss.id,
		props:     props,
		createdAt: nowMillis(),
		status:    recStarted,
		publicURL: s.URL,
	}
	if rec.props.name == "" {
		rec.props.name = rec.id // the file is named after the id
	}
	s.recordings[rec.id] = rec
	writeJSON(w, http.StatusOK, rec.json())
}

// stopRecording is POST /recordings/stop/{id}: 200 with the recording "stopped"; 404 with no
// body when no recording with that id is in progress — unknown or already stopped alike, as
// the real controller only looks among started recordings (its 406 is for a recording still
// "starting", a state the fake never has). Stopping the recording of a session everybody has
// left closes the session, as the real server's automatic stop does.
func (s *Server) stopRecording(w http.ResponseWriter, id string) {
	if !s.opts.Recording {
		writeStatus(w, http.StatusNotImplemented)
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	rec := s.recordings[id]
	if rec == nil || rec.status != recStarted {
		writeStatus(w, http.StatusNotFound)
		return
	}
	answer := rec.stop()
	if ss := s.sessions[rec.sessionID]; ss != nil && !ss.active() {
		s.closeSession(ss)
	}
	writeJSON(w, http.StatusOK, answer)
}

// getRecording is GET /recordings/{id}: 200, or 404 with no body.
func (s *Server) getRecording(w http.ResponseWriter, id string) {
	if !s.opts.Recording {
		writeStatus(w, http.StatusNotImplemented)
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	rec := s.recordings[id]
	if rec == nil {
		writeStatus(w, http.StatusNotFound)
		return
	}
	writeJSON(w, http.StatusOK, rec.json())
}

// listRecordings is GET /recordings: {count, items} — not {numberOfElements, content} like
// the session lists; the Node client reads "items".
func (s *Server) listRecordings(w http.ResponseWriter) {
	if !s.opts.Recording {
		writeStatus(w, http.StatusNotImplemented)
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	items := []any{}
	for _, rec := range s.sortedRecordings() {
		items = append(items, rec.json())
	}
	writeJSON(w, http.StatusOK, map[string]any{"count": len(items), "items": items})
}

// deleteRecording is DELETE /recordings/{id}: 204; 409 with no body while it is in progress;
// 404 with no body for an unknown one.
func (s *Server) deleteRecording(w http.ResponseWriter, id string) {
	if !s.opts.Recording {
		writeStatus(w, http.StatusNotImplemented)
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	rec := s.recordings[id]
	switch {
	case rec == nil:
		writeStatus(w, http.StatusNotFound)
	case rec.status == recStarted:
		writeStatus(w, http.StatusConflict)
	default:
		delete(s.recordings, id)
		writeStatus(w, http.StatusNoContent)
	}
}
