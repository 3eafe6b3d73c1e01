package openvidu

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"time"

	video "github.com/teleconsult/video"
)

// v2Recording is the part of OpenVidu 2's recording object the provider reads.
type v2Recording struct {
	ID        string  `json:"id"`
	SessionID string  `json:"sessionId"`
	Status    string  `json:"status"`
	CreatedAt int64   `json:"createdAt"`
	Duration  float64 `json:"duration"` // seconds
	Size      int64   `json:"size"`
	URL       string  `json:"url"`
}

// recording translates it: ready is complete (with its URL), failed is failed, the rest
// (starting, started, stopped: the file is being written) is active.
func (r v2Recording) recording() *video.Recording {
	rec := &video.Recording{ID: r.ID, Provider: Name, Location: r.URL, SizeBytes: r.Size, Status: video.RecordingActive}
	if r.CreatedAt > 0 {
		rec.StartedAt = time.UnixMilli(r.CreatedAt)
	}
	switch r.Status {
	case "ready":
		rec.Status = video.RecordingComplete
		if r.Duration > 0 && !rec.StartedAt.IsZero() {
			rec.EndedAt = rec.StartedAt.Add(time.Duration(r.Duration * float64(time.Second)))
		}
		if rec.Location == "" {
			rec.Status, rec.Error = video.RecordingFailed, "the recording is ready without a URL"
		}
	case "failed":
		rec.Status, rec.Error = video.RecordingFailed, "the server failed the recording"
	}
	return rec
}

// startRecording records the session as one composed file.
func (v *v2) startRecording(ctx context.Context, room string) (*video.Recording, error) {
	if err := checkRoom(room); err != nil {
		return nil, err
	}
	const op = "POST /recordings/start"
	return v.recordingCall(ctx, op, http.MethodPost, "/recordings/start",
		map[string]any{"session": room, "outputMode": "COMPOSED", "hasAudio": true, "hasVideo": true}, map[int]error{
			http.StatusNotFound:       fmt.Errorf("%w: openvidu: %s: the server has no such session", video.ErrNotFound, op),
			http.StatusNotAcceptable:  fmt.Errorf("%w: openvidu: %s: nobody is connected to the session yet (406)", video.ErrInvalidArgument, op),
			http.StatusConflict:       fmt.Errorf("%w: openvidu: %s: the session is already being recorded (409)", video.ErrInvalidArgument, op),
			http.StatusNotImplemented: fmt.Errorf("%w: openvidu: %s: recording is disabled on the server (501: set OPENVIDU_RECORDING=true there)", video.ErrUnsupported, op),
		})
}

// stopRecording stops it; the file is ready later (a webhook says so).
func (v *v2) stopRecording(ctx context.Context, id string) (*video.Recording, error) {
	if err := checkID("recording ID", id); err != nil {
		return nil, err
	}
	const op = "POST /recordings/stop/{id}"
	return v.recordingCall(ctx, op, http.MethodPost, "/recordings/stop/"+url.PathEscape(id), nil, map[int]error{
		http.StatusNotFound:      fmt.Errorf("%w: openvidu: no such recording, or it is already stopped", video.ErrNotFound),
		http.StatusNotAcceptable: fmt.Errorf("%w: openvidu: %s: the recording is still starting (406)", video.ErrInvalidArgument, op),
	})
}

// recording reads a recording: a ready one's URL is in the REST object, not in the webhook.
func (v *v2) recording(ctx context.Context, id string) (*video.Recording, error) {
	if err := checkID("recording ID", id); err != nil {
		return nil, err
	}
	return v.recordingCall(ctx, "GET /recordings/{id}", http.MethodGet, "/recordings/"+url.PathEscape(id), nil, nil)
}

// recordingCall makes a call that answers a recording: 200 is the recording, a status in
// refusals is that error, any other is unexpected.
func (v *v2) recordingCall(ctx context.Context, op, method, path string, body any, refusals map[int]error) (*video.Recording, error) {
	var r v2Recording
	status, err := v.call(ctx, op, method, path, body, &r)
	switch {
	case err != nil:
		return nil, err
	case status == http.StatusOK:
		return r.recording(), nil
	case refusals[status] != nil:
		return nil, refusals[status]
	}
	return nil, unexpected(op, status)
}
