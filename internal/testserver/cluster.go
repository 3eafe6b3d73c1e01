package testserver

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"
)

// ClusterOptions configure a test Redis Cluster.
type ClusterOptions struct {
	// NodeTimeout is cluster-node-timeout: how long a master is unreachable before its replica
	// is promoted (default 2 s).
	NodeTimeout time.Duration
}

// RedisCluster is a Redis Cluster of three masters, each with one replica, on 127.0.0.1.
type RedisCluster struct {
	// Nodes are the six servers, in the order given to redis-cli --cluster create: the first
	// three start as masters.
	Nodes []*Redis
	// URL is a redis+cluster:// URL naming every node, as redisstore.Open takes it.
	URL string
}

// Addrs returns every node's host:port.
func (c *RedisCluster) Addrs() []string {
	out := make([]string, len(c.Nodes))
	for i, n := range c.Nodes {
		out[i] = n.Addr
	}
	return out
}

// StartRedisCluster starts a three-master, three-replica cluster for tb and stops it when tb
// ends.
func StartRedisCluster(tb testing.TB, opts ClusterOptions) *RedisCluster {
	tb.Helper()
	c, err := LaunchRedisCluster(RedisBinaryOrSkip(tb), RedisCLIOrSkip(tb), tb.TempDir(), opts)
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(c.Stop)
	return c
}

// LaunchRedisCluster starts six cluster-enabled redis-servers in dir, joins them with
// `redis-cli --cluster create … --cluster-replicas 1`, and waits until every node reports the
// cluster ok with all slots covered. It starts again on fresh ports when a server loses its
// port during start. The caller stops it.
func LaunchRedisCluster(bin, cli, dir string, opts ClusterOptions) (*RedisCluster, error) {
	if opts.NodeTimeout <= 0 {
		opts.NodeTimeout = 2 * time.Second
	}
	var c *RedisCluster
	err := startRetrying(func() error {
		var err error
		c, err = launchNodes(bin, dir, opts)
		return err
	})
	if err != nil {
		return nil, err
	}
	if err := c.create(cli, dir); err != nil {
		c.Stop()
		return nil, err
	}
	return c, nil
}

// launchNodes starts the six servers; on any failure it stops those it started.
func launchNodes(bin, dir string, opts ClusterOptions) (*RedisCluster, error) {
	ports, err := freeClusterPorts(6)
	if err != nil {
		return nil, err
	}
	c := &RedisCluster{}
	for i, port := range ports {
		nodeDir := filepath.Join(dir, "node"+strconv.Itoa(i))
		if err := os.MkdirAll(nodeDir, 0o755); err != nil {
			c.Stop()
			return nil, err
		}
		n, err := newRedisOn(bin, nodeDir, port, RedisOptions{},
			"--cluster-enabled", "yes", "--cluster-config-file", "nodes.conf", "--repl-diskless-sync-delay", "0",
			"--cluster-node-timeout", strconv.FormatInt(opts.NodeTimeout.Milliseconds(), 10))
		if err != nil {
			c.Stop()
			return nil, err
		}
		if err := n.Start(); err != nil {
			c.Stop()
			return nil, err
		}
		c.Nodes = append(c.Nodes, n)
	}
	addrs := c.Addrs()
	c.URL = "redis+cluster://" + addrs[0] + "?addr=" + strings.Join(addrs[1:], "&addr=")
	return c, nil
}

// create joins the nodes into a cluster and waits until it is ok on every node.
func (c *RedisCluster) create(cli, dir string) error {
	args := append([]string{"--cluster", "create"}, c.Addrs()...)
	args = append(args, "--cluster-replicas", "1", "--cluster-yes")
	cmd := exec.Command("timeout", append([]string{"60s", cli}, args...)...)
	out, err := cmd.CombinedOutput()
	if err != nil {
		return fmt.Errorf("redis-cli --cluster create: %w: %s", err, out)
	}
	_ = os.WriteFile(filepath.Join(dir, "cluster-create.log"), out, 0o644)
	end := time.Now().Add(30 * time.Second)
	for time.Now().Before(end) {
		if c.ok() {
			return nil
		}
		time.Sleep(50 * time.Millisecond) // polling the cluster's convergence, with a deadline
	}
	return errors.New("the cluster did not report cluster_state:ok with all 16384 slots on every node within 30s")
}

// ok reports whether every node says the cluster is ok with every slot served, sees three
// masters serving slots, each followed by one replica, and, if it is a replica, is in sync.
func (c *RedisCluster) ok() bool {
	for _, n := range c.Nodes {
		info, err := Command(n.Addr, "CLUSTER", "INFO")
		if err != nil || !strings.Contains(info, "cluster_state:ok") || !strings.Contains(info, "cluster_slots_ok:16384") {
			return false
		}
		layout, err := Layout(n.Addr)
		if err != nil {
			return false
		}
		masters, replicas := 0, 0
		for _, l := range layout {
			switch {
			case l.Failed:
				return false
			case l.Master && len(l.Slots) > 0:
				masters++
			case !l.Master && l.MasterID != "":
				replicas++
			}
		}
		if masters != 3 || replicas != 3 {
			return false
		}
		// A replica that has not finished its first sync would never be promoted.
		if repl, err := Command(n.Addr, "INFO", "replication"); err != nil ||
			strings.Contains(repl, "role:slave") && !strings.Contains(repl, "master_link_status:up") {
			return false
		}
	}
	return true
}

