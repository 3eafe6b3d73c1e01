package redisstore_test

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	video "github.com/teleconsult/video"
	"github.com/teleconsult/video/internal/testserver"
	"github.com/teleconsult/video/redisstore"
)

// failoverBudget is how long after a replica's promotion every slot must serve again.
const failoverBudget = 5 * time.Second

// failoverWait is the failover tests' WAIT timeout.
const failoverWait = 400 * time.Millisecond

// TestClusterMasterFailover kills -9 the master holding the most consultations under traffic
// (clusterFailover) and checks, in the failover window: how long after the promotion every slot
// serves again, tokens acknowledged and then lost, moves stored without a notice, and
// appointments split after the notices were followed; it logs the errors by kind.
func TestClusterMasterFailover(t *testing.T) {
	checkFailover(t, clusterFailover(t, killMaster))
}

// TestClusterMasterFailoverWhileItsReplicaLags freezes the replica first, so that writes on the
// master wait for it (WAIT) with their data already sent, then, before any wait times out,
// kills the master and thaws the replica, which applies what it was sent and is promoted:
// writes that failed for their callers are stored. A move among them must still be announced.
func TestClusterMasterFailoverWhileItsReplicaLags(t *testing.T) {
	checkFailover(t, clusterFailover(t, killMasterWhileReplicaLags))
}

// BenchmarkClusterFailover runs each failover scenario once (-benchtime 1x) and reports its
// counts, for BENCHMARKS.md.
func BenchmarkClusterFailover(b *testing.B) {
	for _, sc := range []struct {
		name  string
		fault func(victim, heir *testserver.Redis)
	}{{"kill", killMaster}, {"kill-lagging", killMasterWhileReplicaLags}} {
		b.Run(sc.name, func(b *testing.B) {
			var c failoverCounts
			for b.Loop() {
				c = clusterFailover(b, sc.fault)
			}
			b.ReportMetric(c.promotion.Seconds(), "promotion-s")
			b.ReportMetric(c.slotsBack.Seconds(), "serving-after-promotion-s")
			b.ReportMetric(float64(c.requests), "requests")
			b.ReportMetric(float64(c.errors), "errors")
			b.ReportMetric(float64(c.late), "late-errors")
			b.ReportMetric(float64(c.moves), "moves")
			b.ReportMetric(float64(c.lost), "lost")
			b.ReportMetric(float64(c.lostMoves), "lost-moves")
			b.ReportMetric(float64(c.unnotified), "unnotified")
			b.ReportMetric(float64(c.split), "splits")
			b.ReportMetric(float64(c.settled), "settled-moves")
		})
	}
}

func killMaster(victim, _ *testserver.Redis) { victim.Kill() }

func killMasterWhileReplicaLags(victim, heir *testserver.Redis) {
	heir.Freeze()
	time.Sleep(failoverWait / 4) // writes wait for the frozen replica; none times out
	victim.Kill()
	heir.Thaw()
}

// failoverCounts is what one failover cost.
type failoverCounts struct {
	promotion  time.Duration // from the kill to the replica's promotion
	slotsBack  time.Duration // from the promotion until every slot served again
	requests   int64
	errors     int64
	byKind     string
	late       int // errors after the promotion + failoverBudget
	moves      int
	lostMoves  int // announced moves no record holds: acknowledged, then lost
	announced  int
	settled    int   // moves announced after their write failed, once read back
	repairs    int64 // store faults the replicas repaired
	lost       int   // tokens acknowledged, then missing from the record
	unnotified int   // moves stored without a notice
	split      int   // appointments whose participants hold tokens for different meetings
}

