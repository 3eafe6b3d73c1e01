package openvidu_test

import (
	"bytes"
	"crypto/sha256"
	"encoding/base64"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/livekit/protocol/auth"

	video "github.com/teleconsult/video"
	"github.com/teleconsult/video/openvidu"
	"github.com/teleconsult/video/videotest"
)

// FuzzWebhook posts arbitrary bodies to the Service's webhook handler, correctly signed and
// unsigned: a signed body is acknowledged (200), refused as malformed (400) or, never, a
// crash; an unsigned one is always 401.
func FuzzWebhook(f *testing.F) {
	f.Add([]byte(`{"event":"participant_joined","room":{"name":"consult-x"},"participant":{"identity":"u","metadata":"{\"role\":\"doctor\"}"},"id":"EV_1","createdAt":"1700000000"}`))
	f.Add([]byte(`{"event":"egress_ended","egressInfo":{"egressId":"EG_1","roomName":"consult-x","status":"EGRESS_COMPLETE","fileResults":[{"location":"s3://x"}]}}`))
	f.Add([]byte(`{"event":"room_finished","room":{"name":"consult-x"}}`))
	f.Add([]byte(`not json`))
	cfg := openvidu.DefaultConfig()
	cfg.URL, cfg.APIKey, cfg.Secret = "ws://127.0.0.1:1", "key", "webhook-fuzz-secret-0123456789abcdef0123456789"
	p, err := openvidu.New(cfg)
	if err != nil {
		f.Fatal(err)
	}
	st := video.NewMemoryStore()
	now := time.Now()
	if _, _, err := st.Create(f.Context(), &video.Consultation{AppointmentID: "a1", Provider: openvidu.Name,
		Room: "consult-x", CreatedAt: now, StartedAt: now, StartedBy: "doc"}); err != nil {
		f.Fatal(err) // a consultation for the fuzzed events to touch
	}
	svc, err := video.New(videotest.Config(), []video.Provider{p}, video.WithStore(st))
	if err != nil {
		f.Fatal(err)
	}
	h := svc.WebhookHandler()
	f.Fuzz(func(t *testing.T, body []byte) {
		sum := sha256.Sum256(body)
		at := auth.NewAccessToken("key", "webhook-fuzz-secret-0123456789abcdef0123456789").SetValidFor(time.Minute)
		at.SetSha256(base64.StdEncoding.EncodeToString(sum[:]))
		signed, err := at.ToJWT()
		if err != nil {
			t.Fatal(err)
		}
		for _, authz := range []string{signed, ""} {
			req := httptest.NewRequest(http.MethodPost, "/webhook", bytes.NewReader(body))
			req.Header.Set("Content-Type", "application/webhook+json")
			if authz != "" {
				req.Header.Set("Authorization", authz)
			}
			rec := httptest.NewRecorder()
			h.ServeHTTP(rec, req)
			switch {
			case authz == "" && rec.Code != http.StatusUnauthorized:
				t.Fatalf("unsigned body answered %d", rec.Code)
			case authz != "" && rec.Code != http.StatusOK && rec.Code != http.StatusBadRequest:
				t.Fatalf("signed body answered %d: %s", rec.Code, rec.Body)
			}
		}
	})
}
