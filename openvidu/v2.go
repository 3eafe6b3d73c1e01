package openvidu

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"

	video "github.com/teleconsult/video"
)

// v2 speaks OpenVidu 2's REST API (/openvidu/api, or /api with OPENVIDU_LEGACY_API), with HTTP
// Basic auth as OPENVIDUAPP. Its tokens are made by the server, single-use, and valid until
// the session closes: every token request is a call to the server.
type v2 struct {
	base   string // http(s)://host[/path]/openvidu/api
	legacy bool   // base ends in /api
	secret video.Secret
	client *http.Client // follows no redirect
}

// maxV2Body bounds what is read of an answer.
const maxV2Body = 1 << 20

func newV2(httpURL string, cfg Config, client *http.Client) *v2 {
	path := "/openvidu/api"
	if cfg.LegacyPaths {
		path = "/api"
	}
	// A redirect would turn a POST or DELETE into a GET that answers 200 (Go's client does
	// that on 301 and 302), and send the credentials on to wherever it points: none is followed.
	noRedirect := *client
	noRedirect.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	return &v2{base: httpURL + path, legacy: cfg.LegacyPaths, secret: cfg.Secret, client: &noRedirect}
}

// call sends a request to the API and decodes a 2xx answer's JSON into out (when out is not
// nil). It returns the status. A 401 or 403 wraps video.ErrUnauthenticated, a 400 or 422
// video.ErrInvalidArgument; other statuses are the caller's to judge. Error messages name
// the operation and the status, never a body (which may echo a token).
func (v *v2) call(ctx context.Context, op, method, path string, in, out any) (int, error) {
	var body io.Reader
	if in != nil {
		b, err := json.Marshal(in)
		if err != nil {
			return 0, fmt.Errorf("openvidu: %s: %w", op, err)
		}
		body = bytes.NewReader(b)
	}
	req, err := http.NewRequestWithContext(ctx, method, v.base+path, body)
	if err != nil {
		return 0, fmt.Errorf("openvidu: %s: %w", op, err)
	}
	injectTrace(ctx, req.Header)
	req.Header.Set("Authorization", "Basic "+base64.StdEncoding.EncodeToString([]byte("OPENVIDUAPP:"+v.secret.Reveal())))
	if in != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	resp, err := v.client.Do(req)
	if err != nil {
		return 0, fmt.Errorf("openvidu: %s: %w", op, err)
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(io.LimitReader(resp.Body, maxV2Body+1))
	if err != nil {
		return resp.StatusCode, fmt.Errorf("openvidu: %s: reading the answer: %w", op, err)
	}
	switch {
	case resp.StatusCode/100 == 3:
		return resp.StatusCode, fmt.Errorf("openvidu: %s: %w: the server redirects (%d) to %s: set OPENVIDU_URL to the address it redirects to",
			op, video.ErrInvalidConfig, resp.StatusCode, originOf(resp.Header.Get("Location")))
	case resp.StatusCode == http.StatusUnauthorized || resp.StatusCode == http.StatusForbidden:
		return resp.StatusCode, fmt.Errorf("openvidu: %s: %w (%d: check OPENVIDU_SECRET)", op, video.ErrUnauthenticated, resp.StatusCode)
	case resp.StatusCode == http.StatusBadRequest || resp.StatusCode == http.StatusUnprocessableEntity:
		return resp.StatusCode, fmt.Errorf("openvidu: %s: %w (%d)", op, video.ErrInvalidArgument, resp.StatusCode)
	case resp.StatusCode/100 != 2 || out == nil:
		return resp.StatusCode, nil
	case len(data) > maxV2Body:
		return resp.StatusCode, fmt.Errorf("openvidu: %s: the answer is larger than %d bytes", op, maxV2Body)
	}
	if err := json.Unmarshal(data, out); err != nil {
		return resp.StatusCode, fmt.Errorf("openvidu: %s: the answer is not the API's JSON: %w", op, err)
	}
	return resp.StatusCode, nil
}

// unexpected is the error for a status the operation does not expect.
func unexpected(op string, status int) error {
	return fmt.Errorf("openvidu: %s: %d %s", op, status, http.StatusText(status))
}

// originOf is the scheme and host of a redirect's target, or "another address".
func originOf(location string) string {
	u, err := url.Parse(location)
	if err != nil || u.Host == "" {
		return "another address"
	}
	return u.Scheme + "://" + u.Host
}

// checkID refuses an ID that is not an OpenVidu 2 session or recording ID ([a-zA-Z0-9_~-]+,
// '~' for recordings): it goes into a URL path.
func checkID(what, id string) error {
	for i := 0; i < len(id); i++ {
		c := id[i]
		if !('a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || c == '-' || c == '_' || c == '~') {
			return fmt.Errorf("%w: openvidu: an OpenVidu 2 %s is letters, digits, '-', '_' and '~'", video.ErrInvalidArgument, what)
		}
	}
	if id == "" {
		return fmt.Errorf("%w: openvidu: the %s must not be empty", video.ErrInvalidArgument, what)
	}
	return nil
}
