package main

import (
	"fmt"
	"io"
)

// writeRedis writes the Redis store's section: a single node against a cluster, and what a
// master's failure costs.
func writeRedis(w io.Writer, stores map[string]result, failovers map[string][]result) {
	p := func(format string, a ...any) { fmt.Fprintf(w, format, a...) }
	p("\n## The Redis store: a single node and a cluster\n\n")
	p("Through the Service with a fake provider, %d iterations each, the median of 5 runs. *Token*: a participant's ", storeN)
	p("token for a pinned appointment (one script, and the room index); *scheduled*: the same for an appointment ")
	p("with a window, whose token reads the window from the record first. *Pin*: the first token of a new ")
	p("appointment (the pin, the index, the participant). The cluster is three masters and three replicas ")
	p("of `redis-server` on the same 2 cores; *wait 1* is the default there: every write waits for one replica ")
	p("(`WAIT`) before it is acknowledged.\n\n")
	p("| store | token | token, scheduled | pin | allocs token / pin |\n|---|---|---|---|---|\n")
	for _, s := range []struct{ key, label string }{
		{"single", "single node"}, {"cluster-wait0", "cluster, wait 0"}, {"cluster-wait1", "cluster, wait 1 (default)"},
	} {
		tok := stores["BenchmarkRedisStore/"+s.key+"/token"].values
		sched := stores["BenchmarkRedisStore/"+s.key+"/token-scheduled"].values
		pin := stores["BenchmarkRedisStore/"+s.key+"/pin"].values
		p("| %s | %s | %s | %s | %.0f / %.0f |\n", s.label, us(tok["ns/op"]), us(sched["ns/op"]), us(pin["ns/op"]), tok["allocs/op"], pin["allocs/op"])
	}
	single := stores["BenchmarkRedisStore/single/token"].values["ns/op"]
	if single > 0 {
		p("\nA token costs %.1f× a single node's on the cluster without waiting and %.1f× with it.\n",
			stores["BenchmarkRedisStore/cluster-wait0/token"].values["ns/op"]/single,
			stores["BenchmarkRedisStore/cluster-wait1/token"].values["ns/op"]/single)
	}

	p("\n### A master killed under traffic\n\n")
	p("`go test -bench BenchmarkClusterFailover -benchtime 1x ./redisstore`, %d runs each: a fresh cluster ", failoverRuns)
	p("(`cluster-node-timeout` 2 s), two application replicas whose views of the primary's health flip every 2 ms, ")
	p("32 callers, and the master holding the most keys killed with `kill -9` (*kill-lagging*: its replica frozen ")
	p("first, so that writes are cut off while waiting for it). Migration notices are followed as an application ")
	p("would. *Serving* is the time from the promotion until every slot answered again; *late* counts errors ")
	p("more than 5 s after the promotion; *lost* counts tokens acknowledged and then missing, *lost moves* moves ")
	p("announced and then missing, *unnotified* moves stored without a notice, *settled* moves announced after ")
	p("their write failed, once read back.\n\n")
	p("| scenario | run | kill → promotion | serving | requests | errors | late | moves | settled | lost | lost moves | unnotified | splits |\n")
	p("|---|---|---|---|---|---|---|---|---|---|---|---|---|\n")
	for _, sc := range []string{"kill", "kill-lagging"} {
		for i, r := range failovers["BenchmarkClusterFailover/"+sc] {
			v := r.values
			p("| %s | %d | %.2f s | %.2f s | %.0f | %.0f | %.0f | %.0f | %.0f | %.0f | %.0f | %.0f | %.0f |\n", sc, i+1,
				v["promotion-s"], v["serving-after-promotion-s"], v["requests"], v["errors"], v["late-errors"], v["moves"],
				v["settled-moves"], v["lost"], v["lost-moves"], v["unnotified"], v["splits"])
		}
	}
	p("\nThe errors fall in the failover window (*late* counts any after it): `ErrStore` for the consultations on the ")
	p("dead master's slots, and a few provider calls that timed out while their request waited on it. ")
	p("Reproduce with `go run ./internal/benchreport`.\n")
}
