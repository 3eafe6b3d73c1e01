package openvidu2fake

import (
	"errors"
	"fmt"
	"sort"
)

// Connection is a snapshot of one connection of a session, for assertions.
type Connection struct {
	ID     string // "con_..."
	Token  string // "wss://...?sessionId=...&token=tok_..."; "" for an IPCAM connection
	Role   string // SUBSCRIBER, PUBLISHER or MODERATOR; "" for an IPCAM connection
	Type   string // WEBRTC or IPCAM
	Status string // "pending" until a participant joins with the token, then "active"
	// Data is the "data" the connection was created with; ServerData is the same string as
	// the API reports it ("serverData").
	Data       string
	ServerData string
	CreatedAt  int64 // Unix milliseconds
	ActiveAt   int64 // Unix milliseconds; 0 while pending
	Record     bool
}

// ErrNotFound is returned by Activate for an unknown session or connection.
var ErrNotFound = errors.New("openvidu2fake: no such session or connection")

// Sessions returns the IDs of the live sessions, sorted.
func (s *Server) Sessions() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	ids := make([]string, 0, len(s.sessions))
	for id := range s.sessions {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	return ids
}

// Connections returns a copy of the session's connections in creation order, nil for an
// unknown session.
func (s *Server) Connections(sessionID string) []Connection {
	s.mu.Lock()
	defer s.mu.Unlock()
	ss := s.sessions[sessionID]
	if ss == nil {
		return nil
	}
	out := make([]Connection, 0, len(ss.conns))
	for _, c := range ss.conns {
		out = append(out, Connection{
			ID:         c.id,
			Token:      c.token,
			Role:       c.props.role,
			Type:       c.typ,
			Status:     c.status,
			Data:       c.props.data,
			ServerData: c.props.data,
			CreatedAt:  c.createdAt,
			ActiveAt:   c.activeAt,
			Record:     c.props.record,
		})
	}
	return out
}

// Activate plays a browser joining the session with the connection's token: the connection
// becomes "active" with activeAt set, and the session counts as active (it can be recorded).
// The token is single-use, so activating a connection that is already active fails, as does
// an unknown session or connection (ErrNotFound).
func (s *Server) Activate(sessionID, connectionID string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	ss := s.sessions[sessionID]
	if ss == nil {
		return fmt.Errorf("%w: session %q", ErrNotFound, sessionID)
	}
	c := ss.connection(connectionID)
	if c == nil {
		return fmt.Errorf("%w: connection %q in session %q", ErrNotFound, connectionID, sessionID)
	}
	if c.status != statusPending {
		return fmt.Errorf("openvidu2fake: connection %q is already %s: its token was used", connectionID, c.status)
	}
	c.status = statusActive
	c.activeAt = max(nowMillis(), c.createdAt)
	c.platform = "openvidu2fake"
	return nil
}

// Requests returns how many HTTP requests the fake has served, refused ones included.
func (s *Server) Requests() int64 { return s.requests.Load() }
