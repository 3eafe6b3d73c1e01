package faultlab_test

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httputil"
	"net/url"
	"os"
	"runtime"
	"sort"
	"sync"
	"testing"
	"time"

	"github.com/livekit/protocol/livekit"
	lksdk "github.com/livekit/server-sdk-go/v2"
	"github.com/stretchr/testify/require"
	video "github.com/teleconsult/video"
	"github.com/teleconsult/video/internal/faultserver"
	"github.com/teleconsult/video/internal/openvidu2fake"
	"github.com/teleconsult/video/internal/testserver"
	"github.com/teleconsult/video/jitsi"
	"github.com/teleconsult/video/openvidu"
)

// v2Secret is the OpenVidu 2 fake's secret.
const v2Secret = "LAB_SECRET"

// The lab's health settings: probes time out at 200 ms, answers are fresh for 100 ms, and a
// provider comes back after 2 consecutive good probes.
const (
	probeTimeout   = 200 * time.Millisecond
	probeInterval  = 100 * time.Millisecond
	recoveryProbes = 2
	faultDelay     = time.Second // the Delay fault answers after this: longer than a probe may take
)

// One livekit-server serves the package; the fault servers sit in front of it.
var shared struct {
	once sync.Once
	lk   *testserver.LiveKit
	err  error
}

func TestMain(m *testing.M) {
	code := m.Run()
	if shared.lk != nil {
		shared.lk.Stop()
	}
	os.Exit(code)
}

func liveKit(tb testing.TB) *testserver.LiveKit {
	tb.Helper()
	bin := testserver.LiveKitBinaryOrSkip(tb)
	shared.once.Do(func() {
		dir, err := os.MkdirTemp("", "faultlab-livekit-")
		if err != nil {
			shared.err = err
			return
		}
		shared.lk, shared.err = testserver.LaunchLiveKit(bin, dir, testserver.LiveKitOptions{})
	})
	require.NoError(tb, shared.err)
	return shared.lk
}

// lab is a Service whose primary (the real OpenVidu provider) sits behind a fault server and
// whose fallback (the real Jitsi provider) probes a stand-in Jitsi front behind another.
type lab struct {
	svc     *video.Service
	v2      *openvidu2fake.Server // the OpenVidu 2 server behind the fault, when the lab runs v2
	ov      *openvidu.Provider
	jt      *jitsi.Provider
	primary *faultserver.Server
	front   *faultserver.Server
	store   video.Store
	notices chan video.MigrationNotice
}

type labOptions struct {
	v2         bool              // the primary speaks OpenVidu 2's REST API, to the fake
	fault      faultserver.Fault // the primary's
	jitsiFault faultserver.Fault // the fallback front's
	store      video.Store
	primary    video.ProviderName
	opts       []video.Option // more options for the Service
	defaults   bool           // the library's default health settings instead of the lab's
	noHedge    bool           // VIDEO_HEDGE_RATE=0
}

func newLab(tb testing.TB, o labOptions) *lab {
	tb.Helper()
	var upstream http.Handler
	probePaths := []string{"/twirp/health", "/", "/twirp/livekit.RoomService/ListRooms"}
	var fake *openvidu2fake.Server
	if o.v2 {
		fake = openvidu2fake.New(v2Secret, openvidu2fake.Options{})
		tb.Cleanup(fake.Close)
		upstream, probePaths = fake.Handler(), []string{"/openvidu/api/config"}
	} else {
		up, err := url.Parse(liveKit(tb).HTTPURL)
		require.NoError(tb, err)
		upstream = httputil.NewSingleHostReverseProxy(up)
	}
	primary, err := faultserver.Start(upstream, o.fault, faultserver.Options{
		Delay: faultDelay, FlapHealthy: 40 * time.Millisecond, FlapBroken: 40 * time.Millisecond,
		ProbePaths: probePaths,
	})
	require.NoError(tb, err)
	tb.Cleanup(primary.Close)
	front, err := faultserver.Start(faultserver.JitsiFront(), o.jitsiFault, faultserver.Options{
		Delay: faultDelay, ProbePaths: []string{"/config.js"},
	})
	require.NoError(tb, err)
	tb.Cleanup(front.Close)

	cfg := video.DefaultConfig()
	cfg.RoomKey = "the fault lab's room key, 32 bytes+"
	if !o.defaults {
		cfg.Health.Timeout, cfg.Health.Interval, cfg.Health.RecoveryProbes = probeTimeout, probeInterval, recoveryProbes
	}
	if o.noHedge {
		cfg.Health.HedgeRate = 0
	}
	ovCfg := openvidu.DefaultConfig()
	ovCfg.URL, ovCfg.APIKey, ovCfg.Secret = primary.URL(), testserver.LiveKitAPIKey, testserver.LiveKitAPISecret
	if o.v2 {
		ovCfg.APIKey, ovCfg.Secret = "", v2Secret
	}
	jtCfg := jitsi.DefaultConfig()
	jtCfg.BaseURL, jtCfg.AppID, jtCfg.AppSecret = front.URL(), "lab", "the lab's jitsi app secret, 32 bytes+"
	if o.primary != "" {
		cfg.Provider = o.primary
	}
	ov, err := openvidu.New(ovCfg)
	require.NoError(tb, err)
	jt, err := jitsi.New(jtCfg, jitsi.WithLogger(slog.New(slog.DiscardHandler)))
	require.NoError(tb, err)
	if o.store == nil {
		o.store = video.NewMemoryStore()
	}
	l := &lab{v2: fake, ov: ov, jt: jt, primary: primary, front: front, store: o.store, notices: make(chan video.MigrationNotice, 100000)}
	svc, err := video.New(cfg, []video.Provider{ov, jt}, append([]video.Option{video.WithStore(o.store),
		video.WithOnMigrate(func(_ context.Context, n video.MigrationNotice) { l.notices <- n })}, o.opts...)...)
	require.NoError(tb, err)
	tb.Cleanup(func() { svc.Close() })
	l.svc = svc
	return l
}

