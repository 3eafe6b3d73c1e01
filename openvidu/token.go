package openvidu

import (
	"context"
	"fmt"
	"net/url"
	"strings"

	"github.com/livekit/protocol/auth"
	"github.com/livekit/protocol/livekit"
	video "github.com/teleconsult/video"
)

// IssueToken implements video.Provider.
func (p *Provider) IssueToken(ctx context.Context, req video.TokenRequest) (*video.Token, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	if err := req.Validate(); err != nil {
		return nil, err
	}
	at := auth.NewAccessToken(p.cfg.APIKey, p.cfg.Secret.Reveal()).
		SetIdentity(req.UserID).
		SetValidFor(req.TTL).
		SetMetadata(`{"role":"` + string(req.Role) + `"}`).
		SetVideoGrant(p.grant(req.Role, req.Room)).
		SetRoomConfig(p.roomConfig())
	if req.Info.DisplayName != "" {
		at.SetName(req.Info.DisplayName)
	}
	expires := p.now().Add(req.TTL)
	tok, err := at.ToJWT()
	if err != nil {
		return nil, fmt.Errorf("openvidu: signing the token: %w", err)
	}
	return &video.Token{Token: tok, JoinURL: p.joinURL(req.Room, tok), ServerURL: p.serverURL, ExpiresAt: expires}, nil
}

// grant is the least a role needs in one room.
func (p *Provider) grant(role video.Role, room string) *auth.VideoGrant {
	g := &auth.VideoGrant{RoomJoin: true, Room: room}
	switch role {
	case video.RoleDoctor:
		g.RoomAdmin = true
		g.SetCanPublish(true)
		g.SetCanSubscribe(true)
		g.SetCanPublishData(true)
	case video.RolePatient:
		admitted := !p.cfg.WaitingRoom
		g.SetCanPublish(admitted)
		g.SetCanSubscribe(admitted)
		g.SetCanPublishData(admitted)
	case video.RoleObserver:
		g.Hidden = true
		g.SetCanPublish(false)
		g.SetCanSubscribe(true)
		g.SetCanPublishData(false)
	}
	return g
}

// roomConfig is what a room is created with, by CreateRoom or by the first join.
func (p *Provider) roomConfig() *livekit.RoomConfiguration {
	return &livekit.RoomConfiguration{
		EmptyTimeout:     uint32(p.cfg.EmptyTimeout.Seconds()),
		DepartureTimeout: uint32(p.cfg.DepartureTimeout.Seconds()),
		MaxParticipants:  uint32(p.cfg.MaxParticipants),
	}
}

// joinURL fills OPENVIDU_JOIN_URL, or returns "" when there is no template.
func (p *Provider) joinURL(room, token string) string {
	if p.cfg.JoinURL == "" {
		return ""
	}
	return strings.NewReplacer(
		"{room}", url.QueryEscape(room),
		"{token}", url.QueryEscape(token),
		"{server_url}", url.QueryEscape(p.serverURL),
	).Replace(p.cfg.JoinURL)
}
