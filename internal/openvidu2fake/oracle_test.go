package openvidu2fake_test

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/teleconsult/video/internal/openvidu2fake"
	"github.com/teleconsult/video/internal/testserver"
)

// The official client the oracle runs, and where to find it.
const (
	nodeClientVersion = "2.32.2"
	nodeClientDirEnv  = "OPENVIDU_NODE_CLIENT_DIR"
	defaultClientDir  = "testdata/oracle"
	installHint       = "run `npm ci --prefix internal/openvidu2fake/testdata/oracle` (or set " + nodeClientDirEnv + " to a directory whose node_modules has openvidu-node-client " + nodeClientVersion + ")"
)

// Bounds on the oracle process.
const (
	oracleDeadline  = 60 * time.Second
	maxOracleOutput = 1 << 20 // stdout and stderr, each
)

// oracleSummary is the last line the oracle prints.
type oracleSummary struct {
	ClientVersion        string            `json:"clientVersion"`
	SessionID            string            `json:"sessionId"`
	GeneratedSessionID   string            `json:"generatedSessionId"`
	RecreatedSameSession bool              `json:"recreatedSameSession"`
	ConnectionIDs        map[string]string `json:"connectionIds"`
	Tokens               []string          `json:"tokens"`
	ActiveAfterJoin      int               `json:"activeAfterJoin"`
	RecordingIDs         []string          `json:"recordingIds"`
	Checks               int               `json:"checks"`
}

// TestOfficialNodeClientAgrees runs testdata/oracle.js, which drives the official
// openvidu-node-client 2.32.2 through sessions, connections, recordings and errors against
// two fakes (CE with recording; PRO without). The client decides whether the fake's answers
// are the real dialect: it reads "sessionId" and "connectionId", the recordings list's
// "items", treats 409 on createSession as "fetch the existing one", and so on.
//
// A participant joining is the one thing the REST API cannot do, so the oracle asks for it
// on stdout ("ACTIVATE <session> <connection>") and waits for this test to call
// Server.Activate and answer "OK" on its stdin: the fake keeps no test-only endpoint, and
// the oracle controls exactly when each participant joins.
func TestOfficialNodeClientAgrees(t *testing.T) {
	node, clientDir := oracleTools(t)

	const secret = "oracle-secret"
	fake := openvidu2fake.New(secret, openvidu2fake.Options{Recording: true})
	defer fake.Close()
	pro := openvidu2fake.New(secret, openvidu2fake.Options{Edition: "pro"})
	defer pro.Close()

	ctx, cancel := context.WithTimeout(context.Background(), oracleDeadline)
	defer cancel()
	cmd := exec.CommandContext(ctx, node, filepath.Join("testdata", "oracle.js"))
	cmd.Env = append(os.Environ(),
		nodeClientDirEnv+"="+clientDir,
		"OV_URL="+fake.URL,
		"OV_SECRET="+secret,
		"OV_PRO_URL="+pro.URL,
	)
	cmd.WaitDelay = 5 * time.Second
	stderr := &boundedBuffer{max: maxOracleOutput}
	cmd.Stderr = stderr
	stdin, err := cmd.StdinPipe()
	require.NoError(t, err)
	stdout, err := cmd.StdoutPipe()
	require.NoError(t, err)
	require.NoError(t, cmd.Start())

	summary, transcript, readErr := converse(stdout, stdin, fake)
	if readErr != nil {
		cancel() // the oracle may be blocked writing: stop it before waiting
	}
	waitErr := cmd.Wait()
	require.NoError(t, readErr, "reading the oracle's output\nstdout:\n%s\nstderr:\n%s", transcript, stderr)
	require.NoError(t, waitErr, "the oracle failed\nstdout:\n%s\nstderr:\n%s", transcript, stderr)
	require.NotNil(t, summary, "the oracle printed no SUMMARY\nstdout:\n%s\nstderr:\n%s", transcript, stderr)

	assert.Equal(t, nodeClientVersion, summary.ClientVersion)
	assert.Equal(t, "oracle_session-1", summary.SessionID)
	assert.True(t, summary.RecreatedSameSession)
	assert.Regexp(t, `^ses_[A-Z][A-Za-z0-9]{9}$`, summary.GeneratedSessionID)
	assert.Len(t, summary.ConnectionIDs, 3)
	assert.Equal(t, 2, summary.ActiveAfterJoin)
	assert.Equal(t, []string{"oracle_session-1", "oracle_session-1~1"}, summary.RecordingIDs)
	require.Len(t, summary.Tokens, 3)
	seen := map[string]bool{}
	for _, tok := range summary.Tokens {
		assert.True(t, strings.HasPrefix(tok, "wss://"), tok)
		assert.Contains(t, tok, "tok_")
		assert.False(t, seen[tok], "token %s handed out twice", tok)
		seen[tok] = true
	}
	assert.Greater(t, summary.Checks, 50, "the oracle ran its checks")
	assert.Empty(t, fake.Sessions(), "the oracle closed every session")
	assert.Empty(t, pro.Sessions(), "the oracle closed every PRO session")
	assert.Greater(t, fake.Requests(), int64(30))
	t.Logf("openvidu-node-client %s agreed with the fake on %d checks (%d requests)", summary.ClientVersion, summary.Checks, fake.Requests()+pro.Requests())
}

