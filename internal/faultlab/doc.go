// Package faultlab measures and proves the Service's failover under real faults: the real
// OpenVidu provider behind a fault server (healthy: a reverse proxy to a real
// livekit-server), the real Jitsi provider as the fallback. Its tests count errors, probes in
// flight and split appointments for every fault; its benchmarks measure latency and the
// callers that waited on a probe, beside a baseline that probes health on every request.
// The package has no code of its own outside its tests; internal/benchreport runs the
// benchmarks and writes BENCHMARKS.md.
package faultlab
