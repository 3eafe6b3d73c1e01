package jitsi

import (
	"context"
	"fmt"
	"net/http"

	"github.com/teleconsult/video/internal/httpget"
)

// Check implements video.Provider: the web front must serve config.js and prosody must
// answer BOSH, both within ctx. With JITSI_HEALTH_PROBE=off it only reports ctx's error.
func (p *Provider) Check(ctx context.Context) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	if p.cfg.HealthProbe == ProbeOff {
		return nil
	}
	if err := p.probe(ctx, p.cfg.HealthConfigPath, "web front"); err != nil {
		return err
	}
	return p.probe(ctx, p.cfg.HealthBOSHPath, "prosody BOSH")
}

func (p *Provider) probe(ctx context.Context, path, what string) error {
	status, err := httpget.Status(ctx, p.client, p.healthBase+path)
	if err != nil {
		return fmt.Errorf("jitsi health: %s: GET %s: %w", what, path, err)
	}
	if status != http.StatusOK {
		hint := ""
		if status == http.StatusBadGateway && path == p.cfg.HealthBOSHPath {
			hint = " (prosody is down)"
		}
		return fmt.Errorf("jitsi health: %s: GET %s: %d %s%s", what, path, status, http.StatusText(status), hint)
	}
	return nil
}
