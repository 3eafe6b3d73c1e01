package openvidu_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	video "github.com/teleconsult/video"
	"github.com/teleconsult/video/internal/openvidu2fake"
	"github.com/teleconsult/video/openvidu"
	"github.com/teleconsult/video/videotest"
)

// The OpenVidu 2 tests run against the fake, whose dialect the official Node client checks
// (internal/openvidu2fake). Its secret is short, as OpenVidu 2's often are.
const (
	v2Secret        = "MY_SECRET"
	v2WebhookSecret = "Bearer the-webhook-secret-0123456789abcdef"
)

// newV2 returns a provider speaking OpenVidu 2's API to a fresh fake, configured as the
// original design's environment is: a URL and a secret, no API key.
func newV2(t *testing.T, opts openvidu2fake.Options, tune ...func(*openvidu.Config)) (*openvidu.Provider, *openvidu2fake.Server) {
	t.Helper()
	fake := openvidu2fake.New(v2Secret, opts)
	t.Cleanup(fake.Close)
	cfg := openvidu.DefaultConfig()
	cfg.URL, cfg.Secret, cfg.WebhookSecret = fake.URL, v2Secret, v2WebhookSecret
	for _, f := range tune {
		f(&cfg)
	}
	require.True(t, cfg.UsesV2())
	p, err := openvidu.New(cfg)
	require.NoError(t, err)
	return p, fake
}

// connectionOf finds the fake's connection a token was issued for.
func connectionOf(t *testing.T, fake *openvidu2fake.Server, token string) (string, openvidu2fake.Connection) {
	t.Helper()
	for _, s := range fake.Sessions() {
		for _, c := range fake.Connections(s) {
			if c.Token == token {
				return s, c
			}
		}
	}
	t.Fatalf("the server issued no such token")
	return "", openvidu2fake.Connection{}
}

// deleteConnection plays a participant leaving: the server drops its connection.
func deleteConnection(t *testing.T, fake *openvidu2fake.Server, session, id string) {
	req, err := http.NewRequest(http.MethodDelete, fake.URL+"/openvidu/api/sessions/"+session+"/connection/"+id, nil)
	require.NoError(t, err)
	req.SetBasicAuth("OPENVIDUAPP", v2Secret)
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	resp.Body.Close()
}

func TestV2ProviderConforms(t *testing.T) {
	var fake *openvidu2fake.Server
	videotest.RunProviderTests(t, videotest.ProviderHarness{
		New: func(t *testing.T) video.Provider {
			p, f := newV2(t, openvidu2fake.Options{Edition: "pro"})
			fake = f
			return p
		},
		// The token is the server's: the role it was made with is what it grants.
		Decode: func(t *testing.T, tok *video.Token) video.Grants {
			_, c := connectionOf(t, fake, tok.Token)
			switch c.Role {
			case "MODERATOR":
				return video.Grants{Moderator: true, Publish: true, Subscribe: true}
			case "PUBLISHER":
				return video.Grants{Publish: true, Subscribe: true}
			}
			return video.Grants{Subscribe: true}
		},
		// Three nested roles carry publishing; every role subscribes, and a moderator's rights
		// are checked by TestV2Roles with the grant sets the Service makes.
		Carries: video.Grants{Publish: true},
		Join: func(t *testing.T, tok *video.Token) func() {
			s, c := connectionOf(t, fake, tok.Token)
			require.NoError(t, fake.Activate(s, c.ID))
			return func() { deleteConnection(t, fake, s, c.ID) }
		},
	})
}

