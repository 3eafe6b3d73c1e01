package openvidu

import (
	"context"
	"fmt"
	"net/http"

	video "github.com/teleconsult/video"
)

// check is GET /config with the credentials: 200 is up, 401 misconfigured (it wraps
// video.ErrUnauthenticated), anything else down. When the server has no OpenVidu 2 API there,
// the error says what to set: a server that answers LiveKit's RoomService is OpenVidu 3 or
// LiveKit; any other is the wrong URL or path.
func (v *v2) check(ctx context.Context, p *Provider) error {
	var cfg struct {
		Version string `json:"VERSION"`
	}
	status, err := v.call(ctx, "GET /config", http.MethodGet, "/config", nil, &cfg)
	if status == http.StatusOK && err == nil {
		return nil
	}
	switch {
	case status == http.StatusNotFound && p.answersLiveKit(ctx):
		return fmt.Errorf("openvidu: GET %s/config: %w: the server answers the LiveKit API, not OpenVidu 2's: it is OpenVidu 3 or LiveKit; set OPENVIDU_API_KEY (or OPENVIDU_API=livekit)", v.path(), video.ErrInvalidConfig)
	case status == http.StatusUnauthorized && p.answersLiveKit(ctx):
		// OpenVidu 3 PRO answers both APIs: the secret may be wrong, or the API.
		return fmt.Errorf("openvidu: GET %s/config: %w (401): the server also answers the LiveKit API; on OpenVidu 3 without v2 compatibility set OPENVIDU_API_KEY (or OPENVIDU_API=livekit), otherwise check OPENVIDU_SECRET", v.path(), video.ErrUnauthenticated)
	}
	if status == http.StatusNotFound {
		return fmt.Errorf("openvidu: GET %s/config: %w: the server has no OpenVidu 2 API there; check OPENVIDU_URL, and OPENVIDU_LEGACY_API (the /api paths of OpenVidu 2.22 and earlier)", v.path(), video.ErrInvalidConfig)
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
