package openvidu

import (
	"fmt"
	"log/slog"

	"github.com/teleconsult/video/internal/redact"
)

// String describes the provider: its API, server, API key and public server URL, never the
// secrets.
func (p Provider) String() string {
	api := APILiveKit
	if p.v2 != nil {
		api = APIV2
	}
	return redact.Describe("openvidu.Provider", "api", api, "url", p.cfg.URL, "api_key", p.cfg.APIKey, "secret", redact.Hidden, "server_url", p.serverURL)
}

// Format implements fmt.Formatter: every verb, on a Provider or a pointer to one, prints
// String and never walks the fields that hold the secret.
func (p Provider) Format(f fmt.State, _ rune) { _, _ = f.Write([]byte(p.String())) }

// LogValue implements slog.LogValuer with String.
func (p Provider) LogValue() slog.Value { return slog.StringValue(p.String()) }
