package video

import (
	"encoding/json"
	"slices"
	"time"
)

// Status is where a consultation stands. It is derived from the record, never stored apart
// from it, so it cannot disagree with the timestamps and participants.
type Status string

// The statuses of a consultation.
const (
	// StatusScheduled: pinned to a provider and room; no patient has a token yet and the doctor has not started.
	StatusScheduled Status = "scheduled"
	// StatusWaiting: a patient has a token and waits for the doctor to start.
	StatusWaiting Status = "waiting"
	// StatusInProgress: the doctor started the consultation.
	StatusInProgress Status = "in_progress"
	// StatusEnded: the doctor ended it, or the provider closed the room; no new tokens.
	StatusEnded Status = "ended"
)

// Consultation is the record of one appointment's video consultation: where it is pinned,
// who received tokens, what happened. Stores keep it; the Service changes it.
type Consultation struct {
	// AppointmentID is the application's appointment the consultation belongs to.
	AppointmentID string `json:"appointment_id"`
	// Provider is the provider the appointment is pinned to. Every token comes from it.
	Provider ProviderName `json:"provider"`
	// Room is the room on Provider. Derived from AppointmentID; contains no PHI.
	Room string `json:"room"`
	// Participants lists who received tokens, one entry per user and role.
	Participants []ParticipantRecord `json:"participants,omitempty"`
	// CreatedAt is when the appointment was first pinned.
	CreatedAt time.Time `json:"created_at"`
	// Window is the appointment's scheduled time, when it has one (Service.Schedule).
	Window Window `json:"window,omitzero"`
	// Consents are the patients' answers about recording, oldest first: an audit trail
	// (Service.RecordConsent). A patient's last answer holds.
	Consents []Consent `json:"consents,omitempty"`
	// Attendance is derived, not stored: ConsultationStatus fills it, one entry per participant
	// (see NoShows). Stores ignore it.
	Attendance []Attendance `json:"attendance,omitempty"`
	// StartedAt is when the doctor started the consultation; zero before.
	StartedAt time.Time `json:"started_at,omitzero"`
	// StartedBy is the user ID of the doctor who started it.
	StartedBy string `json:"started_by,omitempty"`
	// EndedAt is when the consultation ended; zero before.
	EndedAt time.Time `json:"ended_at,omitzero"`
	// EndedBy is the user ID that ended it, or "provider" when the provider closed the room.
	EndedBy string `json:"ended_by,omitempty"`
	// Issues are the technical issues participants reported.
	Issues []TechnicalIssue `json:"issues,omitempty"`
	// Recordings are the recordings made of the consultation.
	Recordings []Recording `json:"recordings,omitempty"`
	// Migrations are the times the appointment was re-pinned to another provider.
	Migrations []Migration `json:"migrations,omitempty"`
	// Version increases with every write; stores use it for compare-and-swap.
	Version int64 `json:"version"`
}

// Status derives the consultation's status from its record.
func (c *Consultation) Status() Status {
	switch {
	case !c.EndedAt.IsZero():
		return StatusEnded
	case !c.StartedAt.IsZero():
		return StatusInProgress
	case slices.ContainsFunc(c.Participants, func(p ParticipantRecord) bool { return p.Role == RolePatient }):
		return StatusWaiting
	default:
		return StatusScheduled
	}
}

// Duration is the time from start to end, or zero when the consultation has not both
// started and ended.
func (c *Consultation) Duration() time.Duration {
	if c.StartedAt.IsZero() || c.EndedAt.IsZero() {
		return 0
	}
	return c.EndedAt.Sub(c.StartedAt)
}

// Clone returns a deep copy, so a caller may change it without touching the stored record.
func (c *Consultation) Clone() *Consultation {
	if c == nil {
		return nil
	}
	out := *c
	out.Participants = slices.Clone(c.Participants)
	for i := range out.Participants {
		out.Participants[i].Sessions = slices.Clone(c.Participants[i].Sessions)
	}
	out.Attendance = slices.Clone(c.Attendance)
	out.Issues = slices.Clone(c.Issues)
	out.Recordings = slices.Clone(c.Recordings)
	out.Consents = slices.Clone(c.Consents)
	out.Migrations = make([]Migration, len(c.Migrations))
	for i, m := range c.Migrations {
		m.Participants = slices.Clone(m.Participants)
		out.Migrations[i] = m
	}
	if c.Migrations == nil {
		out.Migrations = nil
	}
	return &out
}

