package video_test

import (
	"context"
	"encoding/json"
	"errors"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	video "github.com/teleconsult/video"
	"github.com/teleconsult/video/jitsi"
)

// TestTokensFollowTheWindow walks an appointment's window with the clock: refused before
// joining opens (saying when), issued from then on, clamped near the end so that no token
// outlives the grace, refused after it.
func TestTokensFollowTheWindow(t *testing.T) {
	r := newRig(t, testConfig()) // tokens live 1 h; early join 10 m, grace 30 m
	ctx := context.Background()
	start := r.clock.Now().Add(time.Hour)
	w := video.Window{Start: start, End: start.Add(30 * time.Minute)}
	c, err := r.svc.Schedule(ctx, "a1", w)
	require.NoError(t, err)
	assert.True(t, c.Window.Equal(w))

	refused, clamped := 0, 0
	_, err = r.svc.GenerateMeetingToken(ctx, "a1", "pat", video.RolePatient, video.UserInfo{})
	require.ErrorIs(t, err, video.ErrTooEarly)
	var we *video.WindowError
	require.True(t, errors.As(err, &we))
	assert.True(t, we.Opens.Equal(start.Add(-10*time.Minute)), "it says when joining opens")
	assert.Contains(t, err.Error(), we.Opens.UTC().Format(time.RFC3339))
	refused++

	ttl := func(tok *video.MeetingToken) time.Duration {
		req, ok := r.ov.Lookup(tok.Token)
		require.True(t, ok)
		return req.TTL
	}
	r.clock.Advance(50 * time.Minute) // joining opens
	tok := r.token(t, "a1", "pat", video.RolePatient)
	assert.Equal(t, time.Hour, ttl(tok), "a full TTL fits before the close")

	r.clock.Advance(40 * time.Minute) // the end: end + grace is 30 m away
	tok = r.token(t, "a1", "doc", video.RoleDoctor)
	closes := w.End.Add(30 * time.Minute)
	assert.Equal(t, closes.Sub(r.clock.Now())-time.Second, ttl(tok), "clamped: no token is valid past the end and the grace (a second of margin for exp in whole seconds)")
	clamped++

	r.clock.Advance(40 * time.Minute) // past the end and the grace
	_, err = r.svc.GenerateMeetingToken(ctx, "a1", "pat", video.RolePatient, video.UserInfo{})
	require.ErrorIs(t, err, video.ErrTooLate)
	require.True(t, errors.As(err, &we))
	assert.True(t, we.Closes.Equal(closes))
	refused++
	t.Logf("refused %d, clamped %d", refused, clamped)
}

// A window set on one replica binds the others, whatever they remember.
func TestRescheduleOnAnotherReplica(t *testing.T) {
	a := newRig(t, testConfig())
	b := newRig(t, testConfig(), video.WithStore(a.store), video.WithClock(a.clock.Now))
	ctx := context.Background()
	now := a.clock.Now()
	later := video.Window{Start: now.Add(24 * time.Hour), End: now.Add(25 * time.Hour)}
	current := video.Window{Start: now, End: now.Add(time.Hour)}

	_, err := a.svc.Schedule(ctx, "a1", later)
	require.NoError(t, err)
	_, err = b.svc.GenerateMeetingToken(ctx, "a1", "pat", video.RolePatient, video.UserInfo{})
	require.ErrorIs(t, err, video.ErrTooEarly, "B remembers tomorrow's window")

	_, err = a.svc.Schedule(ctx, "a1", current)
	require.NoError(t, err)
	b.token(t, "a1", "pat", video.RolePatient) // B's memory says too early; the record says now

	_, err = a.svc.Schedule(ctx, "a1", later)
	require.NoError(t, err)
	_, err = b.svc.GenerateMeetingToken(ctx, "a1", "doc", video.RoleDoctor, video.UserInfo{})
	require.ErrorIs(t, err, video.ErrTooEarly, "B's memory says now; the record says tomorrow")
}

