package jitsi

import (
	"encoding/json"
	"net/url"
	"strings"
)

// override is one "#key=value" config override of a join link; value is JSON-encoded.
type override struct {
	key   string
	value any
}

// joinURL builds base/room?jwt=token#overrides. Jitsi reads each override by splitting the
// fragment on '&' and '=', percent-decoding the value and parsing it as JSON; values are
// therefore JSON-encoded (with '&', '<' and '>' as \u escapes) and then escaped as
// encodeURIComponent does, which leaves no raw '&', '=' or '#' in them.
func joinURL(base, room, token string, overrides []override) string {
	var b strings.Builder
	b.Grow(len(base) + len(room) + len(token) + 64)
	b.WriteString(base)
	b.WriteByte('/')
	b.WriteString(url.PathEscape(room))
	if token != "" {
		b.WriteString("?jwt=")
		b.WriteString(token) // base64url and dots: nothing to escape
	}
	sep := byte('#')
	for _, o := range overrides {
		v, err := json.Marshal(o.value)
		if err != nil {
			continue // only strings and bools are passed; they always encode
		}
		b.WriteByte(sep)
		b.WriteString(o.key)
		b.WriteByte('=')
		b.WriteString(encodeURIComponent(string(v)))
		sep = '&'
	}
	return b.String()
}

// encodeURIComponent escapes s as JavaScript's encodeURIComponent does: every byte of its
// UTF-8 form but A-Z a-z 0-9 - _ . ! ~ * ' ( ) is percent-encoded.
func encodeURIComponent(s string) string {
	const hex = "0123456789ABCDEF"
	var b strings.Builder
	b.Grow(len(s) * 3)
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
	return b.String()
}