// checkFailover asserts what a failover must never cost, and logs the rest.
func checkFailover(t *testing.T, c failoverCounts) {
	t.Logf("kill → promotion %.2fs; every slot serving %.2fs after the promotion", c.promotion.Seconds(), c.slotsBack.Seconds())
	t.Logf("requests=%d, errors=%d %s, late errors (after promotion+%s)=%d", c.requests, c.errors, c.byKind, failoverBudget, c.late)
	t.Logf("moves announced after their write failed=%d, store repairs=%d", c.settled, c.repairs)
	t.Logf("moves stored=%d announced=%d lost after their notice=%d, tokens acknowledged then lost=%d, moves stored without a notice=%d, split appointments=%d",
		c.moves, c.announced, c.lostMoves, c.lost, c.unnotified, c.split)
	assert.Zero(t, c.split, "appointments whose participants hold tokens for different meetings after following the notices")
	assert.Zero(t, c.unnotified, "moves stored without a notice")
	assert.LessOrEqual(t, c.slotsBack, failoverBudget, "every slot serves again within %s of the promotion", failoverBudget)
	assert.Zero(t, c.late, "no request fails once the failover window is over")
	assert.Zero(t, c.lost, "tokens acknowledged and then lost")
	assert.Positive(t, c.errors, "the outage was felt: the test killed a master that had traffic")
}

// clusterFailover runs the scenario on a fresh cluster: two application replicas, each with
// its own client, serve 32 callers while their views of the primary provider disagree and flip
// every 2 ms (so that moves are being made when the master dies); fault takes down the master
// holding the most keys. Migration notices are followed as an application would, retrying
// until the store answers.
func clusterFailover(tb testing.TB, fault func(victim, heir *testserver.Redis)) failoverCounts {
	cl := testserver.StartRedisCluster(tb, testserver.ClusterOptions{NodeTimeout: 2 * time.Second})
	const prefix = "fo:"
	// Writes wait up to failoverWait for the replica: long enough that a loaded machine does
	// not time out a healthy one (an acknowledged write whose wait timed out could be lost).
	samePrefix := func(c *redisstore.Config) { c.Prefix, c.WaitTimeout = prefix, failoverWait }
	stA, stB := openCluster(tb, cl, samePrefix), openCluster(tb, cl, samePrefix)
	fast := func(cfg *video.Config) {
		cfg.Health.Interval = time.Millisecond
		cfg.Health.RecoveryProbes = 1
	}
	a, b := newReplica(tb, stA, fast), newReplica(tb, stB, fast)
	run := &failoverRun{tb: tb, latest: map[participant]held{}, notified: map[string]bool{}}

	stop := make(chan struct{})
	var bg sync.WaitGroup
	bg.Go(func() { flipHealth(stop, a, b) })
	bg.Go(func() { run.follow(stop, a) })
	bg.Go(func() { run.follow(stop, b) })

	// Probes: one consultation per master's slots, read every 10 ms.
	layout, err := testserver.Layout(cl.Nodes[0].Addr)
	require.NoError(tb, err)
	probes := probeAppointments(tb, cl, prefix, layout)
	for _, id := range probes {
		_, err := a.svc.GenerateMeetingToken(context.Background(), id, "probe", video.RoleObserver, video.UserInfo{})
		require.NoError(tb, err)
	}
	var lastProbeFail atomic.Int64
	bg.Go(func() {
		for {
			for _, id := range probes {
				ctx, cancel := context.WithTimeout(context.Background(), 500*time.Millisecond)
				if _, err := stA.Get(ctx, id); err != nil {
					lastProbeFail.Store(time.Now().UnixNano())
				}
				cancel()
			}
			select {
			case <-stop:
				return
			case <-time.After(10 * time.Millisecond): // the probes' schedule
			}
		}
	})

	var workers sync.WaitGroup
	var next atomic.Int64
	stopWork := make(chan struct{})
	for range 32 {
		workers.Go(func() {
			for {
				select {
				case <-stopWork:
					return
				default:
				}
				i := next.Add(1)
				appt := fmt.Sprintf("appt-%05d", (i/2)%4000)
				if i%2 == 0 {
					run.get(a, appt, "doc", video.RoleDoctor, false)
				} else {
					run.get(b, appt, "pat", video.RolePatient, false)
				}
			}
		})
	}

	time.Sleep(1500 * time.Millisecond) // traffic before the fault
	victim, heir := mostLoadedMaster(tb, cl, layout)
	killAt := time.Now()
	fault(victim, heir)
	promotedAt := waitPromotion(tb, heir.Addr, victim.Addr)
	time.Sleep(failoverBudget + time.Second) // traffic through and after the failover window
	close(stopWork)
	workers.Wait()

	// The moves whose write failed are settled once the store answers.
	for _, r := range []*replica{a, b} {
		require.Eventually(tb, func() bool { return r.svc.Health(context.Background()).UnsettledMigrations == 0 },
			30*time.Second, 10*time.Millisecond, "every move of unknown fate is settled")
	}
	close(stop)
	bg.Wait()
	run.drain(a, b)

	c := failoverCounts{promotion: promotedAt.Sub(killAt), requests: next.Load(), errors: run.errs.Load(),
		byKind: run.errorsByKind(), late: run.late(promotedAt.Add(failoverBudget))}
	c.moves, c.lostMoves = run.moves(stA)
	c.slotsBack = max(time.Unix(0, lastProbeFail.Load()).Sub(promotedAt), 0)
	c.lost, c.unnotified, c.split = run.verify(stA)
	c.announced = len(run.notified)
	for _, r := range []*replica{a, b} {
		c.settled += r.logged.count("consultation migrated to another provider (its write failed but was stored)")
		c.repairs += r.svc.Health(context.Background()).StoreRepairs
	}
	return c
}

