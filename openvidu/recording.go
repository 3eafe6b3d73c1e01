package openvidu

import (
	"context"
	"fmt"
	"time"

	"github.com/livekit/protocol/livekit"
	video "github.com/teleconsult/video"
)

// StartRecording implements video.Recorder with a room-composite egress to a file. The call
// is bounded by OPENVIDU_RECORDING_TIMEOUT.
func (p *Provider) StartRecording(ctx context.Context, room string) (*video.Recording, error) {
	ctx, cancel := context.WithTimeout(ctx, p.cfg.RecordingTimeout)
	defer cancel()
	if p.v2 != nil {
		return p.v2.startRecording(ctx, room)
	}
	info, err := p.egress.StartRoomCompositeEgress(ctx, &livekit.RoomCompositeEgressRequest{
		RoomName:    room,
		FileOutputs: []*livekit.EncodedFileOutput{{Filepath: p.cfg.RecordingFilepath}},
	})
	if err != nil {
		return nil, classify("StartRoomCompositeEgress", err)
	}
	return recordingOf(info), nil
}

// StopRecording implements video.Recorder, bounded by OPENVIDU_RECORDING_TIMEOUT.
func (p *Provider) StopRecording(ctx context.Context, recordingID string) (*video.Recording, error) {
	ctx, cancel := context.WithTimeout(ctx, p.cfg.RecordingTimeout)
	defer cancel()
	if p.v2 != nil {
		return p.v2.stopRecording(ctx, recordingID)
	}
	info, err := p.egress.StopEgress(ctx, &livekit.StopEgressRequest{EgressId: recordingID})
	if err != nil {
		if notFound(err) {
			return nil, fmt.Errorf("%w: openvidu: no such recording", video.ErrNotFound)
		}
		return nil, classify("StopEgress", err)
	}
	return recordingOf(info), nil
}

// recordingOf translates an egress into the library's Recording.
func recordingOf(info *livekit.EgressInfo) *video.Recording {
	rec := &video.Recording{ID: info.EgressId, Provider: Name, Error: info.Error}
	switch info.Status {
	case livekit.EgressStatus_EGRESS_COMPLETE:
		rec.Status = video.RecordingComplete
	case livekit.EgressStatus_EGRESS_FAILED, livekit.EgressStatus_EGRESS_ABORTED, livekit.EgressStatus_EGRESS_LIMIT_REACHED:
		rec.Status = video.RecordingFailed
	default:
		rec.Status = video.RecordingActive
	}
	if info.StartedAt > 0 {
		rec.StartedAt = time.Unix(0, info.StartedAt)
	}
	if info.EndedAt > 0 {
		rec.EndedAt = time.Unix(0, info.EndedAt)
	}
	if len(info.FileResults) > 0 {
		f := info.FileResults[0]
		rec.Location, rec.SizeBytes = f.Location, f.Size
		if rec.Location == "" {
			rec.Location = f.Filename
		}
	}
	if rec.Status == video.RecordingComplete && rec.Location == "" {
		rec.Status, rec.Error = video.RecordingFailed, "egress completed without a file"
	}
	return rec
}
