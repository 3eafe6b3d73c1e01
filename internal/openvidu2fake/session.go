package openvidu2fake

import (
	"errors"
	"net/http"
	"regexp"
	"sort"
)

// session is one OpenVidu session, created by POST /sessions. It is "active" (a Session
// rather than a sessionNotActive, in the real server's terms) while some connection is.
type session struct {
	id               string
	createdAt        int64
	mediaMode        string // ROUTED or RELAYED
	recordingMode    string // MANUAL or ALWAYS
	customSessionID  string // "" when the id was generated
	forcedVideoCodec string
	allowTranscoding bool
	defaults         recordingProps // defaultRecordingProperties
	mediaNode        string         // PRO: the requested media node, "" if none
	conns            []*connection  // in creation order
}

var (
	mediaModes     = set("ROUTED", "RELAYED")
	recordingModes = set("MANUAL", "ALWAYS")
	videoCodecs    = set("MEDIA_SERVER_PREFERRED", "NONE", "VP8", "VP9", "H264")
	// customSessionIDPattern is SessionProperties.isValidCustomSessionId.
	customSessionIDPattern = regexp.MustCompile(`^[a-zA-Z0-9_-]+$`)
)

// parseSession is SessionProperties.fromJson plus the controller's server-side defaults
// (OPENVIDU_STREAMS_FORCED_VIDEO_CODEC=MEDIA_SERVER_PREFERRED,
// OPENVIDU_STREAMS_ALLOW_TRANSCODING=false). A nil p is an absent body: every default. The
// error's message is the 400's.
func parseSession(p params) (*session, error) {
	ss := &session{
		mediaMode:        "ROUTED",
		recordingMode:    "MANUAL",
		forcedVideoCodec: "MEDIA_SERVER_PREFERRED",
		defaults:         defaultRecordingProps(),
	}
	mediaMode, mediaModeSet, err1 := p.str("mediaMode")
	recordingMode, recordingModeSet, err2 := p.str("recordingMode")
	customID, _, err3 := p.str("customSessionId")
	codec, codecSet, err4 := p.str("forcedVideoCodec")
	transcoding, transcodingSet, err5 := p.boolean("allowTranscoding")
	defaults, defaultsSet, err6 := p.object("defaultRecordingProperties")
	if err := errors.Join(err1, err2, err3, err4, err5, err6); err != nil {
		return nil, err
	}
	if codecSet && !videoCodecs[codec] {
		return nil, errors.New("Invalid value for parameter 'forcedVideoCodec': " + codec)
	}
	if recordingModeSet && !recordingModes[recordingMode] {
		return nil, errors.New("Some parameter is not valid. No enum constant RecordingMode." + recordingMode)
	}
	if mediaModeSet && !mediaModes[mediaMode] {
		return nil, errors.New("Some parameter is not valid. No enum constant MediaMode." + mediaMode)
	}
	if customID != "" && !customSessionIDPattern.MatchString(customID) {
		return nil, errors.New("Some parameter is not valid. Parameter 'customSessionId' is wrong. Must be an alphanumeric string [a-zA-Z0-9_-]")
	}
	if defaultsSet {
		rp, perr := parseRecordingProps(defaults, defaultRecordingProps(), false)
		if perr != nil {
			return nil, errors.New("Some parameter is not valid. Parameter 'defaultRecordingProperties' is not valid: " + perr.message)
		}
		ss.defaults = rp
	}
	node, perr := mediaNodeParam(p)
	if perr != nil {
		return nil, errors.New("Some parameter is not valid. " + perr.message)
	}
	if mediaModeSet {
		ss.mediaMode = mediaMode
	}
	if recordingModeSet {
		ss.recordingMode = recordingMode
	}
	if codecSet {
		ss.forcedVideoCodec = codec
	}
	if transcodingSet {
		ss.allowTranscoding = transcoding
	}
	ss.customSessionID = customID
	ss.mediaNode = node
	return ss, nil
}

// active reports whether some connection of ss is active (a participant has joined).
func (ss *session) active() bool {
	for _, c := range ss.conns {
		if c.status == statusActive {
			return true
		}
	}
	return false
}

