package main

import (
	"fmt"
	"net/http"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	video "github.com/teleconsult/video"
)

// The doctor schedules the appointment; a token before joining opens says when it opens; the
// patient answers about recording; the doctor's status shows attendance and no-shows, the
// patient's their own.
func TestScheduleConsentAndAttendanceThroughTheAPI(t *testing.T) {
	h := newHarness(t, testConfig())
	start := time.Now().Add(2 * time.Hour).UTC().Truncate(time.Second)
	body := fmt.Sprintf(`{"start":%q,"end":%q}`, start.Format(time.RFC3339), start.Add(30*time.Minute).Format(time.RFC3339))
	status, out := h.call(t, "PUT", "/appointments/7/video/schedule", "pat", video.RolePatient, body)
	assert.Equal(t, http.StatusForbidden, status, "only the doctor schedules")
	status, out = h.call(t, "PUT", "/appointments/7/video/schedule", "dr", video.RoleDoctor, body)
	require.Equal(t, http.StatusOK, status, out)
	status, out = h.call(t, "PUT", "/appointments/7/video/schedule", "dr", video.RoleDoctor, `{"start":"2026-01-01T10:00:00Z","end":"2026-01-01T09:00:00Z"}`)
	assert.Equal(t, http.StatusBadRequest, status)
	_, field := errCode(out)
	assert.Equal(t, "window", field)

	status, out = h.call(t, "POST", "/appointments/7/video/token", "pat", video.RolePatient, `{}`)
	require.Equal(t, http.StatusConflict, status)
	code, _ := errCode(out)
	assert.Equal(t, "too_early", code)
	e := out["error"].(map[string]any)
	assert.Equal(t, start.Add(-10*time.Minute).Format(time.RFC3339), e["opens"], "the answer says when joining opens")

	now := time.Now().UTC()
	body = fmt.Sprintf(`{"start":%q,"end":%q}`, now.Add(-time.Minute).Format(time.RFC3339), now.Add(time.Hour).Format(time.RFC3339))
	status, _ = h.call(t, "PUT", "/appointments/7/video/schedule", "dr", video.RoleDoctor, body)
	require.Equal(t, http.StatusOK, status)
	status, out = h.call(t, "POST", "/appointments/7/video/token", "pat", video.RolePatient, `{}`)
	require.Equal(t, http.StatusOK, status, out)

	status, _ = h.call(t, "POST", "/appointments/7/video/consent", "dr", video.RoleDoctor, `{"granted":true}`)
	assert.Equal(t, http.StatusForbidden, status, "a patient answers for themself")
	status, out = h.call(t, "POST", "/appointments/7/video/consent", "pat", video.RolePatient, `{}`)
	assert.Equal(t, http.StatusBadRequest, status, out)
	status, _ = h.call(t, "POST", "/appointments/7/video/consent", "pat", video.RolePatient, `{"granted":true}`)
	require.Equal(t, http.StatusNoContent, status)

	status, out = h.call(t, "GET", "/appointments/7/video/status", "dr", video.RoleDoctor, ``)
	require.Equal(t, http.StatusOK, status)
	require.Len(t, out["consents"], 1)
	att := out["attendance"].([]any)
	require.Len(t, att, 1)
	assert.Equal(t, "unknown", att[0].(map[string]any)["state"], "the example's providers send no events: unknown, not absent")
	status, out = h.call(t, "GET", "/appointments/7/video/status", "pat", video.RolePatient, ``)
	require.Equal(t, http.StatusOK, status)
	assert.NotNil(t, out["window"])
	assert.Equal(t, "pat", out["attendance"].(map[string]any)["user_id"], "the patient sees their own attendance")
	assert.Nil(t, out["consents"], "and not the record")
}
