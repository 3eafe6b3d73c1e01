package jitsi

import (
	"net/url"
	"strings"
	"unicode/utf8"
)

// override is one "#key=value" config override of a join link; value is JSON text.
type override struct {
	key   string
	value string
}

// jsonTrue is the JSON text of a boolean override.
const jsonTrue = "true"

// joinURL builds base/room?jwt=token#overrides. Jitsi reads each override by splitting the
// fragment on '&' and '=', percent-decoding the value and parsing it as JSON; values are
// therefore JSON text (jsonString) escaped as encodeURIComponent does, which leaves no raw
// '&', '=' or '#' in them.
func joinURL(base, room, token string, overrides []override) string {
	var b strings.Builder
	size := len(base) + 3*len(room) + len(token) + 6
	for _, o := range overrides {
		size += len(o.key) + 2 + 3*len(o.value) // at most three bytes for each escaped one
	}
	b.Grow(size)
	b.WriteString(base)
	b.WriteByte('/')
	b.WriteString(url.PathEscape(room))
	if token != "" {
		b.WriteString("?jwt=")
		b.WriteString(token) // base64url and dots: nothing to escape
	}
	sep := byte('#')
	for _, o := range overrides {
		b.WriteByte(sep)
		b.WriteString(o.key)
		b.WriteByte('=')
		writeURIComponent(&b, o.value)
		sep = '&'
	}
	return b.String()
}

// jsonString returns s as JSON string text, escaped as encoding/json does by default: quotes,
// backslashes and control characters, and '<', '>', '&', U+2028 and U+2029 as \u escapes, so
// the text carries no raw '&'. Invalid UTF-8 becomes \ufffd.
func jsonString(s string) string { return string(appendJSONString(nil, s)) }

// appendJSONString appends s as jsonString writes it.
func appendJSONString(b []byte, s string) []byte {
	const hex = "0123456789abcdef"
	b = append(b, '"')
	for i := 0; i < len(s); {
		c := s[i]
		if c >= 0x20 && c < utf8.RuneSelf && c != '"' && c != '\\' && c != '<' && c != '>' && c != '&' {
			b = append(b, c)
			i++
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		i += size
		switch {
		case r == utf8.RuneError && size == 1:
			b = append(b, `\ufffd`...)
		case r == '"' || r == '\\':
			b = append(b, '\\', byte(r))
		case r == '\b':
			b = append(b, `\b`...)
		case r == '\f':
			b = append(b, `\f`...)
		case r == '\n':
			b = append(b, `\n`...)
		case r == '\r':
			b = append(b, `\r`...)
		case r == '\t':
			b = append(b, `\t`...)
		case r < 0x20 || r == '<' || r == '>' || r == '&' || r == '\u2028' || r == '\u2029':
			b = append(b, '\\', 'u', hex[r>>12&15], hex[r>>8&15], hex[r>>4&15], hex[r&15])
		default:
			b = utf8.AppendRune(b, r)
		}
	}
	return append(b, '"')
}

// writeURIComponent writes s to b escaped as JavaScript's encodeURIComponent does: every
// byte of its UTF-8 form but A-Z a-z 0-9 - _ . ! ~ * ' ( ) is percent-encoded.
func writeURIComponent(b *strings.Builder, s string) {
	const hex = "0123456789ABCDEF"
	for i := 0; i < len(s); i++ {
		c := s[i]
		if 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || strings.IndexByte("-_.!~*'()", c) >= 0 {
			b.WriteByte(c)
			continue
		}
		b.WriteByte('%')
		b.WriteByte(hex[c>>4])
		b.WriteByte(hex[c&15])
	}
}
