package openvidu2fake_test

import (
	"errors"
	"net/http"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/teleconsult/video/internal/openvidu2fake"
)

func TestCreateConnectionPerRole(t *testing.T) {
	s := newFake(t, openvidu2fake.Options{})
	id := createSession(t, s, map[string]any{"customSessionId": "visit"})
	tokens := map[string]bool{}
	for _, role := range []string{"SUBSCRIBER", "PUBLISHER", "MODERATOR"} {
		c := createConnection(t, s, id, map[string]any{"role": role, "data": "d-" + role, "record": false})
		assert.Regexp(t, `^con_[A-Z][A-Za-z0-9]{9}$`, c["id"])
		assert.Equal(t, c["id"], c["connectionId"], "the deprecated duplicate the Node client reads")
		assert.Equal(t, "connection", c["object"])
		assert.Equal(t, "pending", c["status"])
		assert.Equal(t, "visit", c["sessionId"])
		assert.Equal(t, "WEBRTC", c["type"])
		assert.Equal(t, role, c["role"])
		assert.Equal(t, "d-"+role, c["serverData"])
		assert.Equal(t, false, c["record"])
		assert.Equal(t, []any{}, c["customIceServers"])
		for _, k := range []string{"activeAt", "location", "ip", "platform", "clientData", "kurentoOptions",
			"rtspUri", "adaptativeBitrate", "onlyPlayWithSubscribers", "networkCache", "publishers", "subscribers"} {
			assert.Contains(t, c, k)
			assert.Nil(t, c[k], k)
		}
		tok := c["token"].(string)
		assert.Regexp(t, `^wss://127\.0\.0\.1:\d+\?sessionId=visit&token=tok_[A-Z][A-Za-z0-9]{15}$`, tok)
		assert.False(t, tokens[tok], "tokens are single-use: each POST makes a new one")
		tokens[tok] = true
	}
	// The same request twice still gives two connections with two tokens.
	a := createConnection(t, s, id, map[string]any{"role": "PUBLISHER"})
	b := createConnection(t, s, id, map[string]any{"role": "PUBLISHER"})
	assert.NotEqual(t, a["token"], b["token"])
	assert.NotEqual(t, a["id"], b["id"])

	conns := s.Connections(id)
	require.Len(t, conns, 5)
	assert.Equal(t, "SUBSCRIBER", conns[0].Role)
	assert.Equal(t, "d-SUBSCRIBER", conns[0].Data)
	assert.Equal(t, "d-SUBSCRIBER", conns[0].ServerData)
	assert.Equal(t, "WEBRTC", conns[0].Type)
	assert.Equal(t, "pending", conns[0].Status)
	assert.False(t, conns[0].Record)
	assert.Zero(t, conns[0].ActiveAt)
	assert.NotZero(t, conns[0].CreatedAt)
}

func TestCreateConnectionDefaultsAndErrors(t *testing.T) {
	s := newFake(t, openvidu2fake.Options{})
	id := createSession(t, s, nil)
	// What the Node client sends for createConnection({}): nulls everywhere.
	c := createConnection(t, s, id, map[string]any{"type": nil, "data": nil, "role": nil, "kurentoOptions": nil, "rtspUri": nil})
	assert.Equal(t, "PUBLISHER", c["role"])
	assert.Equal(t, "", c["serverData"])
	assert.Equal(t, true, c["record"])
	assert.Equal(t, "WEBRTC", c["type"])
	c = createConnection(t, s, id, nil)
	assert.Equal(t, "PUBLISHER", c["role"])

	c = createConnection(t, s, id, map[string]any{
		"kurentoOptions":   map[string]any{"videoMaxRecvBandwidth": 1000, "allowedFilters": []any{"GStreamerFilter"}},
		"customIceServers": []any{map[string]any{"url": "turn:turn.example.com:3478", "username": "u", "credential": "p"}},
	})
	assert.Equal(t, map[string]any{"videoMaxRecvBandwidth": float64(1000), "allowedFilters": []any{"GStreamerFilter"}}, c["kurentoOptions"])
	assert.Equal(t, []any{map[string]any{"url": "turn:turn.example.com:3478", "username": "u", "credential": "p"}}, c["customIceServers"])

	r := post(t, s, api+"/sessions/nope/connection", map[string]any{})
	assert.Equal(t, http.StatusNotFound, r.status)
	assert.Empty(t, r.body)
	for name, body := range map[string]any{
		"unknown role":         map[string]any{"role": "ADMIN"},
		"unknown type":         map[string]any{"type": "SIP"},
		"data not a string":    map[string]any{"data": 3},
		"record not a bool":    map[string]any{"record": "yes"},
		"kurentoOptions array": map[string]any{"kurentoOptions": []any{}},
		"ice server sans url":  map[string]any{"customIceServers": []any{map[string]any{"username": "u"}}},
		"IPCAM without uri":    map[string]any{"type": "IPCAM"},
		"IPCAM bad scheme":     map[string]any{"type": "IPCAM", "rtspUri": "ftp://cam/1"},
		"not JSON":             "role=PUBLISHER",
	} {
		r := post(t, s, api+"/sessions/"+id+"/connection", body)
		assert.Equal(t, http.StatusBadRequest, r.status, name)
		assert.EqualValues(t, http.StatusBadRequest, r.json(t)["status"], name)
	}
	assert.Len(t, s.Connections(id), 3)
}

