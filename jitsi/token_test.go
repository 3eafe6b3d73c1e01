package jitsi

import (
	"context"
	"encoding/json"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	video "github.com/teleconsult/video"
)

const room = "consult-abcdefghijklmnopqrstuvwxyz234567"

func request(role video.Role) video.TokenRequest {
	return video.TokenRequest{Room: room, UserID: "user-" + string(role), Role: role, Grants: video.Policy{}.Grants(role), TTL: 90 * time.Minute,
		Info: video.UserInfo{DisplayName: "Dr. \"Q\" & Co #1 😀", Email: "q@example.com", AvatarURL: "https://example.com/a.png"}}
}

func TestTokensPassTheVerifierForEveryRoleAndMode(t *testing.T) {
	modes := map[string]struct {
		cfg Config
		v   verifier
		iss string
		sub string
	}{
		"self-hosted": {selfHosted("https://meet.example.com"), selfHostedVerifier(), testAppID, "*"},
		"jaas":        {jaas(t, ""), jaasVerifier(t), "chat", jaasAppID},
	}
	for name, m := range modes {
		for _, recording := range []bool{false, true} {
			m.cfg.EnableRecording = recording
			p := newProvider(t, m.cfg, WithClock(fixedClock))
			for _, role := range []video.Role{video.RoleDoctor, video.RolePatient, video.RoleObserver} {
				req := request(role)
				req.Grants = p.Policy().Grants(role) // as the Service decides with JITSI_ENABLE_RECORDING
				tok, err := p.IssueToken(context.Background(), req)
				require.NoError(t, err, "%s %s", name, role)
				c, err := m.v.verify(tok.Token, room)
				require.NoError(t, err, "%s %s", name, role)

				assert.Equal(t, m.iss, c["iss"])
				assert.Equal(t, "jitsi", c["aud"])
				assert.Equal(t, m.sub, c["sub"])
				assert.Equal(t, room, c["room"])
				assert.Equal(t, json.Number("1778058000"), c["iat"])
				assert.Equal(t, json.Number("1778057970"), c["nbf"], "nbf is 30 s back")
				assert.Equal(t, json.Number("1778063400"), c["exp"], "exp is the TTL ahead")
				assert.Equal(t, testNow.Add(90*time.Minute), tok.ExpiresAt)

				ctx := c["context"].(map[string]any)
				user := ctx["user"].(map[string]any)
				assert.Equal(t, "user-"+string(role), user["id"])
				assert.Equal(t, "Dr. \"Q\" & Co #1 😀", user["name"])
				assert.Equal(t, "q@example.com", user["email"])
				assert.Equal(t, "https://example.com/a.png", user["avatar"])
				assert.Equal(t, boolString(role == video.RoleDoctor), user["moderator"], "only the doctor moderates")
				features := ctx["features"].(map[string]any)
				assert.Equal(t, boolString(recording && role == video.RoleDoctor), features["recording"])
				assert.Equal(t, "false", features["livestreaming"])
				assert.Equal(t, "false", features["outbound-call"])
				assert.Equal(t, boolString(role != video.RoleObserver), features["screen-sharing"])
				assert.True(t, strings.Contains(tok.JoinURL, "?jwt="+tok.Token+"#"), tok.JoinURL)
			}
		}
	}
}

func TestJaaSHeaderAndLink(t *testing.T) {
	p := newProvider(t, jaas(t, ""), WithClock(fixedClock))
	tok, err := p.IssueToken(context.Background(), request(video.RoleDoctor))
	require.NoError(t, err)
	var header map[string]any
	require.NoError(t, decodeSegment(strings.Split(tok.Token, ".")[0], &header))
	assert.Equal(t, map[string]any{"alg": "RS256", "typ": "JWT", "kid": jaasAppID + "/" + jaasKeyID}, header)
	assert.True(t, strings.HasPrefix(tok.JoinURL, "https://8x8.vc/"+jaasAppID+"/"+room+"?jwt="), tok.JoinURL)
	assert.Equal(t, "https://8x8.vc", tok.ServerURL)
	assert.Equal(t, &rsaKey(t).PublicKey, p.PublicKey())
}

func TestSelfHostedHeaderAndLink(t *testing.T) {
	cfg := selfHosted("")
	p := newProvider(t, cfg, WithClock(fixedClock))
	tok, err := p.IssueToken(context.Background(), request(video.RolePatient))
	require.NoError(t, err)
	var header map[string]any
	require.NoError(t, decodeSegment(strings.Split(tok.Token, ".")[0], &header))
	assert.Equal(t, map[string]any{"alg": "HS256", "typ": "JWT"}, header)
	assert.True(t, strings.HasPrefix(tok.JoinURL, "https://meet.example.com/"+room+"?jwt="), tok.JoinURL)
	assert.Nil(t, p.PublicKey())

	cfg.BaseURL = "https://video.example.org/clinic/"
	tok, err = newProvider(t, cfg).IssueToken(context.Background(), request(video.RolePatient))
	require.NoError(t, err)
	assert.True(t, strings.HasPrefix(tok.JoinURL, "https://video.example.org/clinic/"+room+"?jwt="), "JITSI_BASE_URL wins over JITSI_DOMAIN: %s", tok.JoinURL)
}

