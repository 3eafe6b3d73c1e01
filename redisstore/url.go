package redisstore

import (
	"errors"
	"net/url"
	"strings"

	"github.com/redis/go-redis/v9"
)

// topology is what a REDIS_URL names.
type topology int

const (
	single topology = iota
	cluster
	sentinel
)

// redisURL is a parsed REDIS_URL: exactly one of the option sets is filled.
type redisURL struct {
	kind     topology
	node     *redis.Options
	cluster  *redis.ClusterOptions
	failover *redis.FailoverOptions
}

// parseURL reads a redis://, redis+cluster:// or redis+sentinel:// URL (or their rediss
// forms). Its errors never quote the URL, which may carry a password.
func parseURL(raw string) (*redisURL, error) {
	scheme, rest, ok := strings.Cut(raw, "://")
	if !ok {
		return nil, errors.New("not a Redis URL: redis://, redis+cluster:// or redis+sentinel:// (or rediss…)")
	}
	base, suffix, _ := strings.Cut(strings.ToLower(scheme), "+")
	if base != "redis" && base != "rediss" {
		return nil, errors.New("scheme must be redis, rediss, redis+cluster, rediss+cluster, redis+sentinel or rediss+sentinel")
	}
	plain := base + "://" + rest
	var u redisURL
	var err error
	switch suffix {
	case "":
		u.kind = single
		u.node, err = redis.ParseURL(plain)
	case "cluster":
		u.kind = cluster
		u.cluster, err = redis.ParseClusterURL(plain)
	case "sentinel":
		u.kind = sentinel
		u.failover, err = redis.ParseFailoverURL(plain)
		if err == nil && u.failover.MasterName == "" {
			return nil, errors.New("a redis+sentinel:// URL needs master_name=…")
		}
	default:
		return nil, errors.New("scheme must be redis, rediss, redis+cluster, rediss+cluster, redis+sentinel or rediss+sentinel")
	}
	var ue *url.Error
	if errors.As(err, &ue) {
		// url.Error and its causes quote the URL or parts of it (a password with an unescaped
		// '/', '#' or '?' ends up as the "port"): say what to do instead.
		return nil, errors.New("cannot be parsed as a URL: percent-encode '/', '#', '?', '%' and '@' in the password")
	}
	if err != nil && strings.Contains(err.Error(), "database number") || err != nil && strings.Contains(err.Error(), "URL path") {
		return nil, errors.New("the path must be empty or /<database number>")
	}
	if err != nil {
		// go-redis's messages name a parameter or the scheme, and quote a bad value: the value
		// is cut off, whatever it holds.
		msg, _, _ := strings.Cut(strings.TrimPrefix(err.Error(), "redis: "), `"`)
		return nil, errors.New("not a valid " + scheme + ":// URL: " + strings.TrimRight(msg, ": "))
	}
	return &u, nil
}

// client builds the client the URL names, with context deadlines enabled and, for a cluster,
// the layout re-read every ClusterReloadInterval. When writes wait for replicas, a single-node
// or Sentinel client does not retry: a retried write could be confirmed by a WAIT on another
// connection that proves nothing about the first run (a cluster's node clients never retry).
func (u *redisURL) client(waits bool) redis.UniversalClient {
	switch u.kind {
	case cluster:
		u.cluster.ContextTimeoutEnabled = true
		u.cluster.ClusterStateReloadInterval = ClusterReloadInterval
		return redis.NewClusterClient(u.cluster)
	case sentinel:
		u.failover.ContextTimeoutEnabled = true
		if waits {
			u.failover.MaxRetries = -1
		}
		return redis.NewFailoverClient(u.failover)
	}
	u.node.ContextTimeoutEnabled = true
	if waits {
		u.node.MaxRetries = -1
	}
	return redis.NewClient(u.node)
}
