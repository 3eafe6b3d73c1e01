package jitsi

import (
	"context"
	"encoding/json"
	"net/url"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	video "github.com/teleconsult/video"
)

// fragmentParams reads a link's fragment the way the Jitsi web client reads config
// overrides: split on '&', then on '=' keeping the second piece, percent-decode it as
// decodeURIComponent does, and parse it as JSON.
func fragmentParams(t *testing.T, link string) map[string]any {
	t.Helper()
	_, frag, ok := strings.Cut(link, "#")
	if !ok {
		return nil
	}
	out := make(map[string]any)
	for _, part := range strings.Split(frag, "&") {
		pieces := strings.Split(part, "=")
		require.GreaterOrEqual(t, len(pieces), 2, "param %q has no value", part)
		require.Len(t, pieces, 2, "param %q has a raw '=' in its value: the client would cut it there", part)
		decoded, err := url.PathUnescape(pieces[1])
		require.NoError(t, err)
		var v any
		require.NoError(t, json.Unmarshal([]byte(decoded), &v), "param %q", part)
		out[pieces[0]] = v
	}
	return out
}

func TestDisplayNamesRoundTripThroughTheLink(t *testing.T) {
	p := newProvider(t, selfHosted(""), WithClock(fixedClock))
	for _, name := range []string{
		`Dr. "Quotes" O'Brien`, "spaces  and\ttabs", "emoji 😀🩺 and ümlauts", "hash # and & ampersand",
		"a=b&c=d", `back\slash \& "\u0026"`, "percent %41 %zz", "plus + sign", "</script><b>", "日本語の名前",
	} {
		req := request(video.RolePatient)
		req.Info = video.UserInfo{DisplayName: name, Email: "p+tag@example.com"}
		tok, err := p.IssueToken(context.Background(), req)
		require.NoError(t, err)
		u, err := url.Parse(tok.JoinURL)
		require.NoError(t, err, name)
		assert.Equal(t, "/"+room, u.Path, name)
		assert.Equal(t, tok.Token, u.Query().Get("jwt"), name)
		params := fragmentParams(t, tok.JoinURL)
		assert.Equal(t, name, params["userInfo.displayName"], "name %q", name)
		assert.Equal(t, "p+tag@example.com", params["userInfo.email"])
		c, err := selfHostedVerifier().verify(tok.Token, room)
		require.NoError(t, err)
		assert.Equal(t, name, c["context"].(map[string]any)["user"].(map[string]any)["name"])
	}
}

func TestWaitingRoomAndObserverOverrides(t *testing.T) {
	cfg := selfHosted("")
	cfg.EnableWaitingRoom = true
	p := newProvider(t, cfg)
	want := map[video.Role]map[string]any{
		video.RolePatient:  {"config.prejoinConfig.enabled": true, "config.prejoinPageEnabled": true},
		video.RoleDoctor:   {},
		video.RoleObserver: {"config.startWithAudioMuted": true, "config.startWithVideoMuted": true},
	}
	for role, overrides := range want {
		req := request(role)
		req.Grants = p.Policy().Grants(role) // as the Service decides with JITSI_ENABLE_WAITING_ROOM
		req.Info = video.UserInfo{DisplayName: "X"}
		tok, err := p.IssueToken(context.Background(), req)
		require.NoError(t, err)
		params := fragmentParams(t, tok.JoinURL)
		delete(params, "userInfo.displayName")
		assert.Equal(t, overrides, params, string(role))
	}
	cfg.EnableWaitingRoom = false
	tok, err := newProvider(t, cfg).IssueToken(context.Background(), request(video.RolePatient))
	require.NoError(t, err)
	assert.NotContains(t, tok.JoinURL, "prejoin", "no waiting room, no prejoin page")
}

func encodeURIComponent(s string) string {
	var b strings.Builder
	writeURIComponent(&b, s)
	return b.String()
}

func TestEncodeURIComponent(t *testing.T) {
	assert.Equal(t, "AZaz09-_.!~*'()", encodeURIComponent("AZaz09-_.!~*'()"))
	assert.Equal(t, "%20%23%26%3D%2B%25%22%F0%9F%98%80", encodeURIComponent(" #&=+%\"😀"))
}

func FuzzLinkAndToken(f *testing.F) {
	for _, s := range [][2]string{{"Dr. Who", room}, {`"&#=%`, "consult-x"}, {"😀", "a"}, {"", "b-c_d.e"}} {
		f.Add(s[0], s[1])
	}
	p, err := New(selfHosted(""), WithClock(fixedClock))
	if err != nil {
		f.Fatal(err)
	}
	v := selfHostedVerifier()
	f.Fuzz(func(t *testing.T, name, r string) {
		if !utf8.ValidString(name) {
			return // the Service refuses invalid UTF-8 before a provider sees it
		}
		tok, err := p.IssueToken(context.Background(), video.TokenRequest{Room: r, UserID: "u", Role: video.RolePatient,
			TTL: time.Hour, Info: video.UserInfo{DisplayName: name}})
		if err != nil {
			require.ErrorIs(t, err, video.ErrInvalidArgument)
			return
		}
		c, err := v.verify(tok.Token, strings.ToLower(r))
		require.NoError(t, err)
		require.Equal(t, r, c["room"])
		u, err := url.Parse(tok.JoinURL)
		require.NoError(t, err)
		require.Equal(t, tok.Token, u.Query().Get("jwt"))
		if name != "" {
			require.Equal(t, name, fragmentParams(t, tok.JoinURL)["userInfo.displayName"])
		}
	})
}

func TestJSONStringMatchesEncodingJSON(t *testing.T) {
	for _, s := range []string{"", "plain", `"quoted" \back\`, "tab\tnl\nret\r", "\x00\x01\x1f", "<b>&amp;</b>",
		"\u2028\u2029", "emoji 😀 ümlaut", string([]byte{0xff, 'a'})} {
		want, err := json.Marshal(s)
		require.NoError(t, err)
		assert.Equal(t, string(want), jsonString(s), "%q", s)
	}
}
