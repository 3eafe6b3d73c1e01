package main

import (
	"fmt"
	"io"
	"strconv"
)

// writeSudden writes the sudden-fault table: the library hedged, unhedged and the seed against a
// primary that stops answering, turns slow or stalls mid-traffic.
func writeSudden(w io.Writer, sudden map[string]result) {
	p := func(format string, a ...any) { fmt.Fprintf(w, format, a...) }
	p("## A sudden fault: hedged calls\n\n")
	p("Fresh appointments at 64 requests in flight (32 callers, each asking for a doctor's and a patient's token of one ")
	p("appointment at once) for 3 s, against a primary (the real OpenVidu provider on livekit-server) that was healthy ")
	p("until, half a second in, it suddenly stops answering (*blackhole*: new and held requests alike), answers after a ")
	p("second (*slow*), or stalls for half a second (*stall*); *blackhole-v2* is the black hole with OpenVidu 2's REST ")
	p("API in front (the fake), whose tokens are a call to the server too. The fallback is the real Jitsi provider. The library runs ")
	p("with its defaults (`VIDEO_HEALTH_TIMEOUT` 2 s): *hedged* as it ships, *unhedged* with `VIDEO_HEDGE_RATE=0`; ")
	p("*seed* probes the primary on every request with the original design's 5 s bound, and each participant decides ")
	p("alone. *Over 300 ms* counts the requests that waited longer; *splits*, appointments whose doctor and patient got ")
	p("different meetings; *orphans*, rooms left open on the primary for appointments served elsewhere (left to its ")
	p("empty timeout: a losing room is closed only when it is empty and the appointment is pinned elsewhere); *closed*, ")
	p("rooms gone on the primary for appointments served there. Both are counted after every call left behind has ended. ")
	p("One run each.\n\n")
	p("| fault | mode | requests | p50 | p99 | max | over 300 ms | errors | hedges | won | orphans | closed | splits |\n")
	p("|---|---|---|---|---|---|---|---|---|---|---|---|---|\n")
	for _, f := range []string{"blackhole", "slow", "stall", "blackhole-v2"} {
		for _, m := range []string{"hedged", "unhedged", "seed"} {
			v := sudden["BenchmarkSuddenFault/"+f+"/"+m].values
			dash := func(unit string) string {
				if m == "seed" {
					return "—"
				}
				return strconv.FormatFloat(v[unit], 'f', 0, 64)
			}
			p("| %s | %s | %.0f | %s | %s | %s | %.0f | %.0f | %s | %s | %s | %s | %.0f |\n", f, m, v["requests"],
				ms(v["p50-ns"]), ms(v["p99-ns"]), ms(v["max-ns"]), v["over-300ms"], v["errors"],
				dash("hedges"), dash("hedges-won"), dash("orphans"), dash("pinned-closed"), v["splits"])
		}
	}
	p("\nReproduce with `go test -run '^$' -bench BenchmarkSuddenFault -benchtime 1x ./internal/faultlab`.\n\n")
}

// writeMemoryScale writes the memory store's table: appointments never ended, held or expiring.
func writeMemoryScale(w io.Writer, scale map[string]result) {
	p := func(format string, a ...any) { fmt.Fprintf(w, format, a...) }
	p("## The memory store at scale\n\n")
	p("A token for each of *n* fresh appointments that are never ended (no-shows, forgotten ends), through the Service ")
	p("on the memory store, with providers that keep nothing (the memory is the library's). *Held*: every appointment ")
	p("is still within the maximum age at the end. *Steady*: they come at 1,000 a day of simulated time with the ")
	p("default 30-day maximum age, so the store holds the last 30,000 whatever *n* is: a process that runs for years. ")
	p("*Heap* is what the appointments hold after a collection; the latencies are each new appointment's token.\n\n")
	p("| store | appointments | held | heap | per appointment | p50 | p99.9 | max |\n|---|---|---|---|---|---|---|---|\n")
	for _, mode := range []string{"held", "steady"} {
		for _, n := range []string{"10000", "100000", "300000", "1000000"} {
			v := scale["BenchmarkMemoryStoreScale/"+mode+"/appointments="+n].values
			p("| %s | %s | %.0f | %.1f MB | %.0f B | %s | %s | %s |\n", mode, n, v["held"], v["heap-MB"], v["B/appointment"],
				us(v["p50-ns"]), ms(v["p99.9-ns"]), ms(v["max-ns"]))
		}
	}
	p("\nReproduce with `go test -run '^$' -bench BenchmarkMemoryStoreScale -benchtime 1x .`.\n\n")
}
