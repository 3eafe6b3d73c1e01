package openvidu

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"time"

	video "github.com/teleconsult/video"
)

// v2Connection is the part of OpenVidu 2's connection object the provider reads.
type v2Connection struct {
	ID         string `json:"id"`
	Status     string `json:"status"`
	Token      string `json:"token"`
	Role       string `json:"role"`
	ServerData string `json:"serverData"`
	ActiveAt   int64  `json:"activeAt"`
}

// v2Data is what a connection's data (serverData) carries: who it is for.
type v2Data struct {
	UserID string     `json:"user_id"`
	Name   string     `json:"name,omitempty"`
	Email  string     `json:"email,omitempty"`
	Role   video.Role `json:"role"`
}

// checkRoom refuses a room that cannot be an OpenVidu 2 custom session ID: [a-zA-Z0-9_-]+.
func checkRoom(room string) error {
	if strings.Contains(room, "~") {
		return fmt.Errorf("%w: openvidu: an OpenVidu 2 session ID is letters, digits, '-' and '_'", video.ErrInvalidArgument)
	}
	return checkID("session ID", room)
}

func (v *v2) createRoom(ctx context.Context, room string) error {
	if err := checkRoom(room); err != nil {
		return err
	}
	body := map[string]any{"customSessionId": room, "mediaMode": "ROUTED", "recordingMode": "MANUAL"}
	var created struct {
		ID string `json:"id"`
	}
	status, err := v.call(ctx, "POST /sessions", http.MethodPost, "/sessions", body, &created)
	switch {
	case err != nil:
		return err
	case status == http.StatusConflict: // it exists
		return nil
	case status == http.StatusOK && created.ID == room:
		return nil
	case status == http.StatusOK:
		return fmt.Errorf("openvidu: POST /sessions: the answer names another session")
	}
	return unexpected("POST /sessions", status)
}

func (v *v2) endRoom(ctx context.Context, room string) error {
	if err := checkRoom(room); err != nil {
		return err
	}
	status, err := v.call(ctx, "DELETE /sessions/{id}", http.MethodDelete, "/sessions/"+url.PathEscape(room), nil, nil)
	switch {
	case err != nil:
		return err
	case status == http.StatusNoContent, status == http.StatusOK, status == http.StatusNotFound: // gone already
		return nil
	}
	return unexpected("DELETE /sessions/{id}", status)
}

// v2Role is the OpenVidu 2 role for the grants. OpenVidu 2 has three, each with the rights of
// the one below: SUBSCRIBER, PUBLISHER, MODERATOR. A grant set is given the highest role
// whose every right it holds: MODERATOR for a moderator who publishes, PUBLISHER for one who
// publishes, SUBSCRIBER otherwise (for one who may not publish, or not yet: a patient in the
// waiting room). Data and screen sharing come with publishing; no role is hidden.
func v2Role(g video.Grants) string {
	switch {
	case g.Waiting || !g.Publish:
		return "SUBSCRIBER"
	case g.Moderator:
		return "MODERATOR"
	}
	return "PUBLISHER"
}

// issueToken asks the server for a connection in the room; a session the server no longer
// has (404) is created and the request made once more.
func (v *v2) issueToken(ctx context.Context, req video.TokenRequest) (string, error) {
	if err := checkRoom(req.Room); err != nil {
		return "", err
	}
	data, err := json.Marshal(v2Data{UserID: req.UserID, Name: req.Info.DisplayName, Email: req.Info.Email, Role: req.Role})
	if err != nil {
		return "", err
	}
	body := map[string]any{"type": "WEBRTC", "role": v2Role(req.Grants), "data": string(data), "record": true}
	const op = "POST /sessions/{id}/connection"
	path := "/sessions/" + url.PathEscape(req.Room) + "/connection"
	for attempt := 0; ; attempt++ {
		var conn v2Connection
		status, err := v.call(ctx, op, http.MethodPost, path, body, &conn)
		switch {
		case err != nil:
			return "", err
		case status == http.StatusOK && conn.Token != "":
			return conn.Token, nil
		case status == http.StatusOK:
			return "", fmt.Errorf("openvidu: %s: the answer carries no token", op)
		case status == http.StatusNotFound && attempt == 0:
			if err := v.createRoom(ctx, req.Room); err != nil {
				return "", err
			}
			continue
		}
		return "", unexpected(op, status)
	}
}

