package openvidu2fake_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/teleconsult/video/internal/openvidu2fake"
)

func TestConcurrentClients(t *testing.T) {
	s := newFake(t, openvidu2fake.Options{Recording: true})
	const workers, perWorker = 8, 5
	var wg sync.WaitGroup
	for w := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			assert.NoError(t, worker(s, fmt.Sprintf("w%d", w), perWorker))
		}()
	}
	wg.Wait()
	assert.Len(t, s.Sessions(), workers)
	assert.Equal(t, float64(workers), get(t, s, api+"/recordings").json(t)["count"])
	for w := range workers {
		assert.Len(t, s.Connections(fmt.Sprintf("w%d", w)), perWorker)
	}
}

// worker creates a session with n active participants and records it, as one client would,
// reading the shared state in between.
func worker(s *openvidu2fake.Server, id string, n int) error {
	call := func(method, path string, body any, want int) (map[string]any, error) {
		r, err := send(s, request{method: method, path: path, body: body})
		if err != nil {
			return nil, err
		}
		if r.status != want {
			return nil, fmt.Errorf("%s %s: %d %s", method, path, r.status, r.body)
		}
		var j map[string]any
		if len(r.body) > 0 {
			err = json.Unmarshal(r.body, &j)
		}
		return j, err
	}
	if _, err := call(http.MethodPost, api+"/sessions", map[string]any{"customSessionId": id}, http.StatusOK); err != nil {
		return err
	}
	for range n {
		c, err := call(http.MethodPost, api+"/sessions/"+id+"/connection", map[string]any{"role": "PUBLISHER"}, http.StatusOK)
		if err != nil {
			return err
		}
		if err := s.Activate(id, c["id"].(string)); err != nil {
			return err
		}
		_ = s.Sessions()
		if _, err := call(http.MethodGet, api+"/sessions?pendingConnections=true", nil, http.StatusOK); err != nil {
			return err
		}
	}
	_, err := call(http.MethodPost, api+"/recordings/start", map[string]any{"session": id}, http.StatusOK)
	return err
}

func TestHandlerServesTheSameState(t *testing.T) {
	s := newFake(t, openvidu2fake.Options{})
	proxy := httptest.NewServer(s.Handler())
	defer proxy.Close()
	req, err := http.NewRequest(http.MethodPost, proxy.URL+api+"/sessions", nil)
	require.NoError(t, err)
	req.SetBasicAuth("OPENVIDUAPP", testSecret)
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	resp.Body.Close()
	assert.Equal(t, http.StatusOK, resp.StatusCode)
	assert.Len(t, s.Sessions(), 1)
	assert.Equal(t, int64(1), s.Requests())
}
