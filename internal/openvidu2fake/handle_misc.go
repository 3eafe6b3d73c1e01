package openvidu2fake

import (
	"net/http"
)

// serverVersion is the OpenVidu Server version the fake reports.
const serverVersion = "2.32.0"

// getConfig is GET /config: the deployment's configuration, as ConfigRestController writes it
// (with PRO's OPENVIDU_EDITION added on either edition), for a default deployment whose
// public URL is the fake's own.
func (s *Server) getConfig(w http.ResponseWriter) {
	host, port := s.hostPort()
	j := map[string]any{
		"VERSION":             serverVersion,
		"OPENVIDU_EDITION":    s.opts.Edition,
		"DOMAIN_OR_PUBLIC_IP": host,
		"HTTPS_PORT":          port,
		"OPENVIDU_PUBLICURL":  s.URL,
		"OPENVIDU_CDR":        false,
		"OPENVIDU_STREAMS_VIDEO_MAX_RECV_BANDWIDTH": 1000,
		"OPENVIDU_STREAMS_VIDEO_MIN_RECV_BANDWIDTH": 300,
		"OPENVIDU_STREAMS_VIDEO_MAX_SEND_BANDWIDTH": 1000,
		"OPENVIDU_STREAMS_VIDEO_MIN_SEND_BANDWIDTH": 300,
		"OPENVIDU_STREAMS_FORCED_VIDEO_CODEC":       "MEDIA_SERVER_PREFERRED",
		"OPENVIDU_STREAMS_ALLOW_TRANSCODING":        false,
		"OPENVIDU_WEBRTC_SIMULCAST":                 false,
		"OPENVIDU_SESSIONS_GARBAGE_INTERVAL":        900,
		"OPENVIDU_SESSIONS_GARBAGE_THRESHOLD":       3600,
		"OPENVIDU_RECORDING":                        s.opts.Recording,
		"OPENVIDU_WEBHOOK":                          false,
	}
	if s.opts.Recording {
		j["OPENVIDU_RECORDING_VERSION"] = serverVersion
		j["OPENVIDU_RECORDING_PATH"] = "/opt/openvidu/recordings"
		j["OPENVIDU_RECORDING_PUBLIC_ACCESS"] = false
		j["OPENVIDU_RECORDING_NOTIFICATION"] = "publisher_moderator"
		j["OPENVIDU_RECORDING_CUSTOM_LAYOUT"] = "/opt/openvidu/custom-layout"
		j["OPENVIDU_RECORDING_AUTOSTOP_TIMEOUT"] = 120
	}
	writeJSON(w, http.StatusOK, j)
}

// postToken is the deprecated POST /tokens {session, role, data, kurentoOptions}: it creates a
// WEBRTC connection like POST /sessions/{id}/connection and answers 200 with Token.toJson.
// 400 without "session" or with a bad property; 404 for an unknown session — with an error
// body here, unlike elsewhere, as the real controller writes one.
func (s *Server) postToken(w http.ResponseWriter, r *http.Request) {
	p, ok := readParams(w, r, true)
	if !ok {
		return
	}
	sessionID, set, err := p.str("session")
	if err != nil {
		writeControllerError(w, http.StatusBadRequest, "Type error in some parameter", "/tokens")
		return
	}
	if !set {
		writeControllerError(w, http.StatusBadRequest, `"session" parameter is mandatory`, "/tokens")
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	ss := s.sessions[sessionID]
	if ss == nil {
		writeControllerError(w, http.StatusNotFound, "Session "+sessionID+" not found", "/tokens")
		return
	}
	delete(p, "record") // the token API has no "record"
	delete(p, "type")   // and only makes WEBRTC connections
	props, perr := parseConnectionProps(p)
	if perr != nil {
		writeControllerError(w, http.StatusBadRequest, perr.Error(), "/sessions/"+sessionID+"/connection")
		return
	}
	c := s.addConnection(ss, props)
	writeJSON(w, http.StatusOK, c.tokenJSON())
}

// postSignal is POST /signal {session, to, type, data}: 200 with no body when sent; 400 for a
// missing "session" or a wrong type; 404 for an unknown session; 406 when nobody has joined it
// or "to" names a connection that is not an active participant.
func (s *Server) postSignal(w http.ResponseWriter, r *http.Request) {
	p, ok := readParams(w, r, true)
	if !ok {
		return
	}
	sessionID, set, err1 := p.str("session")
	_, _, err2 := p.str("type")
	_, _, err3 := p.str("data")
	to, _, err4 := p.list("to")
	if err1 != nil || err2 != nil || err3 != nil || err4 != nil {
		writeControllerError(w, http.StatusBadRequest, "Type error in some parameter", "/signal")
		return
	}
	if !set {
		writeControllerError(w, http.StatusBadRequest, `"session" parameter is mandatory`, "/signal")
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	ss := s.sessionLocked(w, sessionID, http.StatusNotFound)
	if ss == nil {
		return
	}
	if !ss.active() {
		writeStatus(w, http.StatusNotAcceptable)
		return
	}
	for _, item := range to {
		id, ok := item.(string)
		if !ok {
			writeControllerError(w, http.StatusBadRequest, `"to" parameter is not a valid JSON array`, "/signal")
			return
		}
		if c := ss.connection(id); c == nil || c.status != statusActive {
			writeControllerError(w, http.StatusNotAcceptable, `"to" array has no valid connection identifiers`, "/signal")
			return
		}
	}
	writeStatus(w, http.StatusOK)
}
