package openvidu

import (
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/livekit/protocol/auth"
	lksdk "github.com/livekit/server-sdk-go/v2"
	video "github.com/teleconsult/video"
)

// Provider is the OpenVidu 3 provider. It is safe for concurrent use.
type Provider struct {
	cfg       video.OpenViduConfig
	httpURL   string // the API over http(s)
	serverURL string // what clients connect to, ws(s)
	rooms     *lksdk.RoomServiceClient
	egress    *lksdk.EgressClient
	keys      auth.KeyProvider
	client    *http.Client
	now       func() time.Time
}

// Option configures a Provider in New.
type Option func(*Provider)

// WithHTTPClient makes the health probe use c instead of a client of its own.
func WithHTTPClient(c *http.Client) Option { return func(p *Provider) { p.client = c } }

// WithClock makes token expiries use now instead of time.Now; for tests.
func WithClock(now func() time.Time) Option { return func(p *Provider) { p.now = now } }

// New returns the OpenVidu provider for cfg. When cfg is not configured (no URL) it returns
// nil and no error, so the application's wiring stays the same whether OpenVidu is used or
// not: video.New treats a nil provider as absent.
func New(cfg video.OpenViduConfig, opts ...Option) (*Provider, error) {
	if !cfg.Configured() {
		return nil, nil
	}
	u, err := url.Parse(cfg.URL)
	if err != nil || u.Host == "" {
		return nil, configErr("OPENVIDU_URL", "must be a ws, wss, http or https URL")
	}
	var httpScheme, wsScheme string
	switch u.Scheme {
	case "ws", "http":
		httpScheme, wsScheme = "http", "ws"
	case "wss", "https":
		httpScheme, wsScheme = "https", "wss"
	default:
		return nil, configErr("OPENVIDU_URL", "scheme must be ws, wss, http or https")
	}
	if cfg.APIKey == "" {
		return nil, configErr("OPENVIDU_API_KEY", "required with OPENVIDU_URL")
	}
	if !cfg.Secret.IsSet() {
		return nil, configErr("OPENVIDU_SECRET", "required with OPENVIDU_URL")
	}
	if cfg.RecordingTimeout <= 0 {
		cfg.RecordingTimeout = video.DefaultOpenViduRecordingTimeout
	}
	if cfg.RecordingFilepath == "" {
		cfg.RecordingFilepath = video.DefaultOpenViduRecordingFilepath
	}
	base := strings.TrimRight(u.Host+u.Path, "/")
	p := &Provider{
		cfg:       cfg,
		httpURL:   httpScheme + "://" + base,
		serverURL: wsScheme + "://" + base,
		keys:      auth.NewSimpleKeyProvider(cfg.APIKey, cfg.Secret.Reveal()),
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
	p.rooms = lksdk.NewRoomServiceClient(p.httpURL, cfg.APIKey, cfg.Secret.Reveal())
	p.egress = lksdk.NewEgressClient(p.httpURL, cfg.APIKey, cfg.Secret.Reveal())
	return p, nil
}

// Name implements video.Provider.
func (p *Provider) Name() video.ProviderName { return video.ProviderOpenVidu }

// ServerURL returns the URL clients connect to.
func (p *Provider) ServerURL() string { return p.serverURL }

func configErr(field, msg string) error {
	return &video.Error{Op: "openvidu.New", Kind: video.ErrInvalidConfig, Provider: video.ProviderOpenVidu, Field: field, Msg: msg}
}
