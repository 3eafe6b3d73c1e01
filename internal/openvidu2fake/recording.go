package openvidu2fake

import (
	"sort"
	"strconv"
)

// Recording statuses the fake goes through: started at once (never "starting"), "stopped" in
// the answer to the stop, and "ready" right after, as if processing took no time.
const (
	recStarted = "started"
	recStopped = "stopped"
	recReady   = "ready"
)

// recording is one recording; it outlives its session, as the file on disk does.
type recording struct {
	id        string
	sessionID string
	props     recordingProps
	createdAt int64
	stoppedAt int64
	status    string
	url       string // set once ready
	publicURL string // the deployment's OPENVIDU_PUBLICURL, to build url
}

// json is Recording.toJson.
func (rec *recording) json() map[string]any {
	j := map[string]any{
		"id":         rec.id,
		"object":     "recording",
		"name":       rec.props.name,
		"outputMode": rec.props.outputMode,
		"sessionId":  rec.sessionID,
		"createdAt":  rec.createdAt,
		"size":       0,
		"duration":   rec.duration(),
		"url":        nil,
		"hasAudio":   rec.props.hasAudio,
		"hasVideo":   rec.props.hasVideo,
		"status":     rec.status,
	}
	if isComposed(rec.props.outputMode) && rec.props.hasVideo {
		j["resolution"] = rec.props.resolution
		j["frameRate"] = rec.props.frameRate
		j["recordingLayout"] = rec.props.recordingLayout
		if rec.props.recordingLayout == "CUSTOM" {
			j["customLayout"] = rec.props.customLayout
		}
	}
	if rec.props.mediaNode != "" {
		j["mediaNode"] = rec.props.mediaNode
	}
	if rec.url != "" {
		j["url"] = rec.url
	}
	return j
}

// duration is the recorded time in seconds, 0 until the recording stops.
func (rec *recording) duration() float64 {
	if rec.stoppedAt == 0 {
		return 0
	}
	return float64(rec.stoppedAt-rec.createdAt) / 1000
}

// stop ends the recording and returns its JSON as the stop answers it ("stopped"); from then
// on it reads as "ready", with the url of its file.
func (rec *recording) stop() map[string]any {
	rec.stoppedAt = max(nowMillis(), rec.createdAt)
	rec.status = recStopped
	answer := rec.json()
	rec.status = recReady
	rec.url = rec.publicURL + "/openvidu/recordings/" + rec.id + "/" + rec.props.name + "." + rec.extension()
	return answer
}

// extension is the recording file's, as RecordingManagerUtils.getExtensionFromRecording.
func (rec *recording) extension() string {
	switch {
	case rec.props.outputMode == "INDIVIDUAL":
		return "zip"
	case rec.props.hasVideo:
		return "mp4"
	default:
		return "webm"
	}
}

// startedRecording returns the session's recording in progress, or nil. It needs the lock.
func (s *Server) startedRecording(sessionID string) *recording {
	for _, rec := range s.recordings {
		if rec.sessionID == sessionID && rec.status == recStarted {
			return rec
		}
	}
	return nil
}

// freeRecordingID is RecordingManagerUtils.getFreeRecordingId: the session's id, or the first
// free of id~1, id~2... It needs the lock.
func (s *Server) freeRecordingID(sessionID string) string {
	id := sessionID
	for i := 1; s.recordings[id] != nil; i++ {
		id = sessionID + "~" + strconv.Itoa(i)
	}
	return id
}

// sortedRecordings returns every recording by creation time, then id. It needs the lock.
func (s *Server) sortedRecordings() []*recording {
	out := make([]*recording, 0, len(s.recordings))
	for _, rec := range s.recordings {
		out = append(out, rec)
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].createdAt != out[j].createdAt {
			return out[i].createdAt < out[j].createdAt
		}
		return out[i].id < out[j].id
	})
	return out
}