// MarshalJSON adds the derived status and duration to the record's fields.
func (c *Consultation) MarshalJSON() ([]byte, error) {
	type record Consultation
	return json.Marshal(struct {
		*record
		Status          Status  `json:"status"`
		DurationSeconds float64 `json:"duration_seconds,omitempty"`
	}{(*record)(c), c.Status(), c.Duration().Seconds()})
}

// ParticipantRecord says that a user received tokens for a consultation, and from which
// provider and room the last one came. Display names and emails are not stored.
type ParticipantRecord struct {
	// UserID is the application's user.
	UserID string `json:"user_id"`
	// Role is the role the tokens were issued for.
	Role Role `json:"role"`
	// Provider and Room are where the user's last token admits to.
	Provider ProviderName `json:"provider"`
	// Room is the room of the user's last token.
	Room string `json:"room"`
	// FirstIssuedAt is when the user's first token was issued.
	FirstIssuedAt time.Time `json:"first_issued_at"`
	// LastIssuedAt is when the user's last token was issued.
	LastIssuedAt time.Time `json:"last_issued_at"`
	// Tokens counts the tokens issued to the user for this consultation.
	Tokens int `json:"tokens"`
	// JoinedAt is when the user last connected to the room, as the provider reported it.
	JoinedAt time.Time `json:"joined_at,omitzero"`
	// LeftAt is when the user last left the room, as the provider reported it.
	LeftAt time.Time `json:"left_at,omitzero"`
	// Sessions are the user's connections to the room, as the provider reported them, in
	// order of their start (see Attendance).
	Sessions []Session `json:"sessions,omitempty"`
}

// Online reports whether the provider last reported the user joining rather than leaving.
func (p ParticipantRecord) Online() bool { return !p.JoinedAt.IsZero() && p.JoinedAt.After(p.LeftAt) }

// AddParticipant records one token issued to p.UserID in p.Role at p.LastIssuedAt, from the
// consultation's provider and room (p's Provider, Room, FirstIssuedAt and Tokens are
// ignored): a new entry for a new user and role; otherwise the entry takes the pin, its
// FirstIssuedAt and LastIssuedAt widen to cover p.LastIssuedAt, and Tokens grows by one.
// Every Store keeps participants by this rule (videotest.RunStoreTests holds one table of
// cases for all).
func (c *Consultation) AddParticipant(p ParticipantRecord) {
	at := p.LastIssuedAt
	p.Provider, p.Room = c.Provider, c.Room
	cur := c.participant(p.UserID, p.Role)
	if cur == nil {
		p.FirstIssuedAt, p.Tokens = at, 1
		c.Participants = append(c.Participants, p)
		return
	}
	cur.Provider, cur.Room = p.Provider, p.Room
	if at.Before(cur.FirstIssuedAt) || cur.FirstIssuedAt.IsZero() {
		cur.FirstIssuedAt = at
	}
	if at.After(cur.LastIssuedAt) {
		cur.LastIssuedAt = at
	}
	cur.Tokens++
}

// participant returns the record of userID (in role, when role is set), or nil.
func (c *Consultation) participant(userID string, role Role) *ParticipantRecord {
	for i := range c.Participants {
		p := &c.Participants[i]
		if p.UserID == userID && (role == "" || p.Role == role) {
			return p
		}
	}
	return nil
}

// AddRecording stores r in c.Recordings, replacing an earlier entry with the same ID, so a
// recording reported twice (a webhook retried) is kept once.
func (c *Consultation) AddRecording(r Recording) {
	for i := range c.Recordings {
		if c.Recordings[i].ID == r.ID {
			c.Recordings[i] = r
			return
		}
	}
	c.Recordings = append(c.Recordings, r)
}

