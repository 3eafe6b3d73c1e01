package video

import (
	"context"
	"fmt"
	"log/slog"
	"slices"
)

// ReportTechnicalIssue records a technical issue a participant met in the appointment's
// consultation, ended or not (a report may come after the call). The Service sets the
// reporter, the provider and the time.
func (s *Service) ReportTechnicalIssue(ctx context.Context, appointmentID, userID string, issue TechnicalIssue) (err error) {
	const op = "ReportTechnicalIssue"
	ctx, sp := s.tel.opSpan(ctx, "video."+op)
	defer func() { endOp(sp, nil, err) }()
	if err := s.ready(op); err != nil {
		return err
	}
	if err := checkParticipant(op, appointmentID, userID); err != nil {
		return err
	}
	if err := checkIssue(op, issue); err != nil {
		return err
	}
	c, err := s.store.Get(ctx, appointmentID)
	if err != nil {
		return s.storeErr(op, err)
	}
	if len(c.Issues) >= maxIssues {
		return &Error{Op: op, Kind: ErrInvalidArgument, Field: "issue", Msg: fmt.Sprintf("the consultation holds %d issues already", maxIssues)}
	}
	issue.UserID, issue.Provider, issue.ReportedAt = userID, c.Provider, s.now()
	if _, err := s.store.AddIssue(ctx, appointmentID, issue); err != nil {
		return s.storeErr(op, err)
	}
	s.log.LogAttrs(ctx, slog.LevelInfo, "technical issue reported", slog.String("appointment_id", appointmentID),
		slog.String("category", string(issue.Category)), slog.String("provider", string(c.Provider)))
	return nil
}

// ProcessRecording records a recording's metadata against the appointment's consultation:
// one the provider finished (a webhook), or one the application made. A recording reported
// again with the same ID replaces the earlier entry, so retried deliveries are kept once.
// rec.Provider defaults to the consultation's provider.
func (s *Service) ProcessRecording(ctx context.Context, appointmentID string, rec Recording) (err error) {
	const op = "ProcessRecording"
	ctx, sp := s.tel.opSpan(ctx, "video."+op)
	defer func() { endOp(sp, nil, err) }()
	if err := s.ready(op); err != nil {
		return err
	}
	if err := checkID(op, "appointmentID", appointmentID); err != nil {
		return err
	}
	if err := checkRecording(op, rec); err != nil {
		return err
	}
	c, err := s.store.Get(ctx, appointmentID)
	if err != nil {
		return s.storeErr(op, err)
	}
	if rec.Provider == "" {
		rec.Provider = c.Provider
	}
	rec.StartedBy = "" // only StartRecording vouches for a recording
	if err := s.putRecording(ctx, op, c, rec); err != nil {
		return err
	}
	s.log.LogAttrs(ctx, slog.LevelInfo, "recording processed", slog.String("appointment_id", appointmentID),
		slog.String("recording_id", rec.ID), slog.String("status", string(rec.Status)))
	return nil
}

// StartRecording starts a server-side recording of the appointment's consultation where the
// pinned provider can record (it implements Recorder), and returns ErrUnsupported where it
// cannot. Only a doctor may record.
func (s *Service) StartRecording(ctx context.Context, appointmentID, userID string, role Role) (_ *Recording, err error) {
	const op = "StartRecording"
	ctx, sp := s.tel.opSpan(ctx, "video."+op)
	defer func() { endOp(sp, nil, err) }()
	c, m, rc, err := s.recorder(ctx, op, appointmentID, userID, role)
	if err != nil {
		return nil, err
	}
	if err := s.checkConsent(op, c); err != nil {
		return nil, err
	}
	callCtx, cancel := context.WithTimeout(ctx, s.cfg.RecordingTimeout)
	defer cancel()
	callCtx, call := s.tel.startCall(callCtx, m, callStartRecording, c.Room)
	rec, err := rc.StartRecording(callCtx, c.Room)
	call.end(callCtx, err)
	if err != nil {
		return nil, providerErr(op, c.Provider, err)
	}
	kept, err := s.keepRecording(ctx, op, c, rec, userID)
	if err != nil {
		return nil, err
	}
	if err := s.consentHolds(ctx, op, appointmentID); err != nil {
		return nil, err
	}
	return kept, nil
}

