package openvidu

import (
	"context"
	"crypto/subtle"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
	"time"

	video "github.com/teleconsult/video"
)

// maxWebhookBody bounds an OpenVidu 2 event's body before it is parsed.
const maxWebhookBody = 64 << 10

// v2Event is the part of an OpenVidu 2 webhook event the provider reads.
type v2Event struct {
	Event        string `json:"event"`
	Timestamp    int64  `json:"timestamp"` // ms
	SessionID    string `json:"sessionId"`
	ConnectionID string `json:"connectionId"`
	ServerData   string `json:"serverData"`
	StartTime    int64  `json:"startTime"` // ms: the session's or the connection's start
	ID           string `json:"id"`        // recordingStatusChanged: the recording
	Status       string `json:"status"`
}

// receiveV2 authenticates an OpenVidu 2 event by its shared header secret and translates it.
// OpenVidu 2 does not sign its events: without OPENVIDU_WEBHOOK_SECRET every event is refused.
func (p *Provider) receiveV2(r *http.Request) (*video.WebhookEvent, error) {
	if !p.cfg.WebhookSecret.IsSet() {
		return nil, fmt.Errorf("%w: openvidu webhook: OpenVidu 2 events are accepted only with OPENVIDU_WEBHOOK_SECRET set", video.ErrUnauthenticated)
	}
	header := p.cfg.WebhookHeader
	if header == "" {
		header = "Authorization"
	}
	got, want := []byte(r.Header.Get(header)), []byte(p.cfg.WebhookSecret.Reveal())
	if subtle.ConstantTimeCompare(got, want) != 1 {
		return nil, fmt.Errorf("%w: openvidu webhook: the %s header does not carry the shared secret", video.ErrUnauthenticated, header)
	}
	body, err := io.ReadAll(http.MaxBytesReader(nil, r.Body, maxWebhookBody))
	if err != nil {
		var mbe *http.MaxBytesError
		if errors.As(err, &mbe) {
			return nil, fmt.Errorf("%w: openvidu webhook: body too large", video.ErrInvalidArgument)
		}
		return nil, fmt.Errorf("%w: openvidu webhook: reading the body: %v", video.ErrInvalidArgument, err)
	}
	var ev v2Event
	if err := json.Unmarshal(body, &ev); err != nil || ev.Event == "" {
		return nil, fmt.Errorf("%w: openvidu webhook: not an OpenVidu 2 event", video.ErrInvalidArgument)
	}
	// A redelivery is the same event: the same kind, session, connection or recording, status
	// and time.
	out := &video.WebhookEvent{Kind: video.WebhookOther, Room: ev.SessionID,
		ID: strings.Join([]string{ev.Event, ev.SessionID, ev.ConnectionID, ev.ID, ev.Status, strconv.FormatInt(ev.Timestamp, 10)}, "|")}
	if ev.Timestamp > 0 {
		out.At = time.UnixMilli(ev.Timestamp)
	}
	var who v2Data
	if ev.ServerData != "" && json.Unmarshal([]byte(ev.ServerData), &who) == nil {
		out.UserID = who.UserID
		if who.Role.Valid() {
			out.Role = who.Role
		}
	}
	switch ev.Event {
	case "sessionCreated":
		out.Kind, out.RoomStart = video.WebhookRoomStarted, out.At
	case "sessionDestroyed":
		out.Kind, out.RoomStart = video.WebhookRoomFinished, unixMs(ev.StartTime, 0)
	case "participantJoined":
		out.Kind, out.SessionStart = video.WebhookParticipantJoined, out.At
	case "participantLeft":
		out.Kind, out.SessionStart = video.WebhookParticipantLeft, unixMs(ev.StartTime, 0)
	case "recordingStatusChanged":
		switch ev.Status {
		case "ready":
			// The event names no URL: the REST object does. Without it the event cannot be
			// recorded yet; ErrUnavailable has the Service answer 503, and OpenVidu delivers it again.
			ctx, cancel := context.WithTimeout(r.Context(), p.cfg.RecordingTimeout)
			defer cancel()
			rec, err := p.v2.recording(ctx, ev.ID)
			if err != nil {
				return nil, fmt.Errorf("%w: openvidu webhook: reading the ready recording: %w", video.ErrUnavailable, err)
			}
			out.Kind, out.Recording = video.WebhookRecordingEnded, rec
		case "failed":
			rec := v2Recording{ID: ev.ID, SessionID: ev.SessionID, Status: ev.Status, CreatedAt: ev.StartTime}
			out.Kind, out.Recording = video.WebhookRecordingEnded, rec.recording()
		}
	}
	return out, nil
}