// participant is one user of one appointment.
type participant struct{ appt, user string }

// held is the token a participant holds: from the request that started last.
type held struct {
	started time.Time
	tok     *video.MeetingToken
}

// failoverRun collects what the callers saw.
type failoverRun struct {
	tb       testing.TB
	mu       sync.Mutex
	latest   map[participant]held
	notified map[string]bool // appointment/At/from/to of every notice
	notices  []video.MigrationNotice
	errAt    []time.Time
	errKinds map[string]int
	errs     atomic.Int64
}

// get asks r for a token; a follower (retry) tries until the store answers, as an application
// that must move its participant would.
func (f *failoverRun) get(r *replica, appt, user string, role video.Role, retry bool) {
	for attempt := 0; ; attempt++ {
		started := time.Now()
		ctx, cancel := context.WithTimeout(context.Background(), time.Second)
		tok, err := r.svc.GenerateMeetingToken(ctx, appt, user, role, video.UserInfo{})
		cancel()
		if err == nil {
			f.mu.Lock()
			if h, ok := f.latest[participant{appt, user}]; !ok || started.After(h.started) {
				f.latest[participant{appt, user}] = held{started, tok}
			}
			f.mu.Unlock()
			return
		}
		f.failed(err)
		if !retry || attempt > 200 {
			return
		}
		time.Sleep(50 * time.Millisecond) // the application's retry schedule
	}
}

func (f *failoverRun) failed(err error) {
	f.errs.Add(1)
	kind := errorKind(err)
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.errKinds == nil {
		f.errKinds = map[string]int{}
	}
	f.errKinds[kind]++
	f.errAt = append(f.errAt, time.Now())
}

// errorKind names what went wrong, by the error's kind and its cause.
func errorKind(err error) string {
	code := video.Code(err)
	name := "other"
	if code != nil {
		name = code.Error()
	}
	msg := err.Error()
	for _, cause := range []string{"connection refused", "replication is unknown", "CLUSTERDOWN", "MOVED", "READONLY", "i/o timeout", "deadline exceeded", "EOF", "connection reset"} {
		if strings.Contains(msg, cause) {
			return name + ": " + cause
		}
	}
	return name + ": " + msg
}

