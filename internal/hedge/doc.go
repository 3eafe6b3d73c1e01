// Package hedge holds what the Service needs to hedge a slow provider call: how long to wait
// before starting the same step on the next provider (Delay, from the provider's recent
// latencies), and how many hedges one provider may cause per second (Budget), so that a storm
// of them cannot double the load on a struggling fallback.
package hedge
