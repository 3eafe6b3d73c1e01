package video

import (
	"fmt"
	"log/slog"
)

// Secret is a configuration value that must never be shown: an API secret, a signing key.
// Printing, formatting, logging or JSON-encoding a Secret shows "[REDACTED]" (or "" when it
// is empty); Reveal returns the value to the code that signs with it.
type Secret string

const redacted = "[REDACTED]"

// Reveal returns the secret's value.
func (s Secret) Reveal() string { return string(s) }

// IsSet reports whether the secret has a value.
func (s Secret) IsSet() bool { return s != "" }

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
