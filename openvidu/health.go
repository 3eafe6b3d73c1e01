package openvidu

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"

	"github.com/livekit/protocol/livekit"
	video "github.com/teleconsult/video"
	"github.com/teleconsult/video/internal/httpget"
	"github.com/twitchtv/twirp"
)

// Check implements video.Provider: an HTTP health endpoint answers 200 (GET /twirp/health on
// OpenVidu, GET / on plain LiveKit), then an authenticated ListRooms succeeds. A server that
// has neither, or no RoomService, and asks for credentials at OpenVidu 2's config path speaks
// the other API: the error says what to set.
func (p *Provider) Check(ctx context.Context) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	if p.v2 != nil {
		return p.v2.check(ctx, p)
	}
	if err := p.httpHealth(ctx); err != nil {
		if errors.Is(err, errNoHealthEndpoint) && p.answersV2(ctx) {
			return errSpeaksV2
		}
		return err
	}
	_, err := p.rooms.ListRooms(ctx, &livekit.ListRoomsRequest{Names: []string{"health-check"}})
	var te twirp.Error
	if errors.As(err, &te) && (te.Code() == twirp.BadRoute || te.Code() == twirp.NotFound) && p.answersV2(ctx) {
		return errSpeaksV2
	}
	return classify("ListRooms", err)
}

// errSpeaksV2 is an OpenVidu 2 server configured as a LiveKit one.
var errSpeaksV2 = fmt.Errorf("openvidu health: %w: the server speaks OpenVidu 2's REST API (it asks for credentials at /openvidu/api/config, and has no LiveKit API); unset OPENVIDU_API_KEY (or set OPENVIDU_API=v2)", video.ErrInvalidConfig)

// errNoHealthEndpoint: neither health path exists on the server.
var errNoHealthEndpoint = errors.New("openvidu health: no health endpoint answered 200")

func (p *Provider) httpHealth(ctx context.Context) error {
	for _, path := range []string{"/twirp/health", "/"} {
		status, err := p.get(ctx, path)
		if err != nil {
			return fmt.Errorf("openvidu health: GET %s: %w", path, err)
		}
		switch status {
		case http.StatusOK:
			return nil
		case http.StatusNotFound, http.StatusMethodNotAllowed:
			continue // not this kind of server: try the next endpoint
		case http.StatusUnauthorized, http.StatusForbidden:
			return fmt.Errorf("openvidu health: GET %s: %w (%d: check OPENVIDU_API_KEY and OPENVIDU_SECRET)", path, video.ErrUnauthenticated, status)
		default:
			return fmt.Errorf("openvidu health: GET %s: %d %s", path, status, http.StatusText(status))
		}
	}
	return errNoHealthEndpoint
}

// answersV2 reports whether the server asks for credentials at OpenVidu 2's config path, as
// OpenVidu 2 does; LiveKit has no such path (404).
func (p *Provider) answersV2(ctx context.Context) bool {
	status, err := p.get(ctx, "/openvidu/api/config")
	return err == nil && status == http.StatusUnauthorized
}

// answersLiveKit reports whether the server answers LiveKit's RoomService as LiveKit does
// without credentials: 401 with Twirp's unauthenticated error.
func (p *Provider) answersLiveKit(ctx context.Context) bool {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, p.httpURL+"/twirp/livekit.RoomService/ListRooms", strings.NewReader("{}"))
	if err != nil {
		return false
	}
	req.Header.Set("Content-Type", "application/json")
	resp, err := p.client.Do(req)
	if err != nil {
		return false
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(io.LimitReader(resp.Body, 4<<10))
	return resp.StatusCode == http.StatusUnauthorized && strings.Contains(string(body), `"code":"unauthenticated"`)
}

func (p *Provider) get(ctx context.Context, path string) (int, error) {
	return httpget.Status(ctx, p.client, p.httpURL+path)
}
