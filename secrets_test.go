package video_test

import (
	"context"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/pem"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	video "github.com/teleconsult/video"
	"github.com/teleconsult/video/jitsi"
	"github.com/teleconsult/video/openvidu"
	"github.com/teleconsult/video/videotest"
)

// TestNoSecretOrTokenInLogsOrErrors runs every operation, failover, migration and failure
// with logging at debug level, then looks for every secret and every issued token in what
// was logged and in every error returned.
func TestNoSecretOrTokenInLogsOrErrors(t *testing.T) {
	r := newRig(t, testConfig())
	ctx := context.Background()
	var tokens []string
	var errs []string
	keep := func(tok *video.MeetingToken, err error) {
		if err != nil {
			errs = append(errs, err.Error())
			return
		}
		tokens = append(tokens, tok.Token)
		r.logs.Handle(ctx, logRecord("token issued", slog.Any("token", tok)))
		errs = append(errs, fmt.Sprint(tok), fmt.Sprintf("%+v", tok))
	}
	keep(r.svc.GenerateMeetingToken(ctx, "a1", "doc", video.RoleDoctor, video.UserInfo{DisplayName: "Dr. Who"}))
	keep(r.svc.GenerateMeetingToken(ctx, "a1", "pat", video.RolePatient, video.UserInfo{DisplayName: "Pat"}))
	_, err := r.svc.StartConsultation(ctx, "a1", "doc", video.RoleDoctor)
	require.NoError(t, err)
	r.ov.SetHealthy(false)
	r.refresh(t)
	keep(r.svc.GenerateMeetingToken(ctx, "a1", "pat", video.RolePatient, video.UserInfo{}))
	r.jt.Fail(videotest.OpCreateRoom, errors.New("jitsi: 503"))
	keep(r.svc.GenerateMeetingToken(ctx, "a2", "doc", video.RoleDoctor, video.UserInfo{}))
	keep(r.svc.GenerateMeetingToken(ctx, "a3", "doc", video.Role("x"), video.UserInfo{}))
	require.NoError(t, r.svc.ReportTechnicalIssue(ctx, "a1", "pat", video.TechnicalIssue{Category: video.IssueVideo}))
	_, err = r.svc.EndConsultation(ctx, "a1", "doc", video.RoleDoctor)
	require.ErrorIs(t, err, video.ErrUnavailable, "openvidu, down, keeps its room open")
	errs = append(errs, err.Error())
	keep(r.svc.GenerateMeetingToken(ctx, "a1", "pat", video.RolePatient, video.UserInfo{}))

	require.GreaterOrEqual(t, len(tokens), 3)
	logged := r.logs.text()
	require.Contains(t, logged, "video service initialised", "the logs were captured")
	require.Contains(t, logged, "consultation migrated")
	require.Contains(t, logged, "all video providers failed")
	everything := logged + strings.Join(errs, "\n")
	for _, secret := range append([]string{testRoomKey}, tokens...) {
		assert.NotContains(t, everything, secret)
	}
}

// TestObjectsPrintWithoutSecrets prints and logs every library object that holds a secret,
// by pointer and by value, with every verb and handler, and looks for each secret in every
// form it is held in (text, bytes, hex, PEM).
func TestObjectsPrintWithoutSecrets(t *testing.T) {
	const ovSecret = "openvidu-secret-never-printed-0123456789"
	const jtSecret = "jitsi-app-secret-never-printed-0123456789"
	ovCfg := openvidu.DefaultConfig()
	ovCfg.URL, ovCfg.APIKey, ovCfg.Secret = "ws://127.0.0.1:1", "api-key", ovSecret
	ov, err := openvidu.New(ovCfg)
	require.NoError(t, err)
	jtCfg := jitsi.DefaultConfig()
	jtCfg.Domain, jtCfg.AppID, jtCfg.AppSecret, jtCfg.HealthProbe = "meet.example.com", "app", jtSecret, jitsi.ProbeOff
	jt, err := jitsi.New(jtCfg, jitsi.WithLogger(slog.New(slog.DiscardHandler)))
	require.NoError(t, err)
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	require.NoError(t, err)
	der, err := x509.MarshalPKCS8PrivateKey(key)
	require.NoError(t, err)
	pemKey := string(pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: der}))
	jaasCfg := jitsi.DefaultConfig()
	jaasCfg.AppID, jaasCfg.JaaSKeyID, jaasCfg.JaaSPrivateKey = "vpaas-magic-cookie-1", "kid", video.Secret(pemKey)
	jaas, err := jitsi.New(jaasCfg, jitsi.WithLogger(slog.New(slog.DiscardHandler)))
	require.NoError(t, err)
	svc, err := video.New(testConfig(), []video.Provider{ov, jt})
	require.NoError(t, err)
	defer svc.Close()
	tok, err := svc.GenerateMeetingToken(context.Background(), "a1", "doc", video.RoleDoctor, video.UserInfo{})
	if err != nil { // OpenVidu is not reachable: the token comes from Jitsi
		t.Fatal(err)
	}
	require.NotEmpty(t, tok.Token)

	objects := map[string]any{
		"service": svc, "openvidu": ov, "openvidu value": *ov, "jitsi": jt, "jitsi value": *jt,
		"jaas": jaas, "jaas value": *jaas, "token": tok, "token value": *tok,
		"openvidu config": ovCfg, "jitsi config": jtCfg, "jaas config": jaasCfg,
	}
	secrets := []string{testRoomKey, ovSecret, jtSecret, tok.Token, pemKey[40:80]}
	var forms []string
	for _, s := range secrets {
		forms = append(forms, s, fmt.Sprint([]byte(s)), fmt.Sprintf("%x", s), fmt.Sprintf("% x", []byte(s)))
	}
	for name, obj := range objects {
		var out strings.Builder
		for _, verb := range []string{"%v", "%+v", "%#v", "%s", "%q", "%x", "%X", "%d"} {
			fmt.Fprintf(&out, verb+"\n", obj)
		}
		slog.New(slog.NewTextHandler(&out, nil)).Info("m", "obj", obj)
		slog.New(slog.NewJSONHandler(&out, nil)).Info("m", "obj", obj)
		for _, f := range forms {
			require.NotContains(t, out.String(), f, "%s prints a secret", name)
		}
	}
	assert.Contains(t, fmt.Sprintf("%+v", svc), "openvidu jitsi", "the Service still says what it is")
	assert.Contains(t, fmt.Sprintf("%v", *ov), "ws://127.0.0.1:1")
}
