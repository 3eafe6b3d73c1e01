package video_test

import (
	"errors"
	"strings"
	"testing"

	video "github.com/teleconsult/video"
)

// FuzzLoadConfig feeds arbitrary values to the variables LoadConfig reads: it never panics,
// an error always names a variable and never shows the secret, and a loaded Config is valid.
func FuzzLoadConfig(f *testing.F) {
	f.Add("openvidu", "2h", "wss://video.example.com", "meet.example.com", "true", "0123456789abcdef0123456789abcdef-secret")
	f.Add("jitsi", "-5m", "ftp://x", "https://meet.example.com", "maybe", "short")
	f.Add("", "", "", "", "", "")
	f.Fuzz(func(t *testing.T, provider, ttl, ovURL, jitsiDomain, enabled, secret string) {
		vals := map[string]string{"VIDEO_PROVIDER": provider, "VIDEO_TOKEN_TTL": ttl, "OPENVIDU_URL": ovURL,
			"JITSI_DOMAIN": jitsiDomain, "VIDEO_ENABLED": enabled, "OPENVIDU_SECRET": secret,
			"OPENVIDU_API_KEY": "key", "VIDEO_ROOM_KEY": "fuzz room key of at least 32 bytes!!"}
		for k, v := range vals {
			if strings.ContainsRune(v, 0) || strings.ContainsRune(k, '=') {
				return // not representable in an environment
			}
		}
		setEnv(t, vals)
		cfg, err := video.LoadConfig()
		if err != nil {
			var verr *video.Error
			if !errors.As(err, &verr) || !errors.Is(err, video.ErrInvalidConfig) {
				t.Fatalf("not a configuration error: %v", err)
			}
			if verr.Field == "" && verr.Msg == "" {
				t.Fatalf("an error naming nothing: %v", err)
			}
			if len(secret) >= 12 && strings.Contains(err.Error(), secret) {
				t.Fatalf("the secret appears in %q", err)
			}
			return
		}
		if err := cfg.Validate(); err != nil {
			t.Fatalf("LoadConfig returned a Config that does not validate: %v", err)
		}
	})
}
