// Command benchreport runs the failover lab's benchmarks and writes BENCHMARKS.md: token
// issuance through the Service beside the raw signers, and fresh-appointment requests under
// every fault beside the seed's probe-every-request way, with the machine's CPU, the Go
// version and the date.
//
//	go run ./internal/benchreport            # writes BENCHMARKS.md at the module root
//	go run ./internal/benchreport -o -       # prints it instead
//
// It needs what the tests need (livekit-server and redis-server); scripts/test.sh installs
// them.
package main

import (
	"bufio"
	"bytes"
	"cmp"
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"time"
)

// The Redis section's sizes: iterations of each store benchmark, runs of each failover.
const (
	storeN       = 3000
	failoverRuns = 3
)

func main() {
	out := flag.String("o", "BENCHMARKS.md", "where to write the report; - for standard output")
	tokenN := flag.Int("token-n", 20000, "iterations of each token benchmark")
	faultN := flag.Int("fault-n", 10000, "requests of each fault benchmark")
	flag.Parse()
	if err := run(*out, *tokenN, *faultN); err != nil {
		fmt.Fprintln(os.Stderr, "benchreport:", err)
		os.Exit(1)
	}
}

func run(out string, tokenN, faultN int) error {
	tokens, cpu, err := bench("./internal/faultlab", "BenchmarkToken$", tokenN, 5)
	if err != nil {
		return err
	}
	tel, _, err := bench("./internal/faultlab", "BenchmarkTokenTelemetry$", tokenN, 5)
	if err != nil {
		return err
	}
	faults, _, err := bench("./internal/faultlab", "BenchmarkFailover$", faultN, 1)
	if err != nil {
		return err
	}
	sudden, _, err := bench("./internal/faultlab", "BenchmarkSuddenFault$", 1, 1)
	if err != nil {
		return err
	}
	scale, _, err := bench(".", "BenchmarkMemoryStoreScale$", 1, 1)
	if err != nil {
		return err
	}
	stores, _, err := bench("./redisstore", "BenchmarkRedisStore$", storeN, 5)
	if err != nil {
		return err
	}
	failovers, err := benchRuns("./redisstore", "BenchmarkClusterFailover$", 1, failoverRuns)
	if err != nil {
		return err
	}
	var b bytes.Buffer
	write(&b, cpu, tokenN, faultN, tokens, tel, faults)
	writeSudden(&b, sudden)
	writeMemoryScale(&b, scale)
	writeRedis(&b, stores, failovers)
	if out == "-" {
		_, err = os.Stdout.Write(b.Bytes())
		return err
	}
	return os.WriteFile(out, b.Bytes(), 0o644)
}

// result is one benchmark line: its name and every value by unit.
type result struct {
	name   string
	values map[string]float64
}

// bench runs the benchmarks of pkg matching pattern, n iterations each, count times, and
// parses them; of several runs of one benchmark it keeps the median by ns/op.
func bench(pkg, pattern string, n, count int) (map[string]result, string, error) {
	runs, cpu, err := runBench(pkg, pattern, n, count)
	if err != nil {
		return nil, "", err
	}
	results := map[string]result{}
	for name, rs := range runs {
		slices.SortFunc(rs, func(a, b result) int { return cmp.Compare(a.values["ns/op"], b.values["ns/op"]) })
		results[name] = rs[len(rs)/2]
	}
	return results, cpu, nil
}

// benchRuns is bench keeping every run, in order.
func benchRuns(pkg, pattern string, n, count int) (map[string][]result, error) {
	runs, _, err := runBench(pkg, pattern, n, count)
	return runs, err
}

// runBench runs `go test -bench` and parses every result line by benchmark name.
func runBench(pkg, pattern string, n, count int) (map[string][]result, string, error) {
	cmd := exec.Command("go", "test", "-run", "^$", "-bench", pattern, "-benchtime", strconv.Itoa(n)+"x",
		"-count", strconv.Itoa(count), "-timeout", "60m", pkg)
	cmd.Env = append(os.Environ(), "VIDEO_TEST_REQUIRE_SERVERS=1")
	var stdout bytes.Buffer
	cmd.Stdout = io.MultiWriter(&stdout, os.Stderr)
	cmd.Stderr = os.Stderr
	if err := cmd.Run(); err != nil {
		return nil, "", fmt.Errorf("go test -bench %s %s: %w", pattern, pkg, err)
	}
	runs := map[string][]result{}
	cpu := ""
	sc := bufio.NewScanner(&stdout)
	for sc.Scan() {
		line := sc.Text()
		if c, ok := strings.CutPrefix(line, "cpu: "); ok {
			cpu = c
		}
		f := strings.Fields(line)
		if len(f) < 4 || !strings.HasPrefix(f[0], "Benchmark") {
			continue
		}
		name := f[0]
		if i := strings.LastIndex(name, "-"); i > 0 {
			name = name[:i] // drop the -GOMAXPROCS suffix
		}
		r := result{name: name, values: map[string]float64{}}
		for i := 2; i+1 < len(f); i += 2 {
			v, err := strconv.ParseFloat(f[i], 64)
			if err == nil {
				r.values[f[i+1]] = v
			}
		}
		runs[name] = append(runs[name], r)
	}
	return runs, cpu, nil
}

