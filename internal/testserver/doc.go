// Package testserver starts real servers on 127.0.0.1 for the module's tests: a
// livekit-server (the OpenVidu 3 API) and a redis-server. Each listens on loopback only, on
// free ports, and stops by itself: when the test stops it, when the test process dies
// (parent-death signal), and in any case after a lifetime limit.
//
// A test that needs a server this package cannot find skips with a message saying how to
// get it, unless VIDEO_TEST_REQUIRE_SERVERS=1 (set by the test script under CI), when it
// fails instead: CI never takes the skip.
package testserver
