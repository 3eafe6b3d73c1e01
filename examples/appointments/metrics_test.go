package main

import (
	"io"
	"net"
	"net/http"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestMetricsAreServedForPrometheus runs the example as main does, with its metrics listener,
// gets a token through the API and reads /metrics: the Service's metrics are there, in
// Prometheus's names, and nothing about the appointment or its people is.
func TestMetricsAreServedForPrometheus(t *testing.T) {
	metricsLn, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	api, stop := startServe(t, metricsLn)

	req, err := http.NewRequest(http.MethodPost, api+"/appointments/42/video/token", strings.NewReader(`{"display_name":"Dr. Gregory House","email":"house@example.org"}`))
	require.NoError(t, err)
	req.Header.Set("X-User-ID", "dr-1")
	req.Header.Set("X-User-Role", "doctor")
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	token, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	require.Equal(t, http.StatusOK, resp.StatusCode, "%s", token)

	resp, err = http.Get("http://" + metricsLn.Addr().String() + "/metrics")
	require.NoError(t, err)
	body, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	require.NoError(t, err)
	text := string(body)
	for _, want := range []string{
		`video_tokens_total{`,
		`video_outcome="issued"`,
		`video_role="doctor"`,
		`video_provider_call_duration_seconds_bucket{`,
		`video_operation="IssueToken"`,
		`video_store_call_duration_seconds_count{`,
		`video_provider_health{`,
	} {
		assert.Contains(t, text, want)
	}
	for _, leak := range []string{"dr-1", "Gregory House", "house@example.org", `"42"`, "consult-"} {
		assert.NotContains(t, text, leak)
	}
	resp, err = http.Get(api + "/metrics")
	require.NoError(t, err)
	resp.Body.Close()
	assert.Equal(t, http.StatusNotFound, resp.StatusCode, "the public API does not serve metrics")
	require.NoError(t, stop())
}
