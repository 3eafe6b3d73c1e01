package openvidu

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/livekit/protocol/auth"
	lksdk "github.com/livekit/server-sdk-go/v2"
	video "github.com/teleconsult/video"
	"github.com/twitchtv/twirp"
)

// Provider is the OpenVidu provider: OpenVidu 3 through the LiveKit API, or OpenVidu 2 through
// its REST API (Config.UsesV2). It is safe for concurrent use.
type Provider struct {
	cfg       Config
	v2        *v2    // set when the provider speaks OpenVidu 2's REST API
	httpURL   string // the API over http(s)
	serverURL string // what clients connect to, ws(s)
	rooms     *lksdk.RoomServiceClient
	egress    *lksdk.EgressClient
	keys      auth.KeyProvider
	secret    []byte // signs tokens
	// roomConfigJSON is the room configuration every token carries, as JSON
	roomConfigJSON json.RawMessage
	client         *http.Client
	now            func() time.Time
}

// The capabilities the provider has beyond video.Provider.
var (
	_ video.Recorder          = (*Provider)(nil)
	_ video.Admitter          = (*Provider)(nil)
	_ video.ParticipantLister = (*Provider)(nil)
	_ video.WebhookReceiver   = (*Provider)(nil)
	_ video.PolicySource      = (*Provider)(nil)
)

// Option configures a Provider in New.
type Option func(*Provider)

// WithHTTPClient makes the health probe use c instead of a client of its own.
func WithHTTPClient(c *http.Client) Option { return func(p *Provider) { p.client = c } }

// WithClock makes token expiries use now instead of time.Now; for tests.
func WithClock(now func() time.Time) Option { return func(p *Provider) { p.now = now } }

// New returns the OpenVidu provider for cfg, which must be configured and valid
// (Config.Validate): an unconfigured Config is an error naming OPENVIDU_URL.
func New(cfg Config, opts ...Option) (*Provider, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	u, _ := url.Parse(cfg.URL) // Validate parsed it
	httpScheme, wsScheme := "https", "wss"
	if u.Scheme == "ws" || u.Scheme == "http" {
		httpScheme, wsScheme = "http", "ws"
	}
	base := strings.TrimRight(u.Host+u.Path, "/")
	p := &Provider{
		cfg:       cfg,
		httpURL:   httpScheme + "://" + base,
		serverURL: wsScheme + "://" + base,
		keys:      auth.NewSimpleKeyProvider(cfg.APIKey, cfg.Secret.Reveal()),
		secret:    []byte(cfg.Secret.Reveal()),
		now:       time.Now,
	}
	if cfg.Domain != "" {
		p.serverURL = "wss://" + cfg.Domain
	}
	for _, o := range opts {
		o(p)
	}
	if p.client == nil {
		p.client = &http.Client{Timeout: 30 * time.Second}
	}
	if cfg.UsesV2() {
		p.v2 = newV2(p.httpURL, cfg, p.client)
		return p, nil
	}
	traced := twirp.WithClientInterceptors(traceContext)
	rc, err := (*auth.RoomConfiguration)(p.roomConfig()).MarshalJSON()
	if err != nil {
		return nil, fmt.Errorf("openvidu: the room configuration: %w", err)
	}
	p.roomConfigJSON = rc
	p.rooms = lksdk.NewRoomServiceClient(p.httpURL, cfg.APIKey, cfg.Secret.Reveal(), traced)
	p.egress = lksdk.NewEgressClient(p.httpURL, cfg.APIKey, cfg.Secret.Reveal(), traced)
	return p, nil
}

// Name implements video.Provider.
func (p *Provider) Name() video.ProviderName { return Name }

// ServerURL returns the URL clients connect to.
func (p *Provider) ServerURL() string { return p.serverURL }

// Policy implements video.PolicySource: OPENVIDU_WAITING_ROOM turns the waiting room on here.
func (p *Provider) Policy() video.Policy { return video.Policy{WaitingRoom: p.cfg.WaitingRoom} }

// TokensAreRemote implements video.RemoteTokens: OpenVidu 2 opens a connection on its server
// for each token, so the Service hedges it; a LiveKit token is signed here.
func (p *Provider) TokensAreRemote() bool { return p.v2 != nil }