// TestV2Roles: the Service's grant sets become OpenVidu 2's roles, and the connection's data
// names the participant (with no email unless the Service passes one).
func TestV2Roles(t *testing.T) {
	p, fake := newV2(t, openvidu2fake.Options{})
	ctx := context.Background()
	for _, tc := range []struct {
		role   video.Role
		grants video.Grants
		want   string
	}{
		{video.RoleDoctor, video.Grants{Moderator: true, Publish: true, Subscribe: true, PublishData: true, ScreenShare: true}, "MODERATOR"},
		{video.RolePatient, video.Grants{Publish: true, Subscribe: true, PublishData: true}, "PUBLISHER"},
		{video.RolePatient, video.Grants{Publish: true, Subscribe: true, PublishData: true, Waiting: true}, "SUBSCRIBER"},
		{video.RoleObserver, video.Grants{Subscribe: true, Hidden: true}, "SUBSCRIBER"},
		{video.RoleDoctor, video.Grants{Moderator: true}, "SUBSCRIBER"}, // a moderator who may not publish
	} {
		tok, err := p.IssueToken(ctx, video.TokenRequest{Room: "consult-roles", UserID: "u-" + string(tc.role), Role: tc.role,
			Grants: tc.grants, Info: video.UserInfo{DisplayName: "Dr Who"}, TTL: time.Hour})
		require.NoError(t, err)
		assert.True(t, strings.HasPrefix(tok.Token, "wss://") && strings.Contains(tok.Token, "tok_"), "the server's token")
		_, c := connectionOf(t, fake, tok.Token)
		assert.Equal(t, tc.want, c.Role, "%s %+v", tc.role, tc.grants)
		assert.Equal(t, "WEBRTC", c.Type)
		assert.JSONEq(t, fmt.Sprintf(`{"user_id":"u-%s","name":"Dr Who","role":"%s"}`, tc.role, tc.role), c.Data)
	}
}

// Every token is a new connection: single-use tokens, one per request, and a session the
// server no longer has is created again.
func TestV2TokensAreTheServers(t *testing.T) {
	p, fake := newV2(t, openvidu2fake.Options{})
	ctx := context.Background()
	req := video.TokenRequest{Room: "consult-a", UserID: "pat", Role: video.RolePatient, Grants: video.Grants{Publish: true}, TTL: time.Hour}
	a, err := p.IssueToken(ctx, req)
	require.NoError(t, err)
	b, err := p.IssueToken(ctx, req)
	require.NoError(t, err)
	assert.NotEqual(t, a.Token, b.Token, "each request, its own single-use token")
	assert.Len(t, fake.Connections("consult-a"), 2)
	require.NoError(t, p.EndRoom(ctx, "consult-a"))
	assert.Empty(t, fake.Sessions())
	_, err = p.IssueToken(ctx, req)
	require.NoError(t, err, "a session the server closed is created again")
	assert.Equal(t, []string{"consult-a"}, fake.Sessions())
	_, err = p.IssueToken(ctx, video.TokenRequest{Room: "consult a/b", UserID: "pat", Role: video.RolePatient, TTL: time.Hour})
	assert.ErrorIs(t, err, video.ErrInvalidArgument, "OpenVidu 2 session IDs are [a-zA-Z0-9_-]+")
}

func TestV2AdmitNeedsPro(t *testing.T) {
	p, fake := newV2(t, openvidu2fake.Options{Edition: "ce"})
	ctx := context.Background()
	tok, err := p.IssueToken(ctx, video.TokenRequest{Room: "consult-w", UserID: "pat", Role: video.RolePatient,
		Grants: video.Grants{Publish: true, Subscribe: true, Waiting: true}, TTL: time.Hour})
	require.NoError(t, err)
	s, c := connectionOf(t, fake, tok.Token)
	require.NoError(t, fake.Activate(s, c.ID))
	err = p.Admit(ctx, "consult-w", "pat")
	assert.ErrorIs(t, err, video.ErrUnsupported, "CE cannot change a connection's role")
	assert.Contains(t, err.Error(), "PRO")
	_, c = connectionOf(t, fake, tok.Token)
	assert.Equal(t, "SUBSCRIBER", c.Role, "nothing changed")

	pro, fake := newV2(t, openvidu2fake.Options{Edition: "pro"})
	tok, err = pro.IssueToken(ctx, video.TokenRequest{Room: "consult-w", UserID: "pat", Role: video.RolePatient,
		Grants: video.Grants{Publish: true, Subscribe: true, Waiting: true}, TTL: time.Hour})
	require.NoError(t, err)
	s, c = connectionOf(t, fake, tok.Token)
	require.NoError(t, fake.Activate(s, c.ID))
	require.NoError(t, pro.Admit(ctx, "consult-w", "pat"))
	require.NoError(t, pro.Admit(ctx, "consult-w", "pat"), "admitting again (a retry after a timeout) is not an error")
	_, c = connectionOf(t, fake, tok.Token)
	assert.Equal(t, "PUBLISHER", c.Role)
}

