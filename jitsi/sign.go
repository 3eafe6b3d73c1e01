package jitsi

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"hash"
	"strconv"
	"sync"

	"github.com/golang-jwt/jwt/v5"
)

// signer makes the provider's tokens as golang-jwt's Token.SignedString does, byte for byte
// (TestSignerMatchesGolangJWT), in half its time: the header, the same for every token, is
// encoded once; the claims are written as JSON directly, as encoding/json writes them, instead
// of through reflection; the signature is golang-jwt's signing method's, but for HS256, whose
// keyed HMAC states are kept in a pool instead of being keyed again for every token.
type signer struct {
	method jwt.SigningMethod
	key    any
	header []byte    // the header's base64url segment and its dot
	hmacs  sync.Pool // of hash.Hash keyed with key, for HS256
}

// newSigner encodes the header golang-jwt would write for method (with kid when set).
func newSigner(method jwt.SigningMethod, key any, kid string) (*signer, error) {
	t := jwt.New(method)
	if kid != "" {
		t.Header["kid"] = kid
	}
	h, err := json.Marshal(t.Header)
	if err != nil {
		return nil, err
	}
	seg := base64.RawURLEncoding.AppendEncode(nil, h)
	s := &signer{method: method, key: key, header: append(seg, '.')}
	if secret, ok := key.([]byte); ok && method == jwt.SigningMethodHS256 {
		s.hmacs.New = func() any { return hmac.New(sha256.New, secret) }
	}
	return s, nil
}

// sign returns the signed token of c.
func (s *signer) sign(c *claims) (string, error) {
	var scratch [768]byte
	body := c.appendJSON(scratch[:0])
	enc := base64.RawURLEncoding
	buf := make([]byte, 0, len(s.header)+enc.EncodedLen(len(body))+1+enc.EncodedLen(512))
	buf = append(buf, s.header...)
	buf = enc.AppendEncode(buf, body)
	var sig []byte
	if s.hmacs.New != nil {
		h := s.hmacs.Get().(hash.Hash)
		h.Reset()
		h.Write(buf)
		var sum [sha256.Size]byte
		sig = h.Sum(sum[:0])
		s.hmacs.Put(h)
	} else {
		var err error
		if sig, err = s.method.Sign(string(buf), s.key); err != nil {
			return "", err
		}
	}
	buf = append(buf, '.')
	buf = enc.AppendEncode(buf, sig)
	return string(buf), nil
}

// appendJSON appends c as encoding/json writes it: the fields in order, the empty optional ones
// left out, strings escaped as its default escaping does.
func (c *claims) appendJSON(b []byte) []byte {
	str := func(b []byte, key, v string) []byte {
		b = append(b, '"')
		b = append(b, key...)
		b = append(b, `":`...)
		return appendJSONString(b, v)
	}
	num := func(b []byte, key string, v int64) []byte {
		b = append(b, '"')
		b = append(b, key...)
		b = append(b, `":`...)
		return strconv.AppendInt(b, v, 10)
	}
	b = append(b, '{')
	b = str(b, "iss", c.Issuer)
	b = str(append(b, ','), "aud", c.Audience)
	b = str(append(b, ','), "sub", c.Subject)
	b = str(append(b, ','), "room", c.Room)
	b = num(append(b, ','), "iat", c.IssuedAt)
	b = num(append(b, ','), "nbf", c.NotBefore)
	b = num(append(b, ','), "exp", c.Expiry)
	u := c.Context.User
	b = str(append(b, `,"context":{"user":{`...), "id", u.ID)
	if u.Name != "" {
		b = str(append(b, ','), "name", u.Name)
	}
	if u.Email != "" {
		b = str(append(b, ','), "email", u.Email)
	}
	if u.Avatar != "" {
		b = str(append(b, ','), "avatar", u.Avatar)
	}
	b = str(append(b, ','), "moderator", u.Moderator)
	f := c.Context.Features
	b = str(append(b, `},"features":{`...), "recording", f.Recording)
	b = str(append(b, ','), "livestreaming", f.Livestreaming)
	b = str(append(b, ','), "outbound-call", f.OutboundCall)
	b = str(append(b, ','), "screen-sharing", f.ScreenSharing)
	return append(b, "}}}"...)
}
