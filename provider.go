package video

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"time"
)

// ProviderName names a video provider: what the Store pins an appointment to, what a
// MeetingToken and the logs report, and what VIDEO_PROVIDER chooses. It is any name of 1 to
// 32 lowercase letters, digits and '-', starting with a letter; each provider package exports
// its own (openvidu.Name, jitsi.Name). Names are stored, so keep a provider's name stable.
type ProviderName string

// Valid reports whether n is a well-formed provider name.
func (n ProviderName) Valid() bool {
	if n == "" || len(n) > 32 || n[0] < 'a' || n[0] > 'z' {
		return false
	}
	for i := 0; i < len(n); i++ {
		if c := n[i]; (c < 'a' || c > 'z') && (c < '0' || c > '9') && c != '-' {
			return false
		}
	}
	return true
}

// Role is what a participant may do in a consultation.
type Role string

// The roles of a consultation. Only the doctor moderates: starts, ends, admits and records.
const (
	// RoleDoctor moderates the room: publishes, subscribes, admits waiting patients, ends it.
	RoleDoctor Role = "doctor"
	// RolePatient publishes and subscribes; with a waiting room, only after the doctor admits them.
	RolePatient Role = "patient"
	// RoleObserver is hidden and subscribe-only: a supervisor, an interpreter listening in, a trainee.
	RoleObserver Role = "observer"
)

// Valid reports whether r is one of the defined roles.
func (r Role) Valid() bool {
	return r == RoleDoctor || r == RolePatient || r == RoleObserver
}

// UserInfo is what the other participants see of a user. It is passed to the provider for
// the token and never stored by the Service.
type UserInfo struct {
	// DisplayName is the name shown in the meeting. Optional; at most 200 characters.
	DisplayName string
	// Email is optional; when set it must be a plain address.
	Email string
	// AvatarURL is optional; when set it must be an http or https URL.
	AvatarURL string
}

// Grants are what a token lets its holder do, in terms every provider can translate into its
// vendor's claims. The Service decides them from the participant's role and its Policy; a
// provider carries them as faithfully as its vendor can and never looks at the role to decide
// a permission. The package doc's # Roles section says what each role gets.
type Grants struct {
	// Moderator may moderate the room: admit, mute and remove others, end the meeting
	// (LiveKit roomAdmin, Jitsi moderator).
	Moderator bool
	// Publish may send audio and video.
	Publish bool
	// Subscribe may receive the others' audio and video.
	Subscribe bool
	// PublishData may send data messages and chat.
	PublishData bool
	// ScreenShare may share a screen; implies nothing without Publish.
	ScreenShare bool
	// Hidden is not shown to the other participants.
	Hidden bool
	// Record may record from the client, where the vendor's client records.
	Record bool
	// Waiting holds the participant on entry until a moderator admits them: a provider with a
	// server-side hold withholds Publish, Subscribe and PublishData until Admitter.Admit; one
	// without shows a waiting (prejoin) step instead.
	Waiting bool
}

// TokenRequest is what the Service asks a provider to sign. The Service has validated every
// field before a provider sees it.
type TokenRequest struct {
	// Room is the exact room the token admits to. Never empty, never a wildcard.
	Room string
	// UserID identifies the participant to the provider (LiveKit identity, Jitsi user id).
	UserID string
	// Role is carried for display and for events (LiveKit metadata); it decides nothing:
	// Grants do.
	Role Role
	// Grants are what the participant may do.
	Grants Grants
	// Info is shown to the other participants.
	Info UserInfo
	// TTL is how long the token is valid.
	TTL time.Duration
}

// Validate reports what is wrong with the request whatever the provider: a room that is not
// exactly one room, an empty user, an unknown role, a TTL that is not positive. The error
// wraps ErrInvalidArgument. Providers call it because they may be called without the Service.
func (r TokenRequest) Validate() error {
	bad := func(msg string) error { return fmt.Errorf("%w: %s", ErrInvalidArgument, msg) }
	switch {
	case r.Room == "" || strings.Contains(r.Room, "*"):
		return bad("room must name exactly one room")
	case r.UserID == "":
		return bad("user ID must not be empty")
	case !r.Role.Valid():
		return bad("unknown role")
	case r.TTL <= 0:
		return bad("TTL must be positive")
	}
	return nil
}

// Token is what a provider returns for a TokenRequest.
type Token struct {
	// Token is the signed access token; empty for providers that admit by link alone.
	Token string
	// JoinURL opens the meeting in a browser.
	JoinURL string
	// ServerURL is what a client SDK connects to.
	ServerURL string
	// ExpiresAt is when Token stops being accepted.
	ExpiresAt time.Time
}

// Provider is the contract one video vendor implements. A provider speaks its vendor's
// protocol and knows nothing of appointments, roles, affinity or fallback: the Service owns
// those and hands the provider neutral Grants.
//
// Every method must honour ctx and must not block past its deadline. Errors must not contain
// tokens or secrets. An error that wraps ErrInvalidArgument means the request was wrong and is
// not retried elsewhere; ErrUnauthenticated means the provider refused the configured
// credentials; any other error is treated as the provider failing, and the Service fails over.
// Implementations must be safe for concurrent use, and should assert the optional
// capabilities they implement at compile time (var _ video.Recorder = (*Provider)(nil)).
// videotest.RunProviderTests checks the contract.
type Provider interface {
	// Name returns the provider's stable name.
	Name() ProviderName
	// IssueToken signs a token for one participant of one room, carrying req.Grants.
	IssueToken(ctx context.Context, req TokenRequest) (*Token, error)
	// CreateRoom prepares a room. It is idempotent: creating an existing room succeeds.
	CreateRoom(ctx context.Context, room string) error
	// EndRoom closes a room and disconnects everyone in it where the vendor can. It is
	// idempotent: ending an unknown or already ended room succeeds.
	EndRoom(ctx context.Context, room string) error
	// Check probes the provider's health. It returns nil when the provider can serve, and an
	// error (wrapping ErrUnauthenticated for refused credentials) when it cannot.
	Check(ctx context.Context) error
}

