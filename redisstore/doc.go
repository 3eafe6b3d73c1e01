// Package redisstore is a video.Store on Redis (github.com/redis/go-redis/v9), for
// applications that run several replicas: every replica reads the same pins, so a doctor and
// a patient who reach different replicas still meet in one room, and a restarted replica
// forgets nothing.
//
// It takes a redis.UniversalClient, so a single node, Sentinel and Cluster all work (and
// Redis-compatible servers such as Dragonfly); Open builds the client a REDIS_URL names:
// redis:// for a single node, redis+cluster:// for a cluster, redis+sentinel:// for Sentinel.
// Each consultation is one hash whose key carries the appointment ID as its hash tag, so every
// decision (a pin, a move, an end, an append) is one script on one key in one slot. Room names
// are indexed by a second key, in the room's slot: it is written after the record, or beside a
// token's record, with every write that refreshes the record's lifetime, and a failure to write
// it never fails a committed
// write (the next write puts it back), so the index's shard being down never blocks or splits
// an appointment; webhooks for a room whose index is missing are acknowledged and ignored until
// it is back.
//
// # Atomicity
//
// Every operation that the video.Store contract calls atomic is one Lua script on one key:
// create-if-absent (the pin), compare-and-swap on the version (re-pins, start, end), and the
// appends (participants, issues, recordings) that never lose a concurrent write. A token
// request for a known appointment costs one round trip: the AddParticipant script, which
// checks the pin and the end in the same step.
//
// # Durability
//
// Redis replicates asynchronously: a master that dies can take writes it acknowledged along.
// With Options.WaitReplicas set (Open sets 1 on a cluster or Sentinel), every write is followed
// by WAIT on the same connection, in the same round trip, and acknowledged once that many
// replicas hold it. A write whose WAIT fails (the master died waiting) returns an error although
// it may be stored; the Service reads a move back until it learns its fate and announces it if
// it was stored. A master whose replicas miss the WaitTimeout still acknowledges the write, is
// not waited on for a second (doubling with each miss in a row, up to 30 s), and the write is
// counted in UnreplicatedWrites.
//
// # Failover
//
// A cluster client learns that a replica replaced a dead master from a redirect or from
// re-reading the layout. The Store asks the client to re-read it on every error, and Open sets
// ClusterStateReloadInterval to one second (go-redis's default is a minute), so every slot
// serves again within about a second of the promotion.
//
// # Retention
//
// Keys expire: an ended consultation Retention after its last write (default 7 days), any
// other MaxAge after its last write (default 30 days). The application keeps its own records
// of what it needs longer.
//
// # Failures
//
// Every call is bounded by its context (clients built by Open enable context deadlines; set
// ContextTimeoutEnabled on a client of your own). A Redis that is down or slow fails the
// call with an error the Service reports as video.ErrStore. A token request then fails
// closed: without the store, affinity cannot be guaranteed, and a token from a guessed
// provider could split a consultation.
package redisstore
