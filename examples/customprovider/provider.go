// Package customprovider is a video provider written outside the library's own packages, as an
// application would write one for a vendor the library does not ship: it imports only the
// library's public API and plugs into video.New beside the built-in providers.
//
// Its vendor is a plain link service: a meeting is a URL, and the link carries the room, the
// user, the grants and an expiry, signed with HMAC-SHA256 under a shared key that the vendor's
// front checks. It has no server to call, so it has none of the optional capabilities.
package customprovider

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"fmt"
	"net/url"
	"strconv"
	"strings"
	"time"

	video "github.com/teleconsult/video"
)

// Name is the provider's name.
const Name video.ProviderName = "linkroom"

// Provider signs join links for a link service at Base.
type Provider struct {
	base string
	key  video.Secret
	now  func() time.Time
}

// New returns a Provider for the link service at base (an https URL), signing with key.
func New(base string, key video.Secret) (*Provider, error) {
	u, err := url.Parse(base)
	if err != nil || u.Scheme != "https" || u.Host == "" {
		return nil, &video.Error{Op: "customprovider.New", Kind: video.ErrInvalidConfig, Provider: Name, Field: "base", Msg: "must be an https URL"}
	}
	if len(key) < 32 {
		return nil, &video.Error{Op: "customprovider.New", Kind: video.ErrInvalidConfig, Provider: Name, Field: "key", Msg: "must be at least 32 bytes"}
	}
	return &Provider{base: strings.TrimRight(base, "/"), key: key, now: time.Now}, nil
}

// Name implements video.Provider.
func (p *Provider) Name() video.ProviderName { return Name }

// IssueToken implements video.Provider: a signed link that carries req.Grants as flags.
func (p *Provider) IssueToken(ctx context.Context, req video.TokenRequest) (*video.Token, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	if err := req.Validate(); err != nil {
		return nil, err
	}
	exp := p.now().Add(req.TTL).Truncate(time.Second)
	q := url.Values{}
	q.Set("user", req.UserID)
	q.Set("grants", flags(req.Grants))
	q.Set("exp", strconv.FormatInt(exp.Unix(), 10))
	q.Set("sig", p.sign(req.Room, q))
	return &video.Token{JoinURL: p.base + "/" + url.PathEscape(req.Room) + "?" + q.Encode(), ServerURL: p.base, ExpiresAt: exp}, nil
}

// CreateRoom implements video.Provider: a link service's rooms exist when someone opens them.
func (p *Provider) CreateRoom(ctx context.Context, room string) error {
	if room == "" {
		return fmt.Errorf("%w: customprovider: room must not be empty", video.ErrInvalidArgument)
	}
	return ctx.Err()
}

// EndRoom implements video.Provider: links expire on their own.
func (p *Provider) EndRoom(ctx context.Context, room string) error { return ctx.Err() }

// Check implements video.Provider: with no server to reach, healthy while ctx lives.
func (p *Provider) Check(ctx context.Context) error { return ctx.Err() }

// Verify checks a join link as the vendor's front would and returns its room and grants.
func (p *Provider) Verify(link string, now time.Time) (room string, g video.Grants, err error) {
	u, err := url.Parse(link)
	if err != nil {
		return "", g, err
	}
	room, err = url.PathUnescape(strings.TrimPrefix(u.Path, "/"))
	if err != nil {
		return "", g, err
	}
	q := u.Query()
	sig := q.Get("sig")
	q.Del("sig")
	if !hmac.Equal([]byte(sig), []byte(p.sign(room, q))) {
		return "", g, errors.New("customprovider: bad signature")
	}
	exp, err := strconv.ParseInt(q.Get("exp"), 10, 64)
	if err != nil || now.Unix() > exp {
		return "", g, errors.New("customprovider: expired")
	}
	return room, parseFlags(q.Get("grants")), nil
}

func (p *Provider) sign(room string, q url.Values) string {
	m := hmac.New(sha256.New, []byte(p.key.Reveal()))
	m.Write([]byte(room + "\n" + q.Encode()))
	return base64.RawURLEncoding.EncodeToString(m.Sum(nil))
}

// The grant flags, one letter each.
var letters = []struct {
	c   byte
	get func(*video.Grants) *bool
}{
	{'m', func(g *video.Grants) *bool { return &g.Moderator }},
	{'p', func(g *video.Grants) *bool { return &g.Publish }},
	{'s', func(g *video.Grants) *bool { return &g.Subscribe }},
	{'d', func(g *video.Grants) *bool { return &g.PublishData }},
	{'x', func(g *video.Grants) *bool { return &g.ScreenShare }},
	{'h', func(g *video.Grants) *bool { return &g.Hidden }},
	{'r', func(g *video.Grants) *bool { return &g.Record }},
	{'w', func(g *video.Grants) *bool { return &g.Waiting }},
}

func flags(g video.Grants) string {
	var b []byte
	for _, l := range letters {
		if *l.get(&g) {
			b = append(b, l.c)
		}
	}
	return string(b)
}

func parseFlags(s string) video.Grants {
	var g video.Grants
	for _, l := range letters {
		*l.get(&g) = strings.IndexByte(s, l.c) >= 0
	}
	return g
}
