package openvidu

import (
	"context"
	"encoding/json"
	"fmt"
	"net/url"
	"strings"
	"time"

	"github.com/golang-jwt/jwt/v5"

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
	if p.v2 != nil {
		// OpenVidu 2 makes the token: single-use, valid until the session closes. ExpiresAt is
		// the TTL asked for, by which the application fetches a new one.
		tok, err := p.v2.issueToken(ctx, req)
		if err != nil {
			return nil, err
		}
		return &video.Token{Token: tok, JoinURL: p.joinURL(req.Room, tok), ServerURL: p.serverURL,
			ExpiresAt: p.now().Truncate(time.Second).Add(req.TTL)}, nil
	}
	// The claims are signed here rather than by auth.AccessToken, which reads the clock on its
	// own: exp and the MeetingToken's ExpiresAt are one computation.
	now := p.now().Truncate(time.Second)
	exp := now.Add(req.TTL)
	c := claims{
		RegisteredClaims: jwt.RegisteredClaims{Issuer: p.cfg.APIKey, Subject: req.UserID,
			IssuedAt: jwt.NewNumericDate(now), NotBefore: jwt.NewNumericDate(now), ExpiresAt: jwt.NewNumericDate(exp)},
		ClaimGrants: auth.ClaimGrants{Identity: req.UserID, Name: req.Info.DisplayName,
			Metadata: `{"role":"` + string(req.Role) + `"}`, Video: grant(req.Grants, req.Room)},
		RoomConfig: p.roomConfigJSON,
	}
	tok, err := jwt.NewWithClaims(jwt.SigningMethodHS256, c).SignedString(p.secret)
	if err != nil {
		return nil, fmt.Errorf("openvidu: signing the token: %w", err)
	}
	return &video.Token{Token: tok, JoinURL: p.joinURL(req.Room, tok), ServerURL: p.serverURL, ExpiresAt: exp}, nil
}

// claims are a LiveKit access token's: the registered claims and LiveKit's grants, side by side
// as the server reads them. The room configuration, the same in every token of the provider, is
// written once (auth.RoomConfiguration marshals through protojson, a fifth of a token's cost):
// RoomConfig, at the top, takes the place of ClaimGrants.RoomConfig, which is left nil.
type claims struct {
	jwt.RegisteredClaims
	auth.ClaimGrants
	RoomConfig json.RawMessage `json:"roomConfig,omitempty"`
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
