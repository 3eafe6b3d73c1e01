package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	video "github.com/teleconsult/video"
	"github.com/teleconsult/video/videotest"
)

type harness struct {
	srv    *httptest.Server
	ov, jt *videotest.Provider
	svc    *video.Service
}

func testConfig() video.Config {
	cfg := video.DefaultConfig()
	cfg.RoomKey = "the appointments API's test key, 32+ bytes"
	return cfg
}

// testRoster is who takes part in the tests' appointments.
var testRoster = Roster{
	"42":  {"dr-1": video.RoleDoctor, "pat-1": video.RolePatient, "dr": video.RoleDoctor, "u": video.RolePatient},
	"7":   {"dr": video.RoleDoctor, "pat": video.RolePatient},
	"9":   {"dr": video.RoleDoctor},
	"404": {"dr": video.RoleDoctor, "u": video.RolePatient},
	"a b": {"u": video.RolePatient},
	"1":   {"u": video.RolePatient},
}

func newHarness(t *testing.T, cfg video.Config) *harness {
	h := &harness{ov: videotest.NewProvider("openvidu"), jt: videotest.NewProvider("jitsi")}
	// Plain: providers with no waiting room and no webhooks, as Jitsi is.
	svc, err := video.New(cfg, []video.Provider{videotest.Plain(h.ov), videotest.Plain(h.jt)})
	require.NoError(t, err)
	t.Cleanup(func() { svc.Close() })
	h.svc = svc
	h.srv = httptest.NewServer(NewAPI(svc, HeaderAuth, testRoster.Authorize))
	t.Cleanup(h.srv.Close)
	return h
}

// call sends a request as user/role (none when user is "") and decodes the JSON answer.
func (h *harness) call(t *testing.T, method, path, user string, role video.Role, body string) (int, map[string]any) {
	t.Helper()
	req, err := http.NewRequest(method, h.srv.URL+path, strings.NewReader(body))
	require.NoError(t, err)
	if user != "" {
		req.Header.Set("X-User-ID", user)
		req.Header.Set("X-User-Role", string(role))
	}
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	var out map[string]any
	if resp.StatusCode != http.StatusNoContent {
		require.Equal(t, "application/json", resp.Header.Get("Content-Type"))
		require.NoError(t, json.NewDecoder(resp.Body).Decode(&out))
	}
	return resp.StatusCode, out
}

func errCode(out map[string]any) (code, field string) {
	e, _ := out["error"].(map[string]any)
	code, _ = e["code"].(string)
	field, _ = e["field"].(string)
	return code, field
}

func TestTokenEndpoint(t *testing.T) {
	h := newHarness(t, testConfig())
	status, out := h.call(t, "POST", "/appointments/42/video/token", "dr-1", video.RoleDoctor, `{"display_name":"Dr. Smith","email":"dr@example.com"}`)
	require.Equal(t, http.StatusOK, status, out)
	assert.Equal(t, "openvidu", out["provider"])
	assert.Equal(t, "doctor", out["role"])
	assert.NotEmpty(t, out["token"])
	assert.NotEmpty(t, out["join_url"])
	assert.NotEmpty(t, out["expires_at"])
	req, ok := h.ov.Lookup(out["token"].(string))
	require.True(t, ok)
	assert.Equal(t, "Dr. Smith", req.Info.DisplayName)

	status, out = h.call(t, "POST", "/appointments/42/video/token", "pat-1", video.RolePatient, `{"user_id":"pat-1","role":"patient"}`)
	require.Equal(t, http.StatusOK, status, out)
	assert.Equal(t, "patient", out["role"])
	status, _ = h.call(t, "POST", "/appointments/42/video/token", "pat-1", video.RolePatient, ``)
	assert.Equal(t, http.StatusOK, status, "the body is optional")
}

