package videotest

import (
	"context"
	"crypto/subtle"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
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
	OpAdmit          Op = "Admit"
	OpParticipants   Op = "Participants"
	OpReceiveWebhook Op = "ReceiveWebhook"
)

// ops lists every operation, for FailAll.
var ops = []Op{OpIssueToken, OpCreateRoom, OpEndRoom, OpCheck, OpStartRecording, OpStopRecording, OpAdmit, OpParticipants, OpReceiveWebhook}

// ErrFakeDown is what a fake Provider's calls return after SetHealthy(false).
var ErrFakeDown = errors.New("videotest: provider scripted down")

// Provider is a fake video.Provider with every optional capability (Recorder, Admitter,
// ParticipantLister, WebhookReceiver, PolicySource), whose health, errors and latency a test scripts, and
// which records every call. Its tokens are opaque strings: Lookup tells which request (and so
// which grants) a token was issued for, and Join connects a participant with one. It is safe
// for concurrent use.
type Provider struct {
	name video.ProviderName

	mu           sync.Mutex
	down         bool
	checkErr     error
	errs         map[Op]error
	latency      time.Duration
	gate         chan struct{}
	calls        map[Op]int
	checks       int
	maxChecks    int
	rooms        map[string]bool
	tokens       map[string]video.TokenRequest
	recordings   map[string]*video.Recording
	participants map[string][]video.LiveParticipant // by room
	policy       video.Policy
	seq          int
}

// The capabilities a fake has, so a drifted signature fails the build.
var (
	_ video.Provider          = (*Provider)(nil)
	_ video.Recorder          = (*Provider)(nil)
	_ video.Admitter          = (*Provider)(nil)
	_ video.ParticipantLister = (*Provider)(nil)
	_ video.WebhookReceiver   = (*Provider)(nil)
	_ video.PolicySource      = (*Provider)(nil)
)

// NewProvider returns a healthy fake provider with the given name (any video.ProviderName).
func NewProvider(name video.ProviderName) *Provider {
	return &Provider{
		name:         name,
		errs:         make(map[Op]error),
		calls:        make(map[Op]int),
		rooms:        make(map[string]bool),
		tokens:       make(map[string]video.TokenRequest),
		recordings:   make(map[string]*video.Recording),
		participants: make(map[string][]video.LiveParticipant),
	}
}

// SetHealthy(false) takes the provider down: its health probe and every call fail with
// ErrFakeDown, so the very next request that reaches it marks it down and fails over, with no
// clock and no sleep. SetHealthy(true) brings it back; the Service then serves new
// appointments from it after its recovery probes (advance the WithClock clock past the health
// interval to run them).
func (p *Provider) SetHealthy(ok bool) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.down = !ok
}

// SetCheckError makes the health probe alone return err (nil: healthy), while calls still
// work: a broken health endpoint. Wrap video.ErrUnauthenticated to play refused credentials.
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
	for _, op := range ops {
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

// Lookup returns the request a token of this provider was issued for: its room, user, role
// and grants.
func (p *Provider) Lookup(token string) (video.TokenRequest, bool) {
	p.mu.Lock()
	defer p.mu.Unlock()
	req, ok := p.tokens[token]
	return req, ok
}

// Join connects a participant with a token this provider issued, as a client would: the
// participant then appears in Participants with the token's grants (a waiting one with no
// publish or subscribe until Admit). A token of another provider is refused.
func (p *Provider) Join(token string) error {
	p.mu.Lock()
	defer p.mu.Unlock()
	req, ok := p.tokens[token]
	if !ok {
		return fmt.Errorf("%w: videotest: not a token of %s", video.ErrUnauthenticated, p.name)
	}
	g := req.Grants
	lp := video.LiveParticipant{UserID: req.UserID, Name: req.Info.DisplayName, Role: req.Role, JoinedAt: time.Now(),
		CanPublish: g.Publish && !g.Waiting, CanSubscribe: g.Subscribe && !g.Waiting, Hidden: g.Hidden}
	ps := slices.DeleteFunc(p.participants[req.Room], func(q video.LiveParticipant) bool { return q.UserID == req.UserID })
	p.participants[req.Room] = append(ps, lp)
	return nil
}

// Leave disconnects userID from room.
func (p *Provider) Leave(room, userID string) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.participants[room] = slices.DeleteFunc(p.participants[room], func(q video.LiveParticipant) bool { return q.UserID == userID })
}

// begin counts a call, waits the scripted latency and returns the scripted error.
func (p *Provider) begin(ctx context.Context, op Op) error {
	p.mu.Lock()
	p.calls[op]++
	latency, err := p.latency, p.errs[op]
	if p.down {
		err = ErrFakeDown
	}
	p.mu.Unlock()
	return wait(ctx, latency, err)
}

// Name implements video.Provider.
func (p *Provider) Name() video.ProviderName { return p.name }

// SetPolicy sets what the fake's Policy reports: the switches its configuration would turn on
// for it alone. The Service reads it in video.New, so set it before.
func (p *Provider) SetPolicy(pol video.Policy) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.policy = pol
}

// Policy implements video.PolicySource with what SetPolicy set (none by default).
func (p *Provider) Policy() video.Policy {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.policy
}