func TestIPCamConnectionIsActiveAtOnce(t *testing.T) {
	s := newFake(t, openvidu2fake.Options{})
	id := createSession(t, s, nil)
	c := createConnection(t, s, id, map[string]any{"type": "IPCAM", "rtspUri": "rtsp://cam.local:554/live", "data": "door"})
	assert.Equal(t, "active", c["status"])
	assert.Nil(t, c["token"])
	assert.Nil(t, c["role"])
	assert.Equal(t, "rtsp://cam.local:554/live", c["rtspUri"])
	assert.Equal(t, true, c["adaptativeBitrate"])
	assert.Equal(t, float64(2000), c["networkCache"])
	assert.Equal(t, "IPCAM", c["platform"])
	require.Len(t, c["publishers"], 1)
	streamID := c["publishers"].([]any)[0].(map[string]any)["streamId"].(string)
	assert.Equal(t, http.StatusMethodNotAllowed, del(t, s, api+"/sessions/"+id+"/stream/"+streamID).status, "an IP camera cannot be unpublished")
	assert.Equal(t, http.StatusNotFound, del(t, s, api+"/sessions/"+id+"/stream/str_CAM_nope").status)
	assert.Equal(t, http.StatusBadRequest, del(t, s, api+"/sessions/nope/stream/"+streamID).status)
}

func TestGetListAndDeleteConnections(t *testing.T) {
	s := newFake(t, openvidu2fake.Options{})
	id := createSession(t, s, nil)
	c := createConnection(t, s, id, map[string]any{"data": "x"})
	cid := c["id"].(string)

	r := get(t, s, api+"/sessions/"+id+"/connection/"+cid)
	require.Equal(t, http.StatusOK, r.status)
	assert.Equal(t, c, r.json(t))

	list := get(t, s, api+"/sessions/"+id+"/connection").json(t)
	assert.Equal(t, float64(1), list["numberOfElements"], "pending connections are listed by default here")
	list = get(t, s, api+"/sessions/"+id+"/connection?pendingConnections=false").json(t)
	assert.Equal(t, float64(0), list["numberOfElements"])

	for path, status := range map[string]int{
		api + "/sessions/" + id + "/connection/con_Nope123456": http.StatusNotFound,
		api + "/sessions/nope/connection/" + cid:               http.StatusBadRequest, // as the real controller answers
		api + "/sessions/nope/connection":                      http.StatusNotFound,
	} {
		r := get(t, s, path)
		assert.Equal(t, status, r.status, path)
		assert.Empty(t, r.body, path)
	}

	assert.Equal(t, http.StatusBadRequest, del(t, s, api+"/sessions/nope/connection/"+cid).status)
	r = del(t, s, api+"/sessions/"+id+"/connection/"+cid)
	assert.Equal(t, http.StatusNoContent, r.status)
	assert.Empty(t, r.body)
	r = del(t, s, api+"/sessions/"+id+"/connection/"+cid)
	assert.Equal(t, http.StatusNotFound, r.status)
	assert.Empty(t, r.body)
	assert.Equal(t, []string{id}, s.Sessions(), "invalidating a pending token leaves the session")
}

func TestActivate(t *testing.T) {
	s := newFake(t, openvidu2fake.Options{})
	id := createSession(t, s, nil)
	c := createConnection(t, s, id, map[string]any{"role": "MODERATOR"})
	cid := c["id"].(string)
	require.NoError(t, s.Activate(id, cid))
	assert.Error(t, s.Activate(id, cid), "a token is single-use")
	assert.True(t, errors.Is(s.Activate("nope", cid), openvidu2fake.ErrNotFound))
	assert.True(t, errors.Is(s.Activate(id, "con_Nope"), openvidu2fake.ErrNotFound))

	j := get(t, s, api+"/sessions/"+id+"/connection/"+cid).json(t)
	assert.Equal(t, "active", j["status"])
	assert.GreaterOrEqual(t, j["activeAt"], j["createdAt"])
	assert.Equal(t, []any{}, j["publishers"])
	assert.Equal(t, []any{}, j["subscribers"])
	assert.Equal(t, "", j["clientData"])
	conns := s.Connections(id)
	require.Len(t, conns, 1)
	assert.Equal(t, "active", conns[0].Status)
	assert.GreaterOrEqual(t, conns[0].ActiveAt, conns[0].CreatedAt)
}