// converse reads the oracle's stdout line by line, answers its ACTIVATE requests on stdin and
// returns its SUMMARY and a transcript of what it printed, at most maxOracleOutput bytes.
func converse(stdout io.Reader, stdin io.WriteCloser, fake *openvidu2fake.Server) (*oracleSummary, string, error) {
	defer stdin.Close()
	var transcript strings.Builder
	var summary *oracleSummary
	sc := bufio.NewScanner(stdout)
	sc.Buffer(make([]byte, 0, 64<<10), maxOracleOutput)
	for sc.Scan() {
		line := sc.Text()
		transcript.WriteString(line + "\n")
		if transcript.Len() > maxOracleOutput {
			return nil, transcript.String()[:4096], fmt.Errorf("the oracle printed more than %d bytes", maxOracleOutput)
		}
		switch {
		case strings.HasPrefix(line, "ACTIVATE "):
			answer := "OK"
			f := strings.Fields(line)
			if len(f) != 3 {
				answer = "ERR malformed ACTIVATE line"
			} else if err := fake.Activate(f[1], f[2]); err != nil {
				answer = "ERR " + err.Error()
			}
			if _, err := fmt.Fprintln(stdin, answer); err != nil {
				return nil, transcript.String(), fmt.Errorf("answering the oracle: %w", err)
			}
		case strings.HasPrefix(line, "SUMMARY "):
			summary = new(oracleSummary)
			if err := json.Unmarshal([]byte(strings.TrimPrefix(line, "SUMMARY ")), summary); err != nil {
				return nil, transcript.String(), fmt.Errorf("decoding the summary: %w", err)
			}
		}
	}
	return summary, transcript.String(), sc.Err()
}

// oracleTools returns node and the directory holding openvidu-node-client, or skips the test
// (fails it under VIDEO_TEST_REQUIRE_SERVERS=1) saying how to install what is missing.
func oracleTools(t *testing.T) (node, clientDir string) {
	t.Helper()
	node, err := exec.LookPath("node")
	if err != nil {
		missingTool(t, "node (Node.js 18 or later)", "install Node.js, then "+installHint)
	}
	clientDir = os.Getenv(nodeClientDirEnv)
	if clientDir == "" {
		clientDir = defaultClientDir
	}
	clientDir, err = filepath.Abs(clientDir)
	require.NoError(t, err)
	manifest, err := os.ReadFile(filepath.Join(clientDir, "node_modules", "openvidu-node-client", "package.json"))
	if err != nil {
		missingTool(t, "openvidu-node-client "+nodeClientVersion+" in "+clientDir, installHint)
	}
	var pkg struct {
		Version string `json:"version"`
	}
	if err := json.Unmarshal(manifest, &pkg); err != nil || pkg.Version != nodeClientVersion {
		missingTool(t, "openvidu-node-client "+nodeClientVersion+" in "+clientDir+" (found "+pkg.Version+")", installHint)
	}
	return node, clientDir
}

// missingTool skips t, or fails it under testserver.RequireServers, as testserver does for a
// missing server.
func missingTool(t *testing.T, what, howTo string) {
	t.Helper()
	msg := what + " not found: " + howTo
	if testserver.RequireServers() {
		t.Fatal(msg)
	}
	t.Skip(msg)
}

// boundedBuffer keeps the first max bytes written to it and drops the rest.
type boundedBuffer struct {
	mu      sync.Mutex
	buf     bytes.Buffer
	max     int
	dropped int
}

func (b *boundedBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	n := len(p)
	if room := max(b.max-b.buf.Len(), 0); room < len(p) {
		b.dropped += len(p) - room
		p = p[:room]
	}
	b.buf.Write(p)
	return n, nil
}

func (b *boundedBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.dropped > 0 {
		return fmt.Sprintf("%s\n[%d more bytes dropped]", b.buf.String(), b.dropped)
	}
	return b.buf.String()
}
