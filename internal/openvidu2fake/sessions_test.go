package openvidu2fake_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/teleconsult/video/internal/openvidu2fake"
)

func TestCreateSessionWithDefaults(t *testing.T) {
	s := newFake(t, openvidu2fake.Options{})
	for name, req := range map[string]request{
		"no body":    {method: http.MethodPost, path: api + "/sessions"},
		"empty JSON": {method: http.MethodPost, path: api + "/sessions", body: map[string]any{}},
		"JSON null":  {method: http.MethodPost, path: api + "/sessions", body: "null"},
	} {
		r := do(t, s, req)
		require.Equal(t, http.StatusOK, r.status, name)
		j := r.json(t)
		assert.Regexp(t, `^ses_[A-Z][A-Za-z0-9]{9}$`, j["id"], name)
		assert.Equal(t, j["id"], j["sessionId"], name)
		assert.Equal(t, "session", j["object"], name)
		assert.Greater(t, j["createdAt"], float64(0), name)
		assert.Equal(t, "ROUTED", j["mediaMode"], name)
		assert.Equal(t, "MANUAL", j["recordingMode"], name)
		assert.Equal(t, "", j["customSessionId"], name)
		assert.Equal(t, "MEDIA_SERVER_PREFERRED", j["forcedVideoCodec"], name)
		assert.Equal(t, false, j["allowTranscoding"], name)
		assert.Equal(t, false, j["recording"], name)
		assert.Equal(t, false, j["broadcasting"], name)
		assert.NotContains(t, j, "mediaNodeId", "CE")
		assert.Equal(t, map[string]any{
			"name": "", "hasAudio": true, "hasVideo": true, "outputMode": "COMPOSED",
			"recordingLayout": "BEST_FIT", "resolution": "1280x720", "frameRate": float64(25), "shmSize": float64(536870912),
		}, j["defaultRecordingProperties"], name)
		assert.Equal(t, map[string]any{"numberOfElements": float64(0), "content": []any{}}, j["connections"], name)
	}
	assert.Len(t, s.Sessions(), 3)
}

func TestCreateSessionWithCustomIDAndProperties(t *testing.T) {
	s := newFake(t, openvidu2fake.Options{Edition: "pro"})
	r := post(t, s, api+"/sessions", map[string]any{
		"customSessionId": "Consult_42-a", "mediaMode": "RELAYED", "recordingMode": "ALWAYS",
		"forcedVideoCodec": "H264", "allowTranscoding": true, "mediaNode": map[string]any{"id": "media_1"},
		"defaultRecordingProperties": map[string]any{"outputMode": "INDIVIDUAL", "name": "rec"},
	})
	require.Equal(t, http.StatusOK, r.status, "%s", r.body)
	j := r.json(t)
	assert.Equal(t, "Consult_42-a", j["id"])
	assert.Equal(t, "Consult_42-a", j["customSessionId"])
	assert.Equal(t, "RELAYED", j["mediaMode"])
	assert.Equal(t, "ALWAYS", j["recordingMode"])
	assert.Equal(t, "H264", j["forcedVideoCodec"])
	assert.Equal(t, true, j["allowTranscoding"])
	assert.Equal(t, map[string]any{"id": "media_1"}, j["mediaNode"])
	assert.NotEmpty(t, j["mediaNodeId"], "PRO")
	assert.Equal(t, map[string]any{
		"name": "rec", "hasAudio": true, "hasVideo": true, "outputMode": "INDIVIDUAL", "ignoreFailedStreams": false,
	}, j["defaultRecordingProperties"])
}

func TestCreateSessionConflictHasNoBody(t *testing.T) {
	s := newFake(t, openvidu2fake.Options{})
	createSession(t, s, map[string]any{"customSessionId": "room"})
	r := post(t, s, api+"/sessions", map[string]any{"customSessionId": "room"})
	assert.Equal(t, http.StatusConflict, r.status)
	assert.Empty(t, r.body)
	assert.Equal(t, []string{"room"}, s.Sessions())
}

