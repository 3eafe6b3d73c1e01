package videotest

import (
	"context"
	"net/url"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	video "github.com/teleconsult/video"
)

// RunProviderTests checks that a video.Provider keeps the contract the Service relies on.
// newProvider returns a healthy provider ready to use (for a real provider: configured
// against a running server); it is called once per subtest.
func RunProviderTests(t *testing.T, newProvider func(t *testing.T) video.Provider) {
	t.Helper()
	ctx := context.Background()
	const ttl = 30 * time.Minute
	req := func(room, user string, role video.Role) video.TokenRequest {
		return video.TokenRequest{Room: room, UserID: user, Role: role, Info: video.UserInfo{DisplayName: "Test User"}, TTL: ttl}
	}

	t.Run("Name", func(t *testing.T) {
		p := newProvider(t)
		assert.True(t, p.Name().Valid(), "Name() = %q is not a known provider name", p.Name())
	})

	t.Run("IssueTokenEveryRole", func(t *testing.T) {
		p := newProvider(t)
		for _, role := range []video.Role{video.RoleDoctor, video.RolePatient, video.RoleObserver} {
			before := time.Now()
			tok, err := p.IssueToken(ctx, req("conformance-room-a", "user-"+string(role), role))
			require.NoError(t, err, "role %s", role)
			require.NotNil(t, tok)
			assert.True(t, tok.Token != "" || tok.JoinURL != "", "role %s: neither token nor join URL", role)
			assert.True(t, tok.JoinURL != "" || tok.ServerURL != "", "role %s: neither join URL nor server URL", role)
			for _, raw := range []string{tok.JoinURL, tok.ServerURL} {
				if raw != "" {
					u, err := url.Parse(raw)
					require.NoError(t, err, "role %s: %q", role, raw)
					assert.NotEmpty(t, u.Host, "role %s: %q has no host", role, raw)
				}
			}
			assert.WithinRange(t, tok.ExpiresAt, before.Add(ttl).Add(-2*time.Second), time.Now().Add(ttl).Add(2*time.Second),
				"role %s: expiry must be TTL from now", role)
		}
	})

	t.Run("TokensDifferByRoomAndUser", func(t *testing.T) {
		p := newProvider(t)
		a, err := p.IssueToken(ctx, req("conformance-room-a", "user-1", video.RolePatient))
		require.NoError(t, err)
		b, err := p.IssueToken(ctx, req("conformance-room-b", "user-1", video.RolePatient))
		require.NoError(t, err)
		c, err := p.IssueToken(ctx, req("conformance-room-a", "user-2", video.RolePatient))
		require.NoError(t, err)
		assert.NotEqual(t, a.Token+a.JoinURL, b.Token+b.JoinURL, "two rooms, one token")
		if a.Token != "" {
			assert.NotEqual(t, a.Token, c.Token, "two users, one token")
		}
	})

	t.Run("IssueTokenRejectsBadRequests", func(t *testing.T) {
		p := newProvider(t)
		for name, r := range map[string]video.TokenRequest{
			"empty room":    req("", "user-1", video.RoleDoctor),
			"wildcard room": req("*", "user-1", video.RoleDoctor),
			"empty user":    req("conformance-room-a", "", video.RoleDoctor),
			"unknown role":  req("conformance-room-a", "user-1", video.Role("admin")),
			"zero TTL":      {Room: "conformance-room-a", UserID: "user-1", Role: video.RoleDoctor},
		} {
			_, err := p.IssueToken(ctx, r)
			assert.ErrorIs(t, err, video.ErrInvalidArgument, name)
		}
	})

	t.Run("IssueTokenConcurrently", func(t *testing.T) {
		p := newProvider(t)
		var wg sync.WaitGroup
		errs := make(chan error, 50)
		for i := range 50 {
			wg.Go(func() {
				_, err := p.IssueToken(ctx, req("conformance-room-c", "user-"+string(rune('a'+i%26)), video.RolePatient))
				errs <- err
			})
		}
		wg.Wait()
		close(errs)
		for err := range errs {
			assert.NoError(t, err)
		}
	})

	t.Run("CreateRoomIsIdempotent", func(t *testing.T) {
		p := newProvider(t)
		require.NoError(t, p.CreateRoom(ctx, "conformance-room-d"))
		require.NoError(t, p.CreateRoom(ctx, "conformance-room-d"))
	})

	t.Run("EndRoomIsIdempotent", func(t *testing.T) {
		p := newProvider(t)
		require.NoError(t, p.EndRoom(ctx, "conformance-room-never-created"))
		require.NoError(t, p.CreateRoom(ctx, "conformance-room-e"))
		require.NoError(t, p.EndRoom(ctx, "conformance-room-e"))
		require.NoError(t, p.EndRoom(ctx, "conformance-room-e"))
	})

	t.Run("CheckHealthy", func(t *testing.T) {
		p := newProvider(t)
		cctx, cancel := context.WithTimeout(ctx, 5*time.Second)
		defer cancel()
		assert.NoError(t, p.Check(cctx))
	})

	t.Run("CheckHonoursCancelledContext", func(t *testing.T) {
		p := newProvider(t)
		cctx, cancel := context.WithCancel(ctx)
		cancel()
		assert.Error(t, p.Check(cctx), "a cancelled context must not report healthy")
	})
}
