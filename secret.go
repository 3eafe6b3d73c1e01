package video

import (
	"fmt"
	"log/slog"
	"strings"

	"github.com/teleconsult/video/internal/redact"
)

// Secret is a configuration value that must never be shown: an API secret, a signing key.
// Printing, formatting, logging or JSON-encoding a Secret shows "[REDACTED]" (or "" when it
// is empty); Reveal returns the value to the code that signs with it.
type Secret string

const redacted = redact.Hidden

// Reveal returns the secret's value.
func (s Secret) Reveal() string { return string(s) }

// IsSet reports whether the secret has a value: one of white space alone counts as unset.
func (s Secret) IsSet() bool { return strings.TrimSpace(string(s)) != "" }

// MinSecretLength is the fewest bytes a signing secret may have (VIDEO_ROOM_KEY, an API secret,
// an HS256 key): 256 bits, as LiveKit itself asks of its API secrets.
const MinSecretLength = 32

// CheckStrength returns what is wrong with s as a signing secret, or "" when it is unset or
// strong enough: at least MinSecretLength bytes once white space around it is trimmed, no
// control character, and at least minSecretVariety different bytes (32 times the same letter is
// no secret). It says nothing of the value.
func (s Secret) CheckStrength() string {
	if !s.IsSet() {
		return ""
	}
	v := strings.TrimSpace(string(s))
	if len(v) < MinSecretLength {
		return fmt.Sprintf("must be at least %d bytes, white space around it not counted", MinSecretLength)
	}
	var seen [256]bool
	distinct := 0
	for i := 0; i < len(v); i++ {
		if v[i] < 0x20 || v[i] == 0x7f {
			return "must not contain control characters"
		}
		if !seen[v[i]] {
			seen[v[i]], distinct = true, distinct+1
		}
	}
	if distinct < minSecretVariety {
		return fmt.Sprintf("must have at least %d different characters: use random bytes", minSecretVariety)
	}
	return ""
}

// minSecretVariety is the fewest different bytes a signing secret may have.
const minSecretVariety = 8

// String implements fmt.Stringer without the value.
func (s Secret) String() string {
	if s == "" {
		return ""
	}
	return redacted
}

// GoString implements fmt.GoStringer without the value, for %#v.
func (s Secret) GoString() string { return fmt.Sprintf("video.Secret(%q)", s.String()) }

// Format implements fmt.Formatter, so every verb (%s, %v, %q, %x, %d) shows no value.
func (s Secret) Format(f fmt.State, verb rune) {
	if verb == 'v' && f.Flag('#') {
		fmt.Fprint(f, s.GoString())
		return
	}
	fmt.Fprint(f, s.String())
}

// LogValue implements slog.LogValuer without the value.
func (s Secret) LogValue() slog.Value { return slog.StringValue(s.String()) }

// MarshalText implements encoding.TextMarshaler without the value, so JSON shows none.
func (s Secret) MarshalText() ([]byte, error) { return []byte(s.String()), nil }