func TestV2Recording(t *testing.T) {
	ctx := context.Background()
	off, _ := newV2(t, openvidu2fake.Options{Recording: false})
	require.NoError(t, off.CreateRoom(ctx, "consult-r"))
	_, err := off.StartRecording(ctx, "consult-r")
	assert.ErrorIs(t, err, video.ErrUnsupported, "recording disabled on the server (501)")
	assert.Contains(t, err.Error(), "OPENVIDU_RECORDING=true")

	p, fake := newV2(t, openvidu2fake.Options{Recording: true})
	_, err = p.StartRecording(ctx, "consult-none")
	assert.ErrorIs(t, err, video.ErrNotFound, "no such session (404)")
	tok, err := p.IssueToken(ctx, video.TokenRequest{Room: "consult-r", UserID: "doc", Role: video.RoleDoctor,
		Grants: video.Grants{Moderator: true, Publish: true}, TTL: time.Hour})
	require.NoError(t, err)
	_, err = p.StartRecording(ctx, "consult-r")
	assert.ErrorIs(t, err, video.ErrInvalidArgument, "nobody connected yet (406)")
	assert.Contains(t, err.Error(), "nobody is connected")
	s, c := connectionOf(t, fake, tok.Token)
	require.NoError(t, fake.Activate(s, c.ID))
	rec, err := p.StartRecording(ctx, "consult-r")
	require.NoError(t, err)
	assert.Equal(t, video.RecordingActive, rec.Status)
	assert.Equal(t, openvidu.Name, rec.Provider)
	assert.False(t, rec.StartedAt.IsZero())
	_, err = p.StartRecording(ctx, "consult-r")
	assert.ErrorIs(t, err, video.ErrInvalidArgument, "already recording (409)")
	assert.Contains(t, err.Error(), "already being recorded")
	stopped, err := p.StopRecording(ctx, rec.ID)
	require.NoError(t, err)
	assert.Equal(t, rec.ID, stopped.ID)
	_, err = p.StopRecording(ctx, rec.ID)
	assert.ErrorIs(t, err, video.ErrNotFound, "stopped already (404)")
}

func TestV2Health(t *testing.T) {
	ctx := context.Background()
	p, _ := newV2(t, openvidu2fake.Options{})
	assert.NoError(t, p.Check(ctx))

	bad, _ := newV2(t, openvidu2fake.Options{}, func(c *openvidu.Config) { c.Secret = "WRONG" })
	err := bad.Check(ctx)
	assert.ErrorIs(t, err, video.ErrUnauthenticated, "refused credentials: misconfigured, not down")
	assert.Contains(t, err.Error(), "OPENVIDU_SECRET")
	assert.NotContains(t, err.Error(), "WRONG")

	legacy, _ := newV2(t, openvidu2fake.Options{Legacy: true}, func(c *openvidu.Config) { c.LegacyPaths = true })
	assert.NoError(t, legacy.Check(ctx), "the /api paths, behind OPENVIDU_LEGACY_API")
	notLegacy, _ := newV2(t, openvidu2fake.Options{}, func(c *openvidu.Config) { c.LegacyPaths = true })
	err = notLegacy.Check(ctx)
	assert.ErrorIs(t, err, video.ErrInvalidConfig, "OpenVidu 2.23 and later serve no /api paths")
	assert.Contains(t, err.Error(), "OPENVIDU_LEGACY_API")

	// An outage of a server that also serves the v2 API (OpenVidu 3 PRO) is an outage, not a
	// configuration error.
	outage := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/openvidu/api/config" {
			w.WriteHeader(http.StatusUnauthorized)
			return
		}
		w.WriteHeader(http.StatusServiceUnavailable)
	}))
	defer outage.Close()
	cfg := openvidu.DefaultConfig()
	cfg.URL, cfg.APIKey, cfg.Secret = outage.URL, "key", "a-livekit-secret-of-32-bytes-or-more-0123"
	lkp, err := openvidu.New(cfg)
	require.NoError(t, err)
	err = lkp.Check(ctx)
	require.Error(t, err)
	assert.NotErrorIs(t, err, video.ErrInvalidConfig)
	assert.Contains(t, err.Error(), "503")
}