func TestErrorStatuses(t *testing.T) {
	h := newHarness(t, testConfig())
	cases := []struct {
		name, method, path, user string
		role                     video.Role
		body                     string
		status                   int
		code, field              string
	}{
		{"no identity", "POST", "/appointments/42/video/token", "", "", `{}`, 401, "unauthenticated", ""},
		{"unknown role header", "POST", "/appointments/42/video/token", "u", "nurse", `{}`, 403, "forbidden", "X-User-Role"},
		{"a stranger", "GET", "/appointments/42/video/status", "pat-999", video.RolePatient, ``, 403, "forbidden", ""},
		{"a patient claiming the doctor's role header", "POST", "/appointments/42/video/start", "pat-1", video.RoleDoctor, ``, 403, "forbidden", ""},
		{"malformed body", "POST", "/appointments/42/video/token", "u", video.RolePatient, `{"display_name":`, 400, "invalid_argument", "body"},
		{"unknown field", "POST", "/appointments/42/video/token", "u", video.RolePatient, `{"nick":"x"}`, 400, "invalid_argument", "body"},
		{"trailing data", "POST", "/appointments/42/video/token", "u", video.RolePatient, `{"display_name":"x"} {"role":"doctor"}`, 400, "invalid_argument", "body"},
		{"bad email", "POST", "/appointments/42/video/token", "u", video.RolePatient, `{"email":"nope"}`, 400, "invalid_argument", "userInfo.email"},
		{"bad appointment id", "POST", "/appointments/a%20b/video/token", "u", video.RolePatient, `{}`, 400, "invalid_argument", "appointmentID"},
		{"someone else's token", "POST", "/appointments/42/video/token", "u", video.RolePatient, `{"user_id":"other"}`, 403, "forbidden", "user_id"},
		{"patient escalates role", "POST", "/appointments/42/video/token", "u", video.RolePatient, `{"role":"doctor"}`, 403, "forbidden", "role"},
		{"patient starts", "POST", "/appointments/42/video/start", "u", video.RolePatient, ``, 403, "forbidden", "role"},
		{"patient ends", "POST", "/appointments/42/video/end", "u", video.RolePatient, ``, 403, "forbidden", "role"},
		{"unknown appointment status", "GET", "/appointments/404/video/status", "u", video.RolePatient, ``, 404, "not_found", ""},
		{"unknown appointment end", "POST", "/appointments/404/video/end", "dr", video.RoleDoctor, ``, 404, "not_found", ""},
		{"issue on unknown appointment", "POST", "/appointments/404/video/issues", "u", video.RolePatient, `{"category":"audio"}`, 404, "not_found", ""},
		{"bad issue category", "POST", "/appointments/42/video/issues", "u", video.RolePatient, `{"category":"smell"}`, 400, "invalid_argument", "issue.category"},
		{"patient admits", "POST", "/appointments/42/video/admit", "u", video.RolePatient, `{"participant_id":"p"}`, 403, "forbidden", "role"},
		{"admit without participant", "POST", "/appointments/42/video/admit", "dr", video.RoleDoctor, `{}`, 400, "invalid_argument", "participantID"},
		{"admit on a provider without a waiting room", "POST", "/appointments/42/video/admit", "dr", video.RoleDoctor, `{"participant_id":"p"}`, 501, "unsupported", ""},
		{"an unknown route", "GET", "/appointments/42/video/nothing", "dr", video.RoleDoctor, ``, 404, "not_found", ""},
		{"a wrong method", "DELETE", "/appointments/42/video/token", "dr", video.RoleDoctor, ``, 405, "method_not_allowed", ""},
		{"an unsigned webhook", "POST", "/video/webhooks", "", "", `{}`, 404, "not_found", ""},
	}
	h.call(t, "POST", "/appointments/42/video/token", "dr", video.RoleDoctor, `{}`)
	for _, tc := range cases {
		status, out := h.call(t, tc.method, tc.path, tc.user, tc.role, tc.body)
		assert.Equal(t, tc.status, status, "%s: %v", tc.name, out)
		code, field := errCode(out)
		assert.Equal(t, tc.code, code, tc.name)
		assert.Equal(t, tc.field, field, tc.name)
		msg, _ := out["error"].(map[string]any)["message"].(string)
		assert.NotEmpty(t, msg, tc.name)
		assert.NotContains(t, msg, strings.ReplaceAll(tc.code, "_", " "), "%s: the message repeats the code", tc.name)
	}

	big := `{"display_name":"` + strings.Repeat("x", 20<<10) + `"}`
	status, out := h.call(t, "POST", "/appointments/42/video/token", "u", video.RolePatient, big)
	assert.Equal(t, http.StatusRequestEntityTooLarge, status, out)
}

