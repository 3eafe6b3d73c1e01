// Package openvidu is the OpenVidu 3 provider of github.com/teleconsult/video. OpenVidu 3
// speaks the LiveKit API, so the provider uses github.com/livekit/server-sdk-go/v2: access
// tokens signed with the API key and secret, the Twirp RoomService and EgressService, and
// signed webhooks. It works against a plain livekit-server as well.
//
// # Tokens
//
// One room per token (never a wildcard), exp the TTL from the Service (the token's exp and the
// Token's ExpiresAt are one computation), identity = the user ID, name = the display name,
// metadata = {"role": "..."} and nothing else. The Service's grants become LiveKit's, and
// nothing else does: Moderator → roomAdmin, Publish → canPublish (limited to camera and
// microphone without ScreenShare), Subscribe → canSubscribe, PublishData → canPublishData,
// Hidden → hidden. A Waiting participant (VIDEO_WAITING_ROOM or OPENVIDU_WAITING_ROOM) joins
// with none of publish, subscribe and data until Admit gives those three, keeping the rest.
// Record has no LiveKit claim: the server records (video.Recorder).
//
// Every token also carries the room configuration (empty and departure timeouts, max
// participants), so the room has the consultation's limits even when a participant's join
// creates it.
//
// # Rooms
//
// CreateRoom creates or updates the room with OPENVIDU_EMPTY_TIMEOUT,
// OPENVIDU_DEPARTURE_TIMEOUT and OPENVIDU_MAX_PARTICIPANTS. EndRoom deletes the room, which
// disconnects everyone; an unknown room is already ended. (RemoveParticipant does not revoke
// a token on the open-source server: a removed participant can rejoin, so it is not how a
// meeting ends.)
//
// # Recording
//
// The provider implements video.Recorder with a room-composite egress to
// OPENVIDU_RECORDING_FILEPATH. Every egress call carries a deadline
// (OPENVIDU_RECORDING_TIMEOUT): a server without an egress service never answers. Finished
// recordings arrive as egress_ended webhooks through Service.WebhookHandler.
//
// # Health
//
// Check asks GET /twirp/health (OpenVidu) or, where that is not found, GET / (plain LiveKit)
// for a 200, then makes an authenticated ListRooms. A refused key or secret is an error
// wrapping video.ErrUnauthenticated: the Service reports it as misconfigured, not down.
package openvidu
