package faultlab_test

import (
	"context"
	"fmt"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	video "github.com/teleconsult/video"
	"github.com/teleconsult/video/internal/faultserver"
	"github.com/teleconsult/video/jitsi"
	"github.com/teleconsult/video/openvidu"
)

// The sudden-fault runs: traffic for suddenRun, the fault at suddenCut, requests of a
// stalled or slow primary answered after suddenStall and suddenSlow. The seed waits
// seedTimeout on a probe, as the original design did.
const (
	suddenRun   = 3 * time.Second
	suddenCut   = 500 * time.Millisecond
	suddenStall = 500 * time.Millisecond
	suddenSlow  = time.Second
	seedTimeout = 5 * time.Second
	tooLong     = 300 * time.Millisecond // a caller who waited longer noticed the outage
)

// BenchmarkSuddenFault runs fresh appointments at 64 requests in flight (32 callers, each
// asking for a doctor's and a patient's token of one appointment at once) against a primary
// (the real OpenVidu provider, on livekit-server) that was healthy until, half a second in,
// it suddenly stops answering (blackhole), answers after a second (slow), or stalls for half a
// second (stall). The library runs with its defaults (VIDEO_HEALTH_TIMEOUT 2 s), hedged as it
// ships and with VIDEO_HEDGE_RATE=0; the seed probes on every request, as the original design
// did. Each is one run of 3 s of traffic: -benchtime 1x.
//
// blackhole-v2 is the black hole with OpenVidu 2's REST API in front (the fake, whose dialect
// the official client checks): its tokens are a call to the server too, and only the first
// token of a pin nobody holds yet can be hedged (by moving the pin).
func BenchmarkSuddenFault(b *testing.B) {
	for _, fault := range []string{"blackhole", "slow", "stall", "blackhole-v2"} {
		for _, mode := range []string{"hedged", "unhedged", "seed"} {
			b.Run(fault+"/"+mode, func(b *testing.B) {
				for b.Loop() {
					benchSudden(b, fault, mode)
				}
			})
		}
	}
}