// A server that answers like the other API: the health error says what to set.
func TestTheOtherAPIIsNamed(t *testing.T) {
	ctx := context.Background()
	lk, _ := liveKit(t)
	cfg := openvidu.DefaultConfig()
	cfg.URL, cfg.Secret = lk.HTTPURL, v2Secret // no API key: v2, at a LiveKit server
	p, err := openvidu.New(cfg)
	require.NoError(t, err)
	err = p.Check(ctx)
	require.Error(t, err)
	assert.Contains(t, err.Error(), "set OPENVIDU_API_KEY")

	fake := openvidu2fake.New(v2Secret, openvidu2fake.Options{})
	defer fake.Close()
	cfg = openvidu.DefaultConfig()
	cfg.URL, cfg.APIKey, cfg.Secret = fake.URL, "key", "a-livekit-secret-of-32-bytes-or-more-0123"
	p, err = openvidu.New(cfg)
	require.NoError(t, err)
	err = p.Check(ctx)
	require.Error(t, err)
	assert.Contains(t, err.Error(), "unset OPENVIDU_API_KEY (or set OPENVIDU_API=v2)")
	assert.ErrorIs(t, err, video.ErrInvalidConfig, "the wrong API is a configuration error: misconfigured, not down")
}

func TestV2ParticipantsAreTheActiveConnections(t *testing.T) {
	p, fake := newV2(t, openvidu2fake.Options{})
	ctx := context.Background()
	ps, err := p.Participants(ctx, "consult-nobody")
	require.NoError(t, err)
	assert.Empty(t, ps)
	doc, err := p.IssueToken(ctx, video.TokenRequest{Room: "consult-p", UserID: "doc", Role: video.RoleDoctor,
		Grants: video.Grants{Moderator: true, Publish: true}, Info: video.UserInfo{DisplayName: "Dr A"}, TTL: time.Hour})
	require.NoError(t, err)
	_, err = p.IssueToken(ctx, video.TokenRequest{Room: "consult-p", UserID: "pat", Role: video.RolePatient,
		Grants: video.Grants{Publish: true}, TTL: time.Hour})
	require.NoError(t, err)
	s, c := connectionOf(t, fake, doc.Token)
	require.NoError(t, fake.Activate(s, c.ID))
	ps, err = p.Participants(ctx, "consult-p")
	require.NoError(t, err)
	require.Len(t, ps, 1, "the patient's token is unused: not in the meeting")
	assert.Equal(t, "doc", ps[0].UserID)
	assert.Equal(t, "Dr A", ps[0].Name)
	assert.Equal(t, video.RoleDoctor, ps[0].Role)
	assert.True(t, ps[0].CanPublish)
	assert.False(t, ps[0].JoinedAt.IsZero())
}

// webhook posts an OpenVidu 2 event with the given Authorization header.
func webhook(t *testing.T, p *openvidu.Provider, auth, body string) (*video.WebhookEvent, error) {
	r := httptest.NewRequest(http.MethodPost, "/webhooks", strings.NewReader(body))
	r.Header.Set("Content-Type", "application/json")
	if auth != "" {
		r.Header.Set("Authorization", auth)
	}
	return p.ReceiveWebhook(r)
}

