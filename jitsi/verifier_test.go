package jitsi

import (
	"bytes"
	"crypto"
	"crypto/hmac"
	"crypto/rsa"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"
)

// verifier checks a token the way Jitsi's prosody token verifier does, rule by rule, in
// its order. It is written from those rules and shares no code with the signer.
type verifier struct {
	alg       string         // the configured algorithm: "HS256" or "RS256"
	secret    []byte         // HS256
	publicKey *rsa.PublicKey // RS256
	issuers   []string       // accepted issuers
	audiences []string       // accepted audiences; "*" accepts any
	now       time.Time
	// verifyDomain turns on the sub check at join: sub must be "*", domain or tenant.
	verifyDomain   bool
	domain, tenant string
}

var b64 = base64.RawURLEncoding

// verify returns the token's claims when a participant presenting it may join room.
func (v verifier) verify(token, room string) (map[string]any, error) {
	parts := strings.Split(token, ".")
	if len(parts) != 3 {
		return nil, errors.New("not a JWS compact token")
	}
	var header map[string]any
	if err := decodeSegment(parts[0], &header); err != nil {
		return nil, fmt.Errorf("header: %w", err)
	}
	if typ, _ := header["typ"].(string); typ != "JWT" {
		return nil, fmt.Errorf("header typ must be exactly \"JWT\", got %v", header["typ"])
	}
	if alg, _ := header["alg"].(string); alg != v.alg {
		return nil, fmt.Errorf("header alg must be %s, got %v", v.alg, header["alg"])
	}
	sig, err := b64.DecodeString(parts[2])
	if err != nil {
		return nil, fmt.Errorf("signature encoding: %w", err)
	}
	signingInput := []byte(parts[0] + "." + parts[1])
	switch v.alg {
	case "HS256":
		mac := hmac.New(sha256.New, v.secret)
		mac.Write(signingInput)
		if !hmac.Equal(mac.Sum(nil), sig) {
			return nil, errors.New("signature does not verify")
		}
	case "RS256":
		sum := sha256.Sum256(signingInput)
		if err := rsa.VerifyPKCS1v15(v.publicKey, crypto.SHA256, sum[:], sig); err != nil {
			return nil, errors.New("signature does not verify")
		}
	}
	var c map[string]any
	if err := decodeSegment(parts[1], &c); err != nil {
		return nil, fmt.Errorf("claims: %w", err)
	}
	if err := noNulls(c, "claims"); err != nil {
		return nil, err
	}
	now := v.now.Unix()
	if raw, ok := c["exp"]; ok {
		exp, ok := raw.(json.Number)
		if !ok {
			return nil, errors.New("exp must be numeric")
		}
		if n, err := exp.Int64(); err != nil || now >= n {
			return nil, errors.New("token expired (no clock skew allowed)")
		}
	}
	if raw, ok := c["nbf"]; ok {
		nbf, ok := raw.(json.Number)
		if !ok {
			return nil, errors.New("nbf must be numeric")
		}
		if n, err := nbf.Int64(); err != nil || now < n {
			return nil, errors.New("token not valid yet (no clock skew allowed)")
		}
	}
	iss, ok := c["iss"].(string)
	if !ok || iss == "" {
		return nil, errors.New("iss is missing")
	}
	if !contains(v.issuers, iss) {
		return nil, fmt.Errorf("iss %q is not accepted", iss)
	}
	aud, ok := c["aud"].(string)
	if !ok || aud == "" {
		return nil, fmt.Errorf("aud must be a plain string, got %T", c["aud"])
	}
	if !contains(v.audiences, "*") && !contains(v.audiences, aud) {
		return nil, fmt.Errorf("aud %q is not accepted", aud)
	}
	claimRoom, ok := c["room"].(string)
	if !ok || claimRoom == "" {
		return nil, errors.New("room is missing")
	}
	sub, ok := c["sub"].(string)
	if !ok || sub == "" {
		return nil, errors.New("sub is missing")
	}
	// At join: the room in the token, lowercased, must be the room joined (or "*").
	if claimRoom != "*" && strings.ToLower(claimRoom) != room {
		return nil, fmt.Errorf("token is for room %q, not %q", strings.ToLower(claimRoom), room)
	}
	if v.verifyDomain && sub != "*" && strings.ToLower(sub) != v.domain && strings.ToLower(sub) != v.tenant {
		return nil, fmt.Errorf("sub %q is neither \"*\" nor the domain nor the tenant", sub)
	}
	return c, nil
}

func decodeSegment(seg string, out any) error {
	raw, err := b64.DecodeString(seg)
	if err != nil {
		return err
	}
	d := json.NewDecoder(bytes.NewReader(raw))
	d.UseNumber()
	return d.Decode(out)
}

// noNulls fails on any JSON null inside v.
func noNulls(v any, path string) error {
	switch x := v.(type) {
	case nil:
		return fmt.Errorf("%s is null", path)
	case map[string]any:
		for k, e := range x {
			if err := noNulls(e, path+"."+k); err != nil {
				return err
			}
		}
	case []any:
		for i, e := range x {
			if err := noNulls(e, fmt.Sprintf("%s[%d]", path, i)); err != nil {
				return err
			}
		}
	}
	return nil
}

func contains(list []string, s string) bool {
	for _, e := range list {
		if e == s {
			return true
		}
	}
	return false
}

// forge builds an HS256 or RS256 token from header and claims with the test's own signing
// code, to break one rule at a time.
func forge(header, claims map[string]any, secret []byte, key *rsa.PrivateKey) string {
	h, _ := json.Marshal(header)
	c, _ := json.Marshal(claims)
	input := b64.EncodeToString(h) + "." + b64.EncodeToString(c)
	var sig []byte
	if key != nil {
		sum := sha256.Sum256([]byte(input))
		sig, _ = rsa.SignPKCS1v15(nil, key, crypto.SHA256, sum[:])
	} else {
		mac := hmac.New(sha256.New, secret)
		mac.Write([]byte(input))
		sig = mac.Sum(nil)
	}
	return input + "." + b64.EncodeToString(sig)
}