// IssueCategory classifies a technical issue.
type IssueCategory string

// The categories of technical issue.
const (
	IssueAudio      IssueCategory = "audio"
	IssueVideo      IssueCategory = "video"
	IssueConnection IssueCategory = "connection"
	IssueDevice     IssueCategory = "device"
	IssueOther      IssueCategory = "other"
)

// Valid reports whether c is one of the defined categories.
func (c IssueCategory) Valid() bool {
	switch c {
	case IssueAudio, IssueVideo, IssueConnection, IssueDevice, IssueOther:
		return true
	}
	return false
}

// TechnicalIssue is a problem a participant reported during a consultation.
type TechnicalIssue struct {
	// Category classifies the issue. Required.
	Category IssueCategory `json:"category"`
	// Description is the participant's words; at most 2000 characters.
	Description string `json:"description,omitempty"`
	// UserID is who reported it; set by the Service.
	UserID string `json:"user_id"`
	// Provider is the provider the consultation was on; set by the Service.
	Provider ProviderName `json:"provider"`
	// ReportedAt is when it was reported; set by the Service.
	ReportedAt time.Time `json:"reported_at"`
}

// RecordingStatus is where a recording stands.
type RecordingStatus string

// The statuses of a recording.
const (
	RecordingActive   RecordingStatus = "active"
	RecordingComplete RecordingStatus = "complete"
	RecordingFailed   RecordingStatus = "failed"
)

// Valid reports whether s is one of the defined statuses.
func (s RecordingStatus) Valid() bool {
	return s == RecordingActive || s == RecordingComplete || s == RecordingFailed
}

// Recording is a recording of a consultation: started through the Service, or reported by
// the provider (a webhook) or the application (ProcessRecording).
type Recording struct {
	// ID is the provider's recording ID (a LiveKit egress ID). Required and unique per consultation.
	ID string `json:"id"`
	// Provider made the recording.
	Provider ProviderName `json:"provider"`
	// Status is where the recording stands. Required.
	Status RecordingStatus `json:"status"`
	// Location is where the finished file is (URL or storage path). Required when complete.
	Location string `json:"location,omitempty"`
	// StartedAt and EndedAt bound the recording.
	StartedAt time.Time `json:"started_at,omitzero"`
	// EndedAt is when the recording stopped.
	EndedAt time.Time `json:"ended_at,omitzero"`
	// SizeBytes is the file's size, when known.
	SizeBytes int64 `json:"size_bytes,omitempty"`
	// Error says why a failed recording failed.
	Error string `json:"error,omitempty"`
	// StartedBy is the doctor who started the recording through Service.StartRecording; empty
	// for one reported by ProcessRecording or a webhook. Only a recording started through the
	// Service can be stopped through it.
	StartedBy string `json:"started_by,omitempty"`
}

// finished reports whether the recording has ended, well or not.
func (r Recording) finished() bool {
	return r.Status == RecordingComplete || r.Status == RecordingFailed
}

// update returns what the record of a recording becomes when next is reported for it: who
// started it is kept, and a finished recording never goes back to active (a provider's
// "ending" answer may arrive after its "ended" event).
func (r Recording) update(next Recording) Recording {
	if next.StartedBy == "" {
		next.StartedBy = r.StartedBy
	}
	if r.finished() && !next.finished() {
		return r
	}
	return next
}

// Migration records one re-pin of an appointment from a provider that went down.
type Migration struct {
	// From and FromRoom are where the appointment was pinned.
	From ProviderName `json:"from"`
	// FromRoom is the room on From.
	FromRoom string `json:"from_room"`
	// To and ToRoom are where it is pinned now.
	To ProviderName `json:"to"`
	// ToRoom is the room on To.
	ToRoom string `json:"to_room"`
	// Reason is why, without secrets.
	Reason string `json:"reason"`
	// At is when.
	At time.Time `json:"at"`
	// Participants are the users who held tokens for From and must rejoin.
	Participants []ParticipantRecord `json:"participants,omitempty"`
}
