// Package videotest helps test code that uses github.com/teleconsult/video: a scriptable
// fake Provider for unit tests of appointment code (no server, no network), a test
// configuration (Config, NewService) that needs nothing invented, and the suites every Provider
// and Store implementation runs: RunProviderTests, RunStoreTests, RunStoreFaultTests and
// RunRaceTests.
//
// A fake replaces a provider in tests of the application and of the Service's fallback
// logic. It is never a substitute for proving a real provider: the openvidu and jitsi
// packages run RunProviderTests against real servers and real token rules.
package videotest
