package main

import (
	"context"
	"encoding/json"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/livekit/protocol/livekit"
	lksdk "github.com/livekit/server-sdk-go/v2"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	video "github.com/teleconsult/video"
	"github.com/teleconsult/video/internal/testserver"
	"github.com/teleconsult/video/jitsi"
	"github.com/teleconsult/video/openvidu"
)

// browserTools finds what the browser test needs besides livekit-server: Debian's chromium,
// node, and the npm packages of web/ (livekit-client) and testdata/browser (puppeteer-core).
// Missing, the test skips saying how to get them; under CI it fails instead.
func browserTools(t *testing.T) (chromium, node string) {
	t.Helper()
	chromium = testserver.ToolOrSkip(t, "CHROMIUM_BIN", "chromium", "chromium")
	node = testserver.ToolOrSkip(t, "NODE_BIN", "node", "nodejs npm")
	if _, err := os.Stat(filepath.Join("web", livekitClient)); err != nil {
		testserver.Missing(t, "livekit-client", "npm ci --prefix examples/appointments/web")
	}
	if _, err := os.Stat(filepath.Join("testdata", "browser", "node_modules", "puppeteer-core")); err != nil {
		testserver.Missing(t, "puppeteer-core", "npm ci --prefix examples/appointments/testdata/browser")
	}
	return chromium, node
}

// browserRun is what testdata/browser/e2e.js saw.
type browserRun struct {
	OK                      bool                `json:"ok"`
	Error                   string              `json:"error"`
	Steps                   []string            `json:"steps"`
	WaitingPublishError     string              `json:"waitingPublishError"`
	DoctorFramesBeforeAdmit int                 `json:"doctorFramesBeforeAdmit"`
	DoctorFrames            int                 `json:"doctorFrames"`
	PatientFrames           int                 `json:"patientFrames"`
	AdmitToDoctorFrameMs    int                 `json:"admitToDoctorFrameMs"`
	AdmitToPatientFrameMs   int                 `json:"admitToPatientFrameMs"`
	LaunchToFirstFramesMs   int                 `json:"launchToFirstFramesMs"`
	Errors                  []string            `json:"errors"`
	PageErrors              []string            `json:"pageErrors"`
	ServerView              []serverParticipant `json:"serverView"`
	EndedByServer           []bool              `json:"endedByServer"`
	DoctorProvider          string              `json:"doctorProvider"`
	PatientProvider         string              `json:"patientProvider"`
	DoctorNotice            string              `json:"doctorNotice"`
	PatientNotice           string              `json:"patientNotice"`
	DoctorLink              string              `json:"doctorLink"`
	PatientLink             string              `json:"patientLink"`
}

// serverParticipant is a participant as livekit-server sees it.
type serverParticipant struct {
	Identity   string `json:"identity"`
	CanPublish bool   `json:"can_publish"`
	Tracks     int    `json:"tracks"`
}