func TestScheduleRefusesWhatCannotBe(t *testing.T) {
	r := newRig(t, testConfig())
	ctx := context.Background()
	now := r.clock.Now()
	for name, w := range map[string]video.Window{
		"no start":   {End: now},
		"no end":     {Start: now},
		"backwards":  {Start: now, End: now.Add(-time.Minute)},
		"empty":      {Start: now, End: now},
		"eight days": {Start: now, End: now.Add(8 * 24 * time.Hour)},
	} {
		_, err := r.svc.Schedule(ctx, "a1", w)
		require.ErrorIs(t, err, video.ErrInvalidArgument, name)
		var verr *video.Error
		require.True(t, errors.As(err, &verr))
		assert.Equal(t, "window", verr.Field, name)
	}
	_, err := r.svc.Schedule(ctx, "bad\nid", video.Window{Start: now, End: now.Add(time.Hour)})
	assert.ErrorIs(t, err, video.ErrInvalidArgument)

	r.token(t, "a2", "doc", video.RoleDoctor)
	_, err = r.svc.EndConsultation(ctx, "a2", "doc", video.RoleDoctor)
	require.NoError(t, err)
	_, err = r.svc.Schedule(ctx, "a2", video.Window{Start: now, End: now.Add(time.Hour)})
	assert.ErrorIs(t, err, video.ErrConsultationEnded)
}

// An appointment without a window, and the configuration's bounds.
func TestWindowConfiguration(t *testing.T) {
	cfg := video.DefaultConfig()
	assert.Equal(t, 10*time.Minute, cfg.EarlyJoin)
	assert.Equal(t, 30*time.Minute, cfg.LateGrace)
	for _, bad := range []func(*video.Config){
		func(c *video.Config) { c.EarlyJoin = -time.Minute },
		func(c *video.Config) { c.LateGrace = 25 * time.Hour },
	} {
		c := testConfig()
		bad(&c)
		assert.ErrorIs(t, c.Validate(), video.ErrInvalidConfig)
	}
	r := newRig(t, testConfig())
	tok := r.token(t, "a1", "pat", video.RolePatient)
	req, ok := r.ov.Lookup(tok.Token)
	require.True(t, ok)
	assert.Equal(t, time.Hour, req.TTL, "no window: the full TTL, any time")
}

// With a real provider's token: the exp it carries, and the MeetingToken's ExpiresAt, are the
// window's close.
func TestAClampedJitsiTokenExpiresAtTheClose(t *testing.T) {
	jcfg := jitsi.DefaultConfig()
	jcfg.Domain, jcfg.AppID, jcfg.AppSecret, jcfg.HealthProbe = "meet.example.com", "app", "the jitsi app secret, 32 bytes or more", jitsi.ProbeOff
	jt, err := jitsi.New(jcfg)
	require.NoError(t, err)
	svc, err := video.New(testConfig(), []video.Provider{jt})
	require.NoError(t, err)
	defer svc.Close()
	ctx := context.Background()
	now := time.Now()
	w := video.Window{Start: now.Add(-20 * time.Minute), End: now.Add(5 * time.Minute)}
	_, err = svc.Schedule(ctx, "a1", w)
	require.NoError(t, err)
	tok, err := svc.GenerateMeetingToken(ctx, "a1", "pat", video.RolePatient, video.UserInfo{})
	require.NoError(t, err)
	var claims struct {
		Exp int64 `json:"exp"`
	}
	require.NoError(t, json.Unmarshal([]byte(jwtPayload(t, tok.Token)), &claims))
	closes := w.End.Add(30 * time.Minute)
	assert.LessOrEqual(t, claims.Exp, closes.Unix(), "the token's exp is at the close at the latest")
	assert.Greater(t, claims.Exp, closes.Add(-5*time.Second).Unix(), "and not much before")
	assert.Equal(t, claims.Exp, tok.ExpiresAt.Unix(), "ExpiresAt says so")
}

// The instants around the close, and a window shorter than a store keeps.
func TestWindowEdges(t *testing.T) {
	r := newRig(t, testConfig())
	ctx := context.Background()
	now := r.clock.Now()
	_, err := r.svc.Schedule(ctx, "a1", video.Window{Start: now.Add(-time.Hour), End: now.Add(-30 * time.Minute).Add(time.Second)})
	require.NoError(t, err)
	_, err = r.svc.GenerateMeetingToken(ctx, "a1", "pat", video.RolePatient, video.UserInfo{})
	assert.ErrorIs(t, err, video.ErrTooLate, "a second before the close: too late for a token with an exp in whole seconds")
	_, err = r.svc.Schedule(ctx, "a1", video.Window{Start: now.Add(-time.Hour), End: now.Add(-30 * time.Minute).Add(3 * time.Second)})
	require.NoError(t, err)
	tok := r.token(t, "a1", "pat", video.RolePatient)
	req, _ := r.ov.Lookup(tok.Token)
	assert.Equal(t, 2*time.Second, req.TTL, "three seconds before the close: two seconds' token")
	_, err = r.svc.Schedule(ctx, "a2", video.Window{Start: now, End: now.Add(500 * time.Nanosecond)})
	assert.ErrorIs(t, err, video.ErrInvalidArgument, "a window a store would keep empty")
}
