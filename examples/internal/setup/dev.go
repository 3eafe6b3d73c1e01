// Package setup holds what the example programs share: the development defaults they fill in
// for unset variables, which never live inside the library.
package setup

import (
	"os"
	"slices"

	"github.com/teleconsult/video/jitsi"
	"github.com/teleconsult/video/openvidu"
)

// DevDefaults are the development settings the examples use for variables left unset: the
// LiveKit dev server that scripts/livekit-dev.sh starts, whose join links open the appointments
// example's join page (the token in the link's fragment), and the public Jitsi at meet.jit.si
// without a token. Jitsi's HTTP probe is off so the examples also run offline; a deployment
// leaves it on. They live here, never in the library.
var DevDefaults = map[string]string{
	"VIDEO_ENV":            "development",
	"OPENVIDU_URL":         "ws://127.0.0.1:7880",
	"OPENVIDU_API_KEY":     "devkey",
	"OPENVIDU_SECRET":      "devsecret-local-livekit-only-0123456789",
	"OPENVIDU_JOIN_URL":    "http://127.0.0.1:8080/join#server_url={server_url}&token={token}",
	"JITSI_DOMAIN":         "meet.jit.si",
	"JITSI_HEALTH_PROBE":   "off",
	"VIDEO_HEALTH_TIMEOUT": "1s",
}

// groups are the variables that configure one provider: a provider's development defaults
// apply only when none of its variables is set, so that a half-configured provider reports its
// real configuration error instead of running on invented values.
var groups = [][]string{openvidu.Variables(), jitsi.Variables()}

// ApplyDevDefaults sets the DevDefaults variables that are unset: the Service's one by one, a
// provider's only when nothing of that provider is configured.
func ApplyDevDefaults() {
	var set []string // decided before anything is set
	for k := range DevDefaults {
		if _, ok := os.LookupEnv(k); !ok && !configured(groupOf(k)) {
			set = append(set, k)
		}
	}
	for _, k := range set {
		os.Setenv(k, DevDefaults[k])
	}
}

// groupOf returns the variables of the provider k belongs to, or nil for the Service's own.
func groupOf(k string) []string {
	for _, g := range groups {
		if slices.Contains(g, k) {
			return g
		}
	}
	return nil
}

// configured reports whether any of names is set.
func configured(names []string) bool {
	for _, n := range names {
		if _, ok := os.LookupEnv(n); ok {
			return true
		}
	}
	return false
}
