// Package roomname derives room names from appointment IDs: an HMAC-SHA256 under a
// configured key, so a name says nothing about the appointment (no PHI), cannot be guessed
// without the key, and is the same on every replica that shares the key.
package roomname

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base32"
	"hash"
	"strings"
	"sync"
)

// encoding is lowercase base32 without padding: a-z and 2-7, safe in URLs, XMPP room JIDs
// (Jitsi) and LiveKit room names.
var encoding = base32.NewEncoding("abcdefghijklmnopqrstuvwxyz234567").WithPadding(base32.NoPadding)

// Deriver derives room names under one key. It is safe for concurrent use.
type Deriver struct {
	prefix string
	pool   sync.Pool
}

// New returns a Deriver that keys the HMAC with key and starts every name with prefix.
func New(key []byte, prefix string) *Deriver {
	k := append([]byte(nil), key...)
	return &Deriver{prefix: prefix, pool: sync.Pool{New: func() any { return hmac.New(sha256.New, k) }}}
}

// Name returns the room of appointmentID: prefix followed by 32 characters of [a-z2-7]
// (160 bits of the HMAC).
func (d *Deriver) Name(appointmentID string) string {
	h := d.pool.Get().(hash.Hash)
	h.Reset()
	h.Write([]byte(appointmentID))
	var sum [sha256.Size]byte
	mac := h.Sum(sum[:0])
	d.pool.Put(h)
	var b strings.Builder
	b.Grow(len(d.prefix) + 32)
	b.WriteString(d.prefix)
	var enc [32]byte
	encoding.Encode(enc[:], mac[:20])
	b.Write(enc[:])
	return b.String()
}