// IssueToken implements video.Provider. It checks the request as a real provider must.
func (p *Provider) IssueToken(ctx context.Context, req video.TokenRequest) (*video.Token, error) {
	if err := p.begin(ctx, OpIssueToken); err != nil {
		return nil, err
	}
	if err := req.Validate(); err != nil {
		return nil, err
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

// EndRoom implements video.Provider: the room closes and everyone in it is disconnected.
func (p *Provider) EndRoom(ctx context.Context, room string) error {
	if err := p.begin(ctx, OpEndRoom); err != nil {
		return err
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	if _, ok := p.rooms[room]; ok {
		p.rooms[room] = false
	}
	delete(p.participants, room)
	return nil
}

// Check implements video.Provider.
func (p *Provider) Check(ctx context.Context) error {
	p.mu.Lock()
	p.calls[OpCheck]++
	p.checks++
	p.maxChecks = max(p.maxChecks, p.checks)
	gate, latency, err := p.gate, p.latency, p.checkErr
	if p.down {
		err = ErrFakeDown
	}
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
		return nil, fmt.Errorf("%w: videotest: no such recording", video.ErrNotFound)
	}
	rec.Status, rec.EndedAt, rec.Location = video.RecordingComplete, time.Now(), "fake://recordings/"+id+".mp4"
	out := *rec
	return &out, nil
}

// Admit implements video.Admitter: a participant connected with Join gets publish and
// subscribe.
func (p *Provider) Admit(ctx context.Context, room, userID string) error {
	if err := p.begin(ctx, OpAdmit); err != nil {
		return err
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	ps := p.participants[room]
	i := slices.IndexFunc(ps, func(q video.LiveParticipant) bool { return q.UserID == userID })
	if i < 0 {
		return fmt.Errorf("%w: videotest: the participant is not in the room", video.ErrNotFound)
	}
	ps[i].CanPublish, ps[i].CanSubscribe = true, true
	return nil
}

// Participants implements video.ParticipantLister: who joined with Join and has not left.
func (p *Provider) Participants(ctx context.Context, room string) ([]video.LiveParticipant, error) {
	if err := p.begin(ctx, OpParticipants); err != nil {
		return nil, err
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	return slices.Clone(p.participants[room]), nil
}

// webhookAuth is the header a fake's webhooks carry, with the provider's name as the secret:
// enough to test that the Service refuses an unsigned event.
const webhookAuth = "X-Videotest-Webhook"

// WebhookRequest returns a request carrying ev that this provider's ReceiveWebhook accepts, to
// post to Service.WebhookHandler.
func (p *Provider) WebhookRequest(ev video.WebhookEvent) *http.Request {
	body, _ := json.Marshal(webhookBody{ID: ev.ID, Kind: ev.Kind, Room: ev.Room, UserID: ev.UserID, Role: ev.Role, Recording: ev.Recording,
		At: ev.At, SessionStart: ev.SessionStart, RoomStart: ev.RoomStart})
	r, _ := http.NewRequest(http.MethodPost, "/webhooks", strings.NewReader(string(body)))
	r.Header.Set(webhookAuth, string(p.name))
	return r
}

// webhookBody is a fake webhook's JSON.
type webhookBody struct {
	ID        string            `json:"id"`
	Kind      video.WebhookKind `json:"kind"`
	Room      string            `json:"room"`
	UserID    string            `json:"user_id,omitempty"`
	Role      video.Role        `json:"role,omitempty"`
	Recording *video.Recording  `json:"recording,omitempty"`
	At        time.Time         `json:"at"`

	SessionStart time.Time `json:"session_start,omitzero"`
	RoomStart    time.Time `json:"room_start,omitzero"`
}

// ReceiveWebhook implements video.WebhookReceiver for requests made by WebhookRequest; any
// other is refused with video.ErrUnauthenticated.
func (p *Provider) ReceiveWebhook(r *http.Request) (*video.WebhookEvent, error) {
	if err := p.begin(r.Context(), OpReceiveWebhook); err != nil {
		return nil, err
	}
	if subtle.ConstantTimeCompare([]byte(r.Header.Get(webhookAuth)), []byte(p.name)) != 1 {
		return nil, fmt.Errorf("%w: videotest: webhook not signed", video.ErrUnauthenticated)
	}
	data, err := io.ReadAll(r.Body)
	if err != nil {
		return nil, fmt.Errorf("%w: videotest: webhook body: %v", video.ErrInvalidArgument, err)
	}
	var b webhookBody
	if err := json.Unmarshal(data, &b); err != nil {
		return nil, fmt.Errorf("%w: videotest: webhook body is not an event", video.ErrInvalidArgument)
	}
	return &video.WebhookEvent{ID: b.ID, Kind: b.Kind, Room: b.Room, UserID: b.UserID, Role: b.Role, Recording: b.Recording,
		At: b.At, SessionStart: b.SessionStart, RoomStart: b.RoomStart}, nil
}

// Plain returns p as a video.Provider with none of the optional capabilities, to test what an
// application does with a provider that cannot record, admit, list or send events (as Jitsi
// cannot).
func Plain(p video.Provider) video.Provider { return plain{p} }

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
