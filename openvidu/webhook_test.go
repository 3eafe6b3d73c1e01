package openvidu_test

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/livekit/protocol/auth"
	"github.com/livekit/protocol/livekit"
	lksdk "github.com/livekit/server-sdk-go/v2"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	video "github.com/teleconsult/video"
	"github.com/teleconsult/video/internal/testserver"
)

func status(t *testing.T, svc *video.Service, appt string) *video.Consultation {
	t.Helper()
	c, err := svc.ConsultationStatus(context.Background(), appt)
	require.NoError(t, err)
	return c
}

func participant(c *video.Consultation, user string) video.ParticipantRecord {
	for _, p := range c.Participants {
		if p.UserID == user {
			return p
		}
	}
	return video.ParticipantRecord{}
}

func TestServerWebhooksUpdateTheConsultation(t *testing.T) {
	lk, relay := liveKit(t)
	svc := newService(t, serviceConfig(lk))
	relay.use(t, svc.WebhookHandler())
	c := ctx(t)

	pat, err := svc.GenerateMeetingToken(c, "appt-hook", "pat-6", video.RolePatient, video.UserInfo{})
	require.NoError(t, err)
	doc, err := svc.GenerateMeetingToken(c, "appt-hook", "doc-6", video.RoleDoctor, video.UserInfo{})
	require.NoError(t, err)
	p := mustJoin(t, pat)
	eventually(t, func() bool { return participant(status(t, svc, "appt-hook"), "pat-6").Online() }, "participant_joined reached the Service")
	assert.Equal(t, video.StatusWaiting, status(t, svc, "appt-hook").Status(), "a patient alone is waiting")

	mustJoin(t, doc)
	eventually(t, func() bool { return status(t, svc, "appt-hook").Status() == video.StatusInProgress }, "the doctor joining starts it")
	assert.Equal(t, "doc-6", status(t, svc, "appt-hook").StartedBy)

	p.room.Disconnect()
	eventually(t, func() bool {
		rec := participant(status(t, svc, "appt-hook"), "pat-6")
		return !rec.LeftAt.IsZero() && !rec.Online()
	}, "participant_left reached the Service")

	// The room closes on the server's side (as when its departure timeout runs out).
	rc := lksdk.NewRoomServiceClient(lk.HTTPURL, testserver.LiveKitAPIKey, testserver.LiveKitAPISecret)
	_, err = rc.DeleteRoom(c, &livekit.DeleteRoomRequest{Room: doc.Room})
	require.NoError(t, err)
	eventually(t, func() bool { return status(t, svc, "appt-hook").Status() == video.StatusEnded }, "room_finished ends it")
	assert.Equal(t, "provider", status(t, svc, "appt-hook").EndedBy)
	_, err = svc.GenerateMeetingToken(c, "appt-hook", "pat-6", video.RolePatient, video.UserInfo{})
	assert.ErrorIs(t, err, video.ErrConsultationEnded)
}

func TestRoomClosingBeforeTheStartEndsNothing(t *testing.T) {
	lk, relay := liveKit(t)
	svc := newService(t, serviceConfig(lk))
	var finished atomic.Int32
	relay.use(t, countEvents(svc.WebhookHandler(), "room_finished", &finished))
	c := ctx(t)
	pat, err := svc.GenerateMeetingToken(c, "appt-early", "pat-7", video.RolePatient, video.UserInfo{})
	require.NoError(t, err)
	mustJoin(t, pat)
	eventually(t, func() bool { return participant(status(t, svc, "appt-early"), "pat-7").Online() }, "joined")
	rc := lksdk.NewRoomServiceClient(lk.HTTPURL, testserver.LiveKitAPIKey, testserver.LiveKitAPISecret)
	_, err = rc.DeleteRoom(c, &livekit.DeleteRoomRequest{Room: pat.Room})
	require.NoError(t, err)
	eventually(t, func() bool { return finished.Load() > 0 }, "room_finished delivered")
	assert.Equal(t, video.StatusWaiting, status(t, svc, "appt-early").Status(), "a waiting room that closed does not end the consultation")
	_, err = svc.GenerateMeetingToken(c, "appt-early", "pat-7", video.RolePatient, video.UserInfo{})
	assert.NoError(t, err, "the patient can come back")
}

// countEvents passes webhooks to h and counts those whose body names event.
func countEvents(h http.Handler, event string, n *atomic.Int32) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		if strings.Contains(string(body), `"event":"`+event+`"`) {
			n.Add(1)
		}
		r.Body = io.NopCloser(bytes.NewReader(body))
		h.ServeHTTP(w, r)
	})
}

func TestTamperedWebhooksAreRefused(t *testing.T) {
	lk, relay := liveKit(t)
	svc := newService(t, serviceConfig(lk))
	handler := svc.WebhookHandler()
	relay.use(t, handler)
	c := ctx(t)
	tok, err := svc.GenerateMeetingToken(c, "appt-tamper", "doc-8", video.RoleDoctor, video.UserInfo{})
	require.NoError(t, err)
	mustJoin(t, tok)
	eventually(t, func() bool { return participant(status(t, svc, "appt-tamper"), "doc-8").Online() }, "a real webhook got through")
	body, header := relay.last()
	require.NotEmpty(t, body)
	require.NotEmpty(t, header.Get("Authorization"), "the server signs its webhooks")

	post := func(body []byte, authz string) int {
		req := httptest.NewRequest(http.MethodPost, "/webhook", bytes.NewReader(body))
		req.Header.Set("Content-Type", "application/webhook+json")
		if authz != "" {
			req.Header.Set("Authorization", authz)
		}
		rec := httptest.NewRecorder()
		handler.ServeHTTP(rec, req)
		return rec.Code
	}
	assert.Equal(t, http.StatusOK, post(body, header.Get("Authorization")), "a genuine delivery again is acknowledged (deduplicated)")
	tampered := bytes.Replace(body, []byte("doc-8"), []byte("doc-X"), 1)
	require.NotEqual(t, body, tampered)
	assert.Equal(t, http.StatusUnauthorized, post(tampered, header.Get("Authorization")), "a changed body")
	assert.Equal(t, http.StatusUnauthorized, post(body, ""), "no signature")
	forged := auth.NewAccessToken(testserver.LiveKitAPIKey, "not-the-secret")
	forgedJWT, err := forged.ToJWT()
	require.NoError(t, err)
	assert.Equal(t, http.StatusUnauthorized, post(body, forgedJWT), "signed with another secret")
	assert.Equal(t, 0, countUser(status(t, svc, "appt-tamper"), "doc-X"), "a refused event changes nothing")

	req := httptest.NewRequest(http.MethodGet, "/webhook", nil)
	rec := httptest.NewRecorder()
	handler.ServeHTTP(rec, req)
	assert.Equal(t, http.StatusMethodNotAllowed, rec.Code)
}

func countUser(c *video.Consultation, user string) int {
	n := 0
	for _, p := range c.Participants {
		if p.UserID == user {
			n++
		}
	}
	return n
}
