// Package redact describes values that hold secrets, so that the library's types that do (the
// Service, each provider) print and log what may be shown and nothing else, whatever the fmt
// verb or slog handler: fmt never reaches a secret through an unexported field when the type
// formats itself.
package redact

import "strings"

// Hidden is what a secret shows as.
const Hidden = "[REDACTED]"

// Describe returns "Type{key=value …}" from pairs of keys and values that may be shown.
func Describe(typ string, kv ...string) string {
	var b strings.Builder
	b.WriteString(typ)
	b.WriteByte('{')
	for i := 0; i+1 < len(kv); i += 2 {
		if i > 0 {
			b.WriteByte(' ')
		}
		b.WriteString(kv[i])
		b.WriteByte('=')
		b.WriteString(kv[i+1])
	}
	b.WriteByte('}')
	return b.String()
}