func TestLastParticipantLeavingClosesTheSession(t *testing.T) {
	s := newFake(t, openvidu2fake.Options{})
	id := createSession(t, s, nil)
	a := createConnection(t, s, id, nil)["id"].(string)
	b := createConnection(t, s, id, nil)["id"].(string)
	pending := createConnection(t, s, id, nil)["id"].(string)
	require.NoError(t, s.Activate(id, a))
	require.NoError(t, s.Activate(id, b))
	assert.Equal(t, http.StatusNoContent, del(t, s, api+"/sessions/"+id+"/connection/"+a).status)
	assert.Equal(t, []string{id}, s.Sessions())
	assert.Equal(t, http.StatusNoContent, del(t, s, api+"/sessions/"+id+"/connection/"+b).status)
	assert.Empty(t, s.Sessions(), "lastParticipantLeft")
	assert.Equal(t, http.StatusBadRequest, del(t, s, api+"/sessions/"+id+"/connection/"+pending).status, "its pending tokens died with it")
}

func TestPatchConnectionOnlyOnPro(t *testing.T) {
	ce := newFake(t, openvidu2fake.Options{})
	id := createSession(t, ce, nil)
	cid := createConnection(t, ce, id, nil)["id"].(string)
	r := do(t, ce, request{method: http.MethodPatch, path: api + "/sessions/" + id + "/connection/" + cid, body: map[string]any{"role": "MODERATOR"}})
	assert.Equal(t, http.StatusMethodNotAllowed, r.status, "CE maps the path for GET and DELETE only")
	assert.Equal(t, "DELETE, GET", r.header.Get("Allow"))
	assert.Equal(t, "PUBLISHER", ce.Connections(id)[0].Role)

	pro := newFake(t, openvidu2fake.Options{Edition: "pro"})
	id = createSession(t, pro, nil)
	cid = createConnection(t, pro, id, nil)["id"].(string)
	patch := func(path string, body any) reply {
		return do(t, pro, request{method: http.MethodPatch, path: path, body: body})
	}
	r = patch(api+"/sessions/"+id+"/connection/"+cid, map[string]any{"role": "MODERATOR", "record": false})
	require.Equal(t, http.StatusOK, r.status, "%s", r.body)
	assert.Equal(t, "MODERATOR", r.json(t)["role"])
	assert.Equal(t, false, r.json(t)["record"])
	assert.Equal(t, "MODERATOR", pro.Connections(id)[0].Role)
	assert.False(t, pro.Connections(id)[0].Record)

	assert.Equal(t, http.StatusBadRequest, patch(api+"/sessions/"+id+"/connection/"+cid, map[string]any{"role": "ADMIN"}).status)
	assert.Equal(t, http.StatusBadRequest, patch(api+"/sessions/"+id+"/connection/"+cid, map[string]any{"record": "no"}).status)
	for _, path := range []string{api + "/sessions/" + id + "/connection/con_Nope", api + "/sessions/nope/connection/" + cid} {
		r := patch(path, map[string]any{"role": "SUBSCRIBER"})
		assert.Equal(t, http.StatusNotFound, r.status, path)
		assert.Empty(t, r.body, path)
	}
}

func TestDeprecatedTokenAndSignalEndpoints(t *testing.T) {
	s := newFake(t, openvidu2fake.Options{})
	id := createSession(t, s, nil)
	r := post(t, s, api+"/tokens", map[string]any{"session": id, "role": "SUBSCRIBER", "data": "old"})
	require.Equal(t, http.StatusOK, r.status, "%s", r.body)
	j := r.json(t)
	assert.Equal(t, j["id"], j["token"])
	assert.Equal(t, id, j["session"])
	assert.Equal(t, "SUBSCRIBER", j["role"])
	assert.Equal(t, "old", j["data"])
	assert.Regexp(t, `^con_`, j["connectionId"])
	assert.Equal(t, http.StatusNotFound, post(t, s, api+"/tokens", map[string]any{"session": "nope"}).status)
	assert.Equal(t, http.StatusBadRequest, post(t, s, api+"/tokens", map[string]any{}).status)

	assert.Equal(t, http.StatusNotAcceptable, post(t, s, api+"/signal", map[string]any{"session": id}).status, "nobody joined")
	require.NoError(t, s.Activate(id, j["connectionId"].(string)))
	assert.Equal(t, http.StatusOK, post(t, s, api+"/signal", map[string]any{"session": id, "type": "chat", "data": "hi"}).status)
	assert.Equal(t, http.StatusOK, post(t, s, api+"/signal", map[string]any{"session": id, "to": []any{j["connectionId"]}}).status)
	assert.Equal(t, http.StatusNotAcceptable, post(t, s, api+"/signal", map[string]any{"session": id, "to": []any{"con_Nope"}}).status)
	assert.Equal(t, http.StatusNotFound, post(t, s, api+"/signal", map[string]any{"session": "nope"}).status)
	assert.Equal(t, http.StatusBadRequest, post(t, s, api+"/signal", map[string]any{}).status)
}
