package openvidu2fake_test

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/teleconsult/video/internal/openvidu2fake"
)

const testSecret = "s3cret"

// newFake starts a fake for the test and closes it at the end.
func newFake(t *testing.T, opts openvidu2fake.Options) *openvidu2fake.Server {
	t.Helper()
	s := openvidu2fake.New(testSecret, opts)
	t.Cleanup(s.Close)
	return s
}

// reply is an answer of the fake.
type reply struct {
	status int
	header http.Header
	body   []byte
}

// json decodes the body as a JSON object.
func (r reply) json(t *testing.T) map[string]any {
	t.Helper()
	var m map[string]any
	require.NoError(t, json.Unmarshal(r.body, &m), "body %q", r.body)
	return m
}

// request is one call: body nil sends none; a string is sent as is; anything else as JSON.
type request struct {
	method, path string
	body         any
	contentType  string // default application/json when there is a body
	user, pass   string // default OPENVIDUAPP and testSecret
	noAuth       bool
}

// do sends req and fails t on a transport error.
func do(t *testing.T, s *openvidu2fake.Server, req request) reply {
	t.Helper()
	r, err := send(s, req)
	require.NoError(t, err)
	return r
}

// send sends req; unlike do it may run outside the test's goroutine.
func send(s *openvidu2fake.Server, req request) (reply, error) {
	var body io.Reader
	switch b := req.body.(type) {
	case nil:
	case string:
		body = strings.NewReader(b)
	default:
		data, err := json.Marshal(b)
		if err != nil {
			return reply{}, err
		}
		body = bytes.NewReader(data)
	}
	r, err := http.NewRequest(req.method, s.URL+req.path, body)
	if err != nil {
		return reply{}, err
	}
	if body != nil {
		ct := req.contentType
		if ct == "" {
			ct = "application/json"
		}
		r.Header.Set("Content-Type", ct)
	}
	if !req.noAuth {
		user, pass := req.user, req.pass
		if user == "" {
			user = "OPENVIDUAPP"
		}
		if pass == "" {
			pass = testSecret
		}
		r.SetBasicAuth(user, pass)
	}
	resp, err := http.DefaultClient.Do(r)
	if err != nil {
		return reply{}, err
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(resp.Body)
	return reply{status: resp.StatusCode, header: resp.Header, body: data}, err
}

func get(t *testing.T, s *openvidu2fake.Server, path string) reply {
	t.Helper()
	return do(t, s, request{method: http.MethodGet, path: path})
}

func post(t *testing.T, s *openvidu2fake.Server, path string, body any) reply {
	t.Helper()
	return do(t, s, request{method: http.MethodPost, path: path, body: body})
}

func del(t *testing.T, s *openvidu2fake.Server, path string) reply {
	t.Helper()
	return do(t, s, request{method: http.MethodDelete, path: path})
}

const api = "/openvidu/api"

// createSession creates a session and returns its id.
func createSession(t *testing.T, s *openvidu2fake.Server, body any) string {
	t.Helper()
	r := post(t, s, api+"/sessions", body)
	require.Equal(t, http.StatusOK, r.status, "%s", r.body)
	return r.json(t)["id"].(string)
}

// createConnection creates a connection and returns its JSON.
func createConnection(t *testing.T, s *openvidu2fake.Server, sessionID string, body any) map[string]any {
	t.Helper()
	r := post(t, s, api+"/sessions/"+sessionID+"/connection", body)
	require.Equal(t, http.StatusOK, r.status, "%s", r.body)
	return r.json(t)
}

// joined creates a session with one active participant and returns the session's id.
func joined(t *testing.T, s *openvidu2fake.Server, body any) string {
	t.Helper()
	id := createSession(t, s, body)
	c := createConnection(t, s, id, map[string]any{"role": "PUBLISHER"})
	require.NoError(t, s.Activate(id, c["id"].(string)))
	return id
}