func TestCreateSessionRejectsBadBodies(t *testing.T) {
	s := newFake(t, openvidu2fake.Options{})
	for name, tc := range map[string]struct {
		req    request
		status int
	}{
		"custom id with a space":  {request{body: map[string]any{"customSessionId": "a b"}}, http.StatusBadRequest},
		"custom id with a slash":  {request{body: map[string]any{"customSessionId": "a/b"}}, http.StatusBadRequest},
		"custom id not a string":  {request{body: map[string]any{"customSessionId": 7}}, http.StatusBadRequest},
		"unknown mediaMode":       {request{body: map[string]any{"mediaMode": "P2P"}}, http.StatusBadRequest},
		"unknown recordingMode":   {request{body: map[string]any{"recordingMode": "SOMETIMES"}}, http.StatusBadRequest},
		"unknown codec":           {request{body: map[string]any{"forcedVideoCodec": "AV1"}}, http.StatusBadRequest},
		"transcoding not a bool":  {request{body: map[string]any{"allowTranscoding": "yes"}}, http.StatusBadRequest},
		"bad default resolution":  {request{body: map[string]any{"defaultRecordingProperties": map[string]any{"resolution": "99x99"}}}, http.StatusBadRequest},
		"default props not a map": {request{body: map[string]any{"defaultRecordingProperties": "x"}}, http.StatusBadRequest},
		"not JSON":                {request{body: "{oops"}, http.StatusBadRequest},
		"a JSON array":            {request{body: `[1,2]`}, http.StatusBadRequest},
		"trailing garbage":        {request{body: `{} {}`}, http.StatusBadRequest},
		"text/plain":              {request{body: `{}`, contentType: "text/plain"}, http.StatusUnsupportedMediaType},
		"form-encoded, empty":     {request{body: ``, contentType: "application/x-www-form-urlencoded"}, http.StatusUnsupportedMediaType},
		"over 64 KiB":             {request{body: `{"customSessionId":"` + strings.Repeat("a", 70<<10) + `"}`}, http.StatusRequestEntityTooLarge},
	} {
		tc.req.method, tc.req.path = http.MethodPost, api+"/sessions"
		r := do(t, s, tc.req)
		assert.Equal(t, tc.status, r.status, name)
		j := r.json(t)
		assert.EqualValues(t, tc.status, j["status"], name)
		assert.Equal(t, http.StatusText(tc.status), j["error"], name)
	}
	r := post(t, s, api+"/sessions", map[string]any{"customSessionId": "a b"})
	assert.Contains(t, r.json(t)["message"], "customSessionId", "the controller's error body explains")
	assert.Equal(t, "/openvidu/api/sessions", r.json(t)["path"])
	assert.Empty(t, s.Sessions())
}

func TestGetSessionListsPendingConnectionsOnlyOnRequest(t *testing.T) {
	s := newFake(t, openvidu2fake.Options{})
	id := createSession(t, s, map[string]any{"customSessionId": "s1"})
	c1 := createConnection(t, s, id, nil)
	createConnection(t, s, id, nil)

	numberOf := func(path string) float64 {
		r := get(t, s, path)
		require.Equal(t, http.StatusOK, r.status, path)
		return r.json(t)["connections"].(map[string]any)["numberOfElements"].(float64)
	}
	assert.Equal(t, float64(0), numberOf(api+"/sessions/s1"))
	assert.Equal(t, float64(2), numberOf(api+"/sessions/s1?pendingConnections=true"))
	assert.Equal(t, float64(2), numberOf(api+"/sessions/s1?pendingConnections=TRUE&webRtcStats=true"))
	require.NoError(t, s.Activate(id, c1["id"].(string)))
	assert.Equal(t, float64(1), numberOf(api+"/sessions/s1"))

	assert.Equal(t, http.StatusBadRequest, get(t, s, api+"/sessions/s1?pendingConnections=maybe").status)
	r := get(t, s, api+"/sessions/nope")
	assert.Equal(t, http.StatusNotFound, r.status)
	assert.Empty(t, r.body)
}

func TestListSessions(t *testing.T) {
	s := newFake(t, openvidu2fake.Options{})
	r := get(t, s, api+"/sessions")
	require.Equal(t, http.StatusOK, r.status)
	assert.Equal(t, map[string]any{"numberOfElements": float64(0), "content": []any{}}, r.json(t))
	a := createSession(t, s, map[string]any{"customSessionId": "a"})
	createConnection(t, s, a, nil)
	createSession(t, s, map[string]any{"customSessionId": "b"})
	j := get(t, s, api+"/sessions?pendingConnections=true").json(t)
	assert.Equal(t, float64(2), j["numberOfElements"])
	content := j["content"].([]any)
	require.Len(t, content, 2)
	first := content[0].(map[string]any)
	assert.Equal(t, "a", first["id"])
	assert.Equal(t, float64(1), first["connections"].(map[string]any)["numberOfElements"])
}

func TestDeleteSession(t *testing.T) {
	s := newFake(t, openvidu2fake.Options{})
	id := createSession(t, s, nil)
	createConnection(t, s, id, nil)
	r := del(t, s, api+"/sessions/"+id)
	assert.Equal(t, http.StatusNoContent, r.status)
	assert.Empty(t, r.body)
	assert.Empty(t, s.Sessions())
	assert.Nil(t, s.Connections(id))
	r = del(t, s, api+"/sessions/"+id)
	assert.Equal(t, http.StatusNotFound, r.status)
	assert.Empty(t, r.body)
	// The id is free again.
	assert.Equal(t, http.StatusOK, post(t, s, api+"/sessions", map[string]any{"customSessionId": id}).status)
}