// connection returns the connection with the given id, or nil.
func (ss *session) connection(id string) *connection {
	for _, c := range ss.conns {
		if c.id == id {
			return c
		}
	}
	return nil
}

// removeConnection drops the connection with the given id and reports whether it was there.
func (ss *session) removeConnection(id string) bool {
	for i, c := range ss.conns {
		if c.id == id {
			ss.conns = append(ss.conns[:i], ss.conns[i+1:]...)
			return true
		}
	}
	return false
}

// connectionsJSON is Session.getSnapshotOfConnectionsAsJsonArray: the active connections,
// and the pending ones too when withPending.
func (ss *session) connectionsJSON(withPending bool) []any {
	out := []any{}
	for _, c := range ss.conns {
		if c.status == statusActive || withPending {
			out = append(out, c.json())
		}
	}
	return out
}

// sessionJSON is Session.toJson (with SessionProperties.toJson merged in). It needs the server's
// lock held, for the "recording" flag.
func (s *Server) sessionJSON(ss *session, withPending bool) map[string]any {
	conns := ss.connectionsJSON(withPending)
	j := map[string]any{
		"id":                         ss.id,
		"object":                     "session",
		"sessionId":                  ss.id, // deprecated, but the Node client reads it
		"createdAt":                  ss.createdAt,
		"recording":                  s.startedRecording(ss.id) != nil,
		"broadcasting":               false,
		"mediaMode":                  ss.mediaMode,
		"recordingMode":              ss.recordingMode,
		"defaultRecordingProperties": ss.defaults.defaultsJSON(),
		"customSessionId":            ss.customSessionID,
		"forcedVideoCodec":           ss.forcedVideoCodec,
		"allowTranscoding":           ss.allowTranscoding,
		"connections": map[string]any{
			"numberOfElements": len(conns),
			"content":          conns,
		},
	}
	if ss.mediaNode != "" {
		j["mediaNode"] = map[string]any{"id": ss.mediaNode}
	}
	if s.opts.Edition == "pro" {
		j["mediaNodeId"] = fakeMediaNodeID
	}
	return j
}

// fakeMediaNodeID is the media node every session of a "pro" fake is hosted in.
const fakeMediaNodeID = "media_openvidu2fake"

// sortedSessions returns the sessions by creation time, then id. It needs the lock held.
func (s *Server) sortedSessions() []*session {
	out := make([]*session, 0, len(s.sessions))
	for _, ss := range s.sessions {
		out = append(out, ss)
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].createdAt != out[j].createdAt {
			return out[i].createdAt < out[j].createdAt
		}
		return out[i].id < out[j].id
	})
	return out
}

// closeSession removes ss, as DELETE /sessions/{id} and a last participant leaving do: its
// pending tokens die with it and a recording in progress stops. It needs the lock held.
func (s *Server) closeSession(ss *session) {
	if rec := s.startedRecording(ss.id); rec != nil {
		rec.stop()
	}
	delete(s.sessions, ss.id)
}

// closeIfAbandoned closes ss once its last participant has left, as the real server does
// (sessionDestroyed, reason lastParticipantLeft), unless a recording keeps it open: then it
// closes when the recording stops. A session nobody ever joined stays. It needs the lock held.
func (s *Server) closeIfAbandoned(ss *session, hadParticipants bool) {
	if hadParticipants && !ss.active() && s.startedRecording(ss.id) == nil {
		s.closeSession(ss)
	}
}

// sessionLocked returns the session, or answers status with no body and returns nil. s.mu is
// held.
func (s *Server) sessionLocked(w http.ResponseWriter, id string, status int) *session {
	ss := s.sessions[id]
	if ss == nil {
		writeStatus(w, status)
	}
	return ss
}

// connectionLocked returns the session's connection, or answers 404 with no body and returns
// nil. s.mu is held.
func (ss *session) connectionLocked(w http.ResponseWriter, id string) *connection {
	c := ss.connection(id)
	if c == nil {
		writeStatus(w, http.StatusNotFound)
	}
	return c
}
