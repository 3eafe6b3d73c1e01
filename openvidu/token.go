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
		SetVideoGrant(grant(req.Grants, req.Room)).
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

// grant translates the Service's grants into LiveKit's, for one room. A waiting participant
// (Grants.Waiting) gets no publish, subscribe or data until Admit; without Grants.ScreenShare,
// publishing is limited to the camera and the microphone.
func grant(g video.Grants, room string) *auth.VideoGrant {
	held := g.Waiting
	vg := &auth.VideoGrant{RoomJoin: true, Room: room, RoomAdmin: g.Moderator, Hidden: g.Hidden}
	vg.SetCanPublish(g.Publish && !held)
	vg.SetCanSubscribe(g.Subscribe && !held)
	vg.SetCanPublishData(g.PublishData && !held)
	if g.Publish && !g.ScreenShare {
		vg.SetCanPublishSources([]livekit.TrackSource{livekit.TrackSource_CAMERA, livekit.TrackSource_MICROPHONE})
	}
	return vg
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
