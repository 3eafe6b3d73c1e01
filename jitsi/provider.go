package jitsi

import (
	"context"
	"crypto/rsa"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/golang-jwt/jwt/v5"
	video "github.com/teleconsult/video"
)

// JaaSBaseURL is where 8x8 JaaS meetings are, when JITSI_BASE_URL does not say otherwise.
const JaaSBaseURL = "https://8x8.vc"

// notBeforeSkew backdates nbf, because prosody allows no clock skew and the backend's clock
// may run ahead of it.
const notBeforeSkew = 30 * time.Second

// Provider is the Jitsi Meet provider. It is safe for concurrent use.
type Provider struct {
	cfg        Config
	linkBase   string // where rooms are: base[/tenant], or the JaaS base with the app ID
	serverURL  string
	healthBase string
	anonymous  bool

	method   jwt.SigningMethod
	key      any
	kid      string
	signer   *signer
	issuer   string
	audience string
	subject  string

	client *http.Client
	now    func() time.Time
	log    *slog.Logger
}

// Option configures a Provider in New.
type Option func(*Provider)

// WithLogger sends the provider's warnings to l instead of slog.Default().
func WithLogger(l *slog.Logger) Option { return func(p *Provider) { p.log = l } }

// WithHTTPClient makes the health probe use c instead of a client of its own.
func WithHTTPClient(c *http.Client) Option { return func(p *Provider) { p.client = c } }

// WithClock makes tokens use now instead of time.Now; for tests.
func WithClock(now func() time.Time) Option { return func(p *Provider) { p.now = now } }

// The capabilities the provider has beyond video.Provider.
var (
	_ video.PolicySource = (*Provider)(nil)
	_ video.Unprobed     = (*Provider)(nil)
)

// Unprobed implements video.Unprobed: with JITSI_HEALTH_PROBE=off, Check observes nothing.
func (p *Provider) Unprobed() bool { return p.cfg.HealthProbe == ProbeOff }

// New returns the Jitsi provider for cfg, which must be configured and valid (Config.Validate):
// an unconfigured Config is an error naming JITSI_DOMAIN.
func New(cfg Config, opts ...Option) (*Provider, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	p := &Provider{cfg: cfg, now: time.Now, log: slog.Default()}
	for _, o := range opts {
		o(p)
	}
	if p.client == nil {
		p.client = &http.Client{Timeout: 30 * time.Second}
	}

	base := "https://" + cfg.Domain
	switch {
	case cfg.BaseURL != "":
		base = strings.TrimRight(cfg.BaseURL, "/")
	case cfg.Domain == "" && cfg.JaaS():
		base = JaaSBaseURL
	}
	p.healthBase, p.linkBase = base, base
	if u, err := url.Parse(base); err == nil {
		p.serverURL = u.Scheme + "://" + u.Host
	}

	switch {
	case cfg.JaaS():
		key, err := loadKey(cfg)
		if err != nil {
			return nil, err
		}
		p.method, p.key = jwt.SigningMethodRS256, key
		p.kid = cfg.AppID + "/" + cfg.JaaSKeyID
		p.issuer, p.audience, p.subject = "chat", "jitsi", cfg.AppID
		p.linkBase = base + "/" + url.PathEscape(cfg.AppID)
	case cfg.AppSecret.IsSet():
		p.method, p.key = jwt.SigningMethodHS256, []byte(cfg.AppSecret.Reveal())
		p.issuer, p.audience, p.subject = cfg.AppID, p.cfg.Audience, p.cfg.Subject
	default:
		p.anonymous = true
		p.log.Warn("jitsi: no JITSI_APP_SECRET: join links carry no token and anyone with a link can join the meeting",
			slog.String("base_url", p.linkBase))
	}
	if !p.anonymous {
		var err error
		if p.signer, err = newSigner(p.method, p.key, p.kid); err != nil {
			return nil, err
		}
	}
	return p, nil
}

// Name implements video.Provider.
func (p *Provider) Name() video.ProviderName { return Name }

// TokensAreRemote implements video.RemoteTokens: a Jitsi token is signed here.
func (p *Provider) TokensAreRemote() bool { return false }

// Policy implements video.PolicySource: JITSI_ENABLE_WAITING_ROOM and JITSI_ENABLE_RECORDING
// turn the waiting room and client recording on here.
func (p *Provider) Policy() video.Policy {
	return video.Policy{WaitingRoom: p.cfg.EnableWaitingRoom, ClientRecording: p.cfg.EnableRecording}
}