// Stop stops every node.
func (c *RedisCluster) Stop() {
	for _, n := range c.Nodes {
		n.Stop()
	}
}

// ClusterNode is one line of CLUSTER NODES.
type ClusterNode struct {
	ID, Addr string
	Master   bool
	Failed   bool
	// MasterID is the ID of the master a replica follows.
	MasterID string
	// Slots are the slot ranges a master serves, as printed ("0-5460").
	Slots []string
}

// Layout returns CLUSTER NODES as seen by the node at addr.
func Layout(addr string) ([]ClusterNode, error) {
	out, err := Command(addr, "CLUSTER", "NODES")
	if err != nil {
		return nil, err
	}
	var nodes []ClusterNode
	sc := bufio.NewScanner(strings.NewReader(out))
	for sc.Scan() {
		f := strings.Fields(sc.Text())
		if len(f) < 8 {
			continue
		}
		addr, _, _ := strings.Cut(f[1], "@")
		flags := "," + f[2] + ","
		n := ClusterNode{ID: f[0], Addr: addr, Master: strings.Contains(flags, ",master,"),
			Failed: strings.Contains(flags, ",fail,") || strings.Contains(flags, ",fail?,")}
		if f[3] != "-" {
			n.MasterID = f[3]
		}
		n.Slots = f[8:]
		nodes = append(nodes, n)
	}
	return nodes, sc.Err()
}

// Command sends one command to the redis-server at addr and returns its reply as text: a
// status, integer or bulk string as is, an array of bulk strings one per line, an error as a Go
// error. It is for inspecting servers in tests; nested arrays are not supported.
func Command(addr string, args ...string) (string, error) {
	conn, err := net.DialTimeout("tcp", addr, time.Second)
	if err != nil {
		return "", err
	}
	defer conn.Close()
	_ = conn.SetDeadline(time.Now().Add(2 * time.Second))
	var b strings.Builder
	fmt.Fprintf(&b, "*%d\r\n", len(args))
	for _, a := range args {
		fmt.Fprintf(&b, "$%d\r\n%s\r\n", len(a), a)
	}
	if _, err := conn.Write([]byte(b.String())); err != nil {
		return "", err
	}
	r := bufio.NewReader(conn)
	line, err := r.ReadString('\n')
	if err != nil {
		return "", err
	}
	line = strings.TrimSuffix(line, "\r\n")
	switch {
	case strings.HasPrefix(line, "+"), strings.HasPrefix(line, ":"):
		return line[1:], nil
	case strings.HasPrefix(line, "-"):
		return "", errors.New(line[1:])
	case strings.HasPrefix(line, "$"):
		return bulk(r, line)
	case strings.HasPrefix(line, "*"):
		n, err := strconv.Atoi(line[1:])
		if err != nil {
			return "", err
		}
		parts := make([]string, 0, max(n, 0))
		for range n {
			l, err := r.ReadString('\n')
			if err != nil {
				return "", err
			}
			l = strings.TrimSuffix(l, "\r\n")
			if !strings.HasPrefix(l, "$") {
				return "", fmt.Errorf("unsupported array element %q", l)
			}
			b, err := bulk(r, l)
			if err != nil {
				return "", err
			}
			parts = append(parts, b)
		}
		return strings.Join(parts, "\n"), nil
	}
	return "", fmt.Errorf("unsupported reply %q", line)
}

// bulk reads the bulk string whose header is line ("$n").
func bulk(r *bufio.Reader, line string) (string, error) {
	n, err := strconv.Atoi(line[1:])
	if err != nil || n < 0 {
		return "", err
	}
	buf := make([]byte, n+2)
	if _, err := io.ReadFull(r, buf); err != nil {
		return "", err
	}
	return string(buf[:n]), nil
}

// freeClusterPorts returns n ports that are free on 127.0.0.1, each with its cluster bus port
// (port+10000) free too.
func freeClusterPorts(n int) ([]int, error) {
	var out []int
	for tries := 0; len(out) < n && tries < 1000; tries++ {
		ports, err := freePorts(1)
		if err != nil {
			return nil, err
		}
		p := ports[0]
		if p+10000 > 65535 || !tcpFree(p+10000) {
			continue
		}
		dup := false
		for _, q := range out {
			dup = dup || q == p || q+10000 == p || p+10000 == q
		}
		if !dup {
			out = append(out, p)
		}
	}
	if len(out) < n {
		return nil, errors.New("no free ports with free cluster bus ports")
	}
	return out, nil
}

func tcpFree(port int) bool {
	l, err := net.Listen("tcp", "127.0.0.1:"+strconv.Itoa(port))
	if err != nil {
		return false
	}
	l.Close()
	return true
}