// health returns a provider's health as last known, without probing.
func (l *lab) health(name video.ProviderName) video.ProviderHealth {
	for _, p := range l.svc.CachedHealth().Providers {
		if p.Provider == name {
			return p
		}
	}
	return video.ProviderHealth{}
}

// result is what a run of requests saw.
type result struct {
	tokens    map[[2]string]*video.MeetingToken // latest token per appointment and user
	errors    []error
	latencies []time.Duration
}

// run issues, for each of n appointments, a token to each of users, from `workers`
// goroutines, each request under its own deadline; then it follows every migration notice
// as an application would (the listed participants fetch a new token).
func (l *lab) run(tb testing.TB, prefix string, n int, users []string, workers int) *result {
	res := &result{tokens: map[[2]string]*video.MeetingToken{}}
	var mu sync.Mutex
	get := func(appt, user string) {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		role := video.RolePatient
		if user == "doc" {
			role = video.RoleDoctor
		}
		start := time.Now()
		tok, err := l.svc.GenerateMeetingToken(ctx, appt, user, role, video.UserInfo{})
		d := time.Since(start)
		mu.Lock()
		defer mu.Unlock()
		res.latencies = append(res.latencies, d)
		if err != nil {
			res.errors = append(res.errors, err)
			return
		}
		res.tokens[[2]string{appt, user}] = tok
	}
	jobs := make(chan [2]string)
	var wg sync.WaitGroup
	for range workers {
		wg.Go(func() {
			for j := range jobs {
				get(j[0], j[1])
			}
		})
	}
	for i := range n {
		for _, u := range users {
			jobs <- [2]string{fmt.Sprintf("%s-%05d", prefix, i), u}
		}
	}
	close(jobs)
	wg.Wait()
	for drained := false; !drained; {
		select {
		case nt := <-l.notices:
			for _, p := range nt.Migration.Participants {
				get(nt.AppointmentID, p.UserID)
			}
		default:
			drained = true
		}
	}
	return res
}

// splits counts appointments whose users hold tokens for different meetings, or for a
// meeting other than the stored pin.
func (l *lab) splits(tb testing.TB, res *result, users []string) int {
	seen := map[string]bool{}
	split := 0
	for k := range res.tokens {
		appt := k[0]
		if seen[appt] {
			continue
		}
		seen[appt] = true
		c, err := l.store.Get(context.Background(), appt)
		require.NoError(tb, err)
		for _, u := range users {
			tok := res.tokens[[2]string{appt, u}]
			if tok == nil || tok.Provider != c.Provider || tok.Room != c.Room {
				split++
				break
			}
		}
	}
	return split
}

// percentile returns the p-th percentile of ds.
func percentile(ds []time.Duration, p float64) time.Duration {
	if len(ds) == 0 {
		return 0
	}
	s := append([]time.Duration(nil), ds...)
	sort.Slice(s, func(i, j int) bool { return s[i] < s[j] })
	return s[min(len(s)-1, int(float64(len(s))*p))]
}

func runtimeProcs() int { return runtime.GOMAXPROCS(0) }

// orphans counts the rooms on the real server that belong to appointments of res pinned
// elsewhere: rooms opened for a pin that lost and could not be closed (an empty room closes by
// itself after OPENVIDU_EMPTY_TIMEOUT).
func (l *lab) orphans(tb testing.TB, res *result) int {
	open := l.openRooms(tb)
	n := 0
	seen := map[string]bool{}
	for k := range res.tokens {
		if seen[k[0]] {
			continue
		}
		seen[k[0]] = true
		c, err := l.store.Get(context.Background(), k[0])
		require.NoError(tb, err)
		if c.Provider != openvidu.Name && open[c.Room] {
			n++
		}
	}
	return n
}

// openRooms returns the rooms open now on the server behind the primary.
func (l *lab) openRooms(tb testing.TB) map[string]bool {
	open := map[string]bool{}
	if l.v2 != nil {
		for _, s := range l.v2.Sessions() {
			open[s] = true
		}
		return open
	}
	lk := liveKit(tb)
	rooms, err := lksdk.NewRoomServiceClient(lk.HTTPURL, testserver.LiveKitAPIKey, testserver.LiveKitAPISecret).
		ListRooms(context.Background(), &livekit.ListRoomsRequest{})
	require.NoError(tb, err)
	for _, r := range rooms.Rooms {
		open[r.Name] = true
	}
	return open
}
