package faultlab_test

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	video "github.com/teleconsult/video"
	"github.com/teleconsult/video/internal/faultserver"
	"github.com/teleconsult/video/jitsi"
	"github.com/teleconsult/video/openvidu"
)

var users = []string{"doc", "pat"}

// TestEveryFaultWithAHealthyFallback puts the primary (speaking OpenVidu 3's LiveKit API to a
// real livekit-server, then OpenVidu 2's REST API to the fake) behind each fault from the start and
// runs 300 appointments (doctor and patient, 64 at a time): no caller sees an error, at most
// one probe is in flight per provider, no appointment is split. Then the fault clears: new
// appointments return to the primary only after the recovery threshold, and appointments
// pinned to the fallback stay there.
func TestEveryFaultWithAHealthyFallback(t *testing.T) {
	for _, api := range []string{openvidu.APILiveKit, openvidu.APIV2} {
		for _, f := range faultserver.Faults {
			t.Run(api+"/"+f.String(), func(t *testing.T) { everyFault(t, labOptions{fault: f, v2: api == openvidu.APIV2}) })
		}
	}
}

// everyFault is TestEveryFaultWithAHealthyFallback for one API and fault.
func everyFault(t *testing.T, o labOptions) {
	f := o.fault
	l := newLab(t, o)
	res := l.run(t, "load", 300, users, 64)
	assert.Empty(t, res.errors, "errors while the fallback is healthy")
	assert.LessOrEqual(t, l.primary.MaxProbesInFlight(), int64(1), "probes of the primary in flight at once")
	assert.LessOrEqual(t, l.front.MaxProbesInFlight(), int64(1), "probes of the fallback in flight at once")
	assert.Zero(t, l.splits(t, res, users), "appointments split across providers or rooms")
	orphans := l.orphans(t, res)
	t.Logf("%s: orphan rooms left open on the primary: %d (closed by the Service: %d)", f, orphans, l.svc.CachedHealth().OrphanRoomsClosed)
	if f == faultserver.Status401 {
		assert.Equal(t, video.HealthMisconfigured, l.health(openvidu.Name).State,
			"refused credentials are a configuration error, not an outage")
	}
	var onJitsi string
	for k, tok := range res.tokens {
		if tok.Provider == jitsi.Name {
			onJitsi = k[0]
			break
		}
	}
	require.NotEmpty(t, onJitsi, "the fallback served")

	stateAtClear := l.health(openvidu.Name).State
	l.primary.Set(faultserver.Healthy)
	probesAtClear := l.health(openvidu.Name).Probes
	fallbackServed := 0
	for i := 0; ; i++ {
		require.Less(t, i, 500, "the primary never came back")
		tok, err := l.svc.GenerateMeetingToken(context.Background(), fmt.Sprintf("after-%d", i), "doc", video.RoleDoctor, video.UserInfo{})
		require.NoError(t, err)
		if tok.Provider == openvidu.Name {
			break
		}
		fallbackServed++
		time.Sleep(10 * time.Millisecond) // pace new appointments while probes run on their schedule
	}
	if stateAtClear != video.HealthUp {
		// A probe in flight when the fault cleared (at most one: probes are coalesced) may
		// already meet the healthy server and count as the first good one.
		probes := l.health(openvidu.Name).Probes - probesAtClear
		assert.GreaterOrEqual(t, probes, int64(recoveryProbes-1), "back only after consecutive good probes")
		assert.Positive(t, fallbackServed, "new appointments stayed on the fallback until then")
	}
	if l.v2 != nil {
		assert.NotEmpty(t, l.v2.Sessions(), "once the fault cleared, OpenVidu 2 served through its API")
	}
	tok, err := l.svc.GenerateMeetingToken(context.Background(), onJitsi, "pat", video.RolePatient, video.UserInfo{})
	require.NoError(t, err)
	assert.Equal(t, jitsi.Name, tok.Provider, "a pinned appointment stays where it is")
	t.Logf("%s: %d tokens, p99 %s; requests that waited on the primary's probe: %d, on the fallback's first probe: %d; after the fault cleared, %d new appointments on the fallback first",
		f, len(res.latencies), percentile(res.latencies, 0.99), l.health(openvidu.Name).ProbeWaits,
		l.health(jitsi.Name).ProbeWaits, fallbackServed)
}

// TestBothProvidersFaulty: every caller gets ErrAllProvidersFailed carrying both causes,
// within its deadline, and nothing is written for appointments that got no token.
func TestBothProvidersFaulty(t *testing.T) {
	for _, f := range []faultserver.Fault{faultserver.Refused, faultserver.BlackHole, faultserver.Status500, faultserver.Drop} {
		t.Run(f.String(), func(t *testing.T) {
			l := newLab(t, labOptions{fault: f, jitsiFault: faultserver.Status500})
			const n = 200
			errs := make(chan error, n)
			lateness := make(chan error, n)
			for i := range n {
				go func() {
					ctx, cancel := context.WithTimeout(context.Background(), 3*time.Second)
					defer cancel()
					_, err := l.svc.GenerateMeetingToken(ctx, fmt.Sprintf("both-%03d", i), "doc", video.RoleDoctor, video.UserInfo{})
					lateness <- ctx.Err()
					errs <- err
				}()
			}
			for range n {
				err := <-errs
				require.ErrorIs(t, err, video.ErrAllProvidersFailed)
				causes := video.ProviderErrors(err)
				require.Len(t, causes, 2, "%v", err)
				assert.Equal(t, openvidu.Name, causes[0].Provider)
				assert.Equal(t, jitsi.Name, causes[1].Provider)
				assert.NoError(t, <-lateness, "answered within the caller's deadline")
			}
			for i := range n {
				_, err := l.store.Get(context.Background(), fmt.Sprintf("both-%03d", i))
				assert.True(t, errors.Is(err, video.ErrNotFound), "nothing written for an appointment without a token")
			}
		})
	}
}