// TestTheJoinPageInChromium opens the join page for a doctor and a patient in headless
// Chromium (fake 180p cameras), against the example's API and a real livekit-server, with the
// waiting room on: the patient cannot publish until the doctor admits them; then each decodes
// the other's video; the doctor's "end" disconnects both pages. Then a second appointment
// moves to Jitsi when the server goes away, and both pages say so and rejoin there.
// Screenshots go to VIDEO_E2E_SCREENSHOTS when set (the README's picture comes from there).
func TestTheJoinPageInChromium(t *testing.T) {
	chromium, node := browserTools(t)
	lk := testserver.StartLiveKit(t, testserver.LiveKitOptions{})
	ovCfg := openvidu.DefaultConfig()
	ovCfg.URL, ovCfg.APIKey, ovCfg.Secret = lk.URL, testserver.LiveKitAPIKey, testserver.LiveKitAPISecret
	ovCfg.WaitingRoom = true
	ov, err := openvidu.New(ovCfg)
	require.NoError(t, err)
	jtCfg := jitsi.DefaultConfig()
	jtCfg.Domain, jtCfg.HealthProbe = "meet.example.com", jitsi.ProbeOff
	jt, err := jitsi.New(jtCfg, jitsi.WithLogger(slog.New(slog.DiscardHandler)))
	require.NoError(t, err)
	cfg := testConfig()
	cfg.Health.Timeout, cfg.Health.Interval = 2*time.Second, 100*time.Millisecond
	svc, err := video.New(cfg, []video.Provider{ov, jt})
	require.NoError(t, err)
	defer svc.Close()
	roster := Roster{"e2e": {"dr": video.RoleDoctor, "pat": video.RolePatient}, "e2e-move": {"dr": video.RoleDoctor, "pat": video.RolePatient}}
	mux := http.NewServeMux()
	mux.Handle("/", JoinPage(NewAPI(svc, HeaderAuth, roster.Authorize), "web", ov.ServerURL()))
	mux.HandleFunc("GET /test/participants", func(w http.ResponseWriter, r *http.Request) {
		c, err := svc.ConsultationStatus(r.Context(), r.URL.Query().Get("appointment"))
		if err != nil {
			http.Error(w, err.Error(), http.StatusNotFound)
			return
		}
		res, err := lksdk.NewRoomServiceClient(lk.HTTPURL, testserver.LiveKitAPIKey, testserver.LiveKitAPISecret).
			ListParticipants(r.Context(), &livekit.ListParticipantsRequest{Room: c.Room})
		if err != nil {
			http.Error(w, err.Error(), http.StatusBadGateway)
			return
		}
		var out []serverParticipant
		for _, p := range res.Participants {
			out = append(out, serverParticipant{Identity: p.Identity, CanPublish: p.Permission.GetCanPublish(), Tracks: len(p.Tracks)})
		}
		_ = json.NewEncoder(w).Encode(out)
	})
	mux.HandleFunc("POST /test/outage", func(w http.ResponseWriter, r *http.Request) {
		lk.Kill() // the OpenVidu server dies, and the Service learns it from a probe
		for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline); time.Sleep(50 * time.Millisecond) {
			if svc.Health(r.Context()).Providers[0].State == video.HealthDown {
				return
			}
		}
		http.Error(w, "openvidu still up", http.StatusInternalServerError)
	})
	api := httptest.NewServer(mux)
	defer api.Close()

	shots := os.Getenv("VIDEO_E2E_SCREENSHOTS")
	if shots == "" {
		shots = t.TempDir()
	}
	args, err := json.Marshal(map[string]string{"base": api.URL, "chromium": chromium, "appointment": "e2e",
		"doctor": "dr", "patient": "pat", "screenshots": shots})
	require.NoError(t, err)
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, node, filepath.Join("testdata", "browser", "e2e.js"), string(args))
	cmd.Cancel = func() error { return cmd.Process.Signal(syscall.SIGTERM) } // e2e.js closes its browser
	cmd.WaitDelay = 15 * time.Second
	var stderr strings.Builder
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	require.NoError(t, err, "e2e.js: %s", stderr.String())
	var run browserRun
	require.NoError(t, json.Unmarshal(out, &run), "%s", out)
	require.True(t, run.OK, "%s\nsteps: %v", run.Error, run.Steps)

	assert.Contains(t, strings.ToLower(run.WaitingPublishError), "permission", "the waiting patient's page may not publish")
	var pat *serverParticipant
	for i := range run.ServerView {
		if run.ServerView[i].Identity == "pat" {
			pat = &run.ServerView[i]
		}
	}
	require.NotNil(t, pat, "the waiting patient is in the room: %+v", run.ServerView)
	assert.False(t, pat.CanPublish, "the server holds the waiting patient without the right to publish")
	assert.Zero(t, pat.Tracks, "and no track of theirs")
	assert.Zero(t, run.DoctorFramesBeforeAdmit, "nothing of the waiting patient reaches the doctor")
	assert.Positive(t, run.DoctorFrames, "the doctor decodes the admitted patient's video")
	assert.Positive(t, run.PatientFrames, "the patient decodes the doctor's video")
	assert.Empty(t, run.Errors)
	assert.Empty(t, run.PageErrors)
	assert.Equal(t, []bool{true, true}, run.EndedByServer, "both pages were disconnected by the room's deletion")
	for _, f := range []string{"waiting-room.png", "doctor.png", "patient.png"} {
		st, err := os.Stat(filepath.Join(shots, f))
		require.NoError(t, err)
		assert.Positive(t, st.Size())
	}
	c, err := svc.ConsultationStatus(context.Background(), "e2e")
	require.NoError(t, err)
	assert.Equal(t, video.StatusEnded, c.Status())

	assert.Equal(t, "jitsi", run.DoctorProvider, "the doctor's page rejoined on the fallback by itself")
	assert.Equal(t, "jitsi", run.PatientProvider, "and so did the patient's")
	for who, notice := range map[string]string{"doctor": run.DoctorNotice, "patient": run.PatientNotice} {
		assert.Contains(t, notice, "moved", who)
	}
	for who, link := range map[string]string{"doctor": run.DoctorLink, "patient": run.PatientLink} {
		assert.True(t, strings.HasPrefix(link, "https://meet.example.com/"), "%s: %s", who, link)
	}
	moved, err := svc.ConsultationStatus(context.Background(), "e2e-move")
	require.NoError(t, err)
	require.Len(t, moved.Migrations, 1)
	t.Logf("launch to both decoding: %d ms; admit to the doctor decoding the patient: %d ms; to the patient decoding the doctor: %d ms",
		run.LaunchToFirstFramesMs, run.AdmitToDoctorFrameMs, run.AdmitToPatientFrameMs)
}
