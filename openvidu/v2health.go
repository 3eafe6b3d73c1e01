package openvidu

import (
	"context"
	"fmt"
	"net/http"

	video "github.com/teleconsult/video"
)

// check is GET /config with the credentials: 200 is up, 401 misconfigured (it wraps
// video.ErrUnauthenticated), anything else down. A server that does not ask for credentials
// at that path (LiveKit answers 404 to it) speaks the other API, and the error says what to
// set.
func (v *v2) check(ctx context.Context, p *Provider) error {
	var cfg struct {
		Version string `json:"VERSION"`
	}
	status, err := v.call(ctx, "GET /config", http.MethodGet, "/config", nil, &cfg)
	if status == http.StatusOK && err == nil {
		return nil
	}
	if status == http.StatusUnauthorized || status == http.StatusNotFound {
		if anon, aerr := p.get(ctx, v.path()+"/config"); aerr == nil && anon == http.StatusNotFound && p.httpHealth(ctx) == nil {
			return fmt.Errorf("openvidu: GET %s/config: %w: the server does not serve OpenVidu 2's REST API but answers the LiveKit API's health check: it is OpenVidu 3 or LiveKit; set OPENVIDU_API_KEY (or OPENVIDU_API=livekit)", v.path(), video.ErrInvalidConfig)
		}
	}
	if err != nil {
		return err
	}
	return unexpected("GET /config", status)
}

// path is the API's base path.
func (v *v2) path() string {
	if v.legacy {
		return "/api"
	}
	return "/openvidu/api"
}
