package jitsi

import (
	"context"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"
	video "github.com/teleconsult/video"
)

// BenchmarkIssueToken is the provider's whole token: claims, HS256 signature, join link.
func BenchmarkIssueToken(b *testing.B) { benchIssue(b, newProvider(b, selfHosted(""))) }

// BenchmarkIssueTokenJaaS is the same with RS256.
func BenchmarkIssueTokenJaaS(b *testing.B) { benchIssue(b, newProvider(b, jaas(b, ""))) }

func benchIssue(b *testing.B, p *Provider) {
	req := request(video.RoleDoctor)
	ctx := context.Background()
	b.ReportAllocs()
	for b.Loop() {
		if _, err := p.IssueToken(ctx, req); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkRawSignedString is golang-jwt signing the same claims directly: the floor.
func BenchmarkRawSignedString(b *testing.B) {
	now := time.Now()
	c := &claims{Issuer: testAppID, Audience: "jitsi", Subject: "*", Room: room, IssuedAt: now.Unix(),
		NotBefore: now.Unix() - 30, Expiry: now.Add(time.Hour).Unix(),
		Context: tokenContext{User: tokenUser{ID: "u", Name: "Dr. Q", Moderator: "true"},
			Features: tokenFeatures{"false", "false", "false", "true"}}}
	key := []byte(testSecret)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := jwt.NewWithClaims(jwt.SigningMethodHS256, c).SignedString(key); err != nil {
			b.Fatal(err)
		}
	}
}