// RemoteTokens says whether a provider's IssueToken is a call to its server (OpenVidu 2 opens a
// connection for each token): the Service then hedges it when it is slow, as it hedges room
// creation (see hedging.go). A provider that reports false signs tokens locally: its
// IssueToken is never hedged and gets no deadline of its own (the caller's context still
// bounds it), which saves a timer on every token. A provider that does not implement it is
// bounded by VIDEO_HEALTH_TIMEOUT and not hedged.
type RemoteTokens interface {
	// TokensAreRemote reports whether IssueToken calls the vendor's server.
	TokensAreRemote() bool
}

// Unprobed is implemented by providers whose Check may not reach the vendor at all (Jitsi with
// JITSI_HEALTH_PROBE=off: the backend cannot reach the deployment). While Unprobed returns
// true, the Service serves from the provider as if it were up but reports it HealthUnprobed:
// nothing has observed it serving.
type Unprobed interface {
	// Unprobed reports whether Check leaves the vendor unobserved.
	Unprobed() bool
}

// PolicySource is implemented by providers whose own configuration turns policy switches on
// for their tokens (OPENVIDU_WAITING_ROOM, JITSI_ENABLE_WAITING_ROOM, JITSI_ENABLE_RECORDING).
// The Service joins it with its own Policy for that provider alone; the Service, not the
// provider, then decides the grants.
type PolicySource interface {
	// Policy returns the switches the provider's configuration turns on.
	Policy() Policy
}

// Recorder is implemented by providers that can record a room from the server. The Service
// answers ErrUnsupported for providers that do not implement it.
type Recorder interface {
	// StartRecording starts recording room and returns the recording in progress.
	StartRecording(ctx context.Context, room string) (*Recording, error)
	// StopRecording stops the recording with the given ID and returns what is known of it. An
	// unknown ID is an error wrapping ErrNotFound.
	StopRecording(ctx context.Context, recordingID string) (*Recording, error)
}

// Admitter is implemented by providers with a server-side waiting room: Admit lets a waiting
// participant publish and subscribe. The Service answers ErrUnsupported for the others.
type Admitter interface {
	// Admit gives userID in room Publish, Subscribe and PublishData now, changing none of its
	// other permissions. A participant not in the room is an error wrapping ErrNotFound.
	Admit(ctx context.Context, room, userID string) error
}

// ParticipantLister is implemented by providers that can say who is in a room now.
type ParticipantLister interface {
	// Participants returns the participants connected to room; none for an unknown room.
	Participants(ctx context.Context, room string) ([]LiveParticipant, error)
}

// LiveParticipant is someone connected to a room, as the provider sees them.
type LiveParticipant struct {
	// UserID is the participant's identity.
	UserID string `json:"user_id"`
	// Name is the display name.
	Name string `json:"name,omitempty"`
	// Role is the role the token was issued for, when the provider carries it.
	Role Role `json:"role,omitempty"`
	// JoinedAt is when the participant connected.
	JoinedAt time.Time `json:"joined_at,omitzero"`
	// CanPublish and CanSubscribe are the participant's permissions now: a patient in a
	// waiting room has neither until admitted.
	CanPublish bool `json:"can_publish"`
	// CanSubscribe reports whether the participant receives the others' media.
	CanSubscribe bool `json:"can_subscribe"`
	// Hidden participants are not shown to the others (observers).
	Hidden bool `json:"hidden,omitempty"`
}

// WebhookReceiver is implemented by providers that post signed events to the application.
// Service.WebhookHandler uses the first provider that implements it.
type WebhookReceiver interface {
	// ReceiveWebhook verifies r's signature and body and returns the event in the library's
	// vocabulary. A missing or bad signature is an error wrapping ErrUnauthenticated; a body
	// that is not an event, one wrapping ErrInvalidArgument.
	ReceiveWebhook(r *http.Request) (*WebhookEvent, error)
}

// WebhookKind is what a provider event says happened.
type WebhookKind string

// The provider events the Service acts on; others arrive as WebhookOther and are ignored.
const (
	WebhookRoomStarted       WebhookKind = "room_started"
	WebhookRoomFinished      WebhookKind = "room_finished"
	WebhookParticipantJoined WebhookKind = "participant_joined"
	WebhookParticipantLeft   WebhookKind = "participant_left"
	WebhookRecordingEnded    WebhookKind = "recording_ended"
	WebhookOther             WebhookKind = "other"
)

// WebhookEvent is a provider event in the library's vocabulary.
type WebhookEvent struct {
	// ID is the provider's event ID, used to drop repeated deliveries.
	ID string
	// Kind is what happened.
	Kind WebhookKind
	// Room is the room it happened in.
	Room string
	// UserID is the participant, for participant events.
	UserID string
	// Role is the participant's role, when the provider carries it.
	Role Role
	// Recording is the finished recording, for WebhookRecordingEnded.
	Recording *Recording
	// At is when it happened.
	At time.Time
	// SessionStart is when the participant's session that a participant event is about began,
	// when the provider says (LiveKit: the participant's joined_at, in milliseconds). It orders
	// a leave and a rejoin within the same second of At.
	SessionStart time.Time
	// RoomStart is when the room instance the event is about was created, when the provider
	// says. A room_finished of an instance older than the consultation's last move ends nothing.
	RoomStart time.Time
}