func TestConfiguredAudienceAndSubject(t *testing.T) {
	cfg := selfHosted("")
	cfg.Audience, cfg.Subject = "meet-app", "meet.example.com"
	tok, err := newProvider(t, cfg, WithClock(fixedClock)).IssueToken(context.Background(), request(video.RoleDoctor))
	require.NoError(t, err)
	v := selfHostedVerifier()
	v.audiences = []string{"meet-app"}
	v.verifyDomain, v.domain = true, "meet.example.com"
	c, err := v.verify(tok.Token, room)
	require.NoError(t, err)
	assert.Equal(t, "meet-app", c["aud"])
	assert.Equal(t, "meet.example.com", c["sub"])
}

func TestOptionalUserFieldsAreOmittedNotNull(t *testing.T) {
	p := newProvider(t, selfHosted(""), WithClock(fixedClock))
	req := request(video.RolePatient)
	req.Info = video.UserInfo{}
	tok, err := p.IssueToken(context.Background(), req)
	require.NoError(t, err)
	c, err := selfHostedVerifier().verify(tok.Token, room)
	require.NoError(t, err)
	user := c["context"].(map[string]any)["user"].(map[string]any)
	assert.Equal(t, map[string]any{"id": "user-patient", "moderator": "false"}, user)
	assert.NotContains(t, tok.JoinURL, "#", "no overrides, no fragment")
}

func TestIssueTokenRejectsRoomsJitsiWouldNotMatch(t *testing.T) {
	p := newProvider(t, selfHosted(""))
	for _, r := range []string{"Consult-ABC", "a/b", "a#b", "a?b", "a b", "*", ""} {
		req := request(video.RoleDoctor)
		req.Room = r
		_, err := p.IssueToken(context.Background(), req)
		assert.ErrorIs(t, err, video.ErrInvalidArgument, "room %q", r)
	}
}

func TestAnonymousLinksWarnAndCarryNoToken(t *testing.T) {
	var logs logBuffer
	cfg := DefaultConfig()
	cfg.Domain = "meet.jit.si"
	p, err := New(cfg, WithLogger(slog.New(slog.NewTextHandler(&logs, nil))))
	require.NoError(t, err)
	assert.True(t, p.Anonymous())
	assert.Contains(t, logs.String(), "anyone with a link can join")
	assert.Contains(t, logs.String(), "level=WARN")
	tok, err := p.IssueToken(context.Background(), request(video.RolePatient))
	require.NoError(t, err)
	assert.Empty(t, tok.Token)
	assert.NotContains(t, tok.JoinURL, "jwt=")
	assert.True(t, strings.HasPrefix(tok.JoinURL, "https://meet.jit.si/"+room+"#userInfo.displayName="), tok.JoinURL)
}

func TestNotConfiguredIsAnError(t *testing.T) {
	p, err := New(Config{})
	require.ErrorIs(t, err, video.ErrInvalidConfig)
	var verr *video.Error
	require.ErrorAs(t, err, &verr)
	assert.Equal(t, "JITSI_DOMAIN", verr.Field)
	assert.Nil(t, p)
}

func TestJaaSKeyLoading(t *testing.T) {
	dir := t.TempDir()
	pkcs1 := filepath.Join(dir, "pkcs1.pem")
	require.NoError(t, os.WriteFile(pkcs1, []byte(pemPKCS1(rsaKey(t))), 0o600))
	cfg := jaas(t, "")
	cfg.JaaSPrivateKey, cfg.JaaSPrivateKeyFile = "", pkcs1
	p := newProvider(t, cfg, WithClock(fixedClock))
	tok, err := p.IssueToken(context.Background(), request(video.RoleDoctor))
	require.NoError(t, err)
	_, err = jaasVerifier(t).verify(tok.Token, room)
	require.NoError(t, err, "a key from a PKCS#1 file signs tokens the public half verifies")

	ecFile := filepath.Join(dir, "ec.pem")
	require.NoError(t, os.WriteFile(ecFile, []byte(pemPKCS8(t, ecKey(t))), 0o600))
	cases := map[string]struct {
		key, file string
		field     string
		msg       string
	}{
		"missing file":  {"", filepath.Join(dir, "nope.pem"), "JITSI_JAAS_PRIVATE_KEY_FILE", "cannot read"},
		"not PEM":       {"this is not a key", "", "JITSI_JAAS_PRIVATE_KEY", "not a PEM"},
		"EC key":        {"", ecFile, "JITSI_JAAS_PRIVATE_KEY_FILE", "not an RSA private key"},
		"EC key in env": {pemPKCS8(t, ecKey(t)), "", "JITSI_JAAS_PRIVATE_KEY", "not an RSA private key"},
	}
	for name, tc := range cases {
		cfg := jaas(t, "")
		cfg.JaaSPrivateKey, cfg.JaaSPrivateKeyFile = video.Secret(tc.key), tc.file
		_, err := New(cfg)
		require.ErrorIs(t, err, video.ErrInvalidConfig, name)
		var verr *video.Error
		require.ErrorAs(t, err, &verr)
		assert.Equal(t, tc.field, verr.Field, name)
		assert.ErrorContains(t, err, tc.msg, name)
		assert.NotContains(t, err.Error(), "PRIVATE KEY-----", "errors never show key material")
	}
}

