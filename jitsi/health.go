package jitsi

import (
	"context"
	"fmt"
	"io"
	"net/http"

	video "github.com/teleconsult/video"
)

// Check implements video.Provider: the web front must serve config.js and prosody must
// answer BOSH, both within ctx. With JITSI_HEALTH_PROBE=off it only reports ctx's error.
func (p *Provider) Check(ctx context.Context) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	if p.cfg.HealthProbe == video.JitsiProbeOff {
		return nil
	}
	if err := p.probe(ctx, p.cfg.HealthConfigPath, "web front"); err != nil {
		return err
	}
	return p.probe(ctx, p.cfg.HealthBOSHPath, "prosody BOSH")
}

func (p *Provider) probe(ctx context.Context, path, what string) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, p.healthBase+path, nil)
	if err != nil {
		return fmt.Errorf("jitsi health: %s: %w", what, err)
	}
	resp, err := p.client.Do(req)
	if err != nil {
		return fmt.Errorf("jitsi health: %s: GET %s: %w", what, path, unwrapURLError(err))
	}
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10))
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		hint := ""
		if resp.StatusCode == http.StatusBadGateway && path == p.cfg.HealthBOSHPath {
			hint = " (prosody is down)"
		}
		return fmt.Errorf("jitsi health: %s: GET %s: %s%s", what, path, resp.Status, hint)
	}
	return nil
}

// unwrapURLError drops the *url.Error wrapper, whose message repeats the whole URL.
func unwrapURLError(err error) error {
	if u, ok := err.(interface{ Unwrap() error }); ok {
		if inner := u.Unwrap(); inner != nil {
			return inner
		}
	}
	return err
}
