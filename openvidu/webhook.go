package openvidu

import (
	"errors"
	"fmt"
	"net/http"
	"time"

	"github.com/livekit/protocol/livekit"
	"github.com/livekit/protocol/webhook"
	video "github.com/teleconsult/video"
	"google.golang.org/protobuf/encoding/protojson"
)

// ReceiveWebhook implements video.WebhookReceiver: it verifies the request's signature (a
// token signed with the API secret, carrying the body's SHA-256) and translates the event. On
// OpenVidu 2, whose events are not signed, it checks the shared header secret instead
// (Config.WebhookSecret).
func (p *Provider) ReceiveWebhook(r *http.Request) (*video.WebhookEvent, error) {
	if p.v2 != nil {
		return p.receiveV2(r)
	}
	data, err := webhook.Receive(r, p.keys)
	if err != nil {
		var mbe *http.MaxBytesError
		if errors.As(err, &mbe) {
			return nil, fmt.Errorf("%w: openvidu webhook: body too large", video.ErrInvalidArgument)
		}
		return nil, fmt.Errorf("%w: openvidu webhook: %v", video.ErrUnauthenticated, err)
	}
	var ev livekit.WebhookEvent
	if err := (protojson.UnmarshalOptions{DiscardUnknown: true}).Unmarshal(data, &ev); err != nil {
		return nil, fmt.Errorf("%w: openvidu webhook: not an event: %v", video.ErrInvalidArgument, err)
	}
	out := &video.WebhookEvent{ID: ev.Id, Kind: video.WebhookOther}
	if ev.CreatedAt > 0 {
		out.At = time.Unix(ev.CreatedAt, 0)
	}
	if ev.Room != nil {
		out.Room = ev.Room.Name
		out.RoomStart = unixMs(ev.Room.CreationTimeMs, ev.Room.CreationTime)
	}
	if ev.Participant != nil {
		out.UserID, out.Role = ev.Participant.Identity, roleOf(ev.Participant.Metadata)
		out.SessionStart = unixMs(ev.Participant.JoinedAtMs, ev.Participant.JoinedAt)
	}
	switch ev.Event {
	case webhook.EventRoomStarted:
		out.Kind = video.WebhookRoomStarted
	case webhook.EventRoomFinished:
		out.Kind = video.WebhookRoomFinished
	case webhook.EventParticipantJoined:
		out.Kind = video.WebhookParticipantJoined
	case webhook.EventParticipantLeft:
		out.Kind = video.WebhookParticipantLeft
	case webhook.EventEgressEnded:
		if ev.EgressInfo != nil {
			out.Kind, out.Recording = video.WebhookRecordingEnded, recordingOf(ev.EgressInfo)
			out.Room = ev.EgressInfo.RoomName
		}
	}
	return out, nil
}

// unixMs is a LiveKit time given in milliseconds, or else in seconds; zero when neither is.
func unixMs(ms, sec int64) time.Time {
	switch {
	case ms > 0:
		return time.UnixMilli(ms)
	case sec > 0:
		return time.Unix(sec, 0)
	}
	return time.Time{}
}