// connections lists the session's connections; a session the server does not have has none.
func (v *v2) connections(ctx context.Context, room string) ([]v2Connection, error) {
	if err := checkRoom(room); err != nil {
		return nil, err
	}
	var list struct {
		Content []v2Connection `json:"content"`
	}
	const op = "GET /sessions/{id}/connection"
	status, err := v.call(ctx, op, http.MethodGet, "/sessions/"+url.PathEscape(room)+"/connection", nil, &list)
	switch {
	case err != nil:
		return nil, err
	case status == http.StatusNotFound:
		return nil, nil
	case status != http.StatusOK:
		return nil, unexpected(op, status)
	}
	return list.Content, nil
}

// participants lists the connections in use (active): who is in the meeting.
func (v *v2) participants(ctx context.Context, room string) ([]video.LiveParticipant, error) {
	conns, err := v.connections(ctx, room)
	if err != nil {
		return nil, err
	}
	out := make([]video.LiveParticipant, 0, len(conns))
	for _, c := range conns {
		if c.Status != "active" {
			continue
		}
		var d v2Data
		_ = json.Unmarshal([]byte(c.ServerData), &d) // a connection made by someone else names no one
		lp := video.LiveParticipant{UserID: d.UserID, Name: d.Name, CanSubscribe: true,
			CanPublish: c.Role == "PUBLISHER" || c.Role == "MODERATOR"}
		if d.Role.Valid() {
			lp.Role = d.Role
		}
		if c.ActiveAt > 0 {
			lp.JoinedAt = time.UnixMilli(c.ActiveAt)
		}
		out = append(out, lp)
	}
	return out, nil
}

// admit makes the user's waiting connections publishers. Changing a connection's role exists
// only in OpenVidu PRO: on any other edition it is video.ErrUnsupported. Admitting again is
// not an error: a user whose connections all publish already is admitted.
func (v *v2) admit(ctx context.Context, room, userID string) error {
	if err := checkRoom(room); err != nil {
		return err
	}
	var cfg struct {
		Edition string `json:"OPENVIDU_EDITION"`
	}
	status, err := v.call(ctx, "GET /config", http.MethodGet, "/config", nil, &cfg)
	if err != nil {
		return err
	}
	if status != http.StatusOK {
		return unexpected("GET /config", status)
	}
	if cfg.Edition != "pro" && cfg.Edition != "enterprise" {
		return fmt.Errorf("%w: openvidu: admitting a participant changes its role, which OpenVidu 2 offers only in its PRO edition", video.ErrUnsupported)
	}
	conns, err := v.connections(ctx, room)
	if err != nil {
		return err
	}
	admitted := 0
	for _, c := range conns {
		var d v2Data
		if json.Unmarshal([]byte(c.ServerData), &d) != nil || d.UserID != userID {
			continue
		}
		if c.Role != "SUBSCRIBER" {
			admitted++ // admitted before
			continue
		}
		const op = "PATCH /sessions/{id}/connection/{id}"
		status, err := v.call(ctx, op, http.MethodPatch, "/sessions/"+url.PathEscape(room)+"/connection/"+url.PathEscape(c.ID),
			map[string]any{"role": "PUBLISHER"}, nil)
		if err != nil {
			return err
		}
		if status != http.StatusOK {
			return unexpected(op, status)
		}
		admitted++
	}
	if admitted == 0 {
		return fmt.Errorf("%w: openvidu: the participant has no connection in the session", video.ErrNotFound)
	}
	return nil
}
