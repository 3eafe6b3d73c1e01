package main

import (
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestTheJoinPageConnectsOnlyToItsServer: the page's policy allows connections to its own
// origin and the configured LiveKit server alone, sends no referrer and is not cached; its
// configuration names that server; a server URL that is not ws(s) names none.
func TestTheJoinPageConnectsOnlyToItsServer(t *testing.T) {
	next := http.NotFoundHandler()
	for _, tc := range []struct{ server, want, config string }{
		{"wss://lk.example.com", "connect-src 'self' wss://lk.example.com https://lk.example.com;", `{"server_url":"wss://lk.example.com"}`},
		{"ws://127.0.0.1:7880", "connect-src 'self' ws://127.0.0.1:7880 http://127.0.0.1:7880;", `{"server_url":"ws://127.0.0.1:7880"}`},
		{"", "connect-src 'self';", `{"server_url":""}`},
		{"javascript:alert(1)", "connect-src 'self';", `{"server_url":""}`},
	} {
		h := JoinPage(next, t.TempDir(), tc.server)
		w := httptest.NewRecorder()
		h.ServeHTTP(w, httptest.NewRequest(http.MethodGet, "/join", nil))
		require.Equal(t, http.StatusOK, w.Code)
		csp := w.Header().Get("Content-Security-Policy")
		assert.Contains(t, csp, tc.want, tc.server)
		assert.Contains(t, csp, "script-src 'self';")
		assert.Equal(t, "no-referrer", w.Header().Get("Referrer-Policy"))
		assert.Equal(t, "no-store", w.Header().Get("Cache-Control"))
		assert.Contains(t, w.Body.String(), "/assets/livekit-client.umd.js")

		w = httptest.NewRecorder()
		h.ServeHTTP(w, httptest.NewRequest(http.MethodGet, "/join/config", nil))
		assert.JSONEq(t, tc.config, w.Body.String())

		w = httptest.NewRecorder()
		h.ServeHTTP(w, httptest.NewRequest(http.MethodGet, "/assets/livekit-client.umd.js", nil))
		assert.Equal(t, http.StatusServiceUnavailable, w.Code, "not installed in an empty directory")
		assert.Contains(t, w.Body.String(), "npm ci --prefix examples/appointments/web")
	}
}
