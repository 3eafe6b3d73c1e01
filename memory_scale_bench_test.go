package video_test

import (
	"context"
	"runtime"
	"slices"
	"strconv"
	"testing"
	"time"

	video "github.com/teleconsult/video"
)

// signer is a provider that keeps nothing: the memory a scale benchmark measures is the
// library's alone.
type signer struct{ name video.ProviderName }

func (p signer) Name() video.ProviderName { return p.name }
func (p signer) IssueToken(_ context.Context, req video.TokenRequest) (*video.Token, error) {
	return &video.Token{Token: "t", ExpiresAt: time.Now().Add(req.TTL)}, nil
}
func (p signer) CreateRoom(context.Context, string) error { return nil }
func (p signer) EndRoom(context.Context, string) error    { return nil }
func (p signer) Check(context.Context) error              { return nil }

// BenchmarkMemoryStoreScale issues a token for each of n fresh appointments that are never
// ended (no-shows, forgotten ends), through the Service on the memory store, and reports the
// heap they hold and the latency of each new appointment's token. In the "held" runs every
// appointment is still within its maximum age at the end; in the "steady" runs they come at
// 1,000 a day of simulated time with the default 30-day maximum age, so that the store holds
// the last 30,000 whatever n is: a process that runs for years. Run with -benchtime 1x: each run
// is n appointments.
func BenchmarkMemoryStoreScale(b *testing.B) {
	for _, mode := range []struct {
		name  string
		every time.Duration // simulated time between two appointments
	}{{"held", 0}, {"steady", 24 * time.Hour / 1000}} {
		for _, n := range []int{10_000, 100_000, 300_000, 1_000_000} {
			b.Run(mode.name+"/appointments="+strconv.Itoa(n), func(b *testing.B) { benchScale(b, n, mode.every) })
		}
	}
}

func benchScale(b *testing.B, n int, every time.Duration) {
	ids := make([]string, n)
	for i := range ids {
		ids[i] = "appointment-" + strconv.Itoa(i)
	}
	lat := make([]time.Duration, n)
	clk := newClock()
	opts := []video.MemoryOption{video.MemoryClock(clk.Now)}
	for b.Loop() {
		var before, after runtime.MemStats
		runtime.GC()
		runtime.ReadMemStats(&before)
		st := video.NewMemoryStore(opts...)
		// The simulated days are the store's alone: the Service's health answers stay fresh.
		svc, err := video.New(testConfig(), []video.Provider{signer{ovName}, signer{jtName}}, video.WithStore(st))
		if err != nil {
			b.Fatal(err)
		}
		ctx := context.Background()
		for i, id := range ids {
			clk.Advance(every)
			start := time.Now()
			if _, err := svc.GenerateMeetingToken(ctx, id, "pat", video.RolePatient, video.UserInfo{}); err != nil {
				b.Fatal(err)
			}
			lat[i] = time.Since(start)
		}
		runtime.GC()
		runtime.ReadMemStats(&after)
		held := int64(after.HeapAlloc) - int64(before.HeapAlloc)
		b.ReportMetric(float64(held)/1e6, "heap-MB")
		b.ReportMetric(float64(held)/float64(n), "B/appointment")
		b.ReportMetric(float64(st.Len()), "held")
		svc.Close()
		runtime.KeepAlive(st)
	}
	slices.Sort(lat)
	b.ReportMetric(float64(lat[n/2].Nanoseconds()), "p50-ns")
	b.ReportMetric(float64(lat[n*999/1000].Nanoseconds()), "p99.9-ns")
	b.ReportMetric(float64(lat[n-1].Nanoseconds()), "max-ns")
}