func TestVerifierCatchesEachBrokenRule(t *testing.T) {
	p := newProvider(t, selfHosted(""), WithClock(fixedClock))
	tok, err := p.IssueToken(context.Background(), request(video.RolePatient))
	require.NoError(t, err)
	v := selfHostedVerifier()
	_, err = v.verify(tok.Token, room)
	require.NoError(t, err, "the unbroken token verifies")

	var header, claims map[string]any
	parts := strings.Split(tok.Token, ".")
	require.NoError(t, decodeSegment(parts[0], &header))
	require.NoError(t, decodeSegment(parts[1], &claims))
	clone := func(m map[string]any) map[string]any {
		out := make(map[string]any, len(m))
		for k, v := range m {
			out[k] = v
		}
		return out
	}
	secret := []byte(testSecret)
	cases := []struct {
		name  string
		token string
		join  string
		want  string
	}{
		{"wrong typ", forge(map[string]any{"alg": "HS256", "typ": "jwt"}, claims, secret, nil), room, "typ"},
		{"missing typ", forge(map[string]any{"alg": "HS256"}, claims, secret, nil), room, "typ"},
		{"alg none", forge(map[string]any{"alg": "none", "typ": "JWT"}, claims, secret, nil), room, "alg"},
		{"wrong secret", forge(header, claims, []byte("another secret"), nil), room, "signature"},
		{"tampered claims", parts[0] + "." + b64.EncodeToString([]byte(`{"room":"*"}`)) + "." + parts[2], room, "signature"},
		{"array aud", forge(header, with(clone(claims), "aud", []string{"jitsi"}), secret, nil), room, "aud must be a plain string"},
		{"missing aud", forge(header, without(clone(claims), "aud"), secret, nil), room, "aud"},
		{"missing room", forge(header, without(clone(claims), "room"), secret, nil), room, "room is missing"},
		{"uppercase room", forge(header, with(clone(claims), "room", "Consult-Other"), secret, nil), room, "not"},
		{"other room", forge(header, with(clone(claims), "room", "consult-other"), secret, nil), room, "not"},
		{"missing sub", forge(header, without(clone(claims), "sub"), secret, nil), room, "sub is missing"},
		{"missing iss", forge(header, without(clone(claims), "iss"), secret, nil), room, "iss is missing"},
		{"wrong iss", forge(header, with(clone(claims), "iss", "someone"), secret, nil), room, "not accepted"},
		{"expired", forge(header, with(clone(claims), "exp", testNow.Unix()), secret, nil), room, "expired"},
		{"exp as string", forge(header, with(clone(claims), "exp", "1778063400"), secret, nil), room, "numeric"},
		{"not yet valid", forge(header, with(clone(claims), "nbf", testNow.Unix()+1), secret, nil), room, "not valid yet"},
		{"null field", forge(header, with(clone(claims), "context", nil), secret, nil), room, "null"},
	}
	for _, tc := range cases {
		_, err := v.verify(tc.token, tc.join)
		assert.ErrorContains(t, err, tc.want, tc.name)
	}
	dv := v
	dv.verifyDomain, dv.domain = true, "meet.example.com"
	_, err = dv.verify(forge(header, with(clone(claims), "sub", "evil.example.com"), secret, nil), room)
	assert.ErrorContains(t, err, "neither", "domain verification")
	_, err = dv.verify(tok.Token, room)
	assert.NoError(t, err, "sub * passes domain verification")

	late := v
	late.now = testNow.Add(90 * time.Minute)
	_, err = late.verify(tok.Token, room)
	assert.ErrorContains(t, err, "expired", "the real token expires at its TTL, to the second")
	early := v
	early.now = testNow.Add(-31 * time.Second)
	_, err = early.verify(tok.Token, room)
	assert.ErrorContains(t, err, "not valid yet", "nbf is exactly 30 s back")
}

func with(m map[string]any, k string, v any) map[string]any { m[k] = v; return m }
func without(m map[string]any, k string) map[string]any     { delete(m, k); return m }
