package jitsi

import (
	"fmt"
	"log/slog"
	"strconv"

	"github.com/teleconsult/video/internal/redact"
)

// String describes the provider: where links go, the issuer and whether it signs, never the
// app secret or the JaaS key.
func (p Provider) String() string {
	return redact.Describe("jitsi.Provider", "base_url", p.linkBase, "issuer", p.issuer, "jaas", strconv.FormatBool(p.cfg.JaaS()),
		"anonymous", strconv.FormatBool(p.anonymous), "key", redact.Hidden)
}

// Format implements fmt.Formatter: every verb, on a Provider or a pointer to one, prints
// String and never walks the fields that hold the key.
func (p Provider) Format(f fmt.State, _ rune) { _, _ = f.Write([]byte(p.String())) }

// LogValue implements slog.LogValuer with String.
func (p Provider) LogValue() slog.Value { return slog.StringValue(p.String()) }