func (f *failoverRun) errorsByKind() string {
	f.mu.Lock()
	defer f.mu.Unlock()
	keys := make([]string, 0, len(f.errKinds))
	for k := range f.errKinds {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	parts := make([]string, len(keys))
	for i, k := range keys {
		parts[i] = k + "=" + strconv.Itoa(f.errKinds[k])
	}
	return "[" + strings.Join(parts, ", ") + "]"
}

// late counts the errors after t.
func (f *failoverRun) late(t time.Time) int {
	f.mu.Lock()
	defer f.mu.Unlock()
	n := 0
	for _, at := range f.errAt {
		if at.After(t) {
			n++
		}
	}
	return n
}

func noticeKey(appt string, m video.Migration) string {
	return appt + "|" + m.At.UTC().Format(time.RFC3339Nano) + "|" + string(m.From) + "/" + m.FromRoom + "|" + string(m.To) + "/" + m.ToRoom
}

// follow acts on r's notices until stop: the participants listed fetch a new token.
func (f *failoverRun) follow(stop <-chan struct{}, r *replica) {
	for {
		select {
		case n := <-r.notices:
			f.notice(r, n)
		case <-stop:
			return
		}
	}
}

func (f *failoverRun) notice(r *replica, n video.MigrationNotice) {
	f.mu.Lock()
	f.notified[noticeKey(n.AppointmentID, n.Migration)] = true
	f.notices = append(f.notices, n)
	f.mu.Unlock()
	for _, p := range n.Migration.Participants {
		f.get(r, n.AppointmentID, p.UserID, p.Role, true)
	}
}

// drain follows the notices left after stop.
func (f *failoverRun) drain(replicas ...*replica) {
	for drained := false; !drained; {
		drained = true
		for _, r := range replicas {
			select {
			case n := <-r.notices:
				f.notice(r, n)
				drained = false
			default:
			}
		}
	}
}

// verify reads every consultation a token was handed out for and counts the tokens whose
// record is lost, the moves stored without a notice, and the appointments whose participants'
// latest tokens are not all for the stored pin.
func (f *failoverRun) verify(st *redisstore.Store) (lost, unnotified, split int) {
	f.mu.Lock()
	defer f.mu.Unlock()
	records := map[string]*video.Consultation{}
	splitAppts := map[string]bool{}
	for p, h := range f.latest {
		c, ok := records[p.appt]
		if !ok {
			var err error
			c, err = st.Get(context.Background(), p.appt)
			if errors.Is(err, video.ErrNotFound) {
				lost++
				continue
			}
			require.NoError(f.tb, err)
			records[p.appt] = c
			for _, m := range c.Migrations {
				if !f.notified[noticeKey(p.appt, m)] {
					unnotified++
				}
			}
		}
		found := false
		for _, rec := range c.Participants {
			found = found || rec.UserID == p.user
		}
		if !found {
			lost++
		}
		if h.tok.Provider != c.Provider || h.tok.Room != c.Room {
			splitAppts[p.appt] = true
			f.tb.Logf("split: %s user %s holds %s/%s started %s; record %s/%s v%d migrations=%+v participants=%+v", p.appt, p.user, h.tok.Provider, h.tok.Room, h.started.Format("15:04:05.000"), c.Provider, c.Room, c.Version, c.Migrations, c.Participants)
		}
		if !found {
			f.tb.Logf("lost: %s user %s holds %s/%s started %s; record %s/%s v%d migrations=%d", p.appt, p.user, h.tok.Provider, h.tok.Room, h.started.Format("15:04:05.000"), c.Provider, c.Room, c.Version, len(c.Migrations))
		}
	}
	return lost, unnotified, len(splitAppts)
}

// moves counts the moves stored in the consultations that got tokens or notices, and the
// announced moves that no record holds any more: acknowledged, then lost by the failover.
func (f *failoverRun) moves(st *redisstore.Store) (stored, lostMoves int) {
	f.mu.Lock()
	defer f.mu.Unlock()
	records := map[string]*video.Consultation{}
	read := func(appt string) *video.Consultation {
		c, ok := records[appt]
		if !ok {
			c, _ = st.Get(context.Background(), appt)
			records[appt] = c
			if c != nil {
				stored += len(c.Migrations)
			}
		}
		return c
	}
	for p := range f.latest {
		read(p.appt)
	}
	seen := map[string]bool{}
	for _, n := range f.notices {
		k := noticeKey(n.AppointmentID, n.Migration)
		if seen[k] {
			continue
		}
		seen[k] = true
		c := read(n.AppointmentID)
		held := false
		for _, m := range c.Migrations {
			held = held || noticeKey(n.AppointmentID, m) == k
		}
		if !held {
			lostMoves++
		}
	}
	return stored, lostMoves
}

// flipHealth has a and b disagree about the primary, flipping every 2 ms until stop.
func flipHealth(stop <-chan struct{}, a, b *replica) {
	for up := true; ; up = !up {
		a.ov.SetHealthy(up)
		b.ov.SetHealthy(!up)
		select {
		case <-stop:
			return
		case <-time.After(2 * time.Millisecond): // the fault's schedule
		}
	}
}

// probeAppointments returns, for each master, an appointment whose consultation key hashes
// to one of its slots.
func probeAppointments(t testing.TB, cl *testserver.RedisCluster, prefix string, layout []testserver.ClusterNode) []string {
	var out []string
	for _, n := range layout {
		if !n.Master {
			continue
		}
		for i := 0; ; i++ {
			require.Less(t, i, 10000, "no appointment hashes to %s", n.Addr)
			id := "probe-" + strconv.Itoa(i)
			s, err := testserver.Command(cl.Nodes[0].Addr, "CLUSTER", "KEYSLOT", prefix+"c:{"+id+"}")
			require.NoError(t, err)
			slot, _ := strconv.Atoi(s)
			if serves(n, slot) {
				out = append(out, id)
				break
			}
		}
	}
	require.Len(t, out, 3)
	return out
}

func serves(n testserver.ClusterNode, slot int) bool {
	for _, r := range n.Slots {
		lo, hi, ok := strings.Cut(r, "-")
		if !ok {
			hi = lo
		}
		l, err1 := strconv.Atoi(lo)
		h, err2 := strconv.Atoi(hi)
		if err1 == nil && err2 == nil && slot >= l && slot <= h {
			return true
		}
	}
	return false
}

// mostLoadedMaster returns the master holding the most keys and its replica.
func mostLoadedMaster(t testing.TB, cl *testserver.RedisCluster, layout []testserver.ClusterNode) (victim, heir *testserver.Redis) {
	byAddr := map[string]*testserver.Redis{}
	for _, n := range cl.Nodes {
		byAddr[n.Addr] = n
	}
	var best testserver.ClusterNode
	most := -1
	for _, n := range layout {
		if !n.Master {
			continue
		}
		s, err := testserver.Command(n.Addr, "DBSIZE")
		require.NoError(t, err)
		keys, _ := strconv.Atoi(s)
		if keys > most {
			best, most = n, keys
		}
	}
	for _, n := range layout {
		if n.MasterID == best.ID {
			return byAddr[best.Addr], byAddr[n.Addr]
		}
	}
	t.Fatal("the most loaded master has no replica")
	return nil, nil
}

// waitPromotion waits until the node at heir reports itself a master, and returns when.
func waitPromotion(t testing.TB, heir, dead string) time.Time {
	end := time.Now().Add(30 * time.Second)
	for time.Now().Before(end) {
		nodes, err := testserver.Layout(heir)
		if err == nil {
			for _, n := range nodes {
				if n.Addr == heir && n.Master {
					return time.Now()
				}
			}
		}
		time.Sleep(10 * time.Millisecond) // polling the cluster's failover, with a deadline
	}
	t.Fatalf("the replica %s of the killed master %s was not promoted within 30s", heir, dead)
	return time.Time{}
}
