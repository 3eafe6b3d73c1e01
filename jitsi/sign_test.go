package jitsi

import (
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/golang-jwt/jwt/v5"
	"github.com/stretchr/testify/require"
)

// TestSignerMatchesGolangJWT: the signer's token is golang-jwt's Token.SignedString, byte for
// byte, for claims with every kind of character encoding/json escapes, with HS256 and with
// JaaS's RS256 and key id.
func TestSignerMatchesGolangJWT(t *testing.T) {
	pieces := []string{"", "a", "Dr. Jane Q. Roe", "é", "日本", "<b>&amp;</b>", `"quoted"`, `back\slash`, "\n\r\t",
		"\b\f\x00\x01\x1f", "\u2028\u2029", "\xff\xfe", "emoji 🩺", "'single'", "a/b?c#d", "\x7f", "\u00a0"}
	rng := rand.New(rand.NewPCG(1, 2))
	text := func() string {
		var b strings.Builder
		for range rng.IntN(4) {
			b.WriteString(pieces[rng.IntN(len(pieces))])
		}
		return b.String()
	}
	for _, tc := range []struct {
		name   string
		method jwt.SigningMethod
		key    any
		kid    string
	}{
		{"HS256", jwt.SigningMethodHS256, []byte(testSecret), ""},
		{"RS256", jwt.SigningMethodRS256, rsaKey(t), "vpaas-magic-cookie-1/abc123"},
	} {
		s, err := newSigner(tc.method, tc.key, tc.kid)
		require.NoError(t, err)
		for i := range 2000 {
			c := claims{Issuer: text(), Audience: text(), Subject: text(), Room: text(),
				IssuedAt: rng.Int64(), NotBefore: -rng.Int64N(1 << 40), Expiry: rng.Int64N(1 << 40),
				Context: tokenContext{User: tokenUser{ID: text(), Name: text(), Email: text(), Avatar: text(), Moderator: text()},
					Features: tokenFeatures{text(), text(), text(), text()}}}
			got, err := s.sign(&c)
			require.NoError(t, err)
			tok := jwt.NewWithClaims(tc.method, &c)
			if tc.kid != "" {
				tok.Header["kid"] = tc.kid
			}
			want, err := tok.SignedString(tc.key)
			require.NoError(t, err)
			require.Equal(t, want, got, "%s #%d: %+v", tc.name, i, c)
		}
	}
}
