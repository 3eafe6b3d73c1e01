package jitsi

import (
	"context"
	"net"
	"net/http"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	video "github.com/teleconsult/video"
	"github.com/teleconsult/video/videotest"
)

func TestCheckHealthyDeployment(t *testing.T) {
	srv := newJitsiServer(t)
	p := newProvider(t, selfHosted(srv.URL))
	require.NoError(t, p.Check(context.Background()))
	assert.Equal(t, int32(2), srv.requests.Load(), "config.js and BOSH")
}

func TestCheckProsodyDown(t *testing.T) {
	srv := newJitsiServer(t)
	srv.boshStatus.Store(http.StatusBadGateway)
	err := newProvider(t, selfHosted(srv.URL)).Check(context.Background())
	require.Error(t, err)
	assert.Contains(t, err.Error(), "502")
	assert.Contains(t, err.Error(), "prosody is down")
}

func TestCheckWebFrontDown(t *testing.T) {
	srv := newJitsiServer(t)
	cfg := selfHosted(srv.URL)
	cfg.HealthConfigPath = "/missing.js"
	err := newProvider(t, cfg).Check(context.Background())
	assert.ErrorContains(t, err, "404")
}

func TestCheckBlackHoleIsBoundedByTheContext(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	defer ln.Close()
	var mu sync.Mutex
	var held []net.Conn
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			mu.Lock()
			held = append(held, c) // accept and never answer
			mu.Unlock()
		}
	}()
	defer func() {
		ln.Close()
		mu.Lock()
		defer mu.Unlock()
		for _, c := range held {
			c.Close()
		}
	}()
	p := newProvider(t, selfHosted("http://"+ln.Addr().String()))
	ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
	defer cancel()
	err = p.Check(ctx)
	require.Error(t, err)
	assert.ErrorIs(t, err, context.DeadlineExceeded)
}

func TestCheckConnectionRefused(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	addr := ln.Addr().String()
	ln.Close()
	err = newProvider(t, selfHosted("http://"+addr)).Check(context.Background())
	assert.ErrorContains(t, err, "refused")
	assert.NotContains(t, err.Error(), testSecret)
}

func TestCheckOffMeansConfigValid(t *testing.T) {
	srv := newJitsiServer(t)
	cfg := selfHosted(srv.URL)
	cfg.HealthProbe = ProbeOff
	p := newProvider(t, cfg)
	require.NoError(t, p.Check(context.Background()))
	assert.Zero(t, srv.requests.Load(), "no request when the probe is off")
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	assert.Error(t, p.Check(ctx))
}

func TestCheckThroughTheService(t *testing.T) {
	srv := newJitsiServer(t)
	cfg := videotest.Config()
	p := newProvider(t, selfHosted(srv.URL))
	svc, err := video.New(cfg, []video.Provider{p})
	require.NoError(t, err)
	defer svc.Close()
	h := svc.Health(context.Background())
	require.Len(t, h.Providers, 1)
	assert.Equal(t, video.HealthUp, h.Providers[0].State)

	srv.boshStatus.Store(http.StatusBadGateway)
	svc2, err := video.New(cfg, []video.Provider{p})
	require.NoError(t, err)
	defer svc2.Close()
	h = svc2.Health(context.Background())
	assert.Equal(t, video.HealthDown, h.Providers[0].State)
	assert.Contains(t, h.Providers[0].LastError, "prosody is down")
	_, err = svc2.GenerateMeetingToken(context.Background(), "a1", "doc", video.RoleDoctor, video.UserInfo{})
	assert.ErrorIs(t, err, video.ErrAllProvidersFailed, "a Jitsi whose prosody is down serves no one")
}