func TestV2Webhooks(t *testing.T) {
	p, _ := newV2(t, openvidu2fake.Options{})
	joined := `{"event":"participantJoined","timestamp":1764000000123,"sessionId":"consult-x","uniqueSessionId":"consult-x_1",` +
		`"connectionId":"con_A","location":"","ip":"127.0.0.1","platform":"Chrome","clientData":"",` +
		`"serverData":"{\"user_id\":\"pat\",\"name\":\"P\",\"role\":\"patient\"}"}`

	for _, auth := range []string{"", "Bearer wrong", v2WebhookSecret + "x", strings.ToLower(v2WebhookSecret)} {
		_, err := webhook(t, p, auth, joined)
		assert.ErrorIs(t, err, video.ErrUnauthenticated, "header %q", auth)
	}
	ev, err := webhook(t, p, v2WebhookSecret, joined)
	require.NoError(t, err)
	assert.Equal(t, video.WebhookParticipantJoined, ev.Kind)
	assert.Equal(t, "consult-x", ev.Room)
	assert.Equal(t, "pat", ev.UserID)
	assert.Equal(t, video.RolePatient, ev.Role)
	assert.Equal(t, time.UnixMilli(1764000000123), ev.At)
	assert.Equal(t, ev.At, ev.SessionStart)
	again, err := webhook(t, p, v2WebhookSecret, joined)
	require.NoError(t, err)
	assert.Equal(t, ev.ID, again.ID, "a redelivery has the same ID, so the Service applies it once")

	left, err := webhook(t, p, v2WebhookSecret, `{"event":"participantLeft","timestamp":1764000060000,"sessionId":"consult-x",`+
		`"connectionId":"con_A","startTime":1764000000123,"duration":59,"reason":"disconnect",`+
		`"serverData":"{\"user_id\":\"pat\",\"role\":\"patient\"}"}`)
	require.NoError(t, err)
	assert.Equal(t, video.WebhookParticipantLeft, left.Kind)
	assert.Equal(t, time.UnixMilli(1764000000123), left.SessionStart, "the leave names the session it ends")

	gone, err := webhook(t, p, v2WebhookSecret, `{"event":"sessionDestroyed","timestamp":1764000090000,"sessionId":"consult-x","startTime":1764000000000,"duration":90,"reason":"lastParticipantLeft"}`)
	require.NoError(t, err)
	assert.Equal(t, video.WebhookRoomFinished, gone.Kind)
	assert.Equal(t, time.UnixMilli(1764000000000), gone.RoomStart)

	failed, err := webhook(t, p, v2WebhookSecret, `{"event":"recordingStatusChanged","timestamp":1764000100000,"sessionId":"consult-x",`+
		`"id":"consult-x~1","name":"consult-x~1","outputMode":"COMPOSED","hasAudio":true,"hasVideo":true,"size":0,"duration":0,`+
		`"status":"failed","startTime":1764000010000,"reason":"recordingStoppedByServer"}`)
	require.NoError(t, err)
	assert.Equal(t, video.WebhookRecordingEnded, failed.Kind)
	assert.Equal(t, video.RecordingFailed, failed.Recording.Status)

	// A ready recording's event, as OpenVidu 2.32 sends it, names no URL: the provider reads it
	// from the server. One the server does not have is not taken yet (ErrUnavailable: 503, and
	// OpenVidu delivers it again).
	_, err = webhook(t, p, v2WebhookSecret, `{"event":"recordingStatusChanged","timestamp":1764000100000,"sessionId":"consult-x",`+
		`"id":"consult-x~1","name":"consult-x~1","outputMode":"COMPOSED","hasAudio":true,"hasVideo":true,"size":1234,"duration":80.5,`+
		`"status":"ready","startTime":1764000010000,"reason":"recordingStoppedByServer"}`)
	assert.ErrorIs(t, err, video.ErrUnavailable)

	other, err := webhook(t, p, v2WebhookSecret, `{"event":"webrtcConnectionCreated","timestamp":1,"sessionId":"consult-x"}`)
	require.NoError(t, err)
	assert.Equal(t, video.WebhookOther, other.Kind)

	_, err = webhook(t, p, v2WebhookSecret, `{"event":`+strings.Repeat(" ", 70<<10)+`"x"}`)
	assert.ErrorIs(t, err, video.ErrInvalidArgument, "bodies are bounded before they are parsed")
	_, err = webhook(t, p, v2WebhookSecret, `not json`)
	assert.ErrorIs(t, err, video.ErrInvalidArgument)

	unset, _ := newV2(t, openvidu2fake.Options{}, func(c *openvidu.Config) { c.WebhookSecret = "" })
	_, err = webhook(t, unset, v2WebhookSecret, joined)
	assert.ErrorIs(t, err, video.ErrUnauthenticated, "no shared secret configured: every event is refused")
}

// TestV2NeverShowsTheSecrets: printing the provider shows its API, never the secrets.
func TestV2NeverShowsTheSecrets(t *testing.T) {
	p, _ := newV2(t, openvidu2fake.Options{})
	for _, verb := range []string{"%v", "%+v", "%#v", "%s"} {
		out := fmt.Sprintf(verb, p)
		assert.Contains(t, out, "v2", verb)
		assert.NotContains(t, out, v2Secret, verb)
		assert.NotContains(t, out, "webhook-secret", verb)
	}
}

