package openvidu

import (
	"context"
	"fmt"
	"net/http"

	"github.com/livekit/protocol/livekit"
	video "github.com/teleconsult/video"
	"github.com/teleconsult/video/internal/httpget"
)

// Check implements video.Provider: an HTTP health endpoint answers 200 (GET /twirp/health on
// OpenVidu, GET / on plain LiveKit), then an authenticated ListRooms succeeds.
func (p *Provider) Check(ctx context.Context) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	if p.v2 != nil {
		return p.v2.check(ctx, p)
	}
	if err := p.httpHealth(ctx); err != nil {
		if p.answersV2(ctx) {
			return fmt.Errorf("openvidu health: %w: the server speaks OpenVidu 2's REST API (it asks for credentials at /openvidu/api/config); unset OPENVIDU_API_KEY (or set OPENVIDU_API=v2)", video.ErrInvalidConfig)
		}
		return err
	}
	_, err := p.rooms.ListRooms(ctx, &livekit.ListRoomsRequest{Names: []string{"health-check"}})
	return classify("ListRooms", err)
}

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
	return fmt.Errorf("openvidu health: no health endpoint answered 200")
}

// answersV2 reports whether the server asks for credentials at OpenVidu 2's config path, as
// OpenVidu 2 does; LiveKit has no such path (404).
func (p *Provider) answersV2(ctx context.Context) bool {
	status, err := p.get(ctx, "/openvidu/api/config")
	return err == nil && status == http.StatusUnauthorized
}

func (p *Provider) get(ctx context.Context, path string) (int, error) {
	return httpget.Status(ctx, p.client, p.httpURL+path)
}
