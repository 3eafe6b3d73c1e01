package main

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/livekit/protocol/livekit"
	lksdk "github.com/livekit/server-sdk-go/v2"
	"github.com/pion/webrtc/v4"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	video "github.com/teleconsult/video"
	"github.com/teleconsult/video/internal/testserver"
	"github.com/teleconsult/video/openvidu"
)

// swappable is a handler that can be installed after the server starts, so the
// livekit-server can be told the API's webhook URL before the API exists.
type swappable struct{ h atomic.Value }

func (s *swappable) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if h, ok := s.h.Load().(http.Handler); ok {
		h.ServeHTTP(w, r)
		return
	}
	http.Error(w, "starting", http.StatusServiceUnavailable)
}

// TestEndToEndWithARealServer runs the API against a real livekit-server, which posts its
// webhooks to the API. A doctor and a patient join as real participants with the server
// URLs and tokens the API returned.
func TestEndToEndWithARealServer(t *testing.T) {
	front := &swappable{}
	api := httptest.NewServer(front)
	defer api.Close()
	lk := testserver.StartLiveKit(t, testserver.LiveKitOptions{WebhookURL: api.URL + "/video/webhooks"})

	cfg := testConfig()
	ovCfg := openvidu.DefaultConfig()
	ovCfg.URL, ovCfg.APIKey, ovCfg.Secret = lk.URL, testserver.LiveKitAPIKey, testserver.LiveKitAPISecret
	ovCfg.WaitingRoom = true
	ov, err := openvidu.New(ovCfg)
	require.NoError(t, err)
	svc, err := video.New(cfg, []video.Provider{ov})
	require.NoError(t, err)
	defer svc.Close()
	front.h.Store(NewAPI(svc, HeaderAuth, Roster{"e2e": {"dr": video.RoleDoctor, "pat": video.RolePatient}}.Authorize))

	post := func(path, user string, role video.Role, body string) (int, map[string]any) {
		req, _ := http.NewRequest("POST", api.URL+path, strings.NewReader(body))
		req.Header.Set("X-User-ID", user)
		req.Header.Set("X-User-Role", string(role))
		resp, err := http.DefaultClient.Do(req)
		require.NoError(t, err)
		defer resp.Body.Close()
		var out map[string]any
		b, _ := io.ReadAll(resp.Body)
		_ = json.Unmarshal(b, &out)
		return resp.StatusCode, out
	}
	status := func() map[string]any {
		req, _ := http.NewRequest("GET", api.URL+"/appointments/e2e/video/status", nil)
		req.Header.Set("X-User-ID", "dr")
		req.Header.Set("X-User-Role", "doctor")
		resp, err := http.DefaultClient.Do(req)
		require.NoError(t, err)
		defer resp.Body.Close()
		var out map[string]any
		require.NoError(t, json.NewDecoder(resp.Body).Decode(&out))
		return out
	}
	type joined struct {
		room         *lksdk.Room
		disconnected atomic.Bool
	}
	join := func(tok map[string]any) *joined {
		j := &joined{}
		cb := lksdk.NewRoomCallback()
		cb.OnDisconnected = func() { j.disconnected.Store(true) }
		room, err := lksdk.ConnectToRoomWithToken(tok["server_url"].(string), tok["token"].(string), cb, lksdk.WithAutoSubscribe(false))
		require.NoError(t, err)
		t.Cleanup(room.Disconnect)
		j.room = room
		return j
	}

	code, doc := post("/appointments/e2e/video/token", "dr", video.RoleDoctor, `{"display_name":"Dr. Smith"}`)
	require.Equal(t, http.StatusOK, code, doc)
	code, pat := post("/appointments/e2e/video/token", "pat", video.RolePatient, `{"display_name":"Jane"}`)
	require.Equal(t, http.StatusOK, code, pat)
	assert.Equal(t, doc["room"], pat["room"])
	assert.Equal(t, lk.URL, doc["server_url"])

	d, p := join(doc), join(pat)
	online := func(user string) bool {
		ps, _ := status()["participants"].([]any)
		for _, x := range ps {
			m := x.(map[string]any)
			if m["user_id"] == user {
				j, _ := time.Parse(time.RFC3339Nano, str(m["joined_at"]))
				l, _ := time.Parse(time.RFC3339Nano, str(m["left_at"]))
				return !j.IsZero() && j.After(l)
			}
		}
		return false
	}
	require.Eventually(t, func() bool { return online("dr") && online("pat") }, 15*time.Second, 20*time.Millisecond,
		"the server's webhooks reached the API")
	assert.Equal(t, "in_progress", status()["status"], "the doctor joining started the consultation")

	code, out := post("/appointments/e2e/video/admit", "dr", video.RoleDoctor, `{"participant_id":"pat"}`)
	require.Equal(t, http.StatusNoContent, code, out)
	require.Eventually(t, func() bool { return p.room.LocalParticipant.Permissions().GetCanPublish() }, 15*time.Second, 20*time.Millisecond)
	track, err := lksdk.NewLocalSampleTrack(webrtc.RTPCodecCapability{MimeType: webrtc.MimeTypeOpus, ClockRate: 48000, Channels: 2})
	require.NoError(t, err)
	_, err = p.room.LocalParticipant.PublishTrack(track, &lksdk.TrackPublicationOptions{Name: "mic", Source: livekit.TrackSource_MICROPHONE})
	require.NoError(t, err, "the admitted patient publishes")

	code, out = post("/appointments/e2e/video/end", "dr", video.RoleDoctor, ``)
	require.Equal(t, http.StatusOK, code, out)
	require.Eventually(t, func() bool { return d.disconnected.Load() && p.disconnected.Load() }, 15*time.Second, 20*time.Millisecond,
		"ending disconnects both")
	code, _ = post("/appointments/e2e/video/token", "pat", video.RolePatient, `{}`)
	assert.Equal(t, http.StatusConflict, code)

	// A forged webhook through the API is refused.
	resp, err := http.Post(api.URL+"/video/webhooks", "application/webhook+json", bytes.NewReader([]byte(`{"event":"room_finished"}`)))
	require.NoError(t, err)
	resp.Body.Close()
	assert.Equal(t, http.StatusUnauthorized, resp.StatusCode)
}