// TestV2ReadyRecordingWebhook: a real recording, stopped, then its ready event as the server
// sends it: the URL comes from the server's recording.
func TestV2ReadyRecordingWebhook(t *testing.T) {
	p, fake := newV2(t, openvidu2fake.Options{Recording: true})
	ctx := context.Background()
	tok, err := p.IssueToken(ctx, video.TokenRequest{Room: "consult-rec", UserID: "doc", Role: video.RoleDoctor,
		Grants: video.Grants{Moderator: true, Publish: true}, TTL: time.Hour})
	require.NoError(t, err)
	s, c := connectionOf(t, fake, tok.Token)
	require.NoError(t, fake.Activate(s, c.ID))
	rec, err := p.StartRecording(ctx, "consult-rec")
	require.NoError(t, err)
	_, err = p.StopRecording(ctx, rec.ID)
	require.NoError(t, err)
	body := fmt.Sprintf(`{"event":"recordingStatusChanged","timestamp":%d,"sessionId":"consult-rec","id":%q,"name":%q,`+
		`"outputMode":"COMPOSED","hasAudio":true,"hasVideo":true,"size":1234,"duration":3.5,"status":"ready","startTime":%d,"reason":"recordingStoppedByServer"}`,
		time.Now().UnixMilli(), rec.ID, rec.ID, rec.StartedAt.UnixMilli())
	ev, err := webhook(t, p, v2WebhookSecret, body)
	require.NoError(t, err)
	assert.Equal(t, video.WebhookRecordingEnded, ev.Kind)
	require.NotNil(t, ev.Recording)
	assert.Equal(t, rec.ID, ev.Recording.ID)
	assert.Equal(t, video.RecordingComplete, ev.Recording.Status)
	assert.NotEmpty(t, ev.Recording.Location, "the server's URL of the file")
	stopped := strings.Replace(body, `"status":"ready"`, `"status":"stopped"`, 1)
	other, err := webhook(t, p, v2WebhookSecret, stopped)
	require.NoError(t, err)
	assert.NotEqual(t, ev.ID, other.ID, "the same recording's stopped and ready events, in one millisecond, are two events")
}

// TestV2FollowsNoRedirect: a server that redirects (an nginx on port 80 in front of
// OpenVidu 2) is a configuration error naming OPENVIDU_URL; nothing is reported done that the
// server did not do, and the credentials go nowhere else.
func TestV2FollowsNoRedirect(t *testing.T) {
	fake := openvidu2fake.New(v2Secret, openvidu2fake.Options{})
	defer fake.Close()
	redirector := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, fake.URL+r.URL.Path, http.StatusMovedPermanently)
	}))
	defer redirector.Close()
	cfg := openvidu.DefaultConfig()
	cfg.URL, cfg.Secret = redirector.URL, v2Secret
	p, err := openvidu.New(cfg)
	require.NoError(t, err)
	ctx := context.Background()
	for name, err := range map[string]error{"Check": p.Check(ctx), "CreateRoom": p.CreateRoom(ctx, "consult-r"), "EndRoom": p.EndRoom(ctx, "consult-r")} {
		require.ErrorIs(t, err, video.ErrInvalidConfig, name)
		assert.Contains(t, err.Error(), "OPENVIDU_URL", name)
		assert.Contains(t, err.Error(), fake.URL, name)
	}
	assert.Zero(t, fake.Requests(), "no request, and no credential, reached the server it redirects to")
}

// Every ID that goes into a URL path is checked first.
func TestV2IDsAreChecked(t *testing.T) {
	p, fake := newV2(t, openvidu2fake.Options{Recording: true})
	ctx := context.Background()
	for name, err := range map[string]error{
		"EndRoom":       p.EndRoom(ctx, ".."),
		"Admit":         p.Admit(ctx, "../x", "u"),
		"StopRecording": func() error { _, err := p.StopRecording(ctx, "../../sessions/x"); return err }(),
		"Participants":  func() error { _, err := p.Participants(ctx, "a%2fb"); return err }(),
		"IssueToken": func() error {
			_, err := p.IssueToken(ctx, video.TokenRequest{Room: "a/b", UserID: "u", Role: video.RolePatient, TTL: time.Hour})
			return err
		}(),
	} {
		assert.ErrorIs(t, err, video.ErrInvalidArgument, name)
	}
	assert.Zero(t, fake.Requests(), "nothing reached the server")
}
