// Package openvidu is the OpenVidu provider of github.com/teleconsult/video. It speaks one of
// two APIs under one name, openvidu: OpenVidu 3's, which is the LiveKit API, and OpenVidu 2's
// REST API (see the OpenVidu 2 section). OPENVIDU_API chooses; unset, an API key means the
// LiveKit API and a secret alone OpenVidu 2.
//
// For the LiveKit API the provider uses github.com/livekit/server-sdk-go/v2: access tokens
// signed with the API key and secret, the Twirp RoomService and EgressService, and signed
// webhooks. It works against a plain livekit-server as well.
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
// wrapping video.ErrUnauthenticated: the Service reports it as misconfigured, not down. A server
// that answers like OpenVidu 2 instead is named in an error wrapping video.ErrInvalidConfig.
//
// # OpenVidu 2
//
// OpenVidu 2's REST API (/openvidu/api, or /api with OPENVIDU_LEGACY_API), with HTTP Basic auth
// as OPENVIDUAPP and OPENVIDU_SECRET; OpenVidu 3 PRO serves it in its v2-compatibility mode.
// Rooms are sessions with the room as customSessionId (ROUTED, MANUAL recording; 409, it
// exists, is success); EndRoom closes the session (404 is success). The server makes every
// token: a connection per request (WEBRTC, the role from the grants: MODERATOR, PUBLISHER, or
// SUBSCRIBER for one who may not publish yet, and data naming the user), single-use and valid
// until the session closes, so a token is a bounded network call; a session the server no
// longer has is created and the request made once more. Participants are the active
// connections. Admit changes a connection's role, which only OpenVidu 2 PRO can do: on CE it is
// video.ErrUnsupported. Recording is composed; 406 (nobody connected), 409 (already
// recording) and 501 (recording disabled) are named. Health is an authenticated GET /config.
// Webhooks are not signed: an event is accepted only with the shared header secret
// (OPENVIDU_WEBHOOK_SECRET), compared in constant time, and translated like LiveKit's.
package openvidu
