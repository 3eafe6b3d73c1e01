package videotest

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"slices"
	"strconv"
	"sync"
	"time"

	video "github.com/teleconsult/video"
)

// Op names a Provider operation, for scripting errors and counting calls.
type Op string

// The operations of a fake Provider.
const (
	OpIssueToken     Op = "IssueToken"
	OpCreateRoom     Op = "CreateRoom"
	OpEndRoom        Op = "EndRoom"
	OpCheck          Op = "Check"
	OpStartRecording Op = "StartRecording"
	OpStopRecording  Op = "StopRecording"
)

// ErrFakeDown is what a fake Provider's Check returns after SetHealthy(false).
var ErrFakeDown = errors.New("videotest: provider scripted down")

// Provider is a fake video.Provider (and video.Recorder) whose health, errors and latency a
// test scripts, and which records every call. Its tokens are opaque strings; Lookup tells
// which request a token was issued for. It is safe for concurrent use.
type Provider struct {
	name video.ProviderName

	mu         sync.Mutex
	checkErr   error
	errs       map[Op]error
	latency    time.Duration
	gate       chan struct{}
	calls      map[Op]int
	checks     int
	maxChecks  int
	rooms      map[string]bool
	tokens     map[string]video.TokenRequest
	recordings map[string]*video.Recording
	seq        int
}

// NewProvider returns a healthy fake provider with the given name.
func NewProvider(name video.ProviderName) *Provider {
	return &Provider{
		name:       name,
		errs:       make(map[Op]error),
		calls:      make(map[Op]int),
		rooms:      make(map[string]bool),
		tokens:     make(map[string]video.TokenRequest),
		recordings: make(map[string]*video.Recording),
	}
}

// SetHealthy makes Check succeed (true) or fail with ErrFakeDown (false).
func (p *Provider) SetHealthy(ok bool) {
	if ok {
		p.SetCheckError(nil)
	} else {
		p.SetCheckError(ErrFakeDown)
	}
}

// SetCheckError makes Check return err (nil: healthy). Wrap video.ErrUnauthenticated to
// play refused credentials.
func (p *Provider) SetCheckError(err error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.checkErr = err
}

// Fail makes op return err until Fail(op, nil). OpCheck is the same as SetCheckError.
func (p *Provider) Fail(op Op, err error) {
	if op == OpCheck {
		p.SetCheckError(err)
		return
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	if err == nil {
		delete(p.errs, op)
	} else {
		p.errs[op] = err
	}
}

// FailAll makes every operation, Check included, return err; nil heals them all.
func (p *Provider) FailAll(err error) {
	for _, op := range []Op{OpIssueToken, OpCreateRoom, OpEndRoom, OpCheck, OpStartRecording, OpStopRecording} {
		p.Fail(op, err)
	}
}

// SetLatency makes every call wait d first (or until its context is done).
func (p *Provider) SetLatency(d time.Duration) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.latency = d
}

// BlockChecks makes Check block until release is called or its context is done, to play a
// black-holed health endpoint. release is idempotent.
func (p *Provider) BlockChecks() (release func()) {
	gate := make(chan struct{})
	p.mu.Lock()
	p.gate = gate
	p.mu.Unlock()
	var once sync.Once
	return func() {
		once.Do(func() {
			p.mu.Lock()
			if p.gate == gate {
				p.gate = nil
			}
			p.mu.Unlock()
			close(gate)
		})
	}
}

// Calls returns how many times op was called.
func (p *Provider) Calls(op Op) int {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.calls[op]
}

// ChecksInFlight returns how many Check calls are running now.
func (p *Provider) ChecksInFlight() int {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.checks
}

// MaxChecksInFlight returns the most Check calls that ever ran at once.
func (p *Provider) MaxChecksInFlight() int {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.maxChecks
}

// Rooms returns the rooms created and not ended, sorted.
func (p *Provider) Rooms() []string {
	p.mu.Lock()
	defer p.mu.Unlock()
	var out []string
	for r, open := range p.rooms {
		if open {
			out = append(out, r)
		}
	}
	slices.Sort(out)
	return out
}

// RoomEnded reports whether room was created and then ended.
func (p *Provider) RoomEnded(room string) bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	open, ok := p.rooms[room]
	return ok && !open
}

// Lookup returns the request a token of this provider was issued for.
func (p *Provider) Lookup(token string) (video.TokenRequest, bool) {
	p.mu.Lock()
	defer p.mu.Unlock()
	req, ok := p.tokens[token]
	return req, ok
}

