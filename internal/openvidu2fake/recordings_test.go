package openvidu2fake_test

import (
	"net/http"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/teleconsult/video/internal/openvidu2fake"
)

func TestRecordingDisabledAnswers501(t *testing.T) {
	s := newFake(t, openvidu2fake.Options{})
	id := joined(t, s, nil)
	for _, r := range []reply{
		post(t, s, api+"/recordings/start", map[string]any{"session": id}),
		post(t, s, api+"/recordings/start", map[string]any{"session": "nope"}),
		post(t, s, api+"/recordings/stop/"+id, nil),
		get(t, s, api+"/recordings/"+id),
		get(t, s, api+"/recordings"),
		del(t, s, api+"/recordings/"+id),
	} {
		assert.Equal(t, http.StatusNotImplemented, r.status)
		assert.Empty(t, r.body)
	}
}

func TestStartRecordingStatuses(t *testing.T) {
	s := newFake(t, openvidu2fake.Options{Recording: true})
	idle := createSession(t, s, map[string]any{"customSessionId": "idle"})
	createConnection(t, s, idle, nil) // pending only: nobody joined
	relayed := joined(t, s, map[string]any{"customSessionId": "relayed", "mediaMode": "RELAYED"})
	live := joined(t, s, map[string]any{"customSessionId": "live"})

	for name, tc := range map[string]struct {
		body   any
		status int
		body0  bool // no body in the answer
	}{
		"no session":         {map[string]any{}, http.StatusBadRequest, false},
		"session not string": {map[string]any{"session": 1}, http.StatusBadRequest, false},
		"unknown session":    {map[string]any{"session": "nope"}, http.StatusNotFound, true},
		"nobody joined":      {map[string]any{"session": idle}, http.StatusNotAcceptable, true},
		"relayed session":    {map[string]any{"session": relayed}, http.StatusConflict, true},
		"bad resolution":     {map[string]any{"session": live, "resolution": "2000x720"}, http.StatusUnprocessableEntity, false},
		"bad frameRate":      {map[string]any{"session": live, "frameRate": 121}, http.StatusUnprocessableEntity, false},
		"small shmSize":      {map[string]any{"session": live, "shmSize": 1024}, http.StatusUnprocessableEntity, false},
		"no audio, no video": {map[string]any{"session": live, "hasAudio": false, "hasVideo": false}, http.StatusUnprocessableEntity, false},
		"bad outputMode":     {map[string]any{"session": live, "outputMode": "MIXED"}, http.StatusBadRequest, false},
		"bad layout":         {map[string]any{"session": live, "recordingLayout": "GRID"}, http.StatusBadRequest, false},
		"bad name":           {map[string]any{"session": live, "name": "a b"}, http.StatusBadRequest, false},
		"no body":            {nil, http.StatusBadRequest, false},
	} {
		r := post(t, s, api+"/recordings/start", tc.body)
		assert.Equal(t, tc.status, r.status, name)
		if tc.body0 {
			assert.Empty(t, r.body, name)
		} else {
			assert.EqualValues(t, tc.status, r.json(t)["status"], name)
		}
	}

	r := post(t, s, api+"/recordings/start", map[string]any{"session": live, "name": "visit-1", "resolution": "640x480", "frameRate": 15})
	require.Equal(t, http.StatusOK, r.status, "%s", r.body)
	rec := r.json(t)
	assert.Equal(t, map[string]any{
		"id": "live", "object": "recording", "name": "visit-1", "outputMode": "COMPOSED", "hasAudio": true, "hasVideo": true,
		"recordingLayout": "BEST_FIT", "resolution": "640x480", "frameRate": float64(15), "sessionId": "live",
		"createdAt": rec["createdAt"], "size": float64(0), "duration": float64(0), "url": nil, "status": "started",
	}, rec)
	assert.Equal(t, true, get(t, s, api+"/sessions/live").json(t)["recording"])

	r = post(t, s, api+"/recordings/start", map[string]any{"session": live})
	assert.Equal(t, http.StatusConflict, r.status, "already being recorded")
	assert.Empty(t, r.body)
}

