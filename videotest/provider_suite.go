package videotest

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	video "github.com/teleconsult/video"
)

// ProviderHarness tells RunProviderTests how to make and read a provider.
type ProviderHarness struct {
	// New returns a healthy provider ready to use (for a real provider: configured against a
	// running server). It is called once per subtest.
	New func(t *testing.T) video.Provider
	// Decode reads back what tok grants, in the library's vocabulary, from the token or the
	// join link as the vendor's server or client would read it. With Carries, it is how the
	// suite checks the translation of every grant. Nil: grants are not checked.
	Decode func(t *testing.T, tok *video.Token) video.Grants
	// Carries marks (true) the grants the vendor's tokens carry; the others are not compared.
	// A waiting participant's Publish, Subscribe and PublishData are never compared: what they
	// become is the Admitter's to grant.
	Carries video.Grants
	// Join, when set, connects a participant with tok and returns a function that
	// disconnects it: the suite then checks Participants and Admit with a real participant.
	Join func(t *testing.T, tok *video.Token) (leave func())
}

// RunProviderTests checks that a video.Provider keeps the contract the Service relies on: the
// required methods, the translation of every grant, and the optional capabilities it has.
func RunProviderTests(t *testing.T, h ProviderHarness) {
	t.Helper()
	ctx := context.Background()
	const ttl = 30 * time.Minute
	newProvider := h.New
	req := func(room, user string, role video.Role) video.TokenRequest {
		return video.TokenRequest{Room: room, UserID: user, Role: role, Grants: roleGrants[role],
			Info: video.UserInfo{DisplayName: "Test User"}, TTL: ttl}
	}

	t.Run("Name", func(t *testing.T) {
		p := newProvider(t)
		assert.True(t, p.Name().Valid(), "Name() = %q is not a well-formed provider name", p.Name())
	})

	t.Run("Grants", func(t *testing.T) {
		if h.Decode == nil {
			t.Skip("the harness has no Decode")
		}
		p := newProvider(t)
		for name, g := range grantCases {
			r := req("conformance-room-g", "user-g", video.RolePatient)
			r.Grants = g
			tok, err := p.IssueToken(ctx, r)
			require.NoError(t, err, name)
			got := h.Decode(t, tok)
			want := g
			if g.Waiting {
				want.Publish, want.Subscribe, want.PublishData = got.Publish, got.Subscribe, got.PublishData
			}
			assert.Equal(t, mask(want, h.Carries), mask(got, h.Carries), "%s: what the token grants", name)
		}
	})

	t.Run("Capabilities", func(t *testing.T) {
		p := newProvider(t)
		if l, ok := p.(video.ParticipantLister); ok {
			ps, err := l.Participants(ctx, "conformance-room-nobody-joined")
			assert.NoError(t, err, "an unknown room has no participants, not an error")
			assert.Empty(t, ps)
		}
		if wr, ok := p.(video.WebhookReceiver); ok {
			r, _ := http.NewRequest(http.MethodPost, "/webhooks", strings.NewReader(`{"event":"room_finished","room":{"name":"r"}}`))
			r.Header.Set("Content-Type", "application/json")
			_, err := wr.ReceiveWebhook(r)
			assert.ErrorIs(t, err, video.ErrUnauthenticated, "an unsigned webhook must be refused")
		}
		a, admits := p.(video.Admitter)
		l, lists := p.(video.ParticipantLister)
		if h.Join == nil || !admits || !lists {
			return
		}
		const room = "conformance-room-admit"
		require.NoError(t, p.CreateRoom(ctx, room))
		waiting := req(room, "patient-w", video.RolePatient)
		waiting.Grants.Waiting = true
		tok, err := p.IssueToken(ctx, waiting)
		require.NoError(t, err)
		leave := h.Join(t, tok)
		defer leave()
		me := func() video.LiveParticipant {
			ps, err := l.Participants(ctx, room)
			require.NoError(t, err)
			for _, lp := range ps {
				if lp.UserID == "patient-w" {
					return lp
				}
			}
			t.Fatalf("patient-w is not among the participants %v", ps)
			return video.LiveParticipant{}
		}
		assert.False(t, me().CanPublish, "a waiting participant must not publish before the admit")
		require.NoError(t, a.Admit(ctx, room, "patient-w"))
		assert.True(t, me().CanPublish, "an admitted participant publishes")
		assert.True(t, me().CanSubscribe, "an admitted participant subscribes")
		assert.ErrorIs(t, a.Admit(ctx, room, "nobody"), video.ErrNotFound, "admitting someone not in the room")
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

// roleGrants are the grants the suite's ordinary requests carry, as the Service's default
// policy decides them.
var roleGrants = map[video.Role]video.Grants{
	video.RoleDoctor:   {Moderator: true, Publish: true, Subscribe: true, PublishData: true, ScreenShare: true},
	video.RolePatient:  {Publish: true, Subscribe: true, PublishData: true, ScreenShare: true},
	video.RoleObserver: {Subscribe: true, Hidden: true},
}

// grantCases turn each grant on alone, and in the sets the Service's policy makes.
var grantCases = map[string]video.Grants{
	"none":         {},
	"moderator":    {Moderator: true},
	"publish":      {Publish: true},
	"subscribe":    {Subscribe: true},
	"data":         {PublishData: true},
	"screen share": {Publish: true, ScreenShare: true},
	"hidden":       {Hidden: true, Subscribe: true},
	"record":       {Record: true},
	"waiting":      {Waiting: true, Publish: true, Subscribe: true, PublishData: true},
	"doctor":       {Moderator: true, Publish: true, Subscribe: true, PublishData: true, ScreenShare: true, Record: true},
	"patient":      {Publish: true, Subscribe: true, PublishData: true, ScreenShare: true},
	"observer":     {Subscribe: true, Hidden: true},
}

// mask keeps the grants of g that carries marks.
func mask(g, carries video.Grants) video.Grants {
	return video.Grants{
		Moderator: g.Moderator && carries.Moderator, Publish: g.Publish && carries.Publish,
		Subscribe: g.Subscribe && carries.Subscribe, PublishData: g.PublishData && carries.PublishData,
		ScreenShare: g.ScreenShare && carries.ScreenShare, Hidden: g.Hidden && carries.Hidden,
		Record: g.Record && carries.Record, Waiting: g.Waiting && carries.Waiting,
	}
}
