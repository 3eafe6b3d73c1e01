package openvidu

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/livekit/protocol/livekit"
	video "github.com/teleconsult/video"
	"google.golang.org/protobuf/proto"
)

// CreateRoom implements video.Provider: it creates the room, or updates an existing one, with
// the configured timeouts and participant limit.
func (p *Provider) CreateRoom(ctx context.Context, room string) error {
	if room == "" {
		return fmt.Errorf("%w: openvidu: room must not be empty", video.ErrInvalidArgument)
	}
	if p.v2 != nil {
		return p.v2.createRoom(ctx, room)
	}
	c := p.roomConfig()
	_, err := p.rooms.CreateRoom(ctx, &livekit.CreateRoomRequest{
		Name: room, EmptyTimeout: c.EmptyTimeout, DepartureTimeout: c.DepartureTimeout, MaxParticipants: c.MaxParticipants,
	})
	return classify("CreateRoom", err)
}

// EndRoom implements video.Provider: DeleteRoom, which disconnects everyone in the room. A
// room the server does not know is already ended.
func (p *Provider) EndRoom(ctx context.Context, room string) error {
	if p.v2 != nil {
		return p.v2.endRoom(ctx, room)
	}
	_, err := p.rooms.DeleteRoom(ctx, &livekit.DeleteRoomRequest{Room: room})
	if err != nil && notFound(err) {
		return nil
	}
	return classify("DeleteRoom", err)
}

// Admit implements video.Admitter: the participant gets publish, subscribe and data, and keeps
// every other permission it has (hidden, publish sources): LiveKit replaces the whole
// permission, so the current one is read first. A participant the server does not have in the
// room wraps video.ErrNotFound.
func (p *Provider) Admit(ctx context.Context, room, userID string) error {
	if p.v2 != nil {
		return p.v2.admit(ctx, room, userID)
	}
	info, err := p.rooms.GetParticipant(ctx, &livekit.RoomParticipantIdentity{Room: room, Identity: userID})
	if err != nil {
		if notFound(err) {
			return fmt.Errorf("%w: openvidu: the participant is not in the room", video.ErrNotFound)
		}
		return classify("GetParticipant", err)
	}
	perm := &livekit.ParticipantPermission{}
	if info.Permission != nil {
		perm = proto.Clone(info.Permission).(*livekit.ParticipantPermission)
	}
	perm.CanPublish, perm.CanSubscribe, perm.CanPublishData = true, true, true
	_, err = p.rooms.UpdateParticipant(ctx, &livekit.UpdateParticipantRequest{Room: room, Identity: userID, Permission: perm})
	if err != nil && notFound(err) {
		return fmt.Errorf("%w: openvidu: the participant left the room", video.ErrNotFound)
	}
	return classify("UpdateParticipant", err)
}

// Participants implements video.ParticipantLister.
func (p *Provider) Participants(ctx context.Context, room string) ([]video.LiveParticipant, error) {
	if p.v2 != nil {
		return p.v2.participants(ctx, room)
	}
	resp, err := p.rooms.ListParticipants(ctx, &livekit.ListParticipantsRequest{Room: room})
	if err != nil {
		if notFound(err) {
			return nil, nil
		}
		return nil, classify("ListParticipants", err)
	}
	out := make([]video.LiveParticipant, 0, len(resp.Participants))
	for _, pi := range resp.Participants {
		lp := video.LiveParticipant{UserID: pi.Identity, Name: pi.Name, Role: roleOf(pi.Metadata)}
		if pi.JoinedAt > 0 {
			lp.JoinedAt = time.Unix(pi.JoinedAt, 0)
		}
		if perm := pi.Permission; perm != nil {
			lp.CanPublish, lp.CanSubscribe, lp.Hidden = perm.CanPublish, perm.CanSubscribe, perm.Hidden
		}
		out = append(out, lp)
	}
	return out, nil
}

// roleOf reads the role from a participant's metadata, as IssueToken wrote it.
func roleOf(metadata string) video.Role {
	var m struct {
		Role video.Role `json:"role"`
	}
	if json.Unmarshal([]byte(metadata), &m) != nil || !m.Role.Valid() {
		return ""
	}
	return m.Role
}