func TestRecordingLifecycle(t *testing.T) {
	s := newFake(t, openvidu2fake.Options{Recording: true})
	id := joined(t, s, map[string]any{"customSessionId": "c1", "defaultRecordingProperties": map[string]any{"outputMode": "INDIVIDUAL"}})

	r := post(t, s, api+"/recordings/start", map[string]any{"session": id})
	require.Equal(t, http.StatusOK, r.status, "%s", r.body)
	first := r.json(t)
	assert.Equal(t, "c1", first["id"])
	assert.Equal(t, "c1", first["name"], "an unnamed recording is named after its id")
	assert.Equal(t, "INDIVIDUAL", first["outputMode"], "from the session's defaults")
	assert.NotContains(t, first, "resolution", "not for INDIVIDUAL")

	r = del(t, s, api+"/recordings/c1")
	assert.Equal(t, http.StatusConflict, r.status, "cannot delete a recording in progress")
	assert.Empty(t, r.body)

	r = post(t, s, api+"/recordings/stop/c1", nil)
	require.Equal(t, http.StatusOK, r.status)
	assert.Equal(t, "stopped", r.json(t)["status"])
	r = post(t, s, api+"/recordings/stop/c1", nil)
	assert.Equal(t, http.StatusNotFound, r.status, "only started recordings can stop")
	assert.Empty(t, r.body)
	assert.Equal(t, http.StatusNotFound, post(t, s, api+"/recordings/stop/nope", nil).status)

	got := get(t, s, api+"/recordings/c1").json(t)
	assert.Equal(t, "ready", got["status"])
	assert.Equal(t, s.URL+"/openvidu/recordings/c1/c1.zip", got["url"])

	r = post(t, s, api+"/recordings/start", map[string]any{"session": id, "outputMode": "COMPOSED", "hasVideo": false})
	require.Equal(t, http.StatusOK, r.status, "%s", r.body)
	assert.Equal(t, "c1~1", r.json(t)["id"])
	assert.NotContains(t, r.json(t), "resolution", "not for audio-only")

	list := get(t, s, api+"/recordings").json(t)
	assert.Equal(t, float64(2), list["count"])
	require.Len(t, list["items"], 2)
	assert.Equal(t, "c1", list["items"].([]any)[0].(map[string]any)["id"])

	// Closing the session stops its recording.
	assert.Equal(t, http.StatusNoContent, del(t, s, api+"/sessions/c1").status)
	assert.Equal(t, "ready", get(t, s, api+"/recordings/c1~1").json(t)["status"])

	assert.Equal(t, http.StatusNoContent, del(t, s, api+"/recordings/c1").status)
	r = get(t, s, api+"/recordings/c1")
	assert.Equal(t, http.StatusNotFound, r.status)
	assert.Empty(t, r.body)
	assert.Equal(t, http.StatusNotFound, del(t, s, api+"/recordings/c1").status)
	assert.Equal(t, http.StatusNotFound, get(t, s, api+"/recordings/start").status, "GET /recordings/start is the recording named start")
}

func TestStoppingTheRecordingOfAnEmptySessionClosesIt(t *testing.T) {
	s := newFake(t, openvidu2fake.Options{Recording: true})
	id := createSession(t, s, nil)
	cid := createConnection(t, s, id, nil)["id"].(string)
	require.NoError(t, s.Activate(id, cid))
	require.Equal(t, http.StatusOK, post(t, s, api+"/recordings/start", map[string]any{"session": id}).status)
	assert.Equal(t, http.StatusNoContent, del(t, s, api+"/sessions/"+id+"/connection/"+cid).status)
	assert.Equal(t, []string{id}, s.Sessions(), "the recording keeps the session open")
	assert.Equal(t, http.StatusOK, post(t, s, api+"/recordings/stop/"+id, nil).status)
	assert.Empty(t, s.Sessions())
}
