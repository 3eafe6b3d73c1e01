// Package setup holds what the example programs share: the development defaults they fill in
// for unset variables, which never live inside the library.
package setup

import (
	"os"
	"strings"
)

// DevDefaults are the development settings the examples use for variables left unset: the
// LiveKit dev server that scripts/livekit-dev.sh starts, and the public Jitsi at meet.jit.si
// without a token. Jitsi's HTTP probe is off so the examples also run offline; a deployment
// leaves it on. They live here, never in the library.
var DevDefaults = map[string]string{
	"VIDEO_ENV":            "development",
	"OPENVIDU_URL":         "ws://127.0.0.1:7880",
	"OPENVIDU_API_KEY":     "devkey",
	"OPENVIDU_SECRET":      "devsecret-local-livekit-only-0123456789",
	"JITSI_DOMAIN":         "meet.jit.si",
	"JITSI_HEALTH_PROBE":   "off",
	"VIDEO_HEALTH_TIMEOUT": "1s",
}

// groups are the variable prefixes that configure one provider: a provider's development
// defaults apply only when none of its variables is set, so that a half-configured provider
// reports its real configuration error instead of running on invented values.
var groups = [][]string{{"OPENVIDU_", "LIVEKIT_"}, {"JITSI_"}}

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

// groupOf returns the prefixes of the provider k belongs to, or nil for the Service's own.
func groupOf(k string) []string {
	for _, g := range groups {
		for _, p := range g {
			if strings.HasPrefix(k, p) {
				return g
			}
		}
	}
	return nil
}

// configured reports whether any variable with one of prefixes is set.
func configured(prefixes []string) bool {
	for _, e := range os.Environ() {
		for _, p := range prefixes {
			if strings.HasPrefix(e, p) {
				return true
			}
		}
	}
	return false
}