// StopRecording stops the recording recordingID of the appointment's consultation and
// records what is known of it. Only a doctor may record, and only a recording that
// StartRecording started for this appointment on its provider: any other ID (another
// appointment's, or one merely reported by ProcessRecording) is ErrNotFound, naming recordingID,
// and the provider is not asked.
func (s *Service) StopRecording(ctx context.Context, appointmentID, userID string, role Role, recordingID string) (_ *Recording, err error) {
	const op = "StopRecording"
	ctx, sp := s.tel.opSpan(ctx, "video."+op)
	defer func() { endOp(sp, nil, err) }()
	if err := checkID(op, "recordingID", recordingID); err != nil {
		return nil, err
	}
	c, m, rc, err := s.recorder(ctx, op, appointmentID, userID, role)
	if err != nil {
		return nil, err
	}
	if !slices.ContainsFunc(c.Recordings, func(r Recording) bool {
		return r.ID == recordingID && r.Provider == c.Provider && r.StartedBy != ""
	}) {
		return nil, &Error{Op: op, Kind: ErrNotFound, Field: "recordingID", Msg: "no recording of this appointment by that ID"}
	}
	callCtx, cancel := context.WithTimeout(ctx, s.cfg.RecordingTimeout)
	defer cancel()
	callCtx, call := s.tel.startCall(callCtx, m, callStopRecording, c.Room)
	rec, err := rc.StopRecording(callCtx, recordingID)
	call.end(callCtx, err)
	if err != nil {
		return nil, providerErr(op, c.Provider, err)
	}
	return s.keepRecording(ctx, op, c, rec, "")
}

func (s *Service) recorder(ctx context.Context, op, appointmentID, userID string, role Role) (*Consultation, *member, Recorder, error) {
	if err := s.checkModerator(op, appointmentID, userID, role); err != nil {
		return nil, nil, nil, err
	}
	c, m, err := s.pinned(ctx, op, appointmentID)
	if err != nil {
		return nil, nil, nil, err
	}
	rc, ok := m.p.(Recorder)
	if !ok {
		return nil, nil, nil, &Error{Op: op, Kind: ErrUnsupported, Provider: c.Provider, Msg: "the provider cannot record from the server"}
	}
	return c, m, rc, nil
}

func (s *Service) keepRecording(ctx context.Context, op string, c *Consultation, rec *Recording, startedBy string) (*Recording, error) {
	rec.Provider, rec.StartedBy = c.Provider, startedBy
	if err := checkRecording(op, *rec); err != nil {
		return nil, &Error{Op: op, Kind: ErrUnavailable, Provider: c.Provider, Msg: "the provider answered with an unusable recording", Err: err}
	}
	if err := s.putRecording(ctx, op, c, *rec); err != nil {
		return nil, err
	}
	return rec, nil
}

// putRecording stores rec in c's recordings by the rule of Recording.update, and refuses a new
// one past the cap on recordings.
func (s *Service) putRecording(ctx context.Context, op string, c *Consultation, rec Recording) error {
	i := slices.IndexFunc(c.Recordings, func(r Recording) bool { return r.ID == rec.ID })
	if i >= 0 {
		rec = c.Recordings[i].update(rec)
	} else if len(c.Recordings) >= maxRecordings {
		return &Error{Op: op, Kind: ErrInvalidArgument, Field: "recording", Msg: fmt.Sprintf("the consultation holds %d recordings already", maxRecordings)}
	}
	if _, err := s.store.AddRecording(ctx, c.AppointmentID, rec); err != nil {
		return s.storeErr(op, err)
	}
	return nil
}
