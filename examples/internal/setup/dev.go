// Package setup holds what the example programs share: the development defaults they fill in
// for unset variables, which never live inside the library.
package setup

import "os"

// DevDefaults are the development settings the examples use for variables left unset: the
// LiveKit dev server that scripts/livekit-dev.sh starts, and the public Jitsi at meet.jit.si
// without a token. Jitsi's HTTP probe is off so the examples also run offline; a deployment
// leaves it on. They live here, never in the library.
var DevDefaults = map[string]string{
	"VIDEO_ENV":            "development",
	"OPENVIDU_URL":         "ws://127.0.0.1:7880",
	"OPENVIDU_API_KEY":     "devkey",
	"OPENVIDU_SECRET":      "secret",
	"JITSI_DOMAIN":         "meet.jit.si",
	"JITSI_HEALTH_PROBE":   "off",
	"VIDEO_HEALTH_TIMEOUT": "1s",
}

// ApplyDevDefaults sets every DevDefaults variable that is unset.
func ApplyDevDefaults() {
	for k, v := range DevDefaults {
		if _, ok := os.LookupEnv(k); !ok {
			os.Setenv(k, v)
		}
	}
}
