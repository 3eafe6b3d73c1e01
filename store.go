package video

import "context"

// Store keeps consultations. It is where affinity lives: the first token for an appointment
// pins it with Create, and every replica of the application reads the pin back from here.
// The memory store serves one process; github.com/teleconsult/video/redisstore serves several.
//
// Every method must be atomic as described, safe for concurrent use, bounded by ctx, and must
// return copies: changing a returned *Consultation never changes the stored one. Methods
// return ErrNotFound, ErrConflict and ErrConsultationEnded as themselves (wrapped or not);
// any other error is reported to callers as ErrStore. videotest.RunStoreTests checks all of it.
type Store interface {
	// Get returns the consultation of appointmentID, or ErrNotFound.
	Get(ctx context.Context, appointmentID string) (*Consultation, error)
	// GetByRoom returns the consultation whose Room is room (now or before a migration: the
	// room name is the same on every provider), or ErrNotFound. Provider events name rooms,
	// not appointments; this is how they find their consultation.
	GetByRoom(ctx context.Context, room string) (*Consultation, error)
	// Create stores c with Version 1 if the appointment has no consultation yet, and reports
	// created=true. If one exists it is returned unchanged with created=false. This
	// create-if-absent is the pin: of many concurrent Creates for one appointment, one wins
	// and all see its provider and room.
	Create(ctx context.Context, c *Consultation) (stored *Consultation, created bool, err error)
	// Update replaces the stored consultation with c if the stored Version equals c.Version,
	// stores it with Version+1 and returns it. A different stored version is ErrConflict and
	// changes nothing; a missing one is ErrNotFound.
	Update(ctx context.Context, c *Consultation) (*Consultation, error)
	// AddParticipant folds p into the consultation's participants (Consultation.AddParticipant)
	// if it is still pinned to provider and room and has not ended. If the pin moved it
	// returns the stored consultation with ErrConflict; if it ended, with ErrConsultationEnded;
	// in both cases nothing is written. A concurrent AddParticipant is never lost.
	AddParticipant(ctx context.Context, appointmentID string, provider ProviderName, room string, p ParticipantRecord) (*Consultation, error)
	// AddIssue appends issue to the consultation's issues, ended or not. A concurrent append
	// is never lost.
	AddIssue(ctx context.Context, appointmentID string, issue TechnicalIssue) (*Consultation, error)
	// AddRecording stores rec in the consultation's recordings (Consultation.AddRecording:
	// replaced when its ID is already there), ended or not. A concurrent append is never lost.
	AddRecording(ctx context.Context, appointmentID string, rec Recording) (*Consultation, error)
}