func goVersion() string {
	out, err := exec.Command("go", "env", "GOVERSION").Output()
	if err != nil {
		return runtime.Version()
	}
	return strings.TrimSpace(string(out))
}

func us(ns float64) string { return strconv.FormatFloat(ns/1000, 'f', 1, 64) + " µs" }

func ms(ns float64) string {
	switch {
	case ns >= 1e6:
		return strconv.FormatFloat(ns/1e6, 'f', 1, 64) + " ms"
	default:
		return strconv.FormatFloat(ns/1e3, 'f', 0, 64) + " µs"
	}
}

func write(w io.Writer, cpu string, tokenN, faultN int, tokens, tel, faults map[string]result) {
	p := func(format string, a ...any) { fmt.Fprintf(w, format, a...) }
	p("# Benchmarks\n\n")
	p("Written by `go run ./internal/benchreport` on %s.\n\n", time.Now().UTC().Format("2006-01-02"))
	p("- CPU: %s (%d cores, GOMAXPROCS %d)\n- Go: %s, %s/%s\n", cpu, runtime.NumCPU(), runtime.GOMAXPROCS(0), goVersion(), runtime.GOOS, runtime.GOARCH)
	p("- Servers: livekit-server v1.13.5 and redis-server on 127.0.0.1\n")
	p("- Lab health settings: probe timeout 200 ms, health interval 100 ms, recovery after 2 good probes\n\n")

	p("## Token issuance\n\n")
	p("A participant's token for a pinned appointment, with a cached healthy primary, %d iterations each, the median of 5 runs. ", tokenN)
	p("*Raw* is the provider's signer called directly with the same claims (`auth.AccessToken.ToJWT`, ")
	p("`jwt.Token.SignedString`); the Service adds validation, affinity, health and the store write. ")
	p("The goal is Service (memory store) ≤ 1.2× raw.\n\n")
	p("| provider | raw | Service, memory store | ratio | goal met | Service, Redis store | allocs raw / memory / Redis |\n")
	p("|---|---|---|---|---|---|---|\n")
	for _, prov := range []string{"openvidu", "jitsi"} {
		raw := tokens["BenchmarkToken/"+prov+"/raw"].values
		mem := tokens["BenchmarkToken/"+prov+"/service-memory"].values
		red := tokens["BenchmarkToken/"+prov+"/service-redis"].values
		ratio := mem["ns/op"] / raw["ns/op"]
		met := "yes"
		if ratio > 1.2 {
			met = "no"
		}
		p("| %s | %s | %s | %.2f× | %s | %s | %.0f / %.0f / %.0f |\n", prov, us(raw["ns/op"]), us(mem["ns/op"]), ratio, met,
			us(red["ns/op"]), raw["allocs/op"], mem["allocs/op"], red["allocs/op"])
	}
	p("\nThe Jitsi provider's token also builds the join link (the token and the display name in it), which its raw signer does not.\n\n")
	writeTelemetry(w, tokenN, tel)

	p("## Failover under faults\n\n")
	p("%d token requests for fresh appointments at 64-way concurrency, the primary (the real OpenVidu provider) behind ", faultN)
	p("each fault from the start, the fallback (the real Jitsi provider) healthy. *Service* is this library; *seed* probes ")
	p("the primary's health on every request (bounded by the same 200 ms) and then picks, as the seed did. ")
	p("*Waits* counts requests that waited on a probe: for the Service, on the primary's probe (its first probe, ")
	p("or none); every seed request waits on one.\n\n")
	p("| fault | Service ns/op | p50 | p99 | max | waits | errors | seed ns/op | p50 | p99 | max | waits | errors | seed/Service ns/op |\n")
	p("|---|---|---|---|---|---|---|---|---|---|---|---|---|---|\n")
	for _, f := range []string{"refused", "blackhole", "delay", "status500", "status401", "drop", "flap"} {
		s := faults["BenchmarkFailover/"+f+"/service"].values
		d := faults["BenchmarkFailover/"+f+"/seed"].values
		ratio := 0.0
		if s["ns/op"] > 0 {
			ratio = d["ns/op"] / s["ns/op"]
		}
		p("| %s | %.0f | %s | %s | %s | %.0f | %.0f | %.0f | %s | %s | %s | %.0f | %.0f | %.0f× |\n", f,
			s["ns/op"], ms(s["p50-ns"]), ms(s["p99-ns"]), ms(s["max-ns"]), s["waits-primary"], s["errors"],
			d["ns/op"], ms(d["p50-ns"]), ms(d["p99-ns"]), ms(d["max-ns"]), d["probe-waits"], d["errors"], ratio)
	}
	p("\nns/op is wall time divided by requests, so it already includes the concurrency. ")
	p("With 64 requests in flight on %d cores the Service's requests are bound by the CPU (signing), while the seed's ", runtime.NumCPU())
	p("wait on a probe; the Service's max under black-hole and delay is the one request that led the primary's first probe. ")
	p("How much of the Service's p99 is time queued for a core is not separated here. ")
	p("Reproduce with `go run ./internal/benchreport`, or one table with ")
	p("`go test -run '^$' -bench BenchmarkFailover -benchtime %dx ./internal/faultlab`.\n", faultN)
}
