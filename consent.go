package video

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"time"
)

// Recording a consultation needs its patients' consent: StartRecording refuses with
// ErrConsentRequired unless every patient who holds a token (and so every one connected) has
// consented, and a patient who withdraws consent during a recording stops it. Each answer is
// kept in the consultation record, with who gave it and when, so the trail survives restarts and
// is the same on every replica. VIDEO_RECORDING_CONSENT=false turns the check off for
// deployments that collect consent elsewhere; answers are still kept.

// maxConsents bounds a consultation's consent trail.
const maxConsents = 100

// Consent is one answer of a patient about recording.
type Consent struct {
	// PatientID is the patient who answered.
	PatientID string `json:"patient_id"`
	// Granted is the answer.
	Granted bool `json:"granted"`
	// At is when the answer was recorded.
	At time.Time `json:"at"`
}

// Consented reports whether patientID's last answer is yes.
func (c *Consultation) Consented(patientID string) bool {
	for i := len(c.Consents) - 1; i >= 0; i-- {
		if c.Consents[i].PatientID == patientID {
			return c.Consents[i].Granted
		}
	}
	return false
}

// withoutConsent counts the patients holding tokens whose last answer is not yes.
func (c *Consultation) withoutConsent() int {
	n := 0
	for _, p := range c.Participants {
		if p.Role == RolePatient && !c.Consented(p.UserID) {
			n++
		}
	}
	return n
}

// RecordConsent keeps a patient's answer about recording the appointment's consultation,
// pinning the appointment first if it has none yet (consent may be asked before anyone joins).
// Withdrawing it (granted false) while the consultation is being recorded stops every recording
// in progress; the answer is kept even when stopping fails, and the error says so.
func (s *Service) RecordConsent(ctx context.Context, appointmentID, patientID string, granted bool) (out *Consultation, err error) {
	const op = "RecordConsent"
	ctx, sp := s.tel.opSpan(ctx, "video."+op)
	defer func() { endOp(sp, out, err) }()
	if err := s.ready(op); err != nil {
		return nil, err
	}
	if err := checkParticipant(op, appointmentID, patientID); err != nil {
		return nil, err
	}
	c, _, err := s.consultation(ctx, op, appointmentID)
	if err != nil {
		return nil, err
	}
	answer := Consent{PatientID: patientID, Granted: granted, At: s.now()}
	stored, err := s.mutate(ctx, op, appointmentID, c, func(c *Consultation) (bool, error) {
		if len(c.Consents) >= maxConsents {
			// A full trail takes no more yes; a withdrawal is always taken (once: a patient
			// whose last answer is no already has nothing to withdraw).
			if granted {
				return false, &Error{Op: op, Kind: ErrInvalidArgument, Field: "consent", Msg: fmt.Sprintf("the consultation keeps at most %d answers", maxConsents)}
			}
			if !c.Consented(patientID) {
				return false, nil
			}
		}
		c.Consents = append(c.Consents, answer)
		return true, nil
	})
	if err != nil {
		return nil, err
	}
	s.log.LogAttrs(ctx, slog.LevelInfo, "recording consent recorded", slog.String("appointment_id", appointmentID), slog.Bool("granted", granted))
	if !granted && stored.active() {
		if err := s.stopRecordings(ctx, op, stored, "a patient withdrew consent"); err != nil {
			return stored.Clone(), err
		}
		if latest, err := s.store.Get(ctx, appointmentID); err == nil {
			stored = latest // with the stopped recordings
		}
	}
	return stored.Clone(), nil
}

// active reports whether c has a recording in progress that this library started.
func (c *Consultation) active() bool {
	return slices.ContainsFunc(c.Recordings, func(r Recording) bool { return r.Status == RecordingActive && r.StartedBy != "" })
}

// stopRecordings stops every recording of c in progress that this library started, each on
// the provider it was made on (the appointment may have moved since). It tries them all and
// returns every failure; a recording it could not stop stays active in the record, and the
// next withdrawal, or the doctor's StopRecording, tries again.
func (s *Service) stopRecordings(ctx context.Context, op string, c *Consultation, why string) error {
	var errs []error
	for _, r := range c.Recordings {
		if r.Status != RecordingActive || r.StartedBy == "" {
			continue
		}
		m := s.f.member(r.Provider)
		if m == nil {
			continue
		}
		rc, ok := m.p.(Recorder)
		if !ok {
			continue
		}
		callCtx, cancel := context.WithTimeout(ctx, s.cfg.RecordingTimeout)
		callCtx, call := s.tel.startCall(callCtx, m, callStopRecording, c.Room)
		rec, err := rc.StopRecording(callCtx, r.ID)
		call.end(callCtx, err)
		cancel()
		if err != nil {
			errs = append(errs, providerErr(op, r.Provider, fmt.Errorf("stopping a recording (%s): %w", why, err)))
			continue
		}
		rec.Provider, rec.StartedBy = r.Provider, r.StartedBy
		if err := checkRecording(op, *rec); err != nil {
			errs = append(errs, err)
			continue
		}
		if err := s.putRecording(ctx, op, c, *rec); err != nil {
			errs = append(errs, err)
			continue
		}
		s.log.LogAttrs(ctx, slog.LevelWarn, "recording stopped: "+why, slog.String("appointment_id", c.AppointmentID))
	}
	return errors.Join(errs...)
}

// consentHolds checks, after a recording started, that no patient withdrew or got a token
// without consent meanwhile (on any replica): if one did, the recording is stopped and the
// start refused. Both the withdrawal and the start are written to the store, so one of them
// sees the other.
func (s *Service) consentHolds(ctx context.Context, op, appointmentID string) error {
	if !s.cfg.RecordingConsent {
		return nil
	}
	c, err := s.store.Get(ctx, appointmentID)
	if err != nil {
		return s.storeErr(op, err)
	}
	if err := s.checkConsent(op, c); err != nil {
		return errors.Join(err, s.stopRecordings(ctx, op, c, "consent was withdrawn as it started"))
	}
	return nil
}

// checkConsent refuses to record c while a patient holding a token has not consented.
func (s *Service) checkConsent(op string, c *Consultation) error {
	if !s.cfg.RecordingConsent {
		return nil
	}
	if n := c.withoutConsent(); n > 0 {
		return &Error{Op: op, Kind: ErrConsentRequired, Msg: fmt.Sprintf("%d patient(s) holding a token have not consented to recording", n)}
	}
	return nil
}