// Anonymous reports whether links carry no token (no app secret and not JaaS).
func (p *Provider) Anonymous() bool { return p.anonymous }

// PublicKey returns the public half of the JaaS signing key (to upload to JaaS), or nil
// for a self-hosted deployment.
func (p *Provider) PublicKey() *rsa.PublicKey {
	if k, ok := p.key.(*rsa.PrivateKey); ok {
		return &k.PublicKey
	}
	return nil
}

// IssueToken implements video.Provider: a token for exactly req.Room and a join link that
// carries it. Anonymous deployments return the link alone; ExpiresAt is then advisory.
func (p *Provider) IssueToken(ctx context.Context, req video.TokenRequest) (*video.Token, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	if err := checkRequest(req); err != nil {
		return nil, err
	}
	now := p.now()
	exp := now.Add(req.TTL).Truncate(time.Second)
	var signed string
	if !p.anonymous {
		c := claims{
			Issuer: p.issuer, Audience: p.audience, Subject: p.subject, Room: req.Room,
			IssuedAt: now.Unix(), NotBefore: now.Add(-notBeforeSkew).Unix(), Expiry: exp.Unix(),
			Context: tokenContext{
				User: tokenUser{ID: req.UserID, Name: req.Info.DisplayName, Email: req.Info.Email,
					Avatar: req.Info.AvatarURL, Moderator: boolString(req.Grants.Moderator)},
				Features: tokenFeatures{
					Recording:     boolString(req.Grants.Record),
					Livestreaming: "false",
					OutboundCall:  "false",
					ScreenSharing: boolString(req.Grants.Publish && req.Grants.ScreenShare),
				},
			},
		}
		var err error
		if signed, err = p.signer.sign(&c); err != nil {
			return nil, fmt.Errorf("jitsi: signing the token: %w", err)
		}
	}
	return &video.Token{
		Token:     signed,
		JoinURL:   joinURL(p.linkBase, req.Room, signed, p.overrides(req)),
		ServerURL: p.serverURL,
		ExpiresAt: exp,
	}, nil
}

// overrides are the config overrides of a participant's link: the grants a Jitsi token
// cannot carry, carried as the client's settings.
func (p *Provider) overrides(req video.TokenRequest) []override {
	var o []override
	if req.Info.DisplayName != "" {
		o = append(o, override{"userInfo.displayName", jsonString(req.Info.DisplayName)})
	}
	if req.Info.Email != "" {
		o = append(o, override{"userInfo.email", jsonString(req.Info.Email)})
	}
	if req.Grants.Waiting { // Jitsi has no server-side hold: a waiting step before the call
		o = append(o, override{"config.prejoinConfig.enabled", jsonTrue}, override{"config.prejoinPageEnabled", jsonTrue})
	}
	if !req.Grants.Publish { // Jitsi cannot forbid publishing: start with nothing sent
		o = append(o, override{"config.startWithAudioMuted", jsonTrue}, override{"config.startWithVideoMuted", jsonTrue})
	}
	return o
}

// checkRequest adds Jitsi's own rule to TokenRequest.Validate: the room must be what Jitsi
// will compare the token with at join.
func checkRequest(req video.TokenRequest) error {
	if err := req.Validate(); err != nil {
		return err
	}
	switch {
	case strings.ToLower(req.Room) != req.Room:
		return fmt.Errorf("%w: jitsi: room must be lowercase: Jitsi lowercases the room it joins and compares it with the token's", video.ErrInvalidArgument)
	case strings.ContainsAny(req.Room, "/?#@ %\\\"'<>&"):
		return fmt.Errorf("%w: jitsi: room must not contain URL or XMPP delimiters", video.ErrInvalidArgument)
	}
	return nil
}

// CreateRoom implements video.Provider. Jitsi creates a room when the first participant
// joins; there is nothing to do ahead of that.
func (p *Provider) CreateRoom(ctx context.Context, room string) error {
	if room == "" {
		return fmt.Errorf("%w: jitsi: room must not be empty", video.ErrInvalidArgument)
	}
	return ctx.Err()
}

// EndRoom implements video.Provider. Jitsi has no server API to end a room: this succeeds
// without effect (see # Limits in the package doc).
func (p *Provider) EndRoom(ctx context.Context, room string) error { return ctx.Err() }