func TestLifecycleThroughTheAPI(t *testing.T) {
	h := newHarness(t, testConfig())
	status, _ := h.call(t, "POST", "/appointments/7/video/token", "pat", video.RolePatient, `{}`)
	require.Equal(t, 200, status)
	status, out := h.call(t, "GET", "/appointments/7/video/status", "pat", video.RolePatient, ``)
	require.Equal(t, 200, status)
	assert.Equal(t, "waiting", out["status"])

	status, out = h.call(t, "POST", "/appointments/7/video/start", "dr", video.RoleDoctor, ``)
	require.Equal(t, 200, status, out)
	assert.Equal(t, "in_progress", out["status"])

	status, _ = h.call(t, "POST", "/appointments/7/video/issues", "pat", video.RolePatient, `{"category":"audio","description":"echo"}`)
	require.Equal(t, http.StatusNoContent, status)

	status, out = h.call(t, "POST", "/appointments/7/video/end", "dr", video.RoleDoctor, ``)
	require.Equal(t, 200, status, out)
	assert.Equal(t, "ended", out["status"])
	assert.Len(t, out["issues"], 1)

	status, out = h.call(t, "POST", "/appointments/7/video/token", "pat", video.RolePatient, `{}`)
	assert.Equal(t, http.StatusConflict, status)
	code, _ := errCode(out)
	assert.Equal(t, "consultation_ended", code)
}

func TestAllProvidersDownIs503(t *testing.T) {
	h := newHarness(t, testConfig())
	h.ov.SetHealthy(false)
	h.jt.SetHealthy(false)
	status, out := h.call(t, "POST", "/appointments/9/video/token", "dr", video.RoleDoctor, `{}`)
	assert.Equal(t, http.StatusServiceUnavailable, status)
	code, _ := errCode(out)
	assert.Equal(t, "all_providers_failed", code)

	status, out = h.call(t, "GET", "/healthz", "", "", ``)
	assert.Equal(t, http.StatusServiceUnavailable, status)
	assert.Equal(t, false, out["healthy"])
}

func TestHealthz(t *testing.T) {
	h := newHarness(t, testConfig())
	status, out := h.call(t, "GET", "/healthz", "", "", ``)
	assert.Equal(t, http.StatusOK, status)
	assert.Equal(t, true, out["healthy"])
	assert.Len(t, out["providers"], 2)
}

func TestWebhooksWithoutAProviderThatSendsThem(t *testing.T) {
	h := newHarness(t, testConfig())
	resp, err := http.Post(h.srv.URL+"/video/webhooks", "application/json", bytes.NewReader([]byte(`{}`)))
	require.NoError(t, err)
	resp.Body.Close()
	assert.Equal(t, http.StatusNotFound, resp.StatusCode)
}

func TestDisabledIs503(t *testing.T) {
	cfg := testConfig()
	cfg.Enabled = false
	svc, err := video.New(cfg, []video.Provider{})
	require.NoError(t, err)
	defer svc.Close()
	srv := httptest.NewServer(NewAPI(svc, HeaderAuth, testRoster.Authorize))
	defer srv.Close()
	req, _ := http.NewRequest("POST", srv.URL+"/appointments/1/video/token", nil)
	req.Header.Set("X-User-ID", "u")
	req.Header.Set("X-User-Role", "patient")
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	resp.Body.Close()
	assert.Equal(t, http.StatusServiceUnavailable, resp.StatusCode)
}

