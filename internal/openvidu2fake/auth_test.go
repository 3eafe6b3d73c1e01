package openvidu2fake_test

import (
	"net/http"
	"net/url"
	"strconv"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/teleconsult/video/internal/openvidu2fake"
)

func TestEveryAPIRequestNeedsTheSecret(t *testing.T) {
	s := newFake(t, openvidu2fake.Options{})
	for name, req := range map[string]request{
		"no credentials": {noAuth: true},
		"wrong secret":   {pass: "wrong"},
		"wrong user":     {user: "admin"},
	} {
		t.Run(name, func(t *testing.T) {
			for _, path := range []string{api + "/config", api + "/sessions", api + "/nope", "/openvidu/cdr", "/openvidu/recordings/x/x.mp4"} {
				req.method, req.path = http.MethodGet, path
				r := do(t, s, req)
				assert.Equal(t, http.StatusUnauthorized, r.status, path)
				assert.Empty(t, r.body, path)
				assert.Contains(t, r.header.Get("WWW-Authenticate"), "Basic", path)
			}
		})
	}
	assert.Equal(t, http.StatusOK, get(t, s, api+"/config").status)
	assert.Equal(t, int64(16), s.Requests(), "refused requests count too")
}

// Paths OpenVidu 2.32 does not protect are not the API's: 404, with or without credentials,
// as a LiveKit client probing the server sees them.
func TestUnprotectedPathsAreNotFound(t *testing.T) {
	s := newFake(t, openvidu2fake.Options{})
	for _, path := range []string{"/elsewhere", "/twirp/health", "/api/sessions"} {
		for _, req := range []request{{noAuth: true}, {}} {
			req.method, req.path = http.MethodGet, path
			assert.Equal(t, http.StatusNotFound, do(t, s, req).status, "%s %+v", path, req)
		}
	}
}

func TestConfigReportsTheDeployment(t *testing.T) {
	for _, opts := range []openvidu2fake.Options{{}, {Edition: "pro", Recording: true}} {
		s := newFake(t, opts)
		r := get(t, s, api+"/config")
		require.Equal(t, http.StatusOK, r.status)
		assert.Equal(t, "application/json", r.header.Get("Content-Type"))
		c := r.json(t)
		u, err := url.Parse(s.URL)
		require.NoError(t, err)
		port, err := strconv.Atoi(u.Port())
		require.NoError(t, err)
		edition := opts.Edition
		if edition == "" {
			edition = "ce"
		}
		assert.Equal(t, "2.32.0", c["VERSION"])
		assert.Equal(t, edition, c["OPENVIDU_EDITION"])
		assert.Equal(t, "127.0.0.1", c["DOMAIN_OR_PUBLIC_IP"])
		assert.Equal(t, float64(port), c["HTTPS_PORT"])
		assert.Equal(t, s.URL, c["OPENVIDU_PUBLICURL"])
		assert.Equal(t, opts.Recording, c["OPENVIDU_RECORDING"])
		assert.Equal(t, false, c["OPENVIDU_WEBHOOK"])
	}
}

func TestUnknownRoutesAndMethods(t *testing.T) {
	s := newFake(t, openvidu2fake.Options{})
	for _, path := range []string{"/", "/elsewhere", api, api + "/", api + "/nope", api + "/sessions/x/y", api + "//sessions", "/api/sessions"} {
		r := get(t, s, path)
		assert.Equal(t, http.StatusNotFound, r.status, path)
		assert.EqualValues(t, 404, r.json(t)["status"], "Spring Boot's error body for %s", path)
	}
	r := do(t, s, request{method: http.MethodPut, path: api + "/sessions"})
	assert.Equal(t, http.StatusMethodNotAllowed, r.status)
	assert.Equal(t, "GET, POST", r.header.Get("Allow"))
	r = do(t, s, request{method: http.MethodPost, path: api + "/config"})
	assert.Equal(t, http.StatusMethodNotAllowed, r.status)
	r = do(t, s, request{method: http.MethodHead, path: api + "/config"})
	assert.Equal(t, http.StatusOK, r.status)
}

func TestLegacyPathsOnlyWithLegacy(t *testing.T) {
	modern := newFake(t, openvidu2fake.Options{})
	assert.Equal(t, http.StatusNotFound, get(t, modern, "/api/sessions").status)
	assert.Equal(t, http.StatusNotFound, post(t, modern, "/api/sessions", map[string]any{}).status)
	assert.Empty(t, modern.Sessions())

	legacy := newFake(t, openvidu2fake.Options{Legacy: true})
	r := post(t, legacy, "/api/sessions", map[string]any{"customSessionId": "old"})
	require.Equal(t, http.StatusOK, r.status)
	assert.Equal(t, "old", r.json(t)["id"])
	assert.Equal(t, http.StatusOK, get(t, legacy, api+"/sessions/old").status, "same state under both prefixes")
	assert.Equal(t, http.StatusOK, get(t, legacy, "/api/config").status)
	assert.Equal(t, http.StatusNoContent, del(t, legacy, "/api/sessions/old").status)
	assert.Equal(t, http.StatusNotFound, get(t, legacy, api+"/sessions/old").status)
}