// begin counts a call, waits the scripted latency and returns the scripted error.
func (p *Provider) begin(ctx context.Context, op Op) error {
	p.mu.Lock()
	p.calls[op]++
	latency, err := p.latency, p.errs[op]
	p.mu.Unlock()
	return wait(ctx, latency, err)
}

// Name implements video.Provider.
func (p *Provider) Name() video.ProviderName { return p.name }

// IssueToken implements video.Provider. It checks the request as a real provider must.
func (p *Provider) IssueToken(ctx context.Context, req video.TokenRequest) (*video.Token, error) {
	if err := p.begin(ctx, OpIssueToken); err != nil {
		return nil, err
	}
	switch {
	case req.Room == "" || req.Room == "*":
		return nil, fmt.Errorf("%w: room must name one room", video.ErrInvalidArgument)
	case req.UserID == "":
		return nil, fmt.Errorf("%w: user ID must not be empty", video.ErrInvalidArgument)
	case !req.Role.Valid():
		return nil, fmt.Errorf("%w: unknown role", video.ErrInvalidArgument)
	case req.TTL <= 0:
		return nil, fmt.Errorf("%w: TTL must be positive", video.ErrInvalidArgument)
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	p.seq++
	tok := "fake-" + string(p.name) + "-" + strconv.Itoa(p.seq)
	p.tokens[tok] = req
	return &video.Token{
		Token:     tok,
		JoinURL:   "https://" + string(p.name) + ".fake.invalid/" + url.PathEscape(req.Room),
		ServerURL: "wss://" + string(p.name) + ".fake.invalid",
		ExpiresAt: time.Now().Add(req.TTL).Truncate(time.Second),
	}, nil
}

// CreateRoom implements video.Provider.
func (p *Provider) CreateRoom(ctx context.Context, room string) error {
	if err := p.begin(ctx, OpCreateRoom); err != nil {
		return err
	}
	if room == "" {
		return fmt.Errorf("%w: room must not be empty", video.ErrInvalidArgument)
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	p.rooms[room] = true
	return nil
}

// EndRoom implements video.Provider.
func (p *Provider) EndRoom(ctx context.Context, room string) error {
	if err := p.begin(ctx, OpEndRoom); err != nil {
		return err
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	if _, ok := p.rooms[room]; ok {
		p.rooms[room] = false
	}
	return nil
}

// Check implements video.Provider.
func (p *Provider) Check(ctx context.Context) error {
	p.mu.Lock()
	p.calls[OpCheck]++
	p.checks++
	p.maxChecks = max(p.maxChecks, p.checks)
	gate, latency, err := p.gate, p.latency, p.checkErr
	p.mu.Unlock()
	defer func() {
		p.mu.Lock()
		p.checks--
		p.mu.Unlock()
	}()
	if gate != nil {
		select {
		case <-gate:
		case <-ctx.Done():
			return ctx.Err()
		}
	}
	return wait(ctx, latency, err)
}

// StartRecording implements video.Recorder.
func (p *Provider) StartRecording(ctx context.Context, room string) (*video.Recording, error) {
	if err := p.begin(ctx, OpStartRecording); err != nil {
		return nil, err
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	p.seq++
	rec := &video.Recording{ID: "rec-" + strconv.Itoa(p.seq), Provider: p.name, Status: video.RecordingActive, StartedAt: time.Now()}
	p.recordings[rec.ID] = rec
	out := *rec
	return &out, nil
}

// StopRecording implements video.Recorder.
func (p *Provider) StopRecording(ctx context.Context, id string) (*video.Recording, error) {
	if err := p.begin(ctx, OpStopRecording); err != nil {
		return nil, err
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	rec, ok := p.recordings[id]
	if !ok {
		return nil, fmt.Errorf("%w: no recording %q", video.ErrInvalidArgument, id)
	}
	rec.Status, rec.EndedAt, rec.Location = video.RecordingComplete, time.Now(), "fake://recordings/"+id+".mp4"
	out := *rec
	return &out, nil
}

// WithoutRecorder returns p as a video.Provider that does not implement video.Recorder,
// to test what an application does with a provider that cannot record (as Jitsi cannot).
func WithoutRecorder(p video.Provider) video.Provider { return plain{p} }

type plain struct{ video.Provider }

// wait waits d (or until ctx is done) and then returns ctx's error, or err.
func wait(ctx context.Context, d time.Duration, err error) error {
	if d > 0 {
		t := time.NewTimer(d)
		defer t.Stop()
		select {
		case <-t.C:
		case <-ctx.Done():
		}
	}
	if cerr := ctx.Err(); cerr != nil {
		return cerr
	}
	return err
}