func TestEveryErrorKindHasAStatus(t *testing.T) {
	for _, kind := range []error{video.ErrInvalidArgument, video.ErrForbidden, video.ErrNotFound, video.ErrConsultationEnded,
		video.ErrConflict, video.ErrUnsupported, video.ErrAllProvidersFailed, video.ErrUnavailable, video.ErrStore,
		video.ErrDisabled, video.ErrClosed, video.ErrUnauthenticated, video.ErrInvalidConfig} {
		rec := httptest.NewRecorder()
		writeError(rec, &video.Error{Op: "x", Kind: kind, Err: fmt.Errorf("cause: %w", video.ErrUnauthenticated)})
		assert.Equal(t, statusOf[kind].status, rec.Code, "%v", kind)
	}
	rec := httptest.NewRecorder()
	writeError(rec, errors.New("something else"))
	assert.Equal(t, http.StatusInternalServerError, rec.Code)
}

// Admitting over HTTP: 404 for anyone who is not a waiting patient of this appointment's room,
// 204 once they are there, 409 after the end; and an unsigned webhook is a JSON 401.
func TestAdmitAndWebhookAnswers(t *testing.T) {
	ov := videotest.NewProvider("openvidu")
	cfg := testConfig()
	cfg.Policy.WaitingRoom = true
	svc, err := video.New(cfg, []video.Provider{ov})
	require.NoError(t, err)
	defer svc.Close()
	h := &harness{ov: ov, svc: svc, srv: httptest.NewServer(NewAPI(svc, HeaderAuth, testRoster.Authorize))}
	defer h.srv.Close()

	status, tok := h.call(t, "POST", "/appointments/42/video/token", "pat-1", video.RolePatient, `{}`)
	require.Equal(t, http.StatusOK, status)
	for name, body := range map[string]string{
		"no token for this appointment": `{"participant_id":"pat-999"}`,
		"a token but not in the room":   `{"participant_id":"pat-1"}`,
	} {
		status, out := h.call(t, "POST", "/appointments/42/video/admit", "dr-1", video.RoleDoctor, body)
		assert.Equal(t, http.StatusNotFound, status, "%s: %v", name, out)
		code, field := errCode(out)
		assert.Equal(t, "not_found", code, name)
		assert.Equal(t, "participantID", field, name)
	}
	require.NoError(t, ov.Join(tok["token"].(string)))
	status, out := h.call(t, "POST", "/appointments/42/video/admit", "dr-1", video.RoleDoctor, `{"participant_id":"pat-1"}`)
	assert.Equal(t, http.StatusNoContent, status, out)
	status, out = h.call(t, "POST", "/appointments/42/video/end", "dr-1", video.RoleDoctor, ``)
	require.Equal(t, http.StatusOK, status, out)
	status, out = h.call(t, "POST", "/appointments/42/video/admit", "dr-1", video.RoleDoctor, `{"participant_id":"pat-1"}`)
	assert.Equal(t, http.StatusConflict, status, out)

	status, out = h.call(t, "POST", "/video/webhooks", "", "", `{"id":"x","kind":"room_finished","room":"r"}`)
	assert.Equal(t, http.StatusUnauthorized, status, out)
	code, _ := errCode(out)
	assert.Equal(t, "unauthenticated", code)
}

// A patient sees where the consultation stands, not who else is in it or what others reported.
func TestStatusForANonDoctorIsFiltered(t *testing.T) {
	h := newHarness(t, testConfig())
	h.call(t, "POST", "/appointments/7/video/token", "dr", video.RoleDoctor, `{}`)
	h.call(t, "POST", "/appointments/7/video/token", "pat", video.RolePatient, `{}`)
	h.call(t, "POST", "/appointments/7/video/issues", "dr", video.RoleDoctor, `{"category":"other","description":"a note about the patient"}`)
	status, pat := h.call(t, "GET", "/appointments/7/video/status", "pat", video.RolePatient, ``)
	require.Equal(t, http.StatusOK, status)
	assert.Equal(t, "waiting", pat["status"])
	for _, hidden := range []string{"participants", "issues", "recordings", "migrations", "room"} {
		assert.NotContains(t, pat, hidden)
	}
	status, doc := h.call(t, "GET", "/appointments/7/video/status", "dr", video.RoleDoctor, ``)
	require.Equal(t, http.StatusOK, status)
	assert.Len(t, doc["participants"], 2, "the doctor sees the whole record")
	assert.Len(t, doc["issues"], 1)
}