func benchSudden(b *testing.B, fault, mode string) {
	v2 := fault == "blackhole-v2"
	l := newLab(b, labOptions{defaults: true, noHedge: mode == "unhedged", v2: v2})
	issue := func(ctx context.Context, appt, user string, role video.Role) (*video.MeetingToken, error) {
		return l.svc.GenerateMeetingToken(ctx, appt, user, role, video.UserInfo{})
	}
	if mode == "seed" {
		issue = l.seedPair
	}
	for i := range 100 { // the primary is healthy and known to be: its hedge delay has data
		appt := fmt.Sprintf("warm-%s-%s-%d", fault, mode, i)
		if _, err := issue(context.Background(), appt, "doc", video.RoleDoctor); err != nil {
			b.Fatal(err)
		}
	}

	var (
		mu        sync.Mutex
		latencies []time.Duration
		pairs     [][2]*video.MeetingToken
		index     = map[string]int{} // appointment → its pair
		errs      atomic.Int64
		next      atomic.Int64
	)
	start := time.Now()
	stop := start.Add(suddenRun)
	time.AfterFunc(suddenCut, func() {
		switch fault {
		case "blackhole", "blackhole-v2":
			l.primary.Set(faultserver.BlackHole)
		case "slow":
			l.primary.SetDelay(suddenSlow)
			l.primary.Set(faultserver.Delay)
		case "stall":
			l.primary.StallFor(suddenStall)
		}
	})
	one := func(appt, user string, role video.Role, out **video.MeetingToken) {
		ctx, cancel := context.WithTimeout(context.Background(), 2*seedTimeout)
		defer cancel()
		t0 := time.Now()
		tok, err := issue(ctx, appt, user, role)
		d := time.Since(t0)
		mu.Lock()
		latencies = append(latencies, d)
		mu.Unlock()
		if err != nil {
			errs.Add(1)
			return
		}
		*out = tok
	}
	var wg sync.WaitGroup
	for range concurrency / 2 {
		wg.Go(func() {
			for time.Now().Before(stop) {
				appt := fmt.Sprintf("sudden-%s-%s-%d", fault, mode, next.Add(1))
				var pair [2]*video.MeetingToken
				var both sync.WaitGroup
				both.Go(func() { one(appt, "doc", video.RoleDoctor, &pair[0]) })
				both.Go(func() { one(appt, "pat", video.RolePatient, &pair[1]) })
				both.Wait()
				mu.Lock()
				index[appt] = len(pairs)
				pairs = append(pairs, pair)
				mu.Unlock()
			}
		})
	}
	wg.Wait()
	// Migration notices are followed as an application would: the participants they name
	// fetch a new token (not timed: this is after the outage's callers were answered).
	for drained := false; !drained && mode != "seed"; {
		select {
		case n := <-l.notices:
			i, ok := index[n.AppointmentID]
			if !ok {
				continue
			}
			for _, p := range n.Migration.Participants {
				k := 0
				if p.Role == video.RolePatient {
					k = 1
				}
				tok, err := issue(context.Background(), n.AppointmentID, p.UserID, p.Role)
				if err != nil {
					b.Fatal(err)
				}
				pairs[i][k] = tok
			}
		default:
			drained = true
		}
	}

	over, splits := 0, 0
	for _, d := range latencies {
		if d > tooLong {
			over++
		}
	}
	for _, p := range pairs {
		if p[0] != nil && p[1] != nil && (p[0].Provider != p[1].Provider || p[0].Room != p[1].Room) {
			splits++
		}
	}
	b.ReportMetric(float64(len(latencies)), "requests")
	b.ReportMetric(float64(percentile(latencies, 0.50).Nanoseconds()), "p50-ns")
	b.ReportMetric(float64(percentile(latencies, 0.99).Nanoseconds()), "p99-ns")
	b.ReportMetric(float64(percentile(latencies, 1.0).Nanoseconds()), "max-ns")
	b.ReportMetric(float64(over), "over-300ms")
	b.ReportMetric(float64(errs.Load()), "errors")
	b.ReportMetric(float64(splits), "splits") // after the migration notices were followed
	if mode == "seed" {
		return
	}
	ov, jt := l.health(openvidu.Name), l.health(jitsi.Name)
	b.ReportMetric(float64(ov.Hedges+jt.Hedges), "hedges")
	b.ReportMetric(float64(ov.HedgesWon+jt.HedgesWon), "hedges-won")
	// The calls left behind end within the health timeout; the rooms they opened late are
	// closed after that (or were never opened).
	time.Sleep(video.DefaultConfig().Health.Timeout + 2*suddenSlow)
	orphans, closed := l.roomsLeft(b, pairs)
	b.ReportMetric(float64(orphans), "orphans")
	b.ReportMetric(float64(closed), "pinned-closed")
}

// roomsLeft counts, on the server behind the primary, the rooms open for appointments served
// elsewhere (orphans), and the rooms gone for appointments served there (closed under them).
func (l *lab) roomsLeft(tb testing.TB, pairs [][2]*video.MeetingToken) (orphans, closed int) {
	open := l.openRooms(tb)
	for _, p := range pairs {
		for _, tok := range p {
			if tok == nil {
				continue
			}
			switch {
			case tok.Provider != openvidu.Name && open[tok.Room]:
				orphans++
			case tok.Provider == openvidu.Name && !open[tok.Room]:
				closed++
			}
			break
		}
	}
	return orphans, closed
}

// seedPair is the seed's way for one participant: probe the primary (bounded by the original
// design's 5 s), create the room there if it answered, else use the fallback. Each
// participant decides alone: nothing pins the appointment.
func (l *lab) seedPair(ctx context.Context, appt, user string, role video.Role) (*video.MeetingToken, error) {
	req := video.TokenRequest{Room: "seed-" + appt, UserID: user, Role: role, TTL: time.Hour}
	probeCtx, cancel := context.WithTimeout(ctx, seedTimeout)
	err := l.ov.Check(probeCtx)
	cancel()
	if err == nil {
		callCtx, cancel := context.WithTimeout(ctx, seedTimeout)
		err = l.ov.CreateRoom(callCtx, req.Room)
		cancel()
		if err == nil {
			tok, err := l.ov.IssueToken(ctx, req)
			if err != nil {
				return nil, err
			}
			return &video.MeetingToken{Provider: openvidu.Name, Room: req.Room, Token: tok.Token}, nil
		}
	}
	tok, err := l.jt.IssueToken(ctx, req)
	if err != nil {
		return nil, err
	}
	return &video.MeetingToken{Provider: jitsi.Name, Room: req.Room, Token: tok.Token}, nil
}