func str(v any) string { s, _ := v.(string); return s }

// startServe runs the example as main does, on Jitsi alone with the demo roster, with /metrics
// on metricsLn unless it is nil, and returns the API's URL once it answers, and stop, which
// ends it as a signal does and returns serve's error.
func startServe(t *testing.T, metricsLn net.Listener) (api string, stop func() error) {
	t.Helper()
	for _, k := range []string{"VIDEO_ROOM_KEY", "OPENVIDU_URL", "JITSI_DOMAIN", "VIDEO_ENV", "JITSI_HEALTH_PROBE", "VIDEO_STORE", "VIDEO_PROVIDER"} {
		t.Setenv(k, "")
		os.Unsetenv(k)
	}
	t.Setenv("VIDEO_ENV", "development")
	t.Setenv("JITSI_DOMAIN", "meet.example.com")
	t.Setenv("JITSI_HEALTH_PROBE", "off")
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() {
		done <- serve(ctx, ln, metricsLn, webDir(""), slog.New(slog.DiscardHandler), DemoRoster.Authorize)
	}()
	api = "http://" + ln.Addr().String()
	require.Eventually(t, func() bool {
		resp, err := http.Get(api + "/healthz")
		if err != nil {
			return false
		}
		resp.Body.Close()
		return resp.StatusCode == http.StatusOK
	}, 10*time.Second, 10*time.Millisecond)
	var once sync.Once
	var serveErr error
	stop = func() error {
		once.Do(func() { cancel(); serveErr = <-done })
		return serveErr
	}
	t.Cleanup(func() { _ = stop() })
	return api, stop
}

func TestServeShutsDownGracefully(t *testing.T) {
	api, stop := startServe(t, nil)
	require.NoError(t, stop(), "a signal ends the server cleanly")
	_, err := http.Get(api + "/healthz")
	assert.Error(t, err, "nothing listens after shutdown")
}
