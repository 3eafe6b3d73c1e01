// Package openvidu2fake is an in-process fake of the OpenVidu 2.32 REST API
// (/openvidu/api/...), served by an httptest server on 127.0.0.1, so the module's OpenVidu 2
// client code can be tested without a JVM, Kurento or Docker.
//
// The fake speaks the real dialect, not a simplified one: response shapes, status codes and
// the bodies (or their absence) follow openvidu-server 2.32's SessionRestController and the
// JSON its entities write (Session, Token, Participant, Recording), including the
// deprecated duplicates the official clients still read ("sessionId" beside "id" in a
// session, "connectionId" beside "id" in a connection). TestOfficialNodeClientAgrees runs
// the official openvidu-node-client 2.32.2 against it to keep it honest.
//
// What a real deployment does and the fake does not: there is no media and no WebSocket
// signalling, so nobody ever joins with a token. A test plays the browser with
// [Server.Activate], which turns a pending connection into an active one as a join would.
// Recordings start at once (never "starting") and are "ready" right after they stop;
// broadcasts and the config sub-paths are not modelled.
//
// Where the real server and the REST reference disagree, the fake follows the server; each
// such choice is documented where it is made.
package openvidu2fake
