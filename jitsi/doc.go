// Package jitsi is the Jitsi Meet provider of github.com/teleconsult/video: JWTs that
// Jitsi's prosody token verifier accepts, join links, and a health probe of the public
// deployment. A self-hosted Jitsi and 8x8 JaaS are two configurations of this one provider
// (values, not types): set JITSI_APP_ID and JITSI_APP_SECRET for a self-hosted deployment
// (HS256), or JITSI_JAAS_KEY_ID, JITSI_APP_ID and a private key for JaaS (RS256).
//
// # Tokens
//
// A token carries, for a self-hosted deployment: header typ "JWT" and alg HS256; iss the app
// ID, aud a plain string (JITSI_AUDIENCE, default "jitsi"), sub (JITSI_SUBJECT, default "*"),
// room the exact room (never "*"), iat, nbf 30 seconds back, exp now plus the TTL, all in
// whole seconds; and context.user (id, name, email, avatar, and moderator: the Moderator
// grant, which the Service gives the doctor alone) and context.features as "true"/"false"
// strings (recording: the Record grant, given with VIDEO_CLIENT_RECORDING or
// JITSI_ENABLE_RECORDING; livestreaming and outbound-call off; screen-sharing: Publish and
// ScreenShare). For JaaS: alg RS256 with kid "<AppID>/<JaaSKeyID>", iss "chat",
// aud "jitsi", sub the app ID. No field is null.
//
// Without an app secret (and not JaaS), links carry no token: anyone with a link can join.
// New logs a warning saying so.
//
// # Links
//
// https://<domain>[/<tenant>]/<room>?jwt=<token>#<config overrides>. JITSI_BASE_URL wins over
// JITSI_DOMAIN. The display name travels as userInfo.displayName, JSON-quoted and escaped as
// encodeURIComponent does, so quotes, spaces, emoji, '#' and '&' arrive intact. The grants a
// token cannot carry ride as overrides: Waiting (VIDEO_WAITING_ROOM or
// JITSI_ENABLE_WAITING_ROOM) sends the participant through the prejoin page, and without Publish
// (observers) the participant starts muted.
//
// # Health
//
// Check fetches <base>/config.js (must be 200: the web front is up) and <base>/http-bind
// (must be 200: prosody answers BOSH; a 502 there means prosody is down), within the
// caller's deadline. JITSI_HEALTH_PROBE=off turns the probe off for deployments the backend
// cannot reach; health is then the configuration's validity.
//
// # Limits
//
// Jitsi has no server API that this provider can call to end a room or to record:
//   - EndRoom succeeds without effect. The Service refuses new tokens after a consultation
//     ends, and issued tokens expire at their TTL; people already in the room stay until
//     they leave.
//   - Recording is a token feature the doctor starts in the Jitsi client (with
//     VIDEO_CLIENT_RECORDING or JITSI_ENABLE_RECORDING). The provider does not implement video.Recorder, so
//     Service.StartRecording answers video.ErrUnsupported.
//   - A real lobby needs the server: the moderator turns the lobby on in the client, and
//     prosody's mod_muc_wait_for_host holds guests until a host with a token joins. The
//     prejoin page this provider asks for only lets a patient check devices first.
//   - Observers cannot be hidden: they join as visible participants who start muted.
package jitsi
