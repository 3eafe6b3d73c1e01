package jitsi

import (
	"errors"
	"time"

	"github.com/golang-jwt/jwt/v5"
)

// claims is the payload of a Jitsi token. It is its own type, not jwt.RegisteredClaims,
// because prosody wants aud as a plain string and golang-jwt writes a one-element audience
// as an array by default.
type claims struct {
	Issuer    string       `json:"iss"`
	Audience  string       `json:"aud"`
	Subject   string       `json:"sub"`
	Room      string       `json:"room"`
	IssuedAt  int64        `json:"iat"`
	NotBefore int64        `json:"nbf"`
	Expiry    int64        `json:"exp"`
	Context   tokenContext `json:"context"`
}

type tokenContext struct {
	User     tokenUser     `json:"user"`
	Features tokenFeatures `json:"features"`
}

type tokenUser struct {
	ID        string `json:"id"`
	Name      string `json:"name,omitempty"`
	Email     string `json:"email,omitempty"`
	Avatar    string `json:"avatar,omitempty"`
	Moderator string `json:"moderator"`
}

type tokenFeatures struct {
	Recording     string `json:"recording"`
	Livestreaming string `json:"livestreaming"`
	OutboundCall  string `json:"outbound-call"`
	ScreenSharing string `json:"screen-sharing"`
}

// The jwt.Claims methods. The provider only signs; these exist because golang-jwt's signer
// takes a jwt.Claims.

func (c *claims) GetExpirationTime() (*jwt.NumericDate, error) { return numeric(c.Expiry), nil }
func (c *claims) GetIssuedAt() (*jwt.NumericDate, error)       { return numeric(c.IssuedAt), nil }
func (c *claims) GetNotBefore() (*jwt.NumericDate, error)      { return numeric(c.NotBefore), nil }
func (c *claims) GetIssuer() (string, error)                   { return c.Issuer, nil }
func (c *claims) GetSubject() (string, error)                  { return c.Subject, nil }
func (c *claims) GetAudience() (jwt.ClaimStrings, error) {
	if c.Audience == "" {
		return nil, errors.New("no audience")
	}
	return jwt.ClaimStrings{c.Audience}, nil
}

func numeric(sec int64) *jwt.NumericDate { return jwt.NewNumericDate(time.Unix(sec, 0)) }

func boolString(b bool) string {
	if b {
		return "true"
	}
	return "false"
}
